import { ValidationError } from '../errors.js';
import type { Summary } from '../stats/summary.js';
import { checkPositive, checkProbability, checkSummary } from '../stats/validate.js';

/**
 * Always-valid inference for the difference of two means from sufficient statistics: the
 * asymptotic confidence sequence of Waudby-Smith, Arnold, Wu, Howard & Ramdas in the form
 * GrowthBook's gbstats uses for sequential testing, and the always-valid p-value it implies.
 * A confidence sequence holds at every sample size at once, so an A/B test can be checked after
 * every batch of outcomes and stopped at the first significant look without inflating the
 * false-positive rate, which a fixed-horizon Welch p-value does not allow.
 *
 * References:
 * - I. Waudby-Smith, D. Arnold, J. J. Wu, S. R. Howard, A. Ramdas, "Time-uniform central limit
 *   theory and asymptotic confidence sequences", arXiv:2103.06476 (v7, 2023; Annals of
 *   Statistics, to appear): eq. 9 (two-sided half-width), eq. 161 (the mixing parameter ρ that
 *   makes the sequence tightest at a chosen sample size), eq. 155 (the e-value).
 * - GrowthBook gbstats, packages/stats/gbstats/frequentist/tests.py: `sequential_rho`,
 *   `sequential_interval_halfwidth`, `SequentialTwoSidedTTest` (N = n_c + n_t,
 *   s² = SE² · N, default tuning parameter 5000).
 *
 * @internal
 * @module
 */

/** GrowthBook's default sequential tuning parameter N*: the sequence is tightest near N = N*. */
export const DEFAULT_SEQUENTIAL_TUNING = 5000;

/** Options of {@link asymptoticConfidenceSequence} and {@link alwaysValidPValue}. */
export interface SequentialOptions {
  /**
   * Error level α in (0, 1), default 0.05: the sequence covers the true difference at every
   * sample size simultaneously with probability at least 1 − α (asymptotically). It also fixes
   * the mixing parameter ρ, as in gbstats.
   */
  alpha?: number;
  /**
   * Tuning parameter N* > 0, default {@link DEFAULT_SEQUENTIAL_TUNING} (5000): the total sample
   * size (both arms) at which the sequence is narrowest. Set it near the sample size where a
   * decision is expected.
   */
  tuning?: number;
}

/** Result of {@link asymptoticConfidenceSequence}. */
export interface ConfidenceSequence {
  /** mean(treatment) − mean(control). */
  readonly difference: number;
  /** difference − halfWidth. */
  readonly lower: number;
  /** difference + halfWidth. */
  readonly upper: number;
  /** Half-width of the two-sided confidence sequence at the current sample size. */
  readonly halfWidth: number;
}

/**
 * The two-sided asymptotic confidence sequence for mean(treatment) − mean(control) at the current
 * sample sizes, computed from per-arm sufficient statistics `{ n, mean, variance }` (variance with
 * the n − 1 denominator, the shape `welchTTestFromSummary` takes).
 *
 * With N = n_c + n_t, SE² = s²_c / n_c + s²_t / n_t, s² = SE² · N (the per-observation variance of
 * the paper's notation) and
 *
 *   ρ = √((−2 ln α + ln(1 − 2 ln α)) / N*)                        (eq. 161, two-sided)
 *   halfWidth = √s² · √( 2 (N ρ² + 1) / (N² ρ²) · ln(√(N ρ² + 1) / α) )   (eq. 9)
 *
 * exactly as GrowthBook's gbstats computes `sequential_rho` and `sequential_interval_halfwidth`
 * (the interval is the difference ± halfWidth). The guarantee is time-uniform: the probability
 * that any look, at any sample size, misses the true difference is at most α (asymptotically, as
 * the sample grows; it relies on a central limit theorem, not on normal outcomes). The price is
 * width: at N = N* and α = 0.05 the half-width is about 1.55 times the fixed-horizon
 * z-interval's (3.04 standard errors instead of 1.96).
 *
 * Needs at least 2 outcomes per arm and a variance above 0 in at least one arm.
 *
 * @param control - `{ n, mean, variance }` of the control arm.
 * @param treatment - `{ n, mean, variance }` of the treatment arm.
 * @param options - `alpha` (default 0.05) and `tuning` N* (default 5000).
 * @throws ValidationError naming the field when an input is out of range.
 *
 * @example
 * ```ts
 * const cs = asymptoticConfidenceSequence(
 *   { n: 2500, mean: 10.0, variance: 4 },
 *   { n: 2500, mean: 10.3, variance: 4 },
 * );
 * // { difference: 0.3, lower: 0.128..., upper: 0.471..., halfWidth: 0.171... }
 * cs.lower > 0; // treatment better, valid however often the results were checked
 * ```
 */
export function asymptoticConfidenceSequence(
  control: Summary,
  treatment: Summary,
  options: SequentialOptions = {},
): ConfidenceSequence {
  const input = prepare(control, treatment, options);
  // gbstats' order of operations: ln(√(Nρ² + 1) / α).
  const halfWidth = halfWidthFromLog(input, Math.log(Math.sqrt(input.nRhoSqP1) / input.alpha));
  const { difference } = input;
  return { difference, lower: difference - halfWidth, upper: difference + halfWidth, halfWidth };
}

