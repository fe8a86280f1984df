/**
 * What `lab.experiments` returns: experiments, pages, metric points, summaries, run handles.
 *
 * @module
 */
import type { Random } from '../stats/random.js';
import type { ArtifactLink, ExperimentRecord, JsonObject, LogRecord } from '../storage/records.js';
import type { MetricSummary } from './compare.js';
import type { ExperimentType } from './definition.js';
import type { ExperimentStatus } from './lifecycle.js';
import type { TradingFigures } from './trading.js';

/** An experiment as `lab.experiments` returns it: the stored record plus its duration. */
export interface Experiment extends Omit<ExperimentRecord, 'status' | 'type'> {
  type: ExperimentType;
  status: ExperimentStatus;
  /** completedAt − startedAt in milliseconds, once both are set; else null. */
  durationMs: number | null;
}

/** One page of {@link Experiment}s from `list`. */
export interface ExperimentPage {
  experiments: Experiment[];
  /** Pass as `cursor` to get the next page; null on the last page. */
  nextCursor: string | null;
}

/** One point of a metric series. */
export interface MetricPoint {
  step: number;
  value: number;
  at: Date;
}

/** Options of `logMetric` and `logMetrics`. */
export interface LogMetricOptions {
  /**
   * Position in the series, an integer from 0 to 2³¹ − 1. Default: one more than the last step
   * this lab logged for the series (0 for the first), so pass it explicitly when several
   * processes log the same series.
   */
  step?: number;
  /** When the value was observed. Default: the lab's clock. */
  at?: Date;
}

/** Level of a log line. */
export type LogLevel = LogRecord['level'];

/** Per-metric figures and trading figures of one experiment, from `summary`. */
export interface ExperimentSummary {
  experiment: Experiment;
  /** Per metric name: count, mean, min, max, latest and sample std, computed in the database. */
  metrics: Record<string, MetricSummary>;
  /**
   * Trading figures when the run logged returns, an equity curve or trade PnL (see
   * {@link SummaryOptions} for the metric names); null otherwise.
   */
  trading: TradingFigures | null;
}

/** Options of `summary`. */
export interface SummaryOptions {
  /** Per-period returns metric. Default `returns`. */
  returnsMetric?: string;
  /** Equity curve metric. Default `equity`. */
  equityMetric?: string;
  /** Per-trade profit and loss metric. Default `trade_pnl`. */
  tradesMetric?: string;
  /**
   * Return periods per year for the annualised Sharpe ratio. Default: the bars per year of the
   * experiment's timeframe in a market open around the clock (`1h` → 8,760, `1d` → 365, `1w` →
   * 52); pass 252 for daily bars of an exchange with trading days only.
   */
  periodsPerYear?: number;
  /** Risk-free rate per period. Default 0. */
  riskFree?: number;
}

/** Artifact ids by kind for `storeResults`: one id or several per kind. */
export type ResultArtifacts = {
  trades?: string | readonly string[];
  metrics?: string | readonly string[];
  curves?: string | readonly string[];
  diagnostics?: string | readonly string[];
} & { readonly [kind: string]: string | readonly string[] | undefined };

/** The artifacts an experiment consumed and produced. */
export interface ExperimentArtifacts {
  inputs: ArtifactLink[];
  outputs: ArtifactLink[];
}

/** What `sweep()` did. */
export interface SweepResult {
  /** Running experiments failed for exceeding `maxRuntimeHours`. */
  failed: string[];
  /** Completed experiments archived after their cleanup date. */
  archived: string[];
}

/**
 * The handle `run(definition, fn)` passes to `fn`: logs to the running experiment and gives a
 * random source seeded from the definition's `seed` (or its config hash), so a deterministic
 * backtest reruns identically.
 */
export interface RunHandle {
  /** The experiment's id. */
  readonly id: string;
  /** The experiment as it started (status `running`). */
  readonly experiment: Experiment;
  /** The seed of {@link RunHandle.random}: the definition's `seed`, else the config hash. */
  readonly seed: number | string;
  /** A seeded random source for the run (xoshiro128**; see `quantlab/stats`). */
  readonly random: Random;
  /** Like `lab.experiments.logMetric` for this run. */
  logMetric(name: string, value: number, options?: LogMetricOptions): Promise<void>;
  /** Like `lab.experiments.logMetrics` for this run. */
  logMetrics(values: Readonly<Record<string, number>>, options?: LogMetricOptions): Promise<void>;
  /** Like `lab.experiments.log` for this run. */
  log(level: LogLevel, message: string, context?: JsonObject): Promise<void>;
  /** Like `lab.experiments.storeResults` for this run. */
  storeResults(results: ResultArtifacts): Promise<ArtifactLink[]>;
}
