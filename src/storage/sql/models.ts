import type { Kysely, SelectQueryBuilder } from 'kysely';
import { ConflictError } from '../../errors.js';
import type { ModelStore } from '../backend.js';
import type { ModelVersionRecord } from '../records.js';
import { compareText } from '../text-order.js';
import {
  checkAlias,
  checkExpectedStages,
  checkIds,
  checkListOptions,
  checkModelEvents,
  checkModelVersion,
  checkModelVersionPatch,
  checkModelVersionQuery,
} from '../validate.js';
import { atomically, chunkRows, idChunks, type SqlContext } from './context.js';
import { pastRow } from './keyset.js';
import {
  aliasToRow,
  modelEventToRow,
  modelVersionToRow,
  rowToAlias,
  rowToModelEvent,
  rowToModelVersion,
} from './rows.js';
import type { ModelVersionsTable, QuantlabSchema } from './schema.js';

const DEFAULT_LIMIT = 100;
const EVENT_COLUMNS = 10;
const versions = 'quantlab_model_versions' as const;
const tags = 'quantlab_model_version_tags' as const;
const aliases = 'quantlab_model_aliases' as const;
const events = 'quantlab_model_events' as const;

type VersionQuery = SelectQueryBuilder<QuantlabSchema, typeof versions, ModelVersionsTable>;

/** Highest version first; on equal numbers (different text) the later registered one. */
const highestFirst = (q: VersionQuery): VersionQuery =>
  q
    .orderBy('major', 'desc')
    .orderBy('minor', 'desc')
    .orderBy('patch', 'desc')
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc');

/** Newest first: created_at, then id, descending. */
const newestFirst = (q: VersionQuery): VersionQuery =>
  q.orderBy('created_at', 'desc').orderBy('id', 'desc');

const productionConflict = (name: string, cause?: unknown) =>
  new ConflictError(
    'model',
    name,
    'already has a version in production',
    cause === undefined ? undefined : { cause },
  );

const compareNewestFirst = (a: ModelVersionRecord, b: ModelVersionRecord) =>
  b.createdAt.getTime() - a.createdAt.getTime() || compareText(b.id, a.id);

/**
 * The model registry on SQL. Invariants live in the schema where the dialect allows: versions
 * are unique per name (a unique constraint), and on PostgreSQL and SQLite a partial unique index
 * admits one production version per model, so a promotion that races another process fails with
 * a `ConflictError` instead of leaving two. DuckDB has no partial indexes; there the store checks
 * the rule inside the write's transaction (see `refuseSecondProduction`). Tags are rows of
 * `quantlab_model_version_tags`, written once with the version (tags never change), so listing by
 * tag is an indexed lookup without per-dialect JSON functions.
 *
 * @internal
 */
