import type { Kysely } from 'kysely';
import type { JsonValue } from '../records.js';
import type {
  AbOutcomesTable,
  AbPredictionsTable,
  MetricsTable,
  QuantlabSchema,
} from './schema.js';

/**
 * Everything that differs between the SQL dialects quantlab runs on, in one object, so the
 * queries in `sql/` are written once. A backend module (sqlite, postgres, duckdb) supplies its
 * traits; `src/` never imports a driver.
 *
 * @internal
 */
export interface DialectTraits {
  /** Backend kind, used in error messages. */
  readonly kind: string;
  /** Column types used by the migrations. */
  readonly types: ColumnTypes;
  /** Most bind parameters one statement may carry; bulk inserts are chunked to stay below it. */
  readonly maxParameters: number;
  /**
   * Whether the dialect has partial indexes (`CREATE UNIQUE INDEX ... WHERE ...`; PostgreSQL and
   * SQLite do, DuckDB does not). Where it does, the schema itself keeps rules such as "one
   * production version per model"; elsewhere only the facade's transaction does.
   */
  readonly partialIndexes: boolean;
  /**
   * One connection serves every statement, one transaction at a time (DuckDB), so a read and an
   * insert in one transaction cannot race another writer: inserts may skip `ON CONFLICT`, which
   * DuckDB makes very slow for large BLOB rows (about 10x for 50 MB).
   */
  readonly singleWriter?: boolean;
  encodeDate(value: Date): unknown;
  decodeDate(value: unknown): Date;
  encodeJson(value: JsonValue): unknown;
  decodeJson(value: unknown): JsonValue;
  encodeBoolean(value: boolean): unknown;
  decodeBoolean(value: unknown): boolean;
  encodeBytes(value: Uint8Array): unknown;
  decodeBytes(value: unknown): Uint8Array;
  /** True when `error` is the driver's unique or primary key violation. */
  isUniqueViolation(error: unknown): boolean;
  /**
   * Called first inside the migration transaction: takes a lock, held until that transaction
   * ends, that keeps other processes from migrating at the same time (PostgreSQL: an advisory
   * transaction lock; SQLite: nothing, its write transactions begin IMMEDIATE and so already
   * exclude each other; DuckDB: nothing, one process owns the file), and creates anything the
   * tables live in (a PostgreSQL schema).
   */
  lockMigrations(trx: Kysely<QuantlabSchema>): Promise<void>;
  /**
   * Called first inside a transaction opened with `{ lock: name }`: takes a lock of that name
   * held until the transaction ends (PostgreSQL: an advisory transaction lock; SQLite and DuckDB:
   * nothing, their write transactions already exclude each other).
   */
  lockTransaction(trx: Kysely<QuantlabSchema>, name: string): Promise<void>;
  /**
   * SQL type to sum doubles in when the dialect raises an error on floating-point overflow
   * instead of returning infinity (PostgreSQL: `numeric`, so a sum of squares of values above
   * 1e154 comes back as a huge number that decodes to Infinity). Values pass through text on the
   * way (PostgreSQL prints doubles in their shortest exact form; a direct cast keeps only 15
   * digits), so the sum is exact before its final rounding. Undefined: sum as doubles.
   */
  readonly overflowSafeSumType?: string;
  /**
   * Optional fast path for appending encoded metric rows on `db` (the backend's connection or
   * the current transaction), used by `metrics.append` instead of multi-row INSERTs when present
   * (DuckDB: its appender). It must be all-or-nothing like the INSERT path it replaces.
   */
  appendMetricRows?(db: Kysely<QuantlabSchema>, rows: readonly MetricsTable[]): Promise<void>;
  /**
   * Optional fast path for appending encoded prediction rows (`abTests.appendPredictions`), like
   * {@link appendMetricRows}: all or nothing, and a duplicate id fails it with the dialect's
   * unique violation. Called inside a transaction.
   */
  appendPredictionRows?(
    db: Kysely<QuantlabSchema>,
    rows: readonly AbPredictionsTable[],
  ): Promise<void>;
  /**
   * Optional fast path for `abTests.appendOutcomes`: inserts the rows (whose keys are distinct)
   * except those whose (prediction_id, variant) is stored already, and returns the indexes of the
   * rows it skipped. Called inside a transaction. Without it the store sends multi-row
   * `INSERT ... ON CONFLICT DO NOTHING RETURNING` statements.
   */
  insertNewOutcomeRows?(
    db: Kysely<QuantlabSchema>,
    rows: readonly AbOutcomesTable[],
  ): Promise<number[]>;
  /**
   * Optional fast path for `abTests.appendOutcomes(rows, { assumeNew: true })`: appends the rows
   * without looking for stored keys; a stored key fails it with a unique violation.
   */
  appendOutcomeRows?(db: Kysely<QuantlabSchema>, rows: readonly AbOutcomesTable[]): Promise<void>;
}

/** SQL type names for the kinds of column quantlab stores. */
export interface ColumnTypes {
  readonly text: string;
  readonly integer: string;
  readonly bigint: string;
  readonly double: string;
  readonly timestamp: string;
  readonly json: string;
  readonly blob: string;
  readonly boolean: string;
}

/**
 * Decodes a numeric column or aggregate that a driver may return as number, bigint (DuckDB's
 * BIGINT, COUNT) or string (pg's int8 and numeric).
 */
export function decodeNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint' || typeof value === 'string') return Number(value);
  throw new TypeError(`expected a numeric column value, got ${typeof value}`);
}

/** Decodes a JSON column that a driver returns either parsed or as text. */
export function decodeJsonText(value: unknown): JsonValue {
  return (typeof value === 'string' ? JSON.parse(value) : value) as JsonValue;
}

/** Decodes a timestamp column that a driver returns as a Date, an ISO string or epoch millis. */
export function decodeDateValue(value: unknown): Date {
  if (value instanceof Date) return value;
  if (typeof value === 'number' || typeof value === 'bigint') return new Date(Number(value));
  if (typeof value === 'string') return new Date(value);
  throw new TypeError(`expected a timestamp column value, got ${typeof value}`);
}
