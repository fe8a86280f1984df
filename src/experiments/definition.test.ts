import { describe, expect, expectTypeOf, it } from 'vitest';
import { ValidationError } from '../errors.js';
import {
  type ExperimentDefinition,
  type ExperimentDefinitionInput,
  experimentDefinitionSchema,
  formatPath,
  parseExperimentDefinition,
} from './definition.js';
import type { ProvenanceInput } from './provenance.js';

const base = {
  name: 'RSI sweep',
  type: 'backtest',
  strategy: 'rsi-reversion',
  symbols: ['BTC/USD', 'ETH/USD'],
  timeframe: '1h',
  dateRange: { from: '2025-01-01', to: '2025-02-01T00:00:00Z' },
} satisfies ExperimentDefinitionInput;

/** Parses `input` expecting a failure; returns the ValidationError. */
function failure(input: unknown): ValidationError {
  try {
    parseExperimentDefinition(input);
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return err as ValidationError;
  }
  throw new Error('expected a ValidationError');
}

describe('parseExperimentDefinition', () => {
  it('applies the defaults and turns dates into Dates', () => {
    const d = parseExperimentDefinition(base);
    expect(d).toEqual({
      ...base,
      dateRange: {
        from: new Date('2025-01-01T00:00:00.000Z'),
        to: new Date('2025-02-01T00:00:00.000Z'),
      },
      params: {},
      strategyParams: {},
      modelParams: {},
      featureParams: {},
      inputs: {},
      tags: [],
      priority: 5,
      maxRuntimeHours: 24,
      autoCleanup: true,
      metadata: {},
    });
    expect('id' in d).toBe(false);
  });

  it('keeps every optional field it is given', () => {
    const from = new Date('2024-06-01T12:00:00.000Z');
    const full: ExperimentDefinitionInput = {
      ...base,
      id: 'exp-1',
      name: '  padded  ',
      description: 'desc',
      type: 'model_training',
      dateRange: { from, to: '2024-06-02T12:00:00+02:00' },
      params: { lookback: 14, nested: { list: [1, 'a', null, true] } },
      strategyParams: { band: 2.5 },
      modelParams: { layers: [64, 32] },
      featureParams: { window: 20 },
      inputs: { ohlcv: ['a'.repeat(64)], alerts: ['alert-1', 'alert-2'], custom_kind: ['x'] },
      seed: 42,
      tags: ['a', 'b', 'a'],
      priority: 10,
      resources: { cpuCores: 4, memoryGb: 0, gpuUnits: 0.5, diskGb: 10 },
      maxRuntimeHours: 0.5,
      autoCleanup: false,
      parentId: 'exp-0',
      metadata: { owner: 'desk-3' },
      provenance: { gitCommit: 'abc', gitDirty: null, capturedAt: '2024-06-01T00:00:00Z' },
    };
    const d = parseExperimentDefinition(full);
    expect(d.name).toBe('padded');
    expect(d.dateRange.from).toEqual(from);
    expect(d.dateRange.from).not.toBe(from);
    expect(d.dateRange.to.toISOString()).toBe('2024-06-02T10:00:00.000Z');
    expect(d.tags).toEqual(['a', 'b']);
    expect(d.inputs).toEqual(full.inputs);
    expect(d.params).toEqual(full.params);
    expect(d.resources).toEqual(full.resources);
    expect(d.provenance).toEqual({
      gitCommit: 'abc',
      gitDirty: null,
      capturedAt: new Date('2024-06-01T00:00:00Z'),
    });
    expect(d.seed).toBe(42);
    expect(parseExperimentDefinition({ ...base, seed: 'alpha' }).seed).toBe('alpha');
  });

  it('copies JSON fields, dropping undefined properties and the sign of -0', () => {
    const params = { a: 1, gone: undefined, z: -0, deep: { list: [{ b: 2 }] } };
    const d = parseExperimentDefinition({ ...base, params });
    expect(d.params).toEqual({ a: 1, z: 0, deep: { list: [{ b: 2 }] } });
    expect(Object.is(d.params.z, 0)).toBe(true);
    expect('gone' in d.params).toBe(false);
    params.deep.list[0]!.b = 3;
    expect(d.params).toEqual({ a: 1, z: 0, deep: { list: [{ b: 2 }] } });
  });

  it('keeps a __proto__ key as data', () => {
    const params = JSON.parse('{"__proto__": {"polluted": 1}}') as Record<string, unknown>;
    const d = parseExperimentDefinition({ ...base, params });
    expect(Object.getPrototypeOf(d.params)).toBe(Object.prototype);
    expect(Object.keys(d.params)).toEqual(['__proto__']);
  });

  it.each([
    [{ ...base, name: '   ' }, 'name', 'must not be empty'],
    [{ ...base, name: 'x'.repeat(501) }, 'name', 'must be at most 500 characters'],
    [{ ...base, id: '' }, 'id', 'must not be empty'],
    [{ ...base, id: 'x'.repeat(201) }, 'id', 'must be at most 200 characters'],
    [{ ...base, parentId: 'x'.repeat(201) }, 'parentId', 'must be at most 200 characters'],
    [{ ...base, type: 'paper' }, 'type', expect.stringContaining('must be one of backtest')],
    [{ ...base, strategy: '' }, 'strategy', 'must not be empty'],
    [{ ...base, symbols: [] }, 'symbols', 'must list at least one symbol'],
    [{ ...base, symbols: ['BTC', ''] }, 'symbols[1]', 'must not be empty'],
    [{ ...base, symbols: ['BTC', 'ETH', 'BTC'] }, 'symbols[2]', 'must not repeat symbols[0]'],
    [{ ...base, symbols: 'BTC' }, 'symbols', 'must be an array'],
    [{ ...base, timeframe: '2h' }, 'timeframe', expect.stringContaining('must be one of 1m')],
    [
      { ...base, dateRange: { from: '2025-02-01', to: '2025-01-01' } },
      'dateRange.to',
      'must be after dateRange.from',
    ],
    [
      { ...base, dateRange: { from: '2025-01-01', to: '2025-01-01T00:00:00Z' } },
      'dateRange.to',
      'must be after dateRange.from',
    ],
    [
      { ...base, dateRange: { from: '2025-01-01T00:00:00', to: '2025-02-01' } },
      'dateRange.from',
      expect.stringContaining('must be a Date or an ISO 8601 string'),
    ],
    [
      { ...base, dateRange: { from: '2025-02-30', to: '2025-03-05' } },
      'dateRange.from',
      expect.stringContaining('ISO 8601'),
    ],
    [
      { ...base, dateRange: { from: new Date(Number.NaN), to: '2025-02-01' } },
      'dateRange.from',
      expect.stringContaining('must be a Date'),
    ],
    [
      { ...base, dateRange: { from: 0, to: '2025-02-01' } },
      'dateRange.from',
      expect.stringContaining('must be a Date'),
    ],
    [{ ...base, dateRange: { from: '2025-01-01' } }, 'dateRange.to', 'is required'],
    [
      { ...base, dateRange: { ...base.dateRange, extra: 1 } },
      'dateRange.extra',
      'is not a known field',
    ],
    [{ ...base, params: { a: Number.NaN } }, 'params.a', 'must be a finite number'],
    [
      { ...base, strategyParams: { a: [1, Number.POSITIVE_INFINITY] } },
      'strategyParams.a[1]',
      'must be a finite number',
    ],
    [
      { ...base, modelParams: { at: new Date() } },
      'modelParams.at',
      expect.stringContaining('JSON'),
    ],
    [
      { ...base, featureParams: { f: () => 1 } },
      'featureParams.f',
      expect.stringContaining('JSON'),
    ],
    [{ ...base, params: { n: 10n } }, 'params.n', expect.stringContaining('JSON')],
    [{ ...base, params: { m: new Map() } }, 'params.m', expect.stringContaining('JSON')],
    [
      { ...base, params: { l: [1, undefined] } },
      'params.l[1]',
      'must not be undefined inside an array',
    ],
    [
      { ...base, params: { 'bar size': '\u0000' } },
      'params["bar size"]',
      expect.stringContaining('NUL'),
    ],
    [{ ...base, params: [1, 2] }, 'params', 'must be a plain JSON object'],
    [{ ...base, params: null }, 'params', 'must be a plain JSON object'],
    [{ ...base, metadata: { s: Symbol('x') } }, 'metadata.s', expect.stringContaining('JSON')],
    [{ ...base, inputs: { ohlcv: [''] } }, 'inputs.ohlcv[0]', 'must not be empty'],
    [{ ...base, inputs: { ohlcv: ['a', 'a'] } }, 'inputs.ohlcv[1]', 'must not repeat ids[0]'],
    [{ ...base, inputs: { '': ['a'] } }, 'inputs[""]', 'key must not be empty'],
    [{ ...base, inputs: { ohlcv: 'a' } }, 'inputs.ohlcv', 'must be an array'],
    [{ ...base, seed: 1.5 }, 'seed', 'must be a safe integer or a non-empty string'],
    [{ ...base, seed: 2 ** 53 }, 'seed', 'must be a safe integer or a non-empty string'],
    [{ ...base, seed: '' }, 'seed', 'must be a safe integer or a non-empty string'],
    [{ ...base, tags: ['ok', ''] }, 'tags[1]', 'must not be empty'],
    [{ ...base, priority: 0 }, 'priority', 'must be from 1 to 10'],
    [{ ...base, priority: 11 }, 'priority', 'must be from 1 to 10'],
    [{ ...base, priority: 2.5 }, 'priority', 'must be an integer'],
    [{ ...base, resources: { cpuCores: -1 } }, 'resources.cpuCores', 'must not be negative'],
    [
      { ...base, resources: { memoryGb: Number.POSITIVE_INFINITY } },
      'resources.memoryGb',
      'must be a finite number',
    ],
    [{ ...base, resources: { networkMbps: 1 } }, 'resources.networkMbps', 'is not a known field'],
    [{ ...base, maxRuntimeHours: 0 }, 'maxRuntimeHours', 'must be positive'],
    [{ ...base, maxRuntimeHours: Number.NaN }, 'maxRuntimeHours', 'must be a finite number'],
    [{ ...base, autoCleanup: 'yes' }, 'autoCleanup', 'must be a boolean'],
    [{ ...base, provenance: { gitDirty: 'no' } }, 'provenance.gitDirty', 'must be a boolean'],
    [{ ...base, provenance: { host: 'x' } }, 'provenance.host', 'is not a known field'],
    [{ ...base, config: {} }, 'config', 'is not a known field'],
    [{ ...base, name: undefined }, 'name', 'is required'],
    [null, 'definition', 'must be an object'],
    ['backtest', 'definition', 'must be an object'],
  ] as const)('refuses bad input #%#', (input, field, rule) => {
    const err = failure(input);
    expect(err.field).toBe(field);
    expect(err.rule).toEqual(rule);
    expect(err.code).toBe('VALIDATION');
    expect(err.message.startsWith(`${field}: `)).toBe(true);
  });

  it('refuses cycles and excessive nesting in JSON fields', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(failure({ ...base, params: { c: cyclic } }).field).toBe('params.c.self');
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 100; i++) deep = { d: deep };
    expect(failure({ ...base, params: deep }).rule).toMatch(/must nest at most 64 levels/);
  });

  it('accepts shared (non-cyclic) references and class-free null-prototype objects', () => {
    const shared = { x: 1 };
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { y: 2 });
    const d = parseExperimentDefinition({ ...base, params: { a: shared, b: shared, bare } });
    expect(d.params).toEqual({ a: { x: 1 }, b: { x: 1 }, bare: { y: 2 } });
  });

  it('reports what it received', () => {
    expect(failure({ ...base, priority: 11 }).message).toBe(
      'priority: must be from 1 to 10 (received 11)',
    );
    expect(failure({ ...base, name: undefined }).message).toBe('name: is required');
  });

  it('never throws a raw ZodError', () => {
    for (const input of [undefined, 1, [], {}, { ...base, symbols: [1] }]) {
      expect(() => parseExperimentDefinition(input)).toThrow(ValidationError);
    }
  });
});

