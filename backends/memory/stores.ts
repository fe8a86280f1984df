import { ConflictError } from '../../src/errors.js';
import type { StorageOperations } from '../../src/storage/backend.js';
import type { OperationGuard } from '../../src/storage/guard.js';
import type {
  ArtifactHead,
  ArtifactInputLink,
  ArtifactLink,
  ArtifactRecord,
  ExperimentRecord,
  LogRecord,
  MetricAggregate,
  MetricRecord,
  ResourceDemand,
} from '../../src/storage/records.js';
import {
  checkArtifact,
  checkArtifactInputs,
  checkArtifactLinks,
  checkExperiment,
  checkExperimentPatch,
  checkExperimentQuery,
  checkIds,
  checkLogs,
  checkMetrics,
  checkText,
} from '../../src/storage/validate.js';
import { AbData, AbView, memoryAbTestStore } from './ab-tests.js';
import { DriftData, DriftView, memoryDriftStore } from './drift.js';
import { ModelData, ModelView, memoryModelStore } from './models.js';
import { compareDates, compareText, firstInOrder } from './order.js';
import { AppendTable, AppendView, KeyedTable, KeyedView } from './tables.js';
import { copy, DEFAULT_LIMIT, json, keyOf } from './values.js';

/** Everything the memory backend holds. @internal */
export class MemoryData {
  readonly experiments = new KeyedTable<ExperimentRecord>();
  readonly metrics = new AppendTable<MetricRecord>();
  readonly logs = new KeyedTable<LogRecord>();
  readonly artifacts = new KeyedTable<ArtifactRecord>();
  /** Artifact links keyed by experiment, role, kind and artifact id joined with NUL (never in valid text). */
  readonly links = new KeyedTable<StoredLink>();
  /** What each artifact was made from, keyed by artifact id and input id joined with NUL. */
  readonly artifactInputs = new KeyedTable<ArtifactInputLink>();
  readonly models = new ModelData();
  readonly abTests = new AbData();
  readonly drift = new DriftData();
}

interface StoredLink extends ArtifactLink {
  experimentId: string;
}

/** A read/write view of the data: committed rows, or a transaction's overlay on them. @internal */
export class MemoryView {
  readonly experiments: KeyedView<ExperimentRecord>;
  readonly metrics: AppendView<MetricRecord>;
  readonly logs: KeyedView<LogRecord>;
  readonly artifacts: KeyedView<ArtifactRecord>;
  readonly links: KeyedView<StoredLink>;
  readonly artifactInputs: KeyedView<ArtifactInputLink>;
  readonly models: ModelView;
  readonly abTests: AbView;
  readonly drift: DriftView;

  constructor(data: MemoryData, transactional: boolean) {
    this.experiments = new KeyedView(data.experiments, transactional);
    this.metrics = new AppendView(data.metrics, transactional);
    this.logs = new KeyedView(data.logs, transactional);
    this.artifacts = new KeyedView(data.artifacts, transactional);
    this.links = new KeyedView(data.links, transactional);
    this.artifactInputs = new KeyedView(data.artifactInputs, transactional);
    this.models = new ModelView(data.models, transactional);
    this.abTests = new AbView(data.abTests, transactional);
    this.drift = new DriftView(data.drift, transactional);
  }

  commit(): void {
    this.experiments.commit();
    this.metrics.commit();
    this.logs.commit();
    this.artifacts.commit();
    this.links.commit();
    this.artifactInputs.commit();
    this.models.commit();
    this.abTests.commit();
    this.drift.commit();
  }
}

/** Runs a write: outside a transaction it queues behind the backend's write lock. */
export type WriteScheduler = <T>(fn: () => T) => Promise<T>;

const RESOURCE_KEYS = [
  'cpuCores',
  'memoryGb',
  'gpuUnits',
  'diskGb',
] as const satisfies ReadonlyArray<keyof ResourceDemand>;

