/**
 * The public shapes of `lab.abTests`: a test as `get` returns it, a route, the options of the
 * write calls and the results of the analysis.
 *
 * @module
 */
import type { AbTestStatus, JsonObject, ModelVersionRecord } from '../storage/records.js';
import type { Allocation, MetricSpec } from './definition.js';

export type { AbTestStatus } from '../storage/records.js';

/** One variant of a test, with the model version it was pinned to at creation. */
export interface AbTestVariant {
  readonly name: string;
  /** The model's name in the registry. */
  readonly model: string;
  /** The version the variant's reference (version, stage or alias) resolved to at creation. */
  readonly version: string;
  /** sha256 of the version's artifact. */
  readonly artifactId: string;
  /**
   * The variant's share of units: as configured for hash and weighted allocation, equal shares
   * for random allocation; for bandits and shadow mode the nominal equal share (the split is
   * adaptive, or every unit gets the control).
   */
  readonly weight: number;
}

/** An A/B test as stored, with its decision rules and what happened since it was created. */
export interface AbTest {
  readonly id: string;
  readonly name: string;
  readonly description: string | null;
  readonly status: AbTestStatus;
  /** The variants; the first is the control (the champion). */
  readonly variants: readonly AbTestVariant[];
  readonly allocation: Allocation;
  /** Exploration share of epsilon-greedy allocation, else null. */
  readonly epsilon: number | null;
  /** Per-variant floor of Thompson sampling, else null. */
  readonly minWeight: number | null;
  /** Share of units in the test. */
  readonly coverage: number;
  /** Seed of hash allocation (the test id unless set). */
  readonly hashSeed: string;
  /** `split`: each unit gets one variant. `shadow`: the control acts, the others are recorded beside it. */
  readonly mode: 'split' | 'shadow';
  readonly primaryMetric: string;
  readonly metricKind: 'continuous' | 'binary';
  readonly higherIsBetter: boolean;
  readonly secondaryMetrics: readonly MetricSpec[];
  readonly confidenceLevel: number;
  readonly minimumDetectableEffect: number | null;
  /** The configured minimum; `results()` reports it raised to the sample size the MDE needs. */
  readonly minSamplesPerVariant: number;
  readonly maxLoss: number | null;
  readonly endAt: Date | null;
  readonly sequential: boolean;
  readonly autoPromote: boolean;
  readonly metadata: JsonObject;
  /** Treatments stopped by the maxLoss rule: their units get the control (not in the test). */
  readonly stoppedVariants: readonly string[];
  /** Why the test ended (`completed`, `forced`, `end_at`, `max_loss`, `auto_promote`, a failure message), or null. */
  readonly endReason: string | null;
  /** The winning variant when the test ended with one, else null. */
  readonly winner: string | null;
  /** The model version promoted to production when the test ended, else null. */
  readonly promoted: { readonly model: string; readonly version: string } | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly startedAt: Date | null;
  readonly endedAt: Date | null;
}

/** A variant a shadow-mode route also hands out: predict with it and record it beside the control. */
export interface ShadowRoute {
  readonly variant: string;
  readonly model: ModelVersionRecord;
  readonly artifact: Uint8Array;
}

/**
 * What `route` returns: the variant for this unit with its model version and artifact bytes
 * (loaded once when the test was created or loaded), so the bot can predict at once.
 */
export interface Route {
  readonly variant: string;
  /** Position of the variant in the test's variants (0 is the control). */
  readonly variantIndex: number;
  readonly model: ModelVersionRecord;
  /** The artifact bytes of `model` (shared between calls: do not modify). */
  readonly artifact: Uint8Array;
  /**
   * Whether the unit is part of the test. False for units outside `coverage`, while the test is
   * not running, and for units of a stopped variant: they get the control, and their
   * predictions should not be recorded into the test.
   */
  readonly inTest: boolean;
  /** Shadow mode: the other variants, to predict with and record beside the control; else empty. */
  readonly shadows: readonly ShadowRoute[];
}

/** Input of `route`. */
export interface RouteInput {
  /**
   * The unit that is assigned (an account, symbol, order or user id). Required with hash
   * allocation: the same unit gets the same variant in every process.
   */
  readonly unit?: string;
  /** Free context for the caller's own use; routing does not read it. */
  readonly context?: unknown;
}

/** Input of `recordPrediction`. */
export interface PredictionInput {
  /** The variant whose prediction is used (the route's `variant`). */
  readonly variant: string;
  readonly unit?: string;
  /** The features the prediction was made from (a JSON object). */
  readonly features?: { readonly [name: string]: unknown };
  /** The prediction: a finite number (for a binary metric a probability or 0/1). */
  readonly prediction: number;
  /** The model's confidence, a finite number. */
  readonly confidence?: number;
  /** Shadow mode: the other variants' predictions for the same unit, by variant name. */
  readonly shadowPredictions?: { readonly [variant: string]: number };
}

/** Options of `recordOutcome`. */
export interface OutcomeOptions {
  /**
   * The caller's own metrics of this outcome (PnL, slippage, ...), finite numbers by name; they
   * are scored for the prediction's variant only (never for shadow variants).
   */
  readonly metrics?: { readonly [name: string]: number | boolean };
}

