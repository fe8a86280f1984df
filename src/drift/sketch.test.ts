import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expectValidation } from '../../test/support/validation.js';
import { chiSquareSf } from '../stats/distributions.js';
import { psi } from '../stats/psi.js';
import { createRandom } from '../stats/random.js';
import { summarize } from '../stats/summary.js';
import {
  binOf,
  buildCategoricalSketch,
  buildNumericSketch,
  buildSketch,
  DEFAULT_MAX_SAMPLES,
  OTHER_CATEGORY,
} from './sketch.js';

interface NumericFixture {
  readonly name: string;
  readonly reference: number[];
  readonly bins: number;
  readonly mean: number;
  readonly sd: number;
  readonly cuts: number[];
  readonly referenceCounts: number[];
}

const fixtures = JSON.parse(
  readFileSync(new URL('../../test/fixtures/drift/drift.json', import.meta.url), 'utf8'),
) as { numeric: NumericFixture[] };

function uniforms(n: number, seed: number): Float64Array {
  const { uniform } = createRandom(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = uniform();
  return out;
}

describe('buildNumericSketch', () => {
  it('keeps every value, sorted, when there are at most maxSamples', () => {
    const values = [3, -1, 2.5, 7, 0, 2.5];
    const s = buildNumericSketch(values, { bins: 4 });
    const { mean, variance } = summarize(values);
    expect(s).toMatchObject({ kind: 'numeric', count: 6, mean, min: -1, max: 7 });
    expect(s.sd).toBe(Math.sqrt(variance));
    expect(s.sample).toEqual([-1, 0, 2.5, 2.5, 3, 7]);
  });

  it('has the cut points and counts of psi() in quantlab/stats on the whole data', () => {
    const values = Array.from(uniforms(997, 3), (u) => Math.round(u * 40) / 4); // with ties
    for (const bins of [2, 5, 10, 20]) {
      const s = buildNumericSketch(values, { bins });
      const core = psi(values, values, { bins });
      expect(s.edges).toEqual(core.bins.slice(0, -1).map((b) => b.upper));
      expect(s.binCounts).toEqual(core.bins.map((b) => b.referenceCount));
    }
  });

  it.each(fixtures.numeric.map((c) => [c.name, c] as const))(
    'matches NumPy quantile cuts and bin counts: %s',
    (_name, c) => {
      const s = buildNumericSketch(c.reference, { bins: c.bins });
      expect(s.edges).toEqual(c.cuts);
      expect(s.binCounts).toEqual(c.referenceCounts);
      expect(s.mean).toBeCloseTo(c.mean, 12);
      expect(s.sd).toBeCloseTo(c.sd, 12);
    },
  );

  it('keeps a sorted sample of exactly maxSamples values of the data above the cap', () => {
    const n = 50_000;
    const values = Float64Array.from({ length: n }, (_, i) => i);
    const s = buildNumericSketch(values, { maxSamples: 1000, random: createRandom(1).uniform });
    expect(s.sample).toHaveLength(1000);
    expect(new Set(s.sample).size).toBe(1000); // without replacement
    for (let i = 1; i < s.sample.length; i++) {
      expect(s.sample[i] as number).toBeGreaterThan(s.sample[i - 1] as number);
    }
    expect(s.sample.every((x) => Number.isInteger(x) && x >= 0 && x < n)).toBe(true);
    // Whole-data summaries and exact bin counts, not the sample's.
    expect(s).toMatchObject({ count: n, mean: (n - 1) / 2, min: 0, max: n - 1 });
    expect(s.binCounts.reduce((a, b) => a + b, 0)).toBe(n);
    const counts = new Array<number>(s.binCounts.length).fill(0);
    for (let i = 0; i < n; i++) {
      const b = binOf(s.edges, i);
      counts[b] = (counts[b] as number) + 1;
    }
    expect(s.binCounts).toEqual(counts);
  });

  it('samples uniformly (Algorithm L): every position is kept with probability k / n', () => {
    const n = 1000;
    const k = 100;
    const trials = 3000;
    const values = Float64Array.from({ length: n }, (_, i) => i);
    const hits = new Float64Array(n);
    const { uniform } = createRandom('reservoir-uniformity');
    for (let t = 0; t < trials; t++) {
      for (const x of buildNumericSketch(values, { maxSamples: k, random: uniform }).sample) {
        hits[x] = (hits[x] as number) + 1;
      }
    }
    // Pearson's chi-square over the n positions: sum of the hits is k * trials exactly, and
    // each position is Binomial(trials, k / n) (a multivariate hypergeometric per trial, so the
    // statistic is, if anything, smaller than chi-square(n - 1)).
    const expected = (trials * k) / n;
    let chi2 = 0;
    for (const h of hits) chi2 += ((h - expected) * (h - expected)) / expected;
    expect(chiSquareSf(chi2, n - 1)).toBeGreaterThan(1e-4);
    // And no drift with position: the first and last tenth are kept equally often.
    const sum = (from: number, to: number) => hits.slice(from, to).reduce((a, b) => a + b, 0);
    const first = sum(0, n / 10);
    const last = sum(n - n / 10, n);
    const sd = Math.sqrt(2 * (n / 10) * expected);
    expect(Math.abs(first - last)).toBeLessThan(4 * sd);
  });

  it('is deterministic given the random source, and by default', () => {
    const values = uniforms(30_000, 11);
    const a = buildNumericSketch(values, { random: createRandom(5).uniform });
    const b = buildNumericSketch(values, { random: createRandom(5).uniform });
    const c = buildNumericSketch(values, { random: createRandom(6).uniform });
    expect(a).toEqual(b);
    expect(c.sample).not.toEqual(a.sample);
    expect(c.binCounts.reduce((x, y) => x + y, 0)).toBe(30_000);
    expect(buildNumericSketch(values)).toEqual(buildNumericSketch(values));
  });

  it('does not draw random numbers when every value fits in the sample', () => {
    let calls = 0;
    buildNumericSketch(uniforms(DEFAULT_MAX_SAMPLES, 2), {
      random: () => {
        calls++;
        return 0.5;
      },
    });
    expect(calls).toBe(0);
  });

  it('stays small for 5,000,000 rows and survives a JSON round trip', () => {
    const n = 5_000_000;
    const values = uniforms(n, 42);
    values[17] = -0; // JSON has no −0: the sketch stores 0
    const start = performance.now();
    const s = buildNumericSketch(values, { random: createRandom(9).uniform });
    const elapsed = performance.now() - start;
    expect(s.count).toBe(n);
    expect(s.sample).toHaveLength(DEFAULT_MAX_SAMPLES);
    const json = JSON.stringify(s);
    expect(json.length).toBeLessThan(250_000);
    expect(JSON.parse(json)).toEqual(s);
    expect(s.binCounts.reduce((a, b) => a + b, 0)).toBe(n);
    // Edges from the 10,000-value sample: each decile bin holds 10% ± 1.5 points of the data.
    for (const c of s.binCounts) expect(Math.abs(c / n - 0.1)).toBeLessThan(0.015);
    expect(elapsed).toBeLessThan(5000); // a few hundred ms; generous for slow CI machines
  });

  it('names the offending value and refuses NaN and Infinity', () => {
    const values = Array.from({ length: 20 }, (_, i) => i);
    values[12] = Number.NaN;
    expectValidation(
      () => buildNumericSketch(values, { name: 'features.price' }),
      'features.price[12]',
    );
    values[12] = Number.POSITIVE_INFINITY;
    expectValidation(
      () => buildNumericSketch(values, { name: 'features.price' }),
      'features.price[12]',
    );
    expectValidation(
      () => buildNumericSketch(['1'] as unknown as number[], { name: 'features.price' }),
      'features.price[0]',
    );
    expectValidation(() => buildNumericSketch([], { name: 'features.price' }), 'features.price');
    expectValidation(() => buildNumericSketch([1], { maxSamples: 0 }), 'maxSamples');
    expectValidation(() => buildNumericSketch([1], { bins: 1 }), 'bins');
    expectValidation(
      () => buildNumericSketch([1], { random: 3 as unknown as () => number }),
      'random',
    );
  });

  it('handles a constant feature', () => {
    const s = buildNumericSketch(new Float64Array(20_000).fill(2.5));
    expect(s).toMatchObject({ mean: 2.5, sd: 0, min: 2.5, max: 2.5, edges: [2.5] });
    expect(s.binCounts).toEqual([20_000, 0]);
  });
});

describe('buildCategoricalSketch', () => {
  it('counts categories, most frequent first, ties by name', () => {
    const s = buildCategoricalSketch(['sell', 'buy', 'hold', 'buy', 'sell', 'close']);
    expect(s).toEqual({
      kind: 'categorical',
      count: 6,
      counts: { buy: 2, sell: 2, close: 1, hold: 1 },
    });
    expect(Object.keys(s.counts)).toEqual(['buy', 'sell', 'close', 'hold']);
  });

  it('folds the categories beyond maxCategories into __other__, independent of input order', () => {
    const values = ['a', 'a', 'a', 'b', 'b', 'c', 'd', 'e', 'e'];
    const s = buildCategoricalSketch(values, { maxCategories: 2 });
    expect(s.counts).toEqual({ a: 3, b: 2, [OTHER_CATEGORY]: 4 });
    // e (2) ties with b (2): b wins by name. Reversing the input changes nothing.
    expect(buildCategoricalSketch([...values].reverse(), { maxCategories: 2 })).toEqual(s);
    expect(Object.values(s.counts).reduce((x, y) => x + y, 0)).toBe(values.length);
  });

  it('merges a real __other__ category with the overflow bucket', () => {
    const s = buildCategoricalSketch(['x', 'x', '__other__', 'y', 'z'], { maxCategories: 2 });
    expect(s.counts).toEqual({ x: 2, [OTHER_CATEGORY]: 3 });
  });

  it('stays bounded for 5,000,000 rows with 100,000 distinct categories', () => {
    const n = 5_000_000;
    const names = Array.from({ length: 100_000 }, (_, i) => `c${i}`);
    const values = new Array<string>(n);
    const { uint32 } = createRandom(8);
    for (let i = 0; i < n; i++) values[i] = names[uint32() % (1 + (i % 100_000))] as string;
    const s = buildCategoricalSketch(values);
    expect(Object.keys(s.counts)).toHaveLength(1001);
    expect(Object.values(s.counts).reduce((x, y) => x + y, 0)).toBe(n);
    expect(JSON.stringify(s).length).toBeLessThan(30_000);
  });

  it('keeps a category named __proto__ as data', () => {
    const s = buildCategoricalSketch(['__proto__', '__proto__', 'constructor']);
    expect(Object.getPrototypeOf(s.counts)).toBe(Object.prototype);
    expect(Object.hasOwn(s.counts, '__proto__')).toBe(true);
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });

  it('names the offending value', () => {
    expectValidation(
      () =>
        buildCategoricalSketch(['a', 'b', 'c', 3] as unknown as string[], {
          name: 'features.side',
        }),
      'features.side[3]',
    );
    expectValidation(() => buildCategoricalSketch([], { name: 'features.side' }), 'features.side');
    expectValidation(() => buildCategoricalSketch(['a'], { maxCategories: 0 }), 'maxCategories');
  });
});

describe('buildSketch', () => {
  it('picks the kind from the values', () => {
    expect(buildSketch([0.1, 0.2]).kind).toBe('numeric');
    expect(buildSketch(new Float32Array([1, 2])).kind).toBe('numeric');
    expect(buildSketch(['a', 'b']).kind).toBe('categorical');
    expectValidation(
      () => buildSketch(['a', 1] as string[], { name: 'features.f' }),
      'features.f[1]',
    );
    expectValidation(
      () => buildSketch([1, 'a'] as number[], { name: 'features.f' }),
      'features.f[1]',
    );
    expectValidation(
      () => buildSketch(null as unknown as number[], { name: 'features.f' }),
      'features.f',
    );
  });
});
