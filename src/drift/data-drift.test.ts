import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { relativeError } from '../../test/support/numeric.js';
import { expectValidation } from '../../test/support/validation.js';
import { benjaminiHochberg } from '../stats/multiple-testing.js';
import { psi } from '../stats/psi.js';
import { createRandom } from '../stats/random.js';
import {
  autoMethod,
  checkFeature,
  checkFeatures,
  DEFAULT_DRIFT_THRESHOLDS,
  type DriftMethod,
  SMALL_SAMPLE_MAX,
} from './data-drift.js';
import { buildCategoricalSketch, buildNumericSketch, type FeatureSketch } from './sketch.js';

interface ChiSquareFixture {
  readonly statistic: number;
  readonly pvalue: number;
  readonly dof: number;
}

interface BinnedFixture {
  readonly name: string;
  readonly chiSquare: ChiSquareFixture;
  readonly jensenShannon: number;
  readonly psi: number;
}

interface NumericFixture extends BinnedFixture {
  readonly reference: number[];
  readonly current: number[];
  readonly bins: number;
  readonly ks: { readonly statistic: number; readonly pvalue: number };
  readonly wasserstein: number;
}

interface CategoricalFixture extends BinnedFixture {
  readonly reference: string[];
  readonly current: string[];
}

const fixtures = JSON.parse(
  readFileSync(new URL('../../test/fixtures/drift/drift.json', import.meta.url), 'utf8'),
) as { numeric: NumericFixture[]; categorical: CategoricalFixture[] };

/**
 * KS: both sides run SciPy's algorithms on the same values (the sketch holds the whole
 * reference); observed bit-identical. Wasserstein, JS, PSI: same formulas, summation order can
 * differ by an ulp. Chi-square: the statistic is summed in a different order than NumPy's
 * (observed 1e-15); the p-value's incomplete gamma is quantlab's own, checked against SciPy to
 * 1e-12 in the stats tests.
 */
const RTOL = 1e-12;
const P_RTOL = 1e-10;

function normals(n: number, seed: number | string, shift = 0): Float64Array {
  const { normal } = createRandom(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = normal() + shift;
  return out;
}

describe('checkFeature matches SciPy on numeric features', () => {
  it.each(fixtures.numeric.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const sketch = buildNumericSketch(c.reference, { bins: c.bins });
    const run = (method: DriftMethod) => checkFeature(sketch, c.current, { method });

    const ks = run('ks');
    expect(relativeError(ks.statistic, c.ks.statistic)).toBeLessThanOrEqual(RTOL);
    expect(relativeError(ks.pValue as number, c.ks.pvalue)).toBeLessThanOrEqual(P_RTOL);
    expect(ks.effect).toBe(ks.statistic);

    const w = run('wasserstein');
    expect(relativeError(w.statistic, c.wasserstein)).toBeLessThanOrEqual(RTOL);
    expect(w.pValue).toBeNull();

    const js = run('jensen-shannon');
    expect(relativeError(js.statistic, c.jensenShannon)).toBeLessThanOrEqual(RTOL);

    const p = run('psi');
    expect(relativeError(p.statistic, c.psi)).toBeLessThanOrEqual(RTOL);
    // The sketch holds the whole reference, so binned PSI is psi() of quantlab/stats exactly.
    expect(p.statistic).toBe(psi(c.reference, c.current, { bins: c.bins }).psi);

    const chi = run('chi-square');
    expect(relativeError(chi.statistic, c.chiSquare.statistic)).toBeLessThanOrEqual(RTOL);
    expect(relativeError(chi.pValue as number, c.chiSquare.pvalue)).toBeLessThanOrEqual(P_RTOL);
    expect(chi.effect).toBe(js.statistic);
  });
});

describe('checkFeature matches SciPy on categorical features', () => {
  it.each(fixtures.categorical.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const sketch = buildCategoricalSketch(c.reference);
    const run = (method: DriftMethod) => checkFeature(sketch, c.current, { method });
    const chi = run('chi-square');
    expect(relativeError(chi.statistic, c.chiSquare.statistic)).toBeLessThanOrEqual(RTOL);
    expect(relativeError(chi.pValue as number, c.chiSquare.pvalue)).toBeLessThanOrEqual(P_RTOL);
    const js = run('jensen-shannon');
    expect(relativeError(js.statistic, c.jensenShannon)).toBeLessThanOrEqual(RTOL);
    expect(chi.effect).toBe(js.statistic);
    expect(relativeError(run('psi').statistic, c.psi)).toBeLessThanOrEqual(RTOL);
  });
});

