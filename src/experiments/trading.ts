/**
 * The trading figures of an experiment summary (`summary(id)`): total return, Sharpe ratio,
 * maximum drawdown, win rate and trade count, from whichever of the return, equity and trade PnL
 * series the run logged. Data quirks (a constant series, an equity curve through zero) give
 * `null` for the figures they make meaningless, never an error.
 *
 * @module
 */
import { ValidationError } from '../errors.js';
import { maxDrawdown, sharpeRatio } from '../stats/trading.js';
import { checkFiniteNumber, checkPositive, checkSample } from '../stats/validate.js';

/**
 * The series {@link tradingFigures} works from, each in time order. A missing or empty series
 * counts as not given.
 */
export interface TradingSeries {
  /** Per-period simple returns (0.01 for +1%). */
  returns?: ArrayLike<number> | undefined;
  /** Equity (account value) at each step. */
  equity?: ArrayLike<number> | undefined;
  /** Profit or loss of each closed trade. */
  tradePnl?: ArrayLike<number> | undefined;
}

/** Options of {@link tradingFigures}, as `sharpeRatio` takes them. */
export interface TradingFigureOptions {
  /** Return periods per year, to annualise the Sharpe ratio: a positive finite number, default 252. */
  periodsPerYear?: number | undefined;
  /** Risk-free rate per period (not annual), subtracted from every return: finite, default 0. */
  riskFree?: number | undefined;
}

/** The trading figures of a run; each is `null` when its series is missing or unsuitable. */
export interface TradingFigures {
  /** Compounded return over the whole run: 0.25 for +25%. */
  totalReturn: number | null;
  /** Annualised Sharpe ratio of the period returns (`sharpeRatio`). */
  sharpe: number | null;
  /** Largest fall from a running peak as a fraction of the peak, in [0, 1] (`maxDrawdown`). */
  maxDrawdown: number | null;
  /** Share of winning trades (or of winning periods), in [0, 1]. */
  winRate: number | null;
  /** Number of trades (or of periods with a nonzero return). */
  trades: number | null;
  /** Number of return periods the Sharpe ratio and the period-based figures used. */
  periods: number;
}

/**
 * Computes the trading figures of a run from its series. Which series a figure comes from depends
 * only on which series are given (non-empty), never on their values:
 *
 * - the **period returns** are `returns` when given, else those of `equity`,
 *   `(e[i] − e[i−1]) / e[i−1]` (none when an equity value before the last is 0 or negative);
 *   `periods` is their number;
 * - `totalReturn`: from `equity` when given, `last / first − 1` (computed as
 *   `(last − first) / first`; `null` when the first value is not positive); else from `returns`,
 *   `Π(1 + r) − 1` (in double-double arithmetic, so a total near 0 keeps its digits);
 * - `sharpe`: `sharpeRatio` of the period returns with the options; `null` with fewer than 2
 *   period returns or when they do not vary;
 * - `maxDrawdown`: `maxDrawdown` of `equity` when given, else of the curve compounded from
 *   `returns` starting at 1 (`[1, 1 + r₀, (1 + r₀)(1 + r₁), …]`); `null` when that curve has a
 *   value that is 0 or negative;
 * - `winRate` and `trades`: from `tradePnl` when given (the share of trades with pnl > 0, and
 *   their number); else from the period returns (the share of nonzero returns that are > 0, and
 *   the number of nonzero returns); `winRate` is `null` with nothing to count, and `trades` is
 *   `null` when there are neither trades nor period returns.
 *
 * Any figure that overflows is `null` too.
 *
 * @returns The figures, or `null` when no series is given (or all are empty).
 * @throws ValidationError when a series is not an array or typed array of finite numbers, or
 *   `periodsPerYear` is not a positive finite number, or `riskFree` is not finite.
 *
 * @example
 * ```ts
 * tradingFigures({ equity: [100, 120, 90, 130], tradePnl: [20, -30, 40] });
 * // { totalReturn: 0.3, sharpe: 5.93…, maxDrawdown: 0.25, winRate: 0.666…, trades: 3, periods: 3 }
 * tradingFigures({ returns: [0.01, 0.01] }); // sharpe: null (constant returns)
 * ```
 */
export function tradingFigures(
  series: TradingSeries,
  options: TradingFigureOptions = {},
): TradingFigures | null {
  if (series === null || typeof series !== 'object') {
    throw new ValidationError('series', 'must be an object', { received: series });
  }
  if (options === null || typeof options !== 'object') {
    throw new ValidationError('options', 'must be an object', { received: options });
  }
  const { periodsPerYear = 252, riskFree = 0 } = options;
  checkPositive(periodsPerYear, 'periodsPerYear');
  checkFiniteNumber(riskFree, 'riskFree');
  const returnsGiven = given(series.returns, 'returns');
  const equity = given(series.equity, 'equity');
  const tradePnl = given(series.tradePnl, 'tradePnl');
  if (returnsGiven === undefined && equity === undefined && tradePnl === undefined) return null;

  const returns = returnsGiven ?? (equity === undefined ? undefined : periodReturnsOf(equity));
  const totalReturn =
    equity !== undefined
      ? equityReturn(equity)
      : returnsGiven !== undefined
        ? compoundedReturn(returnsGiven)
        : null;
  const drawdown =
    equity !== undefined
      ? drawdownOf(equity)
      : returnsGiven !== undefined
        ? drawdownOf(compoundedCurve(returnsGiven))
        : null;

  let winRate: number | null = null;
  let trades: number | null = null;
  if (tradePnl !== undefined) {
    trades = tradePnl.length;
    winRate = countWhere(tradePnl, (x) => x > 0) / trades;
  } else if (returns !== undefined) {
    trades = countWhere(returns, (x) => x !== 0);
    winRate = trades === 0 ? null : countWhere(returns, (x) => x > 0) / trades;
  }

  return {
    totalReturn,
    sharpe: returns === undefined ? null : sharpeOrNull(returns, periodsPerYear, riskFree),
    maxDrawdown: drawdown,
    winRate,
    trades,
    periods: returns?.length ?? 0,
  };
}

