import { addYears, daysBetween } from '../calendar';
import { BadInputError } from '../errors';
import type { InputContext } from './record-input';
import type { LoanRecordPayload, RecordKind, RecordPayloads } from './record.types';

/** A payment this many days beyond terms is negative information (issue 3). */
export const NEGATIVE_DAYS_BEYOND_TERMS = 30;
/** Negative information stops counting and showing 5 years after the event ended (征信业管理条例 Art. 16). */
export const NEGATIVE_INFORMATION_YEARS = 5;
/** A dispute is settled within 20 days (Art. 25); the coordinator is alerted at 15. */
export const DISPUTE_DEADLINE_DAYS = 20;
export const DISPUTE_ALERT_DAYS = 15;

export interface NegativeAssessment {
  readonly negative: boolean;
  /** when the negative event ended; null while it lasts (or when it is not negative) */
  readonly endedOn: string | null;
  /** endedOn + 5 years; null while it lasts */
  readonly expiresOn: string | null;
  /** what makes it negative, for the notice; null when it is not */
  readonly why: string | null;
}

const NOT_NEGATIVE: NegativeAssessment = { negative: false, endedOn: null, expiresOn: null, why: null };

/**
 * Days beyond terms of an invoice or a bill: paid date - due date, or, while unpaid, `today`
 * - due date once overdue; null while unpaid and not yet due (contract, TradeExperience).
 */
export function daysBeyondTerms(dueDate: string, paidDate: string | null, today: string): number | null {
  if (paidDate !== null) return daysBetween(dueDate, paidDate);
  return today > dueDate ? daysBetween(dueDate, today) : null;
}

function assessed(endedOn: string | null, why: string): NegativeAssessment {
  return { negative: true, endedOn, expiresOn: endedOn === null ? null : addYears(endedOn, NEGATIVE_INFORMATION_YEARS), why };
}

function latePayment(dueDate: string, paidDate: string | null, filedOn: string, what: string): NegativeAssessment {
  const late = daysBeyondTerms(dueDate, paidDate, filedOn);
  if (late === null || late < NEGATIVE_DAYS_BEYOND_TERMS) return NOT_NEGATIVE;
  return assessed(paidDate, paidDate === null ? `${what} unpaid ${late} days after its due date` : `${what} paid ${late} days beyond terms`);
}

/**
 * A loan's negative spells: a default (until cured), instalments 30+ days late (until the
 * last of them is paid) and being 30+ days past due now (lasting). The loan's negative
 * information lasts while any spell does, and otherwise ended with the latest of them: a
 * default cured years ago does not make today's arrears expire.
 */
function loanAssessment(loan: LoanRecordPayload, filedOn: string): NegativeAssessment {
  const spells: { ended: string | null; why: string }[] = [];
  if (loan.defaultedOn !== null) spells.push({ ended: loan.curedOn, why: `a loan in default since ${loan.defaultedOn}` });
  const late = loan.repayments.filter((r) => (daysBeyondTerms(r.dueDate, r.paidDate, filedOn) ?? 0) >= NEGATIVE_DAYS_BEYOND_TERMS);
  if (late.length > 0) {
    const ended = late.some((r) => r.paidDate === null) ? null : (late.map((r) => r.paidDate as string).sort().pop() as string);
    spells.push({ ended, why: `${late.length} loan instalment(s) repaid ${NEGATIVE_DAYS_BEYOND_TERMS}+ days late` });
  }
  if (loan.daysPastDue >= NEGATIVE_DAYS_BEYOND_TERMS) spells.push({ ended: null, why: `a loan ${loan.daysPastDue} days past due` });
  if (spells.length === 0) return NOT_NEGATIVE;
  const lasting = spells.find((s) => s.ended === null);
  if (lasting) return assessed(null, lasting.why);
  const last = spells.reduce((a, b) => ((b.ended as string) > (a.ended as string) ? b : a));
  return assessed(last.ended, last.why);
}

/**
 * Whether a version is negative information (notice first, then a waiting period before it
 * counts), and when it expires. Negative: a trade experience or an obligation payment 30+
 * days beyond terms, a loan default or 30+ days past due, every public record.
 */
export function assessNegative<K extends RecordKind>(kind: K, payload: RecordPayloads[K], filedOn: string): NegativeAssessment {
  switch (kind) {
    case 'TRADE_EXPERIENCE': {
      const p = payload as RecordPayloads['TRADE_EXPERIENCE'];
      return latePayment(p.dueDate, p.paidDate, filedOn, `invoice ${p.invoiceNo}`);
    }
    case 'PAYMENT_RECORD': {
      const p = payload as RecordPayloads['PAYMENT_RECORD'];
      return latePayment(p.dueDate, p.paidDate, filedOn, `a ${p.paymentKind.toLowerCase().replace('_', ' ')} payment`);
    }
    case 'LOAN_RECORD':
      return loanAssessment(payload as RecordPayloads['LOAN_RECORD'], filedOn);
    case 'PUBLIC_RECORD': {
      const p = payload as RecordPayloads['PUBLIC_RECORD'];
      return assessed(p.endedOn, `a public record (${p.publicKind.toLowerCase().replace('_', ' ')}) ${p.caseNo}`);
    }
    default:
      return NOT_NEGATIVE;
  }
}

/** The input field holding the date a negative event ended (what its expiry runs from), by kind. */
function endedOnField<K extends RecordKind>(kind: K, payload: RecordPayloads[K], endedOn: string): string {
  switch (kind) {
    case 'PUBLIC_RECORD':
      return 'endedOn';
    case 'LOAN_RECORD': {
      const loan = payload as RecordPayloads['LOAN_RECORD'];
      if (loan.defaultedOn !== null && loan.curedOn === endedOn) return 'curedOn';
      const i = loan.repayments.findIndex((r) => r.paidDate === endedOn && daysBetween(r.dueDate, r.paidDate) >= NEGATIVE_DAYS_BEYOND_TERMS);
      return i < 0 ? 'repayments' : `repayments[${i}].paidDate`;
    }
    default:
      return 'paidDate';
  }
}

/**
 * Refuses negative information already past its 5 years on `ctx.today` (Art. 16): from
 * `expiresOn` it counts nowhere and shows to no member, so filing it would notice its subject
 * of something it can neither see nor dispute. BAD_USER_INPUT naming the date that ended it
 * (`input.paidDate`, `input.endedOn`, `input.curedOn`, a repayment's `paidDate`; the CSV
 * column in an import).
 */
export function refuseExpiredNegative<K extends RecordKind>(ctx: InputContext, kind: K, payload: RecordPayloads[K], assessment: NegativeAssessment): void {
  if (!assessment.negative || assessment.expiresOn === null || assessment.endedOn === null || assessment.expiresOn > ctx.today) return;
  const field = ctx.field(endedOnField(kind, payload, assessment.endedOn));
  throw new BadInputError(
    field,
    `${field} ${assessment.endedOn}: this negative information expired on ${assessment.expiresOn}, ${NEGATIVE_INFORMATION_YEARS} years after it ended, and is not filed (it would count nowhere)`,
  );
}

const DAY_MS = 86_400_000;

/**
 * When negative information filed at `at` starts to count: the start (00:00 UTC) of the day
 * after its waiting period ends, so that a rating "as of" a date never counts it early.
 */
export function negativeCountsFrom(at: Date, noticePeriodDays: number): Date {
  const end = at.getTime() + noticePeriodDays * DAY_MS;
  return new Date((Math.floor(end / DAY_MS) + 1) * DAY_MS);
}
