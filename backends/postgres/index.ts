import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { StorageBackend } from '../../src/storage/backend.js';
import {
  checkConnectionShape,
  checkHasMethods,
  checkNonEmptyString,
  checkWholeNumber,
} from '../../src/storage/options.js';
import { createSqlBackend } from '../../src/storage/sql/backend.js';
import type { QuantlabSchema } from '../../src/storage/sql/schema.js';
import { postgresTraits } from './traits.js';

/** Where the PostgreSQL database is: a connection string quantlab opens a pool for, or a pool the caller owns. */
export type PostgresConnection =
  | {
      /** `postgres://user@host:5432/db`. */
      connectionString: string;
      /** Most connections in quantlab's pool (default 10). */
      max?: number;
      /**
       * How long to wait for a connection, in milliseconds, before the operation fails with a
       * `BackendError` (pg's `connectionTimeoutMillis`). Default 0: no limit, so a host that
       * never answers waits for the operating system's TCP timeout.
       */
      connectTimeoutMs?: number;
    }
  | {
      /** A pg Pool the caller created; quantlab never ends it. */
      pool: pg.Pool;
    };

/** Options of the PostgreSQL backend. */
export interface PostgresOptions {
  /**
   * Schema holding quantlab's tables (created by the migrations when missing). Default: the
   * connection's search path, usually `public`. Table names start with `quantlab_` either way.
   */
  schema?: string;
}

/**
 * The scale-out backend: many bots on many machines share one PostgreSQL database. Invariants
 * live in the database (unique keys, transactions, advisory locks), never only in process memory.
 * quantlab installs no global pg type parsers; it decodes values itself.
 *
 * @example
 * ```ts
 * import { createLab } from 'quantlab';
 * import { postgres } from 'quantlab/postgres';
 *
 * const lab = await createLab(postgres({ connectionString: process.env.DATABASE_URL! }, { schema: 'quantlab' }));
 * ```
 */
export function postgres(
  connection: PostgresConnection,
  options: PostgresOptions = {},
): StorageBackend {
  checkConnectionShape(connection, 'connection', ['connectionString', 'pool']);
  const { schema } = options;
  if (schema !== undefined) checkNonEmptyString(schema, 'options.schema');
  const owned = 'connectionString' in connection;
  if (owned) {
    checkNonEmptyString(connection.connectionString, 'connection.connectionString');
    if (connection.max !== undefined) checkWholeNumber(connection.max, 'connection.max', 1);
    if (connection.connectTimeoutMs !== undefined) {
      checkWholeNumber(connection.connectTimeoutMs, 'connection.connectTimeoutMs', 0);
    }
  } else {
    checkHasMethods(connection.pool, 'connection.pool', ['connect', 'query', 'end'], 'a pg Pool');
  }
  const pool = owned
    ? new pg.Pool({
        connectionString: connection.connectionString,
        max: connection.max ?? 10,
        connectionTimeoutMillis: connection.connectTimeoutMs ?? 0,
      })
    : connection.pool;
  if (owned) {
    // An idle client's error (the server restarted) must not crash the host process; the next
    // query reconnects and reports through the operation that failed.
    pool.on('error', () => {});
  }
  const base = new Kysely<QuantlabSchema>({ dialect: new PostgresDialect({ pool }) });
  const db = schema === undefined ? base : base.withSchema(schema);
  return createSqlBackend({
    db,
    traits: postgresTraits(schema),
    info: { kind: 'postgres', description: describe(connection, schema) },
    capabilities: { multiProcess: true, persistent: true, bulkInsert: 'multi-row' },
    // Kysely's destroy() ends the pool: only for a pool quantlab created.
    release: () => (owned ? base.destroy() : Promise.resolve()),
  });
}

function describe(connection: PostgresConnection, schema: string | undefined): string {
  let where = 'a caller-supplied pool';
  if ('connectionString' in connection) {
    try {
      const url = new URL(connection.connectionString);
      where = `${url.hostname || 'localhost'}:${url.port || 5432}${url.pathname}`;
    } catch {
      where = 'the configured server';
    }
  }
  return schema === undefined ? where : `${where} (schema ${schema})`;
}
