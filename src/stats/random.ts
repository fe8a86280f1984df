import { ValidationError } from '../errors.js';
import { checkCount, checkFiniteNumber, checkPositive } from './validate.js';

/**
 * The serialisable state of a {@link Random}: a plain JSON-able object. Store it (for example
 * with a bot's checkpoint) and pass it to {@link randomFromState} to resume the exact stream.
 *
 * @example
 * ```ts
 * createRandom(42).state();
 * // { algorithm: 'xoshiro128**', s: [803958421, 3184996902, 2993090819, 686809907], spare: null }
 * ```
 */
export interface RandomState {
  /** The generator; only `'xoshiro128**'` exists. */
  readonly algorithm: 'xoshiro128**';
  /** The four 32-bit state words as unsigned integers, not all 0. */
  readonly s: readonly [number, number, number, number];
  /** The second normal deviate of the last polar-method pair, not yet used; else `null`. */
  readonly spare: number | null;
}

/**
 * A seeded pseudo-random number generator with common distributions (see {@link createRandom}
 * for the algorithms and their references). Every member is a plain closure, so it can be
 * passed around detached: `createRandom(7).uniform` is a valid `() => number` (the shape of the
 * lab's `random` option).
 *
 * @example
 * ```ts
 * const { uniform, normal, beta } = createRandom('run-17');
 * const shock = normal(0, 0.02);
 * const conversion = beta(1 + wins, 1 + losses); // a Thompson-sampling draw
 * ```
 */
export interface Random {
  /** A uniform double in [0, 1) with 53 random bits: a multiple of 2⁻⁵³. */
  readonly uniform: () => number;
  /** The generator's next raw output: a uniform integer in [0, 2³²). */
  readonly uint32: () => number;
  /** A uniform integer in [0, maxExclusive), without modulo bias; `maxExclusive` ≤ 2⁵³ − 1. */
  readonly int: (maxExclusive: number) => number;
  /** A normal deviate with the given mean (default 0) and standard deviation ≥ 0 (default 1). */
  readonly normal: (mean?: number, sd?: number) => number;
  /** A gamma deviate with shape k > 0 and scale θ > 0 (default 1): mean kθ, variance kθ². */
  readonly gamma: (shape: number, scale?: number) => number;
  /** A beta deviate with shapes a > 0 and b > 0: mean a / (a + b), in [0, 1]. */
  readonly beta: (a: number, b: number) => number;
  /** A snapshot of the state; {@link randomFromState} resumes the stream from it. */
  readonly state: () => RandomState;
  /**
   * A new generator seeded from the next 128 bits of this one (hashed with SplitMix64), for an
   * independent sub-stream (per worker, per simulation). Advances this generator by 4 outputs.
   */
  readonly fork: () => Random;
}

const ALGORITHM = 'xoshiro128**';
const MASK64 = 0xffffffffffffffffn;
const GOLDEN64 = 0x9e3779b97f4a7c15n;
const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const TWO_POW_26 = 67108864;
const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

/**
 * Creates a deterministic pseudo-random number generator: the same seed gives the same sequence
 * on every platform and release (the stream is pinned by golden tests).
 *
 * The generator is xoshiro128** (Blackman & Vigna, "Scrambled linear pseudorandom number
 * generators", ACM TOMS 47(4), 2021): 128-bit state, period 2¹²⁸ − 1, 32-bit operations only.
 * The state is filled with two outputs of SplitMix64 (Steele, Lea & Flood, "Fast splittable
 * pseudorandom number generators", OOPSLA 2014) started at the seed, as the xoshiro authors
 * recommend. A number seed must be a safe integer and is read as a 64-bit two's-complement value
 * (distinct safe integers give distinct states); a string seed is first hashed to 64 bits with
 * FNV-1a over its UTF-8 bytes.
 *
 * Not cryptographically secure: never use it for keys, tokens or anything an adversary may guess.
 *
 * @param seed - A safe integer, or any string (for example an experiment or run id).
 * @throws `ValidationError` when `seed` is neither a safe integer nor a string.
 *
 * @example
 * ```ts
 * const rng = createRandom('backtest-2024-06');
 * rng.uniform(); // in [0, 1)
 * rng.normal(0, 0.01); // a daily return
 * const lab = await createLab(memory(), { random: createRandom(42).uniform });
 * ```
 */
