/**
 * `npm run --silent model:evaluate -- --data <csv> [--out <file>]`: scores every row of a file
 * in the format of data/bankruptcy/ (Attr1..Attr64, class; empty = missing) with the shipped
 * financial-strength model and prints one line of JSON {"n","positives","auc","ks","brier"}.
 * A row with missing ratios is still scored (a missing ratio takes its shape's missing bin).
 * With --out, each row's PD is written one per line, in input order. Nothing else on stdout.
 */
import { writeFileSync } from 'node:fs';
import { financialPd } from '@app/scoring/financial/financial-model';
import type { RatioValue } from '@app/scoring/financial/financial-ratios';
import { SHIPPED_FINANCIAL_MODEL } from '@app/scoring/financial/shipped-financial-model';
import { discriminationMetrics } from '@app/scoring/governance/discrimination-metrics';
import { readPolishCsv } from './polish-data';

function option(name: string): string | undefined {
  const k = process.argv.indexOf(`--${name}`);
  return k >= 0 ? process.argv[k + 1] : undefined;
}

function main(): void {
  const data = option('data');
  if (!data) {
    process.stderr.write('usage: model:evaluate -- --data <csv> [--out <file>]\n');
    process.exit(2);
  }
  const rows = readPolishCsv(data);
  const pds: number[] = [];
  const defaulted: boolean[] = [];
  for (let i = 0; i < rows.n; i += 1) {
    const ratios: Record<string, RatioValue> = {};
    rows.featureNames.forEach((name, f) => {
      const v = rows.features[f][i];
      ratios[name] = Number.isNaN(v) ? null : v;
    });
    pds.push(financialPd(SHIPPED_FINANCIAL_MODEL, ratios));
    defaulted.push(rows.label[i] === 1);
  }
  const m = discriminationMetrics(pds, defaulted);
  const out = option('out');
  if (out) writeFileSync(out, pds.map((p) => String(p)).join('\n') + (pds.length > 0 ? '\n' : ''));
  process.stdout.write(
    `${JSON.stringify({ n: m.n, positives: m.positives, auc: round(m.auc), ks: round(m.ks), brier: round(m.brier) })}\n`,
  );
}

const round = (x: number): number => Math.round(x * 1e6) / 1e6;

main();
