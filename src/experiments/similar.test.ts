import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validationField } from '../../test/support/numeric.js';
import type { JsonObject } from '../storage/records.js';
import { experimentConfig } from './config-hash.js';
import { parseExperimentDefinition } from './definition.js';
import {
  flattenParams,
  isSimilar,
  jsonEqual,
  maxRelativeDifference,
  similarityMatcher,
} from './similar.js';

const config = (params: JsonObject, rest: JsonObject = {}): JsonObject => ({
  type: 'backtest',
  strategy: 'rsi',
  params,
  strategyParams: {},
  modelParams: {},
  featureParams: {},
  ...rest,
});

describe('flattenParams', () => {
  it('names every leaf of the four params objects by its dotted path', () => {
    const flat = flattenParams({
      strategy: 'ignored',
      featureParams: { window: 20 },
      params: { windows: [5, 20], lookback: 14, flags: { short: true, venue: null } },
      modelParams: { layers: [{ units: 32 }, { units: 8 }] },
      strategyParams: { exit: { stop: 0.02, mode: 'trail' } },
    });
    expect([...flat]).toEqual([
      ['params.flags.short', true],
      ['params.flags.venue', null],
      ['params.lookback', 14],
      ['params.windows[0]', 5],
      ['params.windows[1]', 20],
      ['strategyParams.exit.mode', 'trail'],
      ['strategyParams.exit.stop', 0.02],
      ['modelParams.layers[0].units', 32],
      ['modelParams.layers[1].units', 8],
      ['featureParams.window', 20],
    ]);
  });

  it('lists keys in sorted order whatever order they were written in', () => {
    const a = flattenParams({ params: { b: 1, a: { d: 2, c: 3 } } });
    const b = flattenParams({ params: { a: { c: 3, d: 2 }, b: 1 } });
    expect([...a]).toEqual([...b]);
    expect([...a.keys()]).toEqual(['params.a.c', 'params.a.d', 'params.b']);
  });

  it('quotes keys that are not identifiers, so different params never share a path', () => {
    const flat = flattenParams({
      params: { 'bar size': '1h', 'a.b': 1, a: { b: 2 }, '0': 'key', list: ['item'] },
    });
    expect([...flat]).toEqual([
      ['params["0"]', 'key'],
      ['params.a.b', 2],
      ['params["a.b"]', 1],
      ['params["bar size"]', '1h'],
      ['params.list[0]', 'item'],
    ]);
  });

  it('keeps nested empty objects and arrays as leaves, and skips empty or missing groups', () => {
    const flat = flattenParams({ params: { filters: {}, windows: [] }, modelParams: {} });
    expect([...flat]).toEqual([
      ['params.filters', {}],
      ['params.windows', []],
    ]);
    expect(flattenParams({}).size).toBe(0);
  });

  it('treats a params field that is not an object as a leaf at its name', () => {
    expect([...flattenParams({ params: 3, strategyParams: [1] })]).toEqual([
      ['params', 3],
      ['strategyParams', [1]],
    ]);
  });

  it('flattens the config experimentConfig stores', () => {
    const definition = parseExperimentDefinition({
      name: 'RSI',
      type: 'backtest',
      strategy: 'rsi',
      symbols: ['BTC/USD'],
      timeframe: '1h',
      dateRange: { from: '2025-01-01', to: '2025-02-01' },
      params: { lookback: 14 },
      featureParams: { lags: [1, 2] },
    });
    expect([...flattenParams(experimentConfig(definition))]).toEqual([
      ['params.lookback', 14],
      ['featureParams.lags[0]', 1],
      ['featureParams.lags[1]', 2],
    ]);
  });
});

