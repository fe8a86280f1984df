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
  /** What the run needs while it runs; `start` checks the sum over running experiments. */
  resources: ResourceDemand;
  /** A running experiment older than this is failed by housekeeping. */
  maxRuntimeHours: number;
  /** Archive the experiment automatically some time after it completes. */
  autoCleanup: boolean;
  createdAt: Date;
  updatedAt: Date;
  queuedAt: Date | null;
  startedAt: Date | null;
  completedAt: Date | null;
}

/** Resources an experiment occupies while running (0 for what it does not need). */
export interface ResourceDemand {
  cpuCores: number;
  memoryGb: number;
  gpuUnits: number;
  diskGb: number;
}

/** How many experiments are running and the resources they hold, summed by the store. */
export interface RunningTotals extends ResourceDemand {
  count: number;
}

/** An artifact an experiment consumed (`input`) or produced (`output`), by kind (`ohlcv`, `trades`, ...). */
export interface ArtifactLink {
  role: 'input' | 'output';
  kind: string;
  artifactId: string;
}

/** Fields of an experiment that may change after it is created. */
export type ExperimentPatch = Partial<Omit<ExperimentRecord, 'id' | 'createdAt'>>;

/** Filter for {@link ExperimentStore.list}. */
export interface ExperimentQuery {
  status?: readonly string[];
  /** Exact name (case- and accent-sensitive, as stored). */
  name?: string;
  type?: string;
  strategy?: string;
  configHash?: string;
  parentId?: string;
  gitCommit?: string;
  /** Experiments carrying this tag. */
  tag?: string;
  /** Created at or after this instant. */
  createdFrom?: Date;
  /** Created strictly before this instant. */
  createdTo?: Date;
  /** Completed strictly before this instant (experiments never completed are left out). */
  completedBefore?: Date;
  /** Only experiments with this `autoCleanup` flag. */
  autoCleanup?: boolean;
  /**
   * Only experiments whose resource demand fits: for each dimension given, the experiment's
   * demand is at most the value (the scheduler passes the capacity still free).
   */
  fitsWithin?: Partial<ResourceDemand>;
  /**
   * `newest` (default): created_at descending, then id descending. `oldest`: created_at
   * ascending, then id ascending. `queue`: the order the scheduler takes queued work in:
   * priority descending, then queued_at (created_at when never queued), created_at and id
   * ascending.
   */
  order?: 'newest' | 'oldest' | 'queue';
  /**
   * For `newest` and `oldest`: continue after this row (keyset pagination; pass the last row of
   * the previous page). Ignored by `queue`.
   */
  after?: { createdAt: Date; id: string };
  /** At most this many (default 100). */
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
  /**
   * Where the bytes are: `backend` (in the store's bytes column) or `directory` (a file the
   * artifacts facade wrote under its directory; the stored bytes are then empty).
   */
  storage: 'backend' | 'directory';
}

/** An artifact that `artifactId` was made from (its input `inputId`). */
export interface ArtifactInputLink {
  artifactId: string;
  inputId: string;
}

/** Lifecycle stage of a model version: development, staging, production, archived. */
export type ModelStage = 'development' | 'staging' | 'production' | 'archived';