describe('automatic test choice', () => {
  const numeric = buildNumericSketch(normals(5000, 1));
  const categorical = buildCategoricalSketch(Array.from({ length: 5000 }, (_, i) => `c${i % 7}`));

  it('uses KS / chi-square when the smaller side has at most 1,000 rows', () => {
    expect(autoMethod(numeric, SMALL_SAMPLE_MAX)).toBe('ks');
    expect(autoMethod(numeric, SMALL_SAMPLE_MAX + 1)).toBe('wasserstein');
    expect(autoMethod(categorical, SMALL_SAMPLE_MAX)).toBe('chi-square');
    expect(autoMethod(categorical, SMALL_SAMPLE_MAX + 1)).toBe('jensen-shannon');
    // A small baseline limits the evidence as much as a small current sample does.
    expect(autoMethod(buildNumericSketch(normals(800, 2)), 1_000_000)).toBe('ks');
  });

  it('reports the chosen method, its threshold and the counts', () => {
    const r = checkFeature(numeric, normals(300, 3), { feature: 'spread' });
    expect(r).toMatchObject({
      feature: 'spread',
      kind: 'numeric',
      method: 'ks',
      threshold: DEFAULT_DRIFT_THRESHOLDS.ks,
      referenceCount: 5000,
      currentCount: 300,
    });
    expect(r.adjustedPValue).toBe(r.pValue);
    const big = checkFeature(numeric, normals(3000, 4));
    expect(big).toMatchObject({ method: 'wasserstein', pValue: null, adjustedPValue: null });
    expect(big.drifted).toBe(false);
  });
});

describe('large samples: an effect size is required, not only a p-value', () => {
  const n = 1_000_000;
  const baseline = {
    x: buildNumericSketch(normals(n, 'baseline'), { random: createRandom(1).uniform }),
  };

  it('does not report a 0.01 sd shift over 1,000,000 rows, reports a 0.5 sd shift', () => {
    const small = checkFeatures(baseline, { x: normals(n, 'current', 0.01) });
    expect(small.features[0]).toMatchObject({ method: 'wasserstein', drifted: false });
    expect(small.features[0]?.statistic).toBeLessThan(0.03);
    expect(small.drifted).toBe(false);

    const big = checkFeatures(baseline, { x: normals(n, 'current', 0.5) });
    expect(big.features[0]).toMatchObject({ method: 'wasserstein', drifted: true });
    expect(big.features[0]?.statistic).toBeGreaterThan(0.45);
    expect(big.drifted).toBe(true);
  });

  it('a significant chi-square on a 0.01 sd shift does not fire without the effect', () => {
    const r = checkFeatures(
      baseline,
      { x: normals(n, 'current', 0.01) },
      { methods: { x: 'chi-square' } },
    );
    const x = r.features[0];
    expect(x?.pValue).toBeLessThan(0.05); // 1,000,000 rows see the tiny shift ...
    expect(x?.effect).toBeLessThan(0.01); // ... but it is immaterial
    expect(x?.drifted).toBe(false);
  });

  it('KS on request: tiny D for 0.01 sd, over the threshold for 0.5 sd', () => {
    const ks = { methods: { x: 'ks' as const } };
    expect(checkFeatures(baseline, { x: normals(n, 'current', 0.01) }, ks).drifted).toBe(false);
    const big = checkFeatures(baseline, { x: normals(n, 'current', 0.5) }, ks).features[0];
    expect(big?.drifted).toBe(true);
    expect(big?.statistic).toBeGreaterThan(0.15);
  });
});

