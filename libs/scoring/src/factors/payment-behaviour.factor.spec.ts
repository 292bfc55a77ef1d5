import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { LoanRecord, ScoredFactor, TradeExperience } from '@app/domain/scoring';
import { addDays, addMonths } from '../common/calendar-date';
import { rateCompany } from '../rating/stand-alone-rating';
import { fullInput, trade } from '../testing/company.fixture';
import { paymentBehaviourFactor, paymentIndex, summariseTrade } from './payment-behaviour.factor';

const AS_OF = '2026-06-30';
const scored = (r: ReturnType<typeof paymentBehaviourFactor>): ScoredFactor => {
  if (r.status !== 'SCORED') throw new Error(`expected a score, got ${r.why}`);
  return r;
};

describe('payment behaviour: amount-weighted PAYDEX key', () => {
  // Three invoices due 13-15 months before asOf (inside 24 months, outside the trend's 12):
  // 10,000 yuan on time (key 80), 10,000 yuan 30 days late (50), 20,000 yuan 15 days late (70).
  // index = (80 x 1 + 50 x 1 + 70 x 2) / 4 = 270 / 4 = 67.5; worst 30 days -> cap 50 + 30 = 80 (not binding).
  const experiences = [
    trade('a', 1_000_000, '2025-03-15', '2025-03-15', '2025-02-15'),
    trade('b', 1_000_000, '2025-04-15', '2025-05-15', '2025-03-15'),
    trade('c', 2_000_000, '2025-05-15', '2025-05-30', '2025-04-15'),
  ];

  it('weights each experience by its amount', () => {
    const f = scored(paymentBehaviourFactor(experiences, [], AS_OF));
    expect(f.subScore).toBe(67.5);
    expect(f.figures.paydexIndex).toBe(67.5);
    // amount-weighted days: (0 + 30 + 2 x 15) / 4 = 15
    expect(f.figures.weightedDaysBeyondTerms).toBe(15);
    expect(f.reasonCode).toBe('PAYMENT_DELAYS');
  });

  it('gives the partner-check index as an integer, and null under three experiences', () => {
    expect(paymentIndex(experiences, AS_OF)).toBe(68); // 67.5 rounds half up
    expect(paymentIndex(experiences.slice(0, 2), AS_OF)).toBeNull();
  });

  it('does not speak with fewer than three experiences: THIN_FILE, never a default value', () => {
    const f = paymentBehaviourFactor(experiences.slice(0, 2), [], AS_OF);
    expect(f.status).toBe('INSUFFICIENT_DATA');
    expect(f.reasonCode).toBe('THIN_FILE');
  });

  it('forgets experiences due more than 24 months before', () => {
    const old = [...experiences, trade('old', 50_000_000, '2024-06-15', '2024-12-15', '2024-05-15')];
    expect(scored(paymentBehaviourFactor(old, [], AS_OF)).subScore).toBe(67.5);
  });

  it('reads an open invoice not yet due as prompt (80) and a payment after asOf as not yet made', () => {
    const open = [
      trade('x', 1_000_000, '2026-07-15', null, '2026-06-15'),
      trade('y', 1_000_000, '2026-07-20', '2026-08-30', '2026-06-15'),
      trade('z', 1_000_000, '2026-07-25', null, '2026-06-20'),
    ];
    expect(scored(paymentBehaviourFactor(open, [], AS_OF)).subScore).toBe(80);
  });
});

describe('payment behaviour: trend of the last 3 months against the 9 before', () => {
  // last 3 months (due after 2026-03-30): 10,000 yuan 30 days late (50).
  // 9 before (due 2025-06-30 .. 2026-03-30): two of 10,000 on time (80, 80). One more on time due 2024-12-15.
  // index = (50 + 80 + 80 + 80) / 4 = 72.5; trend = 50 - 80 = -30;
  // penalty = 0.5 x (A9 / A24 = 2/4) x 30 = 7.5; score = 72.5 - 7.5 = 65.
  it('takes off half the worsening, in proportion to the 9 months\' share of volume', () => {
    const f = scored(
      paymentBehaviourFactor(
        [
          trade('r', 1_000_000, '2026-05-15', '2026-06-14', '2026-04-15'),
          trade('p1', 1_000_000, '2025-10-15', '2025-10-15', '2025-09-15'),
          trade('p2', 1_000_000, '2025-12-15', '2025-12-15', '2025-11-15'),
          trade('p3', 1_000_000, '2024-12-15', '2024-12-15', '2024-11-15'),
        ],
        [],
        AS_OF,
      ),
    );
    expect(f.figures.trend).toBe(-30);
    expect(f.figures.trendPenalty).toBe(7.5);
    expect(f.subScore).toBe(65);
    expect(f.reasonCode).toBe('PAYMENT_TREND_WORSENING');
  });
});

