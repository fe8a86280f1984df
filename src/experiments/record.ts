/**
 * Conversions between what callers give and return and the stored {@link ExperimentRecord}.
 *
 * @module
 */
import type { ExperimentRecord, JsonObject, ResourceDemand } from '../storage/records.js';
import { configHash, experimentConfig } from './config-hash.js';
import type { ExperimentDefinition } from './definition.js';
import type { Provenance } from './provenance.js';
import type { Experiment } from './types.js';

/**
 * The stored record of a new experiment (status `created`) from a validated definition.
 *
 * @example
 * ```ts
 * const record = newExperimentRecord(parseExperimentDefinition(input), 'exp-1', provenance, now);
 * record.configHash; // 64 hex characters
 * ```
 * @internal
 */
export function newExperimentRecord(
  definition: ExperimentDefinition,
  id: string,
  provenance: Provenance,
  now: Date,
): ExperimentRecord {
  return {
    id,
    name: definition.name,
    description: definition.description ?? null,
    type: definition.type,
    strategy: definition.strategy,
    status: 'created',
    priority: definition.priority,
    configHash: configHash(definition),
    config: experimentConfig(definition),
    tags: definition.tags,
    parentId: definition.parentId ?? null,
    gitCommit: provenance.gitCommit,
    provenance: provenanceJson(provenance),
    metadata: definition.metadata,
    error: null,
    errorCount: 0,
    resources: demandOf(definition.resources),
    maxRuntimeHours: definition.maxRuntimeHours,
    autoCleanup: definition.autoCleanup,
    createdAt: now,
    updatedAt: now,
    queuedAt: null,
    startedAt: null,
    completedAt: null,
  };
}

/** A definition's resources with 0 for each dimension not given. @internal */
export function demandOf(
  resources: { [K in keyof ResourceDemand]?: number | undefined } | undefined,
): ResourceDemand {
  return {
    cpuCores: resources?.cpuCores ?? 0,
    memoryGb: resources?.memoryGb ?? 0,
    gpuUnits: resources?.gpuUnits ?? 0,
    diskGb: resources?.diskGb ?? 0,
  };
}

/** Provenance as the JSON stored with the experiment (`capturedAt` as an ISO string). @internal */
export function provenanceJson(provenance: Provenance): JsonObject {
  return {
    gitCommit: provenance.gitCommit,
    gitDirty: provenance.gitDirty,
    quantlabVersion: provenance.quantlabVersion,
    callerPackage: provenance.callerPackage,
    nodeVersion: provenance.nodeVersion,
    platform: provenance.platform,
    capturedAt: provenance.capturedAt.toISOString(),
  };
}

/**
 * The experiment as the facade returns it: the record plus its duration.
 *
 * @example
 * ```ts
 * toExperiment(record).durationMs; // 5400000 for a run of 1.5 hours
 * ```
 * @internal
 */
export function toExperiment(record: ExperimentRecord): Experiment {
  const durationMs =
    record.startedAt !== null && record.completedAt !== null
      ? record.completedAt.getTime() - record.startedAt.getTime()
      : null;
  return { ...record, durationMs } as Experiment;
}
