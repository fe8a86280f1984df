import { readFileSync } from 'node:fs';

/**
 * Loader for test/fixtures/stats/comparison.json (written by generate_comparison.py next to it)
 * and the deterministic sample generators it refers to, mirrored bit for bit from the Python.
 */

/** A sample generated from a 32-bit integer hash; see `hash_sample` in the generator. */
export interface HashSpec {
  readonly gen: 'hash';
  readonly n: number;
  readonly seed: number;
  readonly scale?: number;
  readonly shift?: number;
  readonly levels?: number;
  readonly replace?: number;
  readonly replace_seed?: number;
}

/** (start + i) * scale + shift for i < n; see `range_sample` in the generator. */
export interface RangeSpec {
  readonly gen: 'range';
  readonly n: number;
  readonly start: number;
  readonly scale: number;
  readonly shift: number;
}

export type Sample = readonly number[] | HashSpec | RangeSpec;

export interface KsCase {
  readonly name: string;
  readonly a: Sample;
  readonly b: Sample;
  readonly statistic: number;
  readonly pvalue: number;
  readonly method: 'exact' | 'asymptotic';
}

export interface WassersteinCase {
  readonly name: string;
  readonly u: Sample;
  readonly v: Sample;
  readonly distance: number;
}

export interface JensenShannonCase {
  readonly name: string;
  readonly p: readonly number[];
  readonly q: readonly number[];
  readonly distance: number;
}

export interface PsiCase {
  readonly name: string;
  readonly reference: readonly number[];
  readonly current: readonly number[];
  readonly bins: number;
  readonly psi: number;
  readonly cuts: readonly number[];
  readonly referenceCounts: readonly number[];
  readonly currentCounts: readonly number[];
  readonly contributions: readonly number[];
}

export interface ComparisonFixtures {
  readonly scipy: string;
  readonly numpy: string;
  readonly ks: readonly KsCase[];
  readonly wasserstein: readonly WassersteinCase[];
  readonly jensenshannon: readonly JensenShannonCase[];
  readonly psi: readonly PsiCase[];
}

let cached: ComparisonFixtures | undefined;

export function comparisonFixtures(): ComparisonFixtures {
  cached ??= JSON.parse(
    readFileSync(new URL('../fixtures/stats/comparison.json', import.meta.url), 'utf8'),
  ) as ComparisonFixtures;
  return cached;
}

function hashU32(i: number, seed: number): number {
  let h = (Math.imul(i, 0x9e3779b1) + Math.imul(seed, 0x85ebca77)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** u_i = hash(i, seed) / 2^32: pseudo-random uniforms on [0, 1), exact in JS and Python. */
export function hashUniforms(n: number, seed: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = hashU32(i, seed) / 4294967296;
  return out;
}

/** The sample a fixture describes, as SciPy saw it. */
export function materialise(sample: Sample): ArrayLike<number> {
  if (Array.isArray(sample)) return sample as readonly number[];
  const spec = sample as HashSpec | RangeSpec;
  if (spec.gen === 'range') {
    const out = new Float64Array(spec.n);
    for (let i = 0; i < spec.n; i++) out[i] = (i + spec.start) * spec.scale + spec.shift;
    return out;
  }
  const u = hashUniforms(spec.n, spec.seed);
  if (spec.replace !== undefined) {
    u.set(hashUniforms(spec.replace, spec.replace_seed as number));
  }
  const { levels } = spec;
  if (levels !== undefined) {
    for (let i = 0; i < u.length; i++) u[i] = Math.floor((u[i] as number) * levels);
    return u;
  }
  const scale = spec.scale ?? 1.0;
  const shift = spec.shift ?? 0.0;
  for (let i = 0; i < u.length; i++) u[i] = (u[i] as number) * scale + shift;
  return u;
}
