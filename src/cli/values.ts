/**
 * Parsers of option values, for commander: each returns the parsed value or throws commander's
 * `InvalidArgumentError`, which ends the command with a usage error (exit code 2).
 *
 * @module
 */
import { InvalidArgumentError } from 'commander';

/** Largest page the list commands ask for (the facades' limit). */
export const MAX_LIMIT = 1000;

/**
 * A page size: a whole number from 1 to {@link MAX_LIMIT}.
 *
 * @throws InvalidArgumentError otherwise.
 * @example
 * ```ts
 * parseLimit('50'); // 50
 * ```
 */
export function parseLimit(value: string): number {
  const n = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_LIMIT) {
    throw new InvalidArgumentError(`must be a whole number from 1 to ${MAX_LIMIT}`);
  }
  return n;
}

/**
 * An instant: an ISO 8601 date (`2026-03-01`, midnight UTC) or date-time with a zone
 * (`2026-03-01T12:00:00Z`, `2026-03-01T14:00+02:00`). A date-time without a zone is refused
 * rather than read in the machine's local time.
 *
 * @throws InvalidArgumentError otherwise.
 * @example
 * ```ts
 * parseInstant('2026-03-01').toISOString(); // '2026-03-01T00:00:00.000Z'
 * ```
 */
export function parseInstant(value: string): Date {
  const text = value.trim();
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const dateTime = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(
    text,
  );
  const parsed = new Date(dateOnly ? `${text}T00:00:00Z` : text.replace(' ', 'T'));
  if ((!dateOnly && !dateTime) || Number.isNaN(parsed.getTime())) {
    throw new InvalidArgumentError(
      'must be an ISO 8601 date (2026-03-01) or date-time with a zone (2026-03-01T12:00:00Z)',
    );
  }
  return parsed;
}

/**
 * A parser for a list option given comma-separated, repeated, or both
 * (`--status completed,failed --status running`), each item one of `allowed`; items are kept
 * once, in the order given.
 *
 * @example
 * ```ts
 * const parse = listOf(['a', 'b', 'c']);
 * parse('c,a', parse('a', undefined)); // ['a', 'c']
 * ```
 */
export function listOf<T extends string>(
  allowed: readonly T[],
): (value: string, previous: T[] | undefined) => T[] {
  return (value, previous) => {
    const items = value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
    if (items.length === 0)
      throw new InvalidArgumentError(`must list one of ${allowed.join(', ')}`);
    const result = [...(previous ?? [])];
    for (const item of items) {
      if (!(allowed as readonly string[]).includes(item)) {
        throw new InvalidArgumentError(`"${item}" is not one of ${allowed.join(', ')}`);
      }
      if (!result.includes(item as T)) result.push(item as T);
    }
    return result;
  };
}

/**
 * A non-empty text value (a name, a tag, a reason).
 *
 * @throws InvalidArgumentError for an empty or blank value.
 * @example
 * ```ts
 * parseText('direction'); // 'direction'
 * ```
 */
export function parseText(value: string): string {
  if (value.trim() === '') throw new InvalidArgumentError('must not be empty');
  return value;
}

/**
 * A parser for an option that takes one of `allowed`.
 *
 * @example
 * ```ts
 * oneOf(['newest', 'oldest'])('oldest'); // 'oldest'
 * ```
 */
export function oneOf<T extends string>(allowed: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(allowed as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`must be one of ${allowed.join(', ')}`);
    }
    return value as T;
  };
}

/**
 * Collects a text option given comma-separated, repeated, or both (`--name a,b --name c`), each
 * item kept once in the order given.
 *
 * @example
 * ```ts
 * textList('b, a', ['a']); // ['a', 'b']
 * ```
 */
export function textList(value: string, previous: string[] | undefined): string[] {
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  if (items.length === 0) throw new InvalidArgumentError('must not be empty');
  const result = [...(previous ?? [])];
  for (const item of items) if (!result.includes(item)) result.push(item);
  return result;
}
