import type { Kysely } from 'kysely';
import type { ExperimentStore } from '../backend.js';
import type { ArtifactLink, ExperimentRecord, ResourceDemand } from '../records.js';
import {
  checkArtifactLinks,
  checkExperiment,
  checkExperimentPatch,
  checkExperimentQuery,
} from '../validate.js';
import { atomically, chunkRows, type SqlContext } from './context.js';
import { pastRow } from './keyset.js';
import { experimentPatchToRow, experimentToRow, rowToExperiment } from './rows.js';
import type { QuantlabSchema } from './schema.js';
import { decodeNumber } from './traits.js';

const DEFAULT_LIMIT = 100;
const table = 'quantlab_experiments' as const;
const tags = 'quantlab_experiment_tags' as const;
const links = 'quantlab_experiment_artifacts' as const;
/** The column of each resource dimension. */
const RESOURCE_COLUMNS = [
  ['cpuCores', 'cpu_cores'],
  ['memoryGb', 'memory_gb'],
  ['gpuUnits', 'gpu_units'],
  ['diskGb', 'disk_gb'],
] as const satisfies ReadonlyArray<readonly [keyof ResourceDemand, string]>;

/** @internal */
export function sqlExperimentStore(ctx: SqlContext): ExperimentStore {
  const { db, traits: t, guard } = ctx;

  /** Replaces the tag rows of one experiment (the record's `tags` column stays the source). */
  const writeTags = async (trx: Kysely<QuantlabSchema>, id: string, values: readonly string[]) => {
    await trx.deleteFrom(tags).where('experiment_id', '=', id).execute();
    const rows = [...new Set(values)].map((tag) => ({ experiment_id: id, tag }));
    for (const chunk of chunkRows(rows, 2, t.maxParameters)) {
      await trx.insertInto(tags).values(chunk).execute();
    }
  };

  return {
    insert: (record) =>
      guard.run(
        'experiments.insert',
        async () => {
          checkExperiment(record);
          await atomically(ctx, async (trx) => {
            await trx.insertInto(table).values(experimentToRow(t, record)).execute();
            await writeTags(trx, record.id, record.tags);
          });
        },
        { entity: 'experiment', id: record.id },
      ),

    get: (id) =>
      guard.run('experiments.get', async () => {
        const row = await db.selectFrom(table).selectAll().where('id', '=', id).executeTakeFirst();
        return row ? rowToExperiment(t, row) : undefined;
      }),

    update: (id, patch, options) =>
      guard.run('experiments.update', async () => {
        checkExperimentPatch(patch);
        const row = experimentPatchToRow(t, patch);
        const expect = options?.expectStatus;
        if (expect !== undefined && expect.length === 0) return undefined;
        if (Object.keys(row).length === 0) {
          let query = db.selectFrom(table).selectAll().where('id', '=', id);
          if (expect) query = query.where('status', 'in', expect);
          const found = await query.executeTakeFirst();
          return found ? rowToExperiment(t, found) : undefined;
        }
        return atomically(ctx, async (trx) => {
          let query = trx.updateTable(table).set(row).where('id', '=', id);
          if (expect) query = query.where('status', 'in', expect);
          const updated = await query.returningAll().executeTakeFirst();
          if (!updated) return undefined;
          if (patch.tags !== undefined) await writeTags(trx, id, patch.tags);
          return rowToExperiment(t, updated);
        });
      }),

    list: (query = {}) =>
      guard.run('experiments.list', async () => {
        checkExperimentQuery(query);
        let q = db.selectFrom(table).selectAll();
        if (query.status !== undefined) {
          if (query.status.length === 0) return [];
          q = q.where('status', 'in', query.status);
        }
        if (query.name !== undefined) q = q.where('name', '=', query.name);
        if (query.type !== undefined) q = q.where('type', '=', query.type);
        if (query.strategy !== undefined) q = q.where('strategy', '=', query.strategy);
        if (query.configHash !== undefined) q = q.where('config_hash', '=', query.configHash);
        if (query.parentId !== undefined) q = q.where('parent_id', '=', query.parentId);
        if (query.gitCommit !== undefined) q = q.where('git_commit', '=', query.gitCommit);
        if (query.tag !== undefined) {
          const tag = query.tag;
          q = q.where('id', 'in', (eb) =>
            eb.selectFrom(tags).select('experiment_id').where('tag', '=', tag),
          );
        }
        if (query.createdFrom) q = q.where('created_at', '>=', t.encodeDate(query.createdFrom));
        if (query.createdTo) q = q.where('created_at', '<', t.encodeDate(query.createdTo));
        if (query.completedBefore) {
          q = q.where('completed_at', '<', t.encodeDate(query.completedBefore));
        }
        if (query.autoCleanup !== undefined) {
          const flag = t.encodeBoolean(query.autoCleanup);
          // NULL in this column (added by 0002) reads as true, its default, as in rowToExperiment.
          q = query.autoCleanup
            ? q.where((eb) =>
                eb.or([eb('auto_cleanup', '=', flag), eb('auto_cleanup', 'is', null)]),
              )
            : q.where('auto_cleanup', '=', flag);
        }
        if (query.fitsWithin) {
          for (const [key, column] of RESOURCE_COLUMNS) {
            const limit = query.fitsWithin[key];
            if (limit === undefined) continue;
            // NULL reads as 0, as in rowToExperiment and runningTotals.
            q = q.where((eb) => eb(eb.fn.coalesce(column, eb.lit(0)), '<=', limit));
          }
        }
        if (query.order === 'queue') {
          q = q
            .orderBy('priority', 'desc')
            .orderBy((eb) => eb.fn.coalesce('queued_at', 'created_at'), 'asc')
            .orderBy('created_at', 'asc')
            .orderBy('id', 'asc');
        } else {
          const direction = query.order === 'oldest' ? 'asc' : 'desc';
          if (query.after) {
            const { createdAt, id } = query.after;
            q = q.where(pastRow(t.encodeDate(createdAt), id, direction));
          }
          q = q.orderBy('created_at', direction).orderBy('id', direction);
        }
        const rows = await q.limit(query.limit ?? DEFAULT_LIMIT).execute();
        return rows.map((row): ExperimentRecord => rowToExperiment(t, row));
      }),

    runningTotals: () =>
      guard.run('experiments.runningTotals', async () => {
        const row = await db
          .selectFrom(table)
          .select((eb) => [
            eb.fn.countAll().as('count'),
            eb.fn.sum(eb.fn.coalesce('cpu_cores', eb.lit(0))).as('cpu_cores'),
            eb.fn.sum(eb.fn.coalesce('memory_gb', eb.lit(0))).as('memory_gb'),
            eb.fn.sum(eb.fn.coalesce('gpu_units', eb.lit(0))).as('gpu_units'),
            eb.fn.sum(eb.fn.coalesce('disk_gb', eb.lit(0))).as('disk_gb'),
          ])
          .where('status', '=', 'running')
          .executeTakeFirstOrThrow();
        return {
          count: decodeNumber(row.count),
          cpuCores: decodeNumber(row.cpu_cores ?? 0),
          memoryGb: decodeNumber(row.memory_gb ?? 0),
          gpuUnits: decodeNumber(row.gpu_units ?? 0),
          diskGb: decodeNumber(row.disk_gb ?? 0),
        };
      }),

    linkArtifacts: (experimentId, records) =>
      guard.run('experiments.linkArtifacts', async () => {
        checkArtifactLinks(experimentId, records);
        const rows = records.map((link) => ({
          experiment_id: experimentId,
          role: link.role,
          kind: link.kind,
          artifact_id: link.artifactId,
        }));
        await atomically(ctx, async (trx) => {
          for (const chunk of chunkRows(rows, 4, t.maxParameters)) {
            await trx
              .insertInto(links)
              .values(chunk)
              .onConflict((oc) =>
                oc.columns(['experiment_id', 'role', 'kind', 'artifact_id']).doNothing(),
              )
              .execute();
          }
        });
      }),

    artifactLinks: (experimentId) =>
      guard.run('experiments.artifactLinks', async () => {
        const rows = await db
          .selectFrom(links)
          .select(['role', 'kind', 'artifact_id'])
          .where('experiment_id', '=', experimentId)
          .orderBy('role')
          .orderBy('kind')
          .orderBy('artifact_id')
          .execute();
        return rows.map(
          (row): ArtifactLink => ({
            role: row.role as ArtifactLink['role'],
            kind: row.kind,
            artifactId: row.artifact_id,
          }),
        );
      }),

    listByArtifacts: (artifactIds, role) =>
      guard.run('experiments.listByArtifacts', async () => {
        if (artifactIds.length === 0) return [];
        const rows = await db
          .selectFrom(table)
          .selectAll()
          .where('id', 'in', (eb) => {
            let sub = eb
              .selectFrom(links)
              .select('experiment_id')
              .where('artifact_id', 'in', artifactIds);
            if (role !== undefined) sub = sub.where('role', '=', role);
            return sub;
          })
          .orderBy('created_at', 'desc')
          .orderBy('id', 'desc')
          .execute();
        return rows.map((row) => rowToExperiment(t, row));
      }),
  };
}
