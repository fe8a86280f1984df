import type { DialectTraits } from '../../src/storage/sql/traits.js';
import { decodeDateValue, decodeJsonText } from '../../src/storage/sql/traits.js';
import { sqliteBulkInsertQuery } from './connection.js';

const METRIC_COLUMNS = ['experiment_id', 'name', 'step', 'value', 'at'] as const;
const PREDICTION_COLUMNS = [
  'id',
  'test_id',
  'variant',
  'unit',
  'features',
  'prediction',
  'confidence',
  'shadow',
  'created_at',
] as const;
const OUTCOME_COLUMNS = [
  'prediction_id',
  'variant',
  'test_id',
  'actual',
  'metric_values',
  'created_at',
] as const;

const UNIQUE_CODES = new Set(['SQLITE_CONSTRAINT_PRIMARYKEY', 'SQLITE_CONSTRAINT_UNIQUE']);

/**
 * SQLite stores timestamps as INTEGER epoch milliseconds (UTC, sortable, exact), JSON as TEXT
 * and bytes as BLOB.
 *
 * @internal
 */
export const sqliteTraits: DialectTraits = {
  kind: 'sqlite',
  types: {
    text: 'text',
    integer: 'integer',
    bigint: 'integer',
    double: 'real',
    timestamp: 'integer',
    json: 'text',
    blob: 'blob',
    boolean: 'integer',
  },
  // SQLITE_MAX_VARIABLE_NUMBER is 32766 since SQLite 3.32.
  maxParameters: 32_766,
  // SQLite has partial indexes.
  partialIndexes: true,
  encodeDate: (value) => value.getTime(),
  decodeDate: decodeDateValue,
  encodeJson: (value) => JSON.stringify(value),
  decodeJson: decodeJsonText,
  encodeBoolean: (value) => (value ? 1 : 0),
  decodeBoolean: (value) => value === 1 || value === 1n || value === true,
  encodeBytes: (value) => value,
  decodeBytes: (value) => {
    const bytes = value as Uint8Array;
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  },
  isUniqueViolation: (error) =>
    typeof error === 'object' &&
    error !== null &&
    UNIQUE_CODES.has(String((error as { code?: unknown }).code)),
  // Every quantlab write transaction on SQLite begins IMMEDIATE (see driver.ts): holding the write
  // lock from the first statement, two migrating processes already exclude each other.
  lockMigrations: async () => {},
  // Write transactions already run one at a time (see lockMigrations): nothing to add.
  lockTransaction: async () => {},
  // One cached single-row INSERT per row in a savepoint: about twice the rate of multi-row
  // INSERTs, which Kysely builds and SQLite parses anew for every batch.
  appendMetricRows: async (db, rows) => {
    await db.executeQuery(sqliteBulkInsertQuery('quantlab_metrics', METRIC_COLUMNS, rows));
  },
  appendPredictionRows: async (db, rows) => {
    await db.executeQuery(
      sqliteBulkInsertQuery('quantlab_ab_predictions', PREDICTION_COLUMNS, rows),
    );
  },
  // The same per-row statement with ON CONFLICT DO NOTHING: a row that changed nothing was skipped.
  insertNewOutcomeRows: async (db, rows) => {
    const result = await db.executeQuery<{ index: number }>(
      sqliteBulkInsertQuery('quantlab_ab_outcomes', OUTCOME_COLUMNS, rows, { skipConflicts: true }),
    );
    return result.rows.map((row) => row.index);
  },
};
