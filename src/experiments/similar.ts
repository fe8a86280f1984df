/**
 * Parameter matching for `findSimilar(id, { tolerance })`: two experiments are similar when they
 * set the same parameters, agree exactly on every non-numeric one and agree on every numeric one
 * within a relative tolerance. Only the four params objects of the stored config are compared
 * (`params`, `strategyParams`, `modelParams`, `featureParams`); strategy, symbols, timeframe,
 * date range, inputs and seed are left to the caller's filter.
 *
 * @module
 */
import { ValidationError } from '../errors.js';
import type { JsonObject, JsonValue } from '../storage/records.js';
import { formatPath } from './definition.js';
import { isPlainObject } from './json.js';

/** The params objects of an experiment config, in the order their paths are listed. */
export const PARAM_GROUPS = ['params', 'strategyParams', 'modelParams', 'featureParams'] as const;

/**
 * The parameters of an experiment config (`ExperimentRecord.config`, as built by
 * `experimentConfig`) as a map from dotted path to leaf value. Objects and arrays are walked down
 * to their leaves: `params.lookback`, `strategyParams.exit.stop`, `params.windows[0]`, and keys
 * that are not identifiers quoted as in `ValidationError` fields (`params["bar size"]`), so two
 * different params never share a path. An empty object or array inside a params object is a leaf
 * of its own (`params.filters` → `{}`); an empty or missing params object adds nothing. A params
 * field that is not an object (never the case for configs quantlab wrote) is a leaf at its name.
 *
 * Paths are listed group by group (`params`, `strategyParams`, `modelParams`, `featureParams`),
 * object keys in sorted order and array items in index order, so equal params give equal maps
 * whatever order their keys were written in. Values are the config's own (not copied).
 *
 * @example
 * ```ts
 * flattenParams({ params: { lookback: 14, windows: [5, 20] }, strategyParams: { exit: { stop: 0.02 } } });
 * // Map { 'params.lookback' => 14, 'params.windows[0]' => 5, 'params.windows[1]' => 20,
 * //       'strategyParams.exit.stop' => 0.02 }
 * ```
 */
export function flattenParams(config: JsonObject): Map<string, JsonValue> {
  const out = new Map<string, JsonValue>();
  for (const group of PARAM_GROUPS) {
    const value = Object.hasOwn(config, group) ? config[group] : undefined;
    if (value === undefined) continue;
    if (isPlainObject(value)) {
      for (const key of Object.keys(value).sort()) {
        walk(value[key] as JsonValue | undefined, [group, key], out);
      }
    } else out.set(group, value);
  }
  return out;
}

function walk(
  value: JsonValue | undefined,
  path: (string | number)[],
  out: Map<string, JsonValue>,
): void {
  // JSON never holds undefined; a record built in memory might, and it means "not set".
  if (value === undefined) return;
  if (Array.isArray(value)) {
    if (value.length === 0) out.set(formatPath(path), value);
    for (let i = 0; i < value.length; i++) walk(value[i], [...path, i], out);
    return;
  }
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    if (keys.length === 0) out.set(formatPath(path), value);
    for (const key of keys) walk(value[key], [...path, key], out);
    return;
  }
  out.set(formatPath(path), value);
}

/**
 * Deep equality of JSON values: same type, equal primitives (`0` equals `-0`), arrays equal item
 * by item, objects with the same keys (in any order) and equal values.
 *
 * @example
 * ```ts
 * jsonEqual({ a: [1, { b: null }] }, { a: [1, { b: null }] }); // true
 * jsonEqual(1, '1'); // false
 * ```
 */
export function jsonEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) {
    if (!Object.hasOwn(b, key) || !jsonEqual(a[key], b[key])) return false;
  }
  return true;
}

