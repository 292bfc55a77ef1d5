import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { type LoanRecord, type PublicRecord, REASON_CODES, type ScoringInput } from '@app/domain/scoring';
import { addDays } from '../common/calendar-date';
import { emptyInput, fullInput, trade, workedExample } from '../testing/company.fixture';
import { REASON_TEXT } from './reason-codes';
import { rateCompany } from './stand-alone-rating';

const AS_OF = '2026-06-30';

describe('the stand-alone rating: the worked example of docs/scoring.md', () => {
  // payment 67.5 (PAYMENT_DELAYS), obligations: grade B only = 80, public record: an ended
  // judgment = 90; no statement (core: neutral 50), no soft information or network (re-weighted).
  // present weights 0.30 + 0.15 + 0.15 = 0.60 -> w' = 0.5, 0.25, 0.25; missing core 0.25.
  // S_present = 0.5 x 67.5 + 0.25 x 80 + 0.25 x 90 = 76.25; c = 0.60 / 0.85 = 0.70588
  // S = 0.70588 x 76.25 + 0.29412 x 50 = 68.5294
  // logit = 1 - 8.5 x 0.685294 = -4.825; PD = 1 / (1 + e^4.825) = 0.0079630 -> BBB
  // score = 374.2458 + 57.7078 x 4.825 = 374.2458 + 278.4401 = 652.69 -> 653
  // points per sub-score point: 57.7078 x 8.5 / 100 = 4.90516
  //   NO_FINANCIAL_STATEMENT: 0.25 / 0.85 x 50 = 14.706 -> 72.1
  //   PAYMENT_DELAYS: 0.70588 x 0.5 x 32.5 = 11.471 -> 56.3
  //   LOW_TAX_CREDIT_GRADE: 0.70588 x 0.25 x 20 = 3.529 -> 17.3
  //   PUBLIC_JUDGMENT: 0.70588 x 0.25 x 10 = 1.765 -> 8.7
  const r = rateCompany(workedExample(), AS_OF);

  it('has the PD, score and grade worked out by hand', () => {
    expect(r.pd).toBeCloseTo(0.007963, 6);
    expect(r.score).toBe(653);
    expect(r.grade).toBe('BBB');
    expect(r.confidence).toBe(0.6);
  });

  it('reports the present factors with weights adding up to 1, and the missing ones as missing', () => {
    expect(r.factors).toEqual([
      { name: 'PAYMENT_BEHAVIOUR', score: 67.5, weight: 0.5 },
      { name: 'OBLIGATIONS', score: 80, weight: 0.25 },
      { name: 'PUBLIC_RECORD', score: 90, weight: 0.25 },
    ]);
    expect(r.factorResults.filter((f) => f.status === 'INSUFFICIENT_DATA').map((f) => f.factor)).toEqual([
      'FINANCIAL_STRENGTH',
      'SOFT_INFORMATION',
      'NETWORK',
    ]);
  });

  it('ranks up to four reasons by the points each costs against its best, in two languages', () => {
    expect(r.reasons.map((x) => [x.code, x.pointsLost])).toEqual([
      ['NO_FINANCIAL_STATEMENT', 72.1],
      ['PAYMENT_DELAYS', 56.3],
      ['LOW_TAX_CREDIT_GRADE', 17.3],
      ['PUBLIC_JUDGMENT', 8.7],
    ]);
    expect(r.reasons[1].description).toBe(REASON_TEXT.PAYMENT_DELAYS.en);
    expect(r.reasons[1].descriptionZh).toBe('向供应商付款晚于约定账期。');
  });

  it('records the model version and the records it rests on', () => {
    expect(r.modelVersion).toMatch(/^rating-1\.0\.0\+financial-ga2m-/);
    expect(r.verifiedRecords).toBe(5);
  });
});

describe('the stand-alone rating: default, and a thin file', () => {
  const defaulted: LoanRecord = {
    id: 'L',
    principal: 10_000_000,
    outstanding: 8_000_000,
    startDate: '2025-01-01',
    repayments: [],
    defaultedOn: '2026-05-01',
    curedOn: null,
  };

  it('is D, 300 and PD 1 for a company in default, with IN_DEFAULT first', () => {
    const r = rateCompany({ ...fullInput(), loans: [defaulted] }, AS_OF);
    expect([r.grade, r.score, r.pd, r.inDefault]).toEqual(['D', 300, 1, true]);
    expect(r.reasons[0].code).toBe('IN_DEFAULT');
  });

  it('is no longer in default once the default was cured', () => {
    const r = rateCompany({ ...fullInput(), loans: [{ ...defaulted, curedOn: '2026-06-01' }] }, AS_OF);
    expect(r.grade).not.toBe('D');
  });

  it('rates a blank file near the neutral bin, never at the top', () => {
    // only the clean public record speaks: c = 0.15 / 0.85; S = 0.17647 x 100 + 0.82353 x 50 = 58.824
    // logit = 1 - 5.0 = -4.0 -> PD = 1.799 % -> BB
    const r = rateCompany(emptyInput(), AS_OF);
    expect(r.pd).toBeCloseTo(0.017986, 6);
    expect(r.grade).toBe('BB');
    expect(r.reasons[0].code).toBe('THIN_FILE');
  });
});

