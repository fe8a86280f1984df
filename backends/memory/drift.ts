import { ConflictError } from '../../src/errors.js';
import type { DriftStore } from '../../src/storage/backend.js';
import type { DriftBaselineRecord, DriftReportRecord } from '../../src/storage/records.js';
import {
  checkDriftBaseline,
  checkDriftReport,
  checkDriftReportQuery,
  checkIds,
} from '../../src/storage/validate.js';
import type { Runner } from './models.js';
import { compareDates, compareText, firstInOrder } from './order.js';
import { KeyedTable, KeyedView } from './tables.js';
import { copy, DEFAULT_LIMIT, json, keyOf } from './values.js';

/**
 * The drift tables. A baseline is one row keyed by model name and version, its features inside
 * it: a put replaces the row whole, which is what the SQL backends do over two tables in one
 * transaction. Reports are keyed by id. Rows are replaced, never mutated, so a transaction's
 * overlay (see tables.ts) can hold its versions.
 *
 * @internal
 */
export class DriftData {
  readonly baselines = new KeyedTable<DriftBaselineRecord>();
  readonly reports = new KeyedTable<DriftReportRecord>();
}

/** @internal */
export class DriftView {
  readonly baselines: KeyedView<DriftBaselineRecord>;
  readonly reports: KeyedView<DriftReportRecord>;

  constructor(data: DriftData, transactional: boolean) {
    this.baselines = new KeyedView(data.baselines, transactional);
    this.reports = new KeyedView(data.reports, transactional);
  }

  commit(): void {
    this.baselines.commit();
    this.reports.commit();
  }
}

/** Newest first: created_at, then id, descending. */
const newestFirst = (a: { createdAt: Date; id: string }, b: { createdAt: Date; id: string }) =>
  compareDates(b.createdAt, a.createdAt) || compareText(b.id, a.id);

/** A baseline as it is stored: JSON columns as JSON text would return them, nothing shared. */
function storedBaseline(r: DriftBaselineRecord): DriftBaselineRecord {
  return {
    modelName: r.modelName,
    modelVersion: r.modelVersion,
    features: r.features.map(({ feature, sketch }) => ({ feature, sketch: json(sketch) })),
    metrics: json(r.metrics),
    extra: json(r.extra),
    createdAt: new Date(r.createdAt.getTime()),
  };
}

function storedReport(r: DriftReportRecord): DriftReportRecord {
  return {
    id: r.id,
    modelName: r.modelName,
    modelVersion: r.modelVersion,
    drifted: r.drifted,
    dataDrifted: r.dataDrifted,
    performanceDrifted: r.performanceDrifted,
    conceptDrifted: r.conceptDrifted,
    report: json(r.report),
    createdAt: new Date(r.createdAt.getTime()),
  };
}

/** The drift store over a view; records are copied in and out. @internal */
export function memoryDriftStore(view: DriftView, run: Runner, runWrite: Runner): DriftStore {
  return {
    putBaseline: (record) =>
      runWrite('drift.putBaseline', () => {
        checkDriftBaseline(record);
        view.baselines.set(keyOf(record.modelName, record.modelVersion), storedBaseline(record));
      }),

    getBaseline: (modelName, modelVersion, options) =>
      run('drift.getBaseline', () => {
        const names = options?.features;
        if (names !== undefined) checkIds(names, 'options.features');
        const found = view.baselines.get(keyOf(modelName, modelVersion));
        if (found === undefined) return undefined;
        if (names === undefined) return copy(found);
        const wanted = new Set(names);
        return copy({ ...found, features: found.features.filter((f) => wanted.has(f.feature)) });
      }),

    deleteBaseline: (modelName, modelVersion) =>
      runWrite('drift.deleteBaseline', () => view.baselines.delete(keyOf(modelName, modelVersion))),

    insertReport: (record) =>
      runWrite('drift.insertReport', () => {
        checkDriftReport(record);
        if (view.reports.has(record.id)) {
          throw new ConflictError('drift report', record.id, 'already exists');
        }
        view.reports.set(record.id, storedReport(record));
      }),

    getReport: (id) => run('drift.getReport', () => copy(view.reports.get(id))),

    listReports: (query = {}) =>
      run('drift.listReports', () => {
        checkDriftReportQuery(query);
        const { modelName, modelVersion, from, to, driftedOnly, after } = query;
        const wanted = (r: DriftReportRecord) =>
          (modelName === undefined || r.modelName === modelName) &&
          (modelVersion === undefined || r.modelVersion === modelVersion) &&
          (from === undefined || r.createdAt >= from) &&
          (to === undefined || r.createdAt < to) &&
          (driftedOnly !== true || r.drifted) &&
          (after === undefined || newestFirst(r, after) > 0);
        const rows = [...view.reports.values()].filter(wanted);
        return copy(firstInOrder(rows, newestFirst, query.limit ?? DEFAULT_LIMIT));
      }),
  };
}
