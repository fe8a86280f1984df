import { sql } from 'kysely';
import type { DialectTraits } from '../../src/storage/sql/traits.js';
import { decodeDateValue, decodeJsonText } from '../../src/storage/sql/traits.js';

/** Advisory lock key (two int4) held while migrating: 'ql' and 1. */
const MIGRATION_LOCK = [0x716c, 1] as const;

/**
 * PostgreSQL: TIMESTAMPTZ, JSONB, BYTEA; text sorts bytewise (COLLATE "C") so listings order the
 * same as on SQLite and DuckDB. Values are decoded whether or not the pool's type parsers turned
 * them into JS values already, so a host app's own parser settings do not matter.
 *
 * @internal
 */
export function postgresTraits(schema: string | undefined): DialectTraits {
  return {
    kind: 'postgres',
    types: {
      text: 'text collate "C"',
      integer: 'integer',
      bigint: 'bigint',
      double: 'double precision',
      timestamp: 'timestamptz',
      json: 'jsonb',
      blob: 'bytea',
    },
    maxParameters: 65_535,
    encodeDate: (value) => value,
    decodeDate: decodeDateValue,
    // Always text: pg would turn a JS array into a PostgreSQL array literal.
    encodeJson: (value) => JSON.stringify(value),
    decodeJson: decodeJsonText,
    encodeBytes: (value) => Buffer.from(value.buffer, value.byteOffset, value.byteLength),
    decodeBytes: (value) => {
      const bytes =
        typeof value === 'string'
          ? Buffer.from(value.replace(/^\\x/, ''), 'hex')
          : (value as Uint8Array);
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    },
    isUniqueViolation: (error) =>
      typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505',
    async lockMigrations(trx) {
      await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK[0]}, ${MIGRATION_LOCK[1]})`.execute(
        trx,
      );
      if (schema !== undefined)
        await sql`create schema if not exists ${sql.id(schema)}`.execute(trx);
    },
  };
}
