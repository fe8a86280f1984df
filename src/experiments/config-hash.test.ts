import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import { canonicalJson, configHash, experimentConfig } from './config-hash.js';
import {
  type ExperimentDefinition,
  type ExperimentDefinitionInput,
  parseExperimentDefinition,
} from './definition.js';

const input = {
  id: 'exp-golden',
  name: 'Golden',
  type: 'backtest',
  strategy: 'rsi-reversion',
  symbols: ['ETH/USD', 'BTC/USD'],
  timeframe: '1h',
  dateRange: { from: '2025-01-01', to: '2025-02-01T12:30:00Z' },
  params: {
    weights: [1.5, -2, 0],
    lookback: 14,
    threshold: 0.25,
    flags: { venue: null, short: true },
  },
  strategyParams: { band: 2.75 },
  featureParams: { window: 20 },
  inputs: { ohlcv: ['b'.repeat(64)], alerts: ['alert-2', 'alert-1'] },
  seed: 42,
  tags: ['golden'],
} satisfies ExperimentDefinitionInput;

const golden = parseExperimentDefinition(input);

/**
 * Computed independently with Python 3 (json.dumps and hashlib), from the config written out by
 * hand with the set fields sorted:
 *
 * ```py
 * config = {"type": "backtest", "strategy": "rsi-reversion", "symbols": ["BTC/USD", "ETH/USD"],
 *   "timeframe": "1h",
 *   "dateRange": {"from": "2025-01-01T00:00:00.000Z", "to": "2025-02-01T12:30:00.000Z"},
 *   "params": {"lookback": 14, "threshold": 0.25, "weights": [1.5, -2, 0],
 *              "flags": {"short": True, "venue": None}},
 *   "strategyParams": {"band": 2.75}, "modelParams": {}, "featureParams": {"window": 20},
 *   "inputs": {"alerts": ["alert-1", "alert-2"], "ohlcv": ["b" * 64]}, "seed": 42}
 * text = json.dumps(config, sort_keys=True, separators=(',', ':'), ensure_ascii=False)
 * hashlib.sha256(text.encode('utf-8')).hexdigest()
 * ```
 *
 * Python and JavaScript print these numbers alike; they would not for every number (1e-7 is
 * `1e-07` in Python, 1e16 is `1e+16` in Python and `10000000000000000` in JavaScript), and
 * `ensure_ascii=False` is needed for non-ASCII text.
 */
const GOLDEN_JSON =
  '{"dateRange":{"from":"2025-01-01T00:00:00.000Z","to":"2025-02-01T12:30:00.000Z"},' +
  '"featureParams":{"window":20},"inputs":{"alerts":["alert-1","alert-2"],"ohlcv":' +
  `["${'b'.repeat(64)}"]},"modelParams":{},"params":{"flags":{"short":true,"venue":null},` +
  '"lookback":14,"threshold":0.25,"weights":[1.5,-2,0]},"seed":42,"strategy":"rsi-reversion",' +
  '"strategyParams":{"band":2.75},"symbols":["BTC/USD","ETH/USD"],"timeframe":"1h",' +
  '"type":"backtest"}';
const GOLDEN_HASH = '3e0dfcfa878240bb6323d404e2416c281230e707ae4bb567b97b96f7f8737ba8';

const hashOf = (overrides: Partial<ExperimentDefinitionInput>) =>
  configHash(parseExperimentDefinition({ ...input, ...overrides }));

describe('canonicalJson', () => {
  it('sorts keys at every level and adds no whitespace', () => {
    expect(canonicalJson({ b: [1, { d: true, c: null }], a: 'x' })).toBe(
      '{"a":"x","b":[1,{"c":null,"d":true}]}',
    );
  });

  it('prints numbers and strings as JSON.stringify does', () => {
    const values = [0, -0, 1.5, -2, 1e21, 1e-7, 0.1 + 0.2, 2 ** 53, 'é"\\\n\u2028', '😀'];
    for (const v of values) expect(canonicalJson(v)).toBe(JSON.stringify(v));
  });

  it('writes Dates as ISO strings and drops undefined properties', () => {
    const at = new Date('2025-01-01T00:00:00.000Z');
    expect(canonicalJson({ at, gone: undefined })).toBe('{"at":"2025-01-01T00:00:00.000Z"}');
  });

  it('sorts keys by UTF-16 code units', () => {
    expect(canonicalJson({ b: 1, a: 2, B: 3, é: 4, '10': 5, '9': 6 })).toBe(
      '{"10":5,"9":6,"B":3,"a":2,"b":1,"é":4}',
    );
  });

  it('refuses what JSON cannot hold exactly', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const bad: [unknown, string][] = [
      [Number.NaN, 'value'],
      [{ a: [Number.POSITIVE_INFINITY] }, 'value.a[0]'],
      [{ d: new Date(Number.NaN) }, 'value.d'],
      [[1, undefined], 'value[1]'],
      [{ f: () => 1 }, 'value.f'],
      [{ n: 1n }, 'value.n'],
      [new Map(), 'value'],
      [cyclic, 'value.self'],
    ];
    for (const [value, field] of bad) {
      expect(() => canonicalJson(value)).toThrow(ValidationError);
      try {
        canonicalJson(value);
      } catch (err) {
        expect((err as ValidationError).field).toBe(field);
      }
    }
  });

  it('does not depend on key order (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer(), (value, seed) => {
        expect(canonicalJson(shuffleKeys(value, seed))).toBe(canonicalJson(value));
      }),
    );
  });

  it('parses back to the same data (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const normalised: unknown = JSON.parse(JSON.stringify(value));
        expect(JSON.parse(canonicalJson(value))).toEqual(normalised);
      }),
    );
  });
});

