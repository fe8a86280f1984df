import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadFixture, num } from '../../test/support/distribution-fixtures.js';
import { ErrorTracker, relativeError, validationField } from '../../test/support/numeric.js';
import { srmCheck } from './srm.js';

/**
 * Agreement with scipy's `chisquare(observed, f_exp=weights / sum(weights) * sum(observed))`:
 * 1e-9 relative for the statistic and the p-value. An expected 0 (a perfect split, or a
 * p-value that underflows) is matched by anything within the smallest normal double of it.
 */
const TOLERANCE = 1e-9;

const fixture = loadFixture();

describe('srmCheck against scipy', () => {
  it('matches chisquare for 2 to 5 arms, tiny to large counts, matching and not', () => {
    const tracker = new ErrorTracker(TOLERANCE);
    const flags: string[] = [];
    for (const c of fixture.srm) {
      const label = `srmCheck(${c.observed}, ${c.weights})`;
      const result = srmCheck(c.observed, c.weights);
      tracker.check(`${label}.chi2`, result.chi2, num(c.chi2));
      tracker.check(`${label}.pValue`, result.pValue, num(c.pValue));
      if (result.df !== c.df || result.mismatch !== c.mismatch) flags.push(label);
    }
    expect(tracker.mismatches).toEqual([]);
    expect(flags).toEqual([]);
  });

  it('covers both outcomes', () => {
    expect(fixture.srm.some((c) => c.mismatch)).toBe(true);
    expect(fixture.srm.some((c) => !c.mismatch)).toBe(true);
  });
});

describe('srmCheck', () => {
  it('finds a perfect split perfect', () => {
    expect(srmCheck([5000, 5000], [0.5, 0.5])).toEqual({
      chi2: 0,
      df: 1,
      pValue: 1,
      mismatch: false,
    });
  });

  it('flags a broken split and honours the threshold', () => {
    const counts = [50_500, 49_500];
    const result = srmCheck(counts, [0.5, 0.5]);
    expect(result.chi2).toBeCloseTo(10, 12);
    expect(result.pValue).toBeCloseTo(0.001565402258002549, 15);
    expect(result.mismatch).toBe(false);
    expect(srmCheck(counts, [0.5, 0.5], { threshold: 0.01 }).mismatch).toBe(true);
  });

  it('keeps tiny p-values instead of rounding them to 0', () => {
    // chi2 = 1296 on 1 df: p = erfc(√648) = 8.36524813159456666e-284 (mpmath, 30 digits).
    const { chi2, pValue, mismatch } = srmCheck([518_000, 482_000], [0.5, 0.5]);
    expect(chi2).toBe(1296);
    expect(relativeError(pValue, 8.365248131594566e-284)).toBeLessThan(1e-12);
    expect(mismatch).toBe(true);
  });

  it('does not depend on the order of the arms', () => {
    const arm = fc.tuple(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 1, max: 100 }));
    fc.assert(
      fc.property(fc.array(arm, { minLength: 2, maxLength: 6 }), (arms) => {
        fc.pre(arms.some(([count]) => count > 0));
        const weightSum = arms.reduce((sum, [, w]) => sum + w, 0);
        const run = (order: typeof arms) =>
          srmCheck(
            order.map(([count]) => count),
            order.map(([, w]) => w / weightSum),
          );
        const forward = run(arms);
        const backward = run([...arms].reverse());
        expect(backward.df).toBe(forward.df);
        expect(Math.abs(backward.chi2 - forward.chi2)).toBeLessThanOrEqual(
          1e-9 * forward.chi2 + 1e-9,
        );
        expect(forward.pValue).toBeGreaterThanOrEqual(0);
        expect(forward.pValue).toBeLessThanOrEqual(1);
      }),
    );
  });
});

describe('srmCheck arguments', () => {
  it.each([
    [[100], [1], 'observedCounts'],
    [[], [], 'observedCounts'],
    [[0, 0], [0.5, 0.5], 'observedCounts'],
    [[1.5, 2], [0.5, 0.5], 'observedCounts[0]'],
    [[10, -1], [0.5, 0.5], 'observedCounts[1]'],
    [[10, Number.NaN], [0.5, 0.5], 'observedCounts[1]'],
    [[10, Number.POSITIVE_INFINITY], [0.5, 0.5], 'observedCounts[1]'],
    [[10, 20], [0.5, 0.25, 0.25], 'expectedWeights'],
    [[10, 20, 30], [0.5, 0.5], 'expectedWeights'],
    [[10, 20], [0.6, 0.6], 'expectedWeights'],
    [[10, 20], [0.5, 0.5 + 1e-8], 'expectedWeights'],
    [[10, 20], [1, 0], 'expectedWeights[1]'],
    [[10, 20], [1.5, -0.5], 'expectedWeights[1]'],
    [[10, 20], [Number.NaN, 0.5], 'expectedWeights[0]'],
    [[10, 20], [Number.POSITIVE_INFINITY, 0.5], 'expectedWeights[0]'],
  ])('srmCheck(%j, %j) names %s', (counts, weights, field) => {
    expect(validationField(() => srmCheck(counts, weights))).toBe(field);
  });

  it('accepts weights summing to 1 within 1e-9', () => {
    expect(srmCheck([10, 20], [0.5, 0.5 + 5e-10]).df).toBe(1);
  });

  it.each([Number.NaN, -0.1, 1.5])('refuses threshold %s', (threshold) => {
    expect(validationField(() => srmCheck([10, 20], [0.5, 0.5], { threshold }))).toBe('threshold');
  });

  it('refuses something that is not an array', () => {
    const notArray = 'abc' as unknown as number[];
    expect(validationField(() => srmCheck(notArray, [0.5, 0.5]))).toBe('observedCounts');
    expect(validationField(() => srmCheck([1, 2], notArray))).toBe('expectedWeights');
  });
});
