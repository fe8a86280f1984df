import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { DatabaseConnection, Driver, TransactionSettings } from 'kysely';
import { Mutex } from '../../../src/storage/mutex.js';
import { DuckDBDatabaseConnection } from './connection.js';

/** How the driver gets its DuckDB instance, and whether closing it is the driver's job. */
export interface DuckDBDriverConfig {
  /** Returns the instance; called once, by `init()`. */
  readonly instance: () => Promise<DuckDBInstance>;
  /** True when `destroy()` closes the instance too, not only the connection it opened. */
  readonly ownsInstance: boolean;
}

interface Opened {
  readonly instance: DuckDBInstance;
  readonly raw: DuckDBConnection;
  readonly connection: DuckDBDatabaseConnection;
}

/**
 * A Kysely driver over one pinned DuckDB connection. DuckDB runs one statement at a time per
 * connection and keeps transaction state on it, so the connection is lent to one Kysely caller
 * at a time (a query, or a whole transaction) and the others wait their turn, in order.
 * A query made through the outer `Kysely` inside a transaction callback therefore waits for the
 * transaction and never finishes: use the transaction's handle.
 *
 * The connection's session time zone is set to UTC, so a `Date` bound as TIMESTAMP and a
 * TIMESTAMPTZ agree when DuckDB casts one to the other, and `now()::timestamp` is UTC.
 * DuckDB has no savepoints, so neither does this driver. Transactions are begun and ended
 * through the connection's own methods, so that it knows when an append (see `duckdbAppendQuery`)
 * joins the caller's transaction and when it needs one of its own.
 *
 * @internal
 */
export class DuckDBDriver implements Driver {
  readonly #config: DuckDBDriverConfig;
  readonly #mutex = new Mutex();
  #opened: Opened | undefined;

  constructor(config: DuckDBDriverConfig) {
    this.#config = config;
  }

  async init(): Promise<void> {
    const instance = await this.#config.instance();
    let raw: DuckDBConnection | undefined;
    try {
      raw = await instance.connect();
      await raw.run(`SET TimeZone = 'UTC'`);
    } catch (error) {
      raw?.closeSync();
      if (this.#config.ownsInstance) instance.closeSync();
      throw error;
    }
    this.#opened = { instance, raw, connection: new DuckDBDatabaseConnection(raw) };
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.#mutex.lock();
    if (this.#opened === undefined) {
      this.#mutex.unlock();
      throw new Error('the DuckDB driver is not initialised or has been destroyed');
    }
    return this.#opened.connection;
  }

  async beginTransaction(
    connection: DatabaseConnection,
    settings: TransactionSettings,
  ): Promise<void> {
    if (settings.isolationLevel !== undefined) {
      throw new Error(
        `DuckDB does not support choosing an isolation level (got ${settings.isolationLevel})`,
      );
    }
    await own(connection).beginTransaction(settings.accessMode === 'read only');
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await own(connection).commitTransaction();
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await own(connection).rollbackTransaction();
  }

  async releaseConnection(): Promise<void> {
    this.#mutex.unlock();
  }

  /**
   * Waits for the connection to be free, then closes it, and the instance too when the driver
   * owns it. A caller-supplied instance stays open and usable.
   */
  async destroy(): Promise<void> {
    if (this.#opened === undefined) return;
    await this.#mutex.lock();
    const opened = this.#opened;
    this.#opened = undefined;
    try {
      opened?.raw.closeSync();
      if (this.#config.ownsInstance) opened?.instance.closeSync();
    } finally {
      this.#mutex.unlock();
    }
  }
}

/** The driver only ever lends its own connection; transactions are begun and ended through it. */
function own(connection: DatabaseConnection): DuckDBDatabaseConnection {
  if (connection instanceof DuckDBDatabaseConnection) return connection;
  throw new TypeError('the DuckDB driver was handed a connection it did not lend');
}
