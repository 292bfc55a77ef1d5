import { daysBetween, isCalendarDate } from '../calendar';
import { parseCreditCode } from '../credit-code';
import { BadInputError } from '../errors';
import { decimalToFen, parseMoney } from '../money';
import { parseText } from '../text';
import {
  type Evidence,
  type FinancialStatementPayload,
  type GuaranteePayload,
  type LoanRecordPayload,
  type LoanRepaymentPayload,
  PAYMENT_KINDS,
  type PaymentKind,
  type PaymentRecordPayload,
  PUBLIC_RECORD_KINDS,
  type PublicRecordKind,
  type PublicRecordPayload,
  SOFT_SIGNAL_KINDS,
  type SoftSignalKind,
  STATEMENT_OPTIONAL_ITEMS,
  STATEMENT_REQUIRED_ITEMS,
  TAX_CREDIT_GRADES,
  type TaxCreditGrade,
  type TaxCreditGradePayload,
} from './record.types';

/**
 * Validation of what a filer sends, shared by the GraphQL mutations and the CSV imports:
 * each function returns the normalised payload or throws BAD_USER_INPUT naming the field
 * at fault (`input.amount` at the API, the column name in a CSV). Pure: `today` is given.
 */
export interface InputContext {
  /** the caller's today, YYYY-MM-DD (UTC) */
  readonly today: string;
  /** the path of a field in what the caller sent */
  readonly field: (name: string) => string;
}

export function apiInput(today: string, prefix = 'input'): InputContext {
  return { today, field: (name) => `${prefix}.${name}` };
}

/** Amounts are in yuan; the platform keeps one currency so that figures add up. */
export const CURRENCY = 'CNY';
export const MAX_REPAYMENTS = 600;

type Raw = Readonly<Record<string, unknown>>;

const absent = (value: unknown): boolean => value === undefined || value === null || value === '';

function date(ctx: InputContext, name: string, value: unknown): string {
  const field = ctx.field(name);
  if (typeof value !== 'string' || !isCalendarDate(value.trim())) throw new BadInputError(field, `${field} must be a real calendar date written YYYY-MM-DD`);
  return value.trim();
}

function optionalDate(ctx: InputContext, name: string, value: unknown): string | null {
  return absent(value) ? null : date(ctx, name, value);
}

function notFuture(ctx: InputContext, name: string, value: string): string {
  if (value > ctx.today) throw new BadInputError(ctx.field(name), `${ctx.field(name)} ${value} is in the future (today is ${ctx.today})`);
  return value;
}

function notBefore(ctx: InputContext, name: string, value: string, otherName: string, other: string): string {
  if (value < other) throw new BadInputError(ctx.field(name), `${ctx.field(name)} ${value} is before ${ctx.field(otherName)} ${other}`);
  return value;
}

function text(ctx: InputContext, name: string, value: unknown, max: number): string {
  return parseText(ctx.field(name), value, { max });
}

function optionalText(ctx: InputContext, name: string, value: unknown, max: number): string | null {
  return absent(value) ? null : text(ctx, name, value, max);
}

function money(ctx: InputContext, name: string, value: unknown, sign: 'positive' | 'non-negative' | 'any'): string {
  return parseMoney(ctx.field(name), value, sign);
}

function optionalMoney(ctx: InputContext, name: string, value: unknown, sign: 'positive' | 'non-negative' | 'any'): string | null {
  return absent(value) ? null : money(ctx, name, value, sign);
}

function integer(ctx: InputContext, name: string, value: unknown, min: number, max: number): number {
  const field = ctx.field(name);
  const n = typeof value === 'string' && /^-?\d{1,9}$/.test(value.trim()) ? Number(value.trim()) : value;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw new BadInputError(field, `${field} must be a whole number`);
  if (n < min || n > max) throw new BadInputError(field, `${field} must be between ${min} and ${max}, got ${n}`);
  return n;
}

function oneOf<T extends string>(ctx: InputContext, name: string, value: unknown, allowed: readonly T[]): T {
  const field = ctx.field(name);
  const v = typeof value === 'string' ? value.trim().toUpperCase() : value;
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) throw new BadInputError(field, `${field} must be one of ${allowed.join(', ')}`);
  return v as T;
}

/** Only yuan: an unknown or other currency is refused rather than guessed at. */
export function parseCurrency(ctx: InputContext, value: unknown, name = 'currency'): void {
  if (absent(value)) return;
  const field = ctx.field(name);
  if (typeof value !== 'string' || value.trim().toUpperCase() !== CURRENCY) {
    throw new BadInputError(field, `${field} must be ${CURRENCY}: amounts are filed in yuan (got ${JSON.stringify(value)})`);
  }
}

