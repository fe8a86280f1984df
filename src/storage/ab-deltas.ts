import type { OutcomeRecord, PredictionRecord } from './records.js';
import { compareText } from './text-order.js';
import { PREDICTIONS_METRIC, UNITS_METRIC } from './validate.js';

/*
 * What a batch of predictions or outcomes adds to the A/B aggregates, computed the same way by
 * every built-in backend so their sums agree to the last bit: one delta per (test, variant,
 * metric), the batch's values summed in input order, then added to the stored row in one step
 * (`n = n + delta.n`, `sum = sum + delta.sum`, ...).
 */

/** The key of one aggregate row: test, variant and metric joined with NUL (never in valid text). */
export const aggregateKey = (testId: string, variant: string, metric: string): string =>
  `${testId}\u0000${variant}\u0000${metric}`;

/** The key of one outcome: prediction and variant joined with NUL. */
export const outcomeKey = (predictionId: string, variant: string): string =>
  `${predictionId}\u0000${variant}`;

/** What one batch adds to one aggregate row. @internal */
export interface AggregateDelta {
  testId: string;
  variant: string;
  metric: string;
  n: number;
  sum: number;
  sumOfSquares: number;
}

/**
 * Deltas by (test, variant), then metric: the outer key is built once per record, not once per
 * value (this runs for every value of every outcome).
 */
class DeltaMap {
  readonly #byVariant = new Map<string, Map<string, AggregateDelta>>();

  /** The deltas of one (test, variant), by metric. */
  of(testId: string, variant: string): Map<string, AggregateDelta> {
    const key = `${testId}\u0000${variant}`;
    let metrics = this.#byVariant.get(key);
    if (metrics === undefined) {
      metrics = new Map();
      this.#byVariant.set(key, metrics);
    }
    return metrics;
  }

  deltas(): AggregateDelta[] {
    const all: AggregateDelta[] = [];
    for (const metrics of this.#byVariant.values()) for (const d of metrics.values()) all.push(d);
    return all;
  }
}

/** Adds one value (or, with `value` undefined, one count) to the delta of a metric. */
function addTo(
  metrics: Map<string, AggregateDelta>,
  testId: string,
  variant: string,
  metric: string,
  value: number | undefined,
): void {
  let delta = metrics.get(metric);
  if (delta === undefined) {
    delta = { testId, variant, metric, n: 0, sum: 0, sumOfSquares: 0 };
    metrics.set(metric, delta);
  }
  delta.n += 1;
  if (value !== undefined) {
    delta.sum += value;
    delta.sumOfSquares += value * value;
  }
}

/** The `$predictions` counts a batch of predictions adds: its variant and each shadow variant. */
export function predictionDeltas(records: readonly PredictionRecord[]): AggregateDelta[] {
  const deltas = new DeltaMap();
  for (const r of records) {
    const own = deltas.of(r.testId, r.variant);
    addTo(own, r.testId, r.variant, PREDICTIONS_METRIC, undefined);
    if (r.firstOfUnit === true) addTo(own, r.testId, r.variant, UNITS_METRIC, undefined);
    if (r.shadow !== null) {
      for (const variant of Object.keys(r.shadow)) {
        addTo(deltas.of(r.testId, variant), r.testId, variant, PREDICTIONS_METRIC, undefined);
      }
    }
  }
  return deltas.deltas();
}

/** What the inserted outcomes add to their metrics, summed in input order. */
export function outcomeDeltas(records: Iterable<OutcomeRecord>): AggregateDelta[] {
  const deltas = new DeltaMap();
  let last: OutcomeRecord | undefined;
  let metrics: Map<string, AggregateDelta> | undefined;
  for (const r of records) {
    // Consecutive outcomes of one (test, variant) share the lookup.
    if (metrics === undefined || r.testId !== last?.testId || r.variant !== last.variant) {
      metrics = deltas.of(r.testId, r.variant);
    }
    last = r;
    const values = r.values;
    for (const metric in values) {
      if (Object.hasOwn(values, metric)) {
        addTo(metrics, r.testId, r.variant, metric, values[metric]);
      }
    }
  }
  return deltas.deltas();
}

/**
 * The outcomes of a batch whose (prediction, variant) comes first in it, and, for every record,
 * whether it repeats an earlier one (a within-batch duplicate: the first wins).
 */
export function firstOfEachKey(records: readonly OutcomeRecord[]): {
  unique: OutcomeRecord[];
  indexes: number[];
  repeated: boolean[];
} {
  const seen = new Set<string>();
  const unique: OutcomeRecord[] = [];
  const indexes: number[] = [];
  const repeated: boolean[] = new Array(records.length).fill(false);
  records.forEach((r, index) => {
    const key = outcomeKey(r.predictionId, r.variant);
    if (seen.has(key)) {
      repeated[index] = true;
      return;
    }
    seen.add(key);
    unique.push(r);
    indexes.push(index);
  });
  return { unique, indexes, repeated };
}

/** Orders deltas by test, variant, metric: the order aggregate rows are locked in. */
export const byAggregateKey = (a: AggregateDelta, b: AggregateDelta): number =>
  compareText(a.testId, b.testId) ||
  compareText(a.variant, b.variant) ||
  compareText(a.metric, b.metric);
