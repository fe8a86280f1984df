import { ValidationError } from '../errors.js';
import type {
  AbTestPatch,
  AbTestQuery,
  AbTestRecord,
  ArtifactLink,
  ArtifactRecord,
  DriftBaselineRecord,
  DriftReportQuery,
  DriftReportRecord,
  ExperimentPatch,
  ExperimentQuery,
  ExperimentRecord,
  JsonValue,
  LogRecord,
  MetricRecord,
  ModelAliasRecord,
  ModelEventRecord,
  ModelVersionPatch,
  ModelVersionQuery,
  ModelVersionRecord,
  OutcomeRecord,
  PredictionRecord,
} from './records.js';

/**
 * The storage value rules, applied by every built-in backend before it writes, so that a value is
 * either stored exactly or refused with a `ValidationError`, never silently changed:
 * - text holds no NUL character (PostgreSQL cannot store one);
 * - numbers are finite (JSON has no NaN or Infinity, SQLite turns NaN into NULL); integer columns
 *   hold safe integers;
 * - dates are valid `Date`s (stored to the millisecond, as UTC);
 * - JSON is plain data: objects, arrays, strings, finite numbers, booleans and null. An object
 *   property whose value is `undefined` is left out, as `JSON.stringify` does; `undefined` in an
 *   array, a `Date`, a `Map`, a class instance, a bigint or a cycle is refused.
 *
 * @internal
 */
export const MAX_JSON_DEPTH = 64;

export function checkText(value: unknown, field: string): asserts value is string {
  if (typeof value !== 'string')
    throw new ValidationError(field, 'must be a string', { received: value });
  if (value.includes('\u0000'))
    throw new ValidationError(field, 'must not contain a NUL character');
}

export function checkOptionalText(value: unknown, field: string): asserts value is string | null {
  if (value !== null) checkText(value, field);
}

export function checkFinite(value: unknown, field: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ValidationError(field, 'must be a finite number', { received: value });
  }
}

export function checkInteger(value: unknown, field: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new ValidationError(field, 'must be a safe integer', { received: value });
  }
}

/** A 32-bit signed integer: what INTEGER columns hold on PostgreSQL and DuckDB. */
export function checkInt32(value: unknown, field: string): asserts value is number {
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < -(2 ** 31) ||
    value >= 2 ** 31
  ) {
    throw new ValidationError(field, 'must be a 32-bit integer', { received: value });
  }
}

export function checkDate(value: unknown, field: string): asserts value is Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new ValidationError(field, 'must be a valid Date', { received: value });
  }
}

export function checkOptionalDate(value: unknown, field: string): asserts value is Date | null {
  if (value !== null) checkDate(value, field);
}

export function checkJson(value: unknown, field: string): asserts value is JsonValue {
  visitJson(value, field, 0, new Set());
}

export function checkJsonObject(
  value: unknown,
  field: string,
): asserts value is Record<string, JsonValue> {
  if (!isPlainObject(value))
    throw new ValidationError(field, 'must be a plain JSON object', { received: value });
  if (!isFlatJson(value)) checkJson(value, field);
}

/**
 * Whether a plain object holds only finite numbers, NUL-free strings, booleans and nulls under
 * NUL-free keys: the common case (features, metadata), checked without building a path per
 * value. Anything else goes through the full walk, which names the bad field.
 */
function isFlatJson(value: Record<string, unknown>): boolean {
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    if (key.includes('\u0000')) return false;
    const item = value[key];
    if (typeof item === 'number') {
      if (!Number.isFinite(item)) return false;
    } else if (typeof item === 'string') {
      if (item.includes('\u0000')) return false;
    } else if (item !== null && item !== undefined && typeof item !== 'boolean') {
      return false;
    }
  }
  return true;
}

