import { ValidationError } from '../errors.js';

/**
 * Performance drift: each model metric (Sharpe, hit rate, RMSE, drawdown, ...) against its
 * baseline value, flagged when it has moved by more than a threshold in the harmful direction.
 *
 * @internal
 * @module
 */

/** Default threshold on the harmful relative change of a metric: 5%. */
export const DEFAULT_PERFORMANCE_THRESHOLD = 0.05;

/**
 * Slack for rounding in the comparison with the threshold: decimal inputs such as 1 → 0.95
 * give a relative change of −0.050000000000000044, which must not count as over 5%.
 */
const ROUNDING_SLACK = 1e-12;

/**
 * Name parts that mark a metric where lower is better (matched inside each word of the name,
 * case-insensitively): errors, losses, drawdowns and scores of the same kind.
 */
const LOWER_IS_BETTER = [
  'error',
  'loss',
  'mae',
  'mse',
  'rmse',
  'mape',
  'wape',
  'drawdown',
  'brier',
];
/** Whole words that make a metric higher-is-better even next to one of the above (P&L, win/loss). */
const HIGHER_IS_BETTER_WORDS = new Set([
  'profit',
  'profits',
  'pnl',
  'win',
  'wins',
  'gain',
  'gains',
]);

/**
 * The verdict on one metric.
 *
 * @example
 * ```ts
 * const m: MetricDrift = checkPerformance({ sharpe: 1.5 }, { sharpe: 1.2 }).metrics[0];
 * // { metric: 'sharpe', relativeChange: -0.2, degradation: 0.2, drifted: true, ... }
 * ```
 */
export interface MetricDrift {
  /** The metric's name. */
  readonly metric: string;
  /** Its baseline value. */
  readonly baseline: number;
  /** Its current value. */
  readonly current: number;
  /** current − baseline. */
  readonly change: number;
  /** (current − baseline) / |baseline|; `null` when the baseline is 0. */
  readonly relativeChange: number | null;
  /** The direction used: explicit in `higherIsBetter`, else {@link defaultHigherIsBetter}. */
  readonly higherIsBetter: boolean;
  /**
   * The change in the harmful direction, positive when the metric got worse: the relative
   * change (or, with a baseline of 0, the absolute change), negated for a higher-is-better
   * metric.
   */
  readonly degradation: number;
  /** The threshold `degradation` was compared with. */
  readonly threshold: number;
  /** `degradation > threshold` (with 1e-12 of slack for rounding). */
  readonly drifted: boolean;
}

/**
 * The verdict on a set of metrics.
 *
 * @example
 * ```ts
 * const r: PerformanceDrift = checkPerformance(baselineMetrics, liveMetrics);
 * for (const m of r.metrics) if (m.drifted) console.warn(`${m.metric} degraded by ${m.degradation}`);
 * ```
 */
export interface PerformanceDrift {
  /** One verdict per metric present on both sides, in the baseline's key order. */
  readonly metrics: readonly MetricDrift[];
  /** Number of drifted metrics. */
  readonly driftedCount: number;
  /** True when at least one metric drifted. */
  readonly drifted: boolean;
  /** Metrics on one side only: reported, never an error. */
  readonly missing: {
    /** In the baseline but not in the current metrics. */
    readonly fromCurrent: readonly string[];
    /** In the current metrics but not in the baseline. */
    readonly fromBaseline: readonly string[];
  };
}

/**
 * Options of {@link checkPerformance}.
 *
 * @example
 * ```ts
 * const options: PerformanceOptions = { threshold: 0.1, higherIsBetter: { turnover: false } };
 * ```
 */
export interface PerformanceOptions {
  /** Harmful relative change over which a metric has drifted: a finite number ≥ 0. Default 0.05. */
  readonly threshold?: number;
  /** Direction per metric; the others use {@link defaultHigherIsBetter}. */
  readonly higherIsBetter?: Readonly<Record<string, boolean>>;
}

/**
 * The default direction of a metric, from its name. The name is split into words at
 * non-alphanumeric characters and lower-to-upper case changes (`maxDrawdown` → max, drawdown;
 * `val_loss` → val, loss) and lower-cased. Lower is better when a word contains error, loss,
 * mae, mse, rmse, mape, wape, drawdown or brier (`rmse`, `logloss`, `meanSquaredError`,
 * `max_drawdown`), unless another word is profit(s), pnl, win(s) or gain(s) (`profit_loss`,
 * `winLossRatio` are higher-is-better); otherwise higher is better (Sharpe, Sortino, accuracy,
 * hit rate, AUC, returns). Drawdowns are taken as positive fractions, as `maxDrawdown` of
 * quantlab/stats returns them. Pass `higherIsBetter` for anything else.
 *
 * @example
 * ```ts
 * defaultHigherIsBetter('sharpe'); // true
 * defaultHigherIsBetter('maxDrawdown'); // false
 * defaultHigherIsBetter('profit_loss'); // true
 * ```
 */
