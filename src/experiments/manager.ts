/**
 * `lab.experiments`: the ExperimentManager facade over a storage backend.
 *
 * @module
 */
import { z } from 'zod';
import {
  ConflictError,
  InvalidTransitionError,
  NotFoundError,
  ValidationError,
} from '../errors.js';
import type { IdGenerator } from '../ids.js';
import type { Logger } from '../logger.js';
import { createRandom } from '../stats/random.js';
import type { StorageBackend, StorageOperations } from '../storage/backend.js';
import type {
  ArtifactLink,
  ExperimentPatch,
  ExperimentQuery,
  ExperimentRecord,
  JsonObject,
  LogRecord,
} from '../storage/records.js';
import { exceedsCapacity, freeCapacity, type Limits, shortfall } from './capacity.js';
import {
  type Comparison,
  compareExperiments,
  DEFAULT_LOWER_IS_BETTER,
  summarizeAggregate,
} from './compare.js';
import { type ExperimentDefinitionInput, parseExperimentDefinition } from './definition.js';
import { checkExperimentId } from './entries.js';
import { type ExperimentFilter, encodeCursor, parseFilter } from './filter.js';
import { assertTransition, type ExperimentStatus } from './lifecycle.js';
import type { ResolvedExperimentOptions } from './options.js';
import { parseInput } from './parse.js';
import { captureProvenance, mergeProvenance, type Provenance } from './provenance.js';
import { demandOf, newExperimentRecord, toExperiment } from './record.js';
import { type BackgroundErrorReporter, ExperimentRecorder } from './recorder.js';
import { maxRelativeDifference, similarityMatcher } from './similar.js';
import { tradingFigures } from './trading.js';
import type {
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

/** What the manager needs from the lab. @internal */
export interface ExperimentManagerContext {
  backend: StorageBackend;
  now: () => Date;
  nextId: IdGenerator;
  logger: Logger;
  reportError: BackgroundErrorReporter;
  options: ResolvedExperimentOptions;
}

/** Options of `create`. */
export interface CreateOptions {
  /** Queue the experiment at once (created → queued, both logged). Default false. */
  queue?: boolean;
}

/** Options of `findSimilar`. */
export interface FindSimilarOptions {
  /** Largest relative difference of each numeric param, from 0 (equal) up. Default 0.1. */
  tolerance?: number;
  /** At most this many, closest first. Default 100. */
  limit?: number;
}

/** Options of `compare`. */
export interface CompareOptions {
  /** Metrics where the lowest latest value is best. Default {@link DEFAULT_LOWER_IS_BETTER}. */
  lowerIsBetter?: readonly string[];
}

const SCHEDULE_LOCK = 'quantlab.experiments.schedule';
const CREATE_LOCK = 'quantlab.experiments.create';
const SCAN_PAGE = 500;
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** Statuses whose names count for uniqueness. */
const LIVE_STATUSES = ['created', 'queued', 'running', 'completed', 'failed'] as const;

const resultsSchema = z.record(
  z.string().min(1, 'must not be empty'),
  z.union([
    z.string().min(1, 'must not be empty'),
    z.array(z.string().min(1, 'must not be empty')).min(1, 'must list at least one id'),
  ]),
);

/**
 * Tracks backtests and training runs: definitions with provenance and a config hash, a
 * lifecycle state machine, scheduling within resource limits, metrics and logs through a
 * write-behind buffer, results lineage, queries and comparison. Get it as `lab.experiments`.
 *
 * @example
 * ```ts
 * const finished = await lab.experiments.run(
 *   { name: 'RSI 14', type: 'backtest', strategy: 'rsi', symbols: ['BTC/USD'], timeframe: '1h',
 *     dateRange: { from: '2025-01-01', to: '2025-06-30' }, params: { period: 14 }, seed: 7 },
 *   async (run) => {
 *     for (const [step, r] of backtest(run.random).entries()) run.logMetric('returns', r, { step });
 *   },
 * );
 * const { trading } = await lab.experiments.summary(finished.id);
 * ```
 */
export class ExperimentManager {
  readonly #backend: StorageBackend;
  readonly #now: () => Date;
  readonly #nextId: IdGenerator;
  readonly #logger: Logger;
  readonly #options: ResolvedExperimentOptions;
  readonly #limits: Limits;
  /** No limit at all: scheduling needs no running totals. */
  readonly #unlimited: boolean;
  readonly #recorder: ExperimentRecorder;

  /** @internal Built by `createLab`; use `lab.experiments`. */
  constructor(context: ExperimentManagerContext) {
    this.#backend = context.backend;
    this.#now = context.now;
    this.#nextId = context.nextId;
    this.#logger = context.logger;
    this.#options = context.options;
    this.#limits = {
      maxConcurrent: context.options.maxConcurrent,
      capacity: context.options.capacity,
    };
    this.#unlimited =
      this.#limits.maxConcurrent === Number.POSITIVE_INFINITY &&
      Object.values(this.#limits.capacity).every((c) => c === Number.POSITIVE_INFINITY);
    this.#recorder = new ExperimentRecorder(context);
  }

  // ---------------------------------------------------------------- definitions and queries

  /**
   * Creates an experiment (status `created`, or `queued` with `{ queue: true }`): validates the
   * definition, captures provenance (git commit and dirty flag, package and Node versions)
   * unless given, computes the config hash, links the `inputs` artifacts and writes a log entry,
   * all in one transaction.
   *
   * @throws ValidationError for a bad definition (naming the field), a `parentId` that does not
   *   exist, or resources that exceed the lab's capacity.
   * @throws ConflictError when the id exists, or a live experiment of the same name was created
   *   within `uniqueNameWindowDays`.
   *
   * @example
   * ```ts
   * const experiment = await lab.experiments.create({
   *   name: 'momentum 20/50', type: 'backtest', strategy: 'momentum', symbols: ['ETH/USD'],
   *   timeframe: '4h', dateRange: { from: '2024-01-01', to: '2025-01-01' },
   *   params: { fast: 20, slow: 50 }, inputs: { ohlcv: [datasetId] }, tags: ['baseline'],
   * });
   * experiment.configHash; // sha256 of what determines the result
   * ```
   */
  async create(
    definition: ExperimentDefinitionInput,
    options: CreateOptions = {},
  ): Promise<Experiment> {
    const parsed = parseExperimentDefinition(definition);
    const queue = parseInput(
      z.strictObject({ queue: z.boolean().optional() }),
      options ?? {},
      'options',
      { prefix: true },
    ).queue;
    const demand = demandOf(parsed.resources);
    const tooBig = exceedsCapacity(demand, this.#limits);
    if (tooBig !== undefined) {
      throw new ValidationError(
        `resources.${tooBig}`,
        `must not exceed the lab's capacity of ${this.#limits.capacity[tooBig]}`,
        { received: demand[tooBig] },
      );
    }
    const now = this.#now();
    const provenance = mergeProvenance(await this.#captureProvenance(now), parsed.provenance);
    const record = newExperimentRecord(parsed, parsed.id ?? this.#nextId(), provenance, now);
    if (queue) {
      record.status = 'queued';
      record.queuedAt = now;
    }
    const links: ArtifactLink[] = Object.entries(parsed.inputs).flatMap(([kind, ids]) =>
      ids.map((artifactId): ArtifactLink => ({ role: 'input', kind, artifactId })),
    );
    const logs = [
      this.#logLine(
        record.id,
        'info',
        'experiment created',
        {
          configHash: record.configHash,
          gitCommit: record.gitCommit,
        },
        now,
      ),
    ];
    if (queue) logs.push(this.#transitionLog(record.id, 'created', 'queued', {}, now));
    await this.#backend.transaction(
      async (tx) => {
        if (record.parentId !== null && (await tx.experiments.get(record.parentId)) === undefined) {
          throw new ValidationError('parentId', 'must name an existing experiment', {
            received: record.parentId,
          });
        }
        await this.#checkNameIsFree(tx, record.name, now);
        await tx.experiments.insert(record);
        if (links.length > 0) await tx.experiments.linkArtifacts(record.id, links);
        await tx.logs.append(logs);
      },
      { lock: CREATE_LOCK },
    );
    return toExperiment(record);
  }

  /**
   * The experiment with this id.
   *
   * @throws NotFoundError when there is none.
   * @example
   * ```ts
   * const { status, configHash, durationMs } = await lab.experiments.get(id);
   * ```
   */
  async get(id: string): Promise<Experiment> {
    return toExperiment(await this.#require(this.#backend, id));
  }

  /**
   * One page of experiments matching the filter: by status (one or several), type, strategy,
   * name, tag, git commit, config hash, parent and creation range, newest first by default
   * (`order: 'oldest'`, or `'queue'` for the scheduler's order). Pass `nextCursor` back as
   * `cursor` for the next page.
   *
   * @throws ValidationError for an unknown field, a bad value or a foreign cursor.
   * @example
   * ```ts
   * let page = await lab.experiments.list({ strategy: 'rsi', status: ['completed'], limit: 50 });
   * while (page.nextCursor) page = await lab.experiments.list({ strategy: 'rsi', status: ['completed'], limit: 50, cursor: page.nextCursor });
   * ```
   */
  async list(filter: ExperimentFilter = {}): Promise<ExperimentPage> {
    const { query, limit, order } = parseFilter(filter);
    const rows = await this.#backend.experiments.list({ ...query, limit: limit + 1 });
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    const last = page.at(-1);
    return {
      experiments: page.map(toExperiment),
      nextCursor:
        more && last !== undefined && order !== 'queue' ? encodeCursor(last, order) : null,
    };
  }

  /**
   * Experiments whose config hash is `hash` (the same type, strategy, symbols, timeframe, date
   * range, params, inputs and seed), newest first.
   *
   * @example
   * ```ts
   * const reruns = await lab.experiments.findByConfigHash(experiment.configHash);
   * ```
   */
  async findByConfigHash(hash: string, options: { limit?: number } = {}): Promise<Experiment[]> {
    if (typeof hash !== 'string' || hash === '') {
      throw new ValidationError('hash', 'must be a non-empty string', { received: hash });
    }
    const page = await this.list({ configHash: hash, limit: options.limit ?? 100 });
    return page.experiments;
  }

  /**
   * Experiments that consumed any of these artifacts (their `inputs`), newest first.
   *
   * @example
   * ```ts
   * const affected = await lab.experiments.findByInputArtifacts([badDatasetId]);
   * ```
   */
  async findByInputArtifacts(artifactIds: readonly string[]): Promise<Experiment[]> {
    if (!Array.isArray(artifactIds) || artifactIds.some((a) => typeof a !== 'string' || a === '')) {
      throw new ValidationError('artifactIds', 'must be an array of non-empty strings', {
        received: artifactIds,
      });
    }
    const rows = await this.#backend.experiments.listByArtifacts(artifactIds, 'input');
    return rows.map(toExperiment);
  }

  /**
   * Experiments of the same type and strategy whose params (`params`, `strategyParams`,
   * `modelParams`, `featureParams`) have the same keys and non-numeric values, and numeric
   * values within a relative `tolerance` of this one's (|a − b| ≤ tolerance · max(|a|, |b|)),
   * closest first. The experiment itself is left out.
   *
   * @throws NotFoundError when `id` does not exist; ValidationError for a bad tolerance.
   * @example
   * ```ts
   * const neighbours = await lab.experiments.findSimilar(id, { tolerance: 0.05 });
   * ```
   */
  async findSimilar(id: string, options: FindSimilarOptions = {}): Promise<Experiment[]> {
    const { tolerance = 0.1, limit = 100 } = options;
    if (typeof tolerance !== 'number' || !Number.isFinite(tolerance) || tolerance < 0) {
      throw new ValidationError('options.tolerance', 'must be a finite number >= 0', {
        received: tolerance,
      });
    }
    if (!Number.isInteger(limit) || limit < 1) {
      throw new ValidationError('options.limit', 'must be a positive integer', { received: limit });
    }
    const reference = await this.#require(this.#backend, id);
    const found: { record: ExperimentRecord; distance: number }[] = [];
    const matches = similarityMatcher(reference.config, tolerance);
    for await (const candidate of this.#scan({
      type: reference.type,
      strategy: reference.strategy,
    })) {
      if (candidate.id === reference.id) continue;
      if (!matches(candidate.config)) continue;
      found.push({
        record: candidate,
        distance: maxRelativeDifference(reference.config, candidate.config) ?? 0,
      });
    }
    found.sort((a, b) => a.distance - b.distance);
    return found.slice(0, limit).map((f) => toExperiment(f.record));
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Queues a created experiment for `start` / `next()` (created → queued).
   *
   * @throws NotFoundError; InvalidTransitionError from any other status.
   * @example
   * ```ts
   * await lab.experiments.queue(id);
   * ```
   */
  queue(id: string): Promise<Experiment> {
    return this.#move(id, ['queued'], (_current, now) => ({ queuedAt: now }), undefined, 'created');
  }

  /**
   * Starts a queued experiment (a created one is queued and started in one step, both logged),
   * if the lab's limits allow: the running experiments plus this one must stay within
   * `maxConcurrent` and each resource capacity. Checked inside a transaction holding the
   * scheduling lock, so two processes can never both take the last slot.
   *
   * @throws ConflictError when the limits do not allow it now; InvalidTransitionError unless the
   *   experiment is created or queued; NotFoundError.
   * @example
   * ```ts
   * const running = await lab.experiments.start(id);
   * running.startedAt; // the lab's clock
   * ```
   */
  start(id: string): Promise<Experiment> {
    return this.#startWith(id);
  }

  /**
   * The queued experiment the scheduler would start next: highest priority first, then the
   * longest queued, among those that fit the capacity left beside the running ones. Undefined
   * when none fits (or the concurrency limit is reached).
   *
   * @example
   * ```ts
   * const candidate = await lab.experiments.next();
   * if (candidate) await lab.experiments.start(candidate.id);
   * ```
   */
  async next(): Promise<Experiment | undefined> {
    const record = await this.#nextQueued(this.#backend);
    return record && toExperiment(record);
  }

  /**
   * Starts the experiment `next()` would return, atomically (no other process can take it in
   * between). Undefined when nothing fits.
   *
   * @example
   * ```ts
   * for (let e = await lab.experiments.startNext(); e; e = await lab.experiments.startNext()) {
   *   void runWorker(e);
   * }
   * ```
   */
  async startNext(): Promise<Experiment | undefined> {
    return this.#backend.transaction(
      async (tx) => {
        const record = await this.#nextQueued(tx);
        if (record === undefined) return undefined;
        return this.#startIn(tx, record);
      },
      { lock: SCHEDULE_LOCK },
    );
  }

  /**
   * Marks a running experiment completed (after flushing its buffered metrics and logs).
   *
   * @throws InvalidTransitionError unless it is running; NotFoundError.
   * @example
   * ```ts
   * const done = await lab.experiments.complete(id);
   * done.durationMs; // completedAt − startedAt
   * ```
   */
  async complete(id: string): Promise<Experiment> {
    await this.flush();
    return this.#move(id, ['completed'], (_current, now) => ({ completedAt: now }));
  }

  /**
   * Marks a running experiment failed, keeping the error's message and counting the failure
   * (after flushing its buffered metrics and logs).
   *
   * @throws InvalidTransitionError unless it is running; NotFoundError.
   * @example
   * ```ts
   * await lab.experiments.fail(id, new Error('exchange API timed out'));
   * (await lab.experiments.get(id)).errorCount; // 1
   * ```
   */
  async fail(id: string, error: unknown): Promise<Experiment> {
    await this.flush();
    const message = errorMessage(error);
    return this.#move(
      id,
      ['failed'],
      (current, now) => ({ completedAt: now, error: message, errorCount: current.errorCount + 1 }),
      { level: 'error', context: { error: message } },
    );
  }

  /**
   * Cancels a created, queued or running experiment.
   *
   * @throws InvalidTransitionError from any other status; NotFoundError.
   * @example
   * ```ts
   * await lab.experiments.cancel(id, 'superseded by a newer sweep');
   * ```
   */
  async cancel(id: string, reason?: string): Promise<Experiment> {
    if (reason !== undefined && typeof reason !== 'string') {
      throw new ValidationError('reason', 'must be a string', { received: reason });
    }
    await this.flush();
    return this.#move(id, ['cancelled'], (_current, now) => ({ completedAt: now }), {
      level: 'info',
      context: reason === undefined ? {} : { reason },
    });
  }

  /**
   * Archives a completed, failed or cancelled experiment.
   *
   * @throws InvalidTransitionError from any other status; NotFoundError.
   * @example
   * ```ts
   * await lab.experiments.archive(id);
   * ```
   */
  archive(id: string): Promise<Experiment> {
    return this.#move(id, ['archived'], () => ({}));
  }

  /**
   * Queues a failed experiment again (failed → queued); its last error and error count stay,
   * its start and end times are cleared.
   *
   * @throws InvalidTransitionError unless it failed; NotFoundError.
   * @example
   * ```ts
   * await lab.experiments.retry(id);
   * await lab.experiments.start(id);
   * ```
   */
  retry(id: string): Promise<Experiment> {
    return this.#move(
      id,
      ['queued'],
      (_current, now) => ({ queuedAt: now, startedAt: null, completedAt: null }),
      undefined,
      'failed',
    );
  }

  // ---------------------------------------------------------------- metrics, logs, results

  /**
   * Records one metric point. Buffered (the default): checks the arguments, accepts the point
   * and returns an already resolved promise, with no I/O; the point is written in a batch
   * within `flushIntervalMs` (`flush()` waits for it). With `durability: 'sync'` the promise
   * resolves when the point is durable.
   *
   * The experiment's existence is not checked here (that would cost a round trip).
   *
   * @throws ValidationError (synchronously) for a bad argument; BackpressureError when the
   *   buffer is full; ClosedError after `lab.close()`.
   * @example
   * ```ts
   * lab.experiments.logMetric(id, 'equity', 10_250.5, { step: bar });
   * ```
   */
  logMetric(id: string, name: string, value: number, options?: LogMetricOptions): Promise<void> {
    return this.#recorder.logMetric(id, name, value, options);
  }

  /**
   * Records several metrics at one step (all accepted, or none on any error). Without `step`,
   * each series continues from its own last step.
   *
   * @throws like {@link ExperimentManager.logMetric}; a bad value is named `values.<name>`.
   * @example
   * ```ts
   * lab.experiments.logMetrics(id, { equity: 10_250.5, returns: 0.0021, exposure: 0.8 }, { step: bar });
   * ```
   */
  logMetrics(
    id: string,
    values: Readonly<Record<string, number>>,
    options?: LogMetricOptions,
  ): Promise<void> {
    return this.#recorder.logMetrics(id, values, options);
  }

  /**
   * Records a log line for the experiment, buffered like `logMetric`.
   *
   * @throws ValidationError for an unknown level, a non-string message or a context that is
   *   not plain JSON; BackpressureError; ClosedError.
   * @example
   * ```ts
   * lab.experiments.log(id, 'warn', 'slippage above budget', { bps: 12.5, symbol: 'BTC/USD' });
   * ```
   */
  log(id: string, level: LogLevel, message: string, context?: JsonObject): Promise<void> {
    return this.#recorder.log(id, level, message, context);
  }

  /**
   * Resolves when every metric point and log line accepted so far is durable.
   *
   * @example
   * ```ts
   * await lab.experiments.flush();
   * ```
   */
  async flush(): Promise<void> {
    await this.#recorder.flush();
  }

  /**
   * The metric series of an experiment (after flushing the buffer), by name, each ordered by
   * step; optionally only some names and points observed in `[from, to)`.
   *
   * @throws NotFoundError when the experiment does not exist.
   * @example
   * ```ts
   * const { equity } = await lab.experiments.metrics(id, { names: ['equity'] });
   * ```
   */
  async metrics(
    id: string,
    query: { names?: readonly string[]; from?: Date; to?: Date } = {},
  ): Promise<Record<string, MetricPoint[]>> {
    checkExperimentId(id);
    const checked = parseInput(
      z.strictObject({
        names: z.array(z.string().min(1, 'must not be empty')).optional(),
        from: z.date().optional(),
        to: z.date().optional(),
      }),
      query ?? {},
      'query',
      { prefix: true },
    );
    await this.flush();
    await this.#require(this.#backend, id);
    const points = await this.#backend.metrics.list(id, {
      ...(checked.names && { names: checked.names }),
      ...(checked.from && { from: checked.from }),
      ...(checked.to && { to: checked.to }),
    });
    const series = new Map<string, MetricPoint[]>();
    for (const p of points) {
      const point = { step: p.step, value: p.value, at: p.at };
      const list = series.get(p.name);
      if (list === undefined) series.set(p.name, [point]);
      else list.push(point);
    }
    return Object.fromEntries(series);
  }

  /**
   * The log lines of an experiment in time order (after flushing the buffer).
   *
   * @throws NotFoundError when the experiment does not exist.
   * @example
   * ```ts
   * for (const line of await lab.experiments.logs(id)) console.log(line.level, line.message);
   * ```
   */
  async logs(id: string, options: { limit?: number } = {}): Promise<LogRecord[]> {
    checkExperimentId(id);
    const limit = options?.limit;
    if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 1)) {
      throw new ValidationError('options.limit', 'must be a positive integer', { received: limit });
    }
    await this.flush();
    await this.#require(this.#backend, id);
    return this.#backend.logs.list(id, limit === undefined ? {} : { limit });
  }

  /**
   * Per-metric latest, count, mean, min, max and standard deviation, aggregated in the database,
   * plus trading figures (total return, Sharpe, max drawdown, win rate, trades) when the run
   * logged returns, an equity curve or trade PnL (names in {@link SummaryOptions}).
   *
   * @throws NotFoundError when the experiment does not exist.
   * @example
   * ```ts
   * const { metrics, trading } = await lab.experiments.summary(id);
   * console.log(metrics.equity?.latest, trading?.sharpe, trading?.maxDrawdown);
   * ```
   */
  async summary(id: string, options: SummaryOptions = {}): Promise<ExperimentSummary> {
    checkExperimentId(id);
    const {
      returnsMetric = 'returns',
      equityMetric = 'equity',
      tradesMetric = 'trade_pnl',
      ...figureOptions
    } = options;
    await this.flush();
    const record = await this.#require(this.#backend, id);
    const periodsPerYear =
      figureOptions.periodsPerYear ?? periodsPerYearOf(record.config.timeframe);
    const aggregates = await this.#backend.metrics.aggregate(id);
    const present = new Set(aggregates.map((a) => a.name));
    const wanted = [returnsMetric, equityMetric, tradesMetric].filter((n) => present.has(n));
    let trading = null;
    if (wanted.length > 0) {
      const series = await this.metrics(id, { names: wanted });
      const values = (name: string) => series[name]?.map((p) => p.value);
      trading = tradingFigures(
        {
          ...(present.has(returnsMetric) && { returns: values(returnsMetric) ?? [] }),
          ...(present.has(equityMetric) && { equity: values(equityMetric) ?? [] }),
          ...(present.has(tradesMetric) && { tradePnl: values(tradesMetric) ?? [] }),
        },
        { ...figureOptions, ...(periodsPerYear !== undefined && { periodsPerYear }) },
      );
    }
    return {
      experiment: toExperiment(record),
      metrics: Object.fromEntries(aggregates.map((a) => [a.name, summarizeAggregate(a)])),
      trading,
    };
  }

  /**
   * Records the artifacts a run produced (`trades`, `metrics`, `curves`, `diagnostics`, or any
   * other kind), as output lineage; a link that exists is kept once. Returns all output links.
   *
   * @throws ValidationError for an empty kind or id; NotFoundError.
   * @example
   * ```ts
   * await lab.experiments.storeResults(id, { trades: tradesId, curves: [equityId, drawdownId] });
   * ```
   */
  async storeResults(id: string, results: ResultArtifacts): Promise<ArtifactLink[]> {
    checkExperimentId(id);
    const parsed = parseInput(resultsSchema, results, 'results', { prefix: true });
    const links = Object.entries(parsed).flatMap(([kind, ids]) =>
      (typeof ids === 'string' ? [ids] : ids).map(
        (artifactId): ArtifactLink => ({ role: 'output', kind, artifactId }),
      ),
    );
    const now = this.#now();
    return this.#backend.transaction(async (tx) => {
      await this.#require(tx, id);
      await tx.experiments.linkArtifacts(id, links);
      await tx.logs.append([
        this.#logLine(id, 'info', 'results stored', { kinds: Object.keys(parsed) }, now),
      ]);
      const all = await tx.experiments.artifactLinks(id);
      return all.filter((link) => link.role === 'output');
    });
  }

  /**
   * The artifacts an experiment consumed (`inputs`) and produced (`storeResults`).
   *
   * @throws NotFoundError.
   * @example
   * ```ts
   * const { inputs, outputs } = await lab.experiments.artifacts(id);
   * ```
   */
  async artifacts(id: string): Promise<ExperimentArtifacts> {
    await this.#require(this.#backend, id);
    const links = await this.#backend.experiments.artifactLinks(id);
    return {
      inputs: links.filter((l) => l.role === 'input'),
      outputs: links.filter((l) => l.role === 'output'),
    };
  }

  /**
   * Compares experiments side by side: each param path with its values and whether they differ,
   * each metric's summary per experiment, and the best experiment per metric by latest value
   * (highest, or lowest for names in `lowerIsBetter`).
   *
   * @throws ValidationError for an empty or repeated id list; NotFoundError.
   * @example
   * ```ts
   * const { params, metrics } = await lab.experiments.compare([a.id, b.id]);
   * params.filter((p) => p.differs); // what changed between the runs
   * metrics.find((m) => m.name === 'sharpe')?.best; // { experimentId, value }
   * ```
   */
  async compare(ids: readonly string[], options: CompareOptions = {}): Promise<Comparison> {
    if (!Array.isArray(ids) || ids.length === 0) {
      throw new ValidationError('ids', 'must list at least one experiment id', { received: ids });
    }
    for (const [index, id] of ids.entries()) checkExperimentId(id, `ids[${index}]`);
    if (new Set(ids).size !== ids.length) {
      throw new ValidationError('ids', 'must not repeat an id', { received: ids });
    }
    await this.flush();
    const items = await Promise.all(
      ids.map(async (id) => ({
        experiment: await this.#require(this.#backend, id),
        metrics: await this.#backend.metrics.aggregate(id),
      })),
    );
    return compareExperiments(items, {
      lowerIsBetter: options.lowerIsBetter ?? DEFAULT_LOWER_IS_BETTER,
    });
  }

  // ---------------------------------------------------------------- run and housekeeping

  /**
   * Runs `fn` as a tracked experiment: creates it, starts it (within the lab's limits), calls
   * `fn(run)` with a handle to log metrics and results and a seeded random source, then marks
   * it completed, or failed with the error (which is rethrown). Buffered writes are always
   * flushed before the final status is written. Returns the finished experiment.
   *
   * @throws what `create` and `start` throw before `fn` runs (when `start` refuses, the new
   *   experiment is cancelled, so the same definition can run once a slot frees up); `fn`'s own
   *   error after marking the experiment failed.
   * @example
   * ```ts
   * const done = await lab.experiments.run(definition, async (run) => {
   *   const noise = run.random.normal(0, 0.01); // same draws on every rerun of the same seed
   *   run.logMetric('returns', 0.001 + noise);
   * });
   * done.status; // 'completed'
   * ```
   */
  async run(
    definition: ExperimentDefinitionInput,
    fn: (run: RunHandle) => unknown,
  ): Promise<Experiment> {
    if (typeof fn !== 'function') {
      throw new ValidationError('fn', 'must be a function', { received: fn });
    }
    const created = await this.create(definition);
    let started: Experiment;
    try {
      started = await this.#startWith(created.id);
    } catch (error) {
      // Refused (limits reached): cancel it, so it holds no name and rerunning works later.
      await this.cancel(created.id, `run() could not start: ${errorMessage(error)}`).catch(
        (failure: unknown) =>
          this.#logger.error('quantlab could not cancel a run that did not start', {
            experimentId: created.id,
            error: failure,
          }),
      );
      throw error;
    }
    const seedValue = created.config.seed;
    const seed =
      typeof seedValue === 'number' || typeof seedValue === 'string'
        ? seedValue
        : created.configHash;
    const id = created.id;
    const handle: RunHandle = {
      id,
      experiment: started,
      seed,
      random: createRandom(seed),
      logMetric: (name, value, options) => this.logMetric(id, name, value, options),
      logMetrics: (values, options) => this.logMetrics(id, values, options),
      log: (level, message, context) => this.log(id, level, message, context),
      storeResults: (results) => this.storeResults(id, results),
    };
    try {
      await fn(handle);
    } catch (error) {
      try {
        await this.fail(id, error);
      } catch (failure) {
        this.#logger.error('quantlab could not mark a failed run as failed', {
          experimentId: id,
          error: failure,
        });
      }
      throw error;
    }
    return this.complete(id);
  }

  /**
   * Housekeeping: fails running experiments whose `maxRuntimeHours` have passed since they
   * started, and archives completed experiments with `autoCleanup` once `cleanupAfterDays` have
   * passed since they completed. Safe to run from several processes at once.
   *
   * @example
   * ```ts
   * const { failed, archived } = await lab.experiments.sweep();
   * ```
   */
  async sweep(): Promise<SweepResult> {
    const now = this.#now();
    const result: SweepResult = { failed: [], archived: [] };
    const overdue: ExperimentRecord[] = [];
    for await (const record of this.#scan({ status: ['running'], order: 'oldest' })) {
      const started = record.startedAt ?? record.updatedAt;
      if (started.getTime() + record.maxRuntimeHours * HOUR_MS <= now.getTime()) {
        overdue.push(record);
      }
    }
    for (const record of overdue) {
      const message = `exceeded maxRuntimeHours (${record.maxRuntimeHours} h)`;
      if (await this.#sweepMove(record.id, 'failed', message)) result.failed.push(record.id);
    }
    const due: string[] = [];
    for await (const record of this.#scan({
      status: ['completed'],
      autoCleanup: true,
      completedBefore: new Date(now.getTime() - this.#options.cleanupAfterDays * DAY_MS + 1),
      order: 'oldest',
    })) {
      due.push(record.id);
    }
    for (const id of due) {
      if (await this.#sweepMove(id, 'archived', 'cleanup date passed')) result.archived.push(id);
    }
    return result;
  }

  /**
   * Flushes the buffers and refuses further metrics and logs. Called by `lab.close()`.
   *
   * @internal
   */
  close(): Promise<void> {
    return this.#recorder.close();
  }

  // ---------------------------------------------------------------- internals

  async #captureProvenance(now: Date): Promise<Provenance> {
    const { capture, cwd } = this.#options.provenance;
    if (!capture) {
      return {
        gitCommit: null,
        gitDirty: null,
        quantlabVersion: null,
        callerPackage: null,
        nodeVersion: process.version,
        platform: process.platform,
        capturedAt: now,
      };
    }
    return captureProvenance({ now, cwd });
  }

  async #checkNameIsFree(tx: StorageOperations, name: string, now: Date): Promise<void> {
    const days = this.#options.uniqueNameWindowDays;
    if (days <= 0) return;
    const [clash] = await tx.experiments.list({
      name,
      status: LIVE_STATUSES,
      createdFrom: new Date(now.getTime() - days * DAY_MS),
      limit: 1,
    });
    if (clash !== undefined) {
      throw new ConflictError(
        'experiment',
        clash.id,
        `the name ${JSON.stringify(name)} is taken by a ${clash.status} experiment created within the last ${days} days`,
      );
    }
  }

  async #require(ops: StorageOperations, id: string): Promise<ExperimentRecord> {
    checkExperimentId(id);
    const record = await ops.experiments.get(id);
    if (record === undefined) throw new NotFoundError('experiment', id);
    return record;
  }

  async #nextQueued(ops: StorageOperations): Promise<ExperimentRecord | undefined> {
    const free = this.#unlimited
      ? {}
      : freeCapacity(await ops.experiments.runningTotals(), this.#limits);
    if (free === undefined) return undefined;
    const [record] = await ops.experiments.list({
      status: ['queued'],
      order: 'queue',
      fitsWithin: free,
      limit: 1,
    });
    return record;
  }

  #startWith(id: string): Promise<Experiment> {
    checkExperimentId(id);
    return this.#backend.transaction(async (tx) => this.#startIn(tx, await this.#require(tx, id)), {
      lock: SCHEDULE_LOCK,
    });
  }

  /** Inside the scheduling lock: checks the limits and moves (created →) queued → running. */
  async #startIn(tx: StorageOperations, current: ExperimentRecord): Promise<Experiment> {
    const path: ExperimentStatus[] =
      current.status === 'created' ? ['queued', 'running'] : ['running'];
    this.#assertPath(current, path);
    const reason = this.#unlimited
      ? undefined
      : shortfall(await tx.experiments.runningTotals(), current.resources, this.#limits);
    if (reason !== undefined) {
      throw new ConflictError('experiment', current.id, `cannot start: ${reason}`);
    }
    return this.#apply(tx, current, path, (_c, now) => ({
      queuedAt: current.status === 'created' ? now : current.queuedAt,
      startedAt: now,
      completedAt: null,
    }));
  }

  /** Moves along `path` (one or two statuses) in one transaction, logging every step. */
  #move(
    id: string,
    path: ExperimentStatus[],
    patch: (current: ExperimentRecord, now: Date) => ExperimentPatch,
    log?: { level: LogLevel; context: JsonObject },
    onlyFrom?: ExperimentStatus,
  ): Promise<Experiment> {
    checkExperimentId(id);
    return this.#backend.transaction(async (tx) => {
      const current = await this.#require(tx, id);
      if (onlyFrom !== undefined && current.status !== onlyFrom) {
        // The table allows the move, but not by this method (queue is not retry, and back).
        throw new InvalidTransitionError('experiment', id, current.status, path.at(-1) as string);
      }
      this.#assertPath(current, path);
      return this.#apply(tx, current, path, patch, log);
    });
  }

  #assertPath(current: ExperimentRecord, path: readonly ExperimentStatus[]): void {
    let from = current.status;
    for (const to of path) {
      assertTransition(current.id, from, to);
      from = to;
    }
  }

  async #apply(
    tx: StorageOperations,
    current: ExperimentRecord,
    path: readonly ExperimentStatus[],
    patch: (current: ExperimentRecord, now: Date) => ExperimentPatch,
    log?: { level: LogLevel; context: JsonObject },
  ): Promise<Experiment> {
    const now = this.#now();
    const to = path.at(-1) as ExperimentStatus;
    const updated = await tx.experiments.update(
      current.id,
      { ...patch(current, now), status: to, updatedAt: now },
      { expectStatus: [current.status] },
    );
    if (updated === undefined) {
      // Another writer moved it between the read and the write (PostgreSQL, READ COMMITTED).
      const latest = await tx.experiments.get(current.id);
      if (latest === undefined) throw new NotFoundError('experiment', current.id);
      throw new InvalidTransitionError('experiment', current.id, latest.status, to);
    }
    let from = current.status;
    const lines = path.map((step) => {
      const line = this.#transitionLog(
        current.id,
        from,
        step,
        step === to ? (log?.context ?? {}) : {},
        now,
        step === to ? log?.level : undefined,
      );
      from = step;
      return line;
    });
    await tx.logs.append(lines);
    return toExperiment(updated);
  }

  /** A sweep's move; false when another process moved the experiment first. */
  async #sweepMove(id: string, to: 'failed' | 'archived', reason: string): Promise<boolean> {
    try {
      await this.#move(
        id,
        [to],
        (current, now) =>
          to === 'failed'
            ? { completedAt: now, error: reason, errorCount: current.errorCount + 1 }
            : {},
        { level: to === 'failed' ? 'error' : 'info', context: { reason, by: 'sweep' } },
      );
      return true;
    } catch (error) {
      if (error instanceof InvalidTransitionError || error instanceof NotFoundError) return false;
      throw error;
    }
  }

  /** Every experiment matching `query`, page by page (newest first unless `order: 'oldest'`). */
  async *#scan(query: ExperimentQuery): AsyncGenerator<ExperimentRecord> {
    const order = query.order === 'oldest' ? 'oldest' : 'newest';
    let after: ExperimentQuery['after'];
    for (;;) {
      const page = await this.#backend.experiments.list({
        ...query,
        order,
        limit: SCAN_PAGE,
        ...(after && { after }),
      });
      yield* page;
      const last = page.at(-1);
      if (page.length < SCAN_PAGE || last === undefined) return;
      after = { createdAt: last.createdAt, id: last.id };
    }
  }

  #logLine(
    experimentId: string,
    level: LogLevel,
    message: string,
    context: JsonObject,
    at: Date,
  ): LogRecord {
    return { id: this.#nextId(), experimentId, level, message, context, at };
  }

  #transitionLog(
    experimentId: string,
    from: string,
    to: string,
    context: JsonObject,
    at: Date,
    level: LogLevel = 'info',
  ): LogRecord {
    return this.#logLine(experimentId, level, `${from} → ${to}`, { ...context, from, to }, at);
  }
}

/** Bars per year of a timeframe, for markets that trade around the clock. */
const BARS_PER_YEAR: Readonly<Record<string, number>> = {
  '1m': 525_600,
  '5m': 105_120,
  '15m': 35_040,
  '30m': 17_520,
  '1h': 8_760,
  '4h': 2_190,
  '1d': 365,
  '1w': 52,
};

function periodsPerYearOf(timeframe: unknown): number | undefined {
  return typeof timeframe === 'string' ? BARS_PER_YEAR[timeframe] : undefined;
}

/** The message of a thrown value, for the stored `error`. */
function errorMessage(error: unknown): string {
  const text =
    error instanceof Error
      ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}`
      : typeof error === 'string'
        ? error
        : safeString(error);
  return text.replaceAll('\u0000', '\uFFFD') || 'unknown error';
}

function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return 'unprintable error';
  }
}
