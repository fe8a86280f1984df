import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { relativeError, validationField } from '../../test/support/numeric.js';
import { sharpeRatio } from '../stats/trading.js';
import { type TradingFigures, type TradingSeries, tradingFigures } from './trading.js';

interface FigureCase {
  readonly name: string;
  readonly series: { returns?: number[]; equity?: number[]; tradePnl?: number[] };
  readonly options: { periodsPerYear?: number; riskFree?: number };
  /** Exact (rational) total return and Sharpe ratio; numpy drawdown and counts. */
  readonly expected: TradingFigures;
  /** numpy's direct formulas for the total return and the Sharpe ratio. */
  readonly numpy: { totalReturn: number | null; sharpe: number | null };
}

const fixture = JSON.parse(
  readFileSync(new URL('../../test/fixtures/stats/trading-figures.json', import.meta.url), 'utf8'),
) as { cases: FigureCase[] };

/** Agreement with the reference figures, relative. */
const RELATIVE = 1e-12;
/**
 * numpy's `np.prod(1 + r) − 1` and `e[-1] / e[0] − 1` cancel digits when the total return is
 * small (about 1e-8 relative on the "tiny total" case); agreement with numpy is this loose.
 */
const RELATIVE_NUMPY = 1e-6;

const FIGURES = ['totalReturn', 'sharpe', 'maxDrawdown', 'winRate', 'trades', 'periods'] as const;

