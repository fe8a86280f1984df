import { ValidationError } from '../errors.js';
import { chanceToBeatControl } from '../stats/bayes.js';
import { holmBonferroni } from '../stats/multiple-testing.js';
import { power, requiredSampleSize } from '../stats/power.js';
import { srmCheck } from '../stats/srm.js';
import type { Summary } from '../stats/summary.js';
import {
  checkCount,
  checkFiniteNumber,
  checkNonNegative,
  checkOneOf,
  checkPositive,
  checkProbability,
} from '../stats/validate.js';
import { welchTTestFromSummary } from '../stats/welch.js';
import { alwaysValidPValue, asymptoticConfidenceSequence } from './sequential.js';

/**
 * The statistics behind `abTests.results(testId)` and the `maxLoss` rule of `monitor()`, run on
 * per-variant sufficient statistics (count, sum, sum of squares) that the database aggregates,
 * so no outcome row is ever loaded (DESIGN.md, hot path 3).
 *
 * @internal
 * @module
 */

/** What kind of metric a test compares. */
export type MetricKind = 'continuous' | 'binary';

/** One variant's database aggregate of the primary metric. */
export interface VariantAggregate {
  readonly name: string;
  /** Number of outcomes, a whole number of at least 2. */
  readonly n: number;
  /** Σ x; for a binary metric the number of successes. */
  readonly sum: number;
  /** Σ x²; for a binary metric equal to `sum` (x² = x for 0/1 outcomes). */
  readonly sumOfSquares: number;
}

/** Input of {@link analyzeTest}. */
export interface AnalysisInput {
  readonly metricKind: MetricKind;
  readonly higherIsBetter: boolean;
  /** Confidence level in (0, 1), default 0.95; alpha = 1 − confidenceLevel. */
  readonly confidenceLevel?: number;
  /** Smallest difference worth detecting, in the metric's units (absolute), > 0. */
  readonly minimumDetectableEffect?: number;
  /** Use the always-valid p-value and confidence sequence (peeking-safe) instead of Welch's. */
  readonly sequential: boolean;
  /** Sequential tuning N* (total sample size where the sequence is tightest), default 5000. */
  readonly sequentialTuning?: number;
  /** When given, each comparison carries the {@link oneSidedLossCheck} for this maxLoss. */
  readonly maxLoss?: number;
  /**
   * The configured allocation, one weight per variant, summing to 1 (for the SRM check); null
   * when the split is not fixed (bandits, shadow mode): then there is no SRM check.
   */
  readonly expectedWeights: readonly number[] | null;
  /**
   * Units assigned to each variant, for the SRM check (default each variant's `n`). Pass the
   * prediction counts when outcomes may arrive for only part of them.
   */
  readonly assignmentCounts?: readonly number[];
  /** Two or more variants; variant 0 is the control. */
  readonly variants: readonly VariantAggregate[];
}

/** Descriptive statistics of one variant. */
export interface VariantStats {
  readonly name: string;
  readonly n: number;
  readonly mean: number;
  /** Sample standard deviation (n − 1), continuous metrics only. */
  readonly sd?: number;
  /** Success rate (= mean), binary metrics only. */
  readonly rate?: number;
}

/** One treatment against the control. */
export interface Comparison extends VariantStats {
  /** The treatment's name. */
  readonly variant: string;
  /** mean(treatment) − mean(control). */
  readonly difference: number;
  /** difference / mean(control); null when the control's mean is 0. */
  readonly relativeDifference: number | null;
  /** Fixed-horizon Welch interval, or the confidence sequence when `sequential`. */
  readonly ci: readonly [number, number];
  /** Welch's two-sided p-value, or the always-valid one when `sequential`. */
  readonly pValue: number;
  /** Holm–Bonferroni adjusted `pValue` across the treatments. */
  readonly adjustedPValue: number;
  /** difference / pooled standard deviation. */
  readonly cohensD: number;
  /** Power to detect the MDE at the current sample sizes (when an MDE is given). */
  readonly achievedPower?: number;
  /** Per-variant sample size to detect the MDE at alpha with 80 % power (when an MDE is given). */
  readonly requiredSampleSizePerVariant?: number;
  /** Binary metrics: posterior probability that the treatment is better (per higherIsBetter). */
  readonly chanceToBeatControl?: number;
  /** `adjustedPValue < alpha`. */
  readonly significant: boolean;
  /** Direction of a significant difference, per higherIsBetter; 'none' when not significant. */
  readonly direction: 'better' | 'worse' | 'none';
  /** The maxLoss check, when `maxLoss` is given. */
  readonly lossCheck?: LossCheckResult;
}