export function createRandom(seed: number | string): Random {
  let seed64: bigint;
  if (typeof seed === 'number' && Number.isSafeInteger(seed)) {
    seed64 = BigInt.asUintN(64, BigInt(seed));
  } else if (typeof seed === 'string') {
    seed64 = fnv1a64(new TextEncoder().encode(seed));
  } else {
    throw new ValidationError('seed', 'must be a safe integer or a string', { received: seed });
  }
  let x = seed64;
  x = (x + GOLDEN64) & MASK64;
  const a = splitMix64(x);
  x = (x + GOLDEN64) & MASK64;
  const b = splitMix64(x);
  return fromWords(a, b, null);
}

/**
 * Recreates a generator from a {@link RandomState} taken with `random.state()` (possibly after a
 * JSON round trip); it continues exactly where the original was when the state was taken.
 *
 * @param state - A state from {@link Random.state}.
 * @throws `ValidationError` naming the bad field when the state is malformed.
 *
 * @example
 * ```ts
 * const saved = JSON.stringify(rng.state());
 * // ... after a restart:
 * const rng2 = randomFromState(JSON.parse(saved)); // continues rng's stream
 * ```
 */
export function randomFromState(state: RandomState): Random {
  if (state === null || typeof state !== 'object') {
    throw new ValidationError('state', 'must be a state object from random.state()', {
      received: state,
    });
  }
  if (state.algorithm !== ALGORITHM) {
    throw new ValidationError('state.algorithm', `must be '${ALGORITHM}'`, {
      received: state.algorithm,
    });
  }
  const s: unknown = state.s;
  if (!Array.isArray(s) || s.length !== 4) {
    throw new ValidationError('state.s', 'must be an array of 4 unsigned 32-bit integers', {
      received: s,
    });
  }
  for (let i = 0; i < 4; i++) {
    const w: unknown = s[i];
    if (typeof w !== 'number' || !Number.isInteger(w) || w < 0 || w >= TWO_POW_32) {
      throw new ValidationError(`state.s[${i}]`, 'must be an unsigned 32-bit integer', {
        received: w,
      });
    }
  }
  if (s[0] === 0 && s[1] === 0 && s[2] === 0 && s[3] === 0) {
    throw new ValidationError('state.s', 'must not be all zero', { received: s });
  }
  const spare: unknown = state.spare;
  if (spare !== null) checkFiniteNumber(spare, 'state.spare');
  return build(s[0] as number, s[1] as number, s[2] as number, s[3] as number, spare);
}

/** Starts xoshiro128** from two 64-bit words (low half first), guarding the all-zero state. */
function fromWords(a: bigint, b: bigint, spare: number | null): Random {
  const w0 = Number(a & 0xffffffffn);
  const w1 = Number(a >> 32n);
  const w2 = Number(b & 0xffffffffn);
  const w3 = Number(b >> 32n);
  // All zero is a fixed point of xoshiro; no safe-integer seed reaches it, a hash could (2⁻⁶⁴).
  if ((w0 | w1 | w2 | w3) === 0) return build(0x9e3779b9, 0, 0, 0, spare);
  return build(w0, w1, w2, w3, spare);
}

