import { type FactorResult, type IsoDate, type LoanRecord, NO_PAYMENT_SUMS, type PaymentSums, type PaymentWindows, type TradeExperience, type TradeSummary } from '@app/domain/scoring';
import { addMonths, dayNumber } from '../common/calendar-date';
import { clamp } from '../common/math';
import { paydexKey, paydexKeyThirds } from './paydex-key';

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

/** The windows of the factor at `asOf` (PaymentWindows). */
export function paymentWindows(asOf: IsoDate): PaymentWindows {
  return { asOf, from: addMonths(asOf, -24), recentFrom: addMonths(asOf, -3), earlierFrom: addMonths(asOf, -12) };
}

/** PaymentSums being built (its fields, mutable). */
type SumsBuilder = { -readonly [K in keyof PaymentSums]: PaymentSums[K] };

const noSums = (): SumsBuilder => ({ ...NO_PAYMENT_SUMS });

interface WindowDays {
  readonly at: number;
  readonly from: number;
  readonly recentFrom: number;
  readonly earlierFrom: number;
}

const windowDays = (w: PaymentWindows): WindowDays => ({
  at: dayNumber(w.asOf),
  from: dayNumber(w.from),
  recentFrom: dayNumber(w.recentFrom),
  earlierFrom: dayNumber(w.earlierFrom),
});

/**
 * Adds one experience of the window (due after `from`) to the sums. The trend's windows take
 * only experiences already due at `asOf`: an invoice not yet due says nothing yet of how the
 * company pays (open, it reads as prompt, 80, in the index, but set against the 9 months'
 * early payments it would read as a worsening), and leaving it out whether or not it was paid
 * early keeps the windows fixed by the due date, so that paying any invoice later can never
 * raise the factor (a window that took it once paid would: paid a day early it lowers the
 * last 3 months' index, left open it would drop out of them).
 */
function addExperience(sums: SumsBuilder, amount: number, due: number, daysBeyondTerms: number, w: WindowDays): void {
  const fen = BigInt(amount);
  const keyed = fen * BigInt(paydexKeyThirds(daysBeyondTerms));
  sums.experiences += 1;
  sums.amount += fen;
  sums.keyed += keyed;
  sums.lateness += fen * BigInt(daysBeyondTerms);
  if (due > w.at) {
    // not yet due: in the index, in neither trend window
  } else if (due > w.recentFrom) {
    sums.recentAmount += fen;
    sums.recentKeyed += keyed;
  } else if (due > w.earlierFrom) {
    sums.earlierAmount += fen;
    sums.earlierKeyed += keyed;
  }
  if (daysBeyondTerms > sums.worst) sums.worst = daysBeyondTerms;
}

/**
 * The trade experiences at `asOf`: those invoiced by `asOf` and due in the last 24 months (open
 * invoices not yet due included) summed; the worst delinquency also counts any older debt still
 * unpaid at `asOf`, whatever its due date.
 */
export function summariseTrade(trade: readonly TradeExperience[], asOf: IsoDate, windows: PaymentWindows = paymentWindows(asOf)): TradeSummary {
  const w = windowDays(windows);
  const sums = noSums();
  for (const t of trade) {
    // YYYY-MM-DD strings order as the dates do: no need to parse the invoice date
    if (t.invoiceDate > asOf) continue;
    const due = dayNumber(t.dueDate);
    const paid = t.paidDate === null ? null : dayNumber(t.paidDate);
    if ((paid === null || paid > w.at) && w.at - due > sums.worst) sums.worst = w.at - due;
    if (due <= w.from) continue;
    addExperience(sums, t.amount, due, daysBeyondTermsOn(due, paid, w.at), w);
  }
  return { counted: trade.length, window: sums };
}

/**
 * Loan instalments due in the last 24 months (a future instalment is a schedule, not an
 * experience). As for trade, an older instalment still unpaid at `asOf` counts toward the
 * worst delinquency: an unpaid debt of any age counts, or leaving one unpaid long enough
 * would erase it.
 */
function summariseLoans(loans: readonly LoanRecord[], w: WindowDays): PaymentSums {
  const sums = noSums();
  for (const loan of loans)
    for (const r of loan.repayments) {
      const due = dayNumber(r.dueDate);
      if (due > w.at) continue;
      const paid = r.paidDate === null ? null : dayNumber(r.paidDate);
      if (due <= w.from) {
        if ((paid === null || paid > w.at) && w.at - due > sums.worst) sums.worst = w.at - due;
        continue;
      }
      addExperience(sums, r.amount, due, daysBeyondTermsOn(due, paid, w.at), w);
    }
  return sums;
}

