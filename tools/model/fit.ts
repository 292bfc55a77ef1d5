/**
 * `npm run model:fit`: fits the financial-strength models on data/bankruptcy/*.train.csv and
 * writes them to libs/scoring/src/financial/. Reproducible: a fixed seed for the folds and no
 * randomness in a fit; the same files give the same JSON, byte for byte.
 *
 * One model for both horizons: shapes fitted on the two files pooled (9,056 firms), each file
 * with its own intercept (1year: bankruptcy within five years; 5year: within one); the
 * shipped model keeps the 5year intercept and a Platt calibration fitted on the 5year file's
 * out-of-fold scores, so its PD is a one-year PD. Two models are written:
 * - financial-model-v2.json, "full": every ratio of RATIO_DEFINITIONS plus PAIRS pairwise
 *   terms; it is the one `model:evaluate` scores and the engine uses when a statement files
 *   the optional fields the model reads;
 * - financial-model-core-v1.json, "core": only the ratios of the nine fields every statement
 *   has, no pairs; the engine's fallback for a statement without the optional fields.
 *
 * Options (experiments; the defaults are the shipped models): --bins --rounds --lr --lambda
 * --pairs --pair-bins --pair-rounds --pair-lr --pair-lambda --folds --cv-only.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FinancialModel } from '@app/scoring/financial/financial-model';
import { LEVERAGE_LINKED_RATIOS, PROFIT_LINKED_RATIOS, RATIO_DEFINITIONS, type RatioDefinition } from '@app/scoring/financial/financial-ratios';
import { discriminationMetrics } from '@app/scoring/governance/discrimination-metrics';
import {
  fitGam,
  fitPairs,
  gamLogit,
  pairLogit,
  plattScaling,
  seededRandom,
  type GamData,
  type GamOptions,
  type PairOptions,
} from './gam';
import { readPolishCsv } from './polish-data';

const ROOT = join(__dirname, '..', '..');
const FILES = ['polish_1year.train.csv', 'polish_5year.train.csv'] as const;
const ONE_YEAR_SOURCE = 1; // polish_5year: bankruptcy within the next year
const SEED = 365;

function arg(name: string, fallback: number): number {
  const k = process.argv.indexOf(`--${name}`);
  return k >= 0 ? Number(process.argv[k + 1]) : fallback;
}

const round4 = (x: number): number => Math.round(x * 1e4) / 1e4;
const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;

interface Pooled {
  readonly data: GamData;
  readonly fold: Int32Array;
  readonly n: number;
}

/** Both files pooled, and the folds: stratified by file x class over groups of identical rows. */
function pool(names: readonly string[], folds: number): Pooled {
  const files = FILES.map((f) => readPolishCsv(join(ROOT, 'data', 'bankruptcy', f), names));
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
  // copies of one row never sit on both sides (the maintainers' holdout split does the same)
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
  return { data: { features, label, source, sources: FILES.length }, fold, n };
}