function visitJson(value: unknown, path: string, depth: number, ancestors: Set<object>): void {
  if (value === null || typeof value === 'boolean') return;
  if (typeof value === 'string') {
    checkText(value, path);
    return;
  }
  if (typeof value === 'number') {
    checkFinite(value, path);
    return;
  }
  if (depth >= MAX_JSON_DEPTH)
    throw new ValidationError(path, `must nest at most ${MAX_JSON_DEPTH} levels deep`);
  if (Array.isArray(value)) {
    if (ancestors.has(value)) throw new ValidationError(path, 'must not contain a cycle');
    ancestors.add(value);
    value.forEach((item, index) => {
      const itemPath = `${path}[${index}]`;
      if (item === undefined)
        throw new ValidationError(itemPath, 'must not be undefined inside an array');
      visitJson(item, itemPath, depth + 1, ancestors);
    });
    ancestors.delete(value);
    return;
  }
  if (isPlainObject(value)) {
    if (ancestors.has(value)) throw new ValidationError(path, 'must not contain a cycle');
    ancestors.add(value);
    for (const [key, item] of Object.entries(value)) {
      const itemPath = `${path}.${key}`;
      checkText(key, `${itemPath} (key)`);
      if (item !== undefined) visitJson(item, itemPath, depth + 1, ancestors);
    }
    ancestors.delete(value);
    return;
  }
  throw new ValidationError(
    path,
    'must be JSON data (object, array, string, finite number, boolean or null)',
    {
      received: value,
    },
  );
}

/** A plain object: `{...}` or `Object.create(null)`, not an array, Date, Map or class instance. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function checkStringArray(value: unknown, field: string): asserts value is string[] {
  if (!Array.isArray(value))
    throw new ValidationError(field, 'must be an array of strings', { received: value });
  for (const [index, item] of value.entries()) checkText(item, `${field}[${index}]`);
}

type FieldCheck = (value: unknown, field: string) => void;

function checkBoolean(value: unknown, field: string): asserts value is boolean {
  if (typeof value !== 'boolean')
    throw new ValidationError(field, 'must be true or false', { received: value });
}

function checkNonNegativeFinite(value: unknown, field: string): asserts value is number {
  checkFinite(value, field);
  if (value < 0) throw new ValidationError(field, 'must not be negative', { received: value });
}

function checkResources(value: unknown, field: string): void {
  if (!isPlainObject(value)) {
    throw new ValidationError(field, 'must be { cpuCores, memoryGb, gpuUnits, diskGb }', {
      received: value,
    });
  }
  for (const key of ['cpuCores', 'memoryGb', 'gpuUnits', 'diskGb'] as const) {
    checkNonNegativeFinite(value[key], `${field}.${key}`);
  }
}

const LINK_ROLES: ReadonlySet<string> = new Set(['input', 'output']);

/** Checks artifact links. */
export function checkArtifactLinks(
  experimentId: string,
  links: readonly ArtifactLink[],
  field = 'links',
): void {
  checkText(experimentId, 'experimentId');
  links.forEach((link, index) => {
    const path = `${field}[${index}]`;
    if (!LINK_ROLES.has(link.role)) {
      throw new ValidationError(`${path}.role`, 'must be input or output', { received: link.role });
    }
    checkText(link.kind, `${path}.kind`);
    checkText(link.artifactId, `${path}.artifactId`);
  });
}

const experimentFields: { [K in keyof ExperimentRecord]-?: FieldCheck } = {
  id: checkText,
  name: checkText,
  description: checkOptionalText,
  type: checkText,
  strategy: checkText,
  status: checkText,
  priority: checkInt32,
  configHash: checkText,
  config: checkJsonObject,
  tags: checkStringArray,
  parentId: checkOptionalText,
  gitCommit: checkOptionalText,
  provenance: checkJsonObject,
  metadata: checkJsonObject,
  error: checkOptionalText,
  errorCount: checkInt32,
  resources: checkResources,
  maxRuntimeHours: checkNonNegativeFinite,
  autoCleanup: checkBoolean,
  createdAt: checkDate,
  updatedAt: checkDate,
  queuedAt: checkOptionalDate,
  startedAt: checkOptionalDate,
  completedAt: checkOptionalDate,
};

/** Checks a whole experiment record. */
export function checkExperiment(record: ExperimentRecord, field = 'experiment'): void {
  for (const [key, check] of Object.entries(experimentFields)) {
    check(record[key as keyof ExperimentRecord], `${field}.${key}`);
  }
}

