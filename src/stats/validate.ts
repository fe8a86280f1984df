import { ValidationError } from '../errors.js';
import type { Summary } from './summary.js';

/**
 * Input checks shared by the statistics functions: each throws a `ValidationError` naming the
 * argument, so no function ever passes a NaN result on silently.
 *
 * @internal
 */

/** A sample (array or typed array) of finite numbers with at least `min` values. Copies nothing. */
export function checkSample(values: ArrayLike<number>, name: string, min = 1): ArrayLike<number> {
  if (values === null || typeof values !== 'object' || typeof values.length !== 'number') {
    throw new ValidationError(name, 'must be an array or typed array of numbers', {
      received: values,
    });
  }
  if (values.length < min) {
    throw new ValidationError(name, `must contain at least ${min} value${min === 1 ? '' : 's'}`, {
      received: values.length,
    });
  }
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) {
      throw new ValidationError(`${name}[${i}]`, 'must be a finite number', { received: x });
    }
  }
  return values;
}

/** A number that is not NaN (±Infinity allowed: a CDF has limits there). */
export function checkNumber(value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new ValidationError(name, 'must be a number, not NaN', { received: value });
  }
}

/** A number of at least 0 (+Infinity allowed). */
export function checkNonNegative(value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number' || !(value >= 0)) {
    throw new ValidationError(name, 'must be a number of at least 0', { received: value });
  }
}

/** A finite number. */
export function checkFiniteNumber(value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ValidationError(name, 'must be a finite number', { received: value });
  }
}

/** A number greater than zero (finite unless `allowInfinity`). */
export function checkPositive(
  value: unknown,
  name: string,
  allowInfinity = false,
): asserts value is number {
  const ok = typeof value === 'number' && value > 0 && (allowInfinity || Number.isFinite(value));
  if (!ok) throw new ValidationError(name, 'must be a number greater than 0', { received: value });
}

/** A probability in [0, 1], or in (0, 1) when `open`. */
export function checkProbability(
  value: unknown,
  name: string,
  open = false,
): asserts value is number {
  const ok =
    typeof value === 'number' && (open ? value > 0 && value < 1 : value >= 0 && value <= 1);
  if (!ok) {
    throw new ValidationError(name, `must be a probability in ${open ? '(0, 1)' : '[0, 1]'}`, {
      received: value,
    });
  }
}

/** A whole number of at least `min`. */
export function checkCount(value: unknown, name: string, min = 0): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new ValidationError(name, `must be a whole number of at least ${min}`, {
      received: value,
    });
  }
}

/** One of the allowed string values. */
export function checkOneOf<T extends string>(
  value: unknown,
  name: string,
  allowed: readonly T[],
): asserts value is T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new ValidationError(name, `must be one of ${allowed.join(', ')}`, { received: value });
  }
}

/**
 * A `{ n, mean, variance }` summary of at least 2 observations: finite mean, variance ≥ 0
 * (the inputs of Welch's test and of the sequential confidence sequences).
 */
export function checkSummary(s: Summary, name: string): void {
  if (typeof s !== 'object' || s === null) {
    throw new ValidationError(name, 'must be a summary { n, mean, variance }', { received: s });
  }
  checkCount(s.n, `${name}.n`, 2);
  checkFiniteNumber(s.mean, `${name}.mean`);
  checkFiniteNumber(s.variance, `${name}.variance`);
  if (s.variance < 0) {
    throw new ValidationError(`${name}.variance`, 'must not be negative', { received: s.variance });
  }
}
