import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadFixture, num } from '../../test/support/distribution-fixtures.js';
import { ErrorTracker, relativeError, validationField } from '../../test/support/numeric.js';
import {
  betaCdf,
  chiSquareCdf,
  chiSquareSf,
  normalCdf,
  normalQuantile,
  normalSf,
  studentTCdf,
  studentTQuantile,
  studentTSf,
} from './distributions.js';

/**
 * Agreement with scipy (or, where scipy is not exact, a 40-digit mpmath value; see
 * `scipyReplaced` in the fixture): 1e-9 relative. An expected 0 or subnormal is matched by
 * anything within the smallest normal double of it (see `relativeError`).
 */
const TOLERANCE = 1e-9;
/** Rounding slack of the monotonicity properties: formulas switch between branches. */
const MONOTONE_SLACK = 1e-14;

const fixture = loadFixture();

describe('distributions against scipy', () => {
  it('normalCdf and normalSf over [-38, 38], into the subnormals', () => {
    const tracker = new ErrorTracker(TOLERANCE);
    for (const [x, cdf, sf] of fixture.normal.cdf) {
      tracker.check(`normalCdf(${x})`, normalCdf(num(x)), num(cdf));
      tracker.check(`normalSf(${x})`, normalSf(num(x)), num(sf));
    }
    expect(tracker.mismatches).toEqual([]);
  });

  it('normalQuantile from p = 1e-300 to 1 - 1e-16', () => {
    const tracker = new ErrorTracker(TOLERANCE);
    for (const [p, expected] of fixture.normal.ppf) {
      tracker.check(`normalQuantile(${p})`, normalQuantile(num(p)), num(expected));
    }
    expect(tracker.mismatches).toEqual([]);
  });

  it('studentTCdf and studentTSf for df from 0.5 to 1e6, out to |t| = 1e300', () => {
    const tracker = new ErrorTracker(TOLERANCE);
    for (const [t, df, cdf, sf] of fixture.t.cdf) {
      tracker.check(`studentTCdf(${t}, ${df})`, studentTCdf(num(t), num(df)), num(cdf));
      tracker.check(`studentTSf(${t}, ${df})`, studentTSf(num(t), num(df)), num(sf));
    }
    expect(tracker.mismatches).toEqual([]);
  });

  it('studentTQuantile for df from 0.5 to 1e6, p from 1e-300 to 1 - 1e-16', () => {
    const tracker = new ErrorTracker(TOLERANCE);
    for (const [p, df, expected] of fixture.t.ppf) {
      tracker.check(
        `studentTQuantile(${p}, ${df})`,
        studentTQuantile(num(p), num(df)),
        num(expected),
      );
    }
    expect(tracker.mismatches).toEqual([]);
  });

  it('chiSquareCdf and chiSquareSf for df from 0.5 to 1000, sf down to 1e-300', () => {
    const tracker = new ErrorTracker(TOLERANCE);
    for (const [x, df, cdf, sf] of fixture.chi2) {
      tracker.check(`chiSquareCdf(${x}, ${df})`, chiSquareCdf(num(x), num(df)), num(cdf));
      tracker.check(`chiSquareSf(${x}, ${df})`, chiSquareSf(num(x), num(df)), num(sf));
    }
    expect(tracker.mismatches).toEqual([]);
  });

  it('betaCdf for a, b from 0.1 to 1e4', () => {
    const tracker = new ErrorTracker(TOLERANCE);
    for (const [x, a, b, expected] of fixture.beta) {
      tracker.check(`betaCdf(${x}, ${a}, ${b})`, betaCdf(num(x), num(a), num(b)), num(expected));
    }
    expect(tracker.mismatches).toEqual([]);
  });

  it('has the fixture cases scipy gets wrong (for the record)', () => {
    const tables = new Set(fixture.scipyReplaced.map((r) => r.table));
    expect(tables.has('t.ppf')).toBe(true);
    expect(tables.has('normal.cdf')).toBe(true);
  });
});