function storedExperiment(record: ExperimentRecord): ExperimentRecord {
  return {
    ...copy(record),
    config: json(record.config),
    tags: json(record.tags),
    provenance: json(record.provenance),
    metadata: json(record.metadata),
  };
}

/**
 * The record operations over a view. Records are copied in and out, so a caller mutating what it
 * passed or got never changes what is stored.
 *
 * @internal
 */
export function memoryOperations(
  view: MemoryView,
  guard: OperationGuard,
  write: WriteScheduler,
): StorageOperations {
  const run = <T>(operation: string, fn: () => T): Promise<T> =>
    guard.run(operation, async () => fn());
  const runWrite = <T>(operation: string, fn: () => T): Promise<T> =>
    guard.run(operation, () => write(fn));
  return {
    experiments: {
      insert: (record) =>
        runWrite('experiments.insert', () => {
          checkExperiment(record);
          if (view.experiments.has(record.id))
            throw new ConflictError('experiment', record.id, 'already exists');
          view.experiments.set(record.id, storedExperiment(record));
        }),
      get: (id) => run('experiments.get', () => copy(view.experiments.get(id))),
      update: (id, patch, options) =>
        runWrite('experiments.update', () => {
          checkExperimentPatch(patch);
          const current = view.experiments.get(id);
          if (!current) return undefined;
          if (options?.expectStatus && !options.expectStatus.includes(current.status))
            return undefined;
          const defined = Object.fromEntries(
            Object.entries(patch).filter(([, v]) => v !== undefined),
          );
          const next = storedExperiment({ ...current, ...defined });
          view.experiments.set(id, next);
          return copy(next);
        }),
      list: (query = {}) =>
        run('experiments.list', () => {
          checkExperimentQuery(query);
          const { status, after, completedBefore, fitsWithin } = query;
          const fits = (r: ExperimentRecord) =>
            fitsWithin === undefined ||
            RESOURCE_KEYS.every((key) => {
              const limit = fitsWithin[key];
              return limit === undefined || r.resources[key] <= limit;
            });
          const matches = (r: ExperimentRecord) =>
            (status === undefined || status.includes(r.status)) &&
            (query.name === undefined || r.name === query.name) &&
            (query.type === undefined || r.type === query.type) &&
            (query.strategy === undefined || r.strategy === query.strategy) &&
            (query.configHash === undefined || r.configHash === query.configHash) &&
            (query.parentId === undefined || r.parentId === query.parentId) &&
            (query.gitCommit === undefined || r.gitCommit === query.gitCommit) &&
            (query.tag === undefined || r.tags.includes(query.tag)) &&
            (query.createdFrom === undefined || r.createdAt >= query.createdFrom) &&
            (query.createdTo === undefined || r.createdAt < query.createdTo) &&
            (completedBefore === undefined ||
              (r.completedAt !== null && r.completedAt < completedBefore)) &&
            (query.autoCleanup === undefined || r.autoCleanup === query.autoCleanup) &&
            fits(r);
          const limit = query.limit ?? DEFAULT_LIMIT;
          if (query.order === 'queue') {
            const queueOrder = (a: ExperimentRecord, b: ExperimentRecord) =>
              b.priority - a.priority ||
              compareDates(a.queuedAt ?? a.createdAt, b.queuedAt ?? b.createdAt) ||
              compareDates(a.createdAt, b.createdAt) ||
              compareText(a.id, b.id);
            return copy(
              firstInOrder(filtered(view.experiments.values(), matches), queueOrder, limit),
            );
          }
          // newest: created_at then id descending; oldest: both ascending.
          const sign = query.order === 'oldest' ? 1 : -1;
          const compare = (
            a: { createdAt: Date; id: string },
            b: { createdAt: Date; id: string },
          ) => sign * (compareDates(a.createdAt, b.createdAt) || compareText(a.id, b.id));
          const wanted = after
            ? (r: ExperimentRecord) => matches(r) && compare(r, after) > 0
            : matches;
          return copy(firstInOrder(filtered(view.experiments.values(), wanted), compare, limit));
        }),
      runningTotals: () =>
        run('experiments.runningTotals', () => {
          const totals = { count: 0, cpuCores: 0, memoryGb: 0, gpuUnits: 0, diskGb: 0 };
          for (const r of view.experiments.values()) {
            if (r.status !== 'running') continue;
            totals.count += 1;
            totals.cpuCores += r.resources.cpuCores;
            totals.memoryGb += r.resources.memoryGb;
            totals.gpuUnits += r.resources.gpuUnits;
            totals.diskGb += r.resources.diskGb;
          }
          return totals;
        }),
      linkArtifacts: (experimentId, links) =>
        runWrite('experiments.linkArtifacts', () => {
          checkArtifactLinks(experimentId, links);
          for (const link of links) {
            const key = keyOf(experimentId, link.role, link.kind, link.artifactId);
            if (!view.links.has(key)) view.links.set(key, { experimentId, ...copy(link) });
          }
        }),
      artifactLinks: (experimentId) =>
        run('experiments.artifactLinks', () =>
          [...view.links.values()]
            .filter((l) => l.experimentId === experimentId)
            .sort(
              (a, b) =>
                compareText(a.role, b.role) ||
                compareText(a.kind, b.kind) ||
                compareText(a.artifactId, b.artifactId),
            )
            .map(({ role, kind, artifactId }): ArtifactLink => ({ role, kind, artifactId })),
        ),
      listByArtifacts: (artifactIds, role) =>
        run('experiments.listByArtifacts', () => {
          const wanted = new Set(artifactIds);
          const ids = new Set<string>();
          for (const l of view.links.values()) {
            if (wanted.has(l.artifactId) && (role === undefined || l.role === role))
              ids.add(l.experimentId);
          }
          const rows = [...ids]
            .map((id) => view.experiments.get(id))
            .filter((r) => r !== undefined);
          rows.sort((a, b) => compareDates(b.createdAt, a.createdAt) || compareText(b.id, a.id));
          return copy(rows);
        }),
    },

    metrics: {
      append: (records) =>
        runWrite('metrics.append', () => {
          checkMetrics(records);
          view.metrics.push(copy(records));
        }),
      list: (experimentId, query = {}) =>
        run('metrics.list', () => {
          const names = query.names;
          const rows = [...view.metrics.values()].filter(
            (r) =>
              r.experimentId === experimentId &&
              (names === undefined || names.includes(r.name)) &&
              (query.from === undefined || r.at >= query.from) &&
              (query.to === undefined || r.at < query.to),
          );
          rows.sort(
            (a, b) => compareText(a.name, b.name) || a.step - b.step || compareDates(a.at, b.at),
          );
          return copy(rows);
        }),
      aggregate: (experimentId) =>
        run('metrics.aggregate', () => {
          const byName = new Map<string, MetricAggregate>();
          for (const r of view.metrics.values()) {
            if (r.experimentId !== experimentId) continue;
            const a = byName.get(r.name);
            if (!a) {
              byName.set(r.name, {
                name: r.name,
                count: 1,
                sum: r.value,
                sumOfSquares: r.value * r.value,
                min: r.value,
                max: r.value,
                latest: r.value,
                latestStep: r.step,
                latestAt: new Date(r.at),
              });
              continue;
            }
            a.count += 1;
            a.sum += r.value;
            a.sumOfSquares += r.value * r.value;
            a.min = Math.min(a.min, r.value);
            a.max = Math.max(a.max, r.value);
            if (r.step > a.latestStep || (r.step === a.latestStep && r.at > a.latestAt)) {
              a.latest = r.value;
              a.latestStep = r.step;
              a.latestAt = new Date(r.at);
            }
          }
          return [...byName.values()].sort((a, b) => compareText(a.name, b.name));
        }),
    },

    logs: {
      append: (records) =>
        runWrite('logs.append', () => {
          checkLogs(records);
          const seen = new Set<string>();
          for (const r of records) {
            if (seen.has(r.id) || view.logs.has(r.id))
              throw new ConflictError('log entry', r.id, 'already exists');
            seen.add(r.id);
          }
          for (const r of records) view.logs.set(r.id, { ...copy(r), context: json(r.context) });
        }),
      list: (experimentId, options = {}) =>
        run('logs.list', () => {
          const rows = [...view.logs.values()].filter((r) => r.experimentId === experimentId);
          rows.sort((a, b) => compareDates(a.at, b.at) || compareText(a.id, b.id));
          return copy(options.limit === undefined ? rows : rows.slice(0, options.limit));
        }),
    },

    artifacts: {
      put: (record) =>
        runWrite('artifacts.put', () => {
          checkArtifact(record);
          if (view.artifacts.has(record.id)) return { created: false };
          view.artifacts.set(record.id, { ...copy(record), metadata: json(record.metadata) });
          return { created: true };
        }),
      get: (id) => run('artifacts.get', () => copy(view.artifacts.get(id))),
      head: (id) =>
        run('artifacts.head', () => {
          const found = view.artifacts.get(id);
          return found && headOf(found);
        }),
      heads: (ids) =>
        run('artifacts.heads', () => {
          checkIds(ids);
          const heads: ArtifactHead[] = [];
          for (const id of new Set(ids)) {
            const found = view.artifacts.get(id);
            if (found) heads.push(headOf(found));
          }
          return heads;
        }),
      linkInputs: (artifactId, inputIds) =>
        runWrite('artifacts.linkInputs', () => {
          checkArtifactInputs(artifactId, inputIds);
          for (const inputId of inputIds) {
            const key = keyOf(artifactId, inputId);
            if (!view.artifactInputs.has(key))
              view.artifactInputs.set(key, { artifactId, inputId });
          }
        }),
      inputsOf: (artifactIds) =>
        run('artifacts.inputsOf', () => {
          checkIds(artifactIds, 'artifactIds');
          const wanted = new Set(artifactIds);
          return sortedInputLinks(view.artifactInputs.values(), (l) => wanted.has(l.artifactId));
        }),
      consumersOf: (artifactIds) =>
        run('artifacts.consumersOf', () => {
          checkIds(artifactIds, 'artifactIds');
          const wanted = new Set(artifactIds);
          return sortedInputLinks(view.artifactInputs.values(), (l) => wanted.has(l.inputId));
        }),
      delete: (id) =>
        runWrite('artifacts.delete', () => {
          checkText(id, 'id');
          // Its own input links go with it; links naming it as an input stay, as in SQL.
          const own = [...view.artifactInputs.values()].filter((l) => l.artifactId === id);
          for (const link of own) view.artifactInputs.delete(keyOf(link.artifactId, link.inputId));
          return view.artifacts.delete(id);
        }),
    },

    models: memoryModelStore(view.models, run, runWrite),
    abTests: memoryAbTestStore(view.abTests, run, runWrite),
    drift: memoryDriftStore(view.drift, run, runWrite),
  };
}

/** A copy of the artifact's metadata, without its bytes. */
function headOf({ bytes: _bytes, ...head }: ArtifactRecord): ArtifactHead {
  return copy(head);
}

/** The input links that `keep` accepts, ordered by artifact id, then input id. */
function sortedInputLinks(
  links: Iterable<ArtifactInputLink>,
  keep: (link: ArtifactInputLink) => boolean,
): ArtifactInputLink[] {
  return [...filtered(links, keep)]
    .sort((a, b) => compareText(a.artifactId, b.artifactId) || compareText(a.inputId, b.inputId))
    .map(({ artifactId, inputId }) => ({ artifactId, inputId }));
}

function* filtered<T>(items: Iterable<T>, keep: (item: T) => boolean): Generator<T> {
  for (const item of items) if (keep(item)) yield item;
}