/** Result of {@link analyzeTest}. */
export interface AnalysisResult {
  readonly metricKind: MetricKind;
  readonly confidenceLevel: number;
  readonly sequential: boolean;
  readonly variants: readonly VariantStats[];
  /** One per treatment, in input order (variants 1, 2, ...). */
  readonly comparisons: readonly Comparison[];
  /** The SRM check; null when `expectedWeights` is null. */
  readonly srm: {
    readonly chi2: number;
    readonly pValue: number;
    readonly mismatch: boolean;
  } | null;
  /** Best significantly-better treatment, or null (always null on a sample ratio mismatch). */
  readonly winner: string | null;
  /** Treatments significantly worse than the control. */
  readonly losers: readonly string[];
  /** One plain-words sentence. */
  readonly recommendation: string;
}

/**
 * Analyses an A/B test from per-variant aggregates `{ n, sum, sumOfSquares }`.
 *
 * - mean = sum / n; variance = (sumOfSquares − sum²/n) / (n − 1), clamped at 0 (for a binary
 *   metric this is n p (1 − p) / (n − 1), the sample variance of the 0/1 outcomes). The raw
 *   sum-of-squares form loses relative precision when |mean| is large against the sd (about
 *   1e-16 · mean² / variance); PnL, error and rate metrics are far from that regime.
 * - Each treatment against the control (variant 0): Welch's test (`welchTTestFromSummary`,
 *   two-sided, CI at `confidenceLevel`), or with `sequential` the asymptotic confidence sequence
 *   and always-valid p-value of `./sequential.ts` at alpha = 1 − confidenceLevel. Cohen's d uses
 *   the pooled sd. With a minimum detectable effect `mde`, effect size = mde / pooled sd, and
 *   `achievedPower` / `requiredSampleSizePerVariant` come from `stats/power` at that alpha and
 *   80 % power (fixed-horizon figures, also in sequential mode; omitted when the pooled sd is 0).
 * - p-values are Holm-adjusted across the treatments; a comparison is significant when the
 *   adjusted p-value is below alpha.
 * - `srm` is `srmCheck(counts, expectedWeights)` (mismatch at p < 0.001).
 * - `winner`: among significant treatments better than the control (per higherIsBetter), the one
 *   with the largest improvement; null when there is none or the split mismatches (results of a
 *   broken assignment are not trusted). Significantly worse treatments are listed in `losers`.
 * - If both arms of a comparison have variance 0 (e.g. no conversions yet in either) there is
 *   no test statistic: p = 1 and the interval is [difference, difference] when the means are
 *   equal; otherwise the outcomes are deterministic and p = 0.
 *
 * @throws ValidationError naming the field: fewer than 2 variants, a variant with n < 2,
 *   non-finite sums, binary sums that are not whole numbers within [0, n] or with
 *   sumOfSquares ≠ sum, duplicate names, confidenceLevel outside (0, 1), an MDE ≤ 0, or weights
 *   that do not match the variants (one each, summing to 1).
 *
 * @example
 * ```ts
 * const r = analyzeTest({
 *   metricKind: 'binary',
 *   higherIsBetter: true,
 *   sequential: false,
 *   minimumDetectableEffect: 0.01,
 *   expectedWeights: [0.5, 0.5],
 *   variants: [
 *     { name: 'control', n: 5000, sum: 600, sumOfSquares: 600 },
 *     { name: 'treatment', n: 5000, sum: 700, sumOfSquares: 700 },
 *   ],
 * });
 * r.winner; // 'treatment'
 * r.recommendation; // 'treatment better by 0.020 (95% CI 0.007..0.033), p = 0.003, n = 5,000 vs 5,000'
 * ```
 */