export function parseEvidence(ctx: InputContext, value: unknown, name = 'evidence'): Evidence | null {
  if (absent(value)) return null;
  const e = value as Raw;
  const sha = e.sha256;
  const shaField = ctx.field(`${name}.sha256`);
  if (typeof sha !== 'string' || !/^[0-9a-fA-F]{64}$/.test(sha.trim())) {
    throw new BadInputError(shaField, `${shaField} must be the document's SHA-256, 64 hexadecimal characters`);
  }
  return { sha256: sha.trim().toLowerCase(), name: text(ctx, `${name}.name`, e.name, 200) };
}

/** A counterparty named by its credit code (membership is checked by the caller, against the registry). */
export function parseCounterpartyCode(ctx: InputContext, name: string, value: unknown): string {
  return parseCreditCode(ctx.field(name), value);
}

export interface TradeExperienceInputValues {
  readonly invoiceNo: string;
  readonly amount: string;
  readonly invoiceDate: string;
  readonly dueDate: string;
  readonly paidDate: string | null;
  readonly evidence: Evidence | null;
}

/**
 * A trade experience: an invoice of a past, completed sale (no prices, no future terms).
 * amount > 0, dueDate >= invoiceDate, paidDate >= invoiceDate and not in the future.
 */
export function parseTradeExperienceInput(ctx: InputContext, raw: Raw): TradeExperienceInputValues {
  const invoiceNo = text(ctx, 'invoiceNo', raw.invoiceNo, 64);
  const amount = money(ctx, 'amount', raw.amount, 'positive');
  parseCurrency(ctx, raw.currency);
  const invoiceDate = notFuture(ctx, 'invoiceDate', date(ctx, 'invoiceDate', raw.invoiceDate));
  const dueDate = notBefore(ctx, 'dueDate', date(ctx, 'dueDate', raw.dueDate), 'invoiceDate', invoiceDate);
  const paid = optionalDate(ctx, 'paidDate', raw.paidDate);
  const paidDate = paid === null ? null : notFuture(ctx, 'paidDate', notBefore(ctx, 'paidDate', paid, 'invoiceDate', invoiceDate));
  return { invoiceNo, amount, invoiceDate, dueDate, paidDate, evidence: parseEvidence(ctx, raw.evidence) };
}

/** Items that cannot be negative on a balance sheet or income statement. */
const NON_NEGATIVE_ITEMS: ReadonlySet<string> = new Set([
  'revenue',
  'currentAssets',
  'totalLiabilities',
  'currentLiabilities',
  'cash',
  'receivables',
  'inventory',
  'fixedAssets',
  'shortTermLiabilities',
  'longTermLiabilities',
  'shareCapital',
  'depreciation',
  'interestExpense',
  'costOfSales',
  'operatingExpenses',
  'priorYearRevenue',
]);

export const EARLIEST_FISCAL_YEAR = 1990;

