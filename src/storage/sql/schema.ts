/**
 * The SQL tables as Kysely sees them. Column values are typed `unknown` where the stored
 * representation differs per dialect (timestamps, JSON, bytes, 64-bit integers); the
 * {@link DialectTraits} encode and decode them.
 *
 * @internal
 */

/** An encoded value whose representation depends on the dialect. */
type Encoded = unknown;

export interface ExperimentsTable {
  id: string;
  name: string;
  description: string | null;
  type: string;
  strategy: string;
  status: string;
  priority: number;
  config_hash: string;
  config: Encoded;
  tags: Encoded;
  parent_id: string | null;
  git_commit: string | null;
  provenance: Encoded;
  metadata: Encoded;
  error: string | null;
  error_count: number;
  /** Added by 0002 as nullable columns with defaults (DuckDB cannot add NOT NULL columns). */
  cpu_cores: number | null;
  memory_gb: number | null;
  gpu_units: number | null;
  disk_gb: number | null;
  max_runtime_hours: number | null;
  auto_cleanup: Encoded;
  queued_at: Encoded;
  created_at: Encoded;
  updated_at: Encoded;
  started_at: Encoded;
  completed_at: Encoded;
}

export interface MetricsTable {
  experiment_id: string;
  name: string;
  step: Encoded;
  value: number;
  at: Encoded;
}

export interface LogsTable {
  id: string;
  experiment_id: string;
  level: string;
  message: string;
  context: Encoded;
  at: Encoded;
}

export interface ArtifactsTable {
  id: string;
  type: string;
  name: string | null;
  size: Encoded;
  metadata: Encoded;
  bytes: Encoded;
  created_at: Encoded;
  /** Added by 0005 (nullable, as DuckDB cannot add NOT NULL columns): NULL means `backend`. */
  storage: string | null;
}

export interface ArtifactInputsTable {
  artifact_id: string;
  input_id: string;
}

export interface ModelVersionsTable {
  id: string;
  name: string;
  version: string;
  major: number;
  minor: number;
  patch: number;
  stage: string;
  artifact_id: string;
  model_type: string;
  features: Encoded;
  target: string | null;
  hyperparameters: Encoded;
  preprocessing: Encoded;
  feature_importance: Encoded;
  metrics: Encoded;
  validation_metrics: Encoded;
  test_metrics: Encoded;
  training_data: Encoded;
  training_duration_seconds: number | null;
  experiment_id: string | null;
  tags: Encoded;
  description: string | null;
  trained_by: string | null;
  created_at: Encoded;
  updated_at: Encoded;
}

export interface ModelVersionTagsTable {
  version_id: string;
  tag: string;
}

export interface ModelAliasesTable {
  name: string;
  alias: string;
  version: string;
  updated_at: Encoded;
}

export interface ModelEventsTable {
  id: string;
  name: string;
  version: string | null;
  kind: string;
  from_value: string | null;
  to_value: string | null;
  alias: string | null;
  actor: string | null;
  reason: string | null;
  at: Encoded;
}

export interface ExperimentTagsTable {
  experiment_id: string;
  tag: string;
}

export interface ExperimentArtifactsTable {
  experiment_id: string;
  role: string;
  kind: string;
  artifact_id: string;
}

export interface AbTestsTable {
  id: string;
  name: string;
  status: string;
  definition: Encoded;
  state: Encoded;
  created_at: Encoded;
  updated_at: Encoded;
  started_at: Encoded;
  ended_at: Encoded;
}

/** Columns in the table's order (the DuckDB appender fills rows by position). */
export interface AbPredictionsTable {
  id: string;
  test_id: string;
  variant: string;
  unit: string | null;
  features: Encoded;
  prediction: number;
  confidence: number | null;
  shadow: Encoded;
  created_at: Encoded;
}

/** Columns in the table's order (the DuckDB appender fills rows by position). */
export interface AbOutcomesTable {
  prediction_id: string;
  variant: string;
  test_id: string;
  actual: number;
  /** The outcome's values by metric name (`values` is reserved in SQL). */
  metric_values: Encoded;
  created_at: Encoded;
}

export interface AbAggregatesTable {
  test_id: string;
  variant: string;
  metric: string;
  /** BIGINT: pg and DuckDB return it as a string or bigint. */
  n: Encoded;
  sum: number;
  sum_of_squares: number;
}

export interface DriftBaselinesTable {
  model_name: string;
  model_version: string;
  metrics: Encoded;
  extra: Encoded;
  created_at: Encoded;
}

export interface DriftBaselineFeaturesTable {
  model_name: string;
  model_version: string;
  feature: string;
  /** The feature's place in the caller's order, from 0. */
  position: number;
  sketch: Encoded;
}

export interface DriftReportsTable {
  id: string;
  model_name: string;
  model_version: string;
  drifted: Encoded;
  data_drifted: Encoded;
  performance_drifted: Encoded;
  concept_drifted: Encoded;
  report: Encoded;
  created_at: Encoded;
}

export interface MigrationsTable {
  name: string;
  applied_at: Encoded;
}

/** Table names carry a `quantlab_` prefix so they never collide with a host app's tables. */
export interface QuantlabSchema {
  quantlab_experiments: ExperimentsTable;
  quantlab_metrics: MetricsTable;
  quantlab_logs: LogsTable;
  quantlab_artifacts: ArtifactsTable;
  quantlab_experiment_tags: ExperimentTagsTable;
  quantlab_experiment_artifacts: ExperimentArtifactsTable;
  quantlab_artifact_inputs: ArtifactInputsTable;
  quantlab_model_versions: ModelVersionsTable;
  quantlab_model_version_tags: ModelVersionTagsTable;
  quantlab_model_aliases: ModelAliasesTable;
  quantlab_model_events: ModelEventsTable;
  quantlab_ab_tests: AbTestsTable;
  quantlab_ab_predictions: AbPredictionsTable;
  quantlab_ab_outcomes: AbOutcomesTable;
  quantlab_ab_aggregates: AbAggregatesTable;
  quantlab_drift_baselines: DriftBaselinesTable;
  quantlab_drift_baseline_features: DriftBaselineFeaturesTable;
  quantlab_drift_reports: DriftReportsTable;
  quantlab_migrations: MigrationsTable;
}
