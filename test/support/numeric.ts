import { expect } from 'vitest';
import { ValidationError } from '../../src/errors.js';

/**
 * Numeric comparison helpers shared by the statistics tests.
 */

/** Below this a double is subnormal and carries fewer than 53 bits, so no relative bound holds. */
const SMALLEST_NORMAL = 2.2250738585072014e-308;
/** Absolute slack for subnormal expected values (about 200 units of the last place there). */
const SUBNORMAL_SLACK = 1e-321;

/**
 * |actual − expected| / |expected|; 0 when both are equal (including equal infinities), and
 * for an expected value of exactly 0 (or a subnormal) the absolute error measured against
 * the smallest normal double.
 */
export function relativeError(actual: number, expected: number): number {
  if (actual === expected) return 0;
  if (Number.isNaN(actual) || !Number.isFinite(expected)) return Number.POSITIVE_INFINITY;
  const error = Math.abs(actual - expected);
  if (Math.abs(expected) < SMALLEST_NORMAL) {
    return error <= SUBNORMAL_SLACK ? 0 : error / SMALLEST_NORMAL;
  }
  return error / Math.abs(expected);
}

/** A failed comparison, for a readable test diff. */
export interface Mismatch {
  readonly label: string;
  readonly actual: number;
  readonly expected: number;
  readonly relativeError: number;
}

/**
 * Compares many values and keeps the worst relative error; `mismatches` lists every value off
 * by more than `tolerance`, so a test asserts `toEqual([])` and prints the offending cases.
 */
export class ErrorTracker {
  worst = 0;
  worstLabel = '';
  readonly mismatches: Mismatch[] = [];

  constructor(readonly tolerance: number) {}

  check(label: string, actual: number, expected: number): void {
    const error = relativeError(actual, expected);
    if (error > this.worst) {
      this.worst = error;
      this.worstLabel = label;
    }
    if (!(error <= this.tolerance)) {
      this.mismatches.push({ label, actual, expected, relativeError: error });
    }
  }
}

/** The `field` of the ValidationError that `run` throws (failing if it throws anything else). */
export function validationField(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error.field;
    throw error;
  }
  throw new Error('expected a ValidationError, but nothing was thrown');
}

/** Asserts |actual − expected| / |expected| ≤ tolerance (see {@link relativeError}). */
export function expectClose(actual: number, expected: number, tolerance: number, label = ''): void {
  expect(relativeError(actual, expected), `${label} ${actual} vs ${expected}`).toBeLessThanOrEqual(
    tolerance,
  );
}

/** {@link expectClose} element by element, after checking the lengths agree. */
export function expectAllClose(
  actual: readonly number[],
  expected: readonly number[],
  tolerance: number,
): void {
  expect(actual).toHaveLength(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expectClose(actual[i] as number, expected[i] as number, tolerance, `[${i}]`);
  }
}
