import type { Selectable } from 'kysely';
import type {
  AbAggregate,
  AbTestPatch,
  AbTestRecord,
  AbTestStatus,
  ArtifactHead,
  DriftBaselineFeature,
  DriftBaselineRecord,
  DriftReportRecord,
  ExperimentPatch,
  ExperimentRecord,
  JsonObject,
  LogRecord,
  MetricRecord,
  ModelAliasRecord,
  ModelEventRecord,
  ModelStage,
  ModelVersionRecord,
  OutcomeRecord,
  PredictionRecord,
} from '../records.js';
import type {
  AbAggregatesTable,
  AbOutcomesTable,
  AbPredictionsTable,
  AbTestsTable,
  ArtifactsTable,
  DriftBaselineFeaturesTable,
  DriftBaselinesTable,
  DriftReportsTable,
  ExperimentsTable,
  LogsTable,
  MetricsTable,
  ModelAliasesTable,
  ModelEventsTable,
  ModelVersionsTable,
} from './schema.js';
import { type DialectTraits, decodeNumber } from './traits.js';

/**
 * Conversions between records and rows, one place per table, so the stores hold only queries.
 *
 * @internal
 */
export function experimentToRow(t: DialectTraits, r: ExperimentRecord): ExperimentsTable {
  return {
    id: r.id,
    ...experimentPatchToRow(t, r),
    created_at: t.encodeDate(r.createdAt),
  } as ExperimentsTable;
}

export function experimentPatchToRow(
  t: DialectTraits,
  p: ExperimentPatch,
): Partial<ExperimentsTable> {
  const row: Partial<ExperimentsTable> = {};
  if (p.name !== undefined) row.name = p.name;
  if (p.description !== undefined) row.description = p.description;
  if (p.type !== undefined) row.type = p.type;
  if (p.strategy !== undefined) row.strategy = p.strategy;
  if (p.status !== undefined) row.status = p.status;
  if (p.priority !== undefined) row.priority = p.priority;
  if (p.configHash !== undefined) row.config_hash = p.configHash;
  if (p.config !== undefined) row.config = t.encodeJson(p.config);
  if (p.tags !== undefined) row.tags = t.encodeJson(p.tags);
  if (p.parentId !== undefined) row.parent_id = p.parentId;
  if (p.gitCommit !== undefined) row.git_commit = p.gitCommit;
  if (p.provenance !== undefined) row.provenance = t.encodeJson(p.provenance);
  if (p.metadata !== undefined) row.metadata = t.encodeJson(p.metadata);
  if (p.error !== undefined) row.error = p.error;
  if (p.errorCount !== undefined) row.error_count = p.errorCount;
  if (p.resources !== undefined) {
    row.cpu_cores = p.resources.cpuCores;
    row.memory_gb = p.resources.memoryGb;
    row.gpu_units = p.resources.gpuUnits;
    row.disk_gb = p.resources.diskGb;
  }
  if (p.maxRuntimeHours !== undefined) row.max_runtime_hours = p.maxRuntimeHours;
  if (p.autoCleanup !== undefined) row.auto_cleanup = t.encodeBoolean(p.autoCleanup);
  if (p.queuedAt !== undefined) row.queued_at = encodeOptionalDate(t, p.queuedAt);
  if (p.updatedAt !== undefined) row.updated_at = t.encodeDate(p.updatedAt);
  if (p.startedAt !== undefined) row.started_at = encodeOptionalDate(t, p.startedAt);
  if (p.completedAt !== undefined) row.completed_at = encodeOptionalDate(t, p.completedAt);
  return row;
}

export function rowToExperiment(
  t: DialectTraits,
  row: Selectable<ExperimentsTable>,
): ExperimentRecord {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    type: row.type,
    strategy: row.strategy,
    status: row.status,
    priority: decodeNumber(row.priority),
    configHash: row.config_hash,
    config: t.decodeJson(row.config) as ExperimentRecord['config'],
    tags: t.decodeJson(row.tags) as string[],
    parentId: row.parent_id,
    gitCommit: row.git_commit,
    provenance: t.decodeJson(row.provenance) as ExperimentRecord['provenance'],
    metadata: t.decodeJson(row.metadata) as ExperimentRecord['metadata'],
    error: row.error,
    errorCount: decodeNumber(row.error_count),
    // NULL in the columns 0002 added reads as their default.
    resources: {
      cpuCores: decodeNumber(row.cpu_cores ?? 0),
      memoryGb: decodeNumber(row.memory_gb ?? 0),
      gpuUnits: decodeNumber(row.gpu_units ?? 0),
      diskGb: decodeNumber(row.disk_gb ?? 0),
    },
    maxRuntimeHours: decodeNumber(row.max_runtime_hours ?? 24),
    autoCleanup:
      row.auto_cleanup === null || row.auto_cleanup === undefined
        ? true
        : t.decodeBoolean(row.auto_cleanup),
    createdAt: t.decodeDate(row.created_at),
    updatedAt: t.decodeDate(row.updated_at),
    queuedAt: decodeOptionalDate(t, row.queued_at),
    startedAt: decodeOptionalDate(t, row.started_at),
    completedAt: decodeOptionalDate(t, row.completed_at),
  };
}

