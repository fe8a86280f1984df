import { describe, expect, it } from 'vitest';
import { relativeError, validationField } from '../../test/support/numeric.js';
import { summarize } from '../stats/summary.js';
import type { ExperimentRecord, JsonObject, MetricAggregate } from '../storage/records.js';
import {
  type ComparedInput,
  compareExperiments,
  DEFAULT_LOWER_IS_BETTER,
  summarizeAggregate,
} from './compare.js';

const AT = new Date('2025-03-01T00:00:00.000Z');

function experiment(id: string, params: JsonObject, extra: JsonObject = {}): ExperimentRecord {
  return {
    id,
    name: `run ${id}`,
    description: null,
    type: 'backtest',
    strategy: 'rsi',
    status: 'completed',
    priority: 5,
    configHash: `hash-${id}`,
    config: {
      type: 'backtest',
      strategy: 'rsi',
      params,
      strategyParams: {},
      modelParams: {},
      featureParams: {},
      ...extra,
    },
    tags: [],
    parentId: null,
    gitCommit: null,
    provenance: {},
    metadata: {},
    error: null,
    errorCount: 0,
    resources: { cpuCores: 0, memoryGb: 0, gpuUnits: 0, diskGb: 0 },
    maxRuntimeHours: 24,
    autoCleanup: true,
    createdAt: AT,
    updatedAt: AT,
    queuedAt: null,
    startedAt: null,
    completedAt: null,
  };
}

/** The aggregate a backend computes for a series logged at steps 0, 1, 2, ... */
function aggregate(name: string, values: readonly number[]): MetricAggregate {
  return {
    name,
    count: values.length,
    sum: values.reduce((s, x) => s + x, 0),
    sumOfSquares: values.reduce((s, x) => s + x * x, 0),
    min: Math.min(...values),
    max: Math.max(...values),
    latest: values[values.length - 1] as number,
    latestStep: values.length - 1,
    latestAt: AT,
  };
}

describe('summarizeAggregate', () => {
  it('gives the mean and the sample standard deviation', () => {
    expect(summarizeAggregate(aggregate('pnl', [1, 2, 3]))).toEqual({
      count: 3,
      mean: 2,
      min: 1,
      max: 3,
      latest: 3,
      std: 1,
    });
    const values = [0.013, -0.021, 0.004, 0.017, -0.002, 0.009];
    const summary = summarizeAggregate(aggregate('r', values));
    const reference = summarize(values);
    expect(relativeError(summary.mean, reference.mean)).toBeLessThan(1e-14);
    expect(relativeError(summary.std as number, Math.sqrt(reference.variance))).toBeLessThan(1e-12);
  });

  it('has no standard deviation for a single point', () => {
    expect(summarizeAggregate(aggregate('x', [4.5]))).toEqual({
      count: 1,
      mean: 4.5,
      min: 4.5,
      max: 4.5,
      latest: 4.5,
      std: null,
    });
  });

  it('keeps rounding in bounds', () => {
    // A constant series far from 0: the sum-of-squares formula alone rounds to nonzero.
    const constant = aggregate('equity', new Array<number>(7).fill(100_000.1));
    expect(summarizeAggregate(constant)).toMatchObject({ mean: 100_000.1, std: 0 });
    // Cancellation that would make the variance negative.
    const skewed = { ...aggregate('x', [1e9, 1e9 + 1]), sumOfSquares: 2e18 };
    expect(summarizeAggregate(skewed).std).toBe(0);
    // ... or larger than the range allows: std ≤ (max − min) / 2 · √(n / (n − 1)).
    const inflated = { ...aggregate('x', [1e9, 1e9 + 1]), sumOfSquares: 2e18 + 2e9 + 1024 };
    expect(summarizeAggregate(inflated).std).toBeCloseTo(Math.SQRT1_2, 12);
    // A mean rounded outside [min, max] is clamped.
    const outside = { ...aggregate('x', [0.1, 0.1, 0.1]), sum: 0.30000000000000004 };
    const { mean } = summarizeAggregate(outside);
    expect(mean).toBeLessThanOrEqual(0.1);
  });

  it('has no standard deviation when the sums overflowed', () => {
    const huge = aggregate('x', [1e200, 2e200]);
    expect(huge.sumOfSquares).toBe(Number.POSITIVE_INFINITY);
    expect(summarizeAggregate(huge)).toMatchObject({ mean: 1.5e200, std: null });
  });

  it('refuses an empty series', () => {
    const empty = { ...aggregate('x', [1]), count: 0 };
    expect(validationField(() => summarizeAggregate(empty))).toBe('aggregate.count');
    expect(validationField(() => summarizeAggregate({ ...empty, count: 1.5 }))).toBe(
      'aggregate.count',
    );
  });
});

