/**
 * The `abTests` options of `createLab`: durability and limits of the prediction and outcome
 * buffer, how many unanswered predictions are kept in memory, and the refresh and monitor timers.
 *
 * @module
 */
import { z } from 'zod';
import {
  type BufferOptions,
  bufferOptionsSchema,
  resolveBufferOptions,
} from '../experiments/options.js';
import { parseInput } from '../experiments/parse.js';

/**
 * Options of `lab.abTests`, given as `createLab(backend, { abTests: { ... } })`.
 *
 * @example
 * ```ts
 * const lab = await createLab(postgres({ connectionString }), {
 *   abTests: { refreshMs: 5000, monitor: { intervalMs: 60_000 } },
 * });
 * ```
 */
export interface AbTestOptions {
  /**
   * `buffered` (default): `recordPrediction` and `recordOutcome` return at once and persist in
   * batches through one bounded write-behind buffer. `sync`: `recordOutcome` resolves only when
   * the outcome (and every prediction recorded before it) is durable.
   */
  durability?: 'buffered' | 'sync';
  /**
   * Limits of the prediction and outcome buffer. Defaults as for experiments (1000 per batch,
   * 200 ms, 100 000 held, 10 retries), except 5000 per batch on a backend that appends through
   * an appender (DuckDB), whose cost per transaction is high (1.6x the throughput measured).
   */
  buffer?: BufferOptions;
  /**
   * Predictions awaiting their outcome that are kept in memory, so `recordOutcome` needs no
   * database read (default 100 000). Beyond it the oldest are forgotten; their outcomes are
   * still accepted, after one lookup in the database.
   */
  maxPendingPredictions?: number;
  /**
   * Every `refreshMs`, reload the state of the tests this lab routes (status and stopped
   * variants set by other processes) and the bandits' statistics from the database aggregates,
   * on an `unref()`ed timer stopped by `close()`. Off by default (quantlab starts no timer
   * unless asked); with one process nothing needs refreshing.
   */
  refreshMs?: number;
  /** Run `lab.abTests.monitor()` every `intervalMs` on an `unref()`ed timer stopped by `close()`. */
  monitor?: { intervalMs: number };
}

const timerMs = () =>
  z
    .number()
    .int('must be an integer')
    .min(10, 'must be at least 10')
    .max(2_147_483_647, 'must be at most 2147483647');

const optionsSchema = z.strictObject({
  durability: z.enum(['buffered', 'sync'], { error: 'must be "buffered" or "sync"' }).optional(),
  buffer: bufferOptionsSchema.optional(),
  maxPendingPredictions: z
    .number()
    .int('must be an integer')
    .nonnegative('must not be negative')
    .optional(),
  refreshMs: timerMs().optional(),
  monitor: z.strictObject({ intervalMs: timerMs() }).optional(),
});

/** The options with defaults applied. @internal */
export interface ResolvedAbTestOptions {
  durability: 'buffered' | 'sync';
  buffer: Required<BufferOptions>;
  maxPendingPredictions: number;
  refreshMs: number | undefined;
  monitorIntervalMs: number | undefined;
}

/**
 * Validates the options and applies the defaults.
 *
 * @throws ValidationError naming the field as `options.abTests.<path>`.
 * @internal
 */
export function resolveAbTestOptions(
  input: unknown = {},
  defaults: { maxBatch?: number } = {},
): ResolvedAbTestOptions {
  const options = parseInput(optionsSchema, input ?? {}, 'options.abTests', { prefix: true });
  const buffer = resolveBufferOptions(options.buffer);
  if (options.buffer?.maxBatch === undefined && defaults.maxBatch !== undefined) {
    buffer.maxBatch = defaults.maxBatch;
  }
  return {
    durability: options.durability ?? 'buffered',
    buffer,
    maxPendingPredictions: options.maxPendingPredictions ?? 100_000,
    refreshMs: options.refreshMs,
    monitorIntervalMs: options.monitor?.intervalMs,
  };
}
