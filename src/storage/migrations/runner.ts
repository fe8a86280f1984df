import { type Kysely, sql } from 'kysely';
import type { MigrationResult } from '../backend.js';
import type { QuantlabSchema } from '../sql/schema.js';
import type { DialectTraits } from '../sql/traits.js';
import type { Migration } from './migration.js';

/**
 * Applies the pending migrations in one transaction, under the dialect's migration lock, so two
 * processes starting at once never both apply one and a failed migration leaves nothing behind.
 * The bookkeeping table is `quantlab_migrations`, distinct from Kysely's default names, so a host
 * app's own migrations never collide with quantlab's.
 *
 * @internal
 */
export async function runMigrations(
  db: Kysely<QuantlabSchema>,
  traits: DialectTraits,
  migrations: readonly Migration[],
): Promise<MigrationResult> {
  return db.transaction().execute(async (trx) => {
    await traits.lockMigrations(trx);
    await trx.schema
      .createTable('quantlab_migrations')
      .ifNotExists()
      .addColumn('name', sql.raw(traits.types.text), (c) => c.primaryKey())
      .addColumn('applied_at', sql.raw(traits.types.timestamp), (c) => c.notNull())
      .execute();
    const done = new Set(
      (await trx.selectFrom('quantlab_migrations').select('name').execute()).map((row) => row.name),
    );
    const unknown = [...done].filter((name) => !migrations.some((m) => m.name === name));
    if (unknown.length > 0) {
      throw new Error(
        `the database has migrations this quantlab version does not know (${unknown.join(', ')}); ` +
          'upgrade quantlab',
      );
    }
    const applied: string[] = [];
    for (const migration of migrations) {
      if (done.has(migration.name)) continue;
      await migration.up(trx, traits.types);
      await trx
        .insertInto('quantlab_migrations')
        .values({ name: migration.name, applied_at: traits.encodeDate(new Date()) })
        .execute();
      applied.push(migration.name);
    }
    return { applied, version: migrations.at(-1)?.name ?? 'none' };
  });
}