describe('edge values', () => {
  const { POSITIVE_INFINITY: inf, NEGATIVE_INFINITY: ninf } = Number;

  it('quantiles are infinite at 0 and 1, like scipy', () => {
    expect(normalQuantile(0)).toBe(ninf);
    expect(normalQuantile(1)).toBe(inf);
    expect(studentTQuantile(0, 3)).toBe(ninf);
    expect(studentTQuantile(1, 3)).toBe(inf);
    expect(studentTQuantile(0.5, 3)).toBe(0);
    expect(normalQuantile(0.5)).toBe(0);
  });

  it('a t quantile beyond the largest double is infinite', () => {
    // P(T < t) ≈ 0.39 |t|^-0.5 for df = 0.5, so p = 1e-300 needs |t| ≈ 1e599.
    expect(studentTQuantile(1e-300, 0.5)).toBe(ninf);
    expect(studentTQuantile(1e-100, 0.5)).toBeLessThan(-1e198);
  });

  it('CDFs take their limits at ±Infinity and outside the support', () => {
    expect(normalCdf(ninf)).toBe(0);
    expect(normalCdf(inf)).toBe(1);
    expect(normalSf(inf)).toBe(0);
    expect(studentTCdf(ninf, 2)).toBe(0);
    expect(studentTCdf(inf, 2)).toBe(1);
    expect(studentTSf(inf, 0.5)).toBe(0);
    expect(chiSquareCdf(-1, 3)).toBe(0);
    expect(chiSquareSf(0, 3)).toBe(1);
    expect(chiSquareSf(inf, 3)).toBe(0);
    expect(betaCdf(-0.5, 2, 3)).toBe(0);
    expect(betaCdf(1.5, 2, 3)).toBe(1);
  });

  it('matches the Cauchy closed form at df = 1', () => {
    for (const t of [-1e6, -3, -0.2, 0, 1e-10, 0.7, 40]) {
      // The lower tail as atan(1/|t|)/π: ½ + atan(t)/π would cancel.
      const expected = t < 0 ? Math.atan(-1 / t) / Math.PI : 0.5 + Math.atan(t) / Math.PI;
      expect(relativeError(studentTCdf(t, 1), expected)).toBeLessThan(1e-13);
    }
    expect(relativeError(studentTSf(1e100, 1), 1 / (Math.PI * 1e100))).toBeLessThan(1e-13);
  });
});

