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
 * Summarises a sample in one pass with Welford's algorithm (numerically stable, unlike
 * sum-of-squares formulas on large values). Needs at least one finite value; the variance of a
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
  let mean = 0;
  let m2 = 0;
  for (let i = 0; i < n; i++) {
    const x = xs[i] as number;
    const delta = x - mean;
    mean += delta / (i + 1);
    m2 += delta * (x - mean);
  }
  return { n, mean, variance: n > 1 ? m2 / (n - 1) : 0 };
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