/** A yearly statement: fiscal year not in the future, total assets > 0, parts not above their wholes. */
export function parseFinancialStatementInput(ctx: InputContext, raw: Raw): { payload: FinancialStatementPayload; evidence: Evidence | null } {
  const thisYear = Number(ctx.today.slice(0, 4));
  const fiscalYear = integer(ctx, 'fiscalYear', raw.fiscalYear, -1_000_000, 1_000_000);
  if (fiscalYear > thisYear) throw new BadInputError(ctx.field('fiscalYear'), `${ctx.field('fiscalYear')} ${fiscalYear} is in the future (this is ${thisYear})`);
  if (fiscalYear < EARLIEST_FISCAL_YEAR) throw new BadInputError(ctx.field('fiscalYear'), `${ctx.field('fiscalYear')} must be ${EARLIEST_FISCAL_YEAR} or later`);
  const items: Record<string, string | null> = {};
  for (const name of STATEMENT_REQUIRED_ITEMS) {
    items[name] = money(ctx, name, raw[name], name === 'totalAssets' ? 'positive' : NON_NEGATIVE_ITEMS.has(name) ? 'non-negative' : 'any');
  }
  for (const name of STATEMENT_OPTIONAL_ITEMS) items[name] = optionalMoney(ctx, name, raw[name], NON_NEGATIVE_ITEMS.has(name) ? 'non-negative' : 'any');
  parseCurrency(ctx, raw.currency);
  const num = (name: string): bigint => decimalToFen(items[name] as string);
  if (num('currentAssets') > num('totalAssets')) {
    throw new BadInputError(ctx.field('currentAssets'), `${ctx.field('currentAssets')} cannot exceed ${ctx.field('totalAssets')}`);
  }
  if (num('currentLiabilities') > num('totalLiabilities')) {
    throw new BadInputError(ctx.field('currentLiabilities'), `${ctx.field('currentLiabilities')} cannot exceed ${ctx.field('totalLiabilities')}`);
  }
  // the optional items given are parts of the wholes above: none above its whole (the
  // financial model's ratios read them against each other)
  const part = (name: string, whole: string): void => {
    if (items[name] !== null && num(name) > num(whole)) throw new BadInputError(ctx.field(name), `${ctx.field(name)} cannot exceed ${ctx.field(whole)}`);
  };
  part('fixedAssets', 'totalAssets');
  part('shortTermLiabilities', 'currentLiabilities');
  part('longTermLiabilities', 'totalLiabilities');
  part('grossProfit', 'revenue');
  let liquid = 0n;
  for (const name of ['cash', 'receivables', 'inventory']) {
    if (items[name] === null) continue;
    liquid += num(name);
    if (liquid > num('currentAssets')) {
      throw new BadInputError(ctx.field(name), `${ctx.field('cash')}, ${ctx.field('receivables')} and ${ctx.field('inventory')} together cannot exceed ${ctx.field('currentAssets')}`);
    }
  }
  const auditReport = parseEvidence(ctx, raw.auditReport, 'auditReport');
  const evidence = auditReport ?? parseEvidence(ctx, raw.evidence);
  const payload = { fiscalYear, audited: auditReport !== null, ...items } as FinancialStatementPayload;
  return { payload, evidence };
}

/** A tax, social insurance, utility or rent payment: amount > 0, paid date not in the future. */
export function parsePaymentRecordInput(ctx: InputContext, raw: Raw): { payload: PaymentRecordPayload; evidence: Evidence | null } {
  const paymentKind = oneOf<PaymentKind>(ctx, 'paymentKind', raw.paymentKind, PAYMENT_KINDS);
  const reference = text(ctx, 'reference', raw.reference, 100);
  const payee = optionalText(ctx, 'payee', raw.payee, 200);
  const amount = money(ctx, 'amount', raw.amount, 'positive');
  parseCurrency(ctx, raw.currency);
  const dueDate = date(ctx, 'dueDate', raw.dueDate);
  const paid = optionalDate(ctx, 'paidDate', raw.paidDate);
  const paidDate = paid === null ? null : notFuture(ctx, 'paidDate', paid);
  return { payload: { paymentKind, reference, payee, amount, dueDate, paidDate }, evidence: parseEvidence(ctx, raw.evidence) };
}

/** 纳税信用等级, published each April for the year before. */
export function parseTaxCreditGradeInput(ctx: InputContext, raw: Raw): { payload: TaxCreditGradePayload; evidence: Evidence | null } {
  const thisYear = Number(ctx.today.slice(0, 4));
  const taxYear = integer(ctx, 'taxYear', raw.taxYear, EARLIEST_FISCAL_YEAR, thisYear);
  const grade = oneOf<TaxCreditGrade>(ctx, 'grade', raw.grade, TAX_CREDIT_GRADES);
  const publishedOn = notFuture(ctx, 'publishedOn', date(ctx, 'publishedOn', raw.publishedOn));
  if (publishedOn <= `${taxYear}-12-31`) {
    throw new BadInputError(ctx.field('publishedOn'), `${ctx.field('publishedOn')} must be after the end of tax year ${taxYear}`);
  }
  return { payload: { taxYear, grade, publishedOn }, evidence: parseEvidence(ctx, raw.evidence) };
}

