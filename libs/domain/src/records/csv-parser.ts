/** One CSV record: its fields, the physical line it starts on (1-based), or why it is malformed. */
export interface CsvRow {
  readonly line: number;
  readonly fields: readonly string[];
  readonly error: string | null;
}

/**
 * A streaming RFC 4180 reader: text goes in by pieces of any size, complete records come
 * out, and it holds no more than one unfinished record between pieces (so memory stays flat
 * on a file of any length). Fields are separated by commas; a field may be enclosed in double
 * quotes, with "" for a quote inside and line breaks allowed; CRLF and LF both end a record;
 * blank lines are skipped. A byte-order mark is the decoder's business, not this reader's.
 *
 * Most lines of an export have no quotes, so those take a fast path (one indexOf, one split).
 */
export class CsvParser {
  private buffer = '';
  /** the physical line number of buffer[0] */
  private line = 1;

  /** Adds text; returns the records it completed. */
  push(text: string): CsvRow[] {
    this.buffer = this.buffer.length === 0 ? text : this.buffer + text;
    return this.drain(false);
  }

  /** The input ended: returns the last record, or an error for an unterminated quote. */
  end(): CsvRow[] {
    const rows = this.drain(true);
    this.buffer = '';
    return rows;
  }

  private drain(final: boolean): CsvRow[] {
    const rows: CsvRow[] = [];
    const buffer = this.buffer;
    let pos = 0;
    // the next quote at or after pos (-1: none left): searched again only once passed
    let quote = buffer.indexOf('"');
    while (pos < buffer.length) {
      let nl = buffer.indexOf('\n', pos);
      if (nl < 0) {
        if (!final) break;
        nl = buffer.length;
      }
      if (quote >= 0 && quote < pos) quote = buffer.indexOf('"', pos);
      if (quote < 0 || quote > nl) {
        let end = nl;
        if (end > pos && buffer.charCodeAt(end - 1) === 13) end -= 1;
        if (end > pos) rows.push({ line: this.line, fields: buffer.slice(pos, end).split(','), error: null });
        this.line += 1;
        pos = nl + 1;
        continue;
      }
      const quoted = this.readQuoted(buffer, pos, final);
      if (!quoted) break;
      rows.push(quoted.row);
      this.line += quoted.lines;
      pos = quoted.next;
    }
    this.buffer = pos >= buffer.length ? '' : buffer.slice(pos);
    return rows;
  }

  /**
   * Reads one record that contains quotes, starting at `start`. Returns null when the record
   * continues past the text received so far (and more is to come).
   */
  private readQuoted(buffer: string, start: number, final: boolean): { row: CsvRow; lines: number; next: number } | null {
    const fields: string[] = [];
    let field = '';
    let i = start;
    let lines = 1;
    let error: string | null = null;
    for (;;) {
      // at the start of a field
      if (buffer.charCodeAt(i) === 34) {
        i += 1;
        for (;;) {
          const q = buffer.indexOf('"', i);
          if (q < 0) {
            if (!final) return null;
            const rest = buffer.slice(i);
            lines += countNewlines(rest);
            return { row: { line: this.line, fields: [], error: 'a quoted field is never closed: a double quote is missing' }, lines, next: buffer.length };
          }
          const piece = buffer.slice(i, q);
          lines += countNewlines(piece);
          field += piece;
          if (buffer.charCodeAt(q + 1) === 34) {
            field += '"';
            i = q + 2;
            continue;
          }
          if (q + 1 >= buffer.length && !final) return null;
          i = q + 1;
          break;
        }
        const c = buffer.charCodeAt(i);
        if (!(i >= buffer.length || c === 44 || c === 10 || c === 13)) {
          error ??= 'text follows a closing double quote; enclose the whole field in quotes and double any quote inside';
          // skip to the end of this field
          while (i < buffer.length && buffer.charCodeAt(i) !== 44 && buffer.charCodeAt(i) !== 10) i += 1;
        }
      } else {
        let j = i;
        while (j < buffer.length) {
          const c = buffer.charCodeAt(j);
          if (c === 44 || c === 10) break;
          if (c === 34) error ??= 'a double quote inside an unquoted field; enclose the field in quotes and double the quote';
          j += 1;
        }
        if (j >= buffer.length && !final) return null;
        field = buffer.slice(i, j);
        if (field.charCodeAt(field.length - 1) === 13 && (j >= buffer.length || buffer.charCodeAt(j) === 10)) field = field.slice(0, -1);
        i = j;
      }
      fields.push(field);
      field = '';
      if (i >= buffer.length) {
        if (!final) return null;
        return { row: { line: this.line, fields, error }, lines, next: buffer.length };
      }
      const c = buffer.charCodeAt(i);
      if (c === 44) {
        i += 1;
        continue;
      }
      if (c === 13 && buffer.charCodeAt(i + 1) === 10) i += 1;
      if (c === 13 && i + 1 >= buffer.length && !final) return null;
      // end of the record at a line break
      return { row: { line: this.line, fields, error }, lines, next: i + 1 };
    }
  }
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n += 1;
  return n;
}