/**
 * Whether two experiment configs have similar parameters (see {@link flattenParams}): exactly
 * the same set of param paths, every non-numeric value deep-equal, and every pair of numbers
 * `a`, `b` within the relative tolerance `|a − b| ≤ tolerance · max(|a|, |b|)`. So 0 matches
 * only 0, a number never matches a string or null, and tolerance 0 means equal params.
 *
 * @param tolerance - Largest relative difference allowed between two numeric params: a finite
 *   number of at least 0 (0.1 allows 10% of the larger magnitude).
 * @throws ValidationError('tolerance', ...) when `tolerance` is negative, NaN or infinite.
 *
 * @example
 * ```ts
 * const a = { params: { lookback: 100, mode: 'fast' } };
 * isSimilar(a, { params: { lookback: 105, mode: 'fast' } }, 0.05); // true: 5 ≤ 0.05 · 105
 * isSimilar(a, { params: { lookback: 105, mode: 'slow' } }, 0.5); // false: mode differs
 * isSimilar(a, { params: { lookback: 100 } }, 0.5); // false: mode is missing
 * ```
 */
export function isSimilar(
  reference: JsonObject,
  candidate: JsonObject,
  tolerance: number,
): boolean {
  return similarityMatcher(reference, tolerance)(candidate);
}

/**
 * {@link isSimilar} with the reference flattened once, for scanning many candidates.
 *
 * @throws ValidationError('tolerance', ...) like {@link isSimilar}.
 *
 * @example
 * ```ts
 * const matches = similarityMatcher(reference.config, 0.1);
 * const similar = candidates.filter((experiment) => matches(experiment.config));
 * ```
 */
export function similarityMatcher(
  reference: JsonObject,
  tolerance: number,
): (candidate: JsonObject) => boolean {
  checkTolerance(tolerance);
  const params = flattenParams(reference);
  return (candidate) => {
    const other = flattenParams(candidate);
    if (other.size !== params.size) return false;
    for (const [path, a] of params) {
      const b = other.get(path);
      if (b === undefined) return false;
      if (typeof a === 'number' && typeof b === 'number') {
        if (!withinTolerance(a, b, tolerance)) return false;
      } else if (!jsonEqual(a, b)) return false;
    }
    return true;
  };
}

/**
 * The largest relative difference `|a − b| / max(|a|, |b|)` over the numeric params of two
 * configs (0 for two zeros), for ranking similar experiments: 0 when all params are equal, at
 * most 2 (numbers of opposite signs). `undefined` when the configs are not comparable: their
 * param paths differ, or a non-numeric param differs (see {@link isSimilar}).
 *
 * `isSimilar(a, b, t)` holds exactly when this is defined and at most `t`, except for rounding
 * in the last bit at the boundary.
 *
 * @example
 * ```ts
 * maxRelativeDifference({ params: { a: 100, b: 2 } }, { params: { a: 110, b: 2 } }); // 10 / 110
 * maxRelativeDifference({ params: { a: 1 } }, { params: { a: '1' } }); // undefined
 * ```
 */
export function maxRelativeDifference(
  reference: JsonObject,
  candidate: JsonObject,
): number | undefined {
  const params = flattenParams(reference);
  const other = flattenParams(candidate);
  if (other.size !== params.size) return undefined;
  let worst = 0;
  for (const [path, a] of params) {
    const b = other.get(path);
    if (b === undefined) return undefined;
    if (typeof a === 'number' && typeof b === 'number') {
      const difference = relativeDifference(a, b);
      if (difference > worst) worst = difference;
    } else if (!jsonEqual(a, b)) return undefined;
  }
  return worst;
}

function checkTolerance(tolerance: unknown): asserts tolerance is number {
  if (typeof tolerance !== 'number' || !Number.isFinite(tolerance) || tolerance < 0) {
    throw new ValidationError('tolerance', 'must be a finite number of at least 0', {
      received: tolerance,
    });
  }
}

/** |a − b| ≤ tolerance · max(|a|, |b|), halving both sides when |a − b| overflows. */
function withinTolerance(a: number, b: number, tolerance: number): boolean {
  if (a === b) return true;
  const magnitude = Math.max(Math.abs(a), Math.abs(b));
  const difference = Math.abs(a - b);
  if (Number.isFinite(difference)) return difference <= tolerance * magnitude;
  return Math.abs(a / 2 - b / 2) <= tolerance * (magnitude / 2);
}

function relativeDifference(a: number, b: number): number {
  if (a === b) return 0;
  const magnitude = Math.max(Math.abs(a), Math.abs(b));
  const difference = Math.abs(a - b);
  if (Number.isFinite(difference)) return difference / magnitude;
  return Math.abs(a / 2 - b / 2) / (magnitude / 2);
}