export function analyzeTest(input: AnalysisInput): AnalysisResult {
  if (typeof input !== 'object' || input === null) {
    throw new ValidationError('input', 'must be an object', { received: input });
  }
  checkOneOf(input.metricKind, 'metricKind', ['continuous', 'binary'] as const);
  if (typeof input.higherIsBetter !== 'boolean') {
    throw new ValidationError('higherIsBetter', 'must be a boolean', {
      received: input.higherIsBetter,
    });
  }
  if (typeof input.sequential !== 'boolean') {
    throw new ValidationError('sequential', 'must be a boolean', { received: input.sequential });
  }
  const confidenceLevel = input.confidenceLevel ?? 0.95;
  checkProbability(confidenceLevel, 'confidenceLevel', true);
  const alpha = 1 - confidenceLevel;
  const mde = input.minimumDetectableEffect;
  if (mde !== undefined) checkPositive(mde, 'minimumDetectableEffect');
  if (input.sequentialTuning !== undefined) {
    checkPositive(input.sequentialTuning, 'sequentialTuning');
  }
  if (input.maxLoss !== undefined) checkNonNegative(input.maxLoss, 'maxLoss');
  const binary = input.metricKind === 'binary';

  const variants = input.variants;
  if (!Array.isArray(variants) || variants.length < 2) {
    throw new ValidationError('variants', 'must be an array of at least 2 variants', {
      received: Array.isArray(variants) ? variants.length : variants,
    });
  }
  const weights = input.expectedWeights;
  if (weights !== null && (!Array.isArray(weights) || weights.length !== variants.length)) {
    throw new ValidationError(
      'expectedWeights',
      `must have one weight per variant (${variants.length})`,
      { received: Array.isArray(weights) ? weights.length : weights },
    );
  }
  const summaries = variants.map((v, i) => checkVariant(v, i, binary));
  const names = new Set<string>();
  for (const [i, v] of variants.entries()) {
    if (names.has(v.name)) {
      throw new ValidationError(`variants[${i}].name`, 'must be unique', { received: v.name });
    }
    names.add(v.name);
  }

  const counts = input.assignmentCounts ?? variants.map((v) => v.n);
  if (!Array.isArray(counts) || counts.length !== variants.length) {
    throw new ValidationError(
      'assignmentCounts',
      `must have one count per variant (${variants.length})`,
      { received: Array.isArray(counts) ? counts.length : counts },
    );
  }
  let srm: AnalysisResult['srm'] = null;
  if (weights !== null) {
    const srmResult = srmCheck(counts, weights);
    srm = { chi2: srmResult.chi2, pValue: srmResult.pValue, mismatch: srmResult.mismatch };
  }

  const stats = variants.map((v, i) => describeVariant(v, summaries[i] as Summary, binary));
  const control = summaries[0] as Summary;
  const controlAggregate = variants[0] as VariantAggregate;
  const sign = input.higherIsBetter ? 1 : -1;
  const sequentialOptions = {
    alpha,
    ...(input.sequentialTuning === undefined ? {} : { tuning: input.sequentialTuning }),
  };

  const raw = summaries.slice(1).map((treatment, k) => {
    const aggregate = variants[k + 1] as VariantAggregate;
    const difference = treatment.mean - control.mean;
    const se2 = control.variance / control.n + treatment.variance / treatment.n;
    const pooledSd = Math.sqrt(
      ((control.n - 1) * control.variance + (treatment.n - 1) * treatment.variance) /
        (control.n + treatment.n - 2),
    );
    let ci: [number, number];
    let pValue: number;
    let cohensD: number;
    if (se2 === 0) {
      ci = [difference, difference];
      pValue = difference === 0 ? 1 : 0;
      cohensD = difference === 0 ? 0 : Math.sign(difference) * Number.POSITIVE_INFINITY;
    } else if (input.sequential) {
      const cs = asymptoticConfidenceSequence(control, treatment, sequentialOptions);
      ci = [cs.lower, cs.upper];
      pValue = alwaysValidPValue(control, treatment, sequentialOptions);
      cohensD = difference / pooledSd;
    } else {
      const welch = welchTTestFromSummary(control, treatment, { confidence: confidenceLevel });
      ci = [welch.ci[0], welch.ci[1]];
      pValue = welch.pValue;
      cohensD = welch.cohensD;
    }
    const extra: {
      achievedPower?: number;
      requiredSampleSizePerVariant?: number;
      chanceToBeatControl?: number;
      lossCheck?: LossCheckResult;
    } = {};
    if (mde !== undefined && pooledSd > 0) {
      const effectSize = mde / pooledSd;
      extra.achievedPower = power({
        effectSize,
        nControl: control.n,
        nTreatment: treatment.n,
        alpha,
      });
      extra.requiredSampleSizePerVariant = requiredSampleSize({ effectSize, alpha, power: 0.8 });
    }
    if (binary) {
      const higher = chanceToBeatControl(
        { successes: controlAggregate.sum, trials: control.n },
        { successes: aggregate.sum, trials: treatment.n },
      );
      // P(p_T < p_C) = 1 − P(p_T > p_C): ties have probability 0 under continuous posteriors.
      extra.chanceToBeatControl = input.higherIsBetter ? higher : 1 - higher;
    }
    if (input.maxLoss !== undefined && se2 > 0) {
      extra.lossCheck = oneSidedLossCheck({
        control,
        treatment,
        maxLoss: input.maxLoss,
        higherIsBetter: input.higherIsBetter,
        alpha,
        ...(input.sequentialTuning === undefined ? {} : { tuning: input.sequentialTuning }),
      });
    }
    return {
      ...(stats[k + 1] as VariantStats),
      variant: aggregate.name,
      difference,
      relativeDifference: control.mean === 0 ? null : difference / control.mean,
      ci,
      pValue,
      cohensD,
      ...extra,
    };
  });

  const adjusted = holmBonferroni(raw.map((c) => c.pValue));
  const comparisons: Comparison[] = raw.map((c, k) => {
    const adjustedPValue = adjusted[k] as number;
    const significant = adjustedPValue < alpha;
    const better = sign * c.difference > 0;
    const worse = sign * c.difference < 0;
    const direction = significant && better ? 'better' : significant && worse ? 'worse' : 'none';
    return { ...c, adjustedPValue, significant, direction };
  });

  let best: Comparison | undefined;
  for (const c of comparisons) {
    if (
      c.direction === 'better' &&
      (best === undefined || sign * c.difference > sign * best.difference)
    ) {
      best = c;
    }
  }
  const winner = srm?.mismatch || best === undefined ? null : best.variant;
  const losers = comparisons.filter((c) => c.direction === 'worse').map((c) => c.variant);

  const recommendation = recommend({
    srm,
    weights: weights ?? [],
    counts,
    comparisons,
    best: winner === null ? undefined : best,
    controlN: control.n,
    confidenceLevel,
    sequential: input.sequential,
    higherIsBetter: input.higherIsBetter,
    mde,
  });

  return {
    metricKind: input.metricKind,
    confidenceLevel,
    sequential: input.sequential,
    variants: stats,
    comparisons,
    srm,
    winner,
    losers,
    recommendation,
  };
}