/** One registered version of a model, as stored. */
export interface ModelVersionRecord {
  /** Unique id (UUIDv7). */
  id: string;
  /** The model's name; versions are unique per name. */
  name: string;
  /** `major.minor.patch`, as given or assigned. */
  version: string;
  /** The version's numbers, for ordering (the store sorts by them, never by the text). */
  major: number;
  minor: number;
  patch: number;
  stage: ModelStage;
  /** sha256 id of the model's artifact. */
  artifactId: string;
  /** xgboost, lightgbm, onnx, random_forest, lstm, linear, custom, ... */
  modelType: string;
  features: string[];
  target: string | null;
  hyperparameters: JsonObject;
  preprocessing: JsonObject;
  featureImportance: JsonObject;
  metrics: JsonObject;
  validationMetrics: JsonObject;
  testMetrics: JsonObject;
  /** `{ from, to, samples }` of the training data (ISO strings), or null. */
  trainingData: JsonObject | null;
  trainingDurationSeconds: number | null;
  /** The experiment that produced the version, if any. */
  experimentId: string | null;
  tags: string[];
  description: string | null;
  trainedBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Fields of a model version that may change after it is registered. */
export type ModelVersionPatch = Partial<Pick<ModelVersionRecord, 'stage' | 'updatedAt'>>;

/** Filter for {@link ModelStore.listVersions}; newest first (created_at, then id, descending). */
export interface ModelVersionQuery {
  name?: string;
  stage?: readonly ModelStage[];
  /** Versions carrying this tag. */
  tag?: string;
  modelType?: string;
  /** Continue after this row (keyset pagination; the last row of the previous page). */
  after?: { createdAt: Date; id: string };
  /** At most this many (default 100). */
  limit?: number;
}

/** A named pointer (`champion`, `challenger`) at one version of a model. */
export interface ModelAliasRecord {
  name: string;
  alias: string;
  version: string;
  updatedAt: Date;
}

/** What a {@link ModelEventRecord} records. */
export type ModelEventKind =
  | 'registered'
  | 'stage_changed'
  | 'alias_set'
  | 'alias_deleted'
  | 'rolled_back'
  | 'archived';

/** One entry of a model's append-only audit trail. */
export interface ModelEventRecord {
  /** Unique, time-ordered id (UUIDv7): the trail's order within one millisecond. */
  id: string;
  name: string;
  /** The version the event is about (for an alias: the version it points at, or pointed at). */
  version: string | null;
  kind: ModelEventKind;
  /** Before: a stage, or the version an alias pointed at. */
  from: string | null;
  /** After: a stage, or the version an alias points at. */
  to: string | null;
  /** For alias events, the alias. */
  alias: string | null;
  /** Who made the change (the caller's `actor`, or null). */
  actor: string | null;
  reason: string | null;
  at: Date;
}

/** An artifact with its bytes. */
export interface ArtifactRecord extends ArtifactHead {
  bytes: Uint8Array;
}

/** Lifecycle state of an A/B test: created → running; running → paused | completed | failed; paused → running | completed. */
export type AbTestStatus = 'created' | 'running' | 'paused' | 'completed' | 'failed';

/** One A/B test as stored. */
export interface AbTestRecord {
  /** Unique id (UUIDv7 unless the caller chose one); also the default hash seed. */
  id: string;
  name: string;
  status: AbTestStatus;
  /**
   * The validated definition: variants with the model version each was pinned to, allocation,
   * coverage, hash seed, metric, decision rules. Written once at creation.
   */
  definition: JsonObject;
  /**
   * What happened since: variants stopped by the maxLoss rule, why and when the test ended, the
   * winner, a promotion made. Replaced as a whole by updates.
   */
  state: JsonObject;
  createdAt: Date;
  updatedAt: Date;
  startedAt: Date | null;
  endedAt: Date | null;
}

/** Fields of an A/B test that may change after it is created. */
export type AbTestPatch = Partial<
  Pick<AbTestRecord, 'status' | 'state' | 'updatedAt' | 'startedAt' | 'endedAt'>
>;

/** Filter for {@link AbTestStore.listTests}; newest first (created_at, then id, descending). */
export interface AbTestQuery {
  status?: readonly AbTestStatus[];
  name?: string;
  /** Continue after this row (keyset pagination; the last row of the previous page). */
  after?: { createdAt: Date; id: string };
  /** At most this many (default 100). */
  limit?: number;
}

/** One prediction routed through an A/B test. */
export interface PredictionRecord {
  /** Unique id (UUIDv7): what `recordOutcome` refers to. */
  id: string;
  testId: string;
  /** The variant whose prediction was used. */
  variant: string;
  /** The routing unit (account, symbol, order id), or null. */
  unit: string | null;
  features: JsonObject | null;
  prediction: number;
  confidence: number | null;
  /**
   * Shadow mode: the other variants' predictions for the same unit, by variant name (recorded,
   * never acted on); null otherwise.
   */
  shadow: { [variant: string]: number } | null;
  at: Date;
  /**
   * Set by the writer when this is the first prediction of `unit` in the test that it knows
   * of: the store then adds 1 to the `$units` count of the variant (what the SRM check of a
   * hash test counts, since a unit is what hashing assigns). Not stored as a column.
   */
  firstOfUnit?: boolean;
}

/** The realised outcome of one prediction, for one variant (shadow predictions get their own). */
export interface OutcomeRecord {
  predictionId: string;
  testId: string;
  /** The variant this outcome scores: the prediction's variant, or a shadow variant. */
  variant: string;
  /** The realised value (a binary outcome as 0 or 1). */
  actual: number;
  /**
   * The values this outcome adds to the test's metrics, by metric name: the derived ones
   * (`actual`, `error`, `absolute_error`, `squared_error`, `hit`) and the caller's own.
   */
  values: { [metric: string]: number };
  at: Date;
}

/** Identifies one stored outcome: (prediction, variant). */
export interface OutcomeKey {
  predictionId: string;
  variant: string;
}

/**
 * The running sufficient statistics of one metric of one variant of a test, kept by the store
 * as outcomes arrive (metric `$predictions` counts predictions: n only, sums 0).
 */
export interface AbAggregate {
  variant: string;
  metric: string;
  n: number;
  sum: number;
  sumOfSquares: number;
}

/** Stored rows of one variant of a test, counted from the rows themselves (for audits). */
export interface AbRowCount {
  variant: string;
  /** Prediction rows whose variant is this one (shadow predictions not included). */
  predictions: number;
  /** Outcome rows scoring this variant (shadow outcomes included). */
  outcomes: number;
}

/**
 * The drift baseline of one model version: the sketch of each feature (what a check compares
 * live data with) and the reference value of each performance metric.
 */
export interface DriftBaselineRecord {
  modelName: string;
  modelVersion: string;
  /**
   * One sketch per feature, in the order the caller gave them. The facade encodes each sketch as
   * JSON (a numeric sketch's sample as base64 doubles); the store keeps it as it is given.
   */
  features: DriftBaselineFeature[];
  /** Reference value of each performance metric, by name. */
  metrics: { [metric: string]: number };
  /** Anything else the facade keeps with the baseline (e.g. a sample of prediction errors). */
  extra: JsonObject;
  createdAt: Date;
}

/** One feature's sketch inside a {@link DriftBaselineRecord}. */
export interface DriftBaselineFeature {
  feature: string;
  sketch: JsonObject;
}

/** One stored drift check: the report as JSON, with the verdicts a listing filters on. */
export interface DriftReportRecord {
  /** Unique, time-ordered id (UUIDv7). */
  id: string;
  modelName: string;
  modelVersion: string;
  /** The overall verdict: data, performance or concept drift. */
  drifted: boolean;
  dataDrifted: boolean;
  performanceDrifted: boolean;
  conceptDrifted: boolean;
  /** The whole report as the facade built it. */
  report: JsonObject;
  createdAt: Date;
}

/** Filter for {@link DriftStore.listReports}; newest first (created_at, then id, descending). */
export interface DriftReportQuery {
  modelName?: string;
  modelVersion?: string;
  /** Reports created at or after this time. */
  from?: Date;
  /** Reports created before this time (exclusive). */
  to?: Date;
  /** Only reports whose overall verdict is drift. */
  driftedOnly?: boolean;
  /** Continue after this row (keyset pagination; the last row of the previous page). */
  after?: { createdAt: Date; id: string };
  /** At most this many (default 100). */
  limit?: number;
}
