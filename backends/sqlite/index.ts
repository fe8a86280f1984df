import Database from 'better-sqlite3';
import { Kysely } from 'kysely';
import { BackendError } from '../../src/errors.js';
import type { StorageBackend } from '../../src/storage/backend.js';
import {
  checkConnectionShape,
  checkHasMethods,
  checkNonEmptyString,
  checkWholeNumber,
} from '../../src/storage/options.js';
import { createSqlBackend } from '../../src/storage/sql/backend.js';
import type { QuantlabSchema } from '../../src/storage/sql/schema.js';
import { ImmediateSqliteDialect } from './driver.js';
import { sqliteTraits } from './traits.js';

/** Where the SQLite database is: a file quantlab opens, or a connection the caller owns. */
export type SqliteConnection =
  | {
      /** Path of the database file (created when missing), or `':memory:'`. */
      filename: string;
      /** Open the file read-only (no migrations then: pass `migrate: false` to createLab). */
      readonly?: boolean;
    }
  | {
      /** A better-sqlite3 database the caller opened; quantlab never closes it. */
      database: Database.Database;
    };

/** Tuning for the SQLite backend. */
export interface SqliteOptions {
  /** How long a write waits for another process's lock before failing (default 5000 ms). */
  busyTimeoutMs?: number;
}

/**
 * The embedded default backend: one SQLite file through better-sqlite3, in WAL mode with a busy
 * timeout and foreign keys on, so several processes on one machine can share a file. Write
 * transactions begin IMMEDIATE, so concurrent writers queue instead of failing.
 *
 * For a database the caller passes in, quantlab sets `busy_timeout` and `foreign_keys` on that
 * connection but leaves its journal mode alone (turn on WAL yourself for several processes) and
 * never closes it.
 *
 * @example
 * ```ts
 * import { createLab } from 'quantlab';
 * import { sqlite } from 'quantlab/sqlite';
 *
 * const lab = await createLab(sqlite({ filename: 'lab.db' }));
 * ```
 */
export function sqlite(connection: SqliteConnection, options: SqliteOptions = {}): StorageBackend {
  checkConnectionShape(connection, 'connection', ['filename', 'database']);
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  checkWholeNumber(busyTimeoutMs, 'options.busyTimeoutMs', 0);
  const owned = 'filename' in connection;
  if (owned) checkNonEmptyString(connection.filename, 'connection.filename');
  else
    checkHasMethods(
      connection.database,
      'connection.database',
      ['prepare', 'pragma'],
      'a better-sqlite3 Database',
    );
  let database: Database.Database | undefined;
  try {
    database = owned
      ? new Database(connection.filename, {
          readonly: connection.readonly ?? false,
          timeout: busyTimeoutMs,
        })
      : connection.database;
    database.pragma(`busy_timeout = ${busyTimeoutMs}`);
    database.pragma('foreign_keys = ON');
    if (owned && !database.memory && !database.readonly) {
      database.pragma('journal_mode = WAL');
      database.pragma('synchronous = NORMAL');
    }
  } catch (error) {
    if (owned && database?.open) database.close();
    const where = owned ? connection.filename : 'the given database';
    throw new BackendError('sqlite', 'open', `${where}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const db = new Kysely<QuantlabSchema>({ dialect: new ImmediateSqliteDialect({ database }) });
  return createSqlBackend({
    db,
    traits: sqliteTraits,
    info: { kind: 'sqlite', description: database.name },
    capabilities: {
      multiProcess: !database.memory,
      persistent: !database.memory,
      bulkInsert: 'prepared',
    },
    // Kysely's destroy() closes the better-sqlite3 handle: only for a database quantlab opened.
    release: () => (owned ? db.destroy() : Promise.resolve()),
  });
}
