import { ValidationError } from '../errors.js';
import { normalLowerUnchecked } from './distributions.js';
import { lbeta } from './special.js';
import { checkCount } from './validate.js';

/** Conversions of one arm of an experiment. */
export interface BinomialArm {
  /** Number of conversions, a whole number from 0 to `trials`. */
  readonly successes: number;
  /** Number of exposures, a whole number of at least 0. */
  readonly trials: number;
}

/** Beyond this many terms the exact sum gives way to the normal approximation. */
const MAX_EXACT_TERMS = 1_000_000;
/** A complement 1 − S below this is recomputed by a direct sum when one is affordable. */
const COMPLEMENT_FLOOR = 1e-4;
/** Running terms are rescaled by 1e-250 before they can overflow. */
const RESCALE_ABOVE = 1e250;
const LN_RESCALE = 250 * Math.LN10;

/**
 * The probability that the treatment's conversion rate is higher than the control's,
 * P(p_T > p_C), with independent uniform priors, so posteriors p ~ Beta(1 + successes,
 * 1 + failures).
 *
 * Computed exactly with Evan Miller's closed form ("Formulas for Bayesian A/B testing", 2015):
 * for p_C ~ Beta(α_C, β_C) and p_T ~ Beta(α_T, β_T),
 * P(p_T > p_C) = Σ_{i=0}^{α_T−1} B(α_C + i, β_C + β_T) / ((β_T + i) B(1 + i, β_T) B(α_C, β_C)).
 * The terms are positive and each follows from the last by the ratio
 * (α_C + i)(β_T + i) / ((α_C + β_C + β_T + i)(i + 1)), with the first, B(α_C, β_C + β_T) /
 * B(α_C, β_C), formed in log space and the running sum rescaled, so nothing overflows. By the
 * symmetries p ↔ 1 − p and treatment ↔ control the same sum can run over α_T, β_C, α_C or β_T
 * terms; the shortest is used (a complement 1 − S only when it is not close to 0), so the cost
 * is O(min(α_T, β_C, α_C, β_T)) = O(min(successes, failures) + 1) over both arms, with no
 * allocation (about 0.1 ms for 30,000 terms). Accuracy: 5e-12 relative or better for counts up
 * to a million trials.
 *
 * When even the shortest sum would exceed 1,000,000 terms (every arm has more than a million
 * successes and a million failures) it falls back to the normal approximation
 * Φ((μ_T − μ_C) / √(σ²_T + σ²_C)) with the Beta posteriors' means and variances, whose error
 * is far below any decision threshold at such counts (2.4e-8 absolute against numerical
 * integration with 4 million trials per arm).
 *
 * Counts must be whole numbers with 0 ≤ successes ≤ trials; anything else throws a
 * `ValidationError` naming the field (for example `treatment.successes`).
 *
 * @example
 * ```ts
 * chanceToBeatControl({ successes: 120, trials: 1000 }, { successes: 145, trials: 1000 });
 * // 0.9501969076167722
 * ```
 */
export function chanceToBeatControl(control: BinomialArm, treatment: BinomialArm): number {
  checkArm(control, 'control');
  checkArm(treatment, 'treatment');
  const ac = 1 + control.successes;
  const bc = 1 + control.trials - control.successes;
  const at = 1 + treatment.successes;
  const bt = 1 + treatment.trials - treatment.successes;
  return Math.min(1, Math.max(0, probabilityGreater(ac, bc, at, bt)));
}

/** P(p_T > p_C) for p_C ~ Beta(ac, bc), p_T ~ Beta(at, bt) with whole-number parameters. */
function probabilityGreater(ac: number, bc: number, at: number, bt: number): number {
  const direct = Math.min(at, bc);
  const complement = Math.min(ac, bt);
  if (direct <= complement) {
    return direct <= MAX_EXACT_TERMS
      ? directSum(ac, bc, at, bt)
      : normalApproximation(ac, bc, at, bt);
  }
  if (complement > MAX_EXACT_TERMS) return normalApproximation(ac, bc, at, bt);
  // P(p_T > p_C) = 1 − P(p_C > p_T), the same sum with the arms swapped.
  const value = 1 - directSum(at, bt, ac, bc);
  if (value >= COMPLEMENT_FLOOR || direct > MAX_EXACT_TERMS) return value;
  return directSum(ac, bc, at, bt);
}

/** Miller's sum over the fewer of α_T and β_C terms (the latter via p ↔ 1 − p). */
function directSum(ac: number, bc: number, at: number, bt: number): number {
  // P(p_T > p_C) = P(1 − p_C > 1 − p_T), and 1 − p ~ Beta(β, α).
  return at <= bc ? millerSum(ac, bc, at, bt) : millerSum(bt, at, bc, ac);
}

/** Σ_{i<α_T} of Miller's terms, by their ratio recurrence with rescaling. */
function millerSum(ac: number, bc: number, at: number, bt: number): number {
  const total = ac + bc + bt;
  let logScale = lbeta(ac, bc + bt) - lbeta(ac, bc);
  let term = 1;
  let sum = 1;
  for (let i = 0; i < at - 1; i++) {
    term *= ((ac + i) * (bt + i)) / ((total + i) * (i + 1));
    sum += term;
    if (term > RESCALE_ABOVE) {
      term /= RESCALE_ABOVE;
      sum /= RESCALE_ABOVE;
      logScale += LN_RESCALE;
    }
  }
  return Math.exp(logScale + Math.log(sum));
}

/** Φ((μ_T − μ_C) / √(σ²_T + σ²_C)) with the Beta posteriors' moments. */
function normalApproximation(ac: number, bc: number, at: number, bt: number): number {
  const nc = ac + bc;
  const nt = at + bt;
  const variance = (ac * bc) / (nc * nc * (nc + 1)) + (at * bt) / (nt * nt * (nt + 1));
  return normalLowerUnchecked((at / nt - ac / nc) / Math.sqrt(variance));
}

function checkArm(arm: unknown, name: string): asserts arm is BinomialArm {
  if (arm === null || typeof arm !== 'object') {
    throw new ValidationError(name, 'must be an object with successes and trials', {
      received: arm,
    });
  }
  const { successes, trials } = arm as { successes?: unknown; trials?: unknown };
  checkCount(trials, `${name}.trials`);
  checkCount(successes, `${name}.successes`);
  if (successes > trials) {
    throw new ValidationError(`${name}.successes`, `must not exceed ${name}.trials (${trials})`, {
      received: successes,
    });
  }
}
