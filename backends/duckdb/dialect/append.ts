import {
  BIGINT,
  DOUBLE,
  type DuckDBAppender,
  type DuckDBConnection,
  DuckDBDataChunk,
  type DuckDBType,
  type DuckDBValue,
  DuckDBVector,
  TIMESTAMP,
  timestampValue,
  VARCHAR,
} from '@duckdb/node-api';
import { CompiledQuery } from 'kysely';

/**
 * The column types {@link duckdbAppendQuery} writes, and the JS values each takes:
 *
 * - `varchar`: a string
 * - `bigint`: a safe integer `number`, or a `bigint` that fits 64 bits
 * - `double`: a `number`
 * - `timestamp`: a valid `Date`, stored as its UTC instant (microseconds = milliseconds × 1000)
 *
 * NULL (`null` or `undefined`) is accepted only in a column declared `nullable`. A `varchar`
 * column also fills a JSON column (DuckDB's JSON is a VARCHAR underneath) with JSON text.
 */
export type DuckDBAppendType = 'varchar' | 'bigint' | 'double' | 'timestamp';

/** One column of an append, in the table's column order: the row property and its type. */
export interface DuckDBAppendColumn<Row> {
  readonly name: keyof Row & string;
  readonly type: DuckDBAppendType;
  /** Whether the column takes NULL (`null` or `undefined`); refused otherwise. */
  readonly nullable?: boolean;
}

/**
 * The table an append writes to; without `schema`, DuckDB's default schema (`main`); with
 * `catalog: 'temp'`, a temporary table of the connection.
 */
export interface DuckDBAppendTarget {
  readonly table: string;
  readonly schema?: string;
  readonly catalog?: string;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

const TYPES: Readonly<Record<DuckDBAppendType, DuckDBType>> = {
  varchar: VARCHAR,
  bigint: BIGINT,
  double: DOUBLE,
  timestamp: TIMESTAMP,
};

/** Checks one value for its column and returns what the column's vector takes, or throws. */
type Converter = (value: unknown) => DuckDBValue;

function refuse(value: unknown, type: DuckDBAppendType): never {
  const kind = value === null ? 'null' : typeof value;
  throw new TypeError(`cannot append a ${kind} value ${String(value)} to a ${type} column`);
}

const CONVERTERS: Readonly<Record<DuckDBAppendType, Converter>> = {
  varchar: (value) => (typeof value === 'string' ? value : refuse(value, 'varchar')),
  bigint: (value) => {
    if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
    if (typeof value === 'bigint' && value >= INT64_MIN && value <= INT64_MAX) return value;
    return refuse(value, 'bigint');
  },
  double: (value) => (typeof value === 'number' ? value : refuse(value, 'double')),
  timestamp: (value) => {
    const millis = value instanceof Date ? value.getTime() : Number.NaN;
    if (Number.isNaN(millis)) refuse(value, 'timestamp');
    return timestampValue(BigInt(millis) * 1000n);
  },
};

/** What the connection knows of the transaction it has open. @internal */
export interface DuckDBTransactionState {
  /** Set when an append failed midway and aborted the transaction: it can only roll back. */
  aborted: boolean;
}

/**
 * What a {@link duckdbAppendQuery} carries to the connection: the only parameter of its compiled
 * query. No bindable parameter is ever an instance of this class (binding one fails), so an
 * ordinary query is never mistaken for an append.
 *
 * @internal
 */
export class DuckDBAppendRequest {
  constructor(
    readonly target: DuckDBAppendTarget,
    readonly columns: readonly DuckDBAppendColumn<Record<string, unknown>>[],
    readonly rows: readonly object[],
  ) {}

