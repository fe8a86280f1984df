/**
 * The zod schema of the free-form JSON fields of an experiment definition (`params`, `metadata`,
 * ...): plain data that survives a JSON round trip unchanged, checked with a precise path to the
 * first bad value, and copied so the caller's later mutations cannot reach the stored value.
 *
 * @module
 */
import { z } from 'zod';
import type { JsonObject, JsonValue } from '../storage/records.js';
import { isPlainObject, MAX_JSON_DEPTH } from '../storage/validate.js';

/**
 * What a JSON field accepts: objects, arrays, strings, finite numbers, booleans and null. An
 * object property whose value is `undefined` is dropped, as `JSON.stringify` does.
 */
export type JsonInput =
  | string
  | number
  | boolean
  | null
  | readonly JsonInput[]
  | { readonly [key: string]: JsonInput | undefined };

/** A JSON object as a caller passes it. */
export type JsonObjectInput = { readonly [key: string]: JsonInput | undefined };

/** One problem found in a JSON value, with its path relative to the value. */
export interface JsonIssue {
  path: (string | number)[];
  message: string;
  input: unknown;
}

/**
 * A zod schema for a JSON object field. The output is a deep copy: `undefined` properties
 * dropped, `-0` written as `0` (JSON has no negative zero). Refused, each with its path: NaN and
 * infinities, `undefined` inside arrays and array holes, Dates, Maps, class instances, functions,
 * bigints, symbols, cycles, NUL characters, and nesting deeper than the storage limit.
 *
 * @example
 * ```ts
 * const schema = z.strictObject({ params: jsonObjectSchema().default(() => ({})) });
 * schema.parse({ params: { lookback: 14 } }); // { params: { lookback: 14 } }
 * ```
 */
export function jsonObjectSchema() {
  return z.custom<JsonObjectInput>().transform((value, ctx): JsonObject => {
    const issues: JsonIssue[] = [];
    const copy = copyJsonObject(value, issues);
    for (const issue of issues) ctx.addIssue({ code: 'custom', ...issue });
    return copy ?? z.NEVER;
  });
}

/**
 * Checks and copies a JSON object, collecting every problem into `issues`. Returns `undefined`
 * when there is any.
 *
 * @example
 * ```ts
 * const issues: JsonIssue[] = [];
 * copyJsonObject({ a: Number.NaN }, issues); // undefined; issues[0].path is ['a']
 * ```
 */
export function copyJsonObject(value: unknown, issues: JsonIssue[]): JsonObject | undefined {
  if (!isPlainObject(value)) {
    issues.push({ path: [], message: 'must be a plain JSON object', input: value });
    return undefined;
  }
  const flat = copyFlatObject(value);
  if (flat !== undefined) return flat;
  const before = issues.length;
  const copy = copyValue(value, [], 0, new Set(), issues);
  return issues.length === before ? (copy as JsonObject) : undefined;
}

/**
 * The fast path of {@link copyJsonObject} for what the hot paths pass most (the features of a
 * prediction): a flat object of finite numbers, strings, booleans and nulls, with no NUL and no
 * `__proto__` key. Returns `undefined` for anything else, which the general path then checks
 * and reports.
 */
function copyFlatObject(value: Record<string, unknown>): JsonObject | undefined {
  const copy: JsonObject = {};
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    if (key === '__proto__' || key.includes('\u0000')) return undefined;
    const item = value[key];
    if (typeof item === 'number') {
      if (!Number.isFinite(item)) return undefined;
      copy[key] = item === 0 ? 0 : item;
    } else if (typeof item === 'string') {
      if (item.includes('\u0000')) return undefined;
      copy[key] = item;
    } else if (item === null || typeof item === 'boolean') {
      copy[key] = item;
    } else if (item !== undefined) {
      return undefined;
    }
  }
  return copy;
}

function copyValue(
  value: unknown,
  path: (string | number)[],
  depth: number,
  ancestors: Set<object>,
  issues: JsonIssue[],
): JsonValue | undefined {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    if (value.includes('\u0000')) {
      issues.push({ path, message: 'must not contain a NUL character', input: value });
    }
    return value;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      issues.push({ path, message: 'must be a finite number', input: value });
    }
    return value === 0 ? 0 : value;
  }
  const isArray = Array.isArray(value);
  if (!isArray && !isPlainObject(value)) {
    issues.push({
      path,
      message: 'must be JSON data (object, array, string, finite number, boolean or null)',
      input: value,
    });
    return undefined;
  }
  if (depth >= MAX_JSON_DEPTH) {
    issues.push({ path, message: `must nest at most ${MAX_JSON_DEPTH} levels deep`, input: value });
    return undefined;
  }
  if (ancestors.has(value)) {
    issues.push({ path, message: 'must not contain a cycle', input: value });
    return undefined;
  }
  ancestors.add(value);
  const result = isArray
    ? copyArray(value, path, depth, ancestors, issues)
    : copyObject(value, path, depth, ancestors, issues);
  ancestors.delete(value);
  return result;
}

function copyArray(
  value: readonly unknown[],
  path: (string | number)[],
  depth: number,
  ancestors: Set<object>,
  issues: JsonIssue[],
): JsonValue[] {
  const copy: JsonValue[] = [];
  for (let index = 0; index < value.length; index++) {
    const itemPath = [...path, index];
    const item = value[index];
    if (item === undefined) {
      issues.push({
        path: itemPath,
        message: 'must not be undefined inside an array',
        input: item,
      });
      continue;
    }
    const itemCopy = copyValue(item, itemPath, depth + 1, ancestors, issues);
    if (itemCopy !== undefined) copy.push(itemCopy);
  }
  return copy;
}

function copyObject(
  value: Record<string, unknown>,
  path: (string | number)[],
  depth: number,
  ancestors: Set<object>,
  issues: JsonIssue[],
): JsonObject {
  const entries: [string, JsonValue][] = [];
  for (const [key, item] of Object.entries(value)) {
    const itemPath = [...path, key];
    if (key.includes('\u0000')) {
      issues.push({ path: itemPath, message: 'key must not contain a NUL character', input: key });
    }
    if (item === undefined) continue;
    const itemCopy = copyValue(item, itemPath, depth + 1, ancestors, issues);
    if (itemCopy !== undefined) entries.push([key, itemCopy]);
  }
  // fromEntries defines own properties, so a `__proto__` key stays data, never a prototype.
  return Object.fromEntries(entries);
}

export { isPlainObject } from '../storage/validate.js';
