import { ValidationError } from '../errors.js';
import { checkSample } from './validate.js';

/** Sufficient statistics of a sample: size, mean and unbiased variance (n - 1 denominator). */
export interface Summary {
  readonly n: number;
  readonly mean: number;
  /** Sample variance with the n - 1 denominator; 0 when n is 1. */
  readonly variance: number;
}

/**
 * Summarises a sample with the corrected two-pass algorithm (as numpy's `var`): the mean (summed
 * as deviations from the first value), then the sum of squared deviations from it, corrected by the rounding error of the mean
 * (Chan, Golub and LeVeque 1983, eq. 1.7). Accurate for large offsets where sum-of-squares
 * formulas fail, and no division per value. Needs at least one finite value; the variance of a
 * single value is reported as 0.
 *
 * @example
 * ```ts
 * summarize([1, 2, 3, 4]); // { n: 4, mean: 2.5, variance: 1.6666666666666667 }
 * ```
 */
export function summarize(values: ArrayLike<number>, name = 'values'): Summary {
  const xs = checkSample(values, name);
  const n = xs.length;
  // Summing deviations from the first value keeps a large common offset (prices, equity) out of
  // the running sum, where it would swamp the digits that matter.
  const shift = xs[0] as number;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += (xs[i] as number) - shift;
  const mean = shift + sum / n;
  let squares = 0;
  let deviations = 0;
  for (let i = 0; i < n; i++) {
    const d = (xs[i] as number) - mean;
    squares += d * d;
    deviations += d;
  }
  const m2 = squares - (deviations * deviations) / n;
  return { n, mean, variance: n > 1 ? Math.max(0, m2) / (n - 1) : 0 };
}

/**
 * Combines the summaries of two disjoint samples into the summary of their union (Chan, Golub
 * and LeVeque's parallel formula), so per-batch or per-shard summaries merge exactly.
 *
 * @example
 * ```ts
 * mergeSummaries(summarize([1, 2]), summarize([3, 4])); // same as summarize([1, 2, 3, 4])
 * ```
 */
export function mergeSummaries(a: Summary, b: Summary): Summary {
  checkSummary(a, 'a');
  checkSummary(b, 'b');
  if (a.n === 0) return b;
  if (b.n === 0) return a;
  const n = a.n + b.n;
  const delta = b.mean - a.mean;
  const mean = a.mean + (delta * b.n) / n;
  const m2 = a.variance * (a.n - 1) + b.variance * (b.n - 1) + (delta * delta * a.n * b.n) / n;
  return { n, mean, variance: n > 1 ? m2 / (n - 1) : 0 };
}

function checkSummary(s: Summary, name: string): void {
  if (!Number.isInteger(s.n) || s.n < 0)
    throw new ValidationError(`${name}.n`, 'must be a whole number', { received: s.n });
  if (s.n > 0 && !Number.isFinite(s.mean))
    throw new ValidationError(`${name}.mean`, 'must be finite', { received: s.mean });
  if (s.n > 0 && !(Number.isFinite(s.variance) && s.variance >= 0)) {
    throw new ValidationError(`${name}.variance`, 'must be finite and not negative', {
      received: s.variance,
    });
  }
}
