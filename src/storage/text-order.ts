/**
 * Orders text by Unicode code point, which is the byte order of UTF-8: the order SQLite, DuckDB
 * and PostgreSQL (with COLLATE "C") give. The memory backend sorts with it, and the SQL stores
 * merge the results of a lookup split into several statements with it.
 *
 * @example
 * ```ts
 * ['b', 'é', 'a'].sort(compareText); // ['a', 'b', 'é']
 * ```
 * @internal
 */
export function compareText(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.codePointAt(i) as number;
    const y = b.codePointAt(i) as number;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}
