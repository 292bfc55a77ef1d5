import type { FactorResult, IsoDate, PublicRecord, PublicRecordKind, ReasonCode } from '@app/domain/scoring';
import { addMonths, dayNumber } from '../common/calendar-date';

/**
 * Points each public record takes off 100 while it lasts, and after it ended until it
 * expires. Few and heavy: the dishonest-debtor list (失信被执行人) restricts financing by
 * law (credit-anchors §3.3), so it weighs most.
 */
export const PUBLIC_RECORD_PENALTY: Readonly<Record<PublicRecordKind, { readonly ongoing: number; readonly ended: number }>> = {
  DISHONEST_DEBTOR: { ongoing: 60, ended: 30 },
  ENFORCEMENT: { ongoing: 35, ended: 15 },
  JUDGMENT: { ongoing: 25, ended: 10 },
  ADMINISTRATIVE_PENALTY: { ongoing: 10, ended: 5 },
};

/** Negative information stops counting 5 years after the event ended (征信业管理条例 Art. 16). */
export const NEGATIVE_INFORMATION_EXPIRY_MONTHS = 60;

const CODE: Readonly<Record<PublicRecordKind, ReasonCode>> = {
  DISHONEST_DEBTOR: 'DISHONEST_DEBTOR',
  ENFORCEMENT: 'ENFORCEMENT',
  JUDGMENT: 'PUBLIC_JUDGMENT',
  ADMINISTRATIVE_PENALTY: 'ADMINISTRATIVE_PENALTY',
};

/** Whether a record counts at `asOf`: it happened, and it has not expired 5 years after it ended. */
export function publicRecordCounts(r: PublicRecord, asOf: IsoDate): 'ONGOING' | 'ENDED' | 'NOT_COUNTED' {
  const at = dayNumber(asOf);
  if (dayNumber(r.eventDate) > at) return 'NOT_COUNTED';
  if (r.endedOn === null || dayNumber(r.endedOn) > at) return 'ONGOING';
  return at < dayNumber(addMonths(r.endedOn, NEGATIVE_INFORMATION_EXPIRY_MONTHS)) ? 'ENDED' : 'NOT_COUNTED';
}

/**
 * Public record: 100 less the penalties of the records that count. A clean record is data
 * (the coordinator imports the court and registry exports for every member), so this factor
 * always speaks.
 */
export function publicRecordFactor(records: readonly PublicRecord[], asOf: IsoDate): FactorResult {
  const byKind = new Map<PublicRecordKind, number>();
  let counted = 0;
  let ongoing = 0;
  for (const r of records) {
    const state = publicRecordCounts(r, asOf);
    if (state === 'NOT_COUNTED') continue;
    counted += 1;
    if (state === 'ONGOING') ongoing += 1;
    const p = PUBLIC_RECORD_PENALTY[r.kind][state === 'ONGOING' ? 'ongoing' : 'ended'];
    byKind.set(r.kind, (byKind.get(r.kind) ?? 0) + p);
  }
  let total = 0;
  let reasonCode: ReasonCode | null = null;
  let heaviest = 0;
  for (const [kind, p] of byKind) {
    total += p;
    if (p > heaviest) {
      heaviest = p;
      reasonCode = CODE[kind];
    }
  }
  return {
    factor: 'PUBLIC_RECORD',
    status: 'SCORED',
    subScore: Math.max(0, 100 - total),
    reasonCode,
    figures: { recordsCounted: counted, ongoing, penaltyPoints: total },
    records: counted,
  };
}
