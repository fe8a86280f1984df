import { DialectAdapterBase, type Kysely } from 'kysely';

/**
 * DuckDB's capabilities as Kysely sees them: RETURNING and transactional DDL are supported.
 *
 * The migration lock is a no-op. A DuckDB database file is open read-write in one process at a
 * time (DuckDB holds a file lock), and within it this dialect sends everything through one
 * connection behind a mutex, so Kysely's migrator, which runs its migrations in a transaction
 * holding that connection, has nothing to race with.
 *
 * @internal
 */
export class DuckDBAdapter extends DialectAdapterBase {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }

  override get supportsReturning(): boolean {
    return true;
  }

  async acquireMigrationLock(_db: Kysely<unknown>): Promise<void> {}

  async releaseMigrationLock(_db: Kysely<unknown>): Promise<void> {}
}
