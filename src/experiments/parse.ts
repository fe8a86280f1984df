/**
 * Turns zod issues into quantlab's `ValidationError`: the first issue's field as a dotted path
 * (`dateRange.to`, `symbols[1]`, `params.lookback`) and the rule it broke, in plain words.
 *
 * @module
 */
import type { z } from 'zod';
import { ValidationError } from '../errors.js';

/**
 * Parses `input` with `schema`, throwing a `ValidationError` for the first problem. `root`
 * names the whole input when the problem is the input itself (`definition`, `filter`, ...);
 * with `prefix: true` it also prefixes every field (`options.experiments.maxConcurrent`).
 *
 * @example
 * ```ts
 * parseInput(listFilterSchema, { limit: 0 }, 'filter');
 * // throws ValidationError: limit: must be at least 1 (received 0)
 * ```
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  root: string,
  options: { prefix?: boolean } = {},
): z.output<S> {
  const result = schema.safeParse(input, { error: defaultRule, reportInput: true });
  if (result.success) return result.data;
  const name = (path: readonly PropertyKey[]) => {
    const field = formatPath(path, root);
    if (!options.prefix || path.length === 0) return field;
    return field.startsWith('[') ? `${root}${field}` : `${root}.${field}`;
  };
  throw toValidationError(result.error.issues[0], root, name);
}

/** The rules for issues the schema has no message of its own for. */
function defaultRule(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      return TYPE_RULES[issue.expected] ?? `must be ${issue.expected}`;
    case 'too_small':
      return issue.origin === 'array'
        ? `must have at least ${issue.minimum} items`
        : `must be at least ${issue.minimum}`;
    case 'too_big':
      return `must be at most ${issue.maximum}`;
    case 'unrecognized_keys':
      return 'is not a known field';
    case 'invalid_key':
      return 'has an invalid key';
    default:
      return undefined;
  }
}

const TYPE_RULES: Readonly<Record<string, string>> = {
  string: 'must be a string',
  number: 'must be a finite number',
  int: 'must be an integer',
  boolean: 'must be a boolean',
  array: 'must be an array',
  object: 'must be an object',
  record: 'must be an object',
  date: 'must be a valid Date',
};

function toValidationError(
  issue: z.core.$ZodIssue | undefined,
  root: string,
  name: (path: readonly PropertyKey[]) => string,
): ValidationError {
  if (issue === undefined) return new ValidationError(root, 'is invalid');
  if (issue.code === 'unrecognized_keys') {
    return new ValidationError(name([...issue.path, issue.keys[0] ?? '']), issue.message);
  }
  const rule =
    issue.code === 'invalid_key'
      ? `key ${issue.issues[0]?.message ?? 'is invalid'}`
      : issue.message;
  // The input is reported for every rule but a missing value, where it says nothing.
  const received = 'input' in issue && issue.input !== undefined ? { received: issue.input } : {};
  return new ValidationError(name(issue.path), rule, received);
}

/**
 * Writes a zod path the way quantlab names fields: `dateRange.to`, `symbols[0]`,
 * `params["bar size"]`; the empty path is `root`
 * (`definition` by default).
 *
 * @example
 * ```ts
 * formatPath(['inputs', 'ohlcv', 1]); // 'inputs.ohlcv[1]'
 * ```
 */
export function formatPath(path: readonly PropertyKey[], root = 'definition'): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) {
      out += out === '' ? key : `.${key}`;
    } else out += `[${JSON.stringify(String(key))}]`;
  }
  return out === '' ? root : out;
}
