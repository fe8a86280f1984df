/**
 * The typed records that cross the {@link StorageBackend} boundary. Facades build them (after
 * validation); backends persist them unchanged and give them back unchanged. Timestamps are
 * `Date` (millisecond precision, stored as UTC); JSON columns hold {@link JsonValue}s.
 *
 * @module
 */

/** A JSON value as quantlab stores it: finite numbers only, no `undefined`. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue };

/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/** One experiment (a backtest or training run) as stored. */
export interface ExperimentRecord {
  /** Unique id (UUIDv7 unless the caller chose one). */
  id: string;
  name: string;
  description: string | null;
  /** Kind of run: backtest, model_training, ... */
  type: string;
  strategy: string;
  /** Lifecycle state: created, queued, running, completed, failed, cancelled, archived. */
  status: string;
  /** 1 (lowest) to 10 (highest). */
  priority: number;
  /** sha256 of the canonical JSON of everything that determines the result. */
  configHash: string;
  /** Everything that determines the result: symbols, timeframe, date range, params, inputs, seed. */
  config: JsonObject;
  tags: string[];
  parentId: string | null;
  gitCommit: string | null;
  /** Where the run came from: git commit, dirty flag, engine versions, Node version. */
  provenance: JsonObject;
  metadata: JsonObject;
  /** Error message of the last failure. */
  error: string | null;
  errorCount: number;
  createdAt: Date;
  updatedAt: Date;
  startedAt: Date | null;
  completedAt: Date | null;
}

/** Fields of an experiment that may change after it is created. */
export type ExperimentPatch = Partial<Omit<ExperimentRecord, 'id' | 'createdAt'>>;

/** Filter for {@link ExperimentStore.list}. */
export interface ExperimentQuery {
  status?: readonly string[];
  type?: string;
  strategy?: string;
  configHash?: string;
  parentId?: string;
  createdFrom?: Date;
  createdTo?: Date;
  /** At most this many, newest first (default 100). */
  limit?: number;
}

/** One point of a time series metric. */
export interface MetricRecord {
  experimentId: string;
  name: string;
  /** Ordinal position in the series (an integer, 0 or more). */
  step: number;
  /** Finite double; NaN and infinities are rejected. */
  value: number;
  at: Date;
}

/** Filter for {@link MetricStore.list}. */
export interface MetricQuery {
  names?: readonly string[];
  from?: Date;
  to?: Date;
}

/** Aggregates of one metric series, computed by the backend. */
export interface MetricAggregate {
  name: string;
  count: number;
  sum: number;
  sumOfSquares: number;
  min: number;
  max: number;
  /** The value with the highest step (latest time on ties). */
  latest: number;
  latestStep: number;
  latestAt: Date;
}

/** One log line of an experiment. */
export interface LogRecord {
  id: string;
  experimentId: string;
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  context: JsonObject;
  at: Date;
}

/** Metadata of a content-addressed artifact. */
export interface ArtifactHead {
  /** Lower-case hex sha256 of the bytes. */
  id: string;
  type: string;
  name: string | null;
  size: number;
  metadata: JsonObject;
  createdAt: Date;
}

/** An artifact with its bytes. */
export interface ArtifactRecord extends ArtifactHead {
  bytes: Uint8Array;
}