describe('jsonEqual', () => {
  it('compares JSON values deeply', () => {
    expect(jsonEqual({ a: [1, { b: null }], c: 'x' }, { c: 'x', a: [1, { b: null }] })).toBe(true);
    expect(jsonEqual(0, -0)).toBe(true);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
    expect(jsonEqual({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(jsonEqual({ a: 1, b: 2 }, { a: 1, c: 2 })).toBe(false);
    expect(jsonEqual([], {})).toBe(false);
    expect(jsonEqual({}, [])).toBe(false);
    expect(jsonEqual(null, {})).toBe(false);
    expect(jsonEqual(1, '1')).toBe(false);
    expect(jsonEqual(undefined, null)).toBe(false);
  });
});

describe('isSimilar', () => {
  const reference = config({ lookback: 100, mode: 'fast', bands: [1, 2] });

  it('matches equal params at tolerance 0, and only those', () => {
    expect(isSimilar(reference, config({ bands: [1, 2], mode: 'fast', lookback: 100 }), 0)).toBe(
      true,
    );
    expect(
      isSimilar(reference, config({ lookback: 100.0000001, mode: 'fast', bands: [1, 2] }), 0),
    ).toBe(false);
  });

  it('allows numbers within the relative tolerance of the larger magnitude', () => {
    const candidate = (lookback: number) => config({ lookback, mode: 'fast', bands: [1, 2] });
    expect(isSimilar(reference, candidate(110), 0.1)).toBe(true); // 10 ≤ 0.1 · 110
    expect(isSimilar(reference, candidate(90), 0.1)).toBe(true); // 10 ≤ 0.1 · 100
    expect(isSimilar(reference, candidate(89), 0.1)).toBe(false);
    expect(isSimilar(reference, candidate(112), 0.1)).toBe(false);
    expect(isSimilar(reference, candidate(-100), 1.9)).toBe(false);
    expect(isSimilar(reference, candidate(-100), 2)).toBe(true);
  });

  it('is symmetric', () => {
    const a = config({ x: 100 });
    const b = config({ x: 110 });
    for (const tolerance of [0, 0.05, 0.0909, 0.091, 0.5]) {
      expect(isSimilar(a, b, tolerance)).toBe(isSimilar(b, a, tolerance));
    }
  });

  it('matches 0 only with 0, below a tolerance of 1', () => {
    expect(isSimilar(config({ x: 0 }), config({ x: 0 }), 0)).toBe(true);
    expect(isSimilar(config({ x: 0 }), config({ x: 1e-12 }), 0.999)).toBe(false);
    expect(isSimilar(config({ x: 0 }), config({ x: 1e-12 }), 1)).toBe(true);
  });

  it('needs every non-numeric param to be equal', () => {
    expect(isSimilar(reference, config({ lookback: 100, mode: 'slow', bands: [1, 2] }), 1)).toBe(
      false,
    );
    expect(isSimilar(config({ on: true }), config({ on: false }), 1)).toBe(false);
    expect(isSimilar(config({ v: null }), config({ v: 0 }), 1)).toBe(false);
    expect(isSimilar(config({ v: 1 }), config({ v: '1' }), 1)).toBe(false);
    expect(isSimilar(config({ v: {} }), config({ v: [] }), 1)).toBe(false);
  });

  it('needs the same set of param paths', () => {
    expect(isSimilar(reference, config({ lookback: 100, mode: 'fast' }), 1)).toBe(false);
    expect(isSimilar(reference, config({ lookback: 100, mode: 'fast', bands: [1, 2, 3] }), 1)).toBe(
      false,
    );
    expect(
      isSimilar(reference, config({ lookback: 100, mode: 'fast', bands: [1, 2], extra: 1 }), 1),
    ).toBe(false);
    // The same value under another group is another param.
    expect(isSimilar(config({ x: 1 }), { strategyParams: { x: 1 } }, 1)).toBe(false);
  });

  it('ignores everything but the params objects', () => {
    const other = config(
      { lookback: 100, mode: 'fast', bands: [1, 2] },
      { strategy: 'macd', symbols: ['ETH/USD'], seed: 7 },
    );
    expect(isSimilar(reference, other, 0)).toBe(true);
  });

  it('compares huge numbers of opposite signs without overflowing', () => {
    const a = config({ x: 1e308 });
    const b = config({ x: -1e308 });
    expect(isSimilar(a, b, 1.99)).toBe(false);
    expect(isSimilar(a, b, 2)).toBe(true);
    expect(maxRelativeDifference(a, b)).toBe(2);
  });

  it('refuses a tolerance that is negative or not finite', () => {
    for (const tolerance of [-0.1, Number.NaN, Number.POSITIVE_INFINITY, '0.1']) {
      expect(validationField(() => isSimilar(reference, reference, tolerance as number))).toBe(
        'tolerance',
      );
    }
    expect(validationField(() => similarityMatcher(reference, -1))).toBe('tolerance');
  });

  it('agrees with similarityMatcher and maxRelativeDifference', () => {
    const leaf = fc.oneof(
      fc.integer({ min: -5, max: 5 }),
      fc.double({ min: -1e3, max: 1e3, noNaN: true }),
      fc.constantFrom('a', 'b', true, null),
    );
    const params = fc.dictionary(fc.constantFrom('a', 'b', 'c'), leaf, { maxKeys: 3 });
    const tolerance = fc.constantFrom(0, 0.01, 0.1, 0.5, 1, 2);
    fc.assert(
      fc.property(params, params, tolerance, (a, b, t) => {
        const x = config(a as JsonObject);
        const y = config(b as JsonObject);
        const similar = isSimilar(x, y, t);
        const difference = maxRelativeDifference(x, y);
        return (
          similar === similarityMatcher(x, t)(y) &&
          similar === isSimilar(y, x, t) &&
          (difference === undefined ? !similar : similar === difference <= t) &&
          isSimilar(x, x, 0)
        );
      }),
    );
  });
});

describe('maxRelativeDifference', () => {
  it('is the largest relative difference over the numeric params', () => {
    const a = config({ x: 100, y: 2, z: 'same' });
    expect(maxRelativeDifference(a, config({ x: 110, y: 2, z: 'same' }))).toBe(10 / 110);
    expect(maxRelativeDifference(a, config({ x: 100, y: 1, z: 'same' }))).toBe(0.5);
    expect(maxRelativeDifference(a, a)).toBe(0);
    expect(maxRelativeDifference(config({}), config({}))).toBe(0);
    expect(maxRelativeDifference(config({ x: 0 }), config({ x: 0 }))).toBe(0);
  });

  it('is undefined when the configs are not comparable', () => {
    expect(maxRelativeDifference(config({ x: 1 }), config({ x: '1' }))).toBeUndefined();
    expect(maxRelativeDifference(config({ x: 1 }), config({ y: 1 }))).toBeUndefined();
    expect(maxRelativeDifference(config({ x: 1 }), config({ x: 1, y: 1 }))).toBeUndefined();
    expect(maxRelativeDifference(config({ x: 1, y: 1 }), config({ x: 1 }))).toBeUndefined();
  });

  it('ranks candidates by closeness', () => {
    const reference = config({ lookback: 20, threshold: 0.3 });
    const candidates = [
      config({ lookback: 25, threshold: 0.3 }),
      config({ lookback: 20, threshold: 0.31 }),
      config({ lookback: 21, threshold: 0.3 }),
    ];
    const ranked = candidates
      .map((c, index) => ({ index, difference: maxRelativeDifference(reference, c) as number }))
      .sort((p, q) => p.difference - q.difference)
      .map((p) => p.index);
    expect(ranked).toEqual([1, 2, 0]);
  });
});
