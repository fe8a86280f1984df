import { ValidationError } from '../errors.js';

/**
 * The deterministic hashing behind hash-based A/B assignment, bit for bit the same as the
 * GrowthBook JS SDK's `hash()` (packages/sdk-js/src/util.ts), so a unit gets the same variant in
 * quantlab, in GrowthBook and in every GrowthBook port that hashes UTF-16 code units.
 *
 * Nothing here allocates: the seed and the value are hashed one after the other instead of being
 * concatenated (FNV-1a is a left fold, so hashing `a` then continuing with `b` equals hashing
 * `a + b`), and the decimal string of the first hash, which hash version 2 hashes again, is
 * folded digit by digit without building the string.
 *
 * @internal
 * @module
 */

/** The 32-bit FNV offset basis, 2166136261, the state of FNV-1a before any input. */
export const FNV1A32_OFFSET_BASIS = 0x811c9dc5;

/** The 32-bit FNV prime, 16777619 = 2²⁴ + 2⁸ + 0x93. */
export const FNV1A32_PRIME = 0x01000193;

/** A GrowthBook hash version: 1 (the original, biased) or 2 (the current default of GrowthBook's UI). */
export type HashVersion = 1 | 2;

/**
 * Continues a 32-bit FNV-1a hash over the UTF-16 code units of `text`: for each code unit c,
 * `h = (h XOR c) * 16777619 mod 2³²`. `fnv1a32Update(fnv1a32Update(FNV1A32_OFFSET_BASIS, a), b)`
 * equals `fnv1a32(a + b)`, which is how {@link gbHash} avoids concatenating strings.
 *
 * Code units, not code points or UTF-8 bytes: an emoji such as U+1F600 is two code units
 * (a surrogate pair) and a lone surrogate is hashed as it is, exactly as GrowthBook's JS SDK
 * does with `charCodeAt`.
 *
 * @param state - the hash so far: {@link FNV1A32_OFFSET_BASIS} to start, or a previous result.
 * @param text - the string to fold in.
 * @returns the new state, an unsigned 32-bit integer.
 *
 * @example
 * ```ts
 * const seedState = fnv1a32Update(FNV1A32_OFFSET_BASIS, 'seed');
 * fnv1a32Update(seedState, 'user-1') === fnv1a32('seeduser-1'); // true
 * ```
 */
export function fnv1a32Update(state: number, text: string): number {
  let h = state | 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV1A32_PRIME);
  return h >>> 0;
}

/**
 * The 32-bit FNV-1a hash of the UTF-16 code units of `text` (GrowthBook's `hashFnv32a`).
 *
 * @param text - any string; the empty string hashes to the offset basis.
 * @returns an unsigned 32-bit integer.
 *
 * @example
 * ```ts
 * fnv1a32('');  // 2166136261 (0x811c9dc5)
 * fnv1a32('a'); // 3826002220 (0xe40c292c)
 * ```
 */
export function fnv1a32(text: string): number {
  return fnv1a32Update(FNV1A32_OFFSET_BASIS, text);
}

/**
 * The FNV-1a hash of the decimal representation of an unsigned 32-bit integer, that is
 * `fnv1a32(String(value))`, without building the string: the ten possible digits come from two
 * five-digit halves in integer arithmetic and are folded in from the most significant one,
 * skipping leading zeros (0 is the single digit "0").
 *
 * @param value - an integer in [0, 2³²).
 * @returns an unsigned 32-bit integer.
 *
 * @example
 * ```ts
 * fnv1a32OfDecimal(4294967295) === fnv1a32('4294967295'); // true
 * ```
 */
export function fnv1a32OfDecimal(value: number): number {
  return fnv1a32OfDecimalBits(value | 0) >>> 0;
}

/**
 * {@link fnv1a32OfDecimal} on the int32 bit pattern of the unsigned value, returning the int32
 * bit pattern of the hash. Hot-path form: an int32 argument and result stay small integers, so
 * a call that is not inlined boxes no heap number.
 *
 * @param bits - the unsigned 32-bit value as `value | 0`.
 * @returns the hash as an int32 (`>>> 0` gives the unsigned hash).
 *
 * @example
 * ```ts
 * (fnv1a32OfDecimalBits(4294967295 | 0) >>> 0) === fnv1a32('4294967295'); // true
 * ```
 */
