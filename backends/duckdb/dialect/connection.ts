import type { DuckDBConnection } from '@duckdb/node-api';
import {
  AbortedTransactionError,
  type CompiledQuery,
  type DatabaseConnection,
  type QueryResult,
} from 'kysely';
import { appendRows, DuckDBAppendRequest, type DuckDBTransactionState } from './append.js';
import { bindParameters } from './parameters.js';
import { duckdbValueConverter, toQueryResult } from './results.js';

/**
 * Kysely's view of one DuckDB connection: binds the compiled query's parameters with explicit
 * types (see {@link bindParameters}) and converts the result (see {@link duckdbValueConverter}).
 * The driver lends it to one caller at a time.
 *
 * A query built by `duckdbAppendQuery` (its one parameter is a {@link DuckDBAppendRequest}) is
 * not sent as SQL: its rows go through DuckDB's appender on this connection (see
 * {@link appendRows}). Because Kysely routes it like any other query, it runs on the connection
 * of the caller's transaction when there is one, under the driver's mutex. The connection knows
 * whether a transaction is open because the driver begins and ends them through
 * {@link beginTransaction}, {@link commitTransaction} and {@link rollbackTransaction}; a
 * transaction opened with raw `BEGIN` SQL is not seen, and an append inside it fails (DuckDB
 * refuses a nested BEGIN) and aborts it.
 *
 * @internal
 */
export class DuckDBDatabaseConnection implements DatabaseConnection {
  readonly #connection: DuckDBConnection;
  #transaction: DuckDBTransactionState | undefined;

  constructor(connection: DuckDBConnection) {
    this.#connection = connection;
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const append = DuckDBAppendRequest.of(compiledQuery);
    if (append !== undefined) {
      const appended = await appendRows(this.#connection, append, this.#transaction);
      return { rows: [], numAffectedRows: BigInt(appended) };
    }
    const { values, types } = bindParameters(compiledQuery.parameters);
    const reader = await this.#connection.runAndReadAll(compiledQuery.sql, values, types);
    return toQueryResult<R>(reader);
  }

  /**
   * Streams the rows of a query one DuckDB data chunk (up to 2048 rows) at a time; `chunkSize`
   * is ignored. Starting another query on this connection ends the stream, which cannot happen
   * while Kysely holds the connection for it.
   */
  async *streamQuery<R>(compiledQuery: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    if (DuckDBAppendRequest.of(compiledQuery) !== undefined) {
      throw new TypeError('an append returns no rows to stream: run it with executeQuery');
    }
    const { values, types } = bindParameters(compiledQuery.parameters);
    const result = await this.#connection.stream(compiledQuery.sql, values, types);
    for await (const rows of result.yieldConvertedRowObjects(duckdbValueConverter)) {
      yield { rows: rows as R[] };
    }
  }

  /** Begins a transaction (read-only when asked); appends then join it. */
  async beginTransaction(readOnly: boolean): Promise<void> {
    await this.#connection.run(readOnly ? 'BEGIN TRANSACTION READ ONLY' : 'BEGIN TRANSACTION');
    this.#transaction = { aborted: false };
  }

  /**
   * Commits the transaction. When an append failed midway in it, the transaction is rolled back
   * instead (DuckDB would do so silently) and Kysely's `AbortedTransactionError` is thrown.
   */
  async commitTransaction(): Promise<void> {
    const aborted = this.#transaction?.aborted === true;
    try {
      await this.#connection.run(aborted ? 'ROLLBACK' : 'COMMIT');
    } finally {
      this.#transaction = undefined;
    }
    if (aborted) throw new AbortedTransactionError();
  }

  /**
   * Rolls the transaction back. When none is open any more (Kysely rolls back after a COMMIT
   * that failed, and DuckDB has already ended that transaction) it does nothing, so the COMMIT's
   * own error is what the caller sees, not "cannot rollback - no transaction is active".
   */
  async rollbackTransaction(): Promise<void> {
    if (this.#transaction === undefined) return;
    try {
      await this.#connection.run('ROLLBACK');
    } finally {
      this.#transaction = undefined;
    }
  }
}