/** LOAN_ARREARS: an instalment 30 or more days late (docs/scoring.md, "30+ days late"). */
export const LOAN_ARREARS_DAYS = 30;
/** SEVERE_DELINQUENCY: the worst-delinquency cap binds at 90 or more days late. */
export const SEVERE_DELINQUENCY_DAYS = 90;

function addSums(a: PaymentSums, b: PaymentSums): PaymentSums {
  return {
    experiences: a.experiences + b.experiences,
    amount: a.amount + b.amount,
    keyed: a.keyed + b.keyed,
    lateness: a.lateness + b.lateness,
    recentAmount: a.recentAmount + b.recentAmount,
    recentKeyed: a.recentKeyed + b.recentKeyed,
    earlierAmount: a.earlierAmount + b.earlierAmount,
    earlierKeyed: a.earlierKeyed + b.earlierKeyed,
    worst: Math.max(a.worst, b.worst),
  };
}

/** Amount-weighted PAYDEX key (D&B: each experience's share of the amount times its key value), null without amount. */
const weightedIndex = (amount: bigint, keyed: bigint): number | null => (amount > 0n ? Number(keyed) / (3 * Number(amount)) : null);

/**
 * The payment index of a trading partner (contract `PartnerView.paymentIndex`): 0..100 on
 * the PAYDEX key of PRODUCT.md over the last 24 months of trade, amount-weighted; null with
 * fewer than three experiences.
 */
export function paymentIndex(trade: readonly TradeExperience[], asOf: IsoDate): number | null {
  const { window } = summariseTrade(trade, asOf);
  if (window.experiences < MIN_EXPERIENCES) return null;
  const index = weightedIndex(window.amount, window.keyed);
  return index === null ? null : Math.round(index);
}

/**
 * Payment behaviour: index = amount-weighted PAYDEX key of trade and loan experiences of 24
 * months; minus TREND_WEIGHT x (A9 / A24) x max(0, index of the 9 months before - index of
 * the last 3) for a worsening trend (the A9/A24 share keeps the factor monotone: paying any
 * invoice later never raises it); capped at key(worst delinquency) + 30. The trade
 * experiences come as lines or already summarised (`summariseTrade`, or the database's
 * equal sums): the factor reads only the sums.
 */
export function paymentBehaviourFactor(
  trade: readonly TradeExperience[] | TradeSummary,
  loans: readonly LoanRecord[],
  asOf: IsoDate,
): FactorResult {
  const windows = paymentWindows(asOf);
  const fromTrade = 'window' in trade ? trade : summariseTrade(trade, asOf, windows);
  const fromLoans = summariseLoans(loans, windowDays(windows));
  const all = addSums(fromTrade.window, fromLoans);
  if (all.experiences < MIN_EXPERIENCES)
    return {
      factor: 'PAYMENT_BEHAVIOUR',
      status: 'INSUFFICIENT_DATA',
      reasonCode: 'THIN_FILE',
      why: `${all.experiences} payment experiences in 24 months; at least ${MIN_EXPERIENCES} are needed`,
      records: all.experiences,
    };
  const baseIndex = weightedIndex(all.amount, all.keyed);
  const recent = weightedIndex(all.recentAmount, all.recentKeyed);
  const before = weightedIndex(all.earlierAmount, all.earlierKeyed);
  const index = baseIndex ?? 80;
  const trend = recent !== null && before !== null ? recent - before : null;
  const trendPenalty =
    trend !== null && all.amount > 0n ? TREND_WEIGHT * (Number(all.earlierAmount) / Number(all.amount)) * Math.max(0, -trend) : 0;

  // the worst delinquency: any experience of the window, and any older debt still unpaid
  const worst = all.worst;
  const worstCap = paydexKey(worst) + WORST_DELINQUENCY_MARGIN;
  const subScore = clamp(Math.min(index - trendPenalty, worstCap), 0, 100);

  const loanWorst = fromLoans.worst;
  const capBinds = worstCap < index - trendPenalty;
  const reasonCode =
    capBinds && worst >= SEVERE_DELINQUENCY_DAYS
      ? 'SEVERE_DELINQUENCY'
      : loanWorst >= LOAN_ARREARS_DAYS
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
      weightedDaysBeyondTerms: all.amount > 0n ? round2(Number(all.lateness) / Number(all.amount)) : null,
      trend: trend === null ? null : round2(trend),
      trendPenalty: round2(trendPenalty),
      worstDaysBeyondTerms: worst,
      loanWorstDaysPastDue: loanWorst,
      experiences: all.experiences,
    },
    records: all.experiences,
  };
}

const round2 = (x: number): number => Math.round(x * 100) / 100;