/** The series if given and non-empty, after checking it holds finite numbers. */
function given(values: ArrayLike<number> | undefined, name: string): ArrayLike<number> | undefined {
  if (values === undefined) return undefined;
  checkSample(values, name, 0);
  return values.length === 0 ? undefined : values;
}

/** Period returns of an equity curve; `undefined` when a divisor is not positive. */
function periodReturnsOf(equity: ArrayLike<number>): Float64Array | undefined {
  const out = new Float64Array(equity.length - 1);
  for (let i = 1; i < equity.length; i++) {
    const previous = equity[i - 1] as number;
    if (!(previous > 0)) return undefined;
    out[i - 1] = ((equity[i] as number) - previous) / previous;
  }
  return out;
}

function equityReturn(equity: ArrayLike<number>): number | null {
  const first = equity[0] as number;
  if (!(first > 0)) return null;
  return finiteOrNull(((equity[equity.length - 1] as number) - first) / first);
}

/**
 * Π(1 + r) − 1 in double-double arithmetic (Dekker 1971): every 1 + r is kept exactly as a pair
 * (1, r) and the product carries about 32 digits, so a total near 0 keeps its digits where the
 * float product minus 1 would cancel them away.
 */
function compoundedReturn(returns: ArrayLike<number>): number | null {
  let hi = 1;
  let lo = 0;
  for (let i = 0; i < returns.length; i++) {
    const r = returns[i] as number;
    // The factor 1 + r as an unevaluated sum fh + fl (Knuth's two-sum).
    const fh = 1 + r;
    const z = fh - 1;
    const fl = 1 - (fh - z) + (r - z);
    // (hi + lo)(fh + fl), dropping lo · fl (below the working precision).
    const p = hi * fh;
    const e = twoProductError(hi, fh, p) + (hi * fl + lo * fh);
    hi = p + e;
    lo = e - (hi - p);
  }
  const total = hi - 1 + lo;
  return Number.isFinite(total) ? total : finiteOrNull(directProduct(returns) - 1);
}

/** The rounding error of `p = a · b`, exactly (Dekker's split; no FMA in JavaScript). */
function twoProductError(a: number, b: number, p: number): number {
  let c = SPLITTER * a;
  const ah = c - (c - a);
  const al = a - ah;
  c = SPLITTER * b;
  const bh = c - (c - b);
  const bl = b - bh;
  return ah * bh - p + ah * bl + al * bh + al * bl;
}

/** 2^27 + 1: splits a double into two halves of 26 bits. */
const SPLITTER = 134217729;

function directProduct(returns: ArrayLike<number>): number {
  let product = 1;
  for (let i = 0; i < returns.length; i++) product *= 1 + (returns[i] as number);
  return product;
}

/** The equity curve compounded from the returns, starting at 1. */
function compoundedCurve(returns: ArrayLike<number>): Float64Array {
  const curve = new Float64Array(returns.length + 1);
  let value = 1;
  curve[0] = value;
  for (let i = 0; i < returns.length; i++) {
    value *= 1 + (returns[i] as number);
    curve[i + 1] = value;
  }
  return curve;
}

/** `maxDrawdown`, or `null` when a value is not a positive finite number. */
function drawdownOf(equity: ArrayLike<number>): number | null {
  for (let i = 0; i < equity.length; i++) {
    const x = equity[i] as number;
    if (!(x > 0 && x < Number.POSITIVE_INFINITY)) return null;
  }
  return maxDrawdown(equity);
}

/** `sharpeRatio`, or `null` with fewer than 2 returns or when it is undefined. */
function sharpeOrNull(
  returns: ArrayLike<number>,
  periodsPerYear: number,
  riskFree: number,
): number | null {
  if (returns.length < 2) return null;
  try {
    return sharpeRatio(returns, { periodsPerYear, riskFree });
  } catch (error) {
    // The options and values were checked above: what is left is a series with no spread (or
    // an overflowing ratio), where the ratio does not exist.
    if (error instanceof ValidationError) return null;
    throw error;
  }
}

function countWhere(values: ArrayLike<number>, test: (x: number) => boolean): number {
  let count = 0;
  for (let i = 0; i < values.length; i++) if (test(values[i] as number)) count++;
  return count;
}

function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}
