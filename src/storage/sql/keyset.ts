import { type RawBuilder, type SqlBool, sql } from 'kysely';

/**
 * The rows past `after` in (created_at, id) order, ascending or descending: the WHERE of a
 * keyset page. Its first conjunct alone is a range on a (created_at, ...) index, so a deep page
 * seeks instead of scanning (PostgreSQL does not derive that range from the OR by itself).
 *
 * @internal
 * @example
 * ```ts
 * q.where(pastRow(t.encodeDate(after.createdAt), after.id, 'desc')).orderBy('created_at', 'desc').orderBy('id', 'desc');
 * ```
 */
export function pastRow(
  createdAt: unknown,
  id: string,
  direction: 'asc' | 'desc',
): RawBuilder<SqlBool> {
  const past = sql.raw(direction === 'asc' ? '>' : '<');
  const pastOrAt = sql.raw(direction === 'asc' ? '>=' : '<=');
  return sql<SqlBool>`created_at ${pastOrAt} ${createdAt} and (created_at ${past} ${createdAt} or (created_at = ${createdAt} and id ${past} ${id}))`;
}
