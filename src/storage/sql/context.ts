import type { Kysely } from 'kysely';
import type { OperationGuard } from '../guard.js';
import type { QuantlabSchema } from './schema.js';
import type { DialectTraits } from './traits.js';

/** What every SQL store needs: a connection (or transaction), the dialect traits and the guard. @internal */
export interface SqlContext {
  readonly db: Kysely<QuantlabSchema>;
  readonly traits: DialectTraits;
  readonly guard: OperationGuard;
  /** True inside `backend.transaction`, where a batch must not open a transaction of its own. */
  readonly inTransaction: boolean;
}

/**
 * Runs `fn` atomically: inside the current transaction when there is one, else in a new one.
 * Used by writes that take more than one statement.
 */
export async function atomically<T>(
  ctx: SqlContext,
  fn: (db: Kysely<QuantlabSchema>) => Promise<T>,
): Promise<T> {
  if (ctx.inTransaction) return fn(ctx.db);
  return ctx.db.transaction().execute(fn);
}

/** Splits rows so that one INSERT carries at most `maxParameters` bind parameters. */
export function chunkRows<T>(rows: readonly T[], columns: number, maxParameters: number): T[][] {
  const size = Math.max(1, Math.floor(maxParameters / columns));
  const chunks: T[][] = [];
  for (let i = 0; i < rows.length; i += size) chunks.push(rows.slice(i, i + size));
  return chunks;
}

/**
 * The distinct `ids` in chunks small enough to bind as one `IN (...)` list, so a lookup of any
 * number of ids stays within the dialect's parameter limit.
 */
export function idChunks(ids: readonly string[], maxParameters: number): string[][] {
  return chunkRows([...new Set(ids)], 1, maxParameters);
}