function build(w0: number, w1: number, w2: number, w3: number, spare0: number | null): Random {
  let s0 = w0 | 0;
  let s1 = w1 | 0;
  let s2 = w2 | 0;
  let s3 = w3 | 0;
  let spare = spare0;

  const uint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result >>> 0;
  };

  /** 53 random bits as an integer in [0, 2⁵³): 27 high bits of one output, 26 of the next. */
  const bits53 = (): number => (uint32() >>> 5) * TWO_POW_26 + (uint32() >>> 6);

  const uniform = (): number => bits53() / TWO_POW_53;

  const int = (maxExclusive: number): number => {
    checkCount(maxExclusive, 'maxExclusive', 1);
    // Rejection of the incomplete last block of outputs removes the modulo bias.
    if (maxExclusive <= TWO_POW_32) {
      const limit = TWO_POW_32 - (TWO_POW_32 % maxExclusive);
      let r = uint32();
      while (r >= limit) r = uint32();
      return r % maxExclusive;
    }
    const limit = TWO_POW_53 - (TWO_POW_53 % maxExclusive);
    let r = bits53();
    while (r >= limit) r = bits53();
    return r % maxExclusive;
  };

  /** Marsaglia–Bray polar method; the second deviate of each pair is kept for the next call. */
  const standardNormal = (): number => {
    if (spare !== null) {
      const z = spare;
      spare = null;
      return z;
    }
    let u: number;
    let v: number;
    let q: number;
    do {
      u = 2 * uniform() - 1;
      v = 2 * uniform() - 1;
      q = u * u + v * v;
    } while (q >= 1 || q === 0);
    const f = Math.sqrt((-2 * Math.log(q)) / q);
    spare = v * f;
    return u * f;
  };

  const normal = (mean = 0, sd = 1): number => {
    checkFiniteNumber(mean, 'mean');
    if (typeof sd !== 'number' || !(sd >= 0) || !Number.isFinite(sd)) {
      throw new ValidationError('sd', 'must be a finite number of at least 0', { received: sd });
    }
    return mean + sd * standardNormal();
  };

  /** Marsaglia–Tsang squeeze/rejection for shape ≥ 1. */
  const marsagliaTsang = (shape: number): number => {
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = standardNormal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = uniform();
      const x2 = x * x;
      if (u < 1 - 0.0331 * x2 * x2) return d * v;
      if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v;
    }
  };

  /** log of a standard gamma deviate; shape < 1 uses the boost G(k) = G(k + 1) · U^(1/k). */
  const logStandardGamma = (shape: number): number => {
    if (shape >= 1) return Math.log(marsagliaTsang(shape));
    const g = marsagliaTsang(shape + 1);
    return Math.log(g) + Math.log(1 - uniform()) / shape;
  };

  const gamma = (shape: number, scale = 1): number => {
    checkPositive(shape, 'shape');
    checkPositive(scale, 'scale');
    if (shape >= 1) return marsagliaTsang(shape) * scale;
    const g = marsagliaTsang(shape + 1);
    return g * (1 - uniform()) ** (1 / shape) * scale;
  };

  const beta = (a: number, b: number): number => {
    checkPositive(a, 'a');
    checkPositive(b, 'b');
    // X / (X + Y) = 1 / (1 + exp(log Y − log X)): no 0 / 0 when tiny shapes underflow X and Y.
    const lx = logStandardGamma(a);
    const ly = logStandardGamma(b);
    const d = ly - lx;
    // Both logs −∞ (subnormal shapes): the limit law is Bernoulli(a / (a + b)).
    if (Number.isNaN(d)) return uniform() * (a + b) < a ? 1 : 0;
    return 1 / (1 + Math.exp(d));
  };

  const state = (): RandomState => ({
    algorithm: ALGORITHM,
    s: [s0 >>> 0, s1 >>> 0, s2 >>> 0, s3 >>> 0],
    spare,
  });

  const fork = (): Random => {
    const a = BigInt(uint32()) | (BigInt(uint32()) << 32n);
    const b = BigInt(uint32()) | (BigInt(uint32()) << 32n);
    return fromWords(
      splitMix64((a + GOLDEN64) & MASK64),
      splitMix64((b + GOLDEN64) & MASK64),
      null,
    );
  };

  return { uniform, uint32, int, normal, gamma, beta, state, fork };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** The SplitMix64 output function (Stafford's Mix13): a bijection of 64-bit words. */
function splitMix64(x: bigint): bigint {
  let z = x;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

/** 64-bit FNV-1a hash of bytes. */
function fnv1a64(bytes: Uint8Array): bigint {
  let h = FNV_OFFSET;
  for (const byte of bytes) h = ((h ^ BigInt(byte)) * FNV_PRIME) & MASK64;
  return h;
}
