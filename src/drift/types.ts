/**
 * The public shapes of `lab.drift`: a baseline, a report and its parts, the filter and page of
 * `reports`, and the input and result of `retrainAndValidate`.
 *
 * @module
 */
import type { AbTest } from '../ab/types.js';
import type { ModelVersion } from '../models/manager.js';
import type { ModelStage } from '../storage/records.js';
import type { DataDrift } from './data-drift.js';
import type { DetectorKind } from './detectors/index.js';
import type { PerformanceDrift } from './performance.js';
import type { FeatureSketch } from './sketch.js';

/**
 * A model version, named directly or through the registry. With `version` the drift facade
 * needs no registry entry; with `stage` or `alias` it asks `lab.models` which version that is
 * now.
 *
 * @example
 * ```ts
 * const direct: ModelSelector = { name: 'direction', version: '1.4.0' };
 * const live: ModelSelector = { name: 'direction', stage: 'production' };
 * ```
 */
export type ModelSelector =
  | {
      readonly name: string;
      readonly version: string;
      readonly stage?: never;
      readonly alias?: never;
    }
  | {
      readonly name: string;
      readonly stage: ModelStage;
      readonly version?: never;
      readonly alias?: never;
    }
  | {
      readonly name: string;
      readonly alias: string;
      readonly version?: never;
      readonly stage?: never;
    };

/** A model version as drift records name it. */
export interface ModelRef {
  readonly name: string;
  readonly version: string;
}

/**
 * Predictions beside what happened, in the same order: what performance metrics and the error
 * stream are computed from.
 *
 * @example
 * ```ts
 * const predictions: PredictionsInput = { predicted: [0.01, -0.02], actual: [0.012, 0.004] };
 * const calls: PredictionsInput = { predicted: [0.8, 0.3], actual: [1, 0], binary: true };
 * ```
 */
export interface PredictionsInput {
  /** The model's predictions: finite numbers (probabilities for a binary target). */
  readonly predicted: ArrayLike<number>;
  /** The realised values, as many as `predicted`: finite numbers (0 or 1 when `binary`). */
  readonly actual: ArrayLike<number>;
  /**
   * The target is binary: a prediction is right when, rounded at 0.5, it equals the outcome.
   * Otherwise a prediction is right when its sign matches the outcome's (a return's direction).
   * Default false.
   */
  readonly binary?: boolean | undefined;
}

/**
 * What a baseline keeps of the prediction errors it was given: the running means and an
 * order-preserving sample that warms the concept-drift detector up at each check.
 */
export interface ErrorBaseline {
  /** Predictions the baseline was built from. */
  readonly count: number;
  /** Mean absolute error over all of them. */
  readonly meanAbsoluteError: number;
  /** Share of wrong calls (1 − hit rate) over all of them. */
  readonly missRate: number;
  /** Size of the stored sample (at most `maxSamples`). */
  readonly sampled: number;
}

/**
 * The baseline of a model version: a sketch per feature, the reference performance metrics and
 * (when it was given predictions) a summary of the errors.
 *
 * @example
 * ```ts
 * const baseline: DriftBaseline = await lab.drift.getBaseline({ name: 'direction', version: '1.4.0' });
 * baseline.features.spread.kind; // 'numeric'
 * ```
 */
export interface DriftBaseline {
  readonly model: ModelRef;
  readonly features: Readonly<Record<string, FeatureSketch>>;
  /** The metrics given, plus `mae`, `rmse` and `hit_rate` derived from predictions (given ones win). */
  readonly metrics: Readonly<Record<string, number>>;
  readonly errors: ErrorBaseline | null;
  readonly createdAt: Date;
}

/**
 * Concept drift: what a streaming detector saw in the prediction errors of a check, after
 * being warmed up on the baseline's error sample.
 *
 * @example
 * ```ts
 * const c: ConceptDrift = report.concept!;
 * if (c.drift) console.log(`${c.detector} fired at error ${c.firstDetection} of ${c.count}`);
 * ```
 */