/** Checks the fields present in a patch; `id` and `createdAt` cannot change. */
export function checkExperimentPatch(patch: ExperimentPatch, field = 'patch'): void {
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const check = experimentFields[key as keyof ExperimentRecord];
    if (!check || key === 'id' || key === 'createdAt') {
      throw new ValidationError(`${field}.${key}`, 'is not a field that can be updated');
    }
    check(value, `${field}.${key}`);
  }
}

const QUERY_ORDERS: ReadonlySet<string> = new Set(['newest', 'oldest', 'queue']);
const RESOURCE_KEYS: ReadonlySet<string> = new Set(['cpuCores', 'memoryGb', 'gpuUnits', 'diskGb']);

/**
 * Checks an experiment list filter, so that every backend refuses the same bad filter with a
 * `ValidationError` instead of each answering it its own way (NaN compares differently in SQL
 * and JavaScript). Absent (undefined) fields are skipped; unknown top-level fields are ignored.
 */
export function checkExperimentQuery(query: ExperimentQuery, field = 'query'): void {
  const q = query as Record<string, unknown>;
  if (q.status !== undefined) checkStringArray(q.status, `${field}.status`);
  for (const key of ['name', 'type', 'strategy', 'configHash', 'parentId', 'gitCommit', 'tag']) {
    if (q[key] !== undefined) checkText(q[key], `${field}.${key}`);
  }
  for (const key of ['createdFrom', 'createdTo', 'completedBefore']) {
    if (q[key] !== undefined) checkDate(q[key], `${field}.${key}`);
  }
  if (q.autoCleanup !== undefined) checkBoolean(q.autoCleanup, `${field}.autoCleanup`);
  if (q.fitsWithin !== undefined) {
    const path = `${field}.fitsWithin`;
    if (!isPlainObject(q.fitsWithin)) {
      throw new ValidationError(path, 'must be an object of cpuCores, memoryGb, gpuUnits, diskGb', {
        received: q.fitsWithin,
      });
    }
    for (const [key, value] of Object.entries(q.fitsWithin)) {
      if (!RESOURCE_KEYS.has(key)) {
        throw new ValidationError(
          `${path}.${key}`,
          'is not a resource (cpuCores, memoryGb, gpuUnits, diskGb)',
        );
      }
      if (value !== undefined) checkFinite(value, `${path}.${key}`);
    }
  }
  if (q.order !== undefined && !QUERY_ORDERS.has(q.order as string)) {
    throw new ValidationError(`${field}.order`, 'must be newest, oldest or queue', {
      received: q.order,
    });
  }
  if (q.after !== undefined) checkAfter(q.after, `${field}.after`);
  if (q.limit !== undefined) checkLimit(q.limit, `${field}.limit`);
}

/** Checks a batch of metric points; refuses the whole batch on the first bad one. */
export function checkMetrics(records: readonly MetricRecord[], field = 'metrics'): void {
  records.forEach((record, index) => {
    const path = `${field}[${index}]`;
    checkText(record.experimentId, `${path}.experimentId`);
    checkText(record.name, `${path}.name`);
    checkInteger(record.step, `${path}.step`);
    checkFinite(record.value, `${path}.value`);
    checkDate(record.at, `${path}.at`);
  });
}

const LOG_LEVELS: ReadonlySet<string> = new Set(['debug', 'info', 'warn', 'error']);

/** Checks a batch of log lines. */
export function checkLogs(records: readonly LogRecord[], field = 'logs'): void {
  records.forEach((record, index) => {
    const path = `${field}[${index}]`;
    checkText(record.id, `${path}.id`);
    checkText(record.experimentId, `${path}.experimentId`);
    if (!LOG_LEVELS.has(record.level)) {
      throw new ValidationError(`${path}.level`, 'must be debug, info, warn or error', {
        received: record.level,
      });
    }
    checkText(record.message, `${path}.message`);
    checkJsonObject(record.context, `${path}.context`);
    checkDate(record.at, `${path}.at`);
  });
}

const ARTIFACT_STORAGE: ReadonlySet<string> = new Set(['backend', 'directory']);

