/**
 * What the scoring engine reads about one company: its VERIFIED records as plain data.
 * The caller (the service that loads them) passes only records whose status is VERIFIED
 * (PRODUCT.md "Verification"; a disputed or rejected record counts nowhere).
 *
 * Money is integer fen (1 yuan = 100 fen), a safe integer. Dates are calendar dates
 * `YYYY-MM-DD`; the evaluation date is always an argument, never the clock.
 */

/** A calendar date, `YYYY-MM-DD`. */
export type IsoDate = string;
/** An exact amount of money in fen (integer, `Number.isSafeInteger`). */
export type Fen = number;

/** One invoice between two members, filed by the supplier (creditor), about the buyer (the subject). */
export interface TradeExperience {
  readonly id: string;
  /** the supplier that filed it (never shown to other members) */
  readonly creditorId: string;
  readonly amount: Fen;
  readonly invoiceDate: IsoDate;
  readonly dueDate: IsoDate;
  /** null while unpaid */
  readonly paidDate: IsoDate | null;
}

/** One scheduled instalment of a bank loan and when it was paid. */
export interface LoanRepayment {
  readonly dueDate: IsoDate;
  readonly amount: Fen;
  readonly paidDate: IsoDate | null;
}

/** A bank loan, filed by the bank (a regulated source). */
export interface LoanRecord {
  readonly id: string;
  readonly principal: Fen;
  /** outstanding principal at the time of filing; the bank's exposure */
  readonly outstanding: Fen;
  readonly startDate: IsoDate;
  readonly repayments: readonly LoanRepayment[];
  /** the date the bank declared the loan in default (Basel: 90+ days past due or unlikely to pay) */
  readonly defaultedOn: IsoDate | null;
  /** the date a default was cured (paid up or restructured and performing), if it was */
  readonly curedOn: IsoDate | null;
}

export type ObligationKind = 'TAX' | 'SOCIAL_INSURANCE' | 'UTILITY' | 'RENT';

/** A tax, social insurance, utility or rent payment (from an official export). */
export interface ObligationPayment {
  readonly id: string;
  readonly kind: ObligationKind;
  readonly amount: Fen;
  readonly dueDate: IsoDate;
  readonly paidDate: IsoDate | null;
}

/** 纳税信用等级: A >= 90 points, B 70-89, M new or no revenue, C 40-69, D < 40 (credit-anchors §3.3). */
export type TaxCreditGrade = 'A' | 'B' | 'M' | 'C' | 'D';

export interface TaxCreditGradeRecord {
  /** the tax year assessed */
  readonly year: number;
  readonly grade: TaxCreditGrade;
  /** published each April for the year before */
  readonly publishedOn: IsoDate;
}

export type PublicRecordKind = 'JUDGMENT' | 'ENFORCEMENT' | 'DISHONEST_DEBTOR' | 'ADMINISTRATIVE_PENALTY';

/** A court or registry record (from the coordinator's court and registry exports). */
export interface PublicRecord {
  readonly id: string;
  readonly kind: PublicRecordKind;
  readonly eventDate: IsoDate;
  /** when the event ended (judgment satisfied, enforcement closed, removed from the list, penalty paid); null while it lasts */
  readonly endedOn: IsoDate | null;
  readonly amount: Fen | null;
}

/**
 * A yearly financial statement (calendar fiscal year, as in China). The first nine
 * amounts are the ones every member files (contract `FinancialStatementInput`); the rest
 * are optional: a ratio that needs one that was not filed is "not filed" and contributes
 * nothing to the financial model (docs/scoring.md, "Financial strength").
 */
export interface FinancialStatement {
  readonly id: string;
  readonly fiscalYear: number;
  readonly revenue: Fen;
  readonly netIncome: Fen;
  readonly ebit: Fen;
  readonly totalAssets: Fen;
  readonly currentAssets: Fen;
  readonly totalLiabilities: Fen;
  readonly currentLiabilities: Fen;
  readonly retainedEarnings: Fen;
  readonly equity: Fen;
  readonly cash?: Fen;
  readonly receivables?: Fen;
  readonly inventory?: Fen;
  readonly fixedAssets?: Fen;
  /** equal to currentLiabilities when filed by the same rules; kept for statements that split them */
  readonly shortTermLiabilities?: Fen;
  readonly longTermLiabilities?: Fen;
  readonly shareCapital?: Fen;
  /** revenue - cost of sales */
  readonly grossProfit?: Fen;
  /** profit on operating activities (before financial income and costs) */
  readonly operatingProfit?: Fen;
  readonly depreciation?: Fen;
  /** financial expenses: interest paid */
  readonly interestExpense?: Fen;
  /** cost of products sold */
  readonly costOfSales?: Fen;
  /** all costs of ordinary operations (the "comparative" layout's operating costs), including cost of sales */
  readonly operatingExpenses?: Fen;
  /** revenue of the year before, when that year's statement is not on file */
  readonly priorYearRevenue?: Fen;
}