describe('the stand-alone rating: properties', () => {
  const input = fc
    .record({
      payments: fc.array(
        fc.record({ amount: fc.integer({ min: 1, max: 5_000_000 }), due: fc.integer({ min: -700, max: 25 }), late: fc.option(fc.integer({ min: -30, max: 250 }), { nil: null }) }),
        { maxLength: 12 },
      ),
      fullFile: fc.boolean(),
    })
    .map(({ payments, fullFile }): ScoringInput => {
      const base = fullFile ? fullInput() : emptyInput();
      return {
        ...base,
        tradeExperiences: payments.map((p, i) => {
          const due = addDays(AS_OF, p.due);
          return trade(`p${i}`, p.amount, due, p.late === null ? null : addDays(due, p.late), addDays(due, -30));
        }),
      };
    });

  it('keeps the PD in [0, 1] and the score in 300..900', () => {
    fc.assert(
      fc.property(input, (i) => {
        const r = rateCompany(i, AS_OF);
        expect(r.pd).toBeGreaterThanOrEqual(0);
        expect(r.pd).toBeLessThanOrEqual(1);
        expect(r.score).toBeGreaterThanOrEqual(300);
        expect(r.score).toBeLessThanOrEqual(900);
        expect(r.reasons.length).toBeLessThanOrEqual(4);
        expect(r.factors.reduce((s, f) => s + f.weight, 0)).toBeCloseTo(1, 9);
      }),
    );
  });

  it('gives the same rating and the same ordered reasons again for the same inputs, stored and read back (adverse-action reasons)', () => {
    const vocabulary = new Set<string>(REASON_CODES);
    fc.assert(
      fc.property(input, (i) => {
        const first = rateCompany(i, AS_OF);
        // the inputs as they travel: to JSON and back (no Dates, no shared objects)
        const again = rateCompany(JSON.parse(JSON.stringify(i)) as ScoringInput, AS_OF);
        expect(again).toEqual(first);
        expect(first.reasons.length).toBeLessThanOrEqual(4);
        for (const reason of first.reasons) expect(vocabulary.has(reason.code)).toBe(true);
        expect(new Set(first.reasons.map((r) => r.code)).size).toBe(first.reasons.length);
        const lost = first.reasons.map((r) => r.pointsLost);
        expect(lost).toEqual([...lost].sort((a, b) => b - a));
      }),
    );
  });

  it('a later payment never raises the score', () => {
    fc.assert(
      fc.property(input, fc.nat(), fc.integer({ min: 1, max: 300 }), (i, pick, delay) => {
        fc.pre(i.tradeExperiences.length > 0);
        const k = pick % i.tradeExperiences.length;
        const t = i.tradeExperiences[k];
        const later = { ...t, paidDate: t.paidDate === null ? null : addDays(t.paidDate, delay) };
        const changed = { ...i, tradeExperiences: i.tradeExperiences.map((x, j) => (j === k ? later : x)) };
        expect(rateCompany(changed, AS_OF).score).toBeLessThanOrEqual(rateCompany(i, AS_OF).score);
      }),
    );
  });

  it('a new default (a loan default or a court or registry record) never raises the score', () => {
    const negative = fc.oneof(
      fc.constant<'LOAN'>('LOAN'),
      fc.constantFrom<PublicRecord['kind']>('JUDGMENT', 'ENFORCEMENT', 'DISHONEST_DEBTOR', 'ADMINISTRATIVE_PENALTY'),
    );
    fc.assert(
      fc.property(input, negative, fc.integer({ min: 0, max: 2000 }), fc.boolean(), (i, kind, daysAgo, ended) => {
        const at = addDays(AS_OF, -daysAgo);
        const changed: ScoringInput =
          kind === 'LOAN'
            ? { ...i, loans: [...i.loans, { id: 'new', principal: 1, outstanding: 1, startDate: at, repayments: [], defaultedOn: at, curedOn: null }] }
            : { ...i, publicRecords: [...i.publicRecords, { id: 'new', kind, eventDate: at, endedOn: ended ? AS_OF : null, amount: null }] };
        expect(rateCompany(changed, AS_OF).score).toBeLessThanOrEqual(rateCompany(i, AS_OF).score);
      }),
    );
  });
});
