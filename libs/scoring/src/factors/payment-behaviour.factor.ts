import type { FactorResult, IsoDate, LoanRecord, TradeExperience } from '@app/domain/scoring';
import { addMonths, dayNumber } from '../common/calendar-date';
import { clamp } from '../common/math';
import { paydexKey } from './paydex-key';

/** One payment experience as the factor reads it: a trade invoice or a loan instalment. */
interface Experience {
  readonly amount: number;
  readonly due: number;
  readonly daysBeyondTerms: number;
  /** paydexKey(daysBeyondTerms) */
  readonly key: number;
  readonly source: 'TRADE' | 'LOAN';
}

function experience(amount: number, due: number, daysBeyondTerms: number, source: 'TRADE' | 'LOAN'): Experience {
  return { amount, due, daysBeyondTerms, key: paydexKey(daysBeyondTerms), source };
}

/** At least three experiences before the factor speaks (D&B: PAYDEX "cannot be calculated with fewer than three"). */
export const MIN_EXPERIENCES = 3;
/** Share of the worsening (last 3 months against the 9 before) taken off the index. */
export const TREND_WEIGHT = 0.5;
/** A single delinquency caps the factor at its key value plus this, so volume cannot average it away. */
export const WORST_DELINQUENCY_MARGIN = 30;

/**
 * Days beyond terms as of `asOf`: paid -> paid - due (negative when early); unpaid ->
 * days overdue so far, or 0 while not yet due (an open account within terms reads as
 * prompt, as in D&B's trade lines). A payment after `asOf` is not known yet at `asOf`.
 */
export function daysBeyondTermsAsOf(dueDate: IsoDate, paidDate: IsoDate | null, asOf: IsoDate): number {
  return daysBeyondTermsOn(dayNumber(dueDate), paidDate === null ? null : dayNumber(paidDate), dayNumber(asOf));
}

/** The same on day numbers. */
export function daysBeyondTermsOn(due: number, paid: number | null, at: number): number {
  if (paid !== null && paid <= at) return paid - due;
  return Math.max(0, at - due);
}

/**
 * The trade experiences of the last 24 months, by due date: invoiced by `asOf` and due after
 * `asOf` - 24 months (open invoices not yet due included). Windows go by due date, so paying
 * later never moves an experience from one window to another.
 */
function tradeExperiences(trade: readonly TradeExperience[], asOf: IsoDate): { window: Experience[]; worstOpen: number } {
  const at = dayNumber(asOf);
  const from = dayNumber(addMonths(asOf, -24));
  const window: Experience[] = [];
  let worstOpen = 0; // the oldest debt still unpaid at asOf, whatever its due date
  for (const t of trade) {
    // YYYY-MM-DD strings order as the dates do: no need to parse the invoice date
    if (t.invoiceDate > asOf) continue;
    const due = dayNumber(t.dueDate);
    const paid = t.paidDate === null ? null : dayNumber(t.paidDate);
    if (paid === null || paid > at) worstOpen = Math.max(worstOpen, at - due);
    if (due <= from) continue;
    window.push(experience(t.amount, due, daysBeyondTermsOn(due, paid, at), 'TRADE'));
  }
  return { window, worstOpen };
}

/** Loan instalments due in the last 24 months (a future instalment is a schedule, not an experience). */
function loanExperiences(loans: readonly LoanRecord[], asOf: IsoDate): Experience[] {
  const at = dayNumber(asOf);
  const from = dayNumber(addMonths(asOf, -24));
  const out: Experience[] = [];
  for (const loan of loans)
    for (const r of loan.repayments) {
      const due = dayNumber(r.dueDate);
      if (due > at || due <= from) continue;
      out.push(experience(r.amount, due, daysBeyondTermsOn(due, r.paidDate === null ? null : dayNumber(r.paidDate), at), 'LOAN'));
    }
  return out;
}

/** Amount-weighted PAYDEX key (D&B: each experience's share of the amount times its key value). */
function weightedIndex(experiences: readonly Experience[]): { index: number | null; amount: number } {
  let amount = 0;
  let weighted = 0;
  for (const e of experiences) {
    amount += e.amount;
    weighted += e.amount * e.key;
  }
  return { index: amount > 0 ? weighted / amount : null, amount };
}

