/**
 * The `experiments` options of `createLab`: scheduling limits, naming and cleanup rules, how
 * metrics are persisted, and where provenance is captured.
 *
 * @module
 */
import { z } from 'zod';
import type { ResourceDemand } from '../storage/records.js';
import { parseInput } from './parse.js';

/**
 * Options of `lab.experiments`, given as `createLab(backend, { experiments: { ... } })`.
 *
 * @example
 * ```ts
 * const lab = await createLab(sqlite({ filename: 'lab.db' }), {
 *   experiments: { maxConcurrent: 4, resources: { cpuCores: 16, memoryGb: 64 } },
 * });
 * ```
 */
export interface ExperimentOptions {
  /** Most experiments running at once; `start` refuses beyond it. Default: no limit. */
  maxConcurrent?: number;
  /**
   * Capacity per resource; `start` refuses when the running experiments' demand plus the new
   * one's would exceed a dimension given here. A dimension left out is unlimited.
   */
  resources?: Partial<ResourceDemand>;
  /**
   * Names are unique among live experiments (any status but cancelled and archived) created in
   * this many days before the new one; `create` throws `ConflictError` otherwise. 0 turns the
   * rule off. Default 30.
   */
  uniqueNameWindowDays?: number;
  /**
   * `sweep()` archives a completed experiment with `autoCleanup` this many days after it
   * completed. Default 30.
   */
  cleanupAfterDays?: number;
  /**
   * `buffered` (default): `logMetric`, `logMetrics` and `log` return at once and persist in
   * batches through a bounded write-behind buffer. `sync`: each call writes through and its
   * promise resolves when the write is durable.
   */
  durability?: 'buffered' | 'sync';
  /** Limits of the write-behind buffers (metrics and logs each have one). */
  buffer?: BufferOptions;
  /** Where provenance is captured from. */
  provenance?: ProvenanceOptions;
}

/** Limits of a write-behind buffer. */
export interface BufferOptions {
  /** Largest batch, and the pending count that starts a write at once. Default 1000. */
  maxBatch?: number;
  /** A batch is written at the latest this long after its oldest item arrived. Default 200 ms. */
  flushIntervalMs?: number;
  /** Most items held; beyond it calls throw `BackpressureError`. Default 100 000. */
  capacity?: number;
  /**
   * Retries of a failed batch (with exponential backoff from 100 ms, capped at 30 s) before it
   * is given up and reported as lost to `onError` with `final: true`. Default 10.
   */
  maxRetries?: number;
}

/** Where provenance is captured. */
export interface ProvenanceOptions {
  /** Capture git state and package versions automatically (default true). */
  capture?: boolean;
  /** Where git runs and the caller's package.json is looked for. Default `process.cwd()`. */
  cwd?: string;
}

const nonNegative = () => z.number().nonnegative('must not be negative');
const limit = () => z.number().positive('must be positive');

/** The zod schema of {@link BufferOptions} (shared with `abTests`). @internal */
export const bufferOptionsSchema = z.strictObject({
  maxBatch: z.number().int('must be an integer').positive('must be positive').optional(),
  flushIntervalMs: nonNegative().optional(),
  capacity: z.number().int('must be an integer').positive('must be positive').optional(),
  maxRetries: z
    .number()
    .int('must be an integer')
    .nonnegative('must not be negative')
    .or(z.literal(Number.POSITIVE_INFINITY))
    .optional(),
});

/** {@link BufferOptions} with defaults applied. @internal */
export function resolveBufferOptions(
  buffer: z.output<typeof bufferOptionsSchema> | undefined,
): Required<BufferOptions> {
  return {
    maxBatch: buffer?.maxBatch ?? 1000,
    flushIntervalMs: buffer?.flushIntervalMs ?? 200,
    capacity: buffer?.capacity ?? 100_000,
    maxRetries: buffer?.maxRetries ?? 10,
  };
}

const optionsSchema = z.strictObject({
  maxConcurrent: z
    .number()
    .int('must be an integer')
    .positive('must be positive')
    .or(z.literal(Number.POSITIVE_INFINITY))
    .optional(),
  resources: z
    .strictObject({
      cpuCores: limit().optional(),
      memoryGb: limit().optional(),
      gpuUnits: nonNegative().optional(),
      diskGb: limit().optional(),
    })
    .optional(),
  uniqueNameWindowDays: nonNegative().optional(),
  cleanupAfterDays: nonNegative().optional(),
  durability: z.enum(['buffered', 'sync'], { error: 'must be "buffered" or "sync"' }).optional(),
  buffer: bufferOptionsSchema.optional(),
  provenance: z
    .strictObject({ capture: z.boolean().optional(), cwd: z.string().min(1).optional() })
    .optional(),
});

/** The options with defaults applied. @internal */
export interface ResolvedExperimentOptions {
  maxConcurrent: number;
  /** Capacity per dimension; `Infinity` where unlimited. */
  capacity: ResourceDemand;
  uniqueNameWindowDays: number;
  cleanupAfterDays: number;
  durability: 'buffered' | 'sync';
  buffer: Required<BufferOptions>;
  provenance: { capture: boolean; cwd: string | undefined };
}

/**
 * Validates the options and applies the defaults.
 *
 * @throws ValidationError naming the field as `options.experiments.<path>`.
 * @example
 * ```ts
 * resolveExperimentOptions({ maxConcurrent: 2 }).capacity.cpuCores; // Infinity
 * ```
 * @internal
 */
export function resolveExperimentOptions(input: unknown = {}): ResolvedExperimentOptions {
  const options = parseInput(optionsSchema, input ?? {}, 'options.experiments', {
    prefix: true,
  });
  const unlimited = Number.POSITIVE_INFINITY;
  return {
    maxConcurrent: options.maxConcurrent ?? unlimited,
    capacity: {
      cpuCores: options.resources?.cpuCores ?? unlimited,
      memoryGb: options.resources?.memoryGb ?? unlimited,
      gpuUnits: options.resources?.gpuUnits ?? unlimited,
      diskGb: options.resources?.diskGb ?? unlimited,
    },
    uniqueNameWindowDays: options.uniqueNameWindowDays ?? 30,
    cleanupAfterDays: options.cleanupAfterDays ?? 30,
    durability: options.durability ?? 'buffered',
    buffer: resolveBufferOptions(options.buffer),
    provenance: {
      capture: options.provenance?.capture ?? true,
      cwd: options.provenance?.cwd,
    },
  };
}