  /** The append request a compiled query carries, or `undefined` for any other query. */
  static of(query: CompiledQuery): DuckDBAppendRequest | undefined {
    const [first] = query.parameters;
    return query.parameters.length === 1 && first instanceof DuckDBAppendRequest
      ? first
      : undefined;
  }
}

/**
 * A compiled query that appends `rows` to a table through DuckDB's appender instead of binding
 * them as INSERT parameters (which `@duckdb/node-api` does at about 11 µs a value; the appender
 * writes a 5-column row in about 2 µs). Run it with `db.executeQuery(query)` on a Kysely, or a
 * transaction, of `DuckDBDialect`: Kysely hands it, like any query, to the connection it
 * routes the caller's queries to, under the driver's mutex, and `DuckDBDatabaseConnection`
 * recognises it by its one parameter, a {@link DuckDBAppendRequest}, and serves it with
 * {@link appendRows}. Its SQL text only describes the append for query logs; it is not valid
 * SQL, so any other dialect refuses it rather than silently doing nothing.
 *
 * The append is all or nothing, and part of the transaction it runs in (see {@link appendRows}).
 * `columns` must list the table's columns in the table's order: the appender fills whole rows by
 * position. The result's `numAffectedRows` is the number of rows appended.
 *
 * @example
 * ```ts
 * await trx.executeQuery(
 *   duckdbAppendQuery({ table: 'points' }, [{ name: 'id', type: 'varchar' }], [{ id: 'a' }]),
 * );
 * ```
 */
export function duckdbAppendQuery<Row extends object>(
  target: DuckDBAppendTarget,
  columns: readonly DuckDBAppendColumn<Row>[],
  rows: readonly Row[],
): CompiledQuery {
  const request = new DuckDBAppendRequest(
    target,
    columns as readonly DuckDBAppendColumn<Record<string, unknown>>[],
    rows,
  );
  const table = [target.catalog, target.schema, target.table]
    .filter((part) => part !== undefined)
    .map(quote);
  const names = columns.map((column) => quote(column.name)).join(', ');
  return CompiledQuery.raw(
    `APPEND INTO ${table.join('.')} (${names}) /* ${rows.length} rows, DuckDB appender */`,
    [request],
  );
}

function quote(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}

/**
 * Appends a request's rows on `connection` with one DuckDB appender, all or nothing:
 *
 * 1. every value is checked against its column's type while the rows are converted to DuckDB
 *    data chunks, and the table's column count and types against the request's, so a bad value
 *    or layout fails before anything is written;
 * 2. outside a transaction, rows that fill more than one data chunk (2048 rows) are appended in
 *    a transaction of their own (BEGIN ... COMMIT): the appender flushes on its own every
 *    204,800 rows, each flush committing by itself, which would leave part of a large append
 *    behind a failure. One chunk is appended, and so flushed, whole, and a flush is atomic
 *    (DuckDB runs it in one transaction), so a batch that fits a chunk skips BEGIN and COMMIT,
 *    which cost as much as appending the rows;
 * 3. inside a transaction the rows become part of it, as INSERTed rows would: visible to its own
 *    reads at once, kept by COMMIT, discarded by ROLLBACK (DuckDB's appender writes into the
 *    connection's current transaction);
 * 4. on a failure once rows were handed to the appender, the appender's buffer is cleared and
 *    then it is closed (closing flushes), and the transaction is ended: ours is rolled back, and
 *    the caller's is aborted with DuckDB's own mechanism (a failing statement), because rows the
 *    appender already flushed cannot be taken back without savepoints, which DuckDB lacks. From
 *    then on DuckDB refuses every statement of that transaction but ROLLBACK, and a COMMIT
 *    discards it, exactly as after a failed INSERT; `transaction.aborted` is set, so that the
 *    connection turns the caller's COMMIT into a ROLLBACK and says so. A failure before the
 *    first row (a missing table, a wrong layout, a bad value) leaves the caller's transaction
 *    usable.
 *
 * @param transaction the caller's open transaction, or `undefined` outside one.
 * @returns the number of rows appended.
 * @throws TypeError for a value its column does not accept; Error for a layout mismatch; the
 *   driver's error for anything else.
 * @internal
 */
export async function appendRows(
  connection: DuckDBConnection,
  request: DuckDBAppendRequest,
  transaction: DuckDBTransactionState | undefined,
): Promise<number> {
  const { target, rows } = request;
  const chunks = toDataChunks(request);
  if (rows.length === 0) return 0;
  const inTransaction = transaction !== undefined;
  // One chunk is flushed once, in one transaction of DuckDB's: no need for one of our own.
  const ownTransaction = !inTransaction && chunks.length > 1;
  if (ownTransaction) await connection.run('BEGIN TRANSACTION');
  let appender: DuckDBAppender | undefined;
  let started = false;
  try {
    appender = await connection.createAppender(
      target.table,
      target.schema ?? null,
      target.catalog ?? null,
    );
    checkLayout(appender, request);
    started = true;
    for (const chunk of chunks) appender.appendDataChunk(chunk);
    const open = appender;
    appender = undefined;
    open.closeSync();
    if (ownTransaction) await connection.run('COMMIT');
    return rows.length;
  } catch (error) {
    if (appender !== undefined) discard(appender);
    if (ownTransaction) await ignoreFailure(connection.run('ROLLBACK'));
    else if (inTransaction && started) {
      transaction.aborted = true;
      await ignoreFailure(connection.run(ABORT_TRANSACTION));
    }
    throw error;
  }
}

// DuckDB aborts the current transaction when a statement in it fails at run time.
const ABORT_TRANSACTION =
  "SELECT error('an append through the DuckDB appender failed midway: transaction aborted')";

/** Drops what the appender still buffers, then closes it, so that nothing more is flushed. */
function discard(appender: DuckDBAppender): void {
  try {
    appender.clear();
  } catch {
    // Closing below is all that is left to do.
  }
  try {
    appender.closeSync();
  } catch {
    // An appender that fails to close has nothing left to flush after clear().
  }
}

async function ignoreFailure(promise: Promise<unknown>): Promise<void> {
  try {
    await promise;
  } catch {
    // Expected: ROLLBACK after a failed COMMIT, or the deliberate error that aborts.
  }
}

/**
 * Converts the rows to DuckDB data chunks of up to 2048 rows (DuckDB's vector size), column by
 * column: the fixed-width columns are written to typed arrays and copied in one call per chunk,
 * where the appender's row-by-row API makes a native call per value. Every value is checked on
 * the way, so a bad one fails before anything is written.
 */
function toDataChunks(request: DuckDBAppendRequest): DuckDBDataChunk[] {
  const { columns } = request;
  const rows = request.rows as readonly Record<string, unknown>[];
  const types = columns.map((column) => TYPES[column.type]);
  const size = DuckDBVector.standardSize();
  const chunks: DuckDBDataChunk[] = [];
  for (let first = 0; first < rows.length; first += size) {
    const count = Math.min(size, rows.length - first);
    const chunk = DuckDBDataChunk.create(types, count);
    columns.forEach(({ name, type, nullable }, index) => {
      const vector = chunk.getColumnVector(index);
      const convert = CONVERTERS[type];
      let i = 0;
      try {
        for (; i < count; i++) {
          const value = rows[first + i]![name];
          vector.setItem(i, nullable === true && value == null ? null : convert(value));
        }
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        throw new TypeError(`row ${first + i}, column ${name}: ${message}`, { cause: error });
      }
      vector.flush();
    });
    chunks.push(chunk);
  }
  return chunks;
}

function checkLayout(appender: DuckDBAppender, request: DuckDBAppendRequest): void {
  const { target, columns } = request;
  const expected = columns.map((column) => `${column.name} ${column.type.toUpperCase()}`);
  const actual = Array.from({ length: appender.columnCount }, (_, i) => appender.columnType(i));
  const matches =
    actual.length === columns.length &&
    actual.every((type, i) => type.typeId === TYPES[columns[i]!.type].typeId);
  if (!matches) {
    throw new Error(
      `cannot append to ${target.table}: its columns are (${actual.join(', ')}), ` +
        `the append expects (${expected.join(', ')})`,
    );
  }
}
