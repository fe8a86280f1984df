import { ValidationError } from '../errors.js';
import {
  FNV1A32_OFFSET_BASIS,
  FNV1A32_PRIME,
  fnv1a32OfDecimalBits,
  fnv1a32Update,
  gbHash,
  type HashVersion,
} from './hash.js';

/**
 * Bucket ranges and variation choice with the exact semantics of the GrowthBook JS SDK
 * (`getBucketRanges`, `chooseVariation`, `inNamespace`, `getEqualWeights` in
 * packages/sdk-js/src/util.ts, and step 9 of its `runExperiment`), plus
 * {@link createHashAssigner}, the precomputed form the A/B routing hot path uses.
 *
 * @internal
 * @module
 */

/**
 * A variation's share of the hash space: the half-open interval [start, end). With coverage
 * below 1 the range is the first `coverage` part of the variation's slot, so reducing coverage
 * never moves a unit from one variation to another.
 */
export type BucketRange = readonly [start: number, end: number];

/** A GrowthBook namespace: its id and the half-open part [start, end) of it the experiment uses. */
export type Namespace = readonly [id: string, start: number, end: number];

/**
 * GrowthBook's equal weights: `n` copies of `1 / n`, or `[]` when `n <= 0`.
 *
 * @param n - the number of variations.
 * @returns the weights (they sum to 1 within a few ulps: 1/3 three times is 1).
 * @throws ValidationError naming `numVariations` when `n` is positive but not a whole number
 *   (where GrowthBook throws a RangeError from `new Array(n)`).
 *
 * @example
 * ```ts
 * getEqualWeights(4);  // [0.25, 0.25, 0.25, 0.25]
 * getEqualWeights(0);  // []
 * getEqualWeights(-1); // []
 * ```
 */
export function getEqualWeights(n: number): number[] {
  if (typeof n !== 'number' || Number.isNaN(n)) {
    throw new ValidationError('numVariations', 'must be a number', { received: n });
  }
  if (n <= 0) return [];
  if (!Number.isSafeInteger(n)) {
    throw new ValidationError('numVariations', 'must be a whole number', { received: n });
  }
  return new Array<number>(n).fill(1 / n);
}

/**
 * GrowthBook's bucket ranges for `numVariations` variations: variation i owns the slot
 * [w₀ + … + wᵢ₋₁, w₀ + … + wᵢ) of [0, 1) and is assigned the first `coverage` part of it,
 * `[start, start + coverage · wᵢ)`. A hash outside every range is not in the experiment.
 *
 * GrowthBook's rules for odd input, kept as they are (the SDK logs them; this function does not):
 * - `coverage` undefined means 1; below 0 counts as 0 and above 1 as 1.
 * - `weights` missing (`undefined` or `null`), of another length than `numVariations`, or
 *   summing outside [0.99, 1.01] are replaced by {@link getEqualWeights}.
 * - Weights summing within [0.99, 1.01] but not to 1 are used as given, not normalised: with
 *   `[0.4, 0.5999]` the ranges end at 0.9999, so a unit hashing to 0.9999 is in no variation.
 * - Each end is `start + coverage * w` and each start the running sum, in floating point, with
 *   no rounding: `[0.2, 0.3, 0.5]` at coverage 0.2 ends the first range at 0.04000000000000001.
 * - Negative weights that sum to about 1 are used as given (GrowthBook does not check signs).
 *
 * @param numVariations - the number of variations (`<= 0` gives `[]`).
 * @param coverage - the share of units in the experiment, in [0, 1] (default 1).
 * @param weights - the variations' shares, summing to 1 (default equal).
 * @returns one range per variation.
 * @throws ValidationError naming `numVariations`, `coverage` or `weights[i]` for a value that is
 *   not a number or is NaN (GrowthBook would return NaN ranges that match no hash), or for a
 *   positive `numVariations` that is not a whole number.
 *
 * @example
 * ```ts
 * getBucketRanges(2, 0.5);              // [[0, 0.25], [0.5, 0.75]]
 * getBucketRanges(2, 1, [0.4, 0.6]);    // [[0, 0.4], [0.4, 1]]
 * getBucketRanges(2, 1, [0.7, 0.6]);    // [[0, 0.5], [0.5, 1]] (sum 1.3: equal weights)
 * ```
 */
