import type {
  BacktestReport,
  CalibrationRow,
  DefaultEvent,
  HistoricalRating,
} from '@app/domain/scoring';
import { GRADES } from '@app/domain/scoring';
import { addMonths, dayNumber } from '../common/calendar-date';
import { discriminationMetrics } from './discrimination-metrics';

export interface BacktestObservation {
  readonly rating: HistoricalRating;
  /** defaulted within 12 months after the rating's date */
  readonly defaulted: boolean;
}

/**
 * Pairs each past rating with the outcome: a default in (asOf, asOf + 12 months]. A rating
 * of a company already in default (grade D) says nothing about the future and is left out,
 * as is one whose 12 months have not passed by `observedUntil`.
 */
export function backtestObservations(
  ratings: readonly HistoricalRating[],
  defaults: readonly DefaultEvent[],
  observedUntil: string,
): BacktestObservation[] {
  const byCompany = new Map<string, number[]>();
  for (const d of defaults) {
    const list = byCompany.get(d.companyId) ?? [];
    list.push(dayNumber(d.defaultedOn));
    byCompany.set(d.companyId, list);
  }
  const until = dayNumber(observedUntil);
  const out: BacktestObservation[] = [];
  for (const r of ratings) {
    if (r.grade === 'D') continue;
    const from = dayNumber(r.asOf);
    const to = dayNumber(addMonths(r.asOf, 12));
    if (to > until) continue;
    const defaulted = (byCompany.get(r.companyId) ?? []).some((d) => d > from && d <= to);
    out.push({ rating: r, defaulted });
  }
  return out;
}

/** AUC, KS, Gini, Brier and a calibration table per grade (observed default rate against mean PD). */
export function backtest(observations: readonly BacktestObservation[]): BacktestReport {
  return backtestFromPds(
    observations.map((o) => o.rating.pd),
    observations.map((o) => o.defaulted),
    observations.map((o) => o.rating.grade),
  );
}

export function backtestFromPds(pds: readonly number[], defaulted: readonly boolean[], grades: readonly string[]): BacktestReport {
  const m = discriminationMetrics(pds, defaulted);
  const calibration: CalibrationRow[] = [];
  for (const grade of GRADES) {
    let n = 0;
    let d = 0;
    let pdSum = 0;
    grades.forEach((g, i) => {
      if (g !== grade) return;
      n += 1;
      if (defaulted[i]) d += 1;
      pdSum += pds[i];
    });
    if (n > 0) calibration.push({ grade, n, defaults: d, observedRate: d / n, meanPd: pdSum / n });
  }
  return { n: m.n, defaults: m.positives, auc: m.auc, ks: m.ks, gini: m.gini, brier: m.brier, calibration };
}
