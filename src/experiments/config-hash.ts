/**
 * The config hash: a sha256 over the canonical JSON of everything that determines an
 * experiment's result, so two runs of the same configuration can be found with
 * `findByConfigHash`, whatever they were named or tagged.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { ValidationError } from '../errors.js';
import type { JsonObject } from '../storage/records.js';
import type { ExperimentDefinition } from './definition.js';
import { isPlainObject } from './json.js';

/** Deeper than any JSON field may nest (64) plus the config's own levels. */
const MAX_DEPTH = 256;

/**
 * Canonical JSON: object keys sorted (by UTF-16 code units, as `Array.prototype.sort` and
 * RFC 8785 do) at every level, no whitespace, strings and numbers as `JSON.stringify` prints them
 * (so `-0` is `0`), Dates as their ISO string, properties whose value is `undefined` left out.
 * Equal data gives equal text, whatever order its keys were written in.
 *
 * @throws ValidationError for what JSON cannot hold exactly: NaN and infinities, invalid
 *   Dates, `undefined` in an array, bigints, functions, symbols, Maps, class instances, cycles.
 *
 * @example
 * ```ts
 * canonicalJson({ b: [1, { d: true, c: null }], a: 'x' });
 * // '{"a":"x","b":[1,{"c":null,"d":true}]}'
 * ```
 */
export function canonicalJson(value: unknown): string {
  return write(value, 'value', 0, new Set());
}

function write(value: unknown, path: string, depth: number, ancestors: Set<object>): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') {
    return JSON.stringify(value);
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new ValidationError(path, 'must be a finite number', { received: value });
    }
    return JSON.stringify(value);
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) {
      throw new ValidationError(path, 'must be a valid Date', { received: value });
    }
    return JSON.stringify(value.toISOString());
  }
  const isArray = Array.isArray(value);
  if (!isArray && !isPlainObject(value)) {
    throw new ValidationError(path, 'must be JSON data or a Date', { received: value });
  }
  if (depth >= MAX_DEPTH) {
    throw new ValidationError(path, `must nest at most ${MAX_DEPTH} levels deep`);
  }
  if (ancestors.has(value)) throw new ValidationError(path, 'must not contain a cycle');
  ancestors.add(value);
  let out: string;
  if (isArray) {
    const items: string[] = [];
    for (let i = 0; i < value.length; i++) {
      if (value[i] === undefined) {
        throw new ValidationError(`${path}[${i}]`, 'must not be undefined inside an array');
      }
      items.push(write(value[i], `${path}[${i}]`, depth + 1, ancestors));
    }
    out = `[${items.join(',')}]`;
  } else {
    const members: string[] = [];
    for (const key of Object.keys(value).sort()) {
      const item = value[key];
      if (item === undefined) continue;
      members.push(`${JSON.stringify(key)}:${write(item, `${path}.${key}`, depth + 1, ancestors)}`);
    }
    out = `{${members.join(',')}}`;
  }
  ancestors.delete(value);
  return out;
}

/** The fields of a definition that determine its result, and so its {@link configHash}. */
export type ConfigSource = Pick<
  ExperimentDefinition,
  | 'type'
  | 'strategy'
  | 'symbols'
  | 'timeframe'
  | 'dateRange'
  | 'params'
  | 'strategyParams'
  | 'modelParams'
  | 'featureParams'
  | 'inputs'
  | 'seed'
>;

/**
 * The part of a definition that determines its result, as stored in `ExperimentRecord.config`
 * and hashed by {@link configHash}: type, strategy, symbols, timeframe, dateRange (ISO strings),
 * the four params objects, inputs and seed. Name, description, tags, priority, resources,
 * runtime limits, cleanup, parent, metadata and provenance are left out.
 *
 * Normalised so that equivalent definitions give equal configs:
 * - `symbols` is a set: sorted, repeats dropped;
 * - `inputs` maps each kind to a set of artifact ids: ids sorted and repeats dropped within a
 *   kind, and a kind with no ids left out (`{ ohlcv: [] }` is the same as `{}`);
 * - `seed` is left out when not given; `42` and `'42'` are different seeds.
 *
 * @example
 * ```ts
 * experimentConfig(definition).symbols; // ['BTC/USD', 'ETH/USD'], whatever order was given
 * ```
 */
export function experimentConfig(definition: ConfigSource): JsonObject {
  const inputs: JsonObject = {};
  for (const kind of Object.keys(definition.inputs).sort()) {
    const ids = definition.inputs[kind];
    if (ids !== undefined && ids.length > 0) inputs[kind] = sortedSet(ids);
  }
  const config: JsonObject = {
    type: definition.type,
    strategy: definition.strategy,
    symbols: sortedSet(definition.symbols),
    timeframe: definition.timeframe,
    dateRange: {
      from: definition.dateRange.from.toISOString(),
      to: definition.dateRange.to.toISOString(),
    },
    params: definition.params,
    strategyParams: definition.strategyParams,
    modelParams: definition.modelParams,
    featureParams: definition.featureParams,
    inputs,
  };
  if (definition.seed !== undefined) config.seed = definition.seed;
  return config;
}

/**
 * The config hash of a validated definition: lowercase hex sha256 of the UTF-8 bytes of
 * `canonicalJson(experimentConfig(definition))`.
 *
 * @example
 * ```ts
 * const hash = configHash(parseExperimentDefinition(input)); // 64 hex characters
 * await lab.experiments.findByConfigHash(hash);
 * ```
 */
export function configHash(definition: ConfigSource): string {
  return createHash('sha256')
    .update(canonicalJson(experimentConfig(definition)), 'utf8')
    .digest('hex');
}

function sortedSet(items: readonly string[]): string[] {
  return [...new Set(items)].sort();
}
