import { ValidationError } from '../errors.js';
import { gammaInc } from './special.js';
import { checkCount, checkPositive, checkProbability } from './validate.js';

/** Options of {@link srmCheck}. */
export interface SrmOptions {
  /** p-value below which the split is flagged as a mismatch; default 0.001. */
  readonly threshold?: number;
}

/** The outcome of {@link srmCheck}. */
export interface SrmResult {
  /** Pearson's chi-square statistic Σ (observed − expected)² / expected. */
  readonly chi2: number;
  /** Degrees of freedom: the number of arms − 1. */
  readonly df: number;
  /** P(χ²_df ≥ chi2), the upper tail, accurate down to about 1e-300. */
  readonly pValue: number;
  /** Whether `pValue < threshold`: the traffic split is not the configured one. */
  readonly mismatch: boolean;
}

/** How far the weights may sum from 1. */
const WEIGHT_SUM_TOLERANCE = 1e-9;

/**
 * Sample-ratio-mismatch check: Pearson's chi-square goodness-of-fit test of the observed arm
 * counts against the configured traffic weights, exactly as scipy's
 * `chisquare(observed, f_exp=weights / sum(weights) * sum(observed))`. A mismatch
 * (`pValue < threshold`, default 0.001) means assignment or logging is broken and the
 * experiment's results should not be trusted.
 *
 * Expected counts are eᵢ = wᵢ / Σw · N; chi2 = Σ (oᵢ − eᵢ)² / eᵢ on k − 1 degrees of freedom;
 * the p-value is the regularized upper incomplete gamma function Q((k − 1)/2, chi2/2),
 * computed directly so it stays accurate in the far tail.
 *
 * Counts must be whole numbers of at least 0 with a positive total; weights must be positive
 * and sum to 1 (within 1e-9); both need the same length of at least 2. Anything else throws a
 * `ValidationError` naming the argument.
 *
 * @example
 * ```ts
 * srmCheck([50_310, 49_690], [0.5, 0.5]);
 * // { chi2: 3.844, df: 1, pValue: 0.049924284039697564, mismatch: false }
 * ```
 */
export function srmCheck(
  observedCounts: readonly number[],
  expectedWeights: readonly number[],
  { threshold = 0.001 }: SrmOptions = {},
): SrmResult {
  const total = checkCounts(observedCounts);
  const weightSum = checkWeights(expectedWeights, observedCounts.length);
  checkProbability(threshold, 'threshold');
  let chi2 = 0;
  for (let i = 0; i < observedCounts.length; i++) {
    const expected = ((expectedWeights[i] as number) / weightSum) * total;
    const diff = (observedCounts[i] as number) - expected;
    chi2 += (diff * diff) / expected;
  }
  const df = observedCounts.length - 1;
  const pValue = gammaInc(0.5 * df, 0.5 * chi2, true);
  return { chi2, df, pValue, mismatch: pValue < threshold };
}

/** Checks the counts and returns their total. */
function checkCounts(counts: readonly number[]): number {
  if (!Array.isArray(counts)) {
    throw new ValidationError('observedCounts', 'must be an array of counts', { received: counts });
  }
  if (counts.length < 2) {
    throw new ValidationError('observedCounts', 'must have at least 2 arms', {
      received: counts.length,
    });
  }
  let total = 0;
  for (let i = 0; i < counts.length; i++) {
    const count = counts[i];
    checkCount(count, `observedCounts[${i}]`);
    total += count;
  }
  if (total === 0) {
    throw new ValidationError('observedCounts', 'must have a positive total', { received: 0 });
  }
  return total;
}

/** Checks the weights against the number of arms and returns their sum. */
function checkWeights(weights: readonly number[], arms: number): number {
  if (!Array.isArray(weights)) {
    throw new ValidationError('expectedWeights', 'must be an array of weights', {
      received: weights,
    });
  }
  if (weights.length !== arms) {
    throw new ValidationError('expectedWeights', `must have one weight per arm (${arms})`, {
      received: weights.length,
    });
  }
  let sum = 0;
  for (let i = 0; i < weights.length; i++) {
    const weight = weights[i];
    checkPositive(weight, `expectedWeights[${i}]`);
    sum += weight;
  }
  if (!(Math.abs(sum - 1) <= WEIGHT_SUM_TOLERANCE)) {
    throw new ValidationError('expectedWeights', `must sum to 1 (within ${WEIGHT_SUM_TOLERANCE})`, {
      received: sum,
    });
  }
  return sum;
}