describe('compareExperiments', () => {
  const a = experiment('a', { lookback: 14, mode: 'fast', bands: [1, 2] });
  const b = experiment('b', { lookback: 21, mode: 'fast', bands: [1, 2, 3] });
  const c = experiment('c', { lookback: 14, mode: 'fast', bands: [1, 2] }, { seed: 1 });

  it('lists the experiments in input order', () => {
    const { experiments } = compareExperiments([
      { experiment: b, metrics: [] },
      { experiment: { ...a, status: 'failed' }, metrics: [] },
    ]);
    expect(experiments).toEqual([
      { id: 'b', name: 'run b', status: 'completed', configHash: 'hash-b' },
      { id: 'a', name: 'run a', status: 'failed', configHash: 'hash-a' },
    ]);
  });

  it('aligns every param path and flags those that differ', () => {
    const { params } = compareExperiments([
      { experiment: a, metrics: [] },
      { experiment: b, metrics: [] },
      { experiment: c, metrics: [] },
    ]);
    expect(params).toEqual([
      { path: 'params.bands[0]', values: [1, 1, 1], differs: false },
      { path: 'params.bands[1]', values: [2, 2, 2], differs: false },
      { path: 'params.bands[2]', values: [undefined, 3, undefined], differs: true },
      { path: 'params.lookback', values: [14, 21, 14], differs: true },
      { path: 'params.mode', values: ['fast', 'fast', 'fast'], differs: false },
    ]);
  });

  it('counts a param missing from the first experiment as different', () => {
    const { params } = compareExperiments([
      { experiment: experiment('x', {}), metrics: [] },
      { experiment: experiment('y', { extra: 1 }), metrics: [] },
      { experiment: experiment('z', { extra: 1 }), metrics: [] },
    ]);
    expect(params).toEqual([{ path: 'params.extra', values: [undefined, 1, 1], differs: true }]);
  });

  it('compares params deeply, including empty objects', () => {
    const { params } = compareExperiments([
      { experiment: experiment('x', { filter: {} }), metrics: [] },
      { experiment: experiment('y', { filter: {} }), metrics: [] },
    ]);
    expect(params).toEqual([{ path: 'params.filter', values: [{}, {}], differs: false }]);
  });

  it('summarises each metric per experiment and picks the best latest value', () => {
    const items: ComparedInput[] = [
      {
        experiment: a,
        metrics: [aggregate('sharpe', [0.5, 1.2]), aggregate('max_drawdown', [0.1, 0.2])],
      },
      { experiment: b, metrics: [aggregate('sharpe', [2, 1.5])] },
      {
        experiment: c,
        metrics: [aggregate('max_drawdown', [0.15]), aggregate('accuracy', [0.6, 0.7, 0.8])],
      },
    ];
    const { metrics } = compareExperiments(items);
    expect(metrics.map((m) => m.name)).toEqual(['accuracy', 'max_drawdown', 'sharpe']);
    const [accuracy, drawdown, sharpe] = metrics;
    expect(accuracy?.values.map((v) => v?.latest ?? null)).toEqual([null, null, 0.8]);
    expect(accuracy?.best).toEqual({ experimentId: 'c', value: 0.8 });
    // max_drawdown is lower-is-better by default.
    expect(drawdown?.values.map((v) => v?.latest ?? null)).toEqual([0.2, null, 0.15]);
    expect(drawdown?.best).toEqual({ experimentId: 'c', value: 0.15 });
    expect(sharpe?.values[0]).toEqual(summarizeAggregate(aggregate('sharpe', [0.5, 1.2])));
    expect(sharpe?.values[2]).toBeNull();
    expect(sharpe?.best).toEqual({ experimentId: 'b', value: 1.5 });
  });

  it('lets lowerIsBetter replace the default list', () => {
    const items: ComparedInput[] = [
      { experiment: a, metrics: [aggregate('max_drawdown', [0.2]), aggregate('cost', [5])] },
      { experiment: b, metrics: [aggregate('max_drawdown', [0.1]), aggregate('cost', [3])] },
    ];
    const byDefault = compareExperiments(items).metrics;
    expect(byDefault.map((m) => m.best?.experimentId)).toEqual(['a', 'b']); // cost, max_drawdown
    const custom = compareExperiments(items, { lowerIsBetter: ['cost'] }).metrics;
    expect(custom.map((m) => m.best?.experimentId)).toEqual(['b', 'a']);
    const none = compareExperiments(items, { lowerIsBetter: [] }).metrics;
    expect(none.map((m) => m.best?.experimentId)).toEqual(['a', 'a']);
    expect(compareExperiments(items, { lowerIsBetter: undefined })).toEqual(
      compareExperiments(items),
    );
  });

  it('breaks ties in favour of the first experiment in input order', () => {
    const items = (order: ExperimentRecord[]): ComparedInput[] =>
      order.map((experiment) => ({
        experiment,
        metrics: [aggregate('sharpe', [1]), aggregate('loss', [0.3])],
      }));
    const forward = compareExperiments(items([a, b, c])).metrics;
    expect(forward.map((m) => m.best?.experimentId)).toEqual(['a', 'a']);
    const backward = compareExperiments(items([c, b, a])).metrics;
    expect(backward.map((m) => m.best?.experimentId)).toEqual(['c', 'c']);
  });

  it('uses the first aggregate when an experiment lists a metric twice', () => {
    const { metrics } = compareExperiments([
      { experiment: a, metrics: [aggregate('pnl', [1]), aggregate('pnl', [9])] },
    ]);
    expect(metrics).toHaveLength(1);
    expect(metrics[0]?.values[0]?.latest).toBe(1);
  });

  it('compares nothing to an empty comparison', () => {
    expect(compareExperiments([])).toEqual({ experiments: [], params: [], metrics: [] });
  });

  it('has documented lower-is-better defaults that cannot be changed', () => {
    expect(DEFAULT_LOWER_IS_BETTER).toEqual([
      'max_drawdown',
      'drawdown',
      'loss',
      'val_loss',
      'mse',
      'rmse',
      'mae',
      'volatility',
    ]);
    expect(Object.isFrozen(DEFAULT_LOWER_IS_BETTER)).toBe(true);
  });

  it('refuses input that is not a list, and names that are not strings', () => {
    expect(validationField(() => compareExperiments('a' as never))).toBe('items');
    expect(validationField(() => compareExperiments([], { lowerIsBetter: 'loss' as never }))).toBe(
      'lowerIsBetter',
    );
    expect(validationField(() => compareExperiments([], { lowerIsBetter: [1] as never }))).toBe(
      'lowerIsBetter',
    );
  });
});