/**
 * The always-valid two-sided p-value of "no difference in means": the smallest level α′ at which
 * the confidence sequence of {@link asymptoticConfidenceSequence} (with ρ fixed by
 * `options.alpha` and `options.tuning`, as gbstats fixes it) excludes 0, capped at 1. Found by
 * bisection on ln α′, where the half-width is strictly decreasing, to full double precision; it
 * equals gbstats' closed form min(1, 1/E) with the e-value
 * E = exp(ρ² t² N / (2 (N ρ² + 1))) / √(N ρ² + 1), t = difference / SE (eq. 155), which the tests
 * check. Values below the smallest double are returned as 0.
 *
 * Stopping an experiment at the first look where the p-value is below α keeps the probability of
 * a false positive at most α however often one looks (asymptotically), and `p < alpha` holds
 * exactly when the sequence at level `alpha` excludes 0 (up to rounding in the last bit). Early
 * in an experiment the p-value is often exactly 1: the e-value has not yet gathered evidence.
 *
 * @param control - `{ n, mean, variance }` of the control arm.
 * @param treatment - `{ n, mean, variance }` of the treatment arm.
 * @param options - `alpha` (default 0.05; sets ρ) and `tuning` N* (default 5000).
 * @throws ValidationError naming the field when an input is out of range.
 *
 * @example
 * ```ts
 * const p = alwaysValidPValue(
 *   { n: 2500, mean: 10.0, variance: 4 },
 *   { n: 2500, mean: 10.3, variance: 4 },
 * );
 * // 0.0000112...: stop and ship, even though the results were checked every hour
 * ```
 */
export function alwaysValidPValue(
  control: Summary,
  treatment: Summary,
  options: SequentialOptions = {},
): number {
  const input = prepare(control, treatment, options);
  const target = Math.abs(input.difference);
  // The half-width at α′ = 1 is the narrowest the sequence gets: if it still holds 0, p = 1.
  if (halfWidthAt(input, 0) >= target) return 1;
  // Below the smallest positive double the p-value cannot be represented: report 0.
  let lo = LOG_MIN_DOUBLE;
  if (halfWidthAt(input, lo) < target) return 0;
  // Invariant: halfWidth(lo) >= |difference| > halfWidth(hi), so the root lies in (lo, hi].
  let hi = 0;
  for (let i = 0; i < 2000; i++) {
    const mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi) break;
    if (halfWidthAt(input, mid) >= target) lo = mid;
    else hi = mid;
  }
  return Math.min(1, Math.exp(hi));
}

/** ln of the smallest positive (subnormal) double, 5e-324. */
const LOG_MIN_DOUBLE = Math.log(Number.MIN_VALUE);

interface Prepared {
  readonly difference: number;
  readonly alpha: number;
  /** N ρ² + 1, with N = n_c + n_t the total sample size. */
  readonly nRhoSqP1: number;
  /** √s² · √(2 (N ρ² + 1) / (N ρ)²), with s² = SE² · N: the half-width is this times √ln(...). */
  readonly scale: number;
}

function prepare(control: Summary, treatment: Summary, options: SequentialOptions): Prepared {
  checkSummary(control, 'control');
  checkSummary(treatment, 'treatment');
  if (typeof options !== 'object' || options === null) {
    throw new ValidationError('options', 'must be an object', { received: options });
  }
  const alpha = options.alpha ?? 0.05;
  checkProbability(alpha, 'options.alpha', true);
  const tuning = options.tuning ?? DEFAULT_SEQUENTIAL_TUNING;
  checkPositive(tuning, 'options.tuning');

  const se2 = control.variance / control.n + treatment.variance / treatment.n;
  if (se2 === 0) {
    throw new ValidationError('control, treatment', 'need a variance above 0 in at least one arm');
  }
  const n = control.n + treatment.n;
  const logAlpha = Math.log(alpha);
  // gbstats `sequential_rho`, eq. 161 of Waudby-Smith et al. (two-sided).
  const rho = Math.sqrt((-2 * logAlpha + Math.log(-2 * logAlpha + 1)) / tuning);
  const nRhoSqP1 = n * rho ** 2 + 1;
  const nRho = n * rho;
  const scale = Math.sqrt(se2 * n) * Math.sqrt((2 * nRhoSqP1) / (nRho * nRho));
  return { difference: treatment.mean - control.mean, alpha, nRhoSqP1, scale };
}

/**
 * gbstats `sequential_interval_halfwidth` (eq. 9), √s² · √(2 (Nρ² + 1) · L / (Nρ)²), given
 * L = ln(√(Nρ² + 1) / α).
 */
function halfWidthFromLog(p: Prepared, logTerm: number): number {
  return p.scale * Math.sqrt(logTerm);
}

/** The half-width at level α′ = exp(logAlpha) with ρ fixed: strictly decreasing in logAlpha. */
function halfWidthAt(p: Prepared, logAlpha: number): number {
  return halfWidthFromLog(p, 0.5 * Math.log(p.nRhoSqP1) - logAlpha);
}
