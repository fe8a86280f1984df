import type { Kysely } from 'kysely';
import type { QuantlabSchema } from '../sql/schema.js';
import type { ColumnTypes } from '../sql/traits.js';

/**
 * One versioned schema change. Names sort in the order they apply (`0001_initial`, ...); a
 * released migration is never edited, a new one is added.
 *
 * @internal
 */
export interface Migration {
  readonly name: string;
  up(db: Kysely<QuantlabSchema>, types: ColumnTypes): Promise<void>;
}
