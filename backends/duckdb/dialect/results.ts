import {
  DuckDBBlobValue,
  type DuckDBResultReader,
  DuckDBTimestampNanosecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  DuckDBTypeId,
  type DuckDBValueConverter,
  type JS,
  JSDuckDBValueConverter,
  ResultReturnType,
  StatementType,
} from '@duckdb/node-api';
import type { QueryResult } from 'kysely';

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MAX_DATE_MILLIS = 8_640_000_000_000_000n;

/**
 * Converts DuckDB values to JS the way the rest of quantlab expects, recursing into lists and
 * structs. It differs from the node-api's own `JSDuckDBValueConverter` in three places:
 *
 * - BIGINT, HUGEINT, UBIGINT, UHUGEINT and BIGNUM become a `number` when the value is a safe
 *   integer, and stay a `bigint` otherwise (the node-api always returns `bigint`);
 * - TIMESTAMP, TIMESTAMPTZ and TIMESTAMP_NS become a `Date` rounded down to the millisecond (the
 *   node-api truncates towards zero, one millisecond late for sub-millisecond instants before
 *   1970), and `infinity` / `-infinity` become `Infinity` / `-Infinity` instead of throwing;
 * - BLOB becomes a plain `Uint8Array` with its own buffer (the node-api returns a `Buffer` that
 *   may be a view into Node's shared pool).
 *
 * Everything else (BOOLEAN, INTEGER, DOUBLE, VARCHAR and JSON, which DuckDB returns as VARCHAR
 * text, DECIMAL as a double, DATE as a `Date`) is the node-api's conversion.
 *
 * @internal
 */
export const duckdbValueConverter: DuckDBValueConverter<JS> = (value, type, converter) => {
  if (value === null) return null;
  switch (type.typeId) {
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.UHUGEINT:
    case DuckDBTypeId.BIGNUM:
      if (typeof value === 'bigint') return safeNumber(value);
      break;
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_TZ:
      if (value instanceof DuckDBTimestampValue || value instanceof DuckDBTimestampTZValue) {
        return value.isFinite ? dateFromTicks(value.micros, 1000n) : infinity(value.micros);
      }
      break;
    case DuckDBTypeId.TIMESTAMP_NS:
      if (value instanceof DuckDBTimestampNanosecondsValue) {
        return value.isFinite ? dateFromTicks(value.nanos, 1_000_000n) : infinity(value.nanos);
      }
      break;
    case DuckDBTypeId.BLOB:
      if (value instanceof DuckDBBlobValue) return new Uint8Array(value.bytes);
      break;
  }
  return JSDuckDBValueConverter(value, type, converter);
};

/** A `number` when the integer is safe as one, else the `bigint` itself. */
function safeNumber(value: bigint): number | bigint {
  return value >= MIN_SAFE && value <= MAX_SAFE ? Number(value) : value;
}

/** Epoch ticks (micro- or nanoseconds) to a `Date`, rounding down to the millisecond. */
function dateFromTicks(ticks: bigint, perMilli: bigint): Date {
  let millis = ticks / perMilli;
  if (ticks % perMilli < 0n) millis -= 1n;
  if (millis < -MAX_DATE_MILLIS || millis > MAX_DATE_MILLIS) {
    throw new RangeError(`timestamp out of range for a JS Date: ${ticks} ticks since 1970`);
  }
  return new Date(Number(millis));
}

function infinity(ticks: bigint): number {
  return ticks > 0n ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
}

/**
 * Turns a fully read result into Kysely's `QueryResult`: the converted rows for a query (a
 * SELECT, or a write with RETURNING, whose `numAffectedRows` is then the number of rows it
 * returned), and `numAffectedRows` alone for an INSERT, UPDATE or DELETE without RETURNING.
 *
 * @internal
 */
export function toQueryResult<R>(reader: DuckDBResultReader): QueryResult<R> {
  if (reader.returnType === ResultReturnType.CHANGED_ROWS) {
    return { rows: [], numAffectedRows: BigInt(reader.rowsChanged) };
  }
  if (reader.returnType !== ResultReturnType.QUERY_RESULT) return { rows: [] };
  const rows = reader.convertRowObjects(duckdbValueConverter) as R[];
  return isWrite(reader.statementType) ? { rows, numAffectedRows: BigInt(rows.length) } : { rows };
}

function isWrite(statementType: StatementType): boolean {
  return (
    statementType === StatementType.INSERT ||
    statementType === StatementType.UPDATE ||
    statementType === StatementType.DELETE
  );
}