describe('payment behaviour: the trend reads only experiences already due', () => {
  // One 10,000-yuan invoice a month for 14 months, 60-day terms, each paid 30 days before its
  // due date (key 100); this month's invoice is replaced by two of 50,000 yuan due in 55 and 58
  // days, not yet paid. The company has never paid late: open and within terms, the two read
  // as prompt (80) in the index, but they are not yet experiences of the last 3 months.
  const history = (): TradeExperience[] => {
    const t: TradeExperience[] = [];
    for (let k = 1; k < 14; k++) {
      const invoiced = addMonths(AS_OF, -k);
      const due = addDays(invoiced, 60);
      t.push(trade(`i${k}`, 1_000_000, due, addDays(due, -30), invoiced));
    }
    return t;
  };
  const withOpen = (): TradeExperience[] => [
    ...history(),
    trade('n1', 5_000_000, addDays(AS_OF, 55), null, addDays(AS_OF, -5)),
    trade('n2', 5_000_000, addDays(AS_OF, 58), null, addDays(AS_OF, -2)),
  ];

  it('does not read invoices not yet due as a worsening against early payments', () => {
    const f = scored(paymentBehaviourFactor(withOpen(), [], AS_OF));
    // (was: trend -13.33, penalty 2.32, PAYMENT_TREND_WORSENING)
    expect(f.figures.trendPenalty).toBe(0);
    expect(f.figures.trend).toBe(0);
    expect(f.reasonCode).not.toBe('PAYMENT_TREND_WORSENING');
    // index: 13 x 10,000 yuan at 100 and 100,000 at 80: (130,000 x 100 + 100,000 x 80) / 230,000 = 91.30
    expect(f.figures.paydexIndex).toBe(91.3);
    const rating = rateCompany({ ...fullInput(), tradeExperiences: withOpen() }, AS_OF);
    expect(rating.reasons.map((r) => r.code)).not.toContain('PAYMENT_TREND_WORSENING');
  });

  it('leaves an invoice not yet due out of the trend whether paid early or not, so paying it later never raises the factor', () => {
    // 9 months: two of 100,000 yuan paid 30 days early (100); last 3 months: one of 10,000 paid
    // 30 days early (100); and one of 10,000 due tomorrow, paid today (1 day early, 80.67) or
    // not yet. Were it in the last 3 months once paid and out of them while open, paying it a
    // day early would cost a 4.39 penalty that leaving it open would not.
    const base = [
      trade('e1', 10_000_000, '2025-12-15', '2025-11-15', '2025-10-15'),
      trade('e2', 10_000_000, '2026-01-15', '2025-12-16', '2025-11-15'),
      trade('r1', 1_000_000, '2026-06-20', '2026-05-21', '2026-05-20'),
    ];
    const paidEarly = scored(paymentBehaviourFactor([...base, trade('x', 1_000_000, '2026-07-01', '2026-06-30', '2026-06-01')], [], AS_OF));
    const open = scored(paymentBehaviourFactor([...base, trade('x', 1_000_000, '2026-07-01', null, '2026-06-01')], [], AS_OF));
    expect(paidEarly.figures.trendPenalty).toBe(0);
    expect(open.figures.trendPenalty).toBe(0);
    expect(open.subScore).toBeLessThanOrEqual(paidEarly.subScore);
  });

  it('never gets a trend penalty, or a larger one, from an unpaid invoice not yet due (property)', () => {
    const experience = fc.record({
      amount: fc.integer({ min: 1, max: 10_000_000 }),
      due: fc.integer({ min: -400, max: 0 }),
      // mostly early or on time, as a company that pays well
      paidAfterDue: fc.oneof(fc.integer({ min: -40, max: 0 }), fc.integer({ min: -40, max: 120 })),
    });
    fc.assert(
      fc.property(
        fc.array(experience, { minLength: 3, maxLength: 20 }),
        fc.integer({ min: 1, max: 50_000_000 }),
        fc.integer({ min: 1, max: 120 }),
        fc.integer({ min: 0, max: 120 }),
        (list, amount, dueIn, invoicedAgo) => {
          const trades = list.map((e, i) => {
            const dueDate = addDays(AS_OF, e.due);
            const paid = addDays(dueDate, e.paidAfterDue);
            // a payment after asOf is not known yet: such a line is still open at asOf
            return trade(`t${i}`, e.amount, dueDate, paid <= AS_OF ? paid : null, addDays(dueDate, -60));
          });
          const open = trade('open', amount, addDays(AS_OF, dueIn), null, addDays(AS_OF, -invoicedAgo));
          const before = scored(paymentBehaviourFactor(trades, [], AS_OF));
          const after = scored(paymentBehaviourFactor([...trades, open], [], AS_OF));
          expect(after.figures.trendPenalty).toBeLessThanOrEqual(before.figures.trendPenalty as number);
          if (before.figures.trendPenalty === 0) expect(after.figures.trendPenalty).toBe(0);
          if (before.reasonCode !== 'PAYMENT_TREND_WORSENING') expect(after.reasonCode).not.toBe('PAYMENT_TREND_WORSENING');
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('payment behaviour: worst delinquency and loans', () => {
  it('caps the factor at key(worst) + 30 so that volume cannot hide a 90-day delinquency', () => {
    // unpaid since 2026-02-28: 122 days late at 2026-06-30 -> key 20 - 20 x 2/60 = 19.333
    // index = (80 + 80 + 19.333) / 3 = 59.78; cap = 19.333 + 30 = 49.333 binds.
    const f = scored(
      paymentBehaviourFactor(
        [
          trade('a', 1_000_000, '2025-08-15', '2025-08-15', '2025-07-15'),
          trade('b', 1_000_000, '2025-09-15', '2025-09-15', '2025-08-15'),
          trade('c', 1_000_000, '2026-02-28', null, '2026-01-28'),
        ],
        [],
        AS_OF,
      ),
    );
    expect(f.figures.worstDaysBeyondTerms).toBe(122);
    expect(f.subScore).toBeCloseTo(49.3333, 4);
    expect(f.reasonCode).toBe('SEVERE_DELINQUENCY');
  });

  it('counts bank loan instalments as experiences, and names loan arrears', () => {
    const loan: LoanRecord = {
      id: 'L1',
      principal: 30_000_000,
      outstanding: 20_000_000,
      startDate: '2025-01-01',
      repayments: [
        { dueDate: '2025-08-01', amount: 1_000_000, paidDate: '2025-08-01' },
        { dueDate: '2025-09-01', amount: 1_000_000, paidDate: '2025-10-16' }, // 45 days: key 45
        { dueDate: '2025-10-01', amount: 1_000_000, paidDate: '2025-10-01' },
        { dueDate: '2027-01-01', amount: 1_000_000, paidDate: null }, // a schedule, not an experience
      ],
      defaultedOn: null,
      curedOn: null,
    };
    const f = scored(paymentBehaviourFactor([], [loan], AS_OF));
    // (80 + 45 + 80) / 3 = 68.333
    expect(f.records).toBe(3);
    expect(f.subScore).toBeCloseTo(68.3333, 4);
    expect(f.reasonCode).toBe('LOAN_ARREARS');
  });
});

describe('payment behaviour: loan arrears from 30 days, and unpaid loans of any age', () => {
  const loanOf = (repayments: LoanRecord['repayments']): LoanRecord => ({
    id: 'L',
    principal: 10_000_000,
    outstanding: 5_000_000,
    startDate: '2023-01-01',
    repayments,
    defaultedOn: null,
    curedOn: null,
  });
  // one instalment paid `late` days after its due date 2026-01-15, two on time; equal amounts,
  // nothing due in the last 3 months (no trend)
  const arrears = (paidDate: string) =>
    scored(
      paymentBehaviourFactor(
        [],
        [
          loanOf([
            { dueDate: '2026-01-15', amount: 1_000_000, paidDate },
            { dueDate: '2026-02-15', amount: 1_000_000, paidDate: '2026-02-15' },
            { dueDate: '2026-03-15', amount: 1_000_000, paidDate: '2026-03-15' },
          ]),
        ],
        AS_OF,
      ),
    );

  it('names LOAN_ARREARS for an instalment exactly 30 days late, as the docs say (30+)', () => {
    // 30 days late: key 50; index (50 + 80 + 80) / 3 = 70; cap 50 + 30 = 80 does not bind
    const f = arrears('2026-02-14');
    expect(f.figures.loanWorstDaysPastDue).toBe(30);
    expect(f.subScore).toBeCloseTo(70, 9);
    expect(f.reasonCode).toBe('LOAN_ARREARS');
  });

  it('does not name it at 29 days', () => {
    // 29 days late: key (270 - 4 x 29) / 3 = 51.333; index (51.333 + 160) / 3 = 70.444
    const f = arrears('2026-02-13');
    expect(f.figures.loanWorstDaysPastDue).toBe(29);
    expect(f.subScore).toBeCloseTo(70.4444, 4);
    expect(f.reasonCode).toBe('PAYMENT_DELAYS');
  });

  // three prompt invoices of 10,000 yuan (key 80 each, index 80)
  const prompt = [3, 4, 5].map((m) => trade(`p${m}`, 1_000_000, `2026-0${m}-01`, `2026-0${m}-01`, '2026-02-01'));

  it('caps the factor for an instalment unpaid for more than 24 months, as it does for an invoice', () => {
    // due 2024-01-15, unpaid at 2026-06-30: 897 days late, outside the 24 months' experiences
    // but an unpaid debt of any age counts: key 0, cap 0 + 30 = 30 binds (index 80)
    const f = scored(paymentBehaviourFactor(prompt, [loanOf([{ dueDate: '2024-01-15', amount: 500_000, paidDate: null }])], AS_OF));
    expect(f.records).toBe(3);
    expect(f.figures.worstDaysBeyondTerms).toBe(897);
    expect(f.figures.loanWorstDaysPastDue).toBe(897);
    expect(f.subScore).toBe(30);
    expect(f.reasonCode).toBe('SEVERE_DELINQUENCY');
  });

  it('forgets an old instalment that was paid', () => {
    const f = scored(paymentBehaviourFactor(prompt, [loanOf([{ dueDate: '2024-01-15', amount: 500_000, paidDate: '2024-06-01' }])], AS_OF));
    expect(f.figures.worstDaysBeyondTerms).toBe(0);
    expect(f.subScore).toBe(80);
    expect(f.reasonCode).toBeNull();
  });

  it('weighs an old unpaid debt the same whether a bank or a supplier filed it (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 731, max: 4000 }), // days before asOf: 24 months back and older
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.option(fc.integer({ min: 1, max: 400 }), { nil: null }), // paid that many days after asOf: not yet known
        (ago, amount, paidAfter) => {
          const dueDate = addDays(AS_OF, -ago);
          const paidDate = paidAfter === null ? null : addDays(AS_OF, paidAfter);
          const asLoan = scored(paymentBehaviourFactor(prompt, [loanOf([{ dueDate, amount, paidDate }])], AS_OF));
          const asTrade = scored(paymentBehaviourFactor([...prompt, trade('old', amount, dueDate, paidDate, addDays(dueDate, -30))], [], AS_OF));
          expect(asLoan.figures.worstDaysBeyondTerms).toBe(ago);
          expect(asLoan.figures.worstDaysBeyondTerms).toBe(asTrade.figures.worstDaysBeyondTerms);
          expect(asLoan.subScore).toBe(asTrade.subScore);
          expect(asLoan.reasonCode).toBe('SEVERE_DELINQUENCY');
          expect(asTrade.reasonCode).toBe('SEVERE_DELINQUENCY');
        },
      ),
    );
  });
});

describe('payment behaviour: properties', () => {
  // due up to 25 days ahead: invoiced (30 days before due) by asOf
  const dayOffset = fc.integer({ min: -700, max: 25 });
  const experience = fc.record({
    amount: fc.integer({ min: 1, max: 10_000_000 }),
    due: dayOffset,
    paidAfterDue: fc.option(fc.integer({ min: -40, max: 300 }), { nil: null }),
  });
  const build = (e: { amount: number; due: number; paidAfterDue: number | null }, i: number): TradeExperience => {
    const dueDate = addDays(AS_OF, e.due);
    return trade(`t${i}`, e.amount, dueDate, e.paidAfterDue === null ? null : addDays(dueDate, e.paidAfterDue), addDays(dueDate, -30));
  };

  it('a later payment never raises the factor', () => {
    fc.assert(
      fc.property(
        fc.array(experience, { minLength: 3, maxLength: 25 }),
        fc.nat(),
        fc.integer({ min: 1, max: 400 }),
        fc.boolean(),
        (list, pick, delay, leaveUnpaid) => {
          const trades = list.map(build);
          const k = pick % trades.length;
          const t = trades[k];
          const later = leaveUnpaid || t.paidDate === null ? null : addDays(t.paidDate, delay);
          const changed = trades.map((x, i) => (i === k ? { ...x, paidDate: later } : x));
          const before = paymentBehaviourFactor(trades, [], AS_OF);
          const after = paymentBehaviourFactor(changed, [], AS_OF);
          expect(after.status).toBe(before.status);
          if (before.status === 'SCORED' && after.status === 'SCORED')
            expect(after.subScore).toBeLessThanOrEqual(before.subScore + 1e-9);
        },
      ),
    );
  });

  it('stays within 0..100', () => {
    fc.assert(
      fc.property(fc.array(experience, { minLength: 3, maxLength: 25 }), (list) => {
        const f = paymentBehaviourFactor(list.map(build), [], AS_OF);
        if (f.status !== 'SCORED') throw new Error('three experiences must speak');
        expect(f.subScore).toBeGreaterThanOrEqual(0);
        expect(f.subScore).toBeLessThanOrEqual(100);
      }),
    );
  });
});

describe('payment behaviour: summarised trade', () => {
  const line = fc.record({
    amount: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
    invoiced: fc.integer({ min: -800, max: 40 }),
    terms: fc.integer({ min: 0, max: 120 }),
    paidAfterDue: fc.option(fc.integer({ min: -60, max: 400 }), { nil: null }),
  });
  const build = (l: { amount: number; invoiced: number; terms: number; paidAfterDue: number | null }, i: number): TradeExperience => {
    const invoiceDate = addDays(AS_OF, l.invoiced);
    const dueDate = addDays(invoiceDate, l.terms);
    const paid = l.paidAfterDue === null ? null : addDays(dueDate, l.paidAfterDue);
    return trade(`t${i}`, l.amount, dueDate, paid !== null && paid < invoiceDate ? invoiceDate : paid, invoiceDate);
  };

  it('rates from the summary exactly as from the lines, and the summary does not depend on their order (property)', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), fc.nat(), (list, seed) => {
        const trades = list.map(build);
        const shuffled = [...trades].sort((a, b) => ((Number(a.id.slice(1)) * 7919 + seed) % 101) - ((Number(b.id.slice(1)) * 7919 + seed) % 101));
        const summary = summariseTrade(trades, AS_OF);
        expect(summariseTrade(shuffled, AS_OF)).toEqual(summary);
        expect(summary.counted).toBe(trades.length);
        expect(paymentBehaviourFactor(summary, [], AS_OF)).toEqual(paymentBehaviourFactor(trades, [], AS_OF));
      }),
    );
  });

  it('sums amounts beyond 2^53 exactly', () => {
    const big = Number.MAX_SAFE_INTEGER;
    const lines = [0, 1, 2].map((i) => trade(`t${i}`, big, addDays(AS_OF, -40), addDays(AS_OF, -40), addDays(AS_OF, -70)));
    const { window } = summariseTrade(lines, AS_OF);
    expect(window.amount).toBe(3n * BigInt(big));
    expect(window.keyed).toBe(3n * BigInt(big) * 240n); // paid on the due date: key 80, thirds 240
    const f = paymentBehaviourFactor(lines, [], AS_OF);
    expect(f.status === 'SCORED' && f.subScore).toBe(80);
  });
});
