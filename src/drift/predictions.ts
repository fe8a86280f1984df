/**
 * Predictions beside outcomes, turned into what drift checks use: the performance metrics
 * (`mae`, `rmse`, `hit_rate`), the error streams the concept-drift detector watches, and the
 * order-preserving sample of them a baseline keeps.
 *
 * @module
 * @internal
 */
import { ValidationError } from '../errors.js';
import type { JsonObject } from '../storage/records.js';
import { packBits, packDoubles, unpackBits, unpackDoubles } from './codec.js';
import { reservoirIndexes } from './sketch.js';
import type { ErrorBaseline, PredictionsInput } from './types.js';

/** The error streams of a set of predictions, in their order. */
export interface ErrorStreams {
  /** |actual − predicted| of each prediction. */
  readonly absolute: Float64Array;
  /** 1 for a wrong call, 0 for a right one (see {@link PredictionsInput.binary}). */
  readonly miss: Uint8Array;
}

/** Metrics and error streams of a set of predictions. */
export interface PredictionSummary extends ErrorStreams {
  /** `mae`, `rmse` and `hit_rate`. */
  readonly metrics: { mae: number; rmse: number; hit_rate: number };
}

/**
 * Checks the predictions and computes their metrics and error streams. A call is right when the
 * signs of prediction and outcome agree (zero counts as its own sign) or, for a binary target,
 * when the prediction rounded at 0.5 equals the outcome: the `hit` of `lab.abTests`.
 *
 * @throws ValidationError naming `<field>.predicted[i]`, `<field>.actual[i]` or the lengths.
 */
export function summarizePredictions(input: PredictionsInput, field: string): PredictionSummary {
  const { predicted, actual } = input;
  const binary = input.binary === true;
  const n = predicted.length;
  if (n < 1) throw new ValidationError(`${field}.predicted`, 'must contain at least 1 value');
  if (actual.length !== n) {
    throw new ValidationError(`${field}.actual`, `must have as many values as predicted (${n})`, {
      received: actual.length,
    });
  }
  const absolute = new Float64Array(n);
  const miss = new Uint8Array(n);
  let sumAbs = 0;
  let sumSq = 0;
  let hits = 0;
  for (let i = 0; i < n; i++) {
    const p = predicted[i];
    const a = actual[i];
    if (typeof p !== 'number' || !Number.isFinite(p)) {
      throw new ValidationError(`${field}.predicted[${i}]`, 'must be a finite number', {
        received: p,
      });
    }
    if (typeof a !== 'number' || !Number.isFinite(a) || (binary && a !== 0 && a !== 1)) {
      throw new ValidationError(
        `${field}.actual[${i}]`,
        binary ? 'must be 0 or 1 (binary is set)' : 'must be a finite number',
        { received: a },
      );
    }
    const error = a - p;
    absolute[i] = Math.abs(error);
    sumAbs += Math.abs(error);
    sumSq += error * error;
    const hit = binary ? (p >= 0.5 ? 1 : 0) === a : Math.sign(p) === Math.sign(a);
    if (hit) hits++;
    else miss[i] = 1;
  }
  return {
    absolute,
    miss,
    metrics: { mae: sumAbs / n, rmse: Math.sqrt(sumSq / n), hit_rate: hits / n },
  };
}

/**
 * The error part of a baseline as stored in its `extra` JSON: the summary and an
 * order-preserving uniform sample of at most `maxSamples` predictions' errors.
 */
export function encodeErrorBaseline(
  summary: PredictionSummary,
  maxSamples: number,
  random: () => number,
): JsonObject {
  const n = summary.absolute.length;
  const k = Math.min(n, maxSamples);
  // Sorted positions keep the errors in the order they happened.
  const picked = n <= maxSamples ? undefined : reservoirIndexes(n, maxSamples, random).sort();
  const absolute = new Float64Array(k);
  const miss = new Uint8Array(k);
  for (let j = 0; j < k; j++) {
    const i = picked === undefined ? j : (picked[j] as number);
    absolute[j] = summary.absolute[i] as number;
    miss[j] = summary.miss[i] as number;
  }
  return {
    count: n,
    meanAbsoluteError: summary.metrics.mae,
    missRate: 1 - summary.metrics.hit_rate,
    sampled: k,
    absolute: packDoubles(absolute),
    miss: packBits(miss),
  };
}

/** The summary of a stored error baseline (see {@link encodeErrorBaseline}). */
export function errorBaselineOf(stored: JsonObject): ErrorBaseline {
  return {
    count: stored.count as number,
    meanAbsoluteError: stored.meanAbsoluteError as number,
    missRate: stored.missRate as number,
    sampled: stored.sampled as number,
  };
}

/** The sampled error streams of a stored error baseline, in their original order. */
export function errorSampleOf(stored: JsonObject): ErrorStreams {
  const sampled = stored.sampled as number;
  return {
    absolute: Float64Array.from(unpackDoubles(stored.absolute as string)),
    miss: Uint8Array.from(unpackBits(stored.miss as string, sampled)),
  };
}