/**
 * Checks an artifact record. With `storage: 'backend'` the size must match the bytes; with
 * `storage: 'directory'` the bytes live in a file and the stored bytes must be empty, while the
 * size is the file's (a safe integer, 0 or more).
 */
export function checkArtifact(record: ArtifactRecord, field = 'artifact'): void {
  checkText(record.id, `${field}.id`);
  checkText(record.type, `${field}.type`);
  checkOptionalText(record.name, `${field}.name`);
  if (!ARTIFACT_STORAGE.has(record.storage as string)) {
    throw new ValidationError(`${field}.storage`, 'must be backend or directory', {
      received: record.storage,
    });
  }
  if (!(record.bytes instanceof Uint8Array)) {
    throw new ValidationError(`${field}.bytes`, 'must be a Uint8Array', { received: record.bytes });
  }
  checkInteger(record.size, `${field}.size`);
  if (record.storage === 'directory') {
    if (record.bytes.byteLength !== 0) {
      throw new ValidationError(
        `${field}.bytes`,
        'must be empty when the artifact is stored in a directory',
        { received: record.bytes },
      );
    }
    if (record.size < 0) {
      throw new ValidationError(`${field}.size`, 'must not be negative', { received: record.size });
    }
  } else if (record.size !== record.bytes.byteLength) {
    throw new ValidationError(
      `${field}.size`,
      `must equal the byte length ${record.bytes.byteLength}`,
      {
        received: record.size,
      },
    );
  }
  checkJsonObject(record.metadata, `${field}.metadata`);
  checkDate(record.createdAt, `${field}.createdAt`);
}

/** Checks the ids of an artifact-input link batch. */
export function checkArtifactInputs(
  artifactId: unknown,
  inputIds: readonly unknown[],
  field = 'inputIds',
): void {
  checkText(artifactId, 'artifactId');
  if (!Array.isArray(inputIds)) {
    throw new ValidationError(field, 'must be an array of strings', { received: inputIds });
  }
  inputIds.forEach((id, index) => {
    checkText(id, `${field}[${index}]`);
  });
}

/** Checks a list of ids passed to a lookup (`heads`, `inputsOf`, ...). */
export function checkIds(ids: readonly unknown[], field = 'ids'): void {
  checkStringArray(ids, field);
}

const MODEL_STAGES: ReadonlySet<string> = new Set([
  'development',
  'staging',
  'production',
  'archived',
]);

function checkStage(value: unknown, field: string): void {
  if (!MODEL_STAGES.has(value as string)) {
    throw new ValidationError(field, 'must be development, staging, production or archived', {
      received: value,
    });
  }
}

function checkOptionalJsonObject(value: unknown, field: string): void {
  if (value !== null) checkJsonObject(value, field);
}

function checkOptionalFinite(value: unknown, field: string): void {
  if (value !== null) checkFinite(value, field);
}

const modelVersionFields: { [K in keyof ModelVersionRecord]-?: FieldCheck } = {
  id: checkText,
  name: checkText,
  version: checkText,
  major: checkInt32,
  minor: checkInt32,
  patch: checkInt32,
  stage: checkStage,
  artifactId: checkText,
  modelType: checkText,
  features: checkStringArray,
  target: checkOptionalText,
  hyperparameters: checkJsonObject,
  preprocessing: checkJsonObject,
  featureImportance: checkJsonObject,
  metrics: checkJsonObject,
  validationMetrics: checkJsonObject,
  testMetrics: checkJsonObject,
  trainingData: checkOptionalJsonObject,
  trainingDurationSeconds: checkOptionalFinite,
  experimentId: checkOptionalText,
  tags: checkStringArray,
  description: checkOptionalText,
  trainedBy: checkOptionalText,
  createdAt: checkDate,
  updatedAt: checkDate,
};

/** Checks a whole model version record. */
export function checkModelVersion(record: ModelVersionRecord, field = 'version'): void {
  for (const [key, check] of Object.entries(modelVersionFields)) {
    check(record[key as keyof ModelVersionRecord], `${field}.${key}`);
  }
}

