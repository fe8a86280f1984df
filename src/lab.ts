import { z } from 'zod';
import { AbTestManager } from './ab/manager.js';
import { type AbTestOptions, resolveAbTestOptions } from './ab/options.js';
import { ArtifactManager, type ArtifactOptions } from './artifacts/manager.js';
import { DriftManager } from './drift/manager.js';
import { ValidationError } from './errors.js';
import { ExperimentManager } from './experiments/manager.js';
import { type ExperimentOptions, resolveExperimentOptions } from './experiments/options.js';
import { uuidv7Generator } from './ids.js';
import { type Logger, silentLogger } from './logger.js';
import { ModelRegistry } from './models/manager.js';
import type { BackendInfo, StorageBackend } from './storage/backend.js';

/** Options of {@link createLab}. */
export interface LabOptions {
  /** The lab's clock; inject a fixed one in tests. Default: the system clock. */
  clock?: () => Date;
  /** Uniform random numbers in [0, 1); inject a seeded one in tests. Default: `Math.random`. */
  random?: () => number;
  /** Where background problems are reported. Default: silent. */
  logger?: Logger;
  /** Bring the schema up to date before returning (default true). */
  migrate?: boolean;
  /**
   * Called for every failed background write (a write-behind batch of metrics, logs,
   * predictions or outcomes): `final: false` when it will be retried, `final: true` when it was
   * given up and its `items` are lost. Problems are also reported to `logger`.
   */
  onError?: LabErrorListener;
  /** Options of `lab.experiments`: scheduling limits, naming, cleanup, durability. */
  experiments?: ExperimentOptions;
  /** Options of `lab.artifacts`: where large artifact bytes are kept. */
  artifacts?: ArtifactOptions;
  /** Options of `lab.abTests`: durability and limits of the buffer, refresh and monitor timers. */
  abTests?: AbTestOptions;
  /**
   * Run housekeeping (`lab.experiments.sweep()`) every `intervalMs` on an `unref()`ed timer,
   * stopped by `close()`. Off by default: quantlab starts no timer unless asked. Failures are
   * reported to `onError` (source `maintenance`) and the logger.
   */
  maintenance?: { intervalMs: number };
}

/**
 * Listener for failed background writes; see {@link LabOptions.onError}.
 *
 * @example
 * ```ts
 * const onError: LabErrorListener = (error, { source, final, items }) => {
 *   if (final) alert(`${items} ${source} records lost`, error);
 * };
 * ```
 */
export type LabErrorListener = (error: unknown, context: BackgroundWriteContext) => void;

/**
 * What a {@link LabErrorListener} is told about a failed background write (or a failed
 * maintenance run: source `maintenance`, attempt 1, items 0).
 */
export interface BackgroundWriteContext {
  /** Which buffer failed, such as `experiments.metrics`. */
  source: string;
  /** 1 for the first failed attempt of this batch, then counting retries. */
  attempt: number;
  /** The batch was given up: its items are lost. */
  final: boolean;
  /** Items in the batch. */
  items: number;
}

const optionsSchema = z.strictObject({
  clock: z
    .custom<() => Date>((v) => typeof v === 'function', 'must be a function returning a Date')
    .optional(),
  random: z
    .custom<() => number>((v) => typeof v === 'function', 'must be a function returning a number')
    .optional(),
  logger: z
    .custom<Logger>(
      (v) =>
        typeof v === 'object' &&
        v !== null &&
        ['debug', 'info', 'warn', 'error'].every(
          (m) => typeof (v as Record<string, unknown>)[m] === 'function',
        ),
      'must have debug, info, warn and error methods',
    )
    .optional(),
  migrate: z.boolean().optional(),
  onError: z
    .custom<LabErrorListener>((v) => typeof v === 'function', 'must be a function')
    .optional(),
  experiments: z.unknown().optional(),
  abTests: z.unknown().optional(),
  artifacts: z
    .strictObject({ directory: z.string().min(1, 'must not be empty').optional() })
    .optional(),
  maintenance: z
    .strictObject({
      intervalMs: z
        .number()
        .int('must be an integer')
        .min(1000, 'must be at least 1000')
        .max(2_147_483_647, 'must be at most 2147483647'),
    })
    .optional(),
});

/** A running lab: the facades over one storage backend. Close it (or `await using` it) when done. */
export interface Lab extends AsyncDisposable {
  /** Which backend the lab stores into, and the schema version it found or migrated to. */
  readonly info: LabInfo;
  /** Experiment tracking: backtests and training runs. */
  readonly experiments: ExperimentManager;
  /** The content-addressed artifact store and its lineage. */
  readonly artifacts: ArtifactManager;
  /** The model registry: versions, stages, aliases, history, rollback. */
  readonly models: ModelRegistry;
  /** A/B tests: route live predictions between model versions, record outcomes, decide. */
  readonly abTests: AbTestManager;
  /** Drift detection: baselines, checks and reports, streaming detectors, retraining. */
  readonly drift: DriftManager;
  /**
   * Flushes every buffer and releases what the lab opened, including the backend's own
   * connections (never a driver instance the caller passed to the backend). Idempotent.
   */
  close(): Promise<void>;
}

