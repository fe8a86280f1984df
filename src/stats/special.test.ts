import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadFixture, num } from '../../test/support/distribution-fixtures.js';
import { ErrorTracker, validationField } from '../../test/support/numeric.js';
import {
  erf,
  erfc,
  logBeta,
  logGamma,
  regularizedIncompleteBeta,
  regularizedIncompleteBetaComplement,
  regularizedLowerGamma,
  regularizedUpperGamma,
} from './special.js';

/**
 * Agreement with scipy (or, where scipy is not exact, a 40-digit mpmath value; see
 * `scipyReplaced` in the fixture): 1e-9 relative. An expected 0 or subnormal is matched by
 * anything within the smallest normal double of it (see `relativeError`).
 */
const TOLERANCE = 1e-9;

const fixture = loadFixture();

describe('special functions against scipy', () => {
  it('logGamma, including next to its zeros at 1 and 2', () => {
    const tracker = new ErrorTracker(TOLERANCE);
    for (const [x, expected] of fixture.logGamma) {
      tracker.check(`logGamma(${x})`, logGamma(num(x)), num(expected));
    }
    expect(tracker.mismatches).toEqual([]);
  });

  it('logBeta, including one tiny and one huge parameter', () => {
    const tracker = new ErrorTracker(TOLERANCE);
    for (const [a, b, expected] of fixture.logBeta) {
      tracker.check(`logBeta(${a}, ${b})`, logBeta(num(a), num(b)), num(expected));
    }
    expect(tracker.mismatches).toEqual([]);
  });

  it('regularizedIncompleteBeta and its complement, in both tails down to 1e-300', () => {
    const lower = new ErrorTracker(TOLERANCE);
    const upper = new ErrorTracker(TOLERANCE);
    for (const [x, a, b, expected, expectedComplement] of fixture.incBeta) {
      const args = [num(x), num(a), num(b)] as const;
      lower.check(`I(${args})`, regularizedIncompleteBeta(...args), num(expected));
      upper.check(
        `1-I(${args})`,
        regularizedIncompleteBetaComplement(...args),
        num(expectedComplement),
      );
    }
    expect(lower.mismatches).toEqual([]);
    expect(upper.mismatches).toEqual([]);
  });

  it('regularizedLowerGamma and regularizedUpperGamma, in both tails', () => {
    const lower = new ErrorTracker(TOLERANCE);
    const upper = new ErrorTracker(TOLERANCE);
    for (const [a, x, expectedP, expectedQ] of fixture.incGamma) {
      lower.check(`P(${a}, ${x})`, regularizedLowerGamma(num(a), num(x)), num(expectedP));
      upper.check(`Q(${a}, ${x})`, regularizedUpperGamma(num(a), num(x)), num(expectedQ));
    }
    expect(lower.mismatches).toEqual([]);
    expect(upper.mismatches).toEqual([]);
  });

  it('erf and erfc, with erfc accurate until it underflows', () => {
    const tracker = new ErrorTracker(TOLERANCE);
    for (const [x, expectedErf, expectedErfc] of fixture.erf) {
      tracker.check(`erf(${x})`, erf(num(x)), num(expectedErf));
      tracker.check(`erfc(${x})`, erfc(num(x)), num(expectedErfc));
    }
    expect(tracker.mismatches).toEqual([]);
  });
});

