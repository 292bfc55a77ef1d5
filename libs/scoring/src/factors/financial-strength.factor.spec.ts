import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { FinancialStatement } from '@app/domain/scoring';
import { readPolishCsv } from '../../../../tools/model/polish-data';
import { financialPd } from '../financial/financial-model';
import { financialRatios, LEVERAGE_LINKED_RATIOS, type RatioValue } from '../financial/financial-ratios';
import { SHIPPED_CORE_FINANCIAL_MODEL, SHIPPED_FINANCIAL_MODEL } from '../financial/shipped-financial-model';
import { discriminationMetrics } from '../governance/discrimination-metrics';
import { soundStatement, weakStatement } from '../testing/company.fixture';
import { financialStrengthFactor, latestUsableStatement } from './financial-strength.factor';

const AS_OF = '2026-06-30';

describe('financial strength', () => {
  it('uses the latest statement of the last two fiscal years', () => {
    const list = [soundStatement(2023), weakStatement(2024), soundStatement(2025), soundStatement(2026)];
    expect(latestUsableStatement(list, AS_OF)?.fiscalYear).toBe(2025); // 2026 has not ended
    expect(latestUsableStatement([soundStatement(2023)], AS_OF)).toBeNull(); // stale
  });

  it('does not speak without a usable statement', () => {
    const f = financialStrengthFactor([], AS_OF);
    expect(f.status).toBe('INSUFFICIENT_DATA');
    expect(f.reasonCode).toBe('NO_FINANCIAL_STATEMENT');
  });

  it('ranks a sound statement above a weak one, and names the weak one distressed', () => {
    const sound = financialStrengthFactor([soundStatement()], AS_OF);
    const weak = financialStrengthFactor([weakStatement()], AS_OF);
    if (sound.status !== 'SCORED' || weak.status !== 'SCORED') throw new Error('both must speak');
    expect(sound.subScore).toBeGreaterThan(weak.subScore);
    // weak: X1 -0.3, X2 -0.15, X3 -0.04, X4 80/920 = 0.08696:
    // Z'' = -1.968 - 0.489 - 0.2688 + 0.0913043 = -2.6344957, reported to 3 decimals
    expect(weak.figures.altmanZ2).toBe(-2.634);
    expect(weak.reasonCode).toBe('FINANCIAL_DISTRESS');
  });

  it('a better statement (more profit, all else equal) never lowers the factor (property)', () => {
    const amount = (lo: number, hi: number) => fc.integer({ min: lo, max: hi });
    const statement = fc
      .record({
        totalAssets: amount(1_000_000, 5_000_000_000),
        currentShare: fc.double({ min: 0.05, max: 0.95, noNaN: true }),
        liabilityShare: fc.double({ min: 0.05, max: 1.5, noNaN: true }),
        currentLiabilityShare: fc.double({ min: 0.1, max: 1, noNaN: true }),
        revenueTurnover: fc.double({ min: 0, max: 4, noNaN: true }),
        margin: fc.double({ min: -0.5, max: 0.5, noNaN: true }),
        retainedShare: fc.double({ min: -1, max: 0.8, noNaN: true }),
        optional: fc.constantFrom('NONE', 'SOME', 'ALL'),
        shares: fc.array(fc.double({ min: 0.01, max: 0.5, noNaN: true }), { minLength: 8, maxLength: 8 }),
      })
      .map((x): FinancialStatement => {
        const ta = x.totalAssets;
        const tl = Math.round(ta * x.liabilityShare);
        const revenue = Math.round(ta * x.revenueTurnover);
        const ebit = Math.round(revenue * x.margin);
        return {
          id: 'p',
          fiscalYear: 2025,
          revenue,
          netIncome: Math.round(ebit * 0.75),
          ebit,
          totalAssets: ta,
          currentAssets: Math.round(ta * x.currentShare),
          totalLiabilities: tl,
          currentLiabilities: Math.round(tl * x.currentLiabilityShare),
          retainedEarnings: Math.round(ta * x.retainedShare),
          equity: ta - tl,
          ...(x.optional !== 'NONE'
            ? { interestExpense: Math.round(tl * 0.05), operatingProfit: ebit, depreciation: Math.round(ta * 0.05), inventory: Math.round(ta * 0.1) }
            : {}),
          ...(x.optional === 'ALL'
            ? {
                cash: Math.round(ta * x.shares[0]),
                receivables: Math.round(ta * x.shares[1]),
                operatingExpenses: Math.round(revenue * (1 - x.shares[2])),
                costOfSales: Math.round(revenue * (1 - 2 * x.shares[3])),
                fixedAssets: Math.round(ta * x.shares[4]),
                shareCapital: Math.round(ta * x.shares[5]),
                longTermLiabilities: Math.round(tl * x.shares[6]),
                priorYearRevenue: Math.round(revenue * (0.5 + 2 * x.shares[7])),
              }
            : {}),
        };
      });
    fc.assert(
      fc.property(
        statement,
        amount(0, 500_000_000),
        amount(0, 500_000_000),
        amount(0, 500_000_000),
        (s, moreIncome, moreEbit, moreRetained) => {
          const better: FinancialStatement = {
            ...s,
            netIncome: s.netIncome + moreIncome,
            ebit: s.ebit + moreEbit,
            retainedEarnings: s.retainedEarnings + moreRetained,
            ...(s.operatingProfit !== undefined ? { operatingProfit: s.operatingProfit + moreEbit } : {}),
          };
          const before = financialStrengthFactor([s], AS_OF);
          const after = financialStrengthFactor([better], AS_OF);
          if (before.status !== 'SCORED' || after.status !== 'SCORED') throw new Error('both must speak');
          expect(after.subScore).toBeGreaterThanOrEqual(before.subScore - 1e-9);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('scores a verified zero revenue as the limit of a shrinking revenue, not as the average firm', () => {
    // weakStatement (nine fields: the core model) loses 60M. Revenue 0 used to make every
    // ratio over revenue undefined, i.e. average: 31.05, above the 27.28 it scores on 8M of
    // revenue. Now net income / revenue and EBIT / revenue are -Infinity and current
    // liabilities x 365 / revenue +Infinity: the end bins, as with 1 fen of revenue (18.18).
    const at = (revenue: number) => {
      const f = financialStrengthFactor([{ ...weakStatement(), revenue }], AS_OF);
      if (f.status !== 'SCORED') throw new Error('must speak');
      return f.subScore;
    };
    expect(at(0)).toBeCloseTo(18.1766, 4);
    expect(at(0)).toBe(at(1));
    expect(at(800_000_000)).toBeCloseTo(27.2765, 4);
    const noRevenue = financialStrengthFactor([{ ...weakStatement(), revenue: 0 }], AS_OF);
    expect(noRevenue.status === 'SCORED' && noRevenue.figures.altmanZ2).toBe(-2.634); // Z'' does not read revenue
  });

  it('a loss on no revenue never scores above the same loss on some revenue (property, core model)', () => {
    // A loss at every level (net income and EBIT < 0), with the nine fields and optional ones
    // short of the full set. The core model is additive and monotone in each ratio, and at
    // revenue 0 every ratio that reads revenue sits at its worse end. (The full model's
    // pairwise terms are monotone only along the ratios profit moves; along gross margin,
    // Attr27 x Attr56, they are not, so there a zero revenue can score above some revenues.)
    const amount = (lo: number, hi: number) => fc.integer({ min: lo, max: hi });
    const loss = fc
      .record({
        totalAssets: amount(1_000_000, 5_000_000_000),
        currentShare: fc.double({ min: 0, max: 1, noNaN: true }),
        liabilityShare: fc.double({ min: 0, max: 1.5, noNaN: true }),
        currentLiabilityShare: fc.double({ min: 0, max: 1, noNaN: true }),
        lossShare: fc.double({ min: 0.0001, max: 0.5, noNaN: true }),
        ebitOfLoss: fc.double({ min: 0.01, max: 1.5, noNaN: true }),
        retainedShare: fc.double({ min: -1, max: 0.8, noNaN: true }),
        some: fc.boolean(),
        shares: fc.array(fc.double({ min: 0, max: 0.5, noNaN: true }), { minLength: 3, maxLength: 3 }),
      })
      .map((x): FinancialStatement => {
        const ta = x.totalAssets;
        const tl = Math.round(ta * x.liabilityShare);
        const netIncome = -Math.max(1, Math.round(ta * x.lossShare));
        const ebit = Math.min(-1, Math.round(netIncome * x.ebitOfLoss));
        return {
          id: 'p',
          fiscalYear: 2025,
          revenue: 0,
          netIncome,
          ebit,
          totalAssets: ta,
          currentAssets: Math.round(ta * x.currentShare),
          totalLiabilities: tl,
          currentLiabilities: Math.round(tl * x.currentLiabilityShare),
          retainedEarnings: Math.round(ta * x.retainedShare),
          equity: ta - tl,
          ...(x.some ? { interestExpense: Math.round(tl * x.shares[0] * 0.1), operatingProfit: ebit, inventory: Math.round(ta * x.shares[1]), depreciation: Math.min(-ebit - 1, Math.round(ta * x.shares[2] * 0.1)) } : {}),
        };
      });
    fc.assert(
      fc.property(loss, amount(1, 20_000_000_000), (s, revenue) => {
        const none = financialStrengthFactor([s], AS_OF);
        const some = financialStrengthFactor([{ ...s, revenue }], AS_OF);
        if (none.status !== 'SCORED' || some.status !== 'SCORED') throw new Error('both must speak');
        expect(none.figures.fullModel).toBe(0);
        expect(none.subScore).toBeLessThanOrEqual(some.subScore + 1e-9);
      }),
      { numRuns: 1000 },
    );
  });

  it('uses the full model only when the statement files every optional field it reads', () => {
    const complete = {
      ...soundStatement(),
      cash: 80_000_000,
      receivables: 200_000_000,
      inventory: 150_000_000,
      fixedAssets: 450_000_000,
      longTermLiabilities: 150_000_000,
      shareCapital: 100_000_000,
      operatingProfit: 125_000_000,
      depreciation: 40_000_000,
      interestExpense: 12_000_000,
      costOfSales: 900_000_000,
      operatingExpenses: 1_080_000_000,
      priorYearRevenue: 1_100_000_000,
    };
    const full = financialStrengthFactor([complete], AS_OF);
    const core = financialStrengthFactor([soundStatement()], AS_OF);
    expect(full.status === 'SCORED' && full.figures.fullModel).toBe(1);
    expect(core.status === 'SCORED' && core.figures.fullModel).toBe(0);
    const { priorYearRevenue: _dropped, ...withoutPrior } = complete;
    const withPriorStatement = financialStrengthFactor([withoutPrior, { ...soundStatement(2024), revenue: 1_100_000_000 }], AS_OF);
    expect(withPriorStatement.status === 'SCORED' && withPriorStatement.figures.fullModel).toBe(1);
  });
});

describe('leverage: debt in place of equity never raises the factor', () => {
  // the spec's complete statement: every optional field the full model reads
  const complete = (): FinancialStatement => ({
    ...soundStatement(),
    cash: 80_000_000,
    receivables: 200_000_000,
    inventory: 150_000_000,
    fixedAssets: 450_000_000,
    longTermLiabilities: 150_000_000,
    shareCapital: 100_000_000,
    operatingProfit: 125_000_000,
    depreciation: 40_000_000,
    interestExpense: 12_000_000,
    costOfSales: 900_000_000,
    operatingExpenses: 1_080_000_000,
    priorYearRevenue: 1_100_000_000,
  });
  /** d fen of equity replaced by long-term debt: the balance sheet still adds up, nothing else moves */
  const moveToDebt = (s: FinancialStatement, d: number): FinancialStatement => ({
    ...s,
    totalLiabilities: s.totalLiabilities + d,
    longTermLiabilities: (s.longTermLiabilities ?? 0) + d,
    equity: s.equity - d,
  });
  const subScore = (s: FinancialStatement): number => {
    const f = financialStrengthFactor([s], AS_OF);
    if (f.status !== 'SCORED') throw new Error('must speak');
    return f.subScore;
  };

  it('the pairs are monotone along every ratio that liabilities or equity move', () => {
    const base = financialRatios(complete());
    const moved = [
      { totalLiabilities: 650_000_000 },
      { longTermLiabilities: 350_000_000 },
      { equity: 350_000_000 },
    ].map((change) => financialRatios({ ...complete(), ...change }));
    const changed = Object.keys(base).filter((k) => moved.some((r) => r[k] !== base[k]));
    expect(changed.filter((k) => !LEVERAGE_LINKED_RATIOS.has(k))).toEqual([]);
  });

  it('the complete statement with 200M fen of equity turned into long-term debt scores no higher', () => {
    const before = financialStrengthFactor([complete()], AS_OF);
    const after = financialStrengthFactor([moveToDebt(complete(), 200_000_000)], AS_OF);
    if (before.status !== 'SCORED' || after.status !== 'SCORED') throw new Error('both must speak');
    expect([before.figures.fullModel, after.figures.fullModel]).toEqual([1, 1]);
    // a pair Attr27 x Attr34 free along Attr34 (model 1.0.0) once took this from 73.12 to 80.63
    expect(after.subScore).toBeLessThanOrEqual(before.subScore);
    expect(after.figures.financialPd).toBeGreaterThanOrEqual(before.figures.financialPd ?? Infinity);
    // model 2.0.0: 79.03 (PD 0.328 %) -> 77.69 (PD 0.367 %)
    expect(before.subScore).toBeCloseTo(79.03, 2);
    expect(after.subScore).toBeCloseTo(77.69, 2);
  });

  it('the complete statement: more debt in place of equity never raises the sub-score (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_500_000_000 }), fc.integer({ min: 0, max: 1_500_000_000 }), (a, b) => {
        const [less, more] = a <= b ? [a, b] : [b, a];
        expect(subScore(moveToDebt(complete(), more))).toBeLessThanOrEqual(subScore(moveToDebt(complete(), less)) + 1e-9);
      }),
      { numRuns: 500 },
    );
  });

  it('consistent statements: more debt in place of equity never raises the sub-score (property)', () => {
    // profit measures over liabilities (Attr16, Attr26) are kept positive: a loss over more
    // liabilities is a smaller ratio of loss, which the ratio itself (not the model) reads as better
    const statement = fc
      .record({
        totalAssets: fc.integer({ min: 1_000_000, max: 5_000_000_000 }),
        currentShare: fc.double({ min: 0.05, max: 0.95, noNaN: true }),
        liabilityShare: fc.double({ min: 0.05, max: 1.5, noNaN: true }),
        currentLiabilityShare: fc.double({ min: 0.1, max: 1, noNaN: true }),
        revenueTurnover: fc.double({ min: 0.01, max: 4, noNaN: true }),
        margin: fc.double({ min: 0.001, max: 0.5, noNaN: true }),
        retainedShare: fc.double({ min: -1, max: 0.8, noNaN: true }),
        full: fc.boolean(),
        shares: fc.array(fc.double({ min: 0.01, max: 0.3, noNaN: true }), { minLength: 8, maxLength: 8 }),
      })
      .map((x): FinancialStatement => {
        const ta = x.totalAssets;
        const tl = Math.round(ta * x.liabilityShare);
        const cl = Math.round(tl * x.currentLiabilityShare);
        const revenue = Math.round(ta * x.revenueTurnover);
        const ebit = Math.round(revenue * x.margin);
        return {
          id: 'p',
          fiscalYear: 2025,
          revenue,
          netIncome: Math.round(ebit * 0.75),
          ebit,
          totalAssets: ta,
          currentAssets: Math.round(ta * x.currentShare),
          totalLiabilities: tl,
          currentLiabilities: cl,
          retainedEarnings: Math.round(ta * x.retainedShare),
          equity: ta - tl,
          ...(x.full
            ? {
                interestExpense: Math.round(tl * 0.05 * x.shares[7]),
                operatingProfit: ebit,
                depreciation: Math.round(ta * 0.05),
                inventory: Math.round(ta * x.currentShare * x.shares[0]),
                cash: Math.round(ta * x.currentShare * x.shares[1]),
                receivables: Math.round(ta * x.currentShare * x.shares[2]),
                operatingExpenses: Math.round(revenue * (1 - x.shares[3])),
                costOfSales: Math.round(revenue * (1 - 2 * x.shares[4])),
                fixedAssets: Math.round(ta * x.shares[5]),
                shareCapital: Math.round(ta * x.shares[6]),
                longTermLiabilities: tl - cl,
                priorYearRevenue: revenue,
              }
            : {}),
        };
      });
    fc.assert(
      fc.property(statement, fc.double({ min: 0.001, max: 1, noNaN: true }), (s, more) => {
        const d = Math.round(s.totalAssets * more);
        const after = s.longTermLiabilities === undefined ? { ...s, totalLiabilities: s.totalLiabilities + d, equity: s.equity - d } : moveToDebt(s, d);
        expect(subScore(after)).toBeLessThanOrEqual(subScore(s) + 1e-9);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('the shipped financial model on its training files', () => {
  // in-sample figures (cross-validated ones are in docs/scoring.md): a regression guard that
  // the JSON shipped is the model fitted, and that it ranks risk the right way round
  it.each([
    ['full', 'polish_1year.train.csv', 0.94],
    ['full', 'polish_5year.train.csv', 0.95],
    ['core', 'polish_1year.train.csv', 0.7],
    ['core', 'polish_5year.train.csv', 0.8],
  ])('%s model, %s: AUC above %d', (which, file, floor) => {
    const model = which === 'full' ? SHIPPED_FINANCIAL_MODEL : SHIPPED_CORE_FINANCIAL_MODEL;
    const rows = readPolishCsv(`${__dirname}/../../../../data/bankruptcy/${file}`);
    const pds: number[] = [];
    for (let i = 0; i < rows.n; i += 1) {
      const ratios: Record<string, RatioValue> = {};
      rows.featureNames.forEach((name, f) => (ratios[name] = Number.isNaN(rows.features[f][i]) ? null : rows.features[f][i]));
      pds.push(financialPd(model, ratios));
    }
    const m = discriminationMetrics(pds, Array.from(rows.label, (v) => v === 1));
    expect(m.auc).toBeGreaterThan(floor);
    expect(Math.max(...pds)).toBeLessThanOrEqual(1);
    expect(Math.min(...pds)).toBeGreaterThanOrEqual(0);
  });
});
