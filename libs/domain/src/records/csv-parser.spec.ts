import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { CsvParser, type CsvRow } from './csv-parser';

function parseAll(text: string, pieces: number[] = []): CsvRow[] {
  const parser = new CsvParser();
  const rows: CsvRow[] = [];
  let at = 0;
  for (const size of pieces) {
    rows.push(...parser.push(text.slice(at, at + size)));
    at += size;
  }
  rows.push(...parser.push(text.slice(at)));
  rows.push(...parser.end());
  return rows;
}

describe('the streaming CSV reader', () => {
  it('reads plain lines, CRLF or LF, and skips blank lines, keeping physical line numbers', () => {
    const rows = parseAll('a,b,c\r\n1,2,3\n\n4,,6\r\n');
    expect(rows).toEqual([
      { line: 1, fields: ['a', 'b', 'c'], error: null },
      { line: 2, fields: ['1', '2', '3'], error: null },
      { line: 4, fields: ['4', '', '6'], error: null },
    ]);
  });

  it('reads quoted fields with commas, doubled quotes and line breaks; the next record keeps its line number', () => {
    const rows = parseAll('name,note\n"温州市鹿城区鞋业有限公司","说 ""好"", 行"\n"x","two\nlines"\nlast,1');
    expect(rows.map((r) => r.fields)).toEqual([
      ['name', 'note'],
      ['温州市鹿城区鞋业有限公司', '说 "好", 行'],
      ['x', 'two\nlines'],
      ['last', '1'],
    ]);
    expect(rows.map((r) => r.line)).toEqual([1, 2, 3, 5]);
  });

  it('reports a malformed line and goes on with the next one', () => {
    const rows = parseAll('a,b\nx"y,1\n"open"junk,2\nok,3\n');
    expect(rows[1].error).toMatch(/double quote inside an unquoted field/);
    expect(rows[2].error).toMatch(/text follows a closing double quote/);
    expect(rows[3]).toEqual({ line: 4, fields: ['ok', '3'], error: null });
  });

  it('reports an unterminated quote at the end of the input', () => {
    const rows = parseAll('a,b\n"never closed,1\n2,3\n');
    expect(rows[1]).toMatchObject({ line: 2, error: expect.stringMatching(/never closed/) });
  });

  it('gives the same records however the text is cut into pieces', () => {
    const cell = fc.oneof(fc.string({ unit: fc.constantFrom('a', '中', ',', '"', '\n', ' ', '1') }), fc.constant(''));
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 2, maxLength: 4 }), { minLength: 1, maxLength: 6 }), fc.array(fc.nat(12), { maxLength: 8 }), (table, cuts) => {
        const text = table.map((r) => r.map((c) => `"${c.replace(/"/g, '""')}"`).join(',')).join('\r\n');
        const whole = parseAll(text);
        expect(whole.map((r) => r.fields)).toEqual(table);
        expect(parseAll(text, cuts)).toEqual(whole);
      }),
      { numRuns: 300 },
    );
  });
});
