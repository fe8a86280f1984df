/**
 * `lab.drift`: drift detection. The facade, its public types, the streaming detectors and the
 * pure batch checks (usable without a lab); codecs and storage glue are internal.
 *
 * @module
 */
export {
  autoMethod,
  type CheckFeatureOptions,
  type CheckFeaturesOptions,
  checkFeature,
  checkFeatures,
  type DataDrift,
  DEFAULT_DRIFT_SHARE,
  DEFAULT_DRIFT_THRESHOLDS,
  DRIFT_METHODS,
  type DriftMethod,
  type FeatureDrift,
  SMALL_SAMPLE_MAX,
} from './data-drift.js';
export {
  type BaselineInput,
  baselineInputSchema,
  type CheckInput,
  checkInputSchema,
} from './definition.js';
export {
  type AdwinDetector,
  type AdwinOptions,
  type AdwinRowState,
  type AdwinState,
  createDetector,
  type DdmDetector,
  type DdmOptions,
  type DdmState,
  DETECTOR_KINDS,
  type DetectorByKind,
  type DetectorKind,
  type DetectorOptionsByKind,
  type DetectorState,
  type DriftDetector,
  type DriftSignal,
  type KswinDetector,
  type KswinOptions,
  type KswinSettings,
  type KswinState,
  type PageHinkleyDetector,
  type PageHinkleyMode,
  type PageHinkleyOptions,
  type PageHinkleyState,
  restoreDetector,
} from './detectors/index.js';
export {
  DRIFT_REPORT_TAG_PREFIX,
  DriftManager,
  type RetrainedModel,
  type RetrainInput,
} from './manager.js';
export {
  checkPerformance,
  DEFAULT_PERFORMANCE_THRESHOLD,
  defaultHigherIsBetter as defaultMetricHigherIsBetter,
  type MetricDrift,
  type PerformanceDrift,
  type PerformanceOptions,
} from './performance.js';
export {
  buildCategoricalSketch,
  buildNumericSketch,
  buildSketch,
  type CategoricalSketch,
  type CategoricalSketchOptions,
  DEFAULT_BINS,
  DEFAULT_MAX_CATEGORIES,
  DEFAULT_MAX_SAMPLES,
  type FeatureSketch,
  type NumericSketch,
  type NumericSketchOptions,
  OTHER_CATEGORY,
} from './sketch.js';
export type {
  ConceptDrift,
  DriftBaseline,
  DriftHandler,
  DriftReport,
  DriftReportFilter,
  DriftReportPage,
  ErrorBaseline,
  ModelRef,
  ModelSelector,
  PredictionsInput,
  RetrainResult,
} from './types.js';
