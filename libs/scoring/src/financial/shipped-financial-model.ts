import type { FinancialStatement } from '@app/domain/scoring';
import type { FinancialModel } from './financial-model';
import { RATIO_DEFINITIONS } from './financial-ratios';
import shippedFull from './financial-model-v2.json';
import shippedCore from './financial-model-core-v1.json';

/**
 * The two models `npm run model:fit` wrote (docs/scoring.md, "Financial strength"): the full
 * one reads every ratio, optional fields included; the core one only the ratios of the nine
 * fields every statement has. Every rating records both versions.
 */
export interface FinancialModels {
  readonly full: FinancialModel;
  readonly core: FinancialModel;
}

export const SHIPPED_FINANCIAL_MODEL: FinancialModel = shippedFull as unknown as FinancialModel;
export const SHIPPED_CORE_FINANCIAL_MODEL: FinancialModel = shippedCore as unknown as FinancialModel;
export const SHIPPED_FINANCIAL_MODELS: FinancialModels = { full: SHIPPED_FINANCIAL_MODEL, core: SHIPPED_CORE_FINANCIAL_MODEL };

/** The optional statement fields a model actually reads: those of its non-flat shapes and of its pairs. */
export function optionalFieldsRead(model: FinancialModel): ReadonlySet<keyof FinancialStatement> {
  const used = new Set<string>();
  for (const s of model.shapes) if (Math.max(...s.values) - Math.min(...s.values) > 0 || s.missing !== 0) used.add(s.feature);
  for (const p of model.pairs) for (const f of p.features) used.add(f);
  const fields = new Set<keyof FinancialStatement>();
  for (const d of RATIO_DEFINITIONS) if (used.has(d.name)) for (const f of d.optionalFields) fields.add(f);
  return fields;
}

const FULL_FIELDS = new WeakMap<FinancialModel, ReadonlySet<keyof FinancialStatement>>();

/**
 * The full model when the statement files every optional field it reads (the prior year's
 * revenue may come from that year's statement); the core model otherwise, rather than a full
 * model whose strongest terms would all sit at the average.
 */
export function chooseFinancialModel(
  models: FinancialModels,
  statement: FinancialStatement,
  hasPriorRevenue: boolean,
): { readonly model: FinancialModel; readonly which: 'FULL' | 'CORE' } {
  let fields = FULL_FIELDS.get(models.full);
  if (!fields) {
    fields = optionalFieldsRead(models.full);
    FULL_FIELDS.set(models.full, fields);
  }
  for (const f of fields) {
    if (f === 'priorYearRevenue' && hasPriorRevenue) continue;
    if (statement[f] === undefined) return { model: models.core, which: 'CORE' };
  }
  return { model: models.full, which: 'FULL' };
}
