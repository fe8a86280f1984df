/**
 * quantlab: experiment tracking, a model registry, A/B routing of live predictions and drift
 * detection for trading bots and backtests, over one storage interface.
 *
 * @example
 * ```ts
 * import { createLab } from 'quantlab';
 * import { memory } from 'quantlab/memory';
 *
 * await using lab = await createLab(memory());
 * ```
 *
 * @packageDocumentation
 */

export * from './ab/index.js';
export * from './artifacts/index.js';
export * from './drift/index.js';
export {
  BackendError,
  BackpressureError,
  ClosedError,
  ConflictError,
  InvalidTransitionError,
  LabError,
  type LabErrorCode,
  NotFoundError,
  ValidationError,
} from './errors.js';
export * from './experiments/index.js';
export {
  type BackgroundWriteContext,
  createLab,
  type Lab,
  type LabErrorListener,
  type LabInfo,
  type LabOptions,
} from './lab.js';
export type { Logger } from './logger.js';
export * from './models/index.js';
export type {
  AbTestStore,
  ArtifactStore,
  BackendCapabilities,
  BackendInfo,
  DriftStore,
  ExperimentStore,
  LogStore,
  MetricStore,
  MigrationResult,
  ModelStore,
  StorageBackend,
  StorageOperations,
  TransactionOptions,
} from './storage/backend.js';
export type {
  AbAggregate,
  AbRowCount,
  AbTestPatch,
  AbTestQuery,
  AbTestRecord,
  ArtifactHead,
  ArtifactInputLink,
  ArtifactLink,
  ArtifactRecord,
  DriftBaselineFeature,
  DriftBaselineRecord,
  DriftReportQuery,
  DriftReportRecord,
  ExperimentPatch,
  ExperimentQuery,
  ExperimentRecord,
  JsonObject,
  JsonValue,
  LogRecord,
  MetricAggregate,
  MetricQuery,
  MetricRecord,
  ModelAliasRecord,
  ModelEventKind,
  ModelEventRecord,
  ModelStage,
  ModelVersionPatch,
  ModelVersionQuery,
  ModelVersionRecord,
  OutcomeKey,
  OutcomeRecord,
  PredictionRecord,
  ResourceDemand,
  RunningTotals,
} from './storage/records.js';