/** Checks a model version patch: only `stage` and `updatedAt` can change. */
export function checkModelVersionPatch(patch: ModelVersionPatch, field = 'patch'): void {
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (key === 'stage') checkStage(value, `${field}.stage`);
    else if (key === 'updatedAt') checkDate(value, `${field}.updatedAt`);
    else throw new ValidationError(`${field}.${key}`, 'is not a field that can be updated');
  }
}

/** Checks the stages of a compare-and-set (`expectStage`). */
export function checkExpectedStages(stages: unknown, field = 'options.expectStage'): void {
  if (!Array.isArray(stages)) {
    throw new ValidationError(field, 'must be an array of stages', { received: stages });
  }
  stages.forEach((stage, index) => {
    checkStage(stage, `${field}[${index}]`);
  });
}

/** Checks a model version list filter (see {@link checkExperimentQuery}). */
export function checkModelVersionQuery(query: ModelVersionQuery, field = 'query'): void {
  const q = query as Record<string, unknown>;
  if (q.stage !== undefined) checkExpectedStages(q.stage, `${field}.stage`);
  for (const key of ['name', 'tag', 'modelType']) {
    if (q[key] !== undefined) checkText(q[key], `${field}.${key}`);
  }
  if (q.after !== undefined) checkAfter(q.after, `${field}.after`);
  if (q.limit !== undefined) checkLimit(q.limit, `${field}.limit`);
}

/** Checks a model alias record. */
export function checkAlias(record: ModelAliasRecord, field = 'alias'): void {
  checkText(record.name, `${field}.name`);
  checkText(record.alias, `${field}.alias`);
  checkText(record.version, `${field}.version`);
  checkDate(record.updatedAt, `${field}.updatedAt`);
}

const MODEL_EVENT_KINDS: ReadonlySet<string> = new Set([
  'registered',
  'stage_changed',
  'alias_set',
  'alias_deleted',
  'rolled_back',
  'archived',
]);

/** Checks a batch of model events; refuses the whole batch on the first bad one. */
export function checkModelEvents(records: readonly ModelEventRecord[], field = 'events'): void {
  records.forEach((record, index) => {
    const path = `${field}[${index}]`;
    checkText(record.id, `${path}.id`);
    checkText(record.name, `${path}.name`);
    checkOptionalText(record.version, `${path}.version`);
    if (!MODEL_EVENT_KINDS.has(record.kind)) {
      throw new ValidationError(
        `${path}.kind`,
        'must be registered, stage_changed, alias_set, alias_deleted, rolled_back or archived',
        { received: record.kind },
      );
    }
    checkOptionalText(record.from, `${path}.from`);
    checkOptionalText(record.to, `${path}.to`);
    checkOptionalText(record.alias, `${path}.alias`);
    checkOptionalText(record.actor, `${path}.actor`);
    checkOptionalText(record.reason, `${path}.reason`);
    checkDate(record.at, `${path}.at`);
  });
}

const AB_TEST_STATUSES: ReadonlySet<string> = new Set([
  'created',
  'running',
  'paused',
  'completed',
  'failed',
]);

function checkAbTestStatus(value: unknown, field: string): void {
  if (!AB_TEST_STATUSES.has(value as string)) {
    throw new ValidationError(field, 'must be created, running, paused, completed or failed', {
      received: value,
    });
  }
}

const abTestFields: { [K in keyof AbTestRecord]-?: FieldCheck } = {
  id: checkText,
  name: checkText,
  status: checkAbTestStatus,
  definition: checkJsonObject,
  state: checkJsonObject,
  createdAt: checkDate,
  updatedAt: checkDate,
  startedAt: checkOptionalDate,
  endedAt: checkOptionalDate,
};

/** The fields of an A/B test a patch may change. */
const AB_TEST_PATCH_FIELDS: ReadonlySet<string> = new Set([
  'status',
  'state',
  'updatedAt',
  'startedAt',
  'endedAt',
]);

/** Checks a whole A/B test record. */
export function checkAbTest(record: AbTestRecord, field = 'test'): void {
  for (const [key, check] of Object.entries(abTestFields)) {
    check(record[key as keyof AbTestRecord], `${field}.${key}`);
  }
}

