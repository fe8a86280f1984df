import type { DuckDBConnection } from '@duckdb/node-api';
import type { CompiledQuery, DatabaseConnection, QueryResult } from 'kysely';
import { bindParameters } from './parameters.js';
import { duckdbValueConverter, toQueryResult } from './results.js';

/**
 * Kysely's view of one DuckDB connection: binds the compiled query's parameters with explicit
 * types (see {@link bindParameters}) and converts the result (see {@link duckdbValueConverter}).
 * The driver lends it to one caller at a time.
 *
 * @internal
 */
export class DuckDBDatabaseConnection implements DatabaseConnection {
  readonly #connection: DuckDBConnection;

  constructor(connection: DuckDBConnection) {
    this.#connection = connection;
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
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
    const { values, types } = bindParameters(compiledQuery.parameters);
    const result = await this.#connection.stream(compiledQuery.sql, values, types);
    for await (const rows of result.yieldConvertedRowObjects(duckdbValueConverter)) {
      yield { rows: rows as R[] };
    }
  }
}
