/**
 * Builds the metric points and log lines that `logMetric`, `logMetrics` and `log` accept,
 * checking each argument by hand (these are hot paths: no zod, no allocation beyond the record).
 *
 * @module
 */
import { ValidationError } from '../errors.js';
import type { JsonObject, LogRecord, MetricRecord } from '../storage/records.js';
import { copyJsonObject, type JsonIssue } from './json.js';
import { formatPath } from './parse.js';

/** Longest metric name. */
export const MAX_METRIC_NAME_LENGTH = 200;

/** Largest step (the storage column is a signed 32-bit integer). */
export const MAX_STEP = 2 ** 31 - 1;

const LEVELS: ReadonlySet<string> = new Set(['debug', 'info', 'warn', 'error']);

/**
 * Throws unless `id` names an experiment in the form ids take: a non-empty string.
 *
 * @example
 * ```ts
 * checkExperimentId(''); // throws ValidationError: id: must be a non-empty string
 * ```
 * @internal
 */
export function checkExperimentId(id: unknown, field = 'id'): asserts id is string {
  if (typeof id !== 'string' || id === '') {
    throw new ValidationError(field, 'must be a non-empty string', { received: id });
  }
}

/**
 * Throws unless `name` is a usable metric name: 1 to 200 characters, no NUL.
 *
 * @example
 * ```ts
 * checkMetricName('sharpe'); // fine
 * ```
 * @internal
 */
export function checkMetricName(name: unknown, field = 'name'): asserts name is string {
  if (typeof name !== 'string' || name === '') {
    throw new ValidationError(field, 'must be a non-empty string', { received: name });
  }
  if (name.length > MAX_METRIC_NAME_LENGTH) {
    throw new ValidationError(field, `must be at most ${MAX_METRIC_NAME_LENGTH} characters`, {
      received: name,
    });
  }
  if (name.includes('\u0000')) {
    throw new ValidationError(field, 'must not contain a NUL character', { received: name });
  }
}

/**
 * Throws unless `value` is a finite number.
 *
 * @example
 * ```ts
 * checkMetricValue(Number.NaN, 'value'); // throws ValidationError
 * ```
 * @internal
 */
export function checkMetricValue(value: unknown, field: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ValidationError(field, 'must be a finite number', { received: value });
  }
}

/**
 * The step and time of a metric call, checked: `step` an integer from 0 to 2³¹ − 1 when given,
 * `at` a valid Date when given.
 *
 * @example
 * ```ts
 * checkMetricOptions({ step: -1 }); // throws ValidationError: options.step: ...
 * ```
 * @internal
 */
export function checkMetricOptions(options: unknown): { step?: number; at?: Date } {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null) {
    throw new ValidationError('options', 'must be an object', { received: options });
  }
  const { step, at, ...rest } = options as { step?: unknown; at?: unknown };
  const unknownKey = Object.keys(rest)[0];
  if (unknownKey !== undefined) {
    throw new ValidationError(`options.${unknownKey}`, 'is not a known option');
  }
  const out: { step?: number; at?: Date } = {};
  if (step !== undefined) {
    if (typeof step !== 'number' || !Number.isInteger(step) || step < 0 || step > MAX_STEP) {
      throw new ValidationError('options.step', `must be an integer from 0 to ${MAX_STEP}`, {
        received: step,
      });
    }
    out.step = step;
  }
  if (at !== undefined) {
    if (!(at instanceof Date) || Number.isNaN(at.getTime())) {
      throw new ValidationError('options.at', 'must be a valid Date', { received: at });
    }
    out.at = new Date(at.getTime());
  }
  return out;
}

/**
 * Assigns steps to metric series: an explicit step is used as given (and the series continues
 * after it); otherwise one more than the last step of the series (0 for the first). `peek`
 * proposes a step and `take` records it, so a call the buffer refuses uses no step.
 *
 * @example
 * ```ts
 * const steps = new StepCounter();
 * steps.take('exp-1', 'pnl', steps.peek('exp-1', 'pnl')); // 0
 * steps.take('exp-1', 'pnl', steps.peek('exp-1', 'pnl', 10)); // 10
 * steps.peek('exp-1', 'pnl'); // 11
 * ```
 * @internal
 */
export class StepCounter {
  readonly #next = new Map<string, number>();

  /** The step the next point of the series gets: `explicit`, or the one after the last taken. */
  peek(experimentId: string, name: string, explicit?: number): number {
    return explicit ?? this.#next.get(`${experimentId}\u0000${name}`) ?? 0;
  }

  /** Records that the series used `step`; the next default step is the one after it. */
  take(experimentId: string, name: string, step: number): number {
    this.#next.set(`${experimentId}\u0000${name}`, step >= MAX_STEP ? MAX_STEP : step + 1);
    return step;
  }

  /** Peeks and takes in one call. */
  next(experimentId: string, name: string, explicit?: number): number {
    return this.take(experimentId, name, this.peek(experimentId, name, explicit));
  }
}

/**
 * Checks the arguments of `log` and builds the log line.
 *
 * @example
 * ```ts
 * logEntry(id, 'exp-1', 'info', 'filled', { qty: 2 }, new Date());
 * ```
 * @internal
 */
export function logEntry(
  id: string,
  experimentId: string,
  level: unknown,
  message: unknown,
  context: unknown,
  at: Date,
): LogRecord {
  if (typeof level !== 'string' || !LEVELS.has(level)) {
    throw new ValidationError('level', 'must be one of debug, info, warn, error', {
      received: level,
    });
  }
  if (typeof message !== 'string') {
    throw new ValidationError('message', 'must be a string', { received: message });
  }
  if (message.includes('\u0000')) {
    throw new ValidationError('message', 'must not contain a NUL character', { received: message });
  }
  let copy: JsonObject = {};
  if (context !== undefined) {
    const issues: JsonIssue[] = [];
    const checked = copyJsonObject(context, issues);
    const issue = issues[0];
    if (checked === undefined || issue !== undefined) {
      throw new ValidationError(
        issue ? formatPath(['context', ...issue.path]) : 'context',
        issue?.message ?? 'must be a plain JSON object',
        { received: issue?.input ?? context },
      );
    }
    copy = checked;
  }
  return { id, experimentId, level: level as LogRecord['level'], message, context: copy, at };
}

/**
 * A metric point, with every field checked.
 *
 * @example
 * ```ts
 * metricPoint('exp-1', 'pnl', 1.5, 0, new Date());
 * ```
 * @internal
 */
export function metricPoint(
  experimentId: string,
  name: string,
  value: number,
  step: number,
  at: Date,
): MetricRecord {
  return { experimentId, name, step, value: value === 0 ? 0 : value, at };
}
