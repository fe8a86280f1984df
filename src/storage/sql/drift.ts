import type { Kysely } from 'kysely';
import type { DriftStore } from '../backend.js';
import type { DriftBaselineRecord } from '../records.js';
import {
  checkDriftBaseline,
  checkDriftReport,
  checkDriftReportQuery,
  checkIds,
} from '../validate.js';
import { atomically, chunkRows, idChunks, type SqlContext } from './context.js';
import { pastRow } from './keyset.js';
import {
  driftBaselineFeatureRows,
  driftBaselineToRow,
  driftReportToRow,
  rowToDriftBaseline,
  rowToDriftBaselineFeature,
  rowToDriftReport,
} from './rows.js';
import type { QuantlabSchema } from './schema.js';
import { decodeNumber } from './traits.js';

const DEFAULT_LIMIT = 100;
const FEATURE_COLUMNS = 5;
const baselines = 'quantlab_drift_baselines' as const;
const features = 'quantlab_drift_baseline_features' as const;
const reports = 'quantlab_drift_reports' as const;

/**
 * Drift baselines and reports on SQL. A baseline is a head row (metrics, extra, created_at) and
 * one row per feature (its sketch and its position in the caller's order), so a check that names
 * a few features loads only theirs.
 *
 * `putBaseline` replaces the head row and every feature row in one transaction. With several
 * writers (PostgreSQL, SQLite) it upserts the head row first: the row lock it takes makes two
 * processes putting the same baseline take turns, so the second replaces the first's features
 * instead of failing on the feature rows' key. With one writer (DuckDB) it deletes and inserts
 * the head row instead, as DuckDB's ON CONFLICT is slow. `deleteBaseline` deletes the head row
 * first for the same reason (one lock order, no deadlock with a put).
 *
 * @internal
 */
export function sqlDriftStore(ctx: SqlContext): DriftStore {
  const { db, traits: t, guard } = ctx;

  const baselineOf = (trx: Kysely<QuantlabSchema>, modelName: string, modelVersion: string) =>
    trx
      .selectFrom(baselines)
      .selectAll()
      .where('model_name', '=', modelName)
      .where('model_version', '=', modelVersion);

  /** The feature rows of a baseline, every one or only those named, in stored order. */
  const loadFeatures = async (
    modelName: string,
    modelVersion: string,
    names: readonly string[] | undefined,
  ): Promise<DriftBaselineRecord['features']> => {
    const select = () =>
      db
        .selectFrom(features)
        .select(['feature', 'position', 'sketch'])
        .where('model_name', '=', modelName)
        .where('model_version', '=', modelVersion);
    if (names === undefined) {
      const rows = await select().orderBy('position').execute();
      return rows.map((row) => rowToDriftBaselineFeature(t, row));
    }
    // Two parameters go to the model name and version.
    const rows = [];
    for (const chunk of idChunks(names, t.maxParameters - 2)) {
      rows.push(...(await select().where('feature', 'in', chunk).execute()));
    }
    rows.sort((a, b) => decodeNumber(a.position) - decodeNumber(b.position));
    return rows.map((row) => rowToDriftBaselineFeature(t, row));
  };

  return {
    putBaseline: (record) =>
      guard.run('drift.putBaseline', async () => {
        checkDriftBaseline(record);
        const head = driftBaselineToRow(t, record);
        const featureRows = driftBaselineFeatureRows(t, record);
        const { modelName, modelVersion } = record;
        await atomically(ctx, async (trx) => {
          if (t.singleWriter) {
            await trx
              .deleteFrom(baselines)
              .where('model_name', '=', modelName)
              .where('model_version', '=', modelVersion)
              .execute();
            await trx.insertInto(baselines).values(head).execute();
          } else {
            await trx
              .insertInto(baselines)
              .values(head)
              .onConflict((oc) =>
                oc.columns(['model_name', 'model_version']).doUpdateSet((eb) => ({
                  metrics: eb.ref('excluded.metrics'),
                  extra: eb.ref('excluded.extra'),
                  created_at: eb.ref('excluded.created_at'),
                })),
              )
              .execute();
          }
          await trx
            .deleteFrom(features)
            .where('model_name', '=', modelName)
            .where('model_version', '=', modelVersion)
            .execute();
          for (const chunk of chunkRows(featureRows, FEATURE_COLUMNS, t.maxParameters)) {
            await trx.insertInto(features).values(chunk).execute();
          }
        });
      }),

    getBaseline: (modelName, modelVersion, options) =>
      guard.run('drift.getBaseline', async () => {
        const names = options?.features;
        if (names !== undefined) checkIds(names, 'options.features');
        const row = await baselineOf(db, modelName, modelVersion).executeTakeFirst();
        if (row === undefined) return undefined;
        const loaded =
          names !== undefined && names.length === 0
            ? []
            : await loadFeatures(modelName, modelVersion, names);
        return rowToDriftBaseline(t, row, loaded);
      }),

    deleteBaseline: (modelName, modelVersion) =>
      guard.run('drift.deleteBaseline', async () =>
        atomically(ctx, async (trx) => {
          const result = await trx
            .deleteFrom(baselines)
            .where('model_name', '=', modelName)
            .where('model_version', '=', modelVersion)
            .executeTakeFirst();
          await trx
            .deleteFrom(features)
            .where('model_name', '=', modelName)
            .where('model_version', '=', modelVersion)
            .execute();
          return Number(result.numDeletedRows) > 0;
        }),
      ),

    insertReport: (record) =>
      guard.run(
        'drift.insertReport',
        async () => {
          checkDriftReport(record);
          await db.insertInto(reports).values(driftReportToRow(t, record)).execute();
        },
        { entity: 'drift report', id: record.id },
      ),

    getReport: (id) =>
      guard.run('drift.getReport', async () => {
        const row = await db
          .selectFrom(reports)
          .selectAll()
          .where('id', '=', id)
          .executeTakeFirst();
        return row ? rowToDriftReport(t, row) : undefined;
      }),

    listReports: (query = {}) =>
      guard.run('drift.listReports', async () => {
        checkDriftReportQuery(query);
        let q = db.selectFrom(reports).selectAll();
        if (query.modelName !== undefined) q = q.where('model_name', '=', query.modelName);
        if (query.modelVersion !== undefined) {
          q = q.where('model_version', '=', query.modelVersion);
        }
        if (query.from !== undefined) q = q.where('created_at', '>=', t.encodeDate(query.from));
        if (query.to !== undefined) q = q.where('created_at', '<', t.encodeDate(query.to));
        if (query.driftedOnly === true) q = q.where('drifted', '=', t.encodeBoolean(true));
        if (query.after) {
          q = q.where(pastRow(t.encodeDate(query.after.createdAt), query.after.id, 'desc'));
        }
        const rows = await q
          .orderBy('created_at', 'desc')
          .orderBy('id', 'desc')
          .limit(query.limit ?? DEFAULT_LIMIT)
          .execute();
        return rows.map((row) => rowToDriftReport(t, row));
      }),
  };
}
