import type {
  AbAggregate,
  AbRowCount,
  AbTestPatch,
  AbTestQuery,
  AbTestRecord,
  AbTestStatus,
  ArtifactHead,
  ArtifactInputLink,
  ArtifactLink,
  ArtifactRecord,
  DriftBaselineRecord,
  DriftReportQuery,
  DriftReportRecord,
  ExperimentPatch,
  ExperimentQuery,
  ExperimentRecord,
  LogRecord,
  MetricAggregate,
  MetricQuery,
  MetricRecord,
  ModelAliasRecord,
  ModelEventRecord,
  ModelStage,
  ModelVersionPatch,
  ModelVersionQuery,
  ModelVersionRecord,
  OutcomeKey,
  OutcomeRecord,
  PredictionRecord,
  RunningTotals,
} from './records.js';

/**
 * The one storage interface every quantlab backend implements. It speaks typed records, never
 * SQL or zod: facades validate and apply domain rules, backends persist. Every method either
 * completes fully or changes nothing, and throws only {@link LabError}s (driver errors arrive as
 * the cause of a `BackendError`; unique-key clashes as a `ConflictError`).
 *
 * A third-party backend implements this interface and proves itself with the conformance suite
 * in `quantlab/testing`.
 *
 * @example
 * ```ts
 * const backend = sqlite({ filename: 'lab.db' });
 * await backend.migrate();
 * await backend.transaction(async (tx) => {
 *   await tx.experiments.insert(record);
 *   await tx.logs.append([{ id, experimentId: record.id, level: 'info', message: 'created', context: {}, at: new Date() }]);
 * });
 * await backend.close();
 * ```
 */
export interface StorageBackend extends StorageOperations {
  /** What this backend is. */
  readonly info: BackendInfo;
  /** What this backend can do; conformance cases skip only through these. */
  readonly capabilities: BackendCapabilities;
  /**
   * Brings the schema up to date. Safe to call from several processes at once: one applies the
   * pending migrations, the others wait and find nothing to do.
   */
  migrate(): Promise<MigrationResult>;
  /**
   * Runs `fn` in one transaction: everything it wrote commits together when it resolves and
   * nothing is left behind when it throws (the error is rethrown). Other callers never see a
   * half-done transaction. Do not call `backend` itself inside `fn`; use `tx`.
   *
   * With `{ lock: name }` the transaction first takes a lock of that name, held until it ends,
   * so transactions naming the same lock run one after another, across processes too. That
   * makes check-then-write rules safe (no two processes take the last free slot).
   */
  transaction<T>(
    fn: (tx: StorageOperations) => Promise<T>,
    options?: TransactionOptions,
  ): Promise<T>;
  /**
   * Releases what the backend opened (not a driver instance the caller passed in). Idempotent;
   * afterwards every call throws `ClosedError`.
   */
  close(): Promise<void>;
}

/** Options of {@link StorageBackend.transaction}. */
export interface TransactionOptions {
  /**
   * Name of a lock to hold for the whole transaction (PostgreSQL: an advisory transaction lock;
   * SQLite, DuckDB and memory: their write transactions already run one at a time).
   */
  readonly lock?: string;
}

/** The record operations, available on the backend and inside a transaction. */
export interface StorageOperations {
  readonly experiments: ExperimentStore;
  readonly metrics: MetricStore;
  readonly logs: LogStore;
  readonly artifacts: ArtifactStore;
  readonly models: ModelStore;
  readonly abTests: AbTestStore;
  readonly drift: DriftStore;
}

/** Persistence of experiments. */
export interface ExperimentStore {
  /** Inserts a new experiment; `ConflictError` when the id exists. */
  insert(record: ExperimentRecord): Promise<void>;
  /** The experiment, or `undefined`. */
  get(id: string): Promise<ExperimentRecord | undefined>;
  /**
   * Applies `patch` and returns the updated record; `undefined` when the id does not exist.
   * With `expectStatus`, updates only when the stored status is one of those (a compare-and-set
   * that lets a facade apply a state machine without a lost update) and returns `undefined`
   * otherwise.
   */
  update(
    id: string,
    patch: ExperimentPatch,
    options?: { expectStatus?: readonly string[] },
  ): Promise<ExperimentRecord | undefined>;
  /** Experiments matching the filter, in the query's order (newest first by default). */
  list(query?: ExperimentQuery): Promise<ExperimentRecord[]>;
  /** Count and summed resources of the experiments whose status is `running`. */
  runningTotals(): Promise<RunningTotals>;
  /** Records artifacts an experiment consumed or produced; a link that exists is kept once. */
  linkArtifacts(experimentId: string, links: readonly ArtifactLink[]): Promise<void>;
  /** The artifact links of one experiment, ordered by role, kind, artifact id. */
  artifactLinks(experimentId: string): Promise<ArtifactLink[]>;
  /** Experiments linked to any of the artifacts (in the role, if given), newest first. */
  listByArtifacts(
    artifactIds: readonly string[],
    role?: ArtifactLink['role'],
  ): Promise<ExperimentRecord[]>;
}

