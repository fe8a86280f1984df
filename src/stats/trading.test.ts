import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { relativeError, validationField } from '../../test/support/numeric.js';
import { ValidationError } from '../errors.js';
import { drawdownDetails, maxDrawdown, sharpeRatio } from './trading.js';

interface SharpeCase {
  readonly name: string;
  readonly returns: number[];
  readonly periodsPerYear: number;
  readonly riskFree: number;
  /** Exact rational arithmetic on the float64 excess returns, correctly rounded. */
  readonly expected: number;
  /** numpy's `e.mean() / e.std(ddof=1) * sqrt(ppy)`. */
  readonly numpy: number;
}

interface DrawdownCase {
  readonly name: string;
  readonly equity: number[];
  readonly maxDrawdown: number;
  readonly peakIndex: number;
  readonly troughIndex: number;
  readonly recoveryIndex: number | null;
}

const fixture = JSON.parse(
  readFileSync(new URL('../../test/fixtures/stats/misc.json', import.meta.url), 'utf8'),
) as { sharpe: SharpeCase[]; drawdown: DrawdownCase[] };

/** Agreement with the exact Sharpe ratio and with numpy's drawdown, relative. */
const RELATIVE = 1e-12;
/**
 * numpy's own rounding error (pairwise sums, two-pass variance without compensation) is larger
 * on the cancellation-prone cases; agreement with numpy is checked to this looser bound.
 */
const RELATIVE_NUMPY = 1e-9;

describe('sharpeRatio', () => {
  it.each(fixture.sharpe.map((c) => [c.name, c] as const))('matches the reference: %s', (_, c) => {
    const options = { periodsPerYear: c.periodsPerYear, riskFree: c.riskFree };
    const actual = sharpeRatio(c.returns, options);
    expect(relativeError(actual, c.expected), `${actual} vs ${c.expected}`).toBeLessThanOrEqual(
      RELATIVE,
    );
    expect(relativeError(actual, c.numpy)).toBeLessThanOrEqual(RELATIVE_NUMPY);
  });

  it('defaults to 252 periods a year and no risk-free rate', () => {
    const returns = [0.01, -0.005, 0.007, 0.002];
    const perPeriod = sharpeRatio(returns, { periodsPerYear: 1 });
    expect(sharpeRatio(returns)).toBeCloseTo(perPeriod * Math.sqrt(252), 12);
    expect(sharpeRatio(returns, {})).toBe(sharpeRatio(returns));
    expect(sharpeRatio(new Float64Array(returns))).toBe(sharpeRatio(returns));
  });

  it('subtracts the per-period risk-free rate from every return', () => {
    const returns = [0.012, 0.004, -0.003, 0.009];
    const rf = 0.0002;
    const shifted = returns.map((r) => r - rf);
    expect(sharpeRatio(returns, { riskFree: rf })).toBe(sharpeRatio(shifted));
  });

  it('is unchanged when the returns are scaled by c > 0 (riskFree 0)', () => {
    // Returns in whole basis points, so rounding r · c cannot wipe out the spread.
    const returns = fc.array(
      fc.integer({ min: -5000, max: 5000 }).map((bp) => bp / 1e4),
      { minLength: 2, maxLength: 50 },
    );
    const scale = fc.double({ min: 1e-3, max: 1e3, noNaN: true });
    fc.assert(
      fc.property(returns, scale, (rs, c) => {
        fc.pre(new Set(rs).size > 1);
        const base = sharpeRatio(rs);
        const scaled = sharpeRatio(rs.map((r) => r * c));
        return Math.abs(scaled - base) <= 1e-12 * Math.max(1, Math.abs(base));
      }),
    );
  });

  it('is exactly unchanged when scaled by a power of two', () => {
    const returns = fc.array(
      fc.double({ min: -0.5, max: 0.5, noNaN: true }).filter((r) => Math.abs(r) >= 1e-8),
      { minLength: 2, maxLength: 50 },
    );
    fc.assert(
      fc.property(returns, fc.integer({ min: -20, max: 20 }), (rs, k) => {
        fc.pre(new Set(rs).size > 1);
        return sharpeRatio(rs.map((r) => r * 2 ** k)) === sharpeRatio(rs);
      }),
    );
  });

  it('flips sign when the returns do', () => {
    const returns = [0.01, -0.02, 0.03, 0.005];
    expect(sharpeRatio(returns.map((r) => -r))).toBe(-sharpeRatio(returns));
  });

  it.each([
    [[], {}, 'returns'],
    [[0.01], {}, 'returns'],
    [[0.01, Number.NaN], {}, 'returns[1]'],
    [[Number.POSITIVE_INFINITY, 0.01], {}, 'returns[0]'],
    [[0.01, 0.01, 0.01], {}, 'returns'],
    [[0.02, 0.02], { riskFree: 0.01 }, 'returns'],
    [[0.01, 0.02], { periodsPerYear: 0 }, 'options.periodsPerYear'],
    [[0.01, 0.02], { periodsPerYear: -12 }, 'options.periodsPerYear'],
    [[0.01, 0.02], { periodsPerYear: Number.POSITIVE_INFINITY }, 'options.periodsPerYear'],
    [[0.01, 0.02], { riskFree: Number.NaN }, 'options.riskFree'],
  ])('refuses %j with %j naming %s', (returns, options, field) => {
    expect(() => sharpeRatio(returns, options)).toThrow(ValidationError);
    expect(validationField(() => sharpeRatio(returns, options))).toBe(field);
  });

  it('never returns Infinity or NaN for a constant series', () => {
    expect(() => sharpeRatio(new Array(100).fill(0.001))).toThrow(/standard deviation 0/);
  });
});

