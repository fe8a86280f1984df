/**
 * Orders text by Unicode code point, which is the byte order of UTF-8: the order SQLite, DuckDB
 * and PostgreSQL (with COLLATE "C") give, so the memory backend lists rows the same way.
 *
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

export function compareDates(a: Date, b: Date): number {
  return a.getTime() - b.getTime();
}