/** Persistence of time series metrics. */
export interface MetricStore {
  /** Appends points in one statement batch (all or none). */
  append(records: readonly MetricRecord[]): Promise<void>;
  /** Points of one experiment ordered by name, step, time. */
  list(experimentId: string, query?: MetricQuery): Promise<MetricRecord[]>;
  /** Per-metric aggregates computed inside the store, ordered by name. */
  aggregate(experimentId: string): Promise<MetricAggregate[]>;
}

/** Persistence of experiment logs. */
export interface LogStore {
  /** Appends log lines (all or none); `ConflictError` on a duplicate id. */
  append(records: readonly LogRecord[]): Promise<void>;
  /** Log lines of one experiment ordered by time, then id. */
  list(experimentId: string, options?: { limit?: number }): Promise<LogRecord[]>;
}

/** Persistence of content-addressed artifacts. */
export interface ArtifactStore {
  /**
   * Stores the artifact unless one with the same id (sha256) exists; returns whether it was new.
   * The backend does not hash: the facade computes and checks the id.
   */
  put(record: ArtifactRecord): Promise<{ created: boolean }>;
  /** The artifact with its bytes, or `undefined`. */
  get(id: string): Promise<ArtifactRecord | undefined>;
  /** The artifact's metadata without its bytes, or `undefined`. */
  head(id: string): Promise<ArtifactHead | undefined>;
  /** Metadata of every artifact of `ids` that exists, in no particular order. */
  heads(ids: readonly string[]): Promise<ArtifactHead[]>;
  /** Records what an artifact was made from; a link that exists is kept once. */
  linkInputs(artifactId: string, inputIds: readonly string[]): Promise<void>;
  /** The input links of these artifacts (what each was made from), ordered by artifact, input. */
  inputsOf(artifactIds: readonly string[]): Promise<ArtifactInputLink[]>;
  /** Links of the artifacts made from any of these (they list one as an input), ordered by artifact, input. */
  consumersOf(artifactIds: readonly string[]): Promise<ArtifactInputLink[]>;
  /** Deletes the artifact and its own input links; returns whether it existed. */
  delete(id: string): Promise<boolean>;
}

/** Persistence of the model registry: versions, aliases and the audit trail. */
export interface ModelStore {
  /** Inserts a version; `ConflictError` when the name already has this version (or the id exists). */
  insertVersion(record: ModelVersionRecord): Promise<void>;
  /** One version of a model, or `undefined`. */
  getVersion(name: string, version: string): Promise<ModelVersionRecord | undefined>;
  /** The highest version (by major, minor, patch) of a model, whatever its stage; or `undefined`. */
  latestVersion(name: string): Promise<ModelVersionRecord | undefined>;
  /** Versions of a model in a stage, highest version first. */
  versionsInStage(name: string, stage: ModelStage): Promise<ModelVersionRecord[]>;
  /** Versions matching the filter, newest first (created_at, then id, descending). */
  listVersions(query?: ModelVersionQuery): Promise<ModelVersionRecord[]>;
  /** Versions whose artifact is one of these, newest first. */
  versionsByArtifacts(artifactIds: readonly string[]): Promise<ModelVersionRecord[]>;
  /**
   * Applies `patch` and returns the updated version; `undefined` when it does not exist or (with
   * `expectStage`) its stage is not one of those: a compare-and-set for the stage machine.
   */
  updateVersion(
    name: string,
    version: string,
    patch: ModelVersionPatch,
    options?: { expectStage?: readonly ModelStage[] },
  ): Promise<ModelVersionRecord | undefined>;
  /** Points the alias at a version (creating or moving it). */
  setAlias(record: ModelAliasRecord): Promise<void>;
  /** Removes an alias; returns whether it existed. */
  deleteAlias(name: string, alias: string): Promise<boolean>;
  /** An alias of a model, or `undefined`. */
  getAlias(name: string, alias: string): Promise<ModelAliasRecord | undefined>;
  /** The aliases of a model, ordered by alias. */
  listAliases(name: string): Promise<ModelAliasRecord[]>;
  /** Appends events to the audit trail (all or none); `ConflictError` on a duplicate id. */
  appendEvents(records: readonly ModelEventRecord[]): Promise<void>;
  /** The audit trail of a model, oldest first (at, then id). */
  listEvents(name: string, options?: { limit?: number }): Promise<ModelEventRecord[]>;
}

/**
 * Persistence of A/B tests, their predictions and outcomes, and the per-variant running
 * aggregates that `abTests.results()` reads (so no outcome row is loaded to analyse a test).
 */