describe('distribution properties', () => {
  const df = fc.oneof(
    fc.constantFrom(0.5, 1, 2, 3, 30, 1e6),
    fc.double({ min: 0.1, max: 1e7, noNaN: true }),
  );
  const x = fc.double({ min: -60, max: 60, noNaN: true });
  const wide = fc.oneof(x, fc.double({ min: -1e12, max: 1e12, noNaN: true }));

  it('CDFs are non-decreasing in x (up to rounding)', () => {
    fc.assert(
      fc.property(x, x, df, (x1, x2, nu) => {
        const [lo, hi] = x1 <= x2 ? [x1, x2] : [x2, x1];
        expect(normalCdf(lo)).toBeLessThanOrEqual(normalCdf(hi) * (1 + MONOTONE_SLACK));
        expect(studentTCdf(lo, nu)).toBeLessThanOrEqual(studentTCdf(hi, nu) * (1 + MONOTONE_SLACK));
        const [c1, c2] = [Math.abs(lo) * 20, Math.abs(hi) * 20].sort((a, b) => a - b) as [
          number,
          number,
        ];
        expect(chiSquareCdf(c1, nu)).toBeLessThanOrEqual(
          chiSquareCdf(c2, nu) * (1 + MONOTONE_SLACK),
        );
      }),
    );
  });

  it('betaCdf is non-decreasing in x and betaCdf(x, a, b) = 1 − betaCdf(1 − x, b, a)', () => {
    const unit = fc.double({ min: 0, max: 1, noNaN: true });
    const shape = fc.double({ min: 0.05, max: 1e5, noNaN: true });
    fc.assert(
      fc.property(unit, unit, shape, shape, (x1, x2, a, b) => {
        const [lo, hi] = x1 <= x2 ? [x1, x2] : [x2, x1];
        expect(betaCdf(lo, a, b)).toBeLessThanOrEqual(betaCdf(hi, a, b) * (1 + MONOTONE_SLACK));
        const y = Math.max(x1, 1 - x1); // 1 − y is exact
        expect(Math.abs(betaCdf(y, a, b) + betaCdf(1 - y, b, a) - 1)).toBeLessThanOrEqual(1e-12);
      }),
    );
  });

  it('cdf + sf = 1 within 1e-12', () => {
    fc.assert(
      fc.property(wide, df, (value, nu) => {
        expect(Math.abs(normalCdf(value) + normalSf(value) - 1)).toBeLessThanOrEqual(1e-12);
        expect(Math.abs(studentTCdf(value, nu) + studentTSf(value, nu) - 1)).toBeLessThanOrEqual(
          1e-12,
        );
        const c = Math.abs(value);
        expect(Math.abs(chiSquareCdf(c, nu) + chiSquareSf(c, nu) - 1)).toBeLessThanOrEqual(1e-12);
      }),
    );
  });

  it('normal and t are symmetric: cdf(−x) = sf(x) and cdf(x) + cdf(−x) = 1', () => {
    fc.assert(
      fc.property(wide, df, (value, nu) => {
        expect(normalCdf(-value)).toBe(normalSf(value));
        expect(studentTCdf(-value, nu)).toBe(studentTSf(value, nu));
        expect(Math.abs(normalCdf(value) + normalCdf(-value) - 1)).toBeLessThanOrEqual(1e-15);
        expect(Math.abs(studentTCdf(value, nu) + studentTCdf(-value, nu) - 1)).toBeLessThanOrEqual(
          1e-15,
        );
      }),
    );
  });

  it('quantiles are symmetric: quantile(1 − p) = −quantile(p)', () => {
    // For p in [½, 1) the subtraction 1 − p is exact, so both calls see complementary points.
    fc.assert(
      fc.property(fc.double({ min: 0.5, max: 1, maxExcluded: true, noNaN: true }), df, (p, nu) => {
        expect(relativeError(normalQuantile(1 - p), -normalQuantile(p))).toBeLessThan(1e-14);
        expect(relativeError(studentTQuantile(1 - p, nu), -studentTQuantile(p, nu))).toBeLessThan(
          1e-12,
        );
      }),
    );
  });

  it('normalQuantile inverts normalCdf in the lower tail and normalSf in the upper', () => {
    fc.assert(
      fc.property(fc.double({ min: -37, max: 37, noNaN: true }), (value) => {
        const back =
          value <= 0 ? normalQuantile(normalCdf(value)) : -normalQuantile(normalSf(value));
        expect(Math.abs(back - value)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(value)));
      }),
    );
  });

  it('studentTQuantile inverts studentTCdf in the lower tail and studentTSf in the upper', () => {
    fc.assert(
      fc.property(wide, df, (value, nu) => {
        const p = value <= 0 ? studentTCdf(value, nu) : studentTSf(value, nu);
        fc.pre(p > 1e-300 && value !== 0);
        const back = value <= 0 ? studentTQuantile(p, nu) : -studentTQuantile(p, nu);
        // Near t = 0, p rounds to within 1.1e-16 of ½, which moves t by up to 1e-15 when df = 0.1.
        expect(Math.abs(back - value)).toBeLessThanOrEqual(1e-10 * Math.abs(value) + 1e-14);
      }),
    );
  });
});

describe('distribution arguments', () => {
  const { NaN: nan, POSITIVE_INFINITY: inf } = Number;
  const badDf = [nan, inf, 0, -1];
  const badP = [nan, -0.1, 1.1, inf, -inf];

  it('refuses NaN at the evaluation point', () => {
    expect(validationField(() => normalCdf(nan))).toBe('x');
    expect(validationField(() => normalSf(nan))).toBe('x');
    expect(validationField(() => studentTCdf(nan, 3))).toBe('t');
    expect(validationField(() => studentTSf(nan, 3))).toBe('t');
    expect(validationField(() => chiSquareCdf(nan, 3))).toBe('x');
    expect(validationField(() => chiSquareSf(nan, 3))).toBe('x');
    expect(validationField(() => betaCdf(nan, 1, 2))).toBe('x');
  });

  it.each(badDf)('refuses df = %s', (df) => {
    expect(validationField(() => studentTCdf(1, df))).toBe('df');
    expect(validationField(() => studentTSf(1, df))).toBe('df');
    expect(validationField(() => studentTQuantile(0.3, df))).toBe('df');
    expect(validationField(() => chiSquareCdf(1, df))).toBe('df');
    expect(validationField(() => chiSquareSf(1, df))).toBe('df');
  });

  it.each(badDf)('refuses beta shape %s', (shape) => {
    expect(validationField(() => betaCdf(0.5, shape, 2))).toBe('a');
    expect(validationField(() => betaCdf(0.5, 2, shape))).toBe('b');
  });

  it.each(badP)('refuses probability %s', (p) => {
    expect(validationField(() => normalQuantile(p))).toBe('p');
    expect(validationField(() => studentTQuantile(p, 3))).toBe('p');
  });
});
