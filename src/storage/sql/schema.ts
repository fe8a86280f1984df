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
  quantlab_migrations: MigrationsTable;
}