export function parseLoanRecordInput(ctx: InputContext, raw: Raw): { payload: LoanRecordPayload; evidence: Evidence | null } {
  const contractNo = text(ctx, 'contractNo', raw.contractNo, 64);
  const principal = money(ctx, 'principal', raw.principal, 'positive');
  const outstanding = money(ctx, 'outstanding', raw.outstanding, 'non-negative');
  parseCurrency(ctx, raw.currency);
  if (decimalToFen(outstanding) > decimalToFen(principal)) throw new BadInputError(ctx.field('outstanding'), `${ctx.field('outstanding')} cannot exceed ${ctx.field('principal')}`);
  const startDate = notFuture(ctx, 'startDate', date(ctx, 'startDate', raw.startDate));
  const maturity = optionalDate(ctx, 'maturityDate', raw.maturityDate);
  const maturityDate = maturity === null ? null : notBefore(ctx, 'maturityDate', maturity, 'startDate', startDate);
  const list = raw.repayments ?? [];
  if (!Array.isArray(list)) throw new BadInputError(ctx.field('repayments'), `${ctx.field('repayments')} must be a list`);
  if (list.length > MAX_REPAYMENTS) throw new BadInputError(ctx.field('repayments'), `${ctx.field('repayments')} may list at most ${MAX_REPAYMENTS} instalments`);
  const repayments: LoanRepaymentPayload[] = list.map((r: Raw, i: number) => {
    const at = (name: string): string => `repayments[${i}].${name}`;
    const dueDate = notBefore(ctx, at('dueDate'), date(ctx, at('dueDate'), r?.dueDate), 'startDate', startDate);
    const amount = money(ctx, at('amount'), r?.amount, 'positive');
    const paid = optionalDate(ctx, at('paidDate'), r?.paidDate);
    const paidDate = paid === null ? null : notFuture(ctx, at('paidDate'), notBefore(ctx, at('paidDate'), paid, 'startDate', startDate));
    return { dueDate, amount, paidDate };
  });
  // the schedule in order, within the loan's term
  repayments.forEach((r, i) => {
    if (i > 0 && r.dueDate <= repayments[i - 1].dueDate) {
      throw new BadInputError(ctx.field(`repayments[${i}].dueDate`), `${ctx.field(`repayments[${i}].dueDate`)} must come after ${ctx.field(`repayments[${i - 1}].dueDate`)}: the schedule is listed in order, one instalment a date`);
    }
    if (maturityDate !== null && r.dueDate > maturityDate) {
      throw new BadInputError(ctx.field(`repayments[${i}].dueDate`), `${ctx.field(`repayments[${i}].dueDate`)} is after ${ctx.field('maturityDate')} ${maturityDate}`);
    }
  });
  const daysPastDue = absent(raw.daysPastDue) ? 0 : integer(ctx, 'daysPastDue', raw.daysPastDue, 0, 36_500);
  // days past due cannot be more than the loan's age, nor, when the schedule is given, more
  // than its oldest unpaid instalment is overdue (a bank's figure may lag the schedule, never lead it)
  const age = Math.max(0, daysBetween(startDate, ctx.today));
  if (daysPastDue > age) throw new BadInputError(ctx.field('daysPastDue'), `${ctx.field('daysPastDue')} ${daysPastDue} is more than the loan's age (${age} days since ${ctx.field('startDate')})`);
  if (repayments.length > 0) {
    const overdue = repayments.filter((r) => r.paidDate === null && r.dueDate < ctx.today).map((r) => daysBetween(r.dueDate, ctx.today));
    const most = overdue.length ? Math.max(...overdue) : 0;
    if (daysPastDue > most) {
      throw new BadInputError(
        ctx.field('daysPastDue'),
        most === 0
          ? `${ctx.field('daysPastDue')} ${daysPastDue}: no instalment of ${ctx.field('repayments')} is overdue and unpaid`
          : `${ctx.field('daysPastDue')} ${daysPastDue} is more than the oldest unpaid instalment is overdue (${most} days)`,
      );
    }
  }
  const defaulted = optionalDate(ctx, 'defaultedOn', raw.defaultedOn);
  const defaultedOn = defaulted === null ? null : notFuture(ctx, 'defaultedOn', notBefore(ctx, 'defaultedOn', defaulted, 'startDate', startDate));
  const cured = optionalDate(ctx, 'curedOn', raw.curedOn);
  if (cured !== null && defaultedOn === null) throw new BadInputError(ctx.field('curedOn'), `${ctx.field('curedOn')} needs ${ctx.field('defaultedOn')}: only a default is cured`);
  const curedOn = cured === null ? null : notFuture(ctx, 'curedOn', notBefore(ctx, 'curedOn', cured, 'defaultedOn', defaultedOn as string));
  return {
    payload: { contractNo, principal, outstanding, startDate, maturityDate, repayments, daysPastDue, defaultedOn, curedOn },
    evidence: parseEvidence(ctx, raw.evidence),
  };
}