/** Checks an A/B test patch: only status, state and the three times can change. */
export function checkAbTestPatch(patch: AbTestPatch, field = 'patch'): void {
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (!AB_TEST_PATCH_FIELDS.has(key)) {
      throw new ValidationError(`${field}.${key}`, 'is not a field that can be updated');
    }
    abTestFields[key as keyof AbTestRecord](value, `${field}.${key}`);
  }
}

/** Checks the statuses of an A/B test compare-and-set (`expectStatus`) or filter. */
export function checkAbTestStatuses(statuses: unknown, field = 'options.expectStatus'): void {
  if (!Array.isArray(statuses)) {
    throw new ValidationError(field, 'must be an array of statuses', { received: statuses });
  }
  statuses.forEach((status, index) => {
    checkAbTestStatus(status, `${field}[${index}]`);
  });
}

/** Checks an A/B test list filter (see {@link checkExperimentQuery}). */
export function checkAbTestQuery(query: AbTestQuery, field = 'query'): void {
  const q = query as Record<string, unknown>;
  if (q.status !== undefined) checkAbTestStatuses(q.status, `${field}.status`);
  if (q.name !== undefined) checkText(q.name, `${field}.name`);
  if (q.after !== undefined) checkAfter(q.after, `${field}.after`);
  if (q.limit !== undefined) checkLimit(q.limit, `${field}.limit`);
}

/**
 * The aggregate metric that counts predictions; outcome values may not use the name, so an
 * outcome can never change a prediction count.
 */
export const PREDICTIONS_METRIC = '$predictions';

/** The aggregate metric that counts distinct units (see `PredictionRecord.firstOfUnit`); reserved too. */
export const UNITS_METRIC = '$units';

/** A plain object whose values are finite numbers, by text key (shadow predictions, outcome values). */
function checkNumberMap(value: unknown, field: string, what: string): void {
  if (!isPlainObject(value)) {
    throw new ValidationError(field, `must be a plain object of ${what}`, { received: value });
  }
  for (const key of Object.keys(value)) {
    checkText(key, `${field} (key)`);
    checkFinite(value[key], `${field}.${key}`);
  }
}

/** Checks a batch of predictions; refuses the whole batch on the first bad one. */
export function checkPredictions(
  records: readonly PredictionRecord[],
  field = 'predictions',
): void {
  for (let index = 0; index < records.length; index++) {
    const record = records[index] as PredictionRecord;
    const path = `${field}[${index}]`;
    checkText(record.id, `${path}.id`);
    checkText(record.testId, `${path}.testId`);
    checkText(record.variant, `${path}.variant`);
    checkOptionalText(record.unit, `${path}.unit`);
    if (record.features !== null) checkJsonObject(record.features, `${path}.features`);
    checkFinite(record.prediction, `${path}.prediction`);
    checkOptionalFinite(record.confidence, `${path}.confidence`);
    if (record.shadow !== null) checkNumberMap(record.shadow, `${path}.shadow`, 'predictions');
    checkDate(record.at, `${path}.at`);
    if (record.firstOfUnit !== undefined && typeof record.firstOfUnit !== 'boolean') {
      throw new ValidationError(`${path}.firstOfUnit`, 'must be a boolean', {
        received: record.firstOfUnit,
      });
    }
  }
}

/** Checks a batch of outcomes; refuses the whole batch on the first bad one. */
export function checkOutcomes(records: readonly OutcomeRecord[], field = 'outcomes'): void {
  for (let index = 0; index < records.length; index++) {
    const record = records[index] as OutcomeRecord;
    const path = `${field}[${index}]`;
    checkText(record.predictionId, `${path}.predictionId`);
    checkText(record.testId, `${path}.testId`);
    checkText(record.variant, `${path}.variant`);
    checkFinite(record.actual, `${path}.actual`);
    checkNumberMap(record.values, `${path}.values`, 'metric values');
    for (const reserved of [PREDICTIONS_METRIC, UNITS_METRIC]) {
      if (Object.hasOwn(record.values, reserved)) {
        throw new ValidationError(`${path}.values.${reserved}`, 'is reserved for a count');
      }
    }
    checkDate(record.at, `${path}.at`);
  }
}

