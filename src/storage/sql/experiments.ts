import type { ExperimentStore } from '../backend.js';
import type { ExperimentRecord } from '../records.js';
import { checkExperiment, checkExperimentPatch } from '../validate.js';
import type { SqlContext } from './context.js';
import { experimentPatchToRow, experimentToRow, rowToExperiment } from './rows.js';

const DEFAULT_LIMIT = 100;

/** @internal */
export function sqlExperimentStore(ctx: SqlContext): ExperimentStore {
  const { db, traits: t, guard } = ctx;
  const table = 'quantlab_experiments' as const;
  return {
    insert: (record) =>
      guard.run(
        'experiments.insert',
        async () => {
          checkExperiment(record);
          await db.insertInto(table).values(experimentToRow(t, record)).execute();
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
        let query = db.updateTable(table).set(row).where('id', '=', id);
        if (expect) query = query.where('status', 'in', expect);
        const updated = await query.returningAll().executeTakeFirst();
        return updated ? rowToExperiment(t, updated) : undefined;
      }),

    list: (query = {}) =>
      guard.run('experiments.list', async () => {
        let q = db.selectFrom(table).selectAll();
        if (query.status !== undefined) {
          if (query.status.length === 0) return [];
          q = q.where('status', 'in', query.status);
        }
        if (query.type !== undefined) q = q.where('type', '=', query.type);
        if (query.strategy !== undefined) q = q.where('strategy', '=', query.strategy);
        if (query.configHash !== undefined) q = q.where('config_hash', '=', query.configHash);
        if (query.parentId !== undefined) q = q.where('parent_id', '=', query.parentId);
        if (query.createdFrom) q = q.where('created_at', '>=', t.encodeDate(query.createdFrom));
        if (query.createdTo) q = q.where('created_at', '<', t.encodeDate(query.createdTo));
        const rows = await q
          .orderBy('created_at', 'desc')
          .orderBy('id', 'desc')
          .limit(query.limit ?? DEFAULT_LIMIT)
          .execute();
        return rows.map((row): ExperimentRecord => rowToExperiment(t, row));
      }),
  };
}
