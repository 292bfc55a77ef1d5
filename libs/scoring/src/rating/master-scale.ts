import { GRADES, type Grade } from '@app/domain/scoring';

/**
 * The master scale: one-year PD bands, widening roughly geometrically, after Credora's
 * published PD-banded scale (credit-anchors §5.5: 0.05 / 0.20 / 0.50 / 1 / 2 / 4 / 10 / 25 %),
 * its nine bands named AAA..C; D is a company in default (Basel CRE32.3: PD = 100 %).
 * A PD on a band's lower edge belongs to that band.
 */
export const MASTER_SCALE: readonly { readonly grade: Grade; readonly minPd: number; readonly maxPd: number }[] = [
  { grade: 'AAA', minPd: 0, maxPd: 0.0005 },
  { grade: 'AA', minPd: 0.0005, maxPd: 0.002 },
  { grade: 'A', minPd: 0.002, maxPd: 0.005 },
  { grade: 'BBB', minPd: 0.005, maxPd: 0.01 },
  { grade: 'BB', minPd: 0.01, maxPd: 0.02 },
  { grade: 'B', minPd: 0.02, maxPd: 0.04 },
  { grade: 'CCC', minPd: 0.04, maxPd: 0.1 },
  { grade: 'CC', minPd: 0.1, maxPd: 0.25 },
  { grade: 'C', minPd: 0.25, maxPd: 1 },
  { grade: 'D', minPd: 1, maxPd: 1 },
];

export function pdToGrade(pd: number, inDefault = false): Grade {
  if (inDefault || pd >= 1) return 'D';
  for (const band of MASTER_SCALE) if (pd < band.maxPd) return band.grade;
  return 'C';
}

/** 0 for AAA .. 9 for D: a larger index is a worse grade. */
export const gradeIndex = (grade: Grade): number => GRADES.indexOf(grade);

export const gradeAt = (index: number): Grade => GRADES[Math.max(0, Math.min(GRADES.length - 1, index))];

export function gradeBand(grade: Grade): { readonly minPd: number; readonly maxPd: number } {
  const band = MASTER_SCALE.find((b) => b.grade === grade);
  if (!band) throw new RangeError(`unknown grade ${grade}`);
  return band;
}
