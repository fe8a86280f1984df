/**
 * The line a list command prints under a page that has a next one.
 *
 * @module
 */

/**
 * `next page: --cursor <cursor>` and a newline, or nothing on the last page.
 *
 * @example
 * ```ts
 * nextPageHint(page.nextCursor); // '\nnext page: --cursor eyJ0Ijox…\n'
 * ```
 */
export function nextPageHint(cursor: string | null): string {
  return cursor === null ? '' : `\nnext page: --cursor ${cursor}\n`;
}