describe('categorical features', () => {
  const sides = (n: number, seed: string, p: readonly number[]) => {
    const labels = ['buy', 'sell', 'hold', 'close'];
    const { uniform } = createRandom(seed);
    return Array.from({ length: n }, () => {
      let u = uniform();
      for (let i = 0; i < p.length; i++) {
        u -= p[i] as number;
        if (u < 0) return labels[i] as string;
      }
      return labels[labels.length - 1] as string;
    });
  };
  const sketch = buildCategoricalSketch(sides(20_000, 'ref', [0.4, 0.3, 0.2, 0.1]));

  it('chi-square for few rows, Jensen-Shannon for many; same mix does not drift', () => {
    const few = checkFeature(sketch, sides(500, 'a', [0.4, 0.3, 0.2, 0.1]));
    expect(few).toMatchObject({ method: 'chi-square', drifted: false });
    const many = checkFeature(sketch, sides(50_000, 'b', [0.4, 0.3, 0.2, 0.1]));
    expect(many).toMatchObject({ method: 'jensen-shannon', drifted: false });
    expect(many.statistic).toBeLessThan(0.02);
  });

  it('a changed mix drifts with either test', () => {
    const mix = [0.1, 0.3, 0.2, 0.4];
    expect(checkFeature(sketch, sides(500, 'c', mix))).toMatchObject({
      method: 'chi-square',
      drifted: true,
    });
    expect(checkFeature(sketch, sides(50_000, 'd', mix))).toMatchObject({
      method: 'jensen-shannon',
      drifted: true,
    });
  });

  it('a category the baseline never saw counts as its own category', () => {
    const current = [
      ...sides(900, 'e', [0.4, 0.3, 0.2, 0.1]),
      ...new Array<string>(300).fill('hedge'),
    ];
    const r = checkFeature(sketch, current, { method: 'psi' });
    expect(r.drifted).toBe(true);
    // 25% in a bin the baseline has at 0 (floored at 1e-4): (0.25 - 1e-4) ln(0.25 / 1e-4) alone.
    expect(r.statistic).toBeGreaterThan(1.9);
  });

  it('new categories join __other__ when the baseline overflowed its cap', () => {
    const capped = buildCategoricalSketch(['a', 'a', 'a', 'b', 'b', 'c', 'd'], {
      maxCategories: 2,
    });
    // c, d in the baseline's __other__ (2 of 7); e, f, g are unknown and fold into it as well.
    const same = checkFeature(capped, ['a', 'a', 'a', 'b', 'b', 'e', 'f'], { method: 'psi' });
    expect(same.statistic).toBe(0);
    const r = checkFeature(capped, ['a', 'e', 'f', 'g', 'e', 'f', 'g'], {
      method: 'jensen-shannon',
    });
    expect(r.drifted).toBe(true);
  });

  it('refuses KS and Wasserstein on a categorical feature, and non-strings', () => {
    expectValidation(() => checkFeature(sketch, ['buy'], { method: 'ks' }), 'method');
    expectValidation(
      () =>
        checkFeatures({ side: sketch }, { side: ['buy'] }, { methods: { side: 'wasserstein' } }),
      'methods.side',
    );
    expectValidation(
      () => checkFeatures({ side: sketch }, { side: ['buy', 2] as string[] }),
      'features.side[1]',
    );
  });
});

