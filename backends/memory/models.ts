import { ConflictError } from '../../src/errors.js';
import type { ModelStore } from '../../src/storage/backend.js';
import type {
  ModelAliasRecord,
  ModelEventRecord,
  ModelVersionPatch,
  ModelVersionRecord,
} from '../../src/storage/records.js';
import {
  checkAlias,
  checkExpectedStages,
  checkIds,
  checkListOptions,
  checkModelEvents,
  checkModelVersion,
  checkModelVersionPatch,
  checkModelVersionQuery,
} from '../../src/storage/validate.js';
import { compareDates, compareText, firstInOrder } from './order.js';
import { KeyedTable, KeyedView } from './tables.js';
import { copy, DEFAULT_LIMIT, json, keyOf as key } from './values.js';

/**
 * The model registry's tables. Versions are keyed by name and version; `versionIds` (id to that
 * key) and `production` (name to the key of its production version) are the unique indexes the
 * SQL schema has, kept in the same transaction overlay as the rows they index.
 *
 * @internal
 */
export class ModelData {
  readonly versions = new KeyedTable<ModelVersionRecord>();
  readonly versionIds = new KeyedTable<string>();
  readonly production = new KeyedTable<string>();
  readonly aliases = new KeyedTable<ModelAliasRecord>();
  readonly events = new KeyedTable<ModelEventRecord>();
}

/** @internal */
export class ModelView {
  readonly versions: KeyedView<ModelVersionRecord>;
  readonly versionIds: KeyedView<string>;
  readonly production: KeyedView<string>;
  readonly aliases: KeyedView<ModelAliasRecord>;
  readonly events: KeyedView<ModelEventRecord>;

  constructor(data: ModelData, transactional: boolean) {
    this.versions = new KeyedView(data.versions, transactional);
    this.versionIds = new KeyedView(data.versionIds, transactional);
    this.production = new KeyedView(data.production, transactional);
    this.aliases = new KeyedView(data.aliases, transactional);
    this.events = new KeyedView(data.events, transactional);
  }

  commit(): void {
    this.versions.commit();
    this.versionIds.commit();
    this.production.commit();
    this.aliases.commit();
    this.events.commit();
  }
}

/** Runs an operation under the backend's guard (and, for writes, its write lock). @internal */
export type Runner = <T>(operation: string, fn: () => T) => Promise<T>;

function storedVersion(record: ModelVersionRecord): ModelVersionRecord {
  return {
    ...copy(record),
    features: json(record.features),
    hyperparameters: json(record.hyperparameters),
    preprocessing: json(record.preprocessing),
    featureImportance: json(record.featureImportance),
    metrics: json(record.metrics),
    validationMetrics: json(record.validationMetrics),
    testMetrics: json(record.testMetrics),
    trainingData: json(record.trainingData),
    tags: json(record.tags),
  };
}

/** Newest first: created_at, then id, descending. */
const newestFirst = (a: { createdAt: Date; id: string }, b: { createdAt: Date; id: string }) =>
  compareDates(b.createdAt, a.createdAt) || compareText(b.id, a.id);

/** Highest version first: major, minor, patch descending; on equal numbers the newest. */
const highestFirst = (a: ModelVersionRecord, b: ModelVersionRecord) =>
  b.major - a.major || b.minor - a.minor || b.patch - a.patch || newestFirst(a, b);

