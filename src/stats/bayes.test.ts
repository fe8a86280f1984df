import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Arm, loadFixture, num } from '../../test/support/distribution-fixtures.js';
import { ErrorTracker, relativeError, validationField } from '../../test/support/numeric.js';
import { chanceToBeatControl } from './bayes.js';

/**
 * Agreement with the reference: 1e-9 relative. The reference is the exact rational value of
 * Evan Miller's sum for small counts, and scipy's `quad` of betaT.sf(x) · betaC.pdf(x) (itself
 * checked against a 40-digit evaluation of the sum) for large ones.
 */
const TOLERANCE = 1e-9;
/** Past a million terms the normal approximation is used: absolute error allowed there. */
const APPROXIMATION_TOLERANCE = 1e-6;

const fixture = loadFixture();

describe('chanceToBeatControl against exact values and scipy', () => {
  it('is exact for small and large counts', () => {
    const tracker = new ErrorTracker(TOLERANCE);
    const exactCases = fixture.chanceToBeatControl.filter((c) => !c.approximate);
    for (const c of exactCases) {
      const label = `${c.source} ${JSON.stringify(c.control)} vs ${JSON.stringify(c.treatment)}`;
      tracker.check(label, chanceToBeatControl(c.control, c.treatment), num(c.expected));
    }
    expect(tracker.mismatches).toEqual([]);
    expect(exactCases.some((c) => c.source === 'quad')).toBe(true);
  });

  it('falls back to the normal approximation for millions of conversions', () => {
    const approximate = fixture.chanceToBeatControl.filter((c) => c.approximate);
    expect(approximate.length).toBeGreaterThan(0);
    for (const c of approximate) {
      const value = chanceToBeatControl(c.control, c.treatment);
      expect(Math.abs(value - num(c.expected))).toBeLessThan(APPROXIMATION_TOLERANCE);
    }
  });
});

describe('chanceToBeatControl', () => {
  it('is ½ for identical arms and for no data', () => {
    const arm = { successes: 37, trials: 410 };
    expect(chanceToBeatControl(arm, arm)).toBeCloseTo(0.5, 12);
    expect(chanceToBeatControl({ successes: 0, trials: 0 }, { successes: 0, trials: 0 })).toBe(0.5);
  });

  it('matches closed forms for one trial each', () => {
    // Beta(2, 1) vs Beta(1, 2): P(X > Y) = 5/6 for X ~ Beta(2, 1), Y ~ Beta(1, 2).
    const one = { successes: 1, trials: 1 };
    const none = { successes: 0, trials: 1 };
    expect(chanceToBeatControl(none, one)).toBeCloseTo(5 / 6, 15);
    expect(chanceToBeatControl(one, none)).toBeCloseTo(1 / 6, 15);
  });

  it('keeps relative accuracy when the answer is tiny', () => {
    const control = { successes: 700, trials: 1000 };
    const treatment = { successes: 300, trials: 1000 };
    // Miller's sum at 30 digits (mpmath): 8.97269818667157423e-74.
    const value = chanceToBeatControl(control, treatment);
    expect(relativeError(value, 8.972698186671574e-74)).toBeLessThan(1e-12);
    expect(chanceToBeatControl(treatment, control)).toBe(1);
  });

  const arm = fc
    .tuple(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 0, max: 3000 }))
    .map(([a, b]): Arm => ({ successes: Math.min(a, b), trials: Math.max(a, b) }));

  it('chanceToBeatControl(a, b) + chanceToBeatControl(b, a) = 1', () => {
    fc.assert(
      fc.property(arm, arm, (a, b) => {
        const sum = chanceToBeatControl(a, b) + chanceToBeatControl(b, a);
        expect(Math.abs(sum - 1)).toBeLessThanOrEqual(1e-12);
      }),
    );
  });

  it('grows with the treatment successes (up to rounding, 1e-12)', () => {
    fc.assert(
      fc.property(arm, arm, (control, treatment) => {
        fc.pre(treatment.successes < treatment.trials);
        const better = { ...treatment, successes: treatment.successes + 1 };
        expect(chanceToBeatControl(control, better)).toBeGreaterThanOrEqual(
          chanceToBeatControl(control, treatment) - 1e-12,
        );
      }),
    );
  });
});

describe('chanceToBeatControl arguments', () => {
  const ok = { successes: 1, trials: 2 };

  it.each([
    [{ successes: -1, trials: 2 }, 'successes'],
    [{ successes: 1.5, trials: 2 }, 'successes'],
    [{ successes: Number.NaN, trials: 2 }, 'successes'],
    [{ successes: 3, trials: 2 }, 'successes'],
    [{ successes: 1, trials: -2 }, 'trials'],
    [{ successes: 1, trials: 2.5 }, 'trials'],
    [{ successes: 1, trials: Number.POSITIVE_INFINITY }, 'trials'],
  ])('refuses %j, naming the field', (bad, field) => {
    expect(validationField(() => chanceToBeatControl(bad, ok))).toBe(`control.${field}`);
    expect(validationField(() => chanceToBeatControl(ok, bad))).toBe(`treatment.${field}`);
  });

  it('refuses a missing arm', () => {
    const missing = null as unknown as Arm;
    expect(validationField(() => chanceToBeatControl(missing, ok))).toBe('control');
    expect(validationField(() => chanceToBeatControl(ok, missing))).toBe('treatment');
  });
});
