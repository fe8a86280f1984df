import {
  BIGINT,
  BLOB,
  BOOLEAN,
  blobValue,
  DOUBLE,
  type DuckDBType,
  type DuckDBValue,
  HUGEINT,
  INTEGER,
  SQLNULL,
  TIMESTAMP,
  timestampValue,
  VARCHAR,
} from '@duckdb/node-api';

const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Bind values and their DuckDB types, index for index. */
export interface BoundParameters {
  readonly values: DuckDBValue[];
  readonly types: DuckDBType[];
}

/**
 * Maps Kysely's parameters to DuckDB values with explicit types, so that no parameter is left to
 * the node-api's own inference (which binds any integral number, even `1e300`, as BIGINT and
 * fails, every bigint as HUGEINT, and cannot bind a `Date` or a `Uint8Array` at all).
 *
 * - `null` and `undefined`: NULL
 * - `boolean`: BOOLEAN; `string`: VARCHAR
 * - `number`: INTEGER or BIGINT when it is a safe integer (so `LIMIT $1` and integer columns
 *   take it as is), otherwise DOUBLE (fractions, `-0`, huge values, NaN and the infinities)
 * - `bigint`: BIGINT when it fits 64 bits, otherwise HUGEINT
 * - `Date`: TIMESTAMP holding its UTC instant, microseconds = milliseconds × 1000
 * - `Uint8Array` (and so `Buffer`): BLOB
 *
 * @throws TypeError for an invalid `Date` or any other kind of value.
 * @internal
 */
export function bindParameters(parameters: readonly unknown[]): BoundParameters {
  const values: DuckDBValue[] = [];
  const types: DuckDBType[] = [];
  parameters.forEach((parameter, index) => {
    const [value, type] = bindParameter(parameter, index);
    values.push(value);
    types.push(type);
  });
  return { values, types };
}

function bindParameter(value: unknown, index: number): [DuckDBValue, DuckDBType] {
  if (value === null || value === undefined) return [null, SQLNULL];
  switch (typeof value) {
    case 'boolean':
      return [value, BOOLEAN];
    case 'string':
      return [value, VARCHAR];
    case 'number':
      return [value, numberType(value)];
    case 'bigint':
      return [value, value >= INT64_MIN && value <= INT64_MAX ? BIGINT : HUGEINT];
  }
  if (value instanceof Date) {
    const millis = value.getTime();
    if (Number.isNaN(millis)) throw new TypeError(`parameter $${index + 1} is an invalid Date`);
    return [timestampValue(BigInt(millis) * 1000n), TIMESTAMP];
  }
  if (value instanceof Uint8Array) return [blobValue(value), BLOB];
  const kind = Array.isArray(value) ? 'array' : typeof value;
  throw new TypeError(
    `parameter $${index + 1}: cannot bind a value of type ${kind} to DuckDB ` +
      '(encode JSON as text first)',
  );
}

function numberType(value: number): DuckDBType {
  if (!Number.isSafeInteger(value) || Object.is(value, -0)) return DOUBLE;
  return value >= INT32_MIN && value <= INT32_MAX ? INTEGER : BIGINT;
}