describe('checkFeatures', () => {
  const ref = (seed: string) => buildNumericSketch(normals(5000, seed));

  it('reaches the dataset verdict when the drifted share reaches driftShare', () => {
    const baseline = { a: ref('a'), b: ref('b'), c: ref('c'), d: ref('d') };
    const current = {
      a: normals(5000, 'a2', 0.5),
      b: normals(5000, 'b2', 0.5),
      c: normals(5000, 'c2'),
      d: normals(5000, 'd2'),
    };
    const r = checkFeatures(baseline, current);
    expect(r.features.map((f) => [f.feature, f.drifted])).toEqual([
      ['a', true],
      ['b', true],
      ['c', false],
      ['d', false],
    ]);
    expect(r).toMatchObject({ checkedCount: 4, driftedCount: 2, share: 0.5, drifted: true });
    expect(checkFeatures(baseline, current, { driftShare: 0.6 }).drifted).toBe(false);
    expect(checkFeatures(baseline, current, { driftShare: 0.25 }).drifted).toBe(true);
  });

  it('adjusts p-values with Benjamini-Hochberg across features', () => {
    // p = 0.0215 and D = 0.235 (SciPy fixture): drifted alone, not among 10 features.
    const c = fixtures.numeric[0] as NumericFixture;
    const sketch = buildNumericSketch(c.reference, { bins: c.bins });
    const alone = checkFeature(sketch, c.current);
    expect(alone).toMatchObject({ method: 'ks', drifted: true });

    const baseline: Record<string, FeatureSketch> = { shifted: sketch };
    const current: Record<string, number[]> = { shifted: c.current };
    for (let i = 0; i < 9; i++) {
      baseline[`f${i}`] = sketch;
      current[`f${i}`] = c.reference.slice(i * 20, i * 20 + 50);
    }
    const r = checkFeatures(baseline, current);
    const raw = r.features.map((f) => f.pValue as number);
    expect(r.features.map((f) => f.adjustedPValue)).toEqual(benjaminiHochberg(raw));
    const shifted = r.features[0];
    expect(shifted?.pValue).toBe(alone.pValue);
    expect(shifted?.adjustedPValue).toBeGreaterThan(0.05);
    expect(shifted?.drifted).toBe(false);
  });

  it('mixes features with and without p-values; only p-values are adjusted', () => {
    const baseline = { small: ref('s'), big: ref('b') };
    const r = checkFeatures(baseline, { small: normals(200, 's2'), big: normals(4000, 'b2') });
    expect(r.features.map((f) => f.method)).toEqual(['ks', 'wasserstein']);
    expect(r.features[0]?.adjustedPValue).toBe(r.features[0]?.pValue); // a family of one
    expect(r.features[1]?.adjustedPValue).toBeNull();
  });

  it('reports features missing on either side instead of throwing', () => {
    const r = checkFeatures({ a: ref('a'), gone: ref('g') }, { a: normals(100, 'x'), extra: [1] });
    expect(r.missing).toEqual({ fromCurrent: ['gone'], fromBaseline: ['extra'] });
    expect(r.features.map((f) => f.feature)).toEqual(['a']);
    const none = checkFeatures({ a: ref('a') }, {});
    expect(none).toMatchObject({ checkedCount: 0, share: 0, drifted: false });
  });

  it('applies per-feature methods and thresholds', () => {
    const r = checkFeatures(
      { a: ref('a') },
      { a: normals(5000, 'a3', 0.2) },
      { methods: { a: 'psi' }, thresholds: { a: 0.01 } },
    );
    expect(r.features[0]).toMatchObject({ method: 'psi', threshold: 0.01, drifted: true });
  });

  it('normalises Wasserstein by the current sd when the baseline is constant', () => {
    const constant = buildNumericSketch(new Float64Array(5000));
    expect(checkFeature(constant, new Float64Array(5000)).statistic).toBe(0);
    const moved = new Float64Array(5000);
    moved.fill(1, 0, 100); // 2% of rows at 1: W = 0.02, sd about 0.14
    const r = checkFeature(constant, moved);
    expect(r.statistic).toBeCloseTo(0.02 / Math.sqrt((0.02 * 0.98 * 5000) / 4999), 12);
    expect(checkFeature(constant, new Float64Array(5000).fill(3)).statistic).toBe(
      Number.POSITIVE_INFINITY,
    );
  });

  it('validates its input and names the field', () => {
    const baseline = { price: ref('p') };
    const bad = Array.from(normals(10, 'q'));
    bad[3] = Number.NaN;
    expectValidation(() => checkFeatures(baseline, { price: bad }), 'features.price[3]');
    expectValidation(() => checkFeatures(baseline, { price: [] }), 'features.price');
    expectValidation(
      () =>
        checkFeatures(baseline, { price: [1] }, { methods: { price: 't-test' as DriftMethod } }),
      'methods.price',
    );
    expectValidation(
      () => checkFeatures(baseline, { price: [1] }, { methods: { prise: 'ks' } }),
      'methods.prise',
    );
    expectValidation(
      () => checkFeatures(baseline, { price: [1] }, { thresholds: { price: -1 } }),
      'thresholds.price',
    );
    expectValidation(() => checkFeatures(baseline, { price: [1] }, { alpha: 1 }), 'alpha');
    expectValidation(
      () => checkFeatures(baseline, { price: [1] }, { driftShare: 0 }),
      'driftShare',
    );
    expectValidation(() => checkFeatures(baseline, null as never), 'features');
  });
});

describe('false alarms on stationary data', () => {
  it('flags few features, few datasets, and never a whole dataset (150 seeded datasets)', () => {
    // Datasets of 10 numeric features: 1,000-row baselines and 300 current rows from the same
    // N(0, 1), so KS (few rows). Under this global null BH keeps the chance of any flagged
    // feature in a dataset at about alpha = 0.05 and the per-feature rate near alpha / 10.
    // Measured over 1,000 such datasets: 5.5% of datasets with a flagged feature, 0.58% of
    // features, no dataset verdict. The bounds below leave room for the binomial noise of 150
    // datasets (mean 7.5 flagged, sd 2.7).
    const datasets = 150;
    const { fork } = createRandom('null-study');
    let flaggedFeatures = 0;
    let flaggedDatasets = 0;
    let driftedDatasets = 0;
    for (let d = 0; d < datasets; d++) {
      const rng = fork();
      const draw = (n: number) => Float64Array.from({ length: n }, () => rng.normal());
      const baseline: Record<string, FeatureSketch> = {};
      const current: Record<string, Float64Array> = {};
      for (let f = 0; f < 10; f++) {
        baseline[`f${f}`] = buildNumericSketch(draw(1000));
        current[`f${f}`] = draw(300);
      }
      const r = checkFeatures(baseline, current);
      flaggedFeatures += r.driftedCount;
      if (r.driftedCount > 0) flaggedDatasets++;
      if (r.drifted) driftedDatasets++;
    }
    expect(flaggedDatasets / datasets).toBeLessThanOrEqual(0.12);
    expect(flaggedFeatures / (10 * datasets)).toBeLessThanOrEqual(0.015);
    expect(driftedDatasets).toBe(0);
  });
});