describe('formatPath', () => {
  it('writes dotted paths with indexes and quoted odd keys', () => {
    expect(formatPath([])).toBe('definition');
    expect(formatPath(['dateRange', 'to'])).toBe('dateRange.to');
    expect(formatPath(['symbols', 0])).toBe('symbols[0]');
    expect(formatPath(['inputs', 'my-kind', 2])).toBe('inputs["my-kind"][2]');
    expect(formatPath(['a', 'b.c'])).toBe('a["b.c"]');
  });
});

describe('types', () => {
  it('infers input and output types', () => {
    expectTypeOf<ExperimentDefinition['dateRange']['from']>().toEqualTypeOf<Date>();
    expectTypeOf<ExperimentDefinitionInput['dateRange']['from']>().toEqualTypeOf<Date | string>();
    expectTypeOf<ExperimentDefinition['priority']>().toEqualTypeOf<number>();
    expectTypeOf<ExperimentDefinitionInput['priority']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<ExperimentDefinition['seed']>().toEqualTypeOf<string | number | undefined>();
    expectTypeOf<ExperimentDefinition['inputs']>().toEqualTypeOf<Record<string, string[]>>();
    expectTypeOf<NonNullable<ExperimentDefinition['provenance']>>().toExtend<ProvenanceInput>();
    expectTypeOf(experimentDefinitionSchema.parse).returns.toEqualTypeOf<ExperimentDefinition>();
  });
});
