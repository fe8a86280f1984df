import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  comparisonFixtures,
  hashUniforms,
  materialise,
} from '../../test/support/comparison-fixtures.js';
import { relativeError } from '../../test/support/numeric.js';
import { ValidationError } from '../errors.js';
import { ksTwoSample } from './ks.js';

/**
 * The statistic is the same arithmetic as SciPy's (differences of count / n, snapped to
 * h / lcm on the exact path), so it agrees to rounding; observed: bit-identical.
 */
const STATISTIC_RTOL = 1e-12;
/**
 * Exact-path p-values: a port of SciPy's lattice-path recursions, same operations in the same
 * order. Tolerance as specified for the exact path; observed: bit-identical.
 */
const P_EXACT_RTOL = 1e-6;
/**
 * Asymptotic p-values: port of SciPy's kstwo.sf (Durbin matrix, Pomeranz, Pelz-Good, Smirnov
 * sum in double-double). They differ from SciPy only where SciPy's libm, BLAS summation order
 * or long-double rescaling differ from V8's; observed worst 5e-14.
 */
const P_ASYMPTOTIC_RTOL = 1e-9;
/**
 * Below this both sides are in or near the subnormal range (SciPy returns e.g. 5e-324 for an
 * underflowed exact p-value), where relative error is meaningless: compare absolutely.
 */
const P_UNDERFLOW = 1e-300;

const fixtures = comparisonFixtures();

describe('ksTwoSample matches scipy.stats.ks_2samp(a, b) (two-sided, auto)', () => {
  it.each(fixtures.ks.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = ksTwoSample(materialise(c.a), materialise(c.b));
    expect(result.method).toBe(c.method);
    expect(relativeError(result.statistic, c.statistic)).toBeLessThanOrEqual(STATISTIC_RTOL);
    if (c.pvalue < P_UNDERFLOW) {
      expect(Math.abs(result.pValue - c.pvalue)).toBeLessThanOrEqual(P_UNDERFLOW);
    } else {
      const rtol = c.method === 'exact' ? P_EXACT_RTOL : P_ASYMPTOTIC_RTOL;
      expect(relativeError(result.pValue, c.pvalue)).toBeLessThanOrEqual(rtol);
    }
  });

  it('gives the documented example', () => {
    const r = ksTwoSample([0.1, 0.4, 0.7], [0.5, 0.9, 1.3, 1.8]);
    expect(r).toEqual({ statistic: 0.75, pValue: 0.22857142857142862, method: 'exact' });
  });

  it('uses the exact p-value up to 10000 values per sample and the asymptotic one above', () => {
    const a = hashUniforms(10000, 1);
    expect(ksTwoSample(a, hashUniforms(10000, 2)).method).toBe('exact');
    expect(ksTwoSample(a, hashUniforms(10001, 2)).method).toBe('asymptotic');
  });
});

describe('ksTwoSample properties', () => {
  // Small integers make ties likely; doubles cover the general case.
  const value = fc.oneof(
    fc.integer({ min: -4, max: 4 }),
    fc.double({ min: -1e6, max: 1e6, noNaN: true }),
  );
  const sample = fc.array(value, { minLength: 1, maxLength: 40 });
  const shuffled = sample.chain((xs) =>
    fc.tuple(
      fc.constant(xs),
      fc.shuffledSubarray(xs, { minLength: xs.length, maxLength: xs.length }),
    ),
  );

  it('is symmetric: ks(a, b) equals ks(b, a)', () => {
    fc.assert(
      fc.property(sample, sample, (a, b) => {
        expect(ksTwoSample(b, a)).toEqual(ksTwoSample(a, b));
      }),
    );
  });

  it('does not depend on the order of the values', () => {
    fc.assert(
      fc.property(shuffled, sample, ([a, aShuffled], b) => {
        expect(ksTwoSample(aShuffled, b)).toEqual(ksTwoSample(a, b));
      }),
    );
  });

  it('gives statistic 0 and p-value 1 for identical samples, in any order', () => {
    fc.assert(
      fc.property(shuffled, ([a, aShuffled]) => {
        const r = ksTwoSample(a, aShuffled);
        expect(r.statistic).toBe(0);
        expect(r.pValue).toBe(1);
      }),
    );
  });

  it('keeps the statistic and the p-value in [0, 1]', () => {
    fc.assert(
      fc.property(sample, sample, (a, b) => {
        const r = ksTwoSample(a, b);
        expect(r.statistic).toBeGreaterThanOrEqual(0);
        expect(r.statistic).toBeLessThanOrEqual(1);
        expect(r.pValue).toBeGreaterThanOrEqual(0);
        expect(r.pValue).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('gives statistic 1 for fully separated samples', () => {
    fc.assert(
      fc.property(sample, fc.integer({ min: 1, max: 30 }), (a, m) => {
        const top = Math.max(...a);
        const b = Array.from({ length: m }, (_, i) => top + 1 + i);
        expect(ksTwoSample(a, b).statistic).toBe(1);
      }),
    );
  });
});

describe('ksTwoSample input checks', () => {
  const cases: [string, ArrayLike<number>, ArrayLike<number>, string][] = [
    ['empty a', [], [1], 'a'],
    ['empty b', [1, 2], new Float64Array(0), 'b'],
    ['NaN in a', [1, Number.NaN], [1], 'a[1]'],
    ['Infinity in b', [1], [0, 2, Number.POSITIVE_INFINITY], 'b[2]'],
    ['-Infinity in a', [Number.NEGATIVE_INFINITY], [1], 'a[0]'],
  ];
  it.each(cases)('refuses %s with a ValidationError naming %s', (_name, a, b, field) => {
    let caught: unknown;
    try {
      ksTwoSample(a, b);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as ValidationError).field).toBe(field);
  });

  it('refuses a non-array', () => {
    expect(() => ksTwoSample(null as unknown as number[], [1])).toThrow(ValidationError);
  });
});

describe('ksTwoSample at scale', () => {
  it('handles 1e6 against 1e6 pseudo-random values', () => {
    const a = new Float64Array(1_000_000);
    const b = new Float64Array(1_000_000);
    let state = 12345;
    const next = () => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state / 4294967296;
    };
    for (let i = 0; i < a.length; i++) a[i] = next();
    for (let i = 0; i < b.length; i++) b[i] = next() * 1.001;
    const r = ksTwoSample(a, b);
    expect(r.method).toBe('asymptotic');
    expect(r.statistic).toBeGreaterThan(0);
    expect(r.statistic).toBeLessThan(0.01);
    expect(r.pValue).toBeGreaterThanOrEqual(0);
    expect(r.pValue).toBeLessThanOrEqual(1);
  });
});
