import { DuckDBInstance } from '@duckdb/node-api';
import { Kysely } from 'kysely';
import { BackendError } from '../../src/errors.js';
import type { StorageBackend } from '../../src/storage/backend.js';
import {
  checkConnectionShape,
  checkHasMethods,
  checkNonEmptyString,
} from '../../src/storage/options.js';
import { createSqlBackend } from '../../src/storage/sql/backend.js';
import type { QuantlabSchema } from '../../src/storage/sql/schema.js';
import { DuckDBDialect } from './dialect/index.js';
import { duckdbTraits } from './traits.js';

/** Where the DuckDB database is: a file (or memory) quantlab opens, or an instance the caller owns. */
export type DuckDBConnection =
  | {
      /** Database file, created when missing; `':memory:'` for an in-memory database. */
      path: string;
      /** DuckDB settings passed to `DuckDBInstance.create`, e.g. `{ threads: '2' }`. */
      options?: Record<string, string>;
    }
  | {
      /** A `DuckDBInstance` the caller created; quantlab opens one connection on it and never closes the instance. */
      instance: DuckDBInstance;
    };

/**
 * The analytics backend: DuckDB through `@duckdb/node-api`, for large outcome and metric tables.
 * DuckDB allows ONE writer process per database file (it holds a file lock); a second process
 * opening the same file fails with a `BackendError` that says so. Within the process, quantlab
 * uses one connection and runs its queries one at a time.
 *
 * @example
 * ```ts
 * import { createLab } from 'quantlab';
 * import { duckdb } from 'quantlab/duckdb';
 *
 * const lab = await createLab(duckdb({ path: 'outcomes.duckdb' }));
 * ```
 */
export function duckdb(connection: DuckDBConnection): StorageBackend {
  checkConnectionShape(connection, 'connection', ['path', 'instance']);
  const owned = 'path' in connection;
  if (owned) checkNonEmptyString(connection.path, 'connection.path');
  else checkHasMethods(connection.instance, 'connection.instance', ['connect'], 'a DuckDBInstance');
  const path = owned ? connection.path : undefined;
  const open = async (): Promise<DuckDBInstance> => {
    if (!owned) return connection.instance;
    try {
      return await DuckDBInstance.create(connection.path, connection.options);
    } catch (error) {
      throw openError(connection.path, error);
    }
  };
  const db = new Kysely<QuantlabSchema>({
    dialect: new DuckDBDialect({ instance: open, ownsInstance: owned }),
  });
  return createSqlBackend({
    db,
    traits: duckdbTraits,
    info: { kind: 'duckdb', description: path ?? 'a caller-supplied DuckDB instance' },
    capabilities: {
      multiProcess: false,
      persistent: path !== undefined && path !== ':memory:' && path !== '',
      bulkInsert: 'appender',
    },
    // Closes the connection quantlab opened, and the instance only when quantlab created it.
    release: () => db.destroy(),
  });
}

function openError(path: string, error: unknown): BackendError {
  const message = error instanceof Error ? error.message : String(error);
  const locked = /Could not set lock on file|Conflicting lock is held/i.test(message);
  const hint = locked
    ? `${path} is open in another process. DuckDB allows one writer process per database file; ` +
      'use SQLite or PostgreSQL for several processes, or close the other one. DuckDB said: '
    : `${path}: `;
  return new BackendError('duckdb', 'open', hint + message, { cause: error });
}