/** Identity of a lab's storage. */
export interface LabInfo {
  readonly backend: BackendInfo;
  /** The last migration applied, or `'unmigrated'` with `migrate: false`. */
  readonly schemaVersion: string;
}

/**
 * Creates a lab over a storage backend, migrating its schema first (unless `migrate: false`).
 * The lab owns the backend from then on: `lab.close()` closes it. When migrating fails, the
 * backend is closed and the error is thrown.
 *
 * @example
 * ```ts
 * import { createLab } from 'quantlab';
 * import { sqlite } from 'quantlab/sqlite';
 *
 * await using lab = await createLab(sqlite({ filename: 'lab.db' }));
 * console.log(lab.info.backend.kind); // 'sqlite'
 * ```
 */
export async function createLab(backend: StorageBackend, options: LabOptions = {}): Promise<Lab> {
  if (typeof backend !== 'object' || backend === null || typeof backend.migrate !== 'function') {
    throw new ValidationError(
      'backend',
      'must be a StorageBackend such as memory() or sqlite({...})',
      {
        received: backend,
      },
    );
  }
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ValidationError(
      `options${issue?.path.length ? `.${issue.path.join('.')}` : ''}`,
      issue?.message ?? 'invalid',
    );
  }
  const logger = options.logger ?? silentLogger;
  const experimentOptions = resolveExperimentOptions(options.experiments);
  const abTestOptions = resolveAbTestOptions(options.abTests, {
    // DuckDB's commit and per-statement costs dominate small batches.
    ...(backend.capabilities.bulkInsert === 'appender' ? { maxBatch: 5000 } : {}),
  });
  const now = labClock(options.clock);
  const random = options.random ?? Math.random;
  const onError = options.onError;
  const reportError = (error: unknown, context: BackgroundWriteContext) => {
    const message = context.final
      ? 'quantlab gave up a background write: its records are lost'
      : 'quantlab background write failed; retrying';
    (context.final ? logger.error : logger.warn).call(logger, message, { ...context, error });
    if (onError === undefined) return;
    try {
      onError(error, context);
    } catch (thrown) {
      logger.error('quantlab onError listener threw', { error: thrown });
    }
  };
  let schemaVersion = 'unmigrated';
  if (options.migrate !== false) {
    try {
      const result = await backend.migrate();
      schemaVersion = result.version;
      if (result.applied.length > 0) {
        logger.info('quantlab migrated the schema', {
          backend: backend.info.kind,
          applied: result.applied,
        });
      }
    } catch (error) {
      await backend.close().catch(() => {});
      throw error;
    }
  }
  const nextId = uuidv7Generator(now, random);
  const artifacts = new ArtifactManager({ backend, now, options: options.artifacts ?? {} });
  const models = new ModelRegistry({ backend, artifacts, now, nextId });
  const experiments = new ExperimentManager({
    backend,
    now,
    nextId,
    logger,
    reportError,
    options: experimentOptions,
  });
  const abTests = new AbTestManager({
    backend,
    models,
    now,
    random,
    nextId,
    logger,
    reportError,
    options: abTestOptions,
  });
  const drift = new DriftManager({ backend, models, abTests, now, nextId, reportError });
  const every = (intervalMs: number | undefined, source: string, task: () => Promise<unknown>) =>
    startMaintenance(intervalMs, async () => {
      try {
        await task();
      } catch (error) {
        reportError(error, { source, attempt: 1, final: false, items: 0 });
      }
    });
  const timers = [
    every(options.maintenance?.intervalMs, 'maintenance', () => experiments.sweep()),
    every(abTestOptions.refreshMs, 'abTests.refresh', () => abTests.refresh()),
    every(abTestOptions.monitorIntervalMs, 'abTests.monitor', () => abTests.monitor()),
  ];
  const stopMaintenance = async () => {
    await Promise.all(timers.map((stop) => stop()));
  };
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      await stopMaintenance();
      drift.close();
      const flushed = await Promise.allSettled([experiments.close(), abTests.close()]);
      await backend.close();
      const failed = flushed.find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
    })();
    return closing;
  };
  return {
    info: { backend: backend.info, schemaVersion },
    experiments,
    artifacts,
    models,
    abTests,
    drift,
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** The lab's clock, checked on every reading: a bad injected clock fails loudly, not later. */
function labClock(clock: (() => Date) | undefined): () => Date {
  if (clock === undefined) return () => new Date();
  return () => {
    const value = clock();
    if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
      throw new ValidationError('options.clock', 'must return a valid Date', { received: value });
    }
    return new Date(value.getTime());
  };
}

/**
 * Runs `task` every `intervalMs` (never two at once) until the returned stop function is called;
 * stop waits for a task in progress. No timer without an interval.
 */
function startMaintenance(
  intervalMs: number | undefined,
  task: () => Promise<void>,
): () => Promise<void> {
  if (intervalMs === undefined) return async () => {};
  let stopped = false;
  let running: Promise<void> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const schedule = () => {
    timer = setTimeout(() => {
      running = task().finally(() => {
        running = undefined;
        if (!stopped) schedule();
      });
    }, intervalMs);
    timer.unref?.();
  };
  schedule();
  return async () => {
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
    await running;
  };
}
