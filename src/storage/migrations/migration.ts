import type { Kysely } from 'kysely';
import type { QuantlabSchema } from '../sql/schema.js';
import type { ColumnTypes, DialectTraits } from '../sql/traits.js';

/**
 * One versioned schema change. Names sort in the order they apply (`0001_initial`, ...); a
 * released migration is never edited, a new one is added.
 *
 * @internal
 */
export interface Migration {
  readonly name: string;
  /**
   * Applies the change inside the migration's transaction. `types` are the dialect's column
   * types; `traits` the rest of what differs (e.g. whether it has partial indexes).
   */
  up(db: Kysely<QuantlabSchema>, types: ColumnTypes, traits: DialectTraits): Promise<void>;
}