export function getBucketRanges(
  numVariations: number,
  coverage?: number,
  weights?: readonly number[] | null,
): [number, number][] {
  let cover = coverage === undefined ? 1 : coverage;
  if (typeof cover !== 'number' || Number.isNaN(cover)) {
    throw new ValidationError('coverage', 'must be a number in [0, 1]', { received: coverage });
  }
  if (cover < 0) cover = 0;
  else if (cover > 1) cover = 1;

  const equal = getEqualWeights(numVariations);
  let w: readonly number[] = equal;
  if (weights !== undefined && weights !== null) {
    if (!Array.isArray(weights)) {
      throw new ValidationError('weights', 'must be an array of numbers', { received: weights });
    }
    for (let i = 0; i < weights.length; i++) {
      const x: unknown = weights[i];
      if (typeof x !== 'number' || Number.isNaN(x)) {
        throw new ValidationError(`weights[${i}]`, 'must be a number', { received: x });
      }
    }
    w = weights;
  }
  if (w.length !== numVariations) w = equal;
  // Summed in GrowthBook's order (a left fold from 0), so the 0.99 / 1.01 decision is the same.
  let total = 0;
  for (let i = 0; i < w.length; i++) total = (w[i] as number) + total;
  if (total < 0.99 || total > 1.01) w = equal;

  const ranges: [number, number][] = new Array(w.length);
  let cumulative = 0;
  for (let i = 0; i < w.length; i++) {
    const wi = w[i] as number;
    const start = cumulative;
    cumulative += wi;
    ranges[i] = [start, start + cover * wi];
  }
  return ranges;
}

/**
 * GrowthBook's `chooseVariation`: the index of the first range with `start <= n < end`, or -1
 * when `n` is in none of them (not in the experiment). A zero-width range never matches, so
 * `0.5` in `[[0, 0.5], [0.5, 0.5], [0.5, 1]]` is variation 2.
 *
 * @param n - a hash in [0, 1), as from {@link gbHash}.
 * @param ranges - bucket ranges, as from {@link getBucketRanges}.
 * @returns the variation index, or -1.
 *
 * @example
 * ```ts
 * chooseVariation(0.6, [[0, 0.25], [0.5, 0.75]]); // 1
 * chooseVariation(0.4, [[0, 0.25], [0.5, 0.75]]); // -1
 * ```
 */
export function chooseVariation(n: number, ranges: readonly BucketRange[]): number {
  for (let i = 0; i < ranges.length; i++) {
    const range = ranges[i] as BucketRange;
    if (n >= range[0] && n < range[1]) return i;
  }
  return -1;
}

/**
 * GrowthBook's `inNamespace`: whether the unit falls in the experiment's part of a namespace
 * (a set of mutually exclusive experiments). The unit's position in the namespace is
 * `gbHash('__' + id, unit, 1)` (always hash version 1, whatever the experiment uses), and it is
 * inside when `start <= position < end`.
 *
 * @param unit - the unit's id (GrowthBook: the hash attribute's value).
 * @param namespace - `[id, start, end]`.
 * @returns `true` when the unit is in the namespace range.
 * @throws ValidationError naming `value` when `unit` is not a string.
 *
 * @example
 * ```ts
 * inNamespace('1', ['namespace1', 0.4, 1]); // true
 * inNamespace('1', ['namespace1', 0, 0.4]); // false
 * ```
 */
export function inNamespace(unit: string, namespace: Namespace): boolean {
  const n = gbHash(`__${namespace[0]}`, unit, 1);
  return n >= namespace[1] && n < namespace[2];
}

/** Options of {@link createHashAssigner}. */
export interface HashAssignerOptions {
  /**
   * The experiment's hash seed: GrowthBook's `seed || key`, so for agreement with GrowthBook
   * pass the test's id (its key) unless a seed was set. A non-empty string.
   */
  readonly seed: string;
  /**
   * The variations' shares in order (index 0 is the control): two or more finite numbers >= 0
   * summing to 1 within GrowthBook's tolerance [0.99, 1.01]. They are used as given, not
   * normalised, exactly as GrowthBook uses them (see {@link getBucketRanges}).
   */
  readonly weights: readonly number[];
  /** The share of units in the test, in [0, 1]; default 1. */
  readonly coverage?: number;
  /**
   * The GrowthBook hash version; default 2. (GrowthBook's own `run()` defaults to 1, so pass
   * `hashVersion: 2` to it when comparing.)
   */
  readonly hashVersion?: HashVersion;
}

/**
 * A precomputed assigner: the variation index of a unit, or -1 when the unit is not in the test
 * (outside coverage, or the empty string).
 */
export type HashAssigner = (unit: string) => number;

