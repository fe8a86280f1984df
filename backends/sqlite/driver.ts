import type Database from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
} from 'kysely';
import { CachingSqliteConnection } from './connection.js';

/**
 * Kysely's SQLite dialect with two changes: prepared statements are cached (see
 * `CachingSqliteConnection`), and transactions begin IMMEDIATE, taking the write lock at once. A DEFERRED transaction that reads and then writes fails with SQLITE_BUSY, without
 * waiting, when another process wrote in between; an IMMEDIATE one waits up to the busy timeout.
 *
 * @internal
 */
export class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  readonly #database: SqliteDialectConfig['database'];
  #connection: CachingSqliteConnection | undefined;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#database = config.database;
  }

  /** Kysely's mutex still guards the one connection; ours caches statements on it. */
  override async acquireConnection(): Promise<DatabaseConnection> {
    await super.acquireConnection();
    if (this.#connection === undefined) {
      const database = this.#database;
      if (typeof database === 'function') throw new Error('quantlab passes a database instance');
      this.#connection = new CachingSqliteConnection(database as unknown as Database.Database);
    }
    return this.#connection;
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}
