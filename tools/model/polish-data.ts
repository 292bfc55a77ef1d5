/**
 * Reading the Polish bankruptcy files (UCI 365; data/bankruptcy/README.md): columns
 * Attr1..Attr64 and class, empty = missing. Each row becomes the model's features: the
 * data-set columns the model uses, and Altman's Z'' from Attr3, Attr6, Attr7, Attr8.
 */
import { readFileSync } from 'node:fs';
import { RATIO_DEFINITIONS, altmanZ2FromRatios, type RatioValue } from '@app/scoring/financial/financial-ratios';

export interface PolishRows {
  readonly header: readonly string[];
  /** features[f][i]: feature f of row i, NaN when missing */
  readonly features: readonly Float64Array[];
  readonly featureNames: readonly string[];
  /** 1 = bankrupt within the horizon */
  readonly label: Uint8Array;
  /** each row's raw text, to group exact duplicates */
  readonly rawLines: readonly string[];
  readonly n: number;
}

/** `only`: the features to read (default: every ratio of RATIO_DEFINITIONS). */
export function readPolishCsv(path: string, only?: readonly string[]): PolishRows {
  const text = readFileSync(path, 'utf8');
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  const header = lines[0].split(',');
  const col = new Map(header.map((h, i) => [h.trim(), i]));
  const classCol = col.get('class');
  if (classCol === undefined) throw new Error(`${path}: no class column`);
  const rows = lines.slice(1);
  const n = rows.length;
  const featureNames = only ? [...only] : RATIO_DEFINITIONS.map((d) => d.name);
  const features = featureNames.map(() => new Float64Array(n));
  const label = new Uint8Array(n);
  const cell = (cells: string[], name: string): RatioValue => {
    const k = col.get(name);
    if (k === undefined) throw new Error(`${path}: no column ${name}`);
    const t = (cells[k] ?? '').trim();
    if (t === '' || t === '?') return null;
    const v = Number(t);
    return Number.isFinite(v) ? v : null;
  };
  for (let i = 0; i < n; i += 1) {
    const cells = rows[i].split(',');
    label[i] = cells[classCol].trim() === '1' ? 1 : 0;
    featureNames.forEach((name, f) => {
      const v =
        name === 'ALTMAN_Z2'
          ? altmanZ2FromRatios(cell(cells, 'Attr3'), cell(cells, 'Attr6'), cell(cells, 'Attr7'), cell(cells, 'Attr8'))
          : cell(cells, name);
      features[f][i] = v === null || v === undefined ? Number.NaN : v;
    });
  }
  return { header, features, featureNames, label, rawLines: rows, n };
}
