/**
 * Side-by-side comparison of experiments for `compare(ids)`: which params differ, each metric's
 * summary per experiment, and which experiment is best on it. Works on the aggregates the backend
 * computes (count, sum, sum of squares, min, max, latest), never on metric rows.
 *
 * @module
 */
import { ValidationError } from '../errors.js';
import type { ExperimentRecord, JsonValue, MetricAggregate } from '../storage/records.js';
import { flattenParams, jsonEqual } from './similar.js';

/**
 * The metrics where a lower value is better, used by `compare` when no
 * `lowerIsBetter` option is given. Names match exactly (case-sensitive).
 */
export const DEFAULT_LOWER_IS_BETTER: readonly string[] = Object.freeze([
  'max_drawdown',
  'drawdown',
  'loss',
  'val_loss',
  'mse',
  'rmse',
  'mae',
  'volatility',
]);

/**
 * One metric series of one experiment, summarised from its {@link MetricAggregate}.
 *
 * @example
 * ```ts
 * const { mean, std, latest }: MetricSummary = summarizeAggregate(aggregate);
 * ```
 */
export interface MetricSummary {
  /** Number of points in the series (at least 1). */
  count: number;
  mean: number;
  min: number;
  max: number;
  /** The value at the highest step. */
  latest: number;
  /**
   * Sample standard deviation (n − 1 denominator); `null` for fewer than 2 points, or when the
   * sum of squares overflowed (values beyond about 1e154).
   */
  std: number | null;
}

/** One experiment and its metric aggregates, as {@link compareExperiments} takes them. */
export interface ComparedInput {
  experiment: ExperimentRecord;
  metrics: readonly MetricAggregate[];
}

/** Options of {@link compareExperiments}. */
export interface CompareOptions {
  /**
   * Metric names where the lowest `latest` value wins. Replaces (does not extend)
   * {@link DEFAULT_LOWER_IS_BETTER}, the default.
   */
  lowerIsBetter?: readonly string[] | undefined;
}

/** An experiment in a {@link Comparison}, identified. */
export interface ComparedExperiment {
  id: string;
  name: string;
  status: string;
  configHash: string;
}

/** One param path across the compared experiments. */
export interface ComparedParam {
  /** Dotted path, as quantlab names param paths: `params.lookback`, `params.windows[0]`. */
  path: string;
  /** The value of each experiment, in the order of `Comparison.experiments`; `undefined` when unset. */
  values: (JsonValue | undefined)[];
  /** Whether the values are not all equal (an experiment without the param counts as different). */
  differs: boolean;
}

/** One metric across the compared experiments. */
export interface ComparedMetric {
  name: string;
  /** The summary of each experiment, in the order of `Comparison.experiments`; `null` when absent. */
  values: (MetricSummary | null)[];
  /**
   * The experiment with the best `latest` value (highest, or lowest for a lower-is-better metric);
   * on a tie the first in input order. `null` when no experiment has the metric.
   */
  best: { experimentId: string; value: number } | null;
}

/**
 * The result of `lab.experiments.compare`: experiments in input order, params and metrics sorted
 * by path and name, with values aligned with `experiments`.
 */
export interface Comparison {
  experiments: ComparedExperiment[];
  params: ComparedParam[];
  metrics: ComparedMetric[];
}

/**
 * Summarises a metric aggregate: mean `sum / count`, and the sample standard deviation from the
 * sum of squares, `√(max(0, (sumOfSquares − sum² / n) / (n − 1)))`. Rounding in that formula is
 * kept in bounds: the mean is clamped to [min, max], the standard deviation is 0 when min equals
 * max and at most the largest one possible for the range, `(max − min) / 2 · √(n / (n − 1))`.
 *
 * @throws ValidationError('aggregate.count', ...) when the count is not a whole number of at
 *   least 1 (a backend never returns an empty series).
 *
 * @example
 * ```ts
 * summarizeAggregate({ name: 'pnl', count: 3, sum: 6, sumOfSquares: 14, min: 1, max: 3,
 *   latest: 3, latestStep: 2, latestAt: new Date() });
 * // { count: 3, mean: 2, min: 1, max: 3, latest: 3, std: 1 }
 * ```
 */
