import { describe, expect, it } from '@jest/globals';
import { emptyInput, soundStatement, trade } from '../testing/company.fixture';
import { simulate } from './simulate';

const AS_OF = '2026-06-30';

describe('what if', () => {
  const input = {
    ...emptyInput(),
    tradeExperiences: [
      trade('a', 1_000_000, '2025-03-15', '2025-03-15', '2025-02-15', 'north'),
      trade('b', 1_000_000, '2025-04-15', '2025-05-15', '2025-03-15', 'south'),
      trade('c', 2_000_000, '2025-05-15', '2025-05-30', '2025-04-15', 'south'),
    ],
  };

  it('"pay supplier south 15 days sooner" moves its invoices to 15 and 0 days late', () => {
    // b: 30 -> 15 days late (50 -> 70); c: 15 -> 0 (70 -> 80): index (80 + 70 + 2 x 80) / 4 = 77.5
    const r = simulate(input, [{ kind: 'PAY_SUPPLIER_SOONER', creditorId: 'south', days: 15 }], AS_OF);
    const payment = r.after.factorResults[0];
    expect(payment.status === 'SCORED' && payment.subScore).toBe(77.5);
    expect(r.scoreChange).toBeGreaterThan(0);
    expect(r.after.score - r.before.score).toBe(r.scoreChange);
  });

  it('"add this statement" makes the financial factor speak', () => {
    const r = simulate(input, [{ kind: 'ADD_STATEMENT', statement: soundStatement(2025) }], AS_OF);
    expect(r.before.factorResults[1].status).toBe('INSUFFICIENT_DATA');
    expect(r.after.factorResults[1].status).toBe('SCORED');
  });

  it('leaves the input untouched', () => {
    const copy = JSON.stringify(input);
    simulate(input, [{ kind: 'SETTLE_OVERDUE_INVOICES' }, { kind: 'PAY_SUPPLIER_SOONER', creditorId: 'north', days: 5 }], AS_OF);
    expect(JSON.stringify(input)).toBe(copy);
  });
});
