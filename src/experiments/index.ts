/**
 * The public surface of `lab.experiments` (re-exported from `quantlab`).
 *
 * @module
 */
export type {
  ComparedExperiment,
  ComparedMetric,
  ComparedParam,
  Comparison,
  MetricSummary,
} from './compare.js';
export { DEFAULT_LOWER_IS_BETTER } from './compare.js';
export {
  type AllowReadonlyArrays,
  EXPERIMENT_TYPES,
  type ExperimentDefinition,
  type ExperimentDefinitionInput,
  type ExperimentType,
  experimentDefinitionSchema,
  TIMEFRAMES,
  type Timeframe,
} from './definition.js';
export type { ExperimentFilter } from './filter.js';
export type { JsonInput, JsonObjectInput } from './json.js';
export {
  canTransition,
  EXPERIMENT_STATUSES,
  EXPERIMENT_TRANSITIONS,
  type ExperimentStatus,
} from './lifecycle.js';
export {
  type CompareOptions,
  type CreateOptions,
  ExperimentManager,
  type FindSimilarOptions,
} from './manager.js';
export type { BufferOptions, ExperimentOptions, ProvenanceOptions } from './options.js';
export type { Provenance } from './provenance.js';
export type { TradingFigures } from './trading.js';
export type {
  Experiment,
  ExperimentArtifacts,
  ExperimentPage,
  ExperimentSummary,
  LogLevel,
  LogMetricOptions,
  MetricPoint,
  ResultArtifacts,
  RunHandle,
  SummaryOptions,
  SweepResult,
} from './types.js';
