import { ValidationError } from '../errors.js';
import { checkFiniteNumber, checkPositive, checkSample } from './validate.js';

/**
 * Options of {@link sharpeRatio}.
 *
 * @example
 * ```ts
 * const weekly: SharpeOptions = { periodsPerYear: 52, riskFree: 0.04 / 52 };
 * ```
 */
export interface SharpeOptions {
  /**
   * Return periods per year, used to annualise: 252 for daily trading-day returns (the
   * default), 52 weekly, 12 monthly, 365 for crypto daily, 1 to get the per-period ratio.
   */
  readonly periodsPerYear?: number;
  /**
   * Risk-free rate PER PERIOD (not annual), in the same units as the returns, subtracted from
   * every return. For a 4% annual rate on daily returns pass about `0.04 / 252`. Default: 0.
   */
  readonly riskFree?: number;
}

/**
 * Annualised Sharpe ratio of a series of per-period returns (ex-post, Sharpe 1994):
 *
 * `SR = mean(e) / sd(e) · √periodsPerYear`, where `eₜ = returnₜ − riskFree` are the excess
 * returns and `sd` is the sample standard deviation with the n − 1 denominator. This is numpy's
 * `e.mean() / e.std(ddof=1) * sqrt(periodsPerYear)` (Sharpe, "The Sharpe Ratio", Journal of
 * Portfolio Management 21(1), 1994, 49–58; √T annualisation as in Lo, "The Statistics of Sharpe
 * Ratios", Financial Analysts Journal 58(4), 2002, which holds for i.i.d. returns).
 *
 * The mean and the sum of squared deviations are computed with compensated (Neumaier) two-pass
 * sums, so the result is accurate even when the mean is small next to the returns.
 *
 * @param returns - Per-period simple or log returns, finite; at least 2 and not all equal.
 * @param options - {@link SharpeOptions}: `periodsPerYear` (default 252) and the per-period
 *   `riskFree` rate (default 0).
 * @throws `ValidationError` on fewer than 2 returns, a non-finite return, a
 *   `periodsPerYear` that is not a positive finite number, a non-finite `riskFree`, or excess
 *   returns with standard deviation 0 (a constant series has no defined Sharpe ratio).
 *
 * @example
 * ```ts
 * sharpeRatio([0.01, -0.005, 0.007, 0.002]); // 8.47… (daily returns, annualised with √252)
 * sharpeRatio(monthly, { periodsPerYear: 12, riskFree: 0.04 / 12 });
 * ```
 */
export function sharpeRatio(returns: ArrayLike<number>, options: SharpeOptions = {}): number {
  const xs = checkSample(returns, 'returns', 2);
  const { periodsPerYear = 252, riskFree = 0 } = options;
  checkPositive(periodsPerYear, 'options.periodsPerYear');
  checkFiniteNumber(riskFree, 'options.riskFree');
  const n = xs.length;
  const excess = new Float64Array(n);
  for (let i = 0; i < n; i++) excess[i] = (xs[i] as number) - riskFree;
  const mean = compensatedSum(excess) / n;
  // Corrected two-pass sum of squares: Σ(eᵢ − m)² − (Σ(eᵢ − m))² / n (Chan, Golub & LeVeque).
  let squares = 0;
  let squaresCarry = 0;
  let deviations = 0;
  let deviationsCarry = 0;
  for (let i = 0; i < n; i++) {
    const d = (excess[i] as number) - mean;
    const dd = d * d;
    let t = squares + dd;
    squaresCarry += Math.abs(squares) >= dd ? squares - t + dd : dd - t + squares;
    squares = t;
    t = deviations + d;
    deviationsCarry +=
      Math.abs(deviations) >= Math.abs(d) ? deviations - t + d : d - t + deviations;
    deviations = t;
  }
  const sumDev = deviations + deviationsCarry;
  const m2 = squares + squaresCarry - (sumDev * sumDev) / n;
  const sd = Math.sqrt(m2 / (n - 1));
  if (!(sd > 0) || !Number.isFinite(sd)) {
    const rule = 'must vary (the excess returns have standard deviation 0)';
    throw new ValidationError('returns', rule, { received: returns });
  }
  const ratio = (mean / sd) * Math.sqrt(periodsPerYear);
  if (!Number.isFinite(ratio)) {
    throw new ValidationError('returns', 'must give a finite Sharpe ratio', { received: returns });
  }
  return ratio;
}

