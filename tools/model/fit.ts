/**
 * `npm run model:fit`: fits the financial-strength model on data/bankruptcy/*.train.csv and
 * writes libs/scoring/src/financial/financial-model.json. Reproducible: fixed seed for the
 * folds, no randomness in the fit itself; the same files give the same JSON, byte for byte.
 *
 * One model for both horizons: the shapes are fitted on the two files pooled (9,056 firms),
 * each file with its own intercept (the 1year file's label is bankruptcy within five years,
 * the 5year file's within one); the shipped model keeps the 5year intercept and a Platt
 * calibration fitted on the 5year file's out-of-fold scores, so its PD is a one-year PD.
 *
 * Options (for experiments; the defaults are the shipped model): --bins --rounds --lr
 * --lambda --folds --cv-only (report cross-validated AUC without writing the model).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROFIT_LINKED_RATIOS, RATIO_DEFINITIONS } from '@app/scoring/financial/financial-ratios';
import { discriminationMetrics } from '@app/scoring/governance/discrimination-metrics';
import type { FinancialModel } from '@app/scoring/financial/financial-model';
import { fitGam, fitPairs, pairLogit, gamLogit, plattScaling, seededRandom, type GamData, type GamOptions } from './gam';
import { readPolishCsv } from './polish-data';

const ROOT = join(__dirname, '..', '..');
const FILES = ['polish_1year.train.csv', 'polish_5year.train.csv'] as const;
const ONE_YEAR_SOURCE = 1; // polish_5year: bankruptcy within the next year
const SEED = 365;

function arg(name: string, fallback: number): number {
  const k = process.argv.indexOf(`--${name}`);
  return k >= 0 ? Number(process.argv[k + 1]) : fallback;
}

export const SHIPPED_OPTIONS: GamOptions = { bins: 24, rounds: 300, learningRate: 0.1, lambda: 5 };

function main(): void {
  const opt: GamOptions = {
    bins: arg('bins', SHIPPED_OPTIONS.bins),
    rounds: arg('rounds', SHIPPED_OPTIONS.rounds),
    learningRate: arg('lr', SHIPPED_OPTIONS.learningRate),
    lambda: arg('lambda', SHIPPED_OPTIONS.lambda),
  };
  const folds = arg('folds', 5);
  const pairOpt = {
    monotone: !process.argv.includes('--free-pairs'),
    pairs: arg('pairs', 10),
    pairBins: arg('pair-bins', 6),
    rounds: arg('pair-rounds', 200),
    learningRate: arg('pair-lr', 0.1),
    lambda: arg('pair-lambda', 20),
  };
  const cvOnly = process.argv.includes('--cv-only');

  const extra = process.argv.includes('--all') ? ['Attr11', 'Attr14', 'Attr15', 'Attr24', 'Attr29', 'Attr36', 'Attr41', 'Attr52', 'Attr55', 'Attr57', 'Attr59'] : [];
  const names = [...RATIO_DEFINITIONS.map((d) => d.name), ...extra];
  const directions = [...RATIO_DEFINITIONS.map((d) => d.direction), ...extra.map(() => 0 as unknown as 1)];
  if (process.argv.includes('--free')) directions.forEach((_, k) => (directions[k] = 0 as unknown as 1));
  const files = FILES.map((f) => readPolishCsv(join(ROOT, 'data', 'bankruptcy', f), extra));
  const pairDirections = names.map((name, f) => (PROFIT_LINKED_RATIOS.has(name) ? directions[f] : 0));
  const n = files.reduce((s, f) => s + f.n, 0);
  const features = names.map(() => new Float64Array(n));
  const label = new Uint8Array(n);
  const source = new Uint8Array(n);
  const raw: string[] = [];
  let at = 0;
  files.forEach((file, s) => {
    for (let i = 0; i < file.n; i += 1) {
      names.forEach((_, f) => (features[f][at] = file.features[f][i]));
      label[at] = file.label[i];
      source[at] = s;
      raw.push(`${s}|${file.rawLines[i]}`);
      at += 1;
    }
  });
  const data: GamData = { features, label, source, sources: FILES.length };

  // Stratified (file x class) k-fold over groups of identical rows, so copies of one row
  // never sit on both sides (the maintainers' holdout split does the same).
  const fold = new Int32Array(n);
  const rand = seededRandom(SEED);
  const groups = new Map<string, number[]>();
  raw.forEach((line, i) => {
    const g = groups.get(line);
    if (g) g.push(i);
    else groups.set(line, [i]);
  });
  for (let s = 0; s < FILES.length; s += 1)
    for (const y of [0, 1]) {
      const strata = [...groups.values()].filter((g) => source[g[0]] === s && label[g[0]] === y);
      for (let k = strata.length - 1; k > 0; k -= 1) {
        const j = Math.floor(rand() * (k + 1));
        [strata[k], strata[j]] = [strata[j], strata[k]];
      }
      const load = new Array<number>(folds).fill(0);
      for (const g of strata) {
        const target = load.indexOf(Math.min(...load));
        for (const i of g) fold[i] = target;
        load[target] += g.length;
      }
    }

  const oof = new Float64Array(n);
  for (let k = 0; k < folds; k += 1) {
    const only = arg('only', -1);
    const train = Int32Array.from({ length: n }, (_, i) => i).filter((i) => fold[i] !== k && (only < 0 || source[i] === only));
    const model = fitGam(data, train, names, directions, opt);
    const pairs = pairOpt.pairs > 0 ? fitPairs(data, train, names, pairDirections, model, pairOpt) : [];
    if (k === 0) process.stderr.write(`pairs ${pairs.map((p) => p.features.join('x')).join(' ')}\n`);
    for (let i = 0; i < n; i += 1)
      if (fold[i] === k)
        oof[i] = gamLogit(model, data, i, ONE_YEAR_SOURCE) + pairLogit(pairs, data, names, i) + pairs.reduce((z, p) => z + p.mean, 0);
  }
  const cv = FILES.map((file, s) => {
    const rows = [...Array(n).keys()].filter((i) => source[i] === s);
    const m = discriminationMetrics(
      rows.map((i) => oof[i]),
      rows.map((i) => label[i] === 1),
    );
    return { file, n: m.n, positives: m.positives, auc: round4(m.auc), ks: round4(m.ks) };
  });
  const oneYear = [...Array(n).keys()].filter((i) => source[i] === ONE_YEAR_SOURCE);
  const calibration = plattScaling(
    oneYear.map((i) => oof[i]),
    oneYear.map((i) => label[i]),
  );
  process.stderr.write(`${JSON.stringify({ options: opt, folds, cv })}\n`);
  if (cvOnly) return;

  const all = Int32Array.from({ length: n }, (_, i) => i);
  const fitted = fitGam(data, all, names, directions, opt);
  const pairs = fitPairs(data, all, names, pairDirections, fitted, pairOpt);
  const pairMean = pairs.reduce((z, p) => z + p.mean, 0);
  const model: FinancialModel = {
    version: `financial-ga2m-1.0.0`,
    description:
      'Monotone generalised additive logistic model of bankruptcy on ratios of the Polish companies bankruptcy data (UCI 365, CC BY 4.0), ' +
      'fitted by tools/model/fit.ts on data/bankruptcy/polish_1year.train.csv and polish_5year.train.csv pooled, ' +
      'one intercept per file; the 5year intercept and a Platt calibration on its out-of-fold scores make the PD a one-year PD.',
    intercept: round6(fitted.intercepts[ONE_YEAR_SOURCE] + pairMean),
    calibration: { a: round6(calibration.a), b: round6(calibration.b) },
    shapes: fitted.shapes,
    pairs: pairs.map(({ features, edges, values, axisWeights }) => ({ features, edges, values, axisWeights })),
    training: {
      files: FILES,
      rows: n,
      positives: label.reduce((s, v) => s + v, 0),
      options: opt,
      pairOptions: pairOpt,
      seed: SEED,
      crossValidation: { folds, stratifiedBy: 'file x class, duplicate rows grouped', results: cv },
      interceptOfOtherFile: { file: FILES[0], intercept: round6(fitted.intercepts[0] + pairMean) },
    },
  };
  const out = join(ROOT, 'libs', 'scoring', 'src', 'financial', 'financial-model-v1.json');
  writeFileSync(out, `${JSON.stringify(model, null, 1)}\n`);
  process.stderr.write(`wrote ${out}\n`);
}

const round4 = (x: number): number => Math.round(x * 1e4) / 1e4;
const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;

main();