export function sqlModelStore(ctx: SqlContext): ModelStore {
  const { db, traits: t, guard } = ctx;
  const selectVersions = (): VersionQuery => db.selectFrom(versions).selectAll();

  /**
   * Where the dialect has no partial index (DuckDB) the store keeps the one-production-version
   * rule itself: called inside the write's transaction, which on DuckDB runs alone (one writer
   * process, one connection), it refuses when another version of the model is in production.
   */
  const refuseSecondProduction = async (
    trx: Kysely<QuantlabSchema>,
    name: string,
    exceptVersion?: string,
  ): Promise<void> => {
    if (t.partialIndexes) return;
    let q = trx
      .selectFrom(versions)
      .select('id')
      .where('name', '=', name)
      .where('stage', '=', 'production');
    if (exceptVersion !== undefined) q = q.where('version', '<>', exceptVersion);
    if (await q.limit(1).executeTakeFirst()) throw productionConflict(name);
  };

  return {
    insertVersion: (record) =>
      guard.run('models.insertVersion', async () => {
        checkModelVersion(record);
        try {
          await atomically(ctx, async (trx) => {
            if (record.stage === 'production') await refuseSecondProduction(trx, record.name);
            await trx.insertInto(versions).values(modelVersionToRow(t, record)).execute();
            const rows = [...new Set(record.tags)].map((tag) => ({ version_id: record.id, tag }));
            for (const chunk of chunkRows(rows, 2, t.maxParameters)) {
              await trx.insertInto(tags).values(chunk).execute();
            }
          });
        } catch (error) {
          if (!t.isUniqueViolation(error)) throw error;
          const reason =
            record.stage === 'production' && t.partialIndexes
              ? 'already exists (this version or id), or the model has a version in production'
              : 'already exists';
          throw new ConflictError('model version', `${record.name}@${record.version}`, reason, {
            cause: error,
          });
        }
      }),

    getVersion: (name, version) =>
      guard.run('models.getVersion', async () => {
        const row = await selectVersions()
          .where('name', '=', name)
          .where('version', '=', version)
          .executeTakeFirst();
        return row ? rowToModelVersion(t, row) : undefined;
      }),

    latestVersion: (name) =>
      guard.run('models.latestVersion', async () => {
        const row = await highestFirst(selectVersions().where('name', '=', name))
          .limit(1)
          .executeTakeFirst();
        return row ? rowToModelVersion(t, row) : undefined;
      }),

    versionsInStage: (name, stage) =>
      guard.run('models.versionsInStage', async () => {
        const rows = await highestFirst(
          selectVersions().where('name', '=', name).where('stage', '=', stage),
        ).execute();
        return rows.map((row) => rowToModelVersion(t, row));
      }),

    listVersions: (query = {}) =>
      guard.run('models.listVersions', async () => {
        checkModelVersionQuery(query);
        let q = selectVersions();
        if (query.name !== undefined) q = q.where('name', '=', query.name);
        if (query.stage !== undefined) {
          if (query.stage.length === 0) return [];
          q = q.where('stage', 'in', query.stage);
        }
        if (query.modelType !== undefined) q = q.where('model_type', '=', query.modelType);
        if (query.tag !== undefined) {
          const tag = query.tag;
          q = q.where('id', 'in', (eb) =>
            eb.selectFrom(tags).select('version_id').where('tag', '=', tag),
          );
        }
        if (query.after) {
          q = q.where(pastRow(t.encodeDate(query.after.createdAt), query.after.id, 'desc'));
        }
        const rows = await newestFirst(q)
          .limit(query.limit ?? DEFAULT_LIMIT)
          .execute();
        return rows.map((row) => rowToModelVersion(t, row));
      }),

    versionsByArtifacts: (artifactIds) =>
      guard.run('models.versionsByArtifacts', async () => {
        checkIds(artifactIds, 'artifactIds');
        const chunks = idChunks(artifactIds, t.maxParameters);
        const found: ModelVersionRecord[] = [];
        for (const chunk of chunks) {
          const rows = await newestFirst(
            selectVersions().where('artifact_id', 'in', chunk),
          ).execute();
          for (const row of rows) found.push(rowToModelVersion(t, row));
        }
        return chunks.length > 1 ? found.sort(compareNewestFirst) : found;
      }),

    updateVersion: (name, version, patch, options) =>
      guard.run('models.updateVersion', async () => {
        checkModelVersionPatch(patch);
        const expect = options?.expectStage;
        if (expect !== undefined) {
          checkExpectedStages(expect);
          if (expect.length === 0) return undefined;
        }
        const row: Partial<ModelVersionsTable> = {};
        if (patch.stage !== undefined) row.stage = patch.stage;
        if (patch.updatedAt !== undefined) row.updated_at = t.encodeDate(patch.updatedAt);
        if (Object.keys(row).length === 0) {
          let q = selectVersions().where('name', '=', name).where('version', '=', version);
          if (expect) q = q.where('stage', 'in', expect);
          const found = await q.executeTakeFirst();
          return found ? rowToModelVersion(t, found) : undefined;
        }
        const update = (trx: Kysely<QuantlabSchema>) => {
          let q = trx
            .updateTable(versions)
            .set(row)
            .where('name', '=', name)
            .where('version', '=', version);
          if (expect) q = q.where('stage', 'in', expect);
          return q.returningAll().executeTakeFirst();
        };
        try {
          const updated =
            patch.stage === 'production' && !t.partialIndexes
              ? await atomically(ctx, async (trx) => {
                  await refuseSecondProduction(trx, name, version);
                  return update(trx);
                })
              : await update(db);
          return updated ? rowToModelVersion(t, updated) : undefined;
        } catch (error) {
          // Name and version do not change: the only unique rule an update can break is the
          // partial index admitting one production version per model.
          if (!t.isUniqueViolation(error)) throw error;
          throw productionConflict(name, error);
        }
      }),

    setAlias: (record) =>
      guard.run('models.setAlias', async () => {
        checkAlias(record);
        await db
          .insertInto(aliases)
          .values(aliasToRow(t, record))
          .onConflict((oc) =>
            oc.columns(['name', 'alias']).doUpdateSet((eb) => ({
              version: eb.ref('excluded.version'),
              updated_at: eb.ref('excluded.updated_at'),
            })),
          )
          .execute();
      }),

    deleteAlias: (name, alias) =>
      guard.run('models.deleteAlias', async () => {
        const result = await db
          .deleteFrom(aliases)
          .where('name', '=', name)
          .where('alias', '=', alias)
          .executeTakeFirst();
        return Number(result.numDeletedRows) > 0;
      }),

    getAlias: (name, alias) =>
      guard.run('models.getAlias', async () => {
        const row = await db
          .selectFrom(aliases)
          .selectAll()
          .where('name', '=', name)
          .where('alias', '=', alias)
          .executeTakeFirst();
        return row ? rowToAlias(t, row) : undefined;
      }),

    listAliases: (name) =>
      guard.run('models.listAliases', async () => {
        const rows = await db
          .selectFrom(aliases)
          .selectAll()
          .where('name', '=', name)
          .orderBy('alias')
          .execute();
        return rows.map((row) => rowToAlias(t, row));
      }),

    appendEvents: (records) =>
      guard.run(
        'models.appendEvents',
        async () => {
          checkModelEvents(records);
          if (records.length === 0) return;
          const rows = records.map((r) => modelEventToRow(t, r));
          const chunks = chunkRows(rows, EVENT_COLUMNS, t.maxParameters);
          if (chunks.length === 1) {
            await db.insertInto(events).values(rows).execute();
            return;
          }
          await atomically(ctx, async (trx) => {
            for (const chunk of chunks) await trx.insertInto(events).values(chunk).execute();
          });
        },
        { entity: 'model event' },
      ),

    listEvents: (name, options = {}) =>
      guard.run('models.listEvents', async () => {
        checkListOptions(options);
        let q = db
          .selectFrom(events)
          .selectAll()
          .where('name', '=', name)
          .orderBy('at')
          .orderBy('id');
        if (options.limit !== undefined) q = q.limit(options.limit);
        return (await q.execute()).map((row) => rowToModelEvent(t, row));
      }),
  };
}