/** Input of {@link oneSidedLossCheck}. */
export interface LossCheckInput {
  /** `{ n, mean, variance }` of the control (variance with n − 1). */
  readonly control: Summary;
  /** `{ n, mean, variance }` of the treatment. */
  readonly treatment: Summary;
  /** Largest tolerated loss, ≥ 0, in the metric's units. */
  readonly maxLoss: number;
  readonly higherIsBetter: boolean;
  /** One-sided error level α in (0, 0.5), default 0.05. */
  readonly alpha?: number;
  /** Sequential tuning N*, default 5000. */
  readonly tuning?: number;
}

/** Result of {@link oneSidedLossCheck}. */
export interface LossCheckResult {
  /** True when the treatment is worse than the control by more than maxLoss (always-valid). */
  readonly exceedsMaxLoss: boolean;
  /** mean(treatment) − mean(control). */
  readonly difference: number;
  /**
   * The one-sided bound tested: the upper bound of treatment − control when higher is better
   * (flag when it is below −maxLoss), the lower bound when lower is better (flag when above
   * maxLoss).
   */
  readonly bound: number;
  /** The one-sided level α used. */
  readonly alpha: number;
}

/**
 * The `maxLoss` rule of `monitor()`: is the treatment worse than the control by more than
 * `maxLoss`, with confidence that stays valid however often the check runs?
 *
 * Construction: the two-sided asymptotic confidence sequence of `./sequential.ts`
 * (Waudby-Smith et al., gbstats' form) at level 1 − 2α, i.e. `asymptoticConfidenceSequence(
 * control, treatment, { alpha: 2α, tuning })`, of which only one side is used. When higher is
 * better, the treatment is flagged when the sequence's upper bound of treatment − control is
 * below −maxLoss; when lower is better, when its lower bound is above +maxLoss. By symmetry of
 * the sequence, each side carries half of its 2α miss probability (exactly so up to paths that
 * cross both boundaries, which are rare), so a treatment whose true loss is at most maxLoss is
 * wrongly stopped at some look with probability about α (asymptotically), and never more than
 * 2α (Ville's inequality on the two-sided sequence). It never reacts to a raw threshold on noisy
 * means: a treatment that is only slightly worse, or worse by more than maxLoss but with too few
 * outcomes to be sure, is not flagged.
 *
 * @throws ValidationError naming the field (summaries as in `asymptoticConfidenceSequence`,
 *   maxLoss < 0, alpha outside (0, 0.5)).
 *
 * @example
 * ```ts
 * oneSidedLossCheck({
 *   control: { n: 4000, mean: 1.0, variance: 1 },
 *   treatment: { n: 4000, mean: 0.7, variance: 1 },
 *   maxLoss: 0.1,
 *   higherIsBetter: true,
 * }).exceedsMaxLoss; // true: worse by 0.3, upper bound about −0.238 < −0.1
 * ```
 */