export function metricToRow(t: DialectTraits, r: MetricRecord): MetricsTable {
  return {
    experiment_id: r.experimentId,
    name: r.name,
    step: r.step,
    value: r.value,
    at: t.encodeDate(r.at),
  };
}

export function rowToMetric(t: DialectTraits, row: Selectable<MetricsTable>): MetricRecord {
  return {
    experimentId: row.experiment_id,
    name: row.name,
    step: decodeNumber(row.step),
    value: decodeNumber(row.value),
    at: t.decodeDate(row.at),
  };
}

export function logToRow(t: DialectTraits, r: LogRecord): LogsTable {
  return {
    id: r.id,
    experiment_id: r.experimentId,
    level: r.level,
    message: r.message,
    context: t.encodeJson(r.context),
    at: t.encodeDate(r.at),
  };
}

export function rowToLog(t: DialectTraits, row: Selectable<LogsTable>): LogRecord {
  return {
    id: row.id,
    experimentId: row.experiment_id,
    level: row.level as LogRecord['level'],
    message: row.message,
    context: t.decodeJson(row.context) as LogRecord['context'],
    at: t.decodeDate(row.at),
  };
}

export function rowToArtifactHead(
  t: DialectTraits,
  row: Omit<Selectable<ArtifactsTable>, 'bytes'>,
): ArtifactHead {
  return {
    id: row.id,
    type: row.type,
    name: row.name,
    size: decodeNumber(row.size),
    metadata: t.decodeJson(row.metadata) as ArtifactHead['metadata'],
    createdAt: t.decodeDate(row.created_at),
    // NULL (rows written before 0005) means the bytes are in the store.
    storage: row.storage === 'directory' ? 'directory' : 'backend',
  };
}

export function modelVersionToRow(t: DialectTraits, r: ModelVersionRecord): ModelVersionsTable {
  return {
    id: r.id,
    name: r.name,
    version: r.version,
    major: r.major,
    minor: r.minor,
    patch: r.patch,
    stage: r.stage,
    artifact_id: r.artifactId,
    model_type: r.modelType,
    features: t.encodeJson(r.features),
    target: r.target,
    hyperparameters: t.encodeJson(r.hyperparameters),
    preprocessing: t.encodeJson(r.preprocessing),
    feature_importance: t.encodeJson(r.featureImportance),
    metrics: t.encodeJson(r.metrics),
    validation_metrics: t.encodeJson(r.validationMetrics),
    test_metrics: t.encodeJson(r.testMetrics),
    training_data: r.trainingData === null ? null : t.encodeJson(r.trainingData),
    training_duration_seconds: r.trainingDurationSeconds,
    experiment_id: r.experimentId,
    tags: t.encodeJson(r.tags),
    description: r.description,
    trained_by: r.trainedBy,
    created_at: t.encodeDate(r.createdAt),
    updated_at: t.encodeDate(r.updatedAt),
  };
}

export function rowToModelVersion(
  t: DialectTraits,
  row: Selectable<ModelVersionsTable>,
): ModelVersionRecord {
  const object = (value: unknown) => t.decodeJson(value) as JsonObject;
  return {
    id: row.id,
    name: row.name,
    version: row.version,
    major: decodeNumber(row.major),
    minor: decodeNumber(row.minor),
    patch: decodeNumber(row.patch),
    stage: row.stage as ModelStage,
    artifactId: row.artifact_id,
    modelType: row.model_type,
    features: t.decodeJson(row.features) as string[],
    target: row.target,
    hyperparameters: object(row.hyperparameters),
    preprocessing: object(row.preprocessing),
    featureImportance: object(row.feature_importance),
    metrics: object(row.metrics),
    validationMetrics: object(row.validation_metrics),
    testMetrics: object(row.test_metrics),
    trainingData:
      row.training_data === null || row.training_data === undefined
        ? null
        : object(row.training_data),
    trainingDurationSeconds:
      row.training_duration_seconds === null ? null : decodeNumber(row.training_duration_seconds),
    experimentId: row.experiment_id,
    tags: t.decodeJson(row.tags) as string[],
    description: row.description,
    trainedBy: row.trained_by,
    createdAt: t.decodeDate(row.created_at),
    updatedAt: t.decodeDate(row.updated_at),
  };
}