describe('configHash', () => {
  it('matches the hash computed independently in Python', () => {
    expect(canonicalJson(experimentConfig(golden))).toBe(GOLDEN_JSON);
    expect(createHash('sha256').update(GOLDEN_JSON).digest('hex')).toBe(GOLDEN_HASH);
    expect(configHash(golden)).toBe(GOLDEN_HASH);
  });

  it('is 64 lowercase hex characters', () => {
    expect(configHash(golden)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not depend on key order, symbol order or id order within an input kind', () => {
    const reordered = shuffleKeys(input, 7) as ExperimentDefinitionInput;
    expect(configHash(parseExperimentDefinition(reordered))).toBe(GOLDEN_HASH);
    expect(hashOf({ symbols: ['BTC/USD', 'ETH/USD'] })).toBe(GOLDEN_HASH);
    expect(hashOf({ inputs: { alerts: ['alert-1', 'alert-2'], ohlcv: ['b'.repeat(64)] } })).toBe(
      GOLDEN_HASH,
    );
    // Equal instants written differently are the same date range.
    expect(
      hashOf({
        dateRange: { from: new Date(Date.UTC(2025, 0, 1)), to: '2025-02-01T13:30:00+01:00' },
      }),
    ).toBe(GOLDEN_HASH);
  });

  it('treats an input kind with no ids as absent', () => {
    const base = hashOf({ inputs: {} });
    expect(hashOf({ inputs: { ohlcv: [] } })).toBe(base);
    expect(hashOf({ inputs: { ohlcv: ['x'] } })).not.toBe(base);
  });

  it('changes when any field that determines the result changes', () => {
    const changes: Partial<ExperimentDefinitionInput>[] = [
      { type: 'live_paper' },
      { strategy: 'rsi-reversion-v2' },
      { symbols: ['BTC/USD'] },
      { symbols: ['BTC/USD', 'ETH/USD', 'SOL/USD'] },
      { timeframe: '4h' },
      { dateRange: { from: '2025-01-01T00:00:00.001Z', to: input.dateRange.to } },
      { dateRange: { from: input.dateRange.from, to: '2025-02-01T12:30:01Z' } },
      { params: { ...input.params, lookback: 15 } },
      { params: { ...input.params, extra: null } },
      { params: { ...input.params, weights: [-2, 1.5, 0] } },
      { strategyParams: { band: 2.5 } },
      { modelParams: { layers: 2 } },
      { featureParams: {} },
      { inputs: { ...input.inputs, alerts: ['alert-1'] } },
      { inputs: { ...input.inputs, trades: ['t-1'] } },
      { inputs: { alerts: input.inputs.alerts, candles: input.inputs.ohlcv } },
      { seed: 43 },
      { seed: '42' },
      { seed: undefined },
    ];
    const hashes = changes.map(hashOf);
    for (const hash of hashes) expect(hash).not.toBe(GOLDEN_HASH);
    expect(new Set(hashes).size).toBe(hashes.length);
  });

  it('ignores every field that does not determine the result', () => {
    const changes: Partial<ExperimentDefinitionInput>[] = [
      { id: 'exp-other' },
      { name: 'Another name' },
      { description: 'now described' },
      { tags: ['a', 'b'] },
      { priority: 9 },
      { resources: { cpuCores: 8, memoryGb: 32, gpuUnits: 1, diskGb: 100 } },
      { maxRuntimeHours: 1 },
      { autoCleanup: false },
      { parentId: 'exp-parent' },
      { metadata: { owner: 'desk-3' } },
      { provenance: { gitCommit: 'f'.repeat(40), gitDirty: true } },
    ];
    for (const change of changes) expect(hashOf(change)).toBe(GOLDEN_HASH);
  });

  it('hashes the config that experimentConfig stores', () => {
    const config = experimentConfig(golden);
    expect(config).toEqual(JSON.parse(GOLDEN_JSON));
    expect(Object.keys(config)).not.toContain('name');
    const d: ExperimentDefinition = { ...golden };
    delete d.seed;
    expect('seed' in experimentConfig(d)).toBe(false);
  });
});

/** A deep copy of `value` with the keys of every object in a pseudo-random order. */
function shuffleKeys(value: unknown, seed: number): unknown {
  let state = seed >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  const visit = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(visit);
    if (v === null || typeof v !== 'object' || v instanceof Date) return v;
    const entries = Object.entries(v);
    for (let i = entries.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [entries[i], entries[j]] = [entries[j]!, entries[i]!];
    }
    return Object.fromEntries(entries.map(([k, item]) => [k, visit(item)]));
  };
  return visit(value);
}