/** One variant in `results`. */
export interface VariantResult {
  readonly name: string;
  readonly model: string;
  readonly version: string;
  /** Predictions recorded for the variant (shadow predictions included). */
  readonly predictions: number;
  /** Outcomes of the primary metric. */
  readonly n: number;
  /** Mean of the primary metric (the rate for a binary metric); null without outcomes. */
  readonly mean: number | null;
  /** Sample standard deviation of a continuous primary metric; null otherwise. */
  readonly sd: number | null;
  /** Binary primary metric: the success rate; null otherwise. */
  readonly rate: number | null;
  /** Mean absolute error of the predictions; null without outcomes. */
  readonly mae: number | null;
  /** Mean squared error; null without outcomes. */
  readonly mse: number | null;
  /** Root mean squared error; null without outcomes. */
  readonly rmse: number | null;
  /** Stopped by the maxLoss rule. */
  readonly stopped: boolean;
}

/** One treatment against the control on the primary metric. */
export interface VariantComparison {
  readonly variant: string;
  readonly n: number;
  readonly mean: number;
  /** mean(treatment) − mean(control). */
  readonly difference: number;
  /** difference / mean(control); null when the control's mean is 0. */
  readonly relativeDifference: number | null;
  /** Welch's interval, or the always-valid confidence sequence with `sequential`. */
  readonly ci: readonly [number, number];
  /** Welch's two-sided p-value, or the always-valid one with `sequential`. */
  readonly pValue: number;
  /** Holm-adjusted across the treatments. */
  readonly adjustedPValue: number;
  readonly cohensD: number;
  /** Power to detect the MDE at the current sample sizes (with an MDE). */
  readonly achievedPower: number | null;
  /** Per-variant sample size that detects the MDE with 80 % power (with an MDE). */
  readonly requiredSampleSizePerVariant: number | null;
  /** Binary metrics: posterior probability that the treatment is better. */
  readonly chanceToBeatControl: number | null;
  readonly significant: boolean;
  readonly direction: 'better' | 'worse' | 'none';
  /** With maxLoss: whether the treatment is worse by more than maxLoss (one-sided, always-valid). */
  readonly exceedsMaxLoss: boolean | null;
}

/** One treatment against the control on a secondary metric. */
export interface SecondaryComparison {
  readonly metric: string;
  readonly variant: string;
  readonly difference: number;
  readonly ci: readonly [number, number];
  readonly pValue: number;
  /** Benjamini-Hochberg adjusted across all secondary metrics and treatments. */
  readonly adjustedPValue: number;
  readonly significant: boolean;
  readonly direction: 'better' | 'worse' | 'none';
}

/** What `results` returns: the analysis of a test from the database aggregates. */
export interface AbTestResults {
  readonly testId: string;
  readonly name: string;
  readonly status: AbTestStatus;
  readonly primaryMetric: string;
  readonly metricKind: 'continuous' | 'binary';
  readonly higherIsBetter: boolean;
  readonly confidenceLevel: number;
  readonly sequential: boolean;
  readonly variants: readonly VariantResult[];
  /**
   * The minimum outcomes per variant before the test may complete: `minSamplesPerVariant`
   * raised to the sample size the MDE needs at the observed spread.
   */
  readonly minimumSamplesPerVariant: number;
  /** Every variant has at least `minimumSamplesPerVariant` outcomes. */
  readonly enoughSamples: boolean;
  /** One per treatment; empty until every variant has 2 outcomes. */
  readonly comparisons: readonly VariantComparison[];
  readonly secondary: readonly SecondaryComparison[];
  /**
   * Sample ratio mismatch of the predictions against the configured split (chi-square, mismatch
   * at p < 0.001); null for bandits and shadow mode, whose split is not fixed.
   */
  readonly srm: {
    readonly chi2: number;
    readonly pValue: number;
    readonly mismatch: boolean;
  } | null;
  /** The significantly better treatment with the largest gain, or null (always null on SRM). */
  readonly winner: string | null;
  /** Treatments significantly worse than the control. */
  readonly losers: readonly string[];
  /** One plain-words sentence: "challenger better by 0.12 (always-valid 95% CI 0.05..0.19), p = 0.001, n = 5,000 vs 5,000". */
  readonly recommendation: string;
}

/** Filter of `list`. */
export interface AbTestFilter {
  readonly status?: AbTestStatus | readonly AbTestStatus[];
  readonly name?: string;
  /** Page size, 1 to 1000 (default 100). */
  readonly limit?: number;
  /** `nextCursor` of the previous page. */
  readonly cursor?: string;
}

/** One page of tests, newest first. */
export interface AbTestPage {
  readonly tests: readonly AbTest[];
  /** Pass to `list` for the next page; null on the last one. */
  readonly nextCursor: string | null;
}

/** What one `monitor()` pass did, per test it acted on. */
export interface MonitorAction {
  readonly testId: string;
  readonly action: 'completed' | 'stopped_variant' | 'promoted';
  /** The variant stopped or promoted, when there is one. */
  readonly variant: string | null;
  readonly reason: string;
}