export type SoftSignalKind = 'CERTIFICATION' | 'REPUTATION' | 'COMMUNITY_WORK' | 'OWNER_CREDIT_BAND';

/**
 * A soft signal, verified by the coordinator. `value`: REPUTATION is a customer rating
 * 1..5 stars; OWNER_CREDIT_BAND is the owner's personal credit band 1 (best) ..5 (worst),
 * used only with the owner's written consent (Art. 13-14), which the caller checks;
 * CERTIFICATION and COMMUNITY_WORK are 1 per item.
 */
export interface SoftSignal {
  readonly id: string;
  readonly kind: SoftSignalKind;
  readonly recordedOn: IsoDate;
  readonly validUntil: IsoDate | null;
  readonly value: number;
}

/** A trading partner of the company, with the volume traded over the last 12 months. */
export interface Counterparty {
  readonly counterpartyId: string;
  /** BUYER: buys from the company (the company's customer); SUPPLIER: sells to it */
  readonly role: 'BUYER' | 'SUPPLIER';
  readonly tradeVolume: Fen;
  /** the counterparty's latest one-year PD, or null when it is not rated */
  readonly pd: number | null;
}

/** A guarantee the company gave for another's debt (an edge of the guarantee network). */
export interface GuaranteeGiven {
  readonly id: string;
  readonly borrowerId: string;
  readonly amount: Fen;
  readonly startDate: IsoDate;
  readonly endDate: IsoDate | null;
}

/**
 * The windows of the factor at `asOf`, as ISO dates (bounds are exclusive below, inclusive
 * above): experiences count when due after `from` (24 months back); the trend compares those
 * due after `recentFrom` (3 months) with those due after `earlierFrom` (12 months) and by
 * `recentFrom`. Windows go by due date, so paying later never moves an experience from one
 * window to another. The recompute pipeline's SQL takes these same dates
 * (`paymentWindows` of @app/scoring computes them).
 */
export interface PaymentWindows {
  readonly asOf: IsoDate;
  readonly from: IsoDate;
  readonly recentFrom: IsoDate;
  readonly earlierFrom: IsoDate;
}

/**
 * Sums over a set of payment experiences, as the payment-behaviour factor reads them. Every
 * sum is an integer (fen, and fen times three times the PAYDEX key, which is a whole number
 * for whole days), so it is exact whatever the order of the lines: the database's sums equal
 * the engine's own.
 */
export interface PaymentSums {
  readonly experiences: number;
  /** Σ amount */
  readonly amount: bigint;
  /** Σ amount x 3 x PAYDEX key */
  readonly keyed: bigint;
  /** Σ amount x days beyond terms */
  readonly lateness: bigint;
  /** the experiences due within the last 3 months */
  readonly recentAmount: bigint;
  readonly recentKeyed: bigint;
  /** the experiences due in the 9 months before those */
  readonly earlierAmount: bigint;
  readonly earlierKeyed: bigint;
  /** the most days beyond terms of any experience, and of any older debt still unpaid; at least 0 */
  readonly worst: number;
}

/**
 * A company's trade experiences at one date in the form the rating reads them: the payment
 * sums of the 24-month window, and how many count in all. The recompute pipeline has the
 * database compute it (docs/pipeline.md); `summariseTrade` computes it from the lines.
 */
export interface TradeSummary {
  /** counting trade experiences, whatever their dates (a rating's verifiedRecords) */
  readonly counted: number;
  readonly window: PaymentSums;
}

/** The sums of no payment experience at all. */
export const NO_PAYMENT_SUMS: PaymentSums = Object.freeze({
  experiences: 0,
  amount: 0n,
  keyed: 0n,
  lateness: 0n,
  recentAmount: 0n,
  recentKeyed: 0n,
  earlierAmount: 0n,
  earlierKeyed: 0n,
  worst: 0,
});

/** A company with no counting trade experience. */
export const NO_TRADE: TradeSummary = Object.freeze({ counted: 0, window: NO_PAYMENT_SUMS });

/** Everything verified about one company: the input of a stand-alone rating. */
export interface ScoringInput {
  readonly companyId: string;
  readonly tradeExperiences: readonly TradeExperience[];
  /**
   * The trade experiences summarised at the rating date; when present it stands for
   * `tradeExperiences`, which may then be left empty (the lines are not needed to rate).
   */
  readonly tradeSummary?: TradeSummary;
  readonly loans: readonly LoanRecord[];
  readonly obligationPayments: readonly ObligationPayment[];
  readonly taxCreditGrades: readonly TaxCreditGradeRecord[];
  readonly publicRecords: readonly PublicRecord[];
  readonly financialStatements: readonly FinancialStatement[];
  readonly softSignals: readonly SoftSignal[];
  readonly counterparties: readonly Counterparty[];
  readonly guaranteesGiven: readonly GuaranteeGiven[];
}
