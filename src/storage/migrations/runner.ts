import { type Kysely, sql } from 'kysely';
import type { MigrationResult } from '../backend.js';
import type { QuantlabSchema } from '../sql/schema.js';
import type { DialectTraits } from '../sql/traits.js';
import type { Migration } from './migration.js';

/**
 * Applies the pending migrations. A first transaction takes the dialect's migration lock,
 * creates the bookkeeping table if missing and reads what is applied; on a database that is up
 * to date that is all. Each pending migration then runs in its own transaction, which takes the
 * lock again and re-reads what is applied, so two processes starting at once never both apply
 * one, and a failed migration leaves nothing of itself behind (earlier ones stay applied). One
 * transaction per migration because DuckDB cannot commit some schema changes together (altering
 * a populated table and indexing it). The bookkeeping table is `quantlab_migrations`, distinct
 * from Kysely's default names, so a host app's own migrations never collide.
 *
 * @internal
 */
export async function runMigrations(
  db: Kysely<QuantlabSchema>,
  traits: DialectTraits,
  migrations: readonly Migration[],
): Promise<MigrationResult> {
  const version = migrations.at(-1)?.name ?? 'none';
  const initial = await db
    .transaction()
    .execute((trx) => appliedUnderLock(trx, traits, migrations));
  const applied: string[] = [];
  for (const migration of migrations) {
    if (initial.has(migration.name)) continue;
    const ran = await db.transaction().execute(async (trx) => {
      if ((await appliedUnderLock(trx, traits, migrations)).has(migration.name)) return false;
      await migration.up(trx, traits.types, traits);
      await trx
        .insertInto('quantlab_migrations')
        .values({ name: migration.name, applied_at: traits.encodeDate(new Date()) })
        .execute();
      return true;
    });
    if (ran) applied.push(migration.name);
  }
  return { applied, version };
}

/**
 * Inside a transaction: takes the migration lock, creates the bookkeeping table if missing and
 * returns the applied names; refuses a database migrated by a newer quantlab.
 */
async function appliedUnderLock(
  trx: Kysely<QuantlabSchema>,
  traits: DialectTraits,
  migrations: readonly Migration[],
): Promise<Set<string>> {
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
  return done;
}
