import { describe, expect, it } from '@jest/globals';
import { endOfLocalDay, FACTOR_LABEL, gradeTone, label, money, percent } from './format';

describe('figures on the page', () => {
  it('writes a PD as a percentage, small ones with a digit more', () => {
    expect(percent(0.0123)).toBe('1.23%');
    expect(percent(0.25)).toBe('25.00%');
    expect(percent(0.00042)).toBe('0.042%');
    expect(percent(0)).toBe('0.00%');
    expect(percent(null)).toBe('—');
    expect(percent(Number.NaN)).toBe('—');
  });

  it('groups a Decimal in thousands without going through a float', () => {
    expect(money('1234567.5')).toBe('1,234,567.50');
    expect(money('90071992547409931.07')).toBe('90,071,992,547,409,931.07');
    expect(money('-1000')).toBe('-1,000.00');
    expect(money('0.10')).toBe('0.10');
    expect(money('007')).toBe('7.00');
    expect(money('not a number')).toBe('not a number');
    expect(money(null)).toBe('—');
  });

  it('colours grades by band, and knows an unrated company', () => {
    expect(gradeTone('AAA')).toBe('strong');
    expect(gradeTone('BBB')).toBe('good');
    expect(gradeTone('B')).toBe('fair');
    expect(gradeTone('D')).toBe('weak');
    expect(gradeTone(null)).toBe('none');
  });

  it('names codes in Chinese and falls back to the code', () => {
    expect(label(FACTOR_LABEL, 'PAYMENT_BEHAVIOUR')).toBe('付款表现');
    expect(label(FACTOR_LABEL, 'NEW_FACTOR')).toBe('NEW_FACTOR');
    expect(label(FACTOR_LABEL, null)).toBe('—');
  });

  it("ends a consent at the end of the reader's day", () => {
    const iso = endOfLocalDay('2026-12-31');
    expect(iso).not.toBeNull();
    const d = new Date(iso as string);
    expect([d.getFullYear(), d.getMonth(), d.getDate(), d.getHours(), d.getMinutes()]).toEqual([2026, 11, 31, 23, 59]);
    expect(endOfLocalDay('31/12/2026')).toBeNull();
  });
});