export function aliasToRow(t: DialectTraits, r: ModelAliasRecord): ModelAliasesTable {
  return {
    name: r.name,
    alias: r.alias,
    version: r.version,
    updated_at: t.encodeDate(r.updatedAt),
  };
}

export function rowToAlias(t: DialectTraits, row: Selectable<ModelAliasesTable>): ModelAliasRecord {
  return {
    name: row.name,
    alias: row.alias,
    version: row.version,
    updatedAt: t.decodeDate(row.updated_at),
  };
}

export function modelEventToRow(t: DialectTraits, r: ModelEventRecord): ModelEventsTable {
  return {
    id: r.id,
    name: r.name,
    version: r.version,
    kind: r.kind,
    from_value: r.from,
    to_value: r.to,
    alias: r.alias,
    actor: r.actor,
    reason: r.reason,
    at: t.encodeDate(r.at),
  };
}

export function rowToModelEvent(
  t: DialectTraits,
  row: Selectable<ModelEventsTable>,
): ModelEventRecord {
  return {
    id: row.id,
    name: row.name,
    version: row.version,
    kind: row.kind as ModelEventRecord['kind'],
    from: row.from_value,
    to: row.to_value,
    alias: row.alias,
    actor: row.actor,
    reason: row.reason,
    at: t.decodeDate(row.at),
  };
}

export function abTestToRow(t: DialectTraits, r: AbTestRecord): AbTestsTable {
  return {
    id: r.id,
    name: r.name,
    status: r.status,
    definition: t.encodeJson(r.definition),
    state: t.encodeJson(r.state),
    created_at: t.encodeDate(r.createdAt),
    updated_at: t.encodeDate(r.updatedAt),
    started_at: encodeOptionalDate(t, r.startedAt),
    ended_at: encodeOptionalDate(t, r.endedAt),
  };
}

export function abTestPatchToRow(t: DialectTraits, p: AbTestPatch): Partial<AbTestsTable> {
  const row: Partial<AbTestsTable> = {};
  if (p.status !== undefined) row.status = p.status;
  if (p.state !== undefined) row.state = t.encodeJson(p.state);
  if (p.updatedAt !== undefined) row.updated_at = t.encodeDate(p.updatedAt);
  if (p.startedAt !== undefined) row.started_at = encodeOptionalDate(t, p.startedAt);
  if (p.endedAt !== undefined) row.ended_at = encodeOptionalDate(t, p.endedAt);
  return row;
}

export function rowToAbTest(t: DialectTraits, row: Selectable<AbTestsTable>): AbTestRecord {
  return {
    id: row.id,
    name: row.name,
    status: row.status as AbTestStatus,
    definition: t.decodeJson(row.definition) as JsonObject,
    state: t.decodeJson(row.state) as JsonObject,
    createdAt: t.decodeDate(row.created_at),
    updatedAt: t.decodeDate(row.updated_at),
    startedAt: decodeOptionalDate(t, row.started_at),
    endedAt: decodeOptionalDate(t, row.ended_at),
  };
}

export function predictionToRow(t: DialectTraits, r: PredictionRecord): AbPredictionsTable {
  return {
    id: r.id,
    test_id: r.testId,
    variant: r.variant,
    unit: r.unit,
    features: r.features === null ? null : t.encodeJson(r.features),
    prediction: r.prediction,
    confidence: r.confidence,
    shadow: r.shadow === null ? null : t.encodeJson(r.shadow),
    created_at: t.encodeDate(r.at),
  };
}

export function rowToPrediction(
  t: DialectTraits,
  row: Selectable<AbPredictionsTable>,
): PredictionRecord {
  return {
    id: row.id,
    testId: row.test_id,
    variant: row.variant,
    unit: row.unit,
    features: isNull(row.features) ? null : (t.decodeJson(row.features) as JsonObject),
    prediction: decodeNumber(row.prediction),
    confidence: row.confidence === null ? null : decodeNumber(row.confidence),
    shadow: isNull(row.shadow) ? null : (t.decodeJson(row.shadow) as PredictionRecord['shadow']),
    at: t.decodeDate(row.created_at),
  };
}

