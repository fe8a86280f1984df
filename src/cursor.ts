/**
 * Opaque keyset cursors over (created_at, id): what `list` methods hand out as `nextCursor` and
 * take back to continue after the last row of a page.
 *
 * @internal
 * @module
 */
import { ValidationError } from './errors.js';

/** A row position: the last row of a page. @internal */
export interface CursorPosition {
  createdAt: Date;
  id: string;
}

/**
 * The cursor that continues after `last`.
 *
 * @example
 * ```ts
 * encodeCursor({ createdAt: new Date(0), id: 'a' }); // 'eyJ0IjowLCJpIjoiYSJ9'
 * ```
 * @internal
 */
export function encodeCursor(last: CursorPosition): string {
  return Buffer.from(JSON.stringify({ t: last.createdAt.getTime(), i: last.id }), 'utf8').toString(
    'base64url',
  );
}

/**
 * The position a cursor continues after.
 *
 * @throws ValidationError naming `field` when `cursor` is not one `encodeCursor` made.
 * @internal
 */
export function decodeCursor(cursor: string, field = 'filter.cursor'): CursorPosition {
  try {
    const { t, i } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as {
      t?: unknown;
      i?: unknown;
    };
    if (typeof t === 'number' && Number.isSafeInteger(t) && typeof i === 'string' && i !== '') {
      return { createdAt: new Date(t), id: i };
    }
  } catch {
    // refused below
  }
  throw new ValidationError(field, 'must be a cursor returned by list()', { received: cursor });
}
