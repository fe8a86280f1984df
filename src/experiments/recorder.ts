/**
 * The write side of `lab.experiments` for metric points and log lines: argument checks, step
 * numbering, and the two write-behind buffers (or writing through with `durability: 'sync'`).
 *
 * @module
 */
import { WriteBehindBuffer } from '../buffer/index.js';
import { ValidationError } from '../errors.js';
import type { IdGenerator } from '../ids.js';
import type { Logger } from '../logger.js';
import type { StorageBackend } from '../storage/backend.js';
import type { JsonObject, LogRecord, MetricRecord } from '../storage/records.js';
import {
  checkExperimentId,
  checkMetricName,
  checkMetricOptions,
  checkMetricValue,
  logEntry,
  metricPoint,
  StepCounter,
} from './entries.js';
import type { ResolvedExperimentOptions } from './options.js';
import type { LogLevel, LogMetricOptions } from './types.js';

/** What a recorder reports a failed background write to. @internal */
export type BackgroundErrorReporter = (
  error: unknown,
  context: { source: string; attempt: number; final: boolean; items: number },
) => void;

/** What the recorder needs. @internal */
export interface RecorderContext {
  backend: StorageBackend;
  now: () => Date;
  nextId: IdGenerator;
  logger: Logger;
  reportError: BackgroundErrorReporter;
  options: Pick<ResolvedExperimentOptions, 'durability' | 'buffer'>;
}

const RESOLVED: Promise<void> = Promise.resolve();

/**
 * Accepts metric points and log lines and persists them in batches (see
 * `ExperimentManager.logMetric` for the contract). A call refused by the buffer
 * (`BackpressureError`, `ClosedError`) accepts nothing and takes no step.
 *
 * @internal
 */
export class ExperimentRecorder {
  readonly #backend: StorageBackend;
  readonly #now: () => Date;
  readonly #nextId: IdGenerator;
  readonly #sync: boolean;
  readonly #metrics: WriteBehindBuffer<MetricRecord>;
  readonly #logs: WriteBehindBuffer<LogRecord>;
  readonly #steps = new StepCounter();
  #closing: Promise<void> | undefined;

  constructor(context: RecorderContext) {
    this.#backend = context.backend;
    this.#now = context.now;
    this.#nextId = context.nextId;
    this.#sync = context.options.durability === 'sync';
    const { buffer } = context.options;
    const common = {
      maxBatch: buffer.maxBatch,
      flushIntervalMs: buffer.flushIntervalMs,
      capacity: buffer.capacity,
      maxRetries: buffer.maxRetries,
      logger: context.logger,
    };
    const onError =
      (source: string) =>
      (error: unknown, batch: readonly unknown[], attempt: number, final: boolean) =>
        context.reportError(error, { source, attempt, final, items: batch.length });
    this.#metrics = new WriteBehindBuffer<MetricRecord>({
      ...common,
      name: 'experiment metrics',
      write: (batch) => this.#backend.metrics.append(batch),
      onError: onError('experiments.metrics'),
    });
    this.#logs = new WriteBehindBuffer<LogRecord>({
      ...common,
      name: 'experiment logs',
      write: (batch) => this.#backend.logs.append(batch),
      onError: onError('experiments.logs'),
    });
  }

  logMetric(id: string, name: string, value: number, options?: LogMetricOptions): Promise<void> {
    checkExperimentId(id);
    checkMetricName(name);
    checkMetricValue(value, 'value');
    const { step, at } = checkMetricOptions(options);
    const point = metricPoint(id, name, value, this.#steps.peek(id, name, step), at ?? this.#now());
    if (this.#sync) {
      this.#steps.take(id, name, point.step);
      return this.#backend.metrics.append([point]);
    }
    this.#metrics.add(point); // throws when refused: then no step is taken
    this.#steps.take(id, name, point.step);
    return RESOLVED;
  }

  logMetrics(
    id: string,
    values: Readonly<Record<string, number>>,
    options?: LogMetricOptions,
  ): Promise<void> {
    checkExperimentId(id);
    if (typeof values !== 'object' || values === null || Array.isArray(values)) {
      throw new ValidationError('values', 'must be an object of metric names to numbers', {
        received: values,
      });
    }
    const { step, at } = checkMetricOptions(options);
    const names = Object.keys(values);
    for (const name of names) {
      checkMetricName(name, 'values');
      checkMetricValue(values[name], `values.${name}`);
    }
    const when = at ?? this.#now();
    const points = names.map((name) =>
      metricPoint(id, name, values[name] as number, this.#steps.peek(id, name, step), when),
    );
    if (points.length === 0) return RESOLVED;
    if (!this.#sync) this.#metrics.addMany(points); // all or none
    for (const point of points) this.#steps.take(id, point.name, point.step);
    return this.#sync ? this.#backend.metrics.append(points) : RESOLVED;
  }

  log(id: string, level: LogLevel, message: string, context?: JsonObject): Promise<void> {
    checkExperimentId(id);
    const line = logEntry(this.#nextId(), id, level, message, context, this.#now());
    if (this.#sync) return this.#backend.logs.append([line]);
    this.#logs.add(line);
    return RESOLVED;
  }

  async flush(): Promise<void> {
    await Promise.all([this.#metrics.flush(), this.#logs.flush()]);
  }

  /** Flushes and refuses further writes; rejects when a batch it waited for was given up. */
  close(): Promise<void> {
    this.#closing ??= Promise.allSettled([this.#metrics.close(), this.#logs.close()]).then(
      (results) => {
        const failed = results.find((r) => r.status === 'rejected');
        if (failed) throw failed.reason;
      },
    );
    return this.#closing;
  }
}