/**
 * Precomputes GrowthBook's hash assignment for one experiment, for the routing hot path. The
 * returned function gives, for every unit, the same answer as GrowthBook's
 * `new GrowthBook({ attributes: { id: unit } }).run({ key, variations, weights, coverage, seed,
 * hashVersion })`: the variation index when `inExperiment` is true, else -1.
 *
 * What is precomputed: the FNV-1a state after the seed, and, since the hash can only take 10000
 * values (version 2; 1000 for version 1), the variation of every possible hash value in a small
 * typed array, filled with {@link chooseVariation} over {@link getBucketRanges}, so boundaries
 * behave exactly as GrowthBook's floating-point comparisons. Each call then folds the unit's code
 * units into the seed state, folds the decimal digits of that hash, and reads the table: no
 * allocation, no string building, no loop over ranges.
 *
 * As GrowthBook's `run()`, an empty unit is in no variation (GrowthBook skips a missing or empty
 * hash attribute). Where GrowthBook silently substitutes equal weights or clamps coverage, this
 * throws instead, because a test must never run with a split other than the one configured.
 *
 * @param options - seed, weights, coverage and hash version; see {@link HashAssignerOptions}.
 * @returns the assigner. It throws a ValidationError naming `unit` when given a non-string.
 * @throws ValidationError naming `seed`, `weights`, `weights[i]`, `coverage` or `hashVersion`
 *   for a value outside the rules of {@link HashAssignerOptions}.
 *
 * @example
 * ```ts
 * const assign = createHashAssigner({ seed: 'model-ab', weights: [0.5, 0.5], coverage: 0.9 });
 * assign('user-1'); // 0, 1, or -1 when outside the 90 % coverage; the same on every call
 * assign('');       // -1
 * ```
 */
export function createHashAssigner(options: HashAssignerOptions): HashAssigner {
  if (options === null || typeof options !== 'object') {
    throw new ValidationError('options', 'must be an object', { received: options });
  }
  const { seed, weights, coverage = 1, hashVersion = 2 } = options;
  if (typeof seed !== 'string' || seed.length === 0) {
    throw new ValidationError(
      'seed',
      'must be a non-empty string (GrowthBook replaces an empty seed by the key)',
      { received: seed },
    );
  }
  if (!Array.isArray(weights) || weights.length < 2) {
    throw new ValidationError(
      'weights',
      'must be an array of at least 2 weights (GrowthBook puts nobody in a test with fewer)',
      { received: weights },
    );
  }
  let total = 0;
  for (let i = 0; i < weights.length; i++) {
    const w: unknown = weights[i];
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) {
      throw new ValidationError(`weights[${i}]`, 'must be a finite number >= 0', { received: w });
    }
    total = w + total;
  }
  if (total < 0.99 || total > 1.01) {
    throw new ValidationError(
      'weights',
      'must add up to 1 (within GrowthBook tolerance 0.99 to 1.01)',
      { received: total },
    );
  }
  if (typeof coverage !== 'number' || !(coverage >= 0 && coverage <= 1)) {
    throw new ValidationError('coverage', 'must be a number in [0, 1]', { received: coverage });
  }
  if (hashVersion !== 1 && hashVersion !== 2) {
    throw new ValidationError('hashVersion', 'must be 1 or 2', { received: hashVersion });
  }

  const ranges = getBucketRanges(weights.length, coverage, weights);
  const size = hashVersion === 2 ? 10000 : 1000;
  const table = weights.length <= 127 ? new Int8Array(size) : new Int32Array(size);
  for (let k = 0; k < size; k++) table[k] = chooseVariation(k / size, ranges);

  if (hashVersion === 1) {
    // fnv1a32(unit + seed): the seed comes last, so it is folded in on every call.
    return (unit: string): number => {
      if (typeof unit !== 'string') {
        throw new ValidationError('unit', 'must be a string', { received: unit });
      }
      if (unit.length === 0) return -1;
      const h = fnv1a32Update(fnv1a32Update(FNV1A32_OFFSET_BASIS, unit), seed);
      return table[h % 1000] as number;
    };
  }
  const seedState = fnv1a32Update(FNV1A32_OFFSET_BASIS, seed) | 0;
  return (unit: string): number => {
    if (typeof unit !== 'string') {
      throw new ValidationError('unit', 'must be a string', { received: unit });
    }
    const length = unit.length;
    if (length === 0) return -1;
    let h = seedState;
    for (let i = 0; i < length; i++) h = Math.imul(h ^ unit.charCodeAt(i), FNV1A32_PRIME);
    return table[(fnv1a32OfDecimalBits(h) >>> 0) % 10000] as number;
  };
}