export function fnv1a32OfDecimalBits(bits: number): number {
  // `| 0` keeps every intermediate an int32, so `%` and `/` compile to integer operations.
  const value = bits >>> 0;
  let x = (value / 100000) | 0; // the high half: at most 42949, five digits
  let low = (value - x * 100000) | 0; // the low half: five digits, zero-padded when x > 0
  const a4 = x % 10;
  x = (x / 10) | 0;
  const a3 = x % 10;
  x = (x / 10) | 0;
  const a2 = x % 10;
  x = (x / 10) | 0;
  const a1 = x % 10;
  const a0 = (x / 10) | 0;
  const b4 = low % 10;
  low = (low / 10) | 0;
  const b3 = low % 10;
  low = (low / 10) | 0;
  const b2 = low % 10;
  low = (low / 10) | 0;
  const b1 = low % 10;
  const b0 = (low / 10) | 0;
  // '0' is 48. Once the first non-zero digit is in, every later digit is.
  let h = FNV1A32_OFFSET_BASIS | 0;
  let started = false;
  if (a0 !== 0) {
    h = Math.imul(h ^ (48 + a0), FNV1A32_PRIME);
    started = true;
  }
  if (started || a1 !== 0) {
    h = Math.imul(h ^ (48 + a1), FNV1A32_PRIME);
    started = true;
  }
  if (started || a2 !== 0) {
    h = Math.imul(h ^ (48 + a2), FNV1A32_PRIME);
    started = true;
  }
  if (started || a3 !== 0) {
    h = Math.imul(h ^ (48 + a3), FNV1A32_PRIME);
    started = true;
  }
  if (started || a4 !== 0) {
    h = Math.imul(h ^ (48 + a4), FNV1A32_PRIME);
    started = true;
  }
  if (started || b0 !== 0) {
    h = Math.imul(h ^ (48 + b0), FNV1A32_PRIME);
    started = true;
  }
  if (started || b1 !== 0) {
    h = Math.imul(h ^ (48 + b1), FNV1A32_PRIME);
    started = true;
  }
  if (started || b2 !== 0) {
    h = Math.imul(h ^ (48 + b2), FNV1A32_PRIME);
    started = true;
  }
  if (started || b3 !== 0) h = Math.imul(h ^ (48 + b3), FNV1A32_PRIME);
  return Math.imul(h ^ (48 + b4), FNV1A32_PRIME);
}

/**
 * GrowthBook's `hash(seed, value, version)`: a number in [0, 1) that places `value` (a unit id)
 * for the experiment identified by `seed`.
 *
 * - Version 2 (unbiased): `(fnv1a32(String(fnv1a32(seed + value))) % 10000) / 10000`, a multiple
 *   of 0.0001 (the seed comes first; the first hash is hashed again as its decimal string).
 * - Version 1 (original, kept by GrowthBook for old experiments):
 *   `(fnv1a32(value + seed) % 1000) / 1000`, a multiple of 0.001 (the value comes first).
 * - Any other version: `null`, as GrowthBook (its `run()` then puts nobody in the experiment).
 *
 * The result is computed with the same floating-point operations as GrowthBook, so comparing it
 * with bucket ranges gives the same answer at every boundary. Note that GrowthBook's `run()`
 * hashes with version 1 unless the experiment says `hashVersion: 2`, and with
 * `experiment.seed || experiment.key` as the seed.
 *
 * @param seed - the experiment's seed (GrowthBook: its `seed`, else its `key`).
 * @param value - the unit's id (GrowthBook: the hash attribute, `id` by default).
 * @param version - the hash version.
 * @returns the hash in [0, 1), or `null` for an unknown version.
 * @throws ValidationError naming `seed` or `value` when it is not a string.
 *
 * @example
 * ```ts
 * gbHash('seed', 'a', 2); // 0.0505
 * gbHash('', 'a', 1);     // 0.22
 * gbHash('abc', 'def', 99 as HashVersion); // null
 * ```
 */
export function gbHash(seed: string, value: string, version: HashVersion): number;
export function gbHash(seed: string, value: string, version: number): number | null;
export function gbHash(seed: string, value: string, version: number): number | null {
  if (typeof seed !== 'string') {
    throw new ValidationError('seed', 'must be a string', { received: seed });
  }
  if (typeof value !== 'string') {
    throw new ValidationError('value', 'must be a string', { received: value });
  }
  if (version === 2) {
    const first = fnv1a32Update(fnv1a32Update(FNV1A32_OFFSET_BASIS, seed), value);
    return (fnv1a32OfDecimal(first) % 10000) / 10000;
  }
  if (version === 1) {
    return (fnv1a32Update(fnv1a32Update(FNV1A32_OFFSET_BASIS, value), seed) % 1000) / 1000;
  }
  return null;
}