export function defaultHigherIsBetter(metric: string): boolean {
  const words = metric
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
  if (words.some((w) => HIGHER_IS_BETTER_WORDS.has(w))) return true;
  return !words.some((w) => LOWER_IS_BETTER.some((part) => w.includes(part)));
}

/**
 * Compares each metric with its baseline value. For a metric with baseline b and current value
 * c, the relative change is (c − b) / |b| (dividing by |b| keeps the sign meaningful for a
 * negative baseline, e.g. a Sharpe ratio of −0.5 falling to −0.6 is a −20% change), and its
 * degradation is that change in the harmful direction: −relative change when higher is better,
 * +relative change when lower is better. A metric has drifted when its degradation is over
 * `threshold` (default 0.05: 5% worse; a 1e-12 slack absorbs rounding, so 1 → 0.95 is exactly
 * 5% and not over it). Improvements never count as drift.
 *
 * A baseline of exactly 0 has no relative scale: the absolute change is compared with the
 * same threshold instead (`relativeChange` is `null`), which reads naturally for metrics that
 * are fractions (a drawdown from 0 to 0.06 is over 0.05).
 *
 * Metrics present on one side only are listed in `missing` and not compared.
 *
 * @param baseline - Baseline metric values by name: finite numbers.
 * @param current - Current metric values by name: finite numbers.
 * @throws `ValidationError` naming `baseline.<metric>` or `metrics.<metric>` for a value that is
 *   not a finite number, `threshold` when it is not a finite number ≥ 0, and
 *   `higherIsBetter.<metric>` for a direction that is not a boolean.
 *
 * @example
 * ```ts
 * const r = checkPerformance(
 *   { sharpe: 1.8, hitRate: 0.56, rmse: 0.012, maxDrawdown: 0.08 },
 *   { sharpe: 1.75, hitRate: 0.51, rmse: 0.0135, maxDrawdown: 0.07 },
 * );
 * r.metrics.filter((m) => m.drifted).map((m) => m.metric); // ['hitRate', 'rmse']
 * ```
 */
export function checkPerformance(
  baseline: Readonly<Record<string, number>>,
  current: Readonly<Record<string, number>>,
  { threshold = DEFAULT_PERFORMANCE_THRESHOLD, higherIsBetter = {} }: PerformanceOptions = {},
): PerformanceDrift {
  checkRecord(baseline, 'baseline');
  checkRecord(current, 'metrics');
  checkRecord(higherIsBetter, 'higherIsBetter');
  if (typeof threshold !== 'number' || !Number.isFinite(threshold) || threshold < 0) {
    throw new ValidationError('threshold', 'must be a finite number of at least 0', {
      received: threshold,
    });
  }
  for (const [name, value] of Object.entries(higherIsBetter)) {
    if (typeof value !== 'boolean') {
      throw new ValidationError(`higherIsBetter.${name}`, 'must be a boolean', { received: value });
    }
  }
  for (const [name, value] of Object.entries(baseline)) checkMetric(value, `baseline.${name}`);
  for (const [name, value] of Object.entries(current)) checkMetric(value, `metrics.${name}`);

  const metrics: MetricDrift[] = [];
  for (const metric of Object.keys(baseline)) {
    if (!Object.hasOwn(current, metric)) continue;
    const b = baseline[metric] as number;
    const c = current[metric] as number;
    const up = Object.hasOwn(higherIsBetter, metric)
      ? (higherIsBetter[metric] as boolean)
      : defaultHigherIsBetter(metric);
    const change = c - b;
    const relativeChange = b === 0 ? null : change / Math.abs(b);
    const scaled = relativeChange ?? change;
    const degradation = up ? -scaled : scaled;
    metrics.push({
      metric,
      baseline: b,
      current: c,
      change,
      relativeChange,
      higherIsBetter: up,
      degradation: degradation + 0,
      threshold,
      drifted: degradation > threshold + ROUNDING_SLACK,
    });
  }
  const driftedCount = metrics.filter((m) => m.drifted).length;
  return {
    metrics,
    driftedCount,
    drifted: driftedCount > 0,
    missing: {
      fromCurrent: Object.keys(baseline).filter((m) => !Object.hasOwn(current, m)),
      fromBaseline: Object.keys(current).filter((m) => !Object.hasOwn(baseline, m)),
    },
  };
}

function checkMetric(value: unknown, field: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ValidationError(field, 'must be a finite number', { received: value });
  }
}

function checkRecord(value: unknown, field: string): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ValidationError(field, 'must be an object keyed by metric name', {
      received: value,
    });
  }
}
