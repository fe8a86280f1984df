/**
 * How the memory backend copies values in and out, so a caller mutating what it passed or got
 * never changes what is stored.
 *
 * @internal
 */
export const copy = <T>(value: T): T => structuredClone(value);

/** JSON columns are stored as JSON text would return them (undefined properties dropped). */
export const json = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** A row key made of several text columns, joined with NUL (which valid text never holds). */
export const keyOf = (...parts: string[]): string => parts.join('\u0000');

/** Rows a listing returns when the caller gives no limit. */
export const DEFAULT_LIMIT = 100;