describe('special function identities', () => {
  const positive = fc.double({ min: 1e-3, max: 1e4, noNaN: true });
  const unit = fc.double({ min: 0, max: 1, noNaN: true });

  it('logGamma(x + 1) = logGamma(x) + ln x', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-3, max: 1e6, noNaN: true }), (x) => {
        const expected = logGamma(x) + Math.log(x);
        expect(Math.abs(logGamma(x + 1) - expected)).toBeLessThanOrEqual(
          1e-13 * Math.max(1, Math.abs(expected), Math.abs(Math.log(x))),
        );
      }),
    );
  });

  it('I_x(a, b) + (1 − I_x(a, b)) = 1 and I_x(a, b) = 1 − I_{1−x}(b, a)', () => {
    fc.assert(
      fc.property(unit, positive, positive, (x, a, b) => {
        const lower = regularizedIncompleteBeta(x, a, b);
        const upper = regularizedIncompleteBetaComplement(x, a, b);
        expect(Math.abs(lower + upper - 1)).toBeLessThanOrEqual(1e-12);
        if (x >= 0.5) {
          // 1 − x is exact here, so both sides see the same point.
          expect(upper).toBe(regularizedIncompleteBeta(1 - x, b, a));
        }
      }),
    );
  });

  it('I_x(a, b) is non-decreasing in x (up to rounding)', () => {
    fc.assert(
      fc.property(unit, unit, positive, positive, (x1, x2, a, b) => {
        const [lo, hi] = x1 <= x2 ? [x1, x2] : [x2, x1];
        const low = regularizedIncompleteBeta(lo, a, b);
        expect(low).toBeLessThanOrEqual(regularizedIncompleteBeta(hi, a, b) * (1 + 1e-14));
      }),
    );
  });

  it('P(a, x) + Q(a, x) = 1 and P is non-decreasing in x', () => {
    const x = fc.double({ min: 0, max: 1e5, noNaN: true });
    fc.assert(
      fc.property(positive, x, x, (a, x1, x2) => {
        expect(
          Math.abs(regularizedLowerGamma(a, x1) + regularizedUpperGamma(a, x1) - 1),
        ).toBeLessThanOrEqual(1e-12);
        const [lo, hi] = x1 <= x2 ? [x1, x2] : [x2, x1];
        expect(regularizedLowerGamma(a, lo)).toBeLessThanOrEqual(
          regularizedLowerGamma(a, hi) * (1 + 1e-14),
        );
      }),
    );
  });

  it('erf is odd and erfc(x) + erfc(−x) = 2', () => {
    fc.assert(
      fc.property(fc.double({ min: -30, max: 30, noNaN: true }), (x) => {
        expect(erf(-x)).toBe(-erf(x));
        expect(Math.abs(erfc(x) + erfc(-x) - 2)).toBeLessThanOrEqual(4e-16);
      }),
    );
  });

  it('has the closed forms at simple points', () => {
    expect(logGamma(1)).toBe(0);
    expect(logGamma(2)).toBe(0);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 15);
    expect(regularizedIncompleteBeta(0.5, 2, 3)).toBeCloseTo(0.6875, 15);
    expect(regularizedLowerGamma(1, 2)).toBeCloseTo(1 - Math.exp(-2), 15);
    expect(regularizedUpperGamma(1, 700) / Math.exp(-700)).toBeCloseTo(1, 14);
    expect(regularizedIncompleteBeta(0, 2, 3)).toBe(0);
    expect(regularizedIncompleteBeta(1, 2, 3)).toBe(1);
    expect(regularizedLowerGamma(2, 0)).toBe(0);
    expect(regularizedUpperGamma(2, Number.POSITIVE_INFINITY)).toBe(0);
    expect(erfc(Number.POSITIVE_INFINITY)).toBe(0);
    expect(erfc(Number.NEGATIVE_INFINITY)).toBe(2);
    expect(erf(Number.POSITIVE_INFINITY)).toBe(1);
  });
});

describe('special function arguments', () => {
  const { NaN: nan, POSITIVE_INFINITY: inf } = Number;

  it.each([nan, inf, 0, -1, -inf])('logGamma(%s) names x', (x) => {
    expect(validationField(() => logGamma(x))).toBe('x');
  });

  it.each([
    [nan, 1, 'a'],
    [0, 1, 'a'],
    [1, -2, 'b'],
    [1, inf, 'b'],
  ])('logBeta(%s, %s) names %s', (a, b, field) => {
    expect(validationField(() => logBeta(a, b))).toBe(field);
  });

  it.each([
    [nan, 1, 1, 'x'],
    [-0.1, 1, 1, 'x'],
    [1.5, 1, 1, 'x'],
    [inf, 1, 1, 'x'],
    [0.5, 0, 1, 'a'],
    [0.5, nan, 1, 'a'],
    [0.5, 1, -1, 'b'],
    [0.5, 1, inf, 'b'],
  ])('regularizedIncompleteBeta(%s, %s, %s) and its complement name %s', (x, a, b, field) => {
    expect(validationField(() => regularizedIncompleteBeta(x, a, b))).toBe(field);
    expect(validationField(() => regularizedIncompleteBetaComplement(x, a, b))).toBe(field);
  });

  it.each([
    [0, 1, 'a'],
    [nan, 1, 'a'],
    [inf, 1, 'a'],
    [1, -1, 'x'],
    [1, nan, 'x'],
  ])('regularized gamma functions (%s, %s) name %s', (a, x, field) => {
    expect(validationField(() => regularizedLowerGamma(a, x))).toBe(field);
    expect(validationField(() => regularizedUpperGamma(a, x))).toBe(field);
  });

  it('erf and erfc refuse NaN', () => {
    expect(validationField(() => erf(nan))).toBe('x');
    expect(validationField(() => erfc(nan))).toBe('x');
  });
});
