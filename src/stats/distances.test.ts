import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { comparisonFixtures, materialise } from '../../test/support/comparison-fixtures.js';
import { relativeError } from '../../test/support/numeric.js';
import { ValidationError } from '../errors.js';
import { jensenShannonDistance, wassersteinDistance } from './distances.js';

/**
 * Wasserstein: the same terms as SciPy's, summed with Neumaier compensation where SciPy uses a
 * BLAS dot product, so only the summation rounding differs; observed worst 2e-16.
 */
const WASSERSTEIN_RTOL = 1e-12;
/**
 * Jensen-Shannon: NumPy's pairwise sums are replicated, only `log` (V8 vs glibc, within an ulp)
 * differs. Nearly identical inputs cancel heavily (the divergence is a difference of nearly
 * equal sums), which magnifies that ulp; observed worst 1e-10 on the 'near identical' case,
 * about 1e-16 elsewhere.
 */
const JENSEN_SHANNON_RTOL = 1e-9;

const fixtures = comparisonFixtures();

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as ValidationError).field;
  }
  return undefined;
}

describe('wassersteinDistance matches scipy.stats.wasserstein_distance(u, v)', () => {
  it.each(fixtures.wasserstein.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const d = wassersteinDistance(materialise(c.u), materialise(c.v));
    expect(relativeError(d, c.distance)).toBeLessThanOrEqual(WASSERSTEIN_RTOL);
  });

  it('gives the documented examples', () => {
    expect(wassersteinDistance([0, 1, 3], [5, 6, 8])).toBe(5);
    expect(wassersteinDistance([3.4, 3.9, 7.5, 7.8], [4.5, 1.4])).toBeCloseTo(2.7, 14);
  });
});

describe('jensenShannonDistance matches scipy.spatial.distance.jensenshannon(p, q)', () => {
  it.each(fixtures.jensenshannon.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const d = jensenShannonDistance(c.p, c.q);
    expect(relativeError(d, c.distance)).toBeLessThanOrEqual(JENSEN_SHANNON_RTOL);
  });

  it('gives the documented examples', () => {
    expect(jensenShannonDistance([1, 0], [0, 1])).toBe(Math.sqrt(Math.LN2));
    expect(jensenShannonDistance([10, 20, 70], [0.1, 0.2, 0.7])).toBe(0);
  });
});

describe('distance properties', () => {
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
  const weight = fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1e3, noNaN: true }));
  const distributions = fc
    .integer({ min: 1, max: 40 })
    .chain((k) =>
      fc.tuple(
        fc.array(weight, { minLength: k, maxLength: k }),
        fc.array(weight, { minLength: k, maxLength: k }),
      ),
    )
    .filter(([p, q]) => p.some((v) => v > 0) && q.some((v) => v > 0));

  it('Wasserstein is symmetric, order-free, zero on identical samples and >= 0', () => {
    fc.assert(
      fc.property(shuffled, sample, ([a, aShuffled], b) => {
        const d = wassersteinDistance(a, b);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(wassersteinDistance(b, a)).toBe(d);
        expect(wassersteinDistance(aShuffled, b)).toBe(d);
        expect(wassersteinDistance(a, aShuffled)).toBe(0);
      }),
    );
  });

  it('Wasserstein of a sample and its shift by t is |t|', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: -50, max: 50 }),
        (a, t) => {
          const d = wassersteinDistance(
            a,
            a.map((x) => x + t),
          );
          expect(d).toBeCloseTo(Math.abs(t), 9);
        },
      ),
    );
  });

  it('Jensen-Shannon is symmetric, in [0, sqrt(ln 2)] and zero for identical inputs', () => {
    fc.assert(
      fc.property(distributions, ([p, q]) => {
        const d = jensenShannonDistance(p, q);
        expect(jensenShannonDistance(q, p)).toBe(d);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThanOrEqual(Math.sqrt(Math.LN2) * (1 + 1e-12));
        expect(jensenShannonDistance(p, p)).toBe(0);
      }),
    );
  });

  it('Jensen-Shannon does not depend on the order of the categories', () => {
    fc.assert(
      fc.property(
        distributions.chain(([p, q]) =>
          fc.tuple(
            fc.constant(p),
            fc.constant(q),
            fc.shuffledSubarray(
              p.map((_, i) => i),
              { minLength: p.length, maxLength: p.length },
            ),
          ),
        ),
        ([p, q, order]) => {
          const d = jensenShannonDistance(p, q);
          const e = jensenShannonDistance(
            order.map((i) => p[i] as number),
            order.map((i) => q[i] as number),
          );
          // Reordering changes only the rounding of the sums (which cancel when p ~ q).
          expect(Math.abs(e - d)).toBeLessThanOrEqual(1e-12 * d + 1e-7);
        },
      ),
    );
  });
});

describe('distance input checks', () => {
  it.each([
    ['empty a', () => wassersteinDistance([], [1]), 'a'],
    ['empty b', () => wassersteinDistance([1], []), 'b'],
    ['NaN', () => wassersteinDistance([1, Number.NaN], [1]), 'a[1]'],
    ['Infinity', () => wassersteinDistance([1], [Number.POSITIVE_INFINITY]), 'b[0]'],
  ] as const)('wassersteinDistance refuses %s', (_name, fn, field) => {
    expect(fieldOf(fn)).toBe(field);
  });

  it.each([
    ['empty p', () => jensenShannonDistance([], []), 'p'],
    ['negative probability', () => jensenShannonDistance([0.5, -0.1, 0.6], [1, 1, 1]), 'p[1]'],
    ['negative in q', () => jensenShannonDistance([1, 1], [1, -2]), 'q[1]'],
    ['NaN', () => jensenShannonDistance([1, 1], [Number.NaN, 1]), 'q[0]'],
    ['Infinity', () => jensenShannonDistance([Number.POSITIVE_INFINITY, 1], [1, 1]), 'p[0]'],
    ['length mismatch', () => jensenShannonDistance([0.5, 0.5], [0.2, 0.3, 0.5]), 'q'],
    ['all zero p', () => jensenShannonDistance([0, 0], [1, 0]), 'p'],
    ['all zero q', () => jensenShannonDistance([0, 1], [0, 0]), 'q'],
    ['overflowing sum', () => jensenShannonDistance([1e308, 1e308], [1, 1]), 'p'],
  ] as const)('jensenShannonDistance refuses %s', (_name, fn, field) => {
    expect(fieldOf(fn)).toBe(field);
  });
});