/** Text that names something (a model, a version): non-empty. */
function checkName(value: unknown, field: string): asserts value is string {
  checkText(value, field);
  if (value.length === 0) throw new ValidationError(field, 'must not be empty');
}

/**
 * Checks a drift baseline: the model name and version (non-empty), one `{ feature, sketch }` per
 * feature (a sketch is a JSON object; no feature twice), the metrics (finite numbers by name),
 * `extra` (a JSON object) and `createdAt`.
 */
export function checkDriftBaseline(record: DriftBaselineRecord, field = 'baseline'): void {
  checkName(record.modelName, `${field}.modelName`);
  checkName(record.modelVersion, `${field}.modelVersion`);
  const features: unknown = record.features;
  if (!Array.isArray(features)) {
    throw new ValidationError(`${field}.features`, 'must be an array of { feature, sketch }', {
      received: features,
    });
  }
  const seen = new Set<string>();
  for (let index = 0; index < features.length; index++) {
    const path = `${field}.features[${index}]`;
    const item: unknown = features[index];
    if (!isPlainObject(item)) {
      throw new ValidationError(path, 'must be { feature, sketch }', { received: item });
    }
    checkText(item.feature, `${path}.feature`);
    if (seen.has(item.feature)) {
      throw new ValidationError(`${path}.feature`, 'must not repeat a feature', {
        received: item.feature,
      });
    }
    seen.add(item.feature);
    checkJsonObject(item.sketch, `${path}.sketch`);
  }
  checkNumberMap(record.metrics, `${field}.metrics`, 'finite numbers');
  checkJsonObject(record.extra, `${field}.extra`);
  checkDate(record.createdAt, `${field}.createdAt`);
}

/** Checks a drift report: its id, model name and version, the four verdicts and the report. */
export function checkDriftReport(record: DriftReportRecord, field = 'report'): void {
  checkText(record.id, `${field}.id`);
  checkName(record.modelName, `${field}.modelName`);
  checkName(record.modelVersion, `${field}.modelVersion`);
  for (const key of ['drifted', 'dataDrifted', 'performanceDrifted', 'conceptDrifted'] as const) {
    checkBoolean(record[key], `${field}.${key}`);
  }
  checkJsonObject(record.report, `${field}.report`);
  checkDate(record.createdAt, `${field}.createdAt`);
}

/** Checks a drift report filter (see {@link checkExperimentQuery}). */
export function checkDriftReportQuery(query: DriftReportQuery, field = 'query'): void {
  const q = query as Record<string, unknown>;
  for (const key of ['modelName', 'modelVersion']) {
    if (q[key] !== undefined) checkText(q[key], `${field}.${key}`);
  }
  for (const key of ['from', 'to']) {
    if (q[key] !== undefined) checkDate(q[key], `${field}.${key}`);
  }
  if (q.driftedOnly !== undefined) checkBoolean(q.driftedOnly, `${field}.driftedOnly`);
  if (q.after !== undefined) checkAfter(q.after, `${field}.after`);
  if (q.limit !== undefined) checkLimit(q.limit, `${field}.limit`);
}

/** Checks the options of a list call that takes only a limit. */
export function checkListOptions(options: { limit?: number }, field = 'options'): void {
  const limit = (options as { limit?: unknown }).limit;
  if (limit !== undefined) checkLimit(limit, `${field}.limit`);
}

/** A keyset cursor: any object with the two fields (the last row of the previous page is one). */
function checkAfter(value: unknown, field: string): void {
  const after = value as { createdAt?: unknown; id?: unknown } | null;
  if (typeof after !== 'object' || after === null) {
    throw new ValidationError(field, 'must be { createdAt, id }', { received: value });
  }
  checkDate(after.createdAt, `${field}.createdAt`);
  checkText(after.id, `${field}.id`);
}

function checkLimit(value: unknown, field: string): void {
  checkInteger(value, field);
  if (value < 0) throw new ValidationError(field, 'must not be negative', { received: value });
}