export function parsePublicRecordInput(ctx: InputContext, raw: Raw): { payload: PublicRecordPayload; evidence: Evidence | null } {
  const publicKind = oneOf<PublicRecordKind>(ctx, 'publicKind', raw.publicKind, PUBLIC_RECORD_KINDS);
  const caseNo = text(ctx, 'caseNo', raw.caseNo, 100);
  const authority = text(ctx, 'authority', raw.authority, 200);
  const eventDate = notFuture(ctx, 'eventDate', date(ctx, 'eventDate', raw.eventDate));
  const ended = optionalDate(ctx, 'endedOn', raw.endedOn);
  const endedOn = ended === null ? null : notFuture(ctx, 'endedOn', notBefore(ctx, 'endedOn', ended, 'eventDate', eventDate));
  const amount = optionalMoney(ctx, 'amount', raw.amount, 'positive');
  parseCurrency(ctx, raw.currency);
  return { payload: { publicKind, caseNo, authority, eventDate, endedOn, amount }, evidence: parseEvidence(ctx, raw.evidence) };
}

export function parseGuaranteeInput(ctx: InputContext, raw: Raw): { payload: GuaranteePayload; evidence: Evidence | null } {
  const contractNo = text(ctx, 'contractNo', raw.contractNo, 64);
  const amount = money(ctx, 'amount', raw.amount, 'positive');
  parseCurrency(ctx, raw.currency);
  const startDate = notFuture(ctx, 'startDate', date(ctx, 'startDate', raw.startDate));
  const end = optionalDate(ctx, 'endDate', raw.endDate);
  const endDate = end === null ? null : notBefore(ctx, 'endDate', end, 'startDate', startDate);
  return { payload: { contractNo, amount, startDate, endDate }, evidence: parseEvidence(ctx, raw.evidence) };
}

export interface OwnerConsentValues {
  readonly ownerName: string;
  readonly document: Evidence;
  readonly signedOn: string;
}

export interface SoftSignalInputValues {
  readonly signalKind: SoftSignalKind;
  readonly reference: string;
  readonly value: number;
  readonly recordedOn: string;
  readonly validUntil: string | null;
  readonly evidence: Evidence;
  readonly ownerConsent: OwnerConsentValues | null;
}

/** A soft signal, always with its evidence; the owner's credit band only with the owner's written consent. */
export function parseSoftSignalInput(ctx: InputContext, raw: Raw): SoftSignalInputValues {
  const signalKind = oneOf<SoftSignalKind>(ctx, 'signalKind', raw.signalKind, SOFT_SIGNAL_KINDS);
  const reference = text(ctx, 'reference', raw.reference, 200);
  const scaled = signalKind === 'REPUTATION' || signalKind === 'OWNER_CREDIT_BAND';
  const value = absent(raw.value) && !scaled ? 1 : integer(ctx, 'value', raw.value, 1, scaled ? 5 : 1);
  const recordedOn = notFuture(ctx, 'recordedOn', date(ctx, 'recordedOn', raw.recordedOn));
  const until = optionalDate(ctx, 'validUntil', raw.validUntil);
  const validUntil = until === null ? null : notBefore(ctx, 'validUntil', until, 'recordedOn', recordedOn);
  const evidence = parseEvidence(ctx, raw.evidence);
  if (!evidence) throw new BadInputError(ctx.field('evidence'), `${ctx.field('evidence')} is required: a soft signal counts only with its document`);
  let ownerConsent: OwnerConsentValues | null = null;
  if (signalKind === 'OWNER_CREDIT_BAND') {
    const consent = raw.ownerConsent as Raw | null | undefined;
    if (absent(consent)) {
      throw new BadInputError(ctx.field('ownerConsent'), `${ctx.field('ownerConsent')} is required: the owner's credit band is used only with the owner's written consent`);
    }
    const document = parseEvidence(ctx, (consent as Raw).document, 'ownerConsent.document');
    if (!document) throw new BadInputError(ctx.field('ownerConsent.document'), `${ctx.field('ownerConsent.document')} is required: the signed consent's hash`);
    ownerConsent = {
      ownerName: text(ctx, 'ownerConsent.ownerName', (consent as Raw).ownerName, 100),
      document,
      signedOn: notFuture(ctx, 'ownerConsent.signedOn', date(ctx, 'ownerConsent.signedOn', (consent as Raw).signedOn)),
    };
  } else if (!absent(raw.ownerConsent)) {
    throw new BadInputError(ctx.field('ownerConsent'), `${ctx.field('ownerConsent')} belongs to an OWNER_CREDIT_BAND signal only`);
  }
  return { signalKind, reference, value, recordedOn, validUntil, evidence, ownerConsent };
}
