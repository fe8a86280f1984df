import { sql } from 'kysely';
import { outcomeKey } from '../../src/storage/ab-deltas.js';
import type {
  AbOutcomesTable,
  AbPredictionsTable,
  MetricsTable,
} from '../../src/storage/sql/schema.js';
import type { DialectTraits } from '../../src/storage/sql/traits.js';
import { decodeDateValue, decodeJsonText } from '../../src/storage/sql/traits.js';
import { type DuckDBAppendColumn, duckdbAppendQuery } from './dialect/index.js';

/**
 * DuckDB's messages for a duplicate key (it sets no code on the error, only the message). The
 * first form is for a clash with a committed row and names the column and the kind of
 * constraint; the second for a clash with the transaction's own uncommitted rows, a multi-row
 * INSERT that repeats a key included. An INSERT says `Constraint Error:` first; the appender
 * says `Failed to append:`.
 */
const UNIQUE_VIOLATIONS = [
  /^(?:Constraint Error|Failed to append): Duplicate key .* violates (?:primary key|unique) constraint/s,
  /^(?:Constraint Error|Failed to append): PRIMARY KEY or UNIQUE constraint violation: duplicate key/,
];

/** `quantlab_metrics` as the appender fills it: every column, in the table's order. */
const METRIC_COLUMNS: readonly DuckDBAppendColumn<MetricsTable>[] = [
  { name: 'experiment_id', type: 'varchar' },
  { name: 'name', type: 'varchar' },
  { name: 'step', type: 'bigint' },
  { name: 'value', type: 'double' },
  { name: 'at', type: 'timestamp' },
];

/** `quantlab_ab_predictions` as the appender fills it (JSON columns take JSON text). */
const PREDICTION_COLUMNS: readonly DuckDBAppendColumn<AbPredictionsTable>[] = [
  { name: 'id', type: 'varchar' },
  { name: 'test_id', type: 'varchar' },
  { name: 'variant', type: 'varchar' },
  { name: 'unit', type: 'varchar', nullable: true },
  { name: 'features', type: 'varchar', nullable: true },
  { name: 'prediction', type: 'double' },
  { name: 'confidence', type: 'double', nullable: true },
  { name: 'shadow', type: 'varchar', nullable: true },
  { name: 'created_at', type: 'timestamp' },
];

/** `quantlab_ab_outcomes` (and its staging copy) as the appender fills it. */
const OUTCOME_COLUMNS: readonly DuckDBAppendColumn<AbOutcomesTable>[] = [
  { name: 'prediction_id', type: 'varchar' },
  { name: 'variant', type: 'varchar' },
  { name: 'test_id', type: 'varchar' },
  { name: 'actual', type: 'double' },
  { name: 'metric_values', type: 'varchar' },
  { name: 'created_at', type: 'timestamp' },
];

/**
 * A temporary table of the connection, shaped like `quantlab_ab_outcomes` but without its key,
 * that outcome batches pass through (see `insertNewOutcomeRows`).
 */
const OUTCOME_STAGING = 'quantlab_ab_outcomes_staging';

/** What creating an appender on a table that does not exist throws. */
const MISSING_TABLE = /Table ".*" could not be found/;

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
  // The appender again; a duplicate id fails the append with DuckDB's duplicate-key error.
  appendPredictionRows: async (db, rows) => {
    await db.executeQuery(
      duckdbAppendQuery({ table: 'quantlab_ab_predictions' }, PREDICTION_COLUMNS, rows),
    );
  },
  // The caller vouches the keys are new (see AbTestStore.appendOutcomes): the appender straight
  // into the table, whose key still refuses a stored outcome (a unique violation).
  appendOutcomeRows: async (db, rows) => {
    await db.executeQuery(
      duckdbAppendQuery({ table: 'quantlab_ab_outcomes' }, OUTCOME_COLUMNS, rows),
    );
  },
  // The appender cannot skip a row whose key exists, and looking the keys up first scans the
  // table (DuckDB's composite key index serves no IN-list lookup). So the rows are appended to a
  // keyless temporary table of the connection and moved with one INSERT ... SELECT ... ON
  // CONFLICT DO NOTHING, which probes the key index row by row: about three times the time of a
  // bare append, and independent of the table's size. It all runs in the caller's transaction
  // and leaves the staging table empty. The staging table is created when an append finds it
  // missing (first use on a connection, or after the transaction that created it rolled back):
  // a failure before the first row leaves the transaction usable (see appendRows).
  insertNewOutcomeRows: async (db, rows) => {
    const stage = () =>
      db.executeQuery(
        duckdbAppendQuery(
          { catalog: 'temp', schema: 'main', table: OUTCOME_STAGING },
          OUTCOME_COLUMNS,
          rows,
        ),
      );
    try {
      await stage();
    } catch (error) {
      if (!(error instanceof Error && MISSING_TABLE.test(error.message))) throw error;
      await sql`create temp table if not exists ${sql.id(OUTCOME_STAGING)} as select * from quantlab_ab_outcomes limit 0`.execute(
        db,
      );
      await stage();
    }
    const staging = sql.id('temp', 'main', OUTCOME_STAGING);
    const inserted = await sql<{ prediction_id: string; variant: string }>`
      insert into quantlab_ab_outcomes select * from ${staging}
      on conflict do nothing returning prediction_id, variant`.execute(db);
    await sql`delete from ${staging}`.execute(db);
    if (inserted.rows.length === rows.length) return [];
    const stored = new Set(inserted.rows.map((row) => outcomeKey(row.prediction_id, row.variant)));
    const skipped: number[] = [];
    rows.forEach((row, index) => {
      if (!stored.has(outcomeKey(row.prediction_id, row.variant))) skipped.push(index);
    });
    return skipped;
  },
};