export interface ConceptDrift {
  /** The detector that watched the stream. */
  readonly detector: DetectorKind;
  /**
   * The stream it watched: `absolute_error` (|actual − predicted|) or, for DDM, `miss` (1 for a
   * wrong call, 0 for a right one).
   */
  readonly stream: 'absolute_error' | 'miss';
  /** Values of the baseline's error sample fed first (0 without baseline errors). */
  readonly referenceCount: number;
  /** Values of the current stream. */
  readonly count: number;
  /** The detector signalled drift at least once within the current stream. */
  readonly drift: boolean;
  /** The detector signalled a warning (DDM only) within the current stream without drift after it. */
  readonly warning: boolean;
  /** Positions in the current stream (0-based) where drift was signalled; at most 100. */
  readonly detections: readonly number[];
  /** How many times drift was signalled in the current stream. */
  readonly detectionCount: number;
  /** Mean of the stream over the baseline's errors; null without them. */
  readonly referenceMean: number | null;
  /** Mean of the current stream. */
  readonly currentMean: number;
  /**
   * What absolute errors were divided by before the detector saw them: the 99th percentile of
   * the reference errors (of the current ones without a reference), so they lie mostly in
   * [0, 1], the range ADWIN's bound assumes. 1 for the `miss` stream.
   */
  readonly scale: number;
}

/**
 * One drift check: data drift per feature, performance drift per metric and concept drift on
 * the error stream, each present when the check was given what it needs, and the overall
 * verdict.
 *
 * @example
 * ```ts
 * const report: DriftReport = await lab.drift.check({ model, features: live });
 * if (report.drifted) console.warn(report.data?.features.filter((f) => f.drifted));
 * ```
 */
export interface DriftReport {
  /** Unique, time-ordered id (UUIDv7). */
  readonly id: string;
  readonly model: ModelRef;
  readonly createdAt: Date;
  /** When the baseline this check compared with was set. */
  readonly baselineCreatedAt: Date;
  /** Data, performance or concept drift was found. */
  readonly drifted: boolean;
  /** Present when the check was given features. */
  readonly data: DataDrift | null;
  /** Present when the check was given metrics or predictions. */
  readonly performance: PerformanceDrift | null;
  /** Present when the check was given predictions. */
  readonly concept: ConceptDrift | null;
}

/**
 * Filter of `reports`: newest first, one page at a time.
 *
 * @example
 * ```ts
 * const filter: DriftReportFilter = { model: { name: 'direction' }, from: lastWeek, driftedOnly: true };
 * ```
 */
export interface DriftReportFilter {
  /** One model (every version) or one version; default every model. */
  readonly model?: { readonly name: string; readonly version?: string };
  /** Reports created at or after this time. */
  readonly from?: Date;
  /** Reports created before this time. */
  readonly to?: Date;
  /** Only reports that found drift. */
  readonly driftedOnly?: boolean;
  /** Page size, 1 to 1000 (default 100). */
  readonly limit?: number;
  /** `nextCursor` of the previous page. */
  readonly cursor?: string;
}

/** A page of reports, newest first. */
export interface DriftReportPage {
  readonly reports: readonly DriftReport[];
  /** Pass as `cursor` for the next page; null on the last one. */
  readonly nextCursor: string | null;
}

/**
 * Called by `check` with each report that found drift. What it returns is awaited (a promise)
 * and otherwise ignored, so `(r) => lab.drift.retrainAndValidate(...)` is a handler as it is.
 *
 * @example
 * ```ts
 * const handler: DriftHandler = async (report) => alert(`drift on ${report.model.name}`);
 * ```
 */
export type DriftHandler = (report: DriftReport) => unknown;

/** The result of `retrainAndValidate`. */
export interface RetrainResult {
  /** The report the retraining answered. */
  readonly report: DriftReport;
  /** The version that was checked (the control of the test). */
  readonly champion: ModelVersion;
  /** The new version, registered in development with the tag `drift-report:<report id>`. */
  readonly challenger: ModelVersion;
  /** The validation test, champion (control) vs challenger, running. */
  readonly test: AbTest;
}