describe('tradingFigures', () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))('matches the reference: %s', (_, c) => {
    const actual = tradingFigures(c.series, c.options);
    expect(actual).not.toBeNull();
    const figures = actual as TradingFigures;
    for (const key of FIGURES) {
      const expected = c.expected[key];
      const value = figures[key];
      if (expected === null) {
        expect(value, key).toBeNull();
        continue;
      }
      expect(value, key).not.toBeNull();
      const error = relativeError(value as number, expected);
      expect(error, `${key}: ${value} vs ${expected}`).toBeLessThanOrEqual(RELATIVE);
    }
    for (const key of ['totalReturn', 'sharpe'] as const) {
      const expected = c.numpy[key];
      if (expected === null) continue;
      expect(relativeError(figures[key] as number, expected), key).toBeLessThanOrEqual(
        RELATIVE_NUMPY,
      );
    }
  });

  it('covers every rule in the fixture', () => {
    const cases = fixture.cases;
    expect(cases.length).toBeGreaterThanOrEqual(25);
    for (const key of FIGURES.slice(0, 5)) {
      expect(
        cases.some((c) => c.expected[key] === null),
        `${key} null`,
      ).toBe(true);
      expect(
        cases.some((c) => c.expected[key] !== null),
        `${key} set`,
      ).toBe(true);
    }
  });

  it('returns null when no series is given or all are empty', () => {
    expect(tradingFigures({})).toBeNull();
    expect(
      tradingFigures({ returns: undefined, equity: undefined, tradePnl: undefined }),
    ).toBeNull();
    expect(tradingFigures({ returns: [], equity: new Float64Array(0), tradePnl: [] })).toBeNull();
  });

  it('treats an empty series as not given', () => {
    const returns = [0.01, -0.02, 0.015];
    expect(tradingFigures({ returns, equity: [], tradePnl: [] })).toEqual(
      tradingFigures({ returns }),
    );
  });

  it('gives the same figures for typed arrays as for arrays', () => {
    const returns = [0.01, -0.02, 0.015, 0, 0.004];
    const equity = [100, 101, 99, 102];
    const tradePnl = [3, -1, 0];
    expect(
      tradingFigures({
        returns: new Float64Array(returns),
        equity: new Float64Array(equity),
        tradePnl: new Float32Array(tradePnl),
      }),
    ).toEqual(tradingFigures({ returns, equity, tradePnl }));
  });

  it('prefers the given returns to those of the equity curve, and equity for the totals', () => {
    const figures = tradingFigures({ returns: [0.1, -0.05, 0.02], equity: [100, 80, 120] });
    expect(figures).toMatchObject({
      totalReturn: 0.2, // from equity, not from the returns
      maxDrawdown: 0.2,
      sharpe: sharpeRatio([0.1, -0.05, 0.02]),
      trades: 3,
      winRate: 2 / 3,
      periods: 3,
    });
  });

  it('annualises with periodsPerYear and subtracts the per-period riskFree rate', () => {
    const returns = [0.01, -0.005, 0.007, 0.002];
    const daily = tradingFigures({ returns })?.sharpe as number;
    expect(daily).toBe(sharpeRatio(returns));
    expect(tradingFigures({ returns }, { periodsPerYear: 12 })?.sharpe).toBe(
      sharpeRatio(returns, { periodsPerYear: 12 }),
    );
    expect(tradingFigures({ returns }, { riskFree: 0.001 })?.sharpe).toBe(
      sharpeRatio(returns, { riskFree: 0.001 }),
    );
    expect(tradingFigures({ returns }, { periodsPerYear: undefined, riskFree: undefined })).toEqual(
      tradingFigures({ returns }),
    );
  });

  it('keeps the digits of a small total return', () => {
    // Π(1 + r) − 1 would round every 1 + r to 16 digits and keep about 7 of the total's.
    const [a, b, c] = [1e-10, 2e-10, 3e-10];
    const exact = a + b + c + (a * b + a * c + b * c) + a * b * c;
    const total = tradingFigures({ returns: [a, b, c] })?.totalReturn as number;
    expect(relativeError(total, exact)).toBeLessThan(1e-14);
    expect(relativeError((1 + a) * (1 + b) * (1 + c) - 1, exact)).toBeGreaterThan(1e-9);
  });

  it('gives null figures for data quirks instead of throwing', () => {
    expect(tradingFigures({ returns: [0.01, 0.01, 0.01] })?.sharpe).toBeNull();
    expect(tradingFigures({ equity: [5, 5, 5] })).toEqual({
      totalReturn: 0,
      sharpe: null,
      maxDrawdown: 0,
      winRate: null,
      trades: 0,
      periods: 2,
    });
    expect(tradingFigures({ equity: [100, 0, 50] })).toEqual({
      totalReturn: -0.5,
      sharpe: null,
      maxDrawdown: null,
      winRate: null,
      trades: null,
      periods: 0,
    });
    expect(tradingFigures({ equity: [-10, 5] })?.totalReturn).toBeNull();
    expect(tradingFigures({ returns: [0.5, -1, 0.2] })).toMatchObject({
      totalReturn: -1,
      maxDrawdown: null,
    });
    // Overflowing figures are null too.
    expect(tradingFigures({ returns: [1e300, 1e300] })).toMatchObject({
      totalReturn: null,
      maxDrawdown: null,
    });
    expect(tradingFigures({ equity: [1e-300, 1e300, 1e-300] })).toMatchObject({ sharpe: null });
  });

  it('never throws on finite data and keeps every figure in range', () => {
    const value = fc.oneof(
      fc.double({ min: -2, max: 2, noNaN: true }),
      fc.constantFrom(0, -1, 1, 1e-300, -1e-300, 1e300),
    );
    const series = fc.option(fc.array(value, { maxLength: 30 }), { nil: undefined });
    fc.assert(
      fc.property(series, series, series, (returns, equity, tradePnl) => {
        const input: TradingSeries = { returns, equity, tradePnl };
        const figures = tradingFigures(input);
        if (figures === null) {
          return [returns, equity, tradePnl].every((s) => s === undefined || s.length === 0);
        }
        const inUnit = (x: number | null) => x === null || (x >= 0 && x <= 1);
        return (
          inUnit(figures.maxDrawdown) &&
          inUnit(figures.winRate) &&
          (figures.sharpe === null || Number.isFinite(figures.sharpe)) &&
          (figures.totalReturn === null || Number.isFinite(figures.totalReturn)) &&
          (figures.trades === null || Number.isSafeInteger(figures.trades)) &&
          Number.isSafeInteger(figures.periods)
        );
      }),
    );
  });

  it('refuses bad options', () => {
    const series = { returns: [0.01, 0.02] };
    for (const periodsPerYear of [0, -12, Number.NaN, Number.POSITIVE_INFINITY, '252']) {
      expect(
        validationField(() => tradingFigures(series, { periodsPerYear } as never)),
        String(periodsPerYear),
      ).toBe('periodsPerYear');
    }
    for (const riskFree of [Number.NaN, Number.NEGATIVE_INFINITY, '0']) {
      expect(validationField(() => tradingFigures(series, { riskFree } as never))).toBe('riskFree');
    }
    expect(validationField(() => tradingFigures(series, null as never))).toBe('options');
    // Bad options are refused even when there is nothing to compute.
    expect(validationField(() => tradingFigures({}, { periodsPerYear: 0 }))).toBe('periodsPerYear');
  });

  it('refuses series that are not finite numbers', () => {
    expect(validationField(() => tradingFigures({ returns: [0.01, Number.NaN] }))).toBe(
      'returns[1]',
    );
    expect(validationField(() => tradingFigures({ equity: [100, Number.POSITIVE_INFINITY] }))).toBe(
      'equity[1]',
    );
    expect(validationField(() => tradingFigures({ tradePnl: 5 as never }))).toBe('tradePnl');
    expect(validationField(() => tradingFigures(null as never))).toBe('series');
  });
});
