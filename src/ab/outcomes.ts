/**
 * The metric values one outcome adds to a test: derived from the prediction and the realised
 * value, plus the caller's own.
 *
 * @internal
 * @module
 */
import { ValidationError } from '../errors.js';
import { DERIVED_METRICS, METRIC_NAME } from './definition.js';

const DERIVED: ReadonlySet<string> = new Set(DERIVED_METRICS);

/**
 * The realised value as a number: a finite number for a continuous test, 0 / 1 / true / false
 * for a binary one.
 *
 * @throws ValidationError naming `actual`.
 */
export function checkActual(actual: unknown, binary: boolean): number {
  if (binary) {
    if (actual === true || actual === 1) return 1;
    if (actual === false || actual === 0) return 0;
    throw new ValidationError('actual', 'must be 0, 1, true or false for a binary metric', {
      received: actual,
    });
  }
  if (typeof actual !== 'number' || !Number.isFinite(actual)) {
    throw new ValidationError('actual', 'must be a finite number', { received: actual });
  }
  return actual;
}

/**
 * The derived metrics of one outcome:
 * - `actual`: the realised value;
 * - `error`: actual − prediction; `absolute_error`: |error|; `squared_error`: error²;
 * - `hit`: 1 when the prediction called it right, else 0: for a binary test the prediction
 *   rounded at 0.5 equals the outcome; for a continuous one the signs agree (the direction of a
 *   return, say; zero counts as its own sign).
 *
 * @example
 * ```ts
 * derivedValues(0.02, -0.01, false);
 * // { actual: -0.01, error: -0.03, absolute_error: 0.03, squared_error: 0.0009, hit: 0 }
 * ```
 */
export function derivedValues(
  prediction: number,
  actual: number,
  binary: boolean,
): { [metric: string]: number } {
  const error = actual - prediction;
  const hit = binary
    ? (prediction >= 0.5 ? 1 : 0) === actual
    : Math.sign(prediction) === Math.sign(actual);
  return {
    actual,
    error,
    absolute_error: Math.abs(error),
    squared_error: error * error,
    hit: hit ? 1 : 0,
  };
}

/**
 * Adds the caller's metrics to `values`, checked: names as metric names and not a derived one,
 * values finite numbers or booleans (stored as 0 / 1).
 *
 * @throws ValidationError naming `options.metrics` or `options.metrics.<name>`.
 */
export function addCustomMetrics(values: { [metric: string]: number }, metrics: unknown): void {
  if (metrics === undefined) return;
  if (typeof metrics !== 'object' || metrics === null || Array.isArray(metrics)) {
    throw new ValidationError('options.metrics', 'must be an object of metric names to numbers', {
      received: metrics,
    });
  }
  for (const name of Object.keys(metrics)) {
    const value: unknown = (metrics as Record<string, unknown>)[name];
    if (!METRIC_NAME.test(name)) {
      throw new ValidationError('options.metrics', 'has a key that is not a metric name', {
        received: name,
      });
    }
    if (DERIVED.has(name)) {
      throw new ValidationError(
        `options.metrics.${name}`,
        'is derived from the outcome; choose another name',
        {
          received: value,
        },
      );
    }
    if (typeof value === 'boolean') values[name] = value ? 1 : 0;
    else if (typeof value === 'number' && Number.isFinite(value)) values[name] = value;
    else {
      throw new ValidationError(`options.metrics.${name}`, 'must be a finite number or a boolean', {
        received: value,
      });
    }
  }
}
