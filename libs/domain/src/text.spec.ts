import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { passwordProblem } from './identity';
import { isWellFormed, parseText } from './text';

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
        expect(isWellFormed(parsed)).toBe(true);
        expect(Buffer.from(parsed, 'utf8').toString('utf8')).toBe(parsed);
      }),
    );
  });

  it('tells well-formed from ill-formed UTF-16 as the engine does', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 20 }), fc.integer({ min: 0xd800, max: 0xdfff }), fc.nat(20), (text, unit, at) => {
        const broken = text.slice(0, at) + String.fromCharCode(unit) + text.slice(at);
        expect(isWellFormed(text)).toBe(Buffer.from(text, 'utf8').toString('utf8') === text);
        expect(isWellFormed(broken)).toBe(Buffer.from(broken, 'utf8').toString('utf8') === broken);
      }),
    );
  });
});
