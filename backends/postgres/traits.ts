import { sql } from 'kysely';
import type { DialectTraits } from '../../src/storage/sql/traits.js';
import { decodeDateValue, decodeJsonText } from '../../src/storage/sql/traits.js';

/** Advisory lock key (two int4) held while migrating: 'ql' and 1. */
const MIGRATION_LOCK = [0x716c, 1] as const;
/** First int4 of the advisory keys of named transaction locks ('qm'); the second is a hash of the name. */
const NAMED_LOCK_SPACE = 0x716d;

/**
 * A lock name's int4 key: FNV-1a 32 of its UTF-16 code units. Two names that collide only
 * serialise with each other, which is safe.
 */
function lockKey(name: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193);
  return hash | 0;
}

/**
 * PostgreSQL: TIMESTAMPTZ, JSONB, BYTEA; text sorts bytewise (COLLATE "C") so listings order the
 * same as on SQLite and DuckDB. Values are decoded whether or not the pool's type parsers turned
 * them into JS values already, so a host app's own parser settings do not matter.
 *
 * @internal
 */
export function postgresTraits(schema: string | undefined): DialectTraits {
  return {
    overflowSafeSumType: 'numeric',
    kind: 'postgres',
    types: {
      text: 'text collate "C"',
      integer: 'integer',
      bigint: 'bigint',
      double: 'double precision',
      timestamp: 'timestamptz',
      json: 'jsonb',
      blob: 'bytea',
      boolean: 'boolean',
    },
    maxParameters: 65_535,
    // PostgreSQL has partial indexes.
    partialIndexes: true,
    encodeDate: (value) => value,
    decodeDate: decodeDateValue,
    // Always text: pg would turn a JS array into a PostgreSQL array literal.
    encodeJson: (value) => JSON.stringify(value),
    decodeJson: decodeJsonText,
    encodeBoolean: (value) => value,
    decodeBoolean: (value) => value === true || value === 't' || value === 'true',
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
    async lockTransaction(trx, name) {
      await sql`select pg_advisory_xact_lock(${NAMED_LOCK_SPACE}, ${lockKey(name)})`.execute(trx);
    },
    async lockMigrations(trx) {
      await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK[0]}, ${MIGRATION_LOCK[1]})`.execute(
        trx,
      );
      if (schema !== undefined)
        await sql`create schema if not exists ${sql.id(schema)}`.execute(trx);
    },
  };
}
