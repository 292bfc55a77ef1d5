/**
 * Partner checks (PRODUCT.md: a member checks a trading partner's grade and payment
 * behaviour before extending credit, as long as it contributes its own trade data). The
 * rules follow the trade credit groups' reciprocity (credit-anchors §2): give to get, past
 * and completed transactions only, never who reported what.
 */

/** A consortium's give-to-get rules; the platform's defaults when it has set none. */
export interface PartnerCheckRules {
  /** a member may check while it has reported trade experiences in this many months */
  readonly contributionWindowMonths: number;
  /** the trade lines it must have reported in that window */
  readonly minTradeLines: number;
  /** checks one member company may make per day (China Standard Time) */
  readonly dailyCheckLimit: number;
  /** false while the consortium uses the platform's defaults */
  readonly custom: boolean;
}

export const PARTNER_CHECK_RULE_BOUNDS = {
  contributionWindowMonths: { min: 1, max: 60 },
  minTradeLines: { min: 1, max: 10_000 },
  dailyCheckLimit: { min: 1, max: 10_000 },
} as const;

/** One logged partner check, as the checked company sees it: who checked, and when. */
export interface PartnerCheck {
  readonly id: string;
  readonly checkerCompanyId: string;
  readonly checkerName: string;
  readonly at: Date;
}

/** What a member contributes and how much it checks, for its coordinator. */
export interface MemberPartnerActivity {
  readonly companyId: string;
  /** trade lines it reported (as the supplier) in the contribution window */
  readonly tradeLinesReported: number;
  /** partner checks it made in the contribution window */
  readonly checksMade: number;
  /** partner checks it made today (China Standard Time) */
  readonly checksToday: number;
}

/** China Standard Time is UTC+8 all year (no daylight saving). */
const CST_OFFSET_MS = 8 * 3_600_000;

/** The calendar day in China of an instant: the day a daily limit counts in. */
export function chinaCalendarDay(at: Date): string {
  return new Date(at.getTime() + CST_OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant the China calendar day after `at` begins: when a daily limit resets. */
export function nextChinaMidnight(at: Date): Date {
  const day = chinaCalendarDay(at);
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000 - CST_OFFSET_MS);
}

/** `at` minus whole calendar months (UTC), the day clamped to the month's end. */
export function monthsBefore(at: Date, months: number): Date {
  const d = new Date(at.getTime());
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d;
}

/**
 * What a member sees of a trading partner (contract `PartnerView`): its grade and its
 * payment behaviour on the PAYDEX key, never its records, reporters, statements, reasons,
 * score or PD.
 */
export interface PartnerView {
  readonly creditCode: string;
  readonly companyName: string;
  /** the current stand-alone grade; null until first rated */
  readonly grade: string | null;
  /** 0..100 on the PAYDEX key over its verified trade lines of 24 months; null with fewer than 3 */
  readonly paymentIndex: number | null;
  /** how many verified trade lines the index rests on */
  readonly verifiedTradeLines: number;
  /** when the grade was computed; null until first rated */
  readonly asOf: Date | null;
}