export function oneSidedLossCheck(input: LossCheckInput): LossCheckResult {
  if (typeof input !== 'object' || input === null) {
    throw new ValidationError('input', 'must be an object', { received: input });
  }
  checkNonNegative(input.maxLoss, 'maxLoss');
  checkFiniteNumber(input.maxLoss, 'maxLoss');
  if (typeof input.higherIsBetter !== 'boolean') {
    throw new ValidationError('higherIsBetter', 'must be a boolean', {
      received: input.higherIsBetter,
    });
  }
  const alpha = input.alpha ?? 0.05;
  if (typeof alpha !== 'number' || !(alpha > 0 && alpha < 0.5)) {
    throw new ValidationError('alpha', 'must be a number in (0, 0.5)', { received: alpha });
  }
  const cs = asymptoticConfidenceSequence(input.control, input.treatment, {
    alpha: 2 * alpha,
    ...(input.tuning === undefined ? {} : { tuning: input.tuning }),
  });
  const bound = input.higherIsBetter ? cs.upper : cs.lower;
  const exceedsMaxLoss = input.higherIsBetter ? bound < -input.maxLoss : bound > input.maxLoss;
  return { exceedsMaxLoss, difference: cs.difference, bound, alpha };
}

/**
 * `{ n, mean, variance }` from a database aggregate: mean = sum / n, variance =
 * (sumOfSquares − sum²/n) / (n − 1) clamped at 0 (0 when n < 2).
 *
 * @example
 * ```ts
 * summaryFromSums(4, 10, 30); // { n: 4, mean: 2.5, variance: 1.6666666666666667 }
 * ```
 */
export function summaryFromSums(n: number, sum: number, sumOfSquares: number): Summary {
  checkCount(n, 'n', 1);
  checkFiniteNumber(sum, 'sum');
  checkFiniteNumber(sumOfSquares, 'sumOfSquares');
  const mean = sum / n;
  const m2 = sumOfSquares - sum * mean;
  return { n, mean, variance: n > 1 ? Math.max(0, m2) / (n - 1) : 0 };
}

function checkVariant(v: VariantAggregate, i: number, binary: boolean): Summary {
  const name = `variants[${i}]`;
  if (typeof v !== 'object' || v === null) {
    throw new ValidationError(name, 'must be { name, n, sum, sumOfSquares }', { received: v });
  }
  if (typeof v.name !== 'string' || v.name === '') {
    throw new ValidationError(`${name}.name`, 'must be a non-empty string', { received: v.name });
  }
  checkCount(v.n, `${name}.n`, 2);
  checkFiniteNumber(v.sum, `${name}.sum`);
  checkFiniteNumber(v.sumOfSquares, `${name}.sumOfSquares`);
  if (binary) {
    if (!Number.isSafeInteger(v.sum) || v.sum < 0 || v.sum > v.n) {
      throw new ValidationError(
        `${name}.sum`,
        `must be a whole number of successes in [0, ${v.n}]`,
        {
          received: v.sum,
        },
      );
    }
    if (v.sumOfSquares !== v.sum) {
      throw new ValidationError(`${name}.sumOfSquares`, 'must equal sum for a binary metric', {
        received: v.sumOfSquares,
      });
    }
  } else if (v.sumOfSquares < 0) {
    throw new ValidationError(`${name}.sumOfSquares`, 'must not be negative', {
      received: v.sumOfSquares,
    });
  }
  return summaryFromSums(v.n, v.sum, v.sumOfSquares);
}