export function outcomeToRow(t: DialectTraits, r: OutcomeRecord): AbOutcomesTable {
  return {
    prediction_id: r.predictionId,
    variant: r.variant,
    test_id: r.testId,
    actual: r.actual,
    metric_values: t.encodeJson(r.values),
    created_at: t.encodeDate(r.at),
  };
}

export function rowToOutcome(t: DialectTraits, row: Selectable<AbOutcomesTable>): OutcomeRecord {
  return {
    predictionId: row.prediction_id,
    testId: row.test_id,
    variant: row.variant,
    actual: decodeNumber(row.actual),
    values: t.decodeJson(row.metric_values) as OutcomeRecord['values'],
    at: t.decodeDate(row.created_at),
  };
}

export function rowToAbAggregate(row: Selectable<AbAggregatesTable>): AbAggregate {
  return {
    variant: row.variant,
    metric: row.metric,
    n: decodeNumber(row.n),
    sum: decodeNumber(row.sum),
    sumOfSquares: decodeNumber(row.sum_of_squares),
  };
}

/** The head row of a drift baseline (its features go in their own rows). */
export function driftBaselineToRow(t: DialectTraits, r: DriftBaselineRecord): DriftBaselinesTable {
  return {
    model_name: r.modelName,
    model_version: r.modelVersion,
    metrics: t.encodeJson(r.metrics),
    extra: t.encodeJson(r.extra),
    created_at: t.encodeDate(r.createdAt),
  };
}

/** The feature rows of a drift baseline, each with its place in the record's order. */
export function driftBaselineFeatureRows(
  t: DialectTraits,
  r: DriftBaselineRecord,
): DriftBaselineFeaturesTable[] {
  return r.features.map((f, position) => ({
    model_name: r.modelName,
    model_version: r.modelVersion,
    feature: f.feature,
    position,
    sketch: t.encodeJson(f.sketch),
  }));
}

export function rowToDriftBaseline(
  t: DialectTraits,
  row: Selectable<DriftBaselinesTable>,
  features: DriftBaselineFeature[],
): DriftBaselineRecord {
  return {
    modelName: row.model_name,
    modelVersion: row.model_version,
    features,
    metrics: t.decodeJson(row.metrics) as DriftBaselineRecord['metrics'],
    extra: t.decodeJson(row.extra) as JsonObject,
    createdAt: t.decodeDate(row.created_at),
  };
}

export function rowToDriftBaselineFeature(
  t: DialectTraits,
  row: Pick<Selectable<DriftBaselineFeaturesTable>, 'feature' | 'sketch'>,
): DriftBaselineFeature {
  return { feature: row.feature, sketch: t.decodeJson(row.sketch) as JsonObject };
}

export function driftReportToRow(t: DialectTraits, r: DriftReportRecord): DriftReportsTable {
  return {
    id: r.id,
    model_name: r.modelName,
    model_version: r.modelVersion,
    drifted: t.encodeBoolean(r.drifted),
    data_drifted: t.encodeBoolean(r.dataDrifted),
    performance_drifted: t.encodeBoolean(r.performanceDrifted),
    concept_drifted: t.encodeBoolean(r.conceptDrifted),
    report: t.encodeJson(r.report),
    created_at: t.encodeDate(r.createdAt),
  };
}

export function rowToDriftReport(
  t: DialectTraits,
  row: Selectable<DriftReportsTable>,
): DriftReportRecord {
  return {
    id: row.id,
    modelName: row.model_name,
    modelVersion: row.model_version,
    drifted: t.decodeBoolean(row.drifted),
    dataDrifted: t.decodeBoolean(row.data_drifted),
    performanceDrifted: t.decodeBoolean(row.performance_drifted),
    conceptDrifted: t.decodeBoolean(row.concept_drifted),
    report: t.decodeJson(row.report) as JsonObject,
    createdAt: t.decodeDate(row.created_at),
  };
}

function isNull(value: unknown): boolean {
  return value === null || value === undefined;
}

function encodeOptionalDate(t: DialectTraits, value: Date | null): unknown {
  return value === null ? null : t.encodeDate(value);
}

function decodeOptionalDate(t: DialectTraits, value: unknown): Date | null {
  return value === null || value === undefined ? null : t.decodeDate(value);
}
