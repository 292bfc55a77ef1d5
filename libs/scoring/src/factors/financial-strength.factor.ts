import { type FactorResult, type FinancialStatement, type IsoDate, type ReasonCode, usableFiscalYears } from '@app/domain/scoring';
import { pdToSubScore } from '../common/sub-score-scale';
import { sigmoid } from '../common/math';
import { altmanZone } from '../financial/altman-z';
import { financialLogit } from '../financial/financial-model';
import { financialRatios, type RatioValue } from '../financial/financial-ratios';
import { SHIPPED_FINANCIAL_MODELS, chooseFinancialModel, type FinancialModels } from '../financial/shipped-financial-model';

/** A statement speaks from the year after its fiscal year for two years (then it is stale): the rule of @app/domain/scoring, which the standing reads too. */
export { STATEMENT_MAX_AGE_YEARS } from '@app/domain/scoring';

const LEVERAGE = new Set(['Attr2', 'Attr8', 'Attr10', 'Attr17', 'Attr25', 'Attr30', 'Attr38', 'Attr51', 'Attr53', 'Attr54', 'Attr62', 'Attr63']);
const LIQUIDITY = new Set(['Attr3', 'Attr4', 'Attr5', 'Attr28', 'Attr37', 'Attr40', 'Attr46', 'Attr50']);

/** The latest statement usable at `asOf`: fiscal year ended (calendar year), not stale. */
export function latestUsableStatement(
  statements: readonly FinancialStatement[],
  asOf: IsoDate,
): FinancialStatement | null {
  const years = usableFiscalYears(asOf);
  let best: FinancialStatement | null = null;
  for (const s of statements) {
    if (s.fiscalYear > years.to || s.fiscalYear < years.from) continue;
    if (best === null || s.fiscalYear >= best.fiscalYear) best = s;
  }
  return best;
}

/**
 * Financial strength: the ratios of the latest verified statement through the fitted model
 * (financial/financial-model-v2.json when the statement files the optional fields it reads,
 * else the core model financial-model-core-v1.json; docs/scoring.md), whose one-year PD becomes a sub-score
 * on the common scale. The reason is the group of ratios that adds the most risk, or
 * FINANCIAL_DISTRESS when Altman's Z'' is in its distress zone (below 1.10).
 */
export function financialStrengthFactor(
  statements: readonly FinancialStatement[],
  asOf: IsoDate,
  models: FinancialModels = SHIPPED_FINANCIAL_MODELS,
): FactorResult {
  const s = latestUsableStatement(statements, asOf);
  if (s === null || s.totalAssets <= 0)
    return {
      factor: 'FINANCIAL_STRENGTH',
      status: 'INSUFFICIENT_DATA',
      reasonCode: 'NO_FINANCIAL_STATEMENT',
      why:
        s === null
          ? `no verified statement for fiscal years ${usableFiscalYears(asOf).from}..${usableFiscalYears(asOf).to}`
          : 'the latest statement has no positive total assets',
      records: 0,
    };
  const prior = statements.find((p) => p.fiscalYear === s.fiscalYear - 1);
  const ratios = financialRatios(s, prior?.revenue);
  const { model, which } = chooseFinancialModel(models, s, prior !== undefined);
  // The models' missing bins learned the data set's gaps (a figure the source did not have,
  // common among failing firms); on the platform an undefined ratio is a verified 0/0 (or a
  // zero denominator of either sign), which has no limit, so it takes the average, like a field
  // not filed. A non-zero amount over a verified zero (no revenue, no current liabilities) is
  // ±Infinity from financialRatios and falls in the end bin on its side.
  const platformRatios: Record<string, RatioValue> = {};
  for (const [k, v] of Object.entries(ratios)) platformRatios[k] = v === null ? undefined : v;
  const { logit, contributions } = financialLogit(model, platformRatios);
  const pd = sigmoid(model.calibration.a + model.calibration.b * logit);
  const subScore = pdToSubScore(pd);

  const byGroup = { HIGH_LEVERAGE: 0, WEAK_LIQUIDITY: 0, LOW_PROFITABILITY: 0 };
  for (const c of contributions) {
    const parts = c.feature.split(' x ');
    for (const f of parts) {
      const group = LEVERAGE.has(f) ? 'HIGH_LEVERAGE' : LIQUIDITY.has(f) ? 'WEAK_LIQUIDITY' : 'LOW_PROFITABILITY';
      byGroup[group] += c.contribution / parts.length;
    }
  }
  const z = ratios.ALTMAN_Z2;
  const ranked = (Object.entries(byGroup) as [ReasonCode, number][]).sort((a, b) => b[1] - a[1]);
  const reasonCode: ReasonCode | null =
    typeof z === 'number' && altmanZone(z) === 'DISTRESS' ? 'FINANCIAL_DISTRESS' : ranked[0][1] > 0 ? ranked[0][0] : null;
  return {
    factor: 'FINANCIAL_STRENGTH',
    status: 'SCORED',
    subScore,
    reasonCode,
    figures: {
      fiscalYear: s.fiscalYear,
      // 1: the full model (optional fields filed); 0: the core model of the nine fields
      fullModel: which === 'FULL' ? 1 : 0,
      financialPd: pd,
      modelLogit: logit,
      altmanZ2: typeof z === 'number' && Number.isFinite(z) ? Math.round(z * 1000) / 1000 : null,
      leverageLogOdds: byGroup.HIGH_LEVERAGE,
      liquidityLogOdds: byGroup.WEAK_LIQUIDITY,
      profitabilityLogOdds: byGroup.LOW_PROFITABILITY,
    },
    records: 1,
  };
}