/**
 * Where and how deep the largest drawdown of an equity curve is; see {@link drawdownDetails} for
 * the definitions.
 *
 * @example
 * ```ts
 * const { maxDrawdown, peakIndex, troughIndex, recoveryIndex } = drawdownDetails(equity);
 * const underwater = recoveryIndex === null ? 'not recovered' : recoveryIndex - peakIndex;
 * ```
 */
export interface DrawdownDetails {
  /** The largest fall from a running peak, as a fraction of that peak, in [0, 1]. */
  readonly maxDrawdown: number;
  /** Index of the peak the largest drawdown is measured from (its last visit before the trough). */
  readonly peakIndex: number;
  /** Index of the lowest point of the largest drawdown (the first one, if several tie). */
  readonly troughIndex: number;
  /**
   * First index at or after the trough where equity is back at or above the peak value; `null`
   * when it never recovers within the series. Equals `troughIndex` when `maxDrawdown` is 0.
   */
  readonly recoveryIndex: number | null;
}

/**
 * Maximum drawdown of an equity (or price, or net asset value) curve, as a positive fraction:
 *
 * `MDD = maxₜ (Pₜ − Eₜ) / Pₜ`, with `Pₜ = max_{s ≤ t} Eₛ` the running peak (Magdon-Ismail &
 * Atiya, "Maximum drawdown", Risk 17(10), 2004). It is 0 when the curve never falls below a
 * running peak and is below 1 for positive equity (it rounds to 1 only for a fall of more than
 * 1 − 2⁻⁵³ of the peak). Same as numpy's
 * `((np.maximum.accumulate(e) - e) / np.maximum.accumulate(e)).max()`.
 *
 * @param equity - Positive finite equity values in time order; at least one.
 * @throws `ValidationError` when `equity` is empty or holds a value that is not a positive
 *   finite number (a drawdown is relative to a positive peak).
 *
 * @example
 * ```ts
 * maxDrawdown([100, 120, 90, 130, 117]); // 0.25 (from 120 down to 90)
 * ```
 */
export function maxDrawdown(equity: ArrayLike<number>): number {
  return drawdownDetails(equity).maxDrawdown;
}

/**
 * The maximum drawdown of an equity curve (see {@link maxDrawdown}) with where it happened: the
 * index of its peak, of its trough and of the recovery to the peak value, for reports.
 *
 * The trough is the first index reaching the maximum drawdown; the peak is the last index at or
 * before it where equity equalled the running peak; the recovery is the first index at or after
 * the trough where equity is at least the peak value (`null` if never). With no drawdown at all
 * the result is `{ maxDrawdown: 0, peakIndex: 0, troughIndex: 0, recoveryIndex: 0 }`.
 *
 * @param equity - Positive finite equity values in time order; at least one.
 * @throws `ValidationError` like {@link maxDrawdown}.
 *
 * @example
 * ```ts
 * drawdownDetails([100, 120, 90, 130, 117]);
 * // { maxDrawdown: 0.25, peakIndex: 1, troughIndex: 2, recoveryIndex: 3 }
 * ```
 */
export function drawdownDetails(equity: ArrayLike<number>): DrawdownDetails {
  const xs = checkSample(equity, 'equity', 1);
  const n = xs.length;
  for (let i = 0; i < n; i++) {
    if (!((xs[i] as number) > 0)) {
      throw new ValidationError(`equity[${i}]`, 'must be a number greater than 0', {
        received: xs[i],
      });
    }
  }
  let peak = xs[0] as number;
  let peakAt = 0;
  let worst = 0;
  let worstPeak = peak;
  let worstPeakAt = 0;
  let worstAt = 0;
  for (let i = 1; i < n; i++) {
    const x = xs[i] as number;
    if (x >= peak) {
      peak = x;
      peakAt = i;
      continue;
    }
    const drawdown = (peak - x) / peak;
    if (drawdown > worst) {
      worst = drawdown;
      worstAt = i;
      worstPeak = peak;
      worstPeakAt = peakAt;
    }
  }
  let recoveryIndex: number | null = null;
  for (let i = worstAt; i < n; i++) {
    if ((xs[i] as number) >= worstPeak) {
      recoveryIndex = i;
      break;
    }
  }
  return { maxDrawdown: worst, peakIndex: worstPeakAt, troughIndex: worstAt, recoveryIndex };
}

/** Neumaier's compensated sum. */
function compensatedSum(values: Float64Array): number {
  let sum = 0;
  let carry = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i] as number;
    const t = sum + x;
    carry += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
    sum = t;
  }
  return sum + carry;
}
