import type Database from 'better-sqlite3';
import { CompiledQuery, type DatabaseConnection, type QueryResult } from 'kysely';

/** Most prepared statements one connection keeps. */
const STATEMENT_CACHE_SIZE = 256;

/**
 * A request to insert many rows through one prepared single-row INSERT (see
 * {@link sqliteBulkInsertQuery}). Carried as the only parameter of a marker query.
 *
 * @internal
 */
export class SqliteBulkInsert {
  constructor(
    readonly sql: string,
    readonly columns: readonly string[],
    readonly rows: readonly object[],
    /** Rows whose key exists are skipped (`ON CONFLICT DO NOTHING`) and reported, not refused. */
    readonly skipConflicts = false,
  ) {}
}

/** Options of {@link sqliteBulkInsertQuery}. @internal */
export interface SqliteBulkInsertOptions {
  /**
   * Skip a row whose primary or unique key is stored already (`ON CONFLICT DO NOTHING`) instead
   * of failing: the query's result then has one row `{ index }` per skipped row, in order.
   */
  readonly skipConflicts?: boolean;
}

/**
 * A query that inserts `rows` into `table` by running one cached, prepared single-row INSERT per
 * row inside a savepoint (all or nothing, inside the caller's transaction or one of its own).
 * That is what better-sqlite3 does fastest: no statement of thousands of parameters to build,
 * parse and plan per batch.
 *
 * @example
 * ```ts
 * await db.executeQuery(sqliteBulkInsertQuery('quantlab_metrics', ['experiment_id', 'name'], rows));
 * ```
 * @internal
 */
export function sqliteBulkInsertQuery<Row extends object>(
  table: string,
  columns: readonly (keyof Row & string)[],
  rows: readonly Row[],
  options: SqliteBulkInsertOptions = {},
): CompiledQuery {
  const skipConflicts = options.skipConflicts === true;
  const quoted = columns.map((c) => `"${c.replaceAll('"', '""')}"`).join(', ');
  const sql =
    `insert into "${table.replaceAll('"', '""')}" (${quoted}) values (${columns.map(() => '?').join(', ')})` +
    (skipConflicts ? ' on conflict do nothing' : '');
  return CompiledQuery.raw(`${sql} /* ${rows.length} rows, bulk */`, [
    new SqliteBulkInsert(sql, columns, rows, skipConflicts),
  ]);
}

/**
 * Kysely's SQLite connection with prepared statements cached by SQL text (Kysely's own prepares
 * every statement on every call) and the bulk insert path above.
 *
 * @internal
 */
export class CachingSqliteConnection implements DatabaseConnection {
  readonly #db: Database.Database;
  readonly #statements = new Map<string, Database.Statement>();

  constructor(db: Database.Database) {
    this.#db = db;
  }

  executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const [first] = compiledQuery.parameters;
    if (first instanceof SqliteBulkInsert) return Promise.resolve(this.#bulkInsert(first));
    const statement = this.#prepare(compiledQuery.sql);
    const parameters = compiledQuery.parameters as unknown[];
    if (statement.reader) {
      return Promise.resolve({ rows: statement.all(parameters) as R[] });
    }
    const { changes, lastInsertRowid } = statement.run(parameters);
    return Promise.resolve({
      numAffectedRows: BigInt(changes),
      insertId: BigInt(lastInsertRowid),
      rows: [],
    });
  }

  async *streamQuery<R>(compiledQuery: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    const statement = this.#prepare(compiledQuery.sql);
    for (const row of statement.iterate(compiledQuery.parameters as unknown[])) {
      yield { rows: [row as R] };
    }
  }

  #prepare(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.#db.prepare(sql);
      if (this.#statements.size >= STATEMENT_CACHE_SIZE) {
        const oldest = this.#statements.keys().next().value;
        if (oldest !== undefined) this.#statements.delete(oldest);
      }
    } else {
      // Refresh its place: the map's order is the eviction order.
      this.#statements.delete(sql);
    }
    this.#statements.set(sql, statement);
    return statement;
  }

  #bulkInsert<R>(request: SqliteBulkInsert): QueryResult<R> {
    const statement = this.#prepare(request.sql);
    const { columns, rows, skipConflicts } = request;
    const values: unknown[] = new Array(columns.length);
    const skipped: { index: number }[] = [];
    const insertAll = () => {
      for (let index = 0; index < rows.length; index++) {
        const record = rows[index] as Readonly<Record<string, unknown>>;
        for (let i = 0; i < columns.length; i++) values[i] = record[columns[i] as string];
        const { changes } = statement.run(values);
        if (skipConflicts && changes === 0) skipped.push({ index });
      }
    };
    // A savepoint inside the caller's transaction, or an IMMEDIATE transaction of its own.
    const transaction = this.#db.transaction(insertAll);
    if (this.#db.inTransaction) transaction();
    else transaction.immediate();
    return { numAffectedRows: BigInt(rows.length - skipped.length), rows: skipped as R[] };
  }
}