function describeVariant(v: VariantAggregate, s: Summary, binary: boolean): VariantStats {
  return binary
    ? { name: v.name, n: s.n, mean: s.mean, rate: s.mean }
    : { name: v.name, n: s.n, mean: s.mean, sd: Math.sqrt(s.variance) };
}

interface RecommendInput {
  readonly srm: { readonly pValue: number; readonly mismatch: boolean } | null;
  readonly weights: readonly number[];
  readonly counts: readonly number[];
  readonly comparisons: readonly Comparison[];
  readonly best: Comparison | undefined;
  readonly controlN: number;
  readonly confidenceLevel: number;
  readonly sequential: boolean;
  readonly higherIsBetter: boolean;
  readonly mde: number | undefined;
}

function recommend(r: RecommendInput): string {
  if (r.srm?.mismatch) {
    const split = r.weights.map((w) => String(Math.round(w * 1000) / 10)).join('/');
    const counts = r.counts.map(formatCount).join(' vs ');
    return `sample ratio mismatch: the split is not ${split} (p = ${formatP(r.srm.pValue)}, n = ${counts}); do not trust these results`;
  }
  const level = `${Math.round(r.confidenceLevel * 1000) / 10}%`;
  const ciLabel = r.sequential ? `always-valid ${level} CI` : `${level} CI`;
  // Report the difference in the better direction ("better (lower) by" when lower is better).
  const describe = (c: Comparison, verb: 'better' | 'worse'): string => {
    const sign = (verb === 'better') === r.higherIsBetter ? 1 : -1;
    const amount = sign * c.difference;
    const lo = Math.min(sign * c.ci[0], sign * c.ci[1]);
    const hi = Math.max(sign * c.ci[0], sign * c.ci[1]);
    const digits = decimals((hi - lo) / 2);
    const word = r.higherIsBetter ? verb : `${verb} (${verb === 'better' ? 'lower' : 'higher'})`;
    return `${c.variant} ${word} by ${amount.toFixed(digits)} (${ciLabel} ${lo.toFixed(digits)}..${hi.toFixed(digits)}), p = ${formatP(c.adjustedPValue)}, n = ${formatCount(c.n)} vs ${formatCount(r.controlN)}`;
  };
  if (r.best !== undefined) return describe(r.best, 'better');
  const worst = r.comparisons.find((c) => c.direction === 'worse');
  if (worst !== undefined) return `${describe(worst, 'worse')}; keep the control`;
  // Nothing significant: report the treatment closest to significance.
  let closest = r.comparisons[0] as Comparison;
  for (const c of r.comparisons) if (c.adjustedPValue < closest.adjustedPValue) closest = c;
  const digits = decimals((closest.ci[1] - closest.ci[0]) / 2);
  let sentence = `no significant difference yet: ${closest.variant} − control = ${closest.difference.toFixed(digits)} (${ciLabel} ${closest.ci[0].toFixed(digits)}..${closest.ci[1].toFixed(digits)}), p = ${formatP(closest.adjustedPValue)}, n = ${formatCount(closest.n)} vs ${formatCount(r.controlN)}`;
  if (r.mde !== undefined && closest.requiredSampleSizePerVariant !== undefined) {
    sentence += `; about ${formatCount(closest.requiredSampleSizePerVariant)} per variant are needed to detect ${r.mde}`;
  }
  return sentence;
}

/** Decimals that show the interval's half-width to two significant digits. */
function decimals(halfWidth: number): number {
  if (!(halfWidth > 0) || !Number.isFinite(halfWidth)) return 4;
  return Math.min(15, Math.max(0, 1 - Math.floor(Math.log10(halfWidth))));
}

function formatP(p: number): string {
  if (p >= 0.01) return p.toFixed(2);
  if (p >= 0.001) return p.toFixed(3);
  return p.toExponential(1);
}

function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
