import type {
  CreditRating,
  FinancialStatement,
  IsoDate,
  ObligationKind,
  RatingModelSpec,
  ScoringInput,
  TradeExperience,
} from '@app/domain/scoring';
import { addDays, dayNumber } from '../common/calendar-date';
import { SHIPPED_FINANCIAL_MODELS, type FinancialModels } from '../financial/shipped-financial-model';
import { DEFAULT_RATING_MODEL } from './rating-model';
import { rateCompany } from './stand-alone-rating';

/** A hypothetical change for "what if" (the API lets a company ask it about itself). */
export type WhatIfChange =
  /** pay this supplier's invoices (or one invoice) `days` days sooner; an unpaid one is paid `days` days before `asOf` */
  | { readonly kind: 'PAY_SUPPLIER_SOONER'; readonly creditorId: string; readonly days: number; readonly invoiceId?: string }
  /** settle every overdue unpaid trade invoice today */
  | { readonly kind: 'SETTLE_OVERDUE_INVOICES' }
  | { readonly kind: 'ADD_STATEMENT'; readonly statement: FinancialStatement }
  | { readonly kind: 'ADD_TRADE_EXPERIENCE'; readonly experience: TradeExperience }
  /** pay every obligation of a kind (or all) on its due date */
  | { readonly kind: 'PAY_OBLIGATIONS_ON_TIME'; readonly obligationKind?: ObligationKind }
  /** a public record ends on this date (judgment satisfied, removed from the list) */
  | { readonly kind: 'END_PUBLIC_RECORD'; readonly recordId: string; readonly endedOn: IsoDate }
  | { readonly kind: 'RELEASE_GUARANTEE'; readonly guaranteeId: string };

export interface WhatIfResult {
  readonly before: CreditRating;
  readonly after: CreditRating;
  readonly scoreChange: number;
  readonly pdChange: number;
  /** grades gained (positive) or lost (negative) */
  readonly gradeNotches: number;
}

const earlier = (a: IsoDate, b: IsoDate): IsoDate => (dayNumber(a) <= dayNumber(b) ? a : b);
const later = (a: IsoDate, b: IsoDate): IsoDate => (dayNumber(a) >= dayNumber(b) ? a : b);

/** The input with the changes applied, in order. Pure: the input is not touched. */
export function applyChanges(input: ScoringInput, changes: readonly WhatIfChange[], asOf: IsoDate): ScoringInput {
  // a what-if changes trade lines; a summary of them would go on counting the old ones
  if (input.tradeSummary) throw new RangeError('a what-if needs the trade experiences as lines, not summarised');
  let next = input;
  for (const c of changes) {
    switch (c.kind) {
      case 'PAY_SUPPLIER_SOONER':
        next = {
          ...next,
          tradeExperiences: next.tradeExperiences.map((t) => {
            if (t.creditorId !== c.creditorId || (c.invoiceId !== undefined && t.id !== c.invoiceId)) return t;
            const paidAt = t.paidDate !== null && dayNumber(t.paidDate) <= dayNumber(asOf) ? t.paidDate : asOf;
            return { ...t, paidDate: later(addDays(paidAt, -Math.max(0, c.days)), t.invoiceDate) };
          }),
        };
        break;
      case 'SETTLE_OVERDUE_INVOICES':
        next = {
          ...next,
          tradeExperiences: next.tradeExperiences.map((t) =>
            (t.paidDate === null || dayNumber(t.paidDate) > dayNumber(asOf)) && dayNumber(t.dueDate) < dayNumber(asOf)
              ? { ...t, paidDate: asOf }
              : t,
          ),
        };
        break;
      case 'ADD_STATEMENT':
        next = {
          ...next,
          financialStatements: [...next.financialStatements.filter((s) => s.fiscalYear !== c.statement.fiscalYear), c.statement],
        };
        break;
      case 'ADD_TRADE_EXPERIENCE':
        next = { ...next, tradeExperiences: [...next.tradeExperiences, c.experience] };
        break;
      case 'PAY_OBLIGATIONS_ON_TIME':
        next = {
          ...next,
          obligationPayments: next.obligationPayments.map((p) =>
            c.obligationKind === undefined || p.kind === c.obligationKind
              ? { ...p, paidDate: p.paidDate === null ? p.dueDate : earlier(p.paidDate, p.dueDate) }
              : p,
          ),
        };
        break;
      case 'END_PUBLIC_RECORD':
        next = {
          ...next,
          publicRecords: next.publicRecords.map((r) => (r.id === c.recordId ? { ...r, endedOn: c.endedOn } : r)),
        };
        break;
      case 'RELEASE_GUARANTEE':
        next = {
          ...next,
          guaranteesGiven: next.guaranteesGiven.map((g) => (g.id === c.guaranteeId ? { ...g, endDate: asOf } : g)),
        };
        break;
    }
  }
  return next;
}

/** "What if": the rating before and after hypothetical changes, at the same date and model. */
export function simulate(
  input: ScoringInput,
  changes: readonly WhatIfChange[],
  asOf: IsoDate,
  spec: RatingModelSpec = DEFAULT_RATING_MODEL,
  financialModels: FinancialModels = SHIPPED_FINANCIAL_MODELS,
): WhatIfResult {
  const before = rateCompany(input, asOf, spec, financialModels);
  const after = rateCompany(applyChanges(input, changes, asOf), asOf, spec, financialModels);
  const order = ['AAA', 'AA', 'A', 'BBB', 'BB', 'B', 'CCC', 'CC', 'C', 'D'];
  return {
    before,
    after,
    scoreChange: after.score - before.score,
    pdChange: after.pd - before.pd,
    gradeNotches: order.indexOf(before.grade) - order.indexOf(after.grade),
  };
}