export function summarizeAggregate(aggregate: MetricAggregate): MetricSummary {
  const { count: n, sum, sumOfSquares, min, max, latest } = aggregate;
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new ValidationError('aggregate.count', 'must be a whole number of at least 1', {
      received: n,
    });
  }
  const mean = Math.min(max, Math.max(min, sum / n));
  let std: number | null = null;
  if (n >= 2) {
    if (min === max) std = 0;
    else {
      const variance = Math.max(0, (sumOfSquares - (sum * sum) / n) / (n - 1));
      const bound = ((max - min) / 2) * Math.sqrt(n / (n - 1));
      // Not finite only when the sums overflowed (values beyond about 1e154): no figure to give.
      std = Number.isFinite(variance) ? Math.min(Math.sqrt(variance), bound) : null;
    }
  }
  return { count: n, mean, min, max, latest, std };
}

/**
 * Compares experiments side by side:
 * - `experiments`: id, name, status and config hash, in input order;
 * - `params`: every param path set by any experiment ({@link flattenParams}), sorted, with each
 *   experiment's value and whether they differ;
 * - `metrics`: every metric logged by any experiment, sorted by name, with each experiment's
 *   {@link summarizeAggregate | summary} and the best experiment by `latest` value: highest
 *   wins, lowest for names in `lowerIsBetter`, ties to the first in input order.
 *
 * If an experiment lists the same metric twice, its first aggregate is used.
 *
 * @param items - The experiments with their metric aggregates, in the order to show them.
 * @param options - {@link CompareOptions}: `lowerIsBetter` (default {@link DEFAULT_LOWER_IS_BETTER}).
 * @throws ValidationError when `items` is not an array or `lowerIsBetter` is not an array of
 *   strings.
 *
 * @example
 * ```ts
 * const comparison = compareExperiments([
 *   { experiment: a, metrics: await backend.metrics.aggregate(a.id) },
 *   { experiment: b, metrics: await backend.metrics.aggregate(b.id) },
 * ]);
 * comparison.params.filter((p) => p.differs); // [{ path: 'params.lookback', values: [14, 21], ... }]
 * comparison.metrics.find((m) => m.name === 'sharpe')?.best; // { experimentId: b.id, value: 1.9 }
 * ```
 */
export function compareExperiments(
  items: readonly ComparedInput[],
  options: CompareOptions = {},
): Comparison {
  if (!Array.isArray(items)) {
    throw new ValidationError('items', 'must be an array', { received: items });
  }
  const lowerIsBetter = new Set(checkNames(options.lowerIsBetter ?? DEFAULT_LOWER_IS_BETTER));
  const n = items.length;

  const experiments = items.map(({ experiment }) => ({
    id: experiment.id,
    name: experiment.name,
    status: experiment.status,
    configHash: experiment.configHash,
  }));

  const flat = items.map(({ experiment }) => flattenParams(experiment.config));
  const paths = new Set<string>();
  for (const params of flat) for (const path of params.keys()) paths.add(path);
  const params = [...paths].sort().map((path): ComparedParam => {
    const values = flat.map((p) => p.get(path));
    const first = values[0];
    const differs = values.some((value) => value === undefined || !jsonEqual(value, first));
    return { path, values, differs };
  });

  const byName = new Map<string, (MetricSummary | null)[]>();
  items.forEach(({ metrics }, index) => {
    for (const aggregate of metrics) {
      let values = byName.get(aggregate.name);
      if (values === undefined) {
        values = new Array<MetricSummary | null>(n).fill(null);
        byName.set(aggregate.name, values);
      }
      values[index] ??= summarizeAggregate(aggregate);
    }
  });
  const metrics = [...byName.keys()].sort().map((name): ComparedMetric => {
    const values = byName.get(name) as (MetricSummary | null)[];
    const lower = lowerIsBetter.has(name);
    let best: ComparedMetric['best'] = null;
    for (let index = 0; index < n; index++) {
      const value = values[index]?.latest;
      if (value === undefined || !Number.isFinite(value)) continue;
      if (best === null || (lower ? value < best.value : value > best.value)) {
        best = { experimentId: experiments[index]?.id as string, value };
      }
    }
    return { name, values, best };
  });

  return { experiments, params, metrics };
}

function checkNames(names: unknown): readonly string[] {
  if (!Array.isArray(names) || names.some((name) => typeof name !== 'string')) {
    throw new ValidationError('lowerIsBetter', 'must be an array of metric names', {
      received: names,
    });
  }
  return names;
}
