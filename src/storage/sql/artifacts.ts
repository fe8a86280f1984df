import type { ArtifactStore } from '../backend.js';
import type { ArtifactInputLink } from '../records.js';
import { compareText } from '../text-order.js';
import { checkArtifact, checkArtifactInputs, checkIds, checkText } from '../validate.js';
import { atomically, chunkRows, idChunks, type SqlContext } from './context.js';
import { rowToArtifactHead } from './rows.js';

const table = 'quantlab_artifacts' as const;
const inputs = 'quantlab_artifact_inputs' as const;
const headColumns = ['id', 'type', 'name', 'size', 'metadata', 'created_at', 'storage'] as const;

/** Orders input links by artifact, then input (as the single-statement queries do). */
const byArtifactThenInput = (a: ArtifactInputLink, b: ArtifactInputLink) =>
  compareText(a.artifactId, b.artifactId) || compareText(a.inputId, b.inputId);

/** @internal */
export function sqlArtifactStore(ctx: SqlContext): ArtifactStore {
  const { db, traits: t, guard } = ctx;

  /** Input links whose `column` is one of `ids`, ordered by artifact, then input. */
  const linksWhere = async (
    column: 'artifact_id' | 'input_id',
    ids: readonly string[],
  ): Promise<ArtifactInputLink[]> => {
    checkIds(ids, 'artifactIds');
    const chunks = idChunks(ids, t.maxParameters);
    const links: ArtifactInputLink[] = [];
    for (const chunk of chunks) {
      const rows = await db
        .selectFrom(inputs)
        .select(['artifact_id', 'input_id'])
        .where(column, 'in', chunk)
        .orderBy('artifact_id')
        .orderBy('input_id')
        .execute();
      for (const row of rows) links.push({ artifactId: row.artifact_id, inputId: row.input_id });
    }
    return chunks.length > 1 ? links.sort(byArtifactThenInput) : links;
  };

  return {
    put: (record) =>
      guard.run('artifacts.put', async () => {
        checkArtifact(record);
        return atomically(ctx, async (trx) => {
          // Known bytes are not sent again (a 50 MB model stored twice costs one lookup).
          const found = await trx
            .selectFrom(table)
            .select('id')
            .where('id', '=', record.id)
            .executeTakeFirst();
          if (found !== undefined) return { created: false };
          const insert = trx.insertInto(table).values({
            id: record.id,
            type: record.type,
            name: record.name,
            size: record.size,
            metadata: t.encodeJson(record.metadata),
            bytes: t.encodeBytes(record.bytes),
            created_at: t.encodeDate(record.createdAt),
            storage: record.storage,
          });
          // Another process may insert the same bytes between the lookup and the insert.
          const result = await (t.singleWriter
            ? insert
            : insert.onConflict((oc) => oc.column('id').doNothing())
          ).executeTakeFirst();
          return { created: Number(result.numInsertedOrUpdatedRows ?? 0n) > 0 };
        });
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

    heads: (ids) =>
      guard.run('artifacts.heads', async () => {
        checkIds(ids);
        const heads = [];
        for (const chunk of idChunks(ids, t.maxParameters)) {
          const rows = await db
            .selectFrom(table)
            .select(headColumns)
            .where('id', 'in', chunk)
            .execute();
          for (const row of rows) heads.push(rowToArtifactHead(t, row));
        }
        return heads;
      }),

    linkInputs: (artifactId, inputIds) =>
      guard.run('artifacts.linkInputs', async () => {
        checkArtifactInputs(artifactId, inputIds);
        const rows = [...new Set(inputIds)].map((input) => ({
          artifact_id: artifactId,
          input_id: input,
        }));
        if (rows.length === 0) return;
        const chunks = chunkRows(rows, 2, t.maxParameters);
        const insert = (trx: typeof db, chunk: typeof rows) =>
          trx
            .insertInto(inputs)
            .values(chunk)
            .onConflict((oc) => oc.columns(['artifact_id', 'input_id']).doNothing())
            .execute();
        if (chunks.length === 1) {
          await insert(db, rows);
          return;
        }
        await atomically(ctx, async (trx) => {
          for (const chunk of chunks) await insert(trx, chunk);
        });
      }),

    inputsOf: (artifactIds) =>
      guard.run('artifacts.inputsOf', () => linksWhere('artifact_id', artifactIds)),

    consumersOf: (artifactIds) =>
      guard.run('artifacts.consumersOf', () => linksWhere('input_id', artifactIds)),

    delete: (id) =>
      guard.run('artifacts.delete', async () => {
        checkText(id, 'id');
        return atomically(ctx, async (trx) => {
          await trx.deleteFrom(inputs).where('artifact_id', '=', id).execute();
          const result = await trx.deleteFrom(table).where('id', '=', id).executeTakeFirst();
          return Number(result.numDeletedRows) > 0;
        });
      }),
  };
}