/**
 * The payment index of a trading partner (contract `PartnerView.paymentIndex`): 0..100 on
 * the PAYDEX key of PRODUCT.md over the last 24 months of trade, amount-weighted; null with
 * fewer than three experiences.
 */
export function paymentIndex(trade: readonly TradeExperience[], asOf: IsoDate): number | null {
  const experiences = tradeExperiences(trade, asOf).window;
  if (experiences.length < MIN_EXPERIENCES) return null;
  const { index } = weightedIndex(experiences);
  return index === null ? null : Math.round(index);
}

/**
 * Payment behaviour: index = amount-weighted PAYDEX key of trade and loan experiences of 24
 * months; minus TREND_WEIGHT x (A9 / A24) x max(0, index of the 9 months before - index of
 * the last 3) for a worsening trend (the A9/A24 share keeps the factor monotone: paying any
 * invoice later never raises it); capped at key(worst delinquency) + 30.
 */
export function paymentBehaviourFactor(
  trade: readonly TradeExperience[],
  loans: readonly LoanRecord[],
  asOf: IsoDate,
): FactorResult {
  const fromTrade = tradeExperiences(trade, asOf);
  const all = [...fromTrade.window, ...loanExperiences(loans, asOf)];
  if (all.length < MIN_EXPERIENCES)
    return {
      factor: 'PAYMENT_BEHAVIOUR',
      status: 'INSUFFICIENT_DATA',
      reasonCode: 'THIN_FILE',
      why: `${all.length} payment experiences in 24 months; at least ${MIN_EXPERIENCES} are needed`,
      records: all.length,
    };
  const threeMonths = dayNumber(addMonths(asOf, -3));
  const twelveMonths = dayNumber(addMonths(asOf, -12));
  const base = weightedIndex(all);
  const recent = weightedIndex(all.filter((e) => e.due > threeMonths));
  const before = weightedIndex(all.filter((e) => e.due > twelveMonths && e.due <= threeMonths));
  const index = base.index ?? 80;
  const trend = recent.index !== null && before.index !== null ? recent.index - before.index : null;
  const trendPenalty =
    trend !== null && base.amount > 0 ? TREND_WEIGHT * (before.amount / base.amount) * Math.max(0, -trend) : 0;

  // the worst delinquency: any experience of the window, and any older debt still unpaid
  let worst = fromTrade.worstOpen;
  for (const e of all) if (e.daysBeyondTerms > worst) worst = e.daysBeyondTerms;
  const worstCap = paydexKey(worst) + WORST_DELINQUENCY_MARGIN;
  const subScore = clamp(Math.min(index - trendPenalty, worstCap), 0, 100);

  const loanWorst = Math.max(0, ...all.filter((e) => e.source === 'LOAN').map((e) => e.daysBeyondTerms));
  let amount = 0;
  let dbt = 0;
  for (const e of all) {
    amount += e.amount;
    dbt += e.amount * e.daysBeyondTerms;
  }
  const capBinds = worstCap < index - trendPenalty;
  const reasonCode =
    capBinds && worst >= 90
      ? 'SEVERE_DELINQUENCY'
      : loanWorst > 30
        ? 'LOAN_ARREARS'
        : trendPenalty >= 1 && trendPenalty >= 80 - index
          ? 'PAYMENT_TREND_WORSENING'
          : subScore < 80
            ? 'PAYMENT_DELAYS'
            : null;
  return {
    factor: 'PAYMENT_BEHAVIOUR',
    status: 'SCORED',
    subScore,
    reasonCode,
    figures: {
      paydexIndex: round2(index),
      weightedDaysBeyondTerms: amount > 0 ? round2(dbt / amount) : null,
      trend: trend === null ? null : round2(trend),
      trendPenalty: round2(trendPenalty),
      worstDaysBeyondTerms: worst,
      loanWorstDaysPastDue: loanWorst,
      experiences: all.length,
    },
    records: all.length,
  };
}

const round2 = (x: number): number => Math.round(x * 100) / 100;
