import { randomBytes, randomUUID } from 'node:crypto';
import type {
  ArtifactRecord,
  ExperimentRecord,
  LogRecord,
  MetricRecord,
  ModelAliasRecord,
  ModelEventRecord,
  ModelVersionRecord,
} from '../storage/records.js';

/** Builders of valid records for the conformance cases, each with a fresh random id. @internal */
const nextId = (prefix: string) => `${prefix}-${randomUUID()}`;

export const T0 = new Date('2026-03-01T12:00:00.123Z');

export function experiment(overrides: Partial<ExperimentRecord> = {}): ExperimentRecord {
  return {
    id: nextId('exp'),
    name: 'momentum backtest',
    description: null,
    type: 'backtest',
    strategy: 'momentum',
    status: 'created',
    priority: 5,
    configHash: 'a'.repeat(64),
    config: { symbols: ['BTC-USD'], timeframe: '1h', params: { lookback: 20 } },
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
    createdAt: T0,
    updatedAt: T0,
    queuedAt: null,
    startedAt: null,
    completedAt: null,
    ...overrides,
  };
}

export function metric(experimentId: string, overrides: Partial<MetricRecord> = {}): MetricRecord {
  return { experimentId, name: 'pnl', step: 0, value: 1.5, at: T0, ...overrides };
}

export function log(experimentId: string, overrides: Partial<LogRecord> = {}): LogRecord {
  return {
    id: nextId('log'),
    experimentId,
    level: 'info',
    message: 'hello',
    context: {},
    at: T0,
    ...overrides,
  };
}

export function artifact(
  bytes: Uint8Array,
  overrides: Partial<ArtifactRecord> = {},
): ArtifactRecord {
  return {
    id: randomBytes(32).toString('hex'),
    type: 'model',
    name: null,
    size: bytes.byteLength,
    metadata: {},
    createdAt: T0,
    storage: 'backend',
    bytes,
    ...overrides,
  };
}

/**
 * A model version in `development`; `major`, `minor` and `patch` follow `overrides.version`
 * (default `1.0.0`) unless given too.
 */
export function modelVersion(overrides: Partial<ModelVersionRecord> = {}): ModelVersionRecord {
  const version = overrides.version ?? '1.0.0';
  const [major = 0, minor = 0, patch = 0] = version.split('.').map(Number);
  return {
    id: nextId('mv'),
    name: 'btc-momentum',
    version,
    major,
    minor,
    patch,
    stage: 'development',
    artifactId: randomBytes(32).toString('hex'),
    modelType: 'xgboost',
    features: ['rsi_14', 'macd'],
    target: 'return_1h',
    hyperparameters: { maxDepth: 6, learningRate: 0.1 },
    preprocessing: {},
    featureImportance: {},
    metrics: {},
    validationMetrics: {},
    testMetrics: {},
    trainingData: null,
    trainingDurationSeconds: null,
    experimentId: null,
    tags: [],
    description: null,
    trainedBy: null,
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

export function modelEvent(
  name: string,
  overrides: Partial<ModelEventRecord> = {},
): ModelEventRecord {
  return {
    id: nextId('mev'),
    name,
    version: '1.0.0',
    kind: 'registered',
    from: null,
    to: 'development',
    alias: null,
    actor: null,
    reason: null,
    at: T0,
    ...overrides,
  };
}

export function alias(
  name: string,
  aliasName: string,
  version: string,
  overrides: Partial<ModelAliasRecord> = {},
): ModelAliasRecord {
  return { name, alias: aliasName, version, updatedAt: T0, ...overrides };
}

/** Text that trips naive encodings: emoji, CJK, right-to-left, combining marks, quotes. */
export const UNICODE_SAMPLES = [
  '',
  'plain ascii',
  'émoji 🚀📈 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
  '日本語のテキスト',
  'مرحبا بالعالم',
  'e\u0301 combining',
  `quotes ' " \\ and newlines\nand\ttabs`,
  '  padded  ',
];

/** JSON with nesting and awkward values. */
export const NESTED_JSON = {
  empty: {},
  emptyList: [],
  text: 'ünïcødé 🚀',
  emptyText: '',
  numbers: [
    0,
    -1,
    1.5,
    -2.25,
    1e300,
    -1e300,
    5e-324,
    Number.MAX_SAFE_INTEGER,
    -Number.MAX_SAFE_INTEGER,
  ],
  flags: [true, false, null],
  deep: { a: { b: { c: { d: { e: [1, [2, [3, { f: 'g' }]]] } } } } },
  '键 with spaces': { 'nested "quoted" key': 1 },
};

/** Dates that trip naive timestamp handling: before 1970, far future, odd milliseconds. */
export const DATE_SAMPLES = [
  new Date('1969-07-20T20:17:40.001Z'),
  new Date('1970-01-01T00:00:00.000Z'),
  new Date('2026-03-01T12:00:00.999Z'),
  new Date('2999-12-31T23:59:59.123Z'),
];
