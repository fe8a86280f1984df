import type { ArtifactStore } from '../backend.js';
import { checkArtifact } from '../validate.js';
import type { SqlContext } from './context.js';
import { rowToArtifactHead } from './rows.js';

/** @internal */
export function sqlArtifactStore(ctx: SqlContext): ArtifactStore {
  const { db, traits: t, guard } = ctx;
  const table = 'quantlab_artifacts' as const;
  const headColumns = ['id', 'type', 'name', 'size', 'metadata', 'created_at'] as const;
  return {
    put: (record) =>
      guard.run('artifacts.put', async () => {
        checkArtifact(record);
        const result = await db
          .insertInto(table)
          .values({
            id: record.id,
            type: record.type,
            name: record.name,
            size: record.size,
            metadata: t.encodeJson(record.metadata),
            bytes: t.encodeBytes(record.bytes),
            created_at: t.encodeDate(record.createdAt),
          })
          .onConflict((oc) => oc.column('id').doNothing())
          .executeTakeFirst();
        return { created: Number(result.numInsertedOrUpdatedRows ?? 0n) > 0 };
      }),

    get: (id) =>
      guard.run('artifacts.get', async () => {
        const row = await db.selectFrom(table).selectAll().where('id', '=', id).executeTakeFirst();
        return row ? { ...rowToArtifactHead(t, row), bytes: t.decodeBytes(row.bytes) } : undefined;
      }),

    head: (id) =>
      guard.run('artifacts.head', async () => {
        const row = await db
          .selectFrom(table)
          .select(headColumns)
          .where('id', '=', id)
          .executeTakeFirst();
        return row ? rowToArtifactHead(t, row) : undefined;
      }),
  };
}
