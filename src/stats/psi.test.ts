import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { comparisonFixtures } from '../../test/support/comparison-fixtures.js';
import { relativeError } from '../../test/support/numeric.js';
import { ValidationError } from '../errors.js';
import { PSI_EPSILON, psi } from './psi.js';

/**
 * The Python reference implements the same documented rules with NumPy: cut points and counts
 * must be identical; PSI and contributions differ at most by V8's vs glibc's `log` (an ulp);
 * observed: PSI identical, contributions within 2e-16.
 */
const PSI_RTOL = 1e-12;

const fixtures = comparisonFixtures();

describe('psi matches the NumPy reference of its documented rules', () => {
  it.each(fixtures.psi.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const r = psi(c.reference, c.current, { bins: c.bins });
    expect(r.bins.slice(1).map((b) => b.lower)).toEqual(c.cuts);
    expect(r.bins.slice(0, -1).map((b) => b.upper)).toEqual(c.cuts);
    expect(r.bins.map((b) => b.referenceCount)).toEqual(c.referenceCounts);
    expect(r.bins.map((b) => b.currentCount)).toEqual(c.currentCounts);
    expect(relativeError(r.psi, c.psi)).toBeLessThanOrEqual(PSI_RTOL);
    r.bins.forEach((b, i) => {
      expect(relativeError(b.contribution, c.contributions[i] as number)).toBeLessThanOrEqual(
        PSI_RTOL,
      );
    });
  });
});

describe('psi rules', () => {
  it('bins at reference deciles, closed on the right, with infinite outer bins', () => {
    const reference = Array.from({ length: 11 }, (_, i) => i); // deciles at 1, 2, ..., 9
    const r = psi(reference, [-100, 0.5, 1, 9, 9.5, 100]);
    expect(r.bins).toHaveLength(10);
    expect(r.bins[0]).toMatchObject({ lower: Number.NEGATIVE_INFINITY, upper: 1 });
    expect(r.bins[9]).toMatchObject({ lower: 9, upper: Number.POSITIVE_INFINITY });
    // -100, 0.5 and 1 fall in (-inf, 1]; 9 in (8, 9]; 9.5 and 100 in (9, inf).
    expect(r.bins.map((b) => b.currentCount)).toEqual([3, 0, 0, 0, 0, 0, 0, 0, 1, 2]);
    expect(r.bins.map((b) => b.referenceCount)).toEqual([2, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
  });

  it('collapses tied cut points instead of creating zero-width bins', () => {
    const reference = [0, 0, 0, 0, 0, 0, 0, 1, 2, 3];
    const r = psi(reference, reference, { bins: 10 });
    // Deciles 0 (x6), 0.3, 1.2, 2.1: the six tied zeros give one cut point.
    expect(r.bins.map((b) => b.upper)).toEqual([
      0,
      0.2999999999999998,
      1.2000000000000002,
      2.0999999999999996,
      Number.POSITIVE_INFINITY,
    ]);
    expect(r.bins.map((b) => b.referenceCount)).toEqual([7, 0, 1, 1, 1]);
    expect(r.psi).toBe(0);
  });

  it('gives the documented example', () => {
    const reference = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const report = psi(reference, [6, 7, 8, 9, 10, 11, 12, 13, 14, 15], { bins: 5 });
    expect(report.psi).toBe(3.734537005628603);
    expect(report.bins.map((b) => b.upper)).toEqual([2.8, 4.6, 6.3999999999999995, 8.2, Infinity]);
  });

  it('floors empty shares at PSI_EPSILON = 1e-4', () => {
    expect(PSI_EPSILON).toBe(1e-4);
    const r = psi([1, 2, 3, 4], [10, 10, 10, 10], { bins: 2 });
    // Bins (-inf, 2.5] and (2.5, inf): shares 1/2, 1/2 against 0, 1.
    const first = (1e-4 - 0.5) * Math.log(1e-4 / 0.5);
    const second = (1 - 0.5) * Math.log(1 / 0.5);
    expect(r.bins.map((b) => b.currentShare)).toEqual([0, 1]);
    expect(r.bins[0]?.contribution).toBe(first);
    expect(r.bins[1]?.contribution).toBe(second);
    expect(r.psi).toBe(first + second);
  });

  it('uses two bins for a constant reference, and gives 0 when the current matches it', () => {
    const r = psi([2, 2, 2], [2]);
    expect(r.bins).toHaveLength(2);
    expect(r.psi).toBe(0);
  });
});

describe('psi properties', () => {
  const value = fc.oneof(
    fc.integer({ min: -4, max: 4 }),
    fc.double({ min: -1e6, max: 1e6, noNaN: true }),
  );
  const sample = fc.array(value, { minLength: 1, maxLength: 60 });
  const bins = fc.integer({ min: 2, max: 20 });

  it('is >= 0, a sum of >= 0 contributions over at most `bins` bins that hold every value', () => {
    fc.assert(
      fc.property(sample, sample, bins, (reference, current, k) => {
        const r = psi(reference, current, { bins: k });
        expect(r.psi).toBeGreaterThanOrEqual(0);
        expect(r.bins.length).toBeLessThanOrEqual(k);
        expect(r.bins.every((b) => b.contribution >= 0 && b.lower < b.upper)).toBe(true);
        expect(r.bins.reduce((s, b) => s + b.referenceCount, 0)).toBe(reference.length);
        expect(r.bins.reduce((s, b) => s + b.currentCount, 0)).toBe(current.length);
      }),
    );
  });

  it('is 0 when current equals reference, in any order', () => {
    fc.assert(
      fc.property(
        sample.chain((xs) =>
          fc.tuple(
            fc.constant(xs),
            fc.shuffledSubarray(xs, { minLength: xs.length, maxLength: xs.length }),
          ),
        ),
        bins,
        ([reference, current], k) => {
          expect(psi(reference, current, { bins: k }).psi).toBe(0);
        },
      ),
    );
  });

  it('does not depend on the order of either sample', () => {
    fc.assert(
      fc.property(sample, sample, bins, (reference, current, k) => {
        const r = psi(reference, current, { bins: k });
        const reversed = psi([...reference].reverse(), [...current].reverse(), { bins: k });
        expect(reversed).toEqual(r);
      }),
    );
  });
});

describe('psi input checks', () => {
  function fieldOf(fn: () => unknown): string | undefined {
    try {
      fn();
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationError);
      return (err as ValidationError).field;
    }
    return undefined;
  }

  it.each([
    ['empty reference', () => psi([], [1]), 'reference'],
    ['empty current', () => psi([1], []), 'current'],
    ['NaN in reference', () => psi([1, Number.NaN], [1]), 'reference[1]'],
    ['Infinity in current', () => psi([1], [0, Number.NEGATIVE_INFINITY]), 'current[1]'],
    ['bins 1', () => psi([1, 2], [1], { bins: 1 }), 'bins'],
    ['bins 0', () => psi([1, 2], [1], { bins: 0 }), 'bins'],
    ['bins 2.5', () => psi([1, 2], [1], { bins: 2.5 }), 'bins'],
    ['bins NaN', () => psi([1, 2], [1], { bins: Number.NaN }), 'bins'],
    ['bins Infinity', () => psi([1, 2], [1], { bins: Number.POSITIVE_INFINITY }), 'bins'],
  ] as const)('refuses %s', (_name, fn, field) => {
    expect(fieldOf(fn)).toBe(field);
  });
});
