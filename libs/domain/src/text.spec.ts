import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { passwordProblem } from './identity';
import { parseText } from './text';

describe('free text', () => {
  it('refuses an unpaired surrogate, naming the field: stored as U+FFFD it would no longer equal what was sent', () => {
    for (const value of ['INV-\ud800x', 'x\udfff', '\udbff', '温州\ud800']) {
      expect(() => parseText('input.invoiceNo', value, { max: 80 })).toThrow(expect.objectContaining({ field: 'input.invoiceNo' }));
    }
    expect(passwordProblem('a long enough password \ud800')).toMatch(/unpaired surrogate/);
  });

  it('takes every well-formed string within its bounds, and answers what it would store', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }), (value) => {
        const printable = value.replace(/[\u0000-\u001f\u007f]/g, 'x'); // eslint-disable-line no-control-regex
        if (printable.trim().length === 0) return;
        const parsed = parseText('note', printable, { max: 200 });
        expect(parsed.isWellFormed()).toBe(true);
        expect(Buffer.from(parsed, 'utf8').toString('utf8')).toBe(parsed);
      }),
    );
  });
});