/** The model store over a view; records are copied in and out. @internal */
export function memoryModelStore(view: ModelView, run: Runner, runWrite: Runner): ModelStore {
  const versionsOf = (name: string) =>
    [...view.versions.values()].filter((record) => record.name === name);

  /** Whether another version of the model is in production (the SQL partial unique index). */
  const productionTaken = (name: string, versionKey: string) => {
    const holder = view.production.get(name);
    return holder !== undefined && holder !== versionKey;
  };

  return {
    insertVersion: (record) =>
      runWrite('models.insertVersion', () => {
        checkModelVersion(record);
        const versionKey = key(record.name, record.version);
        const clash =
          view.versions.has(versionKey) || view.versionIds.has(record.id)
            ? 'already exists (this version or id)'
            : record.stage === 'production' && productionTaken(record.name, versionKey)
              ? 'the model already has a version in production'
              : undefined;
        if (clash)
          throw new ConflictError('model version', `${record.name}@${record.version}`, clash);
        view.versions.set(versionKey, storedVersion(record));
        view.versionIds.set(record.id, versionKey);
        if (record.stage === 'production') view.production.set(record.name, versionKey);
      }),

    getVersion: (name, version) =>
      run('models.getVersion', () => copy(view.versions.get(key(name, version)))),

    latestVersion: (name) =>
      run('models.latestVersion', () => copy(firstInOrder(versionsOf(name), highestFirst, 1)[0])),

    versionsInStage: (name, stage) =>
      run('models.versionsInStage', () =>
        copy(
          versionsOf(name)
            .filter((r) => r.stage === stage)
            .sort(highestFirst),
        ),
      ),

    listVersions: (query = {}) =>
      run('models.listVersions', () => {
        checkModelVersionQuery(query);
        const { name, stage, tag, modelType, after } = query;
        const wanted = (r: ModelVersionRecord) =>
          (name === undefined || r.name === name) &&
          (stage === undefined || stage.includes(r.stage)) &&
          (tag === undefined || r.tags.includes(tag)) &&
          (modelType === undefined || r.modelType === modelType) &&
          (after === undefined || newestFirst(r, after) > 0);
        const rows = [...view.versions.values()].filter(wanted);
        return copy(firstInOrder(rows, newestFirst, query.limit ?? DEFAULT_LIMIT));
      }),

    versionsByArtifacts: (artifactIds) =>
      run('models.versionsByArtifacts', () => {
        checkIds(artifactIds, 'artifactIds');
        const wanted = new Set(artifactIds);
        const rows = [...view.versions.values()].filter((r) => wanted.has(r.artifactId));
        return copy(rows.sort(newestFirst));
      }),

    updateVersion: (name, version, patch, options) =>
      runWrite('models.updateVersion', () => {
        checkModelVersionPatch(patch);
        const expect = options?.expectStage;
        if (expect !== undefined) checkExpectedStages(expect);
        const versionKey = key(name, version);
        const current = view.versions.get(versionKey);
        if (!current || (expect && !expect.includes(current.stage))) return undefined;
        // The patch holds only the stage and the update time (checked); undefined keeps a field.
        const changes: ModelVersionPatch = {};
        if (patch.stage !== undefined) changes.stage = patch.stage;
        if (patch.updatedAt !== undefined) changes.updatedAt = new Date(patch.updatedAt);
        const next: ModelVersionRecord = { ...current, ...changes };
        if (next.stage === 'production' && productionTaken(name, versionKey))
          throw new ConflictError('model', name, 'already has a version in production');
        view.versions.set(versionKey, next);
        if (next.stage === 'production') view.production.set(name, versionKey);
        else if (current.stage === 'production') view.production.delete(name);
        return copy(next);
      }),

    setAlias: (record) =>
      runWrite('models.setAlias', () => {
        checkAlias(record);
        view.aliases.set(key(record.name, record.alias), copy(record));
      }),

    deleteAlias: (name, alias) =>
      runWrite('models.deleteAlias', () => view.aliases.delete(key(name, alias))),

    getAlias: (name, alias) =>
      run('models.getAlias', () => copy(view.aliases.get(key(name, alias)))),

    listAliases: (name) =>
      run('models.listAliases', () =>
        copy(
          [...view.aliases.values()]
            .filter((r) => r.name === name)
            .sort((a, b) => compareText(a.alias, b.alias)),
        ),
      ),

    appendEvents: (records) =>
      runWrite('models.appendEvents', () => {
        checkModelEvents(records);
        const seen = new Set<string>();
        for (const r of records) {
          if (seen.has(r.id) || view.events.has(r.id))
            throw new ConflictError('model event', r.id, 'already exists');
          seen.add(r.id);
        }
        for (const r of records) view.events.set(r.id, copy(r));
      }),

    listEvents: (name, options = {}) =>
      run('models.listEvents', () => {
        checkListOptions(options);
        const rows = [...view.events.values()].filter((r) => r.name === name);
        const oldestFirst = (a: ModelEventRecord, b: ModelEventRecord) =>
          compareDates(a.at, b.at) || compareText(a.id, b.id);
        return copy(firstInOrder(rows, oldestFirst, options.limit ?? rows.length));
      }),
  };
}
