import { type Kysely, sql } from 'kysely';
import type { MigrationResult } from '../backend.js';
import type { QuantlabSchema } from '../sql/schema.js';
import type { DialectTraits } from '../sql/traits.js';
import type { Migration } from './migration.js';

/**
 * Applies the pending migrations, each in its own transaction that first takes the dialect's
 * migration lock and then re-reads what is applied, so two processes starting at once never both
 * apply one, and a failed migration leaves nothing of itself behind (earlier ones stay applied).
 * One transaction per migration because DuckDB cannot commit some schema changes together
 * (altering a populated table and indexing it). The bookkeeping table is `quantlab_migrations`,
 * distinct from Kysely's default names, so a host app's own migrations never collide.
 *
 * @internal
 */
export async function runMigrations(
  db: Kysely<QuantlabSchema>,
  traits: DialectTraits,
  migrations: readonly Migration[],
): Promise<MigrationResult> {
  const applied: string[] = [];
  // One pass per migration, plus a last one that only checks (and on a database that is already
  // up to date, the only one that does anything): each pass creates the bookkeeping table if
  // missing and refuses a database migrated by a newer quantlab.
  for (let index = 0; index <= migrations.length; index++) {
    const migration = migrations[index];
    const ran = await db.transaction().execute(async (trx) => {
      await traits.lockMigrations(trx);
      await trx.schema
        .createTable('quantlab_migrations')
        .ifNotExists()
        .addColumn('name', sql.raw(traits.types.text), (c) => c.primaryKey())
        .addColumn('applied_at', sql.raw(traits.types.timestamp), (c) => c.notNull())
        .execute();
      const done = new Set(
        (await trx.selectFrom('quantlab_migrations').select('name').execute()).map(
          (row) => row.name,
        ),
      );
      const unknown = [...done].filter((name) => !migrations.some((m) => m.name === name));
      if (unknown.length > 0) {
        throw new Error(
          `the database has migrations this quantlab version does not know (${unknown.join(', ')}); ` +
            'upgrade quantlab',
        );
      }
      if (migration === undefined || done.has(migration.name)) return false;
      await migration.up(trx, traits.types);
      await trx
        .insertInto('quantlab_migrations')
        .values({ name: migration.name, applied_at: traits.encodeDate(new Date()) })
        .execute();
      return true;
    });
    if (ran && migration) applied.push(migration.name);
  }
  return { applied, version: migrations.at(-1)?.name ?? 'none' };
}