function fitModel(
  name: string,
  version: string,
  defs: readonly RatioDefinition[],
  opt: GamOptions,
  pairOpt: PairOptions,
  folds: number,
  cvOnly: boolean,
): FinancialModel | null {
  const names = defs.map((d) => d.name);
  const directions = defs.map((d) => d.direction);
  // pairwise terms are monotone along a ratio that profit moves or that debt in place of
  // equity moves (a pair Attr27 x Attr34 free along Attr34 once let more debt, all else equal,
  // lower the PD), free along the others
  const pairDirections = defs.map((d) => (PROFIT_LINKED_RATIOS.has(d.name) || LEVERAGE_LINKED_RATIOS.has(d.name) ? d.direction : 0));
  const { data, fold, n } = pool(names, folds);
  const fit = (rows: Int32Array) => {
    const gam = fitGam(data, rows, names, directions, opt);
    const pairs = pairOpt.pairs > 0 ? fitPairs(data, rows, names, pairDirections, gam, pairOpt) : [];
    const pairMean = pairs.reduce((z, p) => z + p.mean, 0);
    return { gam, pairs, pairMean };
  };
  const logitOf = (m: ReturnType<typeof fit>, i: number) =>
    gamLogit(m.gam, data, i, ONE_YEAR_SOURCE) + pairLogit(m.pairs, data, names, i) + m.pairMean;

  const oof = new Float64Array(n);
  for (let k = 0; k < folds; k += 1) {
    const m = fit(Int32Array.from({ length: n }, (_, i) => i).filter((i) => fold[i] !== k));
    for (let i = 0; i < n; i += 1) if (fold[i] === k) oof[i] = logitOf(m, i);
  }
  const cv = FILES.map((file, s) => {
    const rows = [...Array(n).keys()].filter((i) => data.source[i] === s);
    const m = discriminationMetrics(
      rows.map((i) => oof[i]),
      rows.map((i) => data.label[i] === 1),
    );
    return { file, n: m.n, positives: m.positives, auc: round4(m.auc), ks: round4(m.ks) };
  });
  const oneYear = [...Array(n).keys()].filter((i) => data.source[i] === ONE_YEAR_SOURCE);
  const calibration = plattScaling(
    oneYear.map((i) => oof[i]),
    oneYear.map((i) => data.label[i]),
  );
  process.stderr.write(`${name}: ${JSON.stringify({ options: opt, pairOptions: pairOpt, folds, cv })}\n`);
  if (cvOnly) return null;

  const final = fit(Int32Array.from({ length: n }, (_, i) => i));
  return {
    version: `financial-${name}-${version}`,
    description:
      `Monotone generalised additive logistic model of bankruptcy (${final.pairs.length} pairwise terms) on ratios of the Polish companies ` +
      'bankruptcy data (UCI 365, CC BY 4.0), fitted by tools/model/fit.ts on data/bankruptcy/polish_1year.train.csv and ' +
      'polish_5year.train.csv pooled, one intercept per file; the 5year intercept and a Platt calibration on its out-of-fold ' +
      'scores make the PD a one-year PD.',
    intercept: round6(final.gam.intercepts[ONE_YEAR_SOURCE] + final.pairMean),
    calibration: { a: round6(calibration.a), b: round6(calibration.b) },
    shapes: final.gam.shapes,
    pairs: final.pairs.map(({ features, edges, values, axisWeights }) => ({ features, edges, values, axisWeights })),
    training: {
      files: FILES,
      rows: n,
      positives: data.label.reduce((s, v) => s + v, 0),
      options: opt,
      pairOptions: pairOpt,
      seed: SEED,
      crossValidation: { folds, stratifiedBy: 'file x class, duplicate rows grouped', results: cv },
      interceptOfOtherFile: { file: FILES[0], intercept: round6(final.gam.intercepts[0] + final.pairMean) },
    },
  };
}

export const SHIPPED_OPTIONS: GamOptions = { bins: 24, rounds: 300, learningRate: 0.1, lambda: 5 };
export const SHIPPED_PAIR_OPTIONS: PairOptions = { monotone: true, pairs: 10, pairBins: 6, rounds: 200, learningRate: 0.1, lambda: 20 };

function main(): void {
  const opt: GamOptions = {
    bins: arg('bins', SHIPPED_OPTIONS.bins),
    rounds: arg('rounds', SHIPPED_OPTIONS.rounds),
    learningRate: arg('lr', SHIPPED_OPTIONS.learningRate),
    lambda: arg('lambda', SHIPPED_OPTIONS.lambda),
  };
  const pairOpt: PairOptions = {
    monotone: true,
    pairs: arg('pairs', SHIPPED_PAIR_OPTIONS.pairs),
    pairBins: arg('pair-bins', SHIPPED_PAIR_OPTIONS.pairBins),
    rounds: arg('pair-rounds', SHIPPED_PAIR_OPTIONS.rounds),
    learningRate: arg('pair-lr', SHIPPED_PAIR_OPTIONS.learningRate),
    lambda: arg('pair-lambda', SHIPPED_PAIR_OPTIONS.lambda),
  };
  const folds = arg('folds', 5);
  const cvOnly = process.argv.includes('--cv-only');
  const out = (file: string) => join(ROOT, 'libs', 'scoring', 'src', 'financial', file);

  // 2.0.0: pairs monotone along the leverage-linked ratios too (1.0.0 had them free there)
  const full = fitModel('ga2m', '2.0.0', RATIO_DEFINITIONS, opt, pairOpt, folds, cvOnly);
  const core = fitModel(
    'core-gam',
    '1.0.0',
    RATIO_DEFINITIONS.filter((d) => d.optionalFields.length === 0),
    opt,
    { ...pairOpt, pairs: 0 },
    folds,
    cvOnly,
  );
  if (full && core) {
    writeFileSync(out('financial-model-v2.json'), `${JSON.stringify(full, null, 1)}\n`);
    writeFileSync(out('financial-model-core-v1.json'), `${JSON.stringify(core, null, 1)}\n`);
    process.stderr.write('wrote financial-model-v2.json and financial-model-core-v1.json\n');
  }
}

main();
