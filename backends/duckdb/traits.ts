import type { MetricsTable } from '../../src/storage/sql/schema.js';
import type { DialectTraits } from '../../src/storage/sql/traits.js';
import { decodeDateValue, decodeJsonText } from '../../src/storage/sql/traits.js';
import { type DuckDBAppendColumn, duckdbAppendQuery } from './dialect/index.js';

/**
 * DuckDB's messages for a duplicate key (it sets no code on the error, only the message). The
 * first form is for a clash with a committed row and names the column and the kind of
 * constraint; the second for a clash with the transaction's own uncommitted rows, a multi-row
 * INSERT that repeats a key included.
 */
const UNIQUE_VIOLATIONS = [
  /^Constraint Error: Duplicate key .* violates (?:primary key|unique) constraint/s,
  /^Constraint Error: PRIMARY KEY or UNIQUE constraint violation: duplicate key/,
];

/** `quantlab_metrics` as the appender fills it: every column, in the table's order. */
const METRIC_COLUMNS: readonly DuckDBAppendColumn<MetricsTable>[] = [
  { name: 'experiment_id', type: 'varchar' },
  { name: 'name', type: 'varchar' },
  { name: 'step', type: 'bigint' },
  { name: 'value', type: 'double' },
  { name: 'at', type: 'timestamp' },
];

/**
 * DuckDB: VARCHAR (bytewise order by default, like the other backends), TIMESTAMP holding UTC
 * (the driver binds a `Date` as its UTC instant and returns TIMESTAMP as a `Date`), JSON (the
 * json extension is statically linked into `@duckdb/node-api`, so nothing is downloaded) and
 * BLOB.
 *
 * @internal
 */
export const duckdbTraits: DialectTraits = {
  kind: 'duckdb',
  types: {
    text: 'VARCHAR',
    integer: 'INTEGER',
    bigint: 'BIGINT',
    double: 'DOUBLE',
    timestamp: 'TIMESTAMP',
    json: 'JSON',
    blob: 'BLOB',
    boolean: 'BOOLEAN',
  },
  // DuckDB sets no limit on bind parameters (300,000 in one INSERT works). Binding costs the
  // node-api about 11 µs a parameter however many there are, so this only bounds how long one
  // bulk INSERT holds the connection: about a third of a second.
  maxParameters: 30_000,
  // DuckDB has no partial indexes (CREATE INDEX ... WHERE is refused).
  partialIndexes: false,
  singleWriter: true,
  encodeDate: (value) => value,
  decodeDate: decodeDateValue,
  // Text, cast to JSON by the column; DuckDB returns JSON columns as text again.
  encodeJson: (value) => JSON.stringify(value),
  decodeJson: decodeJsonText,
  encodeBoolean: (value) => value,
  decodeBoolean: (value) => value === true,
  encodeBytes: (value) => value,
  decodeBytes: (value) => {
    if (value instanceof Uint8Array) return value;
    throw new TypeError(`expected a BLOB column value, got ${typeof value}`);
  },
  isUniqueViolation: (error) =>
    error instanceof Error && UNIQUE_VIOLATIONS.some((pattern) => pattern.test(error.message)),
  // One process at a time opens a DuckDB file for writing (DuckDB holds a file lock), and the
  // dialect runs the migration transaction on its only connection: there is nothing to lock.
  lockMigrations: async () => {},
  // Write transactions already run one at a time (see lockMigrations): nothing to add.
  lockTransaction: async () => {},
  // DuckDB's appender, some 30 times faster than a multi-row INSERT here. The dialect's
  // connection serves the query on the connection of `db`, so the rows join the caller's
  // transaction or get one of their own (see duckdbAppendQuery and appendRows).
  appendMetricRows: async (db, rows) => {
    await db.executeQuery(duckdbAppendQuery({ table: 'quantlab_metrics' }, METRIC_COLUMNS, rows));
  },
};
