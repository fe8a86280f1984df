import type { Selectable } from 'kysely';
import type {
  ArtifactHead,
  ExperimentPatch,
  ExperimentRecord,
  LogRecord,
  MetricRecord,
} from '../records.js';
import type { ArtifactsTable, ExperimentsTable, LogsTable, MetricsTable } from './schema.js';
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
  };
}

function encodeOptionalDate(t: DialectTraits, value: Date | null): unknown {
  return value === null ? null : t.encodeDate(value);
}

function decodeOptionalDate(t: DialectTraits, value: unknown): Date | null {
  return value === null || value === undefined ? null : t.decodeDate(value);
}