export interface AbTestStore {
  /** Inserts a test; `ConflictError` when the id exists. */
  insertTest(record: AbTestRecord): Promise<void>;
  /** The test, or `undefined`. */
  getTest(id: string): Promise<AbTestRecord | undefined>;
  /** Tests matching the filter, newest first (created_at, then id, descending). */
  listTests(query?: AbTestQuery): Promise<AbTestRecord[]>;
  /**
   * Applies `patch` and returns the updated test; `undefined` when it does not exist or (with
   * `expectStatus`) its status is not one of those: a compare-and-set for the state machine.
   */
  updateTest(
    id: string,
    patch: AbTestPatch,
    options?: { expectStatus?: readonly AbTestStatus[] },
  ): Promise<AbTestRecord | undefined>;
  /**
   * Appends predictions and adds each to the `$predictions` count of its test and variant (and
   * of every shadow variant it carries), all or none; `ConflictError` on a duplicate id.
   */
  appendPredictions(records: readonly PredictionRecord[]): Promise<void>;
  /** One prediction, or `undefined`. */
  getPrediction(id: string): Promise<PredictionRecord | undefined>;
  /**
   * Appends outcomes and adds every value of each inserted outcome to the aggregate of its
   * (test, variant, metric), atomically. An outcome whose (prediction, variant) already has one
   * is skipped (counted once, across processes too) and returned in `duplicates`.
   *
   * With `assumeNew` the caller vouches that no outcome of `records` is stored yet, so the store
   * may skip its duplicate check (DuckDB then appends straight into the table). If one is stored
   * after all, the store either skips it as without the option or throws `ConflictError` having
   * written nothing (inside a transaction, the transaction fails). Use it only where the write
   * can be run again without it.
   */
  appendOutcomes(
    records: readonly OutcomeRecord[],
    options?: { assumeNew?: boolean },
  ): Promise<{ duplicates: OutcomeKey[] }>;
  /** The outcomes recorded for one prediction, ordered by variant. */
  listOutcomes(predictionId: string): Promise<OutcomeRecord[]>;
  /** The running aggregates of a test, ordered by variant, then metric. */
  aggregates(testId: string): Promise<AbAggregate[]>;
  /** Prediction and outcome rows per variant, counted from the rows (ordered by variant). */
  countRows(testId: string): Promise<AbRowCount[]>;
}

/**
 * Persistence of drift baselines (one per model version, its feature sketches as opaque JSON)
 * and of drift reports.
 */
export interface DriftStore {
  /**
   * Stores the baseline of `record.modelName@record.modelVersion`, replacing the one stored
   * before (all of it, features included), atomically.
   */
  putBaseline(record: DriftBaselineRecord): Promise<void>;
  /**
   * The baseline of a model version, or `undefined`. With `features`, only the sketches of those
   * features (the ones stored, in stored order) are loaded.
   */
  getBaseline(
    modelName: string,
    modelVersion: string,
    options?: { features?: readonly string[] },
  ): Promise<DriftBaselineRecord | undefined>;
  /** Deletes the baseline of a model version with its features; returns whether it existed. */
  deleteBaseline(modelName: string, modelVersion: string): Promise<boolean>;
  /** Inserts a report; `ConflictError` when the id exists. */
  insertReport(record: DriftReportRecord): Promise<void>;
  /** One report, or `undefined`. */
  getReport(id: string): Promise<DriftReportRecord | undefined>;
  /** Reports matching the filter, newest first (created_at, then id, descending). */
  listReports(query?: DriftReportQuery): Promise<DriftReportRecord[]>;
}

/** Identity of a backend. */
export interface BackendInfo {
  /** memory, sqlite, postgres, duckdb, or a third party's name. */
  readonly kind: string;
  /** A human description, e.g. the file path or the database and schema (never a password). */
  readonly description: string;
}

/** What a backend supports; conformance cases are skipped only through these flags. */
export interface BackendCapabilities {
  /** Several processes may write to the same store at once. */
  readonly multiProcess: boolean;
  /** Data survives `close()` and a process restart. */
  readonly persistent: boolean;
  /**
   * How bulk appends reach the store: `multi-row` INSERT statements, one `prepared` single-row
   * INSERT run per row in one transaction (SQLite), PostgreSQL `copy`, DuckDB's `appender`, or
   * plain `memory`.
   */
  readonly bulkInsert: 'memory' | 'multi-row' | 'prepared' | 'copy' | 'appender';
}

/** What {@link StorageBackend.migrate} did. */
export interface MigrationResult {
  /** Names of the migrations this call applied, in order (empty when up to date). */
  readonly applied: readonly string[];
  /** The schema version after the call. */
  readonly version: string;
}
