import { ValidationError } from '../errors.js';
import { normalCdf, normalQuantile } from './distributions.js';
import { checkCount, checkFiniteNumber, checkProbability } from './validate.js';

/** Inputs of {@link requiredSampleSize}. */
export interface SampleSizeInput {
  /** Standardised effect to detect (Cohen's d); its sign does not matter. */
  effectSize: number;
  /** Two-sided significance level, in (0, 1). Default 0.05. */
  alpha?: number;
  /** Probability of detecting the effect, in (0, 1). Default 0.8. */
  power?: number;
}

/**
 * Sample size per arm for a two-sided two-sample test to detect a standardised effect `d`, by
 * the normal approximation: n = ceil(2 (z_{1-α/2} + z_{power})² / d²).
 *
 * Reference: S.-C. Chow, J. Shao, H. Wang (2008), Sample Size Calculations in Clinical Research,
 * 2nd ed., §3.2.
 *
 * @example
 * ```ts
 * requiredSampleSize({ effectSize: 0.2 }); // 393 per arm at alpha 0.05, power 0.8
 * ```
 */
export function requiredSampleSize(input: SampleSizeInput): number {
  const { effectSize, alpha = 0.05, power: target = 0.8 } = input;
  checkFiniteNumber(effectSize, 'effectSize');
  if (effectSize === 0)
    throw new ValidationError('effectSize', 'must not be 0 (no sample size detects no effect)');
  checkProbability(alpha, 'alpha', true);
  checkProbability(target, 'power', true);
  const z = normalQuantile(1 - alpha / 2) + normalQuantile(target);
  return Math.ceil((2 * z * z) / (effectSize * effectSize));
}

/** Inputs of {@link power}. */
export interface PowerInput {
  /** Standardised true effect (Cohen's d). */
  effectSize: number;
  nControl: number;
  nTreatment: number;
  /** Two-sided significance level, in (0, 1). Default 0.05. */
  alpha?: number;
}

/**
 * Power of a two-sided two-sample test at level `alpha` against a standardised effect `d`, by
 * the normal approximation that {@link requiredSampleSize} inverts:
 * power = Φ(δ - z_{1-α/2}) + Φ(-δ - z_{1-α/2}) with δ = d √(n_c n_t / (n_c + n_t)).
 * With `effectSize` 0 it returns `alpha`.
 *
 * @example
 * ```ts
 * power({ effectSize: 0.2, nControl: 393, nTreatment: 393 }); // ≈ 0.80
 * ```
 */
export function power(input: PowerInput): number {
  const { effectSize, nControl, nTreatment, alpha = 0.05 } = input;
  checkFiniteNumber(effectSize, 'effectSize');
  checkCount(nControl, 'nControl', 1);
  checkCount(nTreatment, 'nTreatment', 1);
  checkProbability(alpha, 'alpha', true);
  const delta = effectSize * Math.sqrt((nControl * nTreatment) / (nControl + nTreatment));
  const critical = normalQuantile(1 - alpha / 2);
  return normalCdf(delta - critical) + normalCdf(-delta - critical);
}