describe('maxDrawdown and drawdownDetails', () => {
  it.each(fixture.drawdown.map((c) => [c.name, c] as const))('matches numpy: %s', (_, c) => {
    const details = drawdownDetails(c.equity);
    expect(relativeError(details.maxDrawdown, c.maxDrawdown)).toBeLessThanOrEqual(RELATIVE);
    expect(details.peakIndex).toBe(c.peakIndex);
    expect(details.troughIndex).toBe(c.troughIndex);
    expect(details.recoveryIndex).toBe(c.recoveryIndex);
    expect(maxDrawdown(c.equity)).toBe(details.maxDrawdown);
  });

  it('reports the example in the docs', () => {
    expect(drawdownDetails([100, 120, 90, 130, 117])).toEqual({
      maxDrawdown: 0.25,
      peakIndex: 1,
      troughIndex: 2,
      recoveryIndex: 3,
    });
    expect(drawdownDetails([100, 110, 80, 90]).recoveryIndex).toBeNull();
    expect(drawdownDetails([3])).toEqual({
      maxDrawdown: 0,
      peakIndex: 0,
      troughIndex: 0,
      recoveryIndex: 0,
    });
  });

  const equity = fc.array(fc.double({ min: 1e-6, max: 1e9, noNaN: true }), {
    minLength: 1,
    maxLength: 80,
  });

  it('is in [0, 1] with consistent indices', () => {
    fc.assert(
      fc.property(equity, (xs) => {
        const d = drawdownDetails(xs);
        const peak = xs[d.peakIndex] as number;
        const trough = xs[d.troughIndex] as number;
        expect(d.maxDrawdown).toBeGreaterThanOrEqual(0);
        expect(d.maxDrawdown).toBeLessThanOrEqual(1);
        expect(d.peakIndex).toBeLessThanOrEqual(d.troughIndex);
        expect(d.maxDrawdown).toBe((peak - trough) / peak);
        expect(Math.max(...xs.slice(0, d.troughIndex + 1))).toBe(peak);
        if (d.recoveryIndex !== null) {
          expect(d.recoveryIndex).toBeGreaterThanOrEqual(d.troughIndex);
          expect(xs[d.recoveryIndex]).toBeGreaterThanOrEqual(peak);
        } else {
          expect(xs.slice(d.troughIndex).every((x) => x < peak)).toBe(true);
        }
      }),
    );
  });

  it('is 0 for a non-decreasing series', () => {
    fc.assert(
      fc.property(equity, (xs) => {
        const sorted = [...xs].sort((a, b) => a - b);
        return maxDrawdown(sorted) === 0;
      }),
    );
  });

  it('is unchanged when the equity is scaled by a power of two', () => {
    fc.assert(
      fc.property(equity, fc.integer({ min: -20, max: 20 }), (xs, k) => {
        const c = 2 ** k;
        return maxDrawdown(xs.map((x) => x * c)) === maxDrawdown(xs);
      }),
    );
  });

  it.each([
    [[], 'equity'],
    [[100, 0], 'equity[1]'],
    [[100, -5], 'equity[1]'],
    [[Number.NaN], 'equity[0]'],
    [[100, Number.POSITIVE_INFINITY], 'equity[1]'],
  ])('refuses %j naming %s', (xs, field) => {
    expect(() => maxDrawdown(xs)).toThrow(ValidationError);
    expect(validationField(() => drawdownDetails(xs))).toBe(field);
  });
});
