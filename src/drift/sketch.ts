import { ValidationError } from '../errors.js';
import { quantileLinear } from '../stats/psi.js';
import { createRandom } from '../stats/random.js';
import { sortedCopy } from '../stats/sort.js';
import { summarize } from '../stats/summary.js';
import { checkCount } from '../stats/validate.js';

/**
 * Baseline sketches: what `lab.drift.setBaseline` keeps of a feature's training data, small
 * enough to store per model version and complete enough that a drift check never needs the
 * training data again.
 *
 * - A numeric feature keeps its size, mean, standard deviation, range, a sorted uniform random
 *   sample of at most `maxSamples` values (default 10,000; reservoir sampling, Li's Algorithm L)
 *   and quantile bins (cut points and the exact count of the whole feature in each bin).
 * - A categorical feature keeps the count of each category, capped at `maxCategories`
 *   (default 1,000) named categories; the rest are summed into `__other__`.
 *
 * Both are plain JSON values (numbers, arrays, records; no typed arrays, no Infinity), so they
 * round-trip through `JSON.stringify` / `JSON.parse` unchanged. Their size does not depend on the
 * number of rows: a numeric sketch is about 20 bytes per sampled value (≤ ~200 KB as JSON at the
 * default cap), a categorical one about the size of its category names.
 *
 * @internal
 * @module
 */

/** Default cap on the reservoir sample of a numeric sketch. */
export const DEFAULT_MAX_SAMPLES = 10_000;
/** Default number of quantile bins of a numeric sketch (before tied cut points collapse). */
export const DEFAULT_BINS = 10;
/** Default cap on the named categories of a categorical sketch. */
export const DEFAULT_MAX_CATEGORIES = 1000;
/** The key that collects the categories beyond `maxCategories` in a categorical sketch. */
export const OTHER_CATEGORY = '__other__';
/** Seed of the random source used when none is given: the same data gives the same sketch. */
const DEFAULT_SEED = 'quantlab:drift:sketch';

/**
 * The baseline of a numeric feature.
 *
 * @example
 * ```ts
 * const sketch: NumericSketch = buildNumericSketch([1, 2, 3, 4]);
 * sketch.sample; // [1, 2, 3, 4]: every value, as there are fewer than maxSamples
 * ```
 */
export interface NumericSketch {
  readonly kind: 'numeric';
  /** Number of values the sketch was built from (all of them, not only the sample). */
  readonly count: number;
  /** Mean of all values. */
  readonly mean: number;
  /** Standard deviation of all values (n − 1 denominator; 0 for a single value). */
  readonly sd: number;
  /** Smallest value. */
  readonly min: number;
  /** Largest value. */
  readonly max: number;
  /**
   * A uniform random sample of the values without replacement, sorted ascending: every value
   * when `count <= maxSamples`, otherwise exactly `maxSamples` of them.
   */
  readonly sample: readonly number[];
  /**
   * Interior cut points of the quantile bins, strictly increasing: the quantiles of `sample` at
   * k / bins (k = 1 .. bins − 1; NumPy's default linear interpolation), a cut point kept only
   * when it is above the previous one kept. The bins are (−∞, e₁], (e₁, e₂], …, (eₖ, +∞): closed
   * on the right, as in `psi` of quantlab/stats, which uses the same rule on a raw reference.
   */
  readonly edges: readonly number[];
  /** Exact number of values (all of them, not only the sample) in each bin; `edges.length + 1`. */
  readonly binCounts: readonly number[];
}

/**
 * The baseline of a categorical feature.
 *
 * @example
 * ```ts
 * const sketch: CategoricalSketch = buildCategoricalSketch(['buy', 'sell', 'buy']);
 * sketch.counts; // { buy: 2, sell: 1 }
 * ```
 */
export interface CategoricalSketch {
  readonly kind: 'categorical';
  /** Number of values the sketch was built from. */
  readonly count: number;
  /**
   * Count of each category, most frequent first (ties in code-unit order of the name). At most
   * `maxCategories` named categories; when there are more, the least frequent are summed into
   * {@link OTHER_CATEGORY}. A category literally named `__other__` shares that bucket.
   */
  readonly counts: Readonly<Record<string, number>>;
}

/**
 * A feature's baseline: numeric or categorical.
 *
 * @example
 * ```ts
 * const sketches: Record<string, FeatureSketch> = {
 *   spread: buildNumericSketch(spreads),
 *   side: buildCategoricalSketch(sides),
 * };
 * ```
 */
export type FeatureSketch = NumericSketch | CategoricalSketch;

/**
 * Options of {@link buildNumericSketch}.
 *
 * @example
 * ```ts
 * const options: NumericSketchOptions = { maxSamples: 5000, bins: 20, random: Math.random };
 * ```
 */
export interface NumericSketchOptions {
  /** Cap on the reservoir sample: a whole number ≥ 1. Default 10,000. */
  readonly maxSamples?: number;
  /** Number of quantile bins before tied cut points collapse: a whole number ≥ 2. Default 10. */
  readonly bins?: number;
  /**
   * Uniform random numbers in [0, 1) for the reservoir (the lab's `random` option). Used only
   * when there are more values than `maxSamples`. Default: a generator with a fixed seed created
   * for each call, so the same values always give the same sketch.
   */
  readonly random?: () => number;
  /** The name of the values in error messages, e.g. `features.price`. Default `values`. */
  readonly name?: string;
}

/**
 * Options of {@link buildCategoricalSketch}.
 *
 * @example
 * ```ts
 * const options: CategoricalSketchOptions = { maxCategories: 50, name: 'features.venue' };
 * ```
 */
export interface CategoricalSketchOptions {
  /** Cap on the named categories: a whole number ≥ 1. Default 1,000. */
  readonly maxCategories?: number;
  /** The name of the values in error messages, e.g. `features.side`. Default `values`. */
  readonly name?: string;
}

/**
 * Builds the sketch of a numeric feature: size, mean, standard deviation, range, a sorted
 * uniform random sample of at most `maxSamples` values, and quantile bins with exact counts.
 *
 * - Sample: reservoir sampling with Li's Algorithm L ("Reservoir-sampling algorithms of time
 *   complexity O(n(1 + log(N/n)))", ACM TOMS 20(4), 1994): every subset of `maxSamples` values
 *   is equally likely, and only O(k (1 + log(n / k))) random numbers are drawn for n values and
 *   k = `maxSamples`, so a sketch of millions of rows costs a few linear passes. With n ≤ k the
 *   sample is every value and `random` is not called.
 * - Bins: the cut points are quantiles of the sample, not of the whole data (exact quantiles
 *   would need a sort of all n values: O(n) extra memory and the slowest step by far). With
 *   n ≤ `maxSamples` they are the exact quantiles of the data; above, each bin's share of the
 *   data is within about ±0.3 percentage points (one standard error at 10,000 samples) of
 *   1 / bins. `binCounts` are then counted over all n values, so they are exact for those cut
 *   points and binned tests (PSI, Jensen-Shannon, chi-square on bins) see the whole baseline.
 *
 * Cost: O(n log bins) time for n values (validation, two passes for mean and variance, one for
 * the range and bins) plus O(k log k) to sort the sample; O(k) memory. Deterministic given the
 * random source.
 *
 * @param values - The feature's values: finite numbers, at least one.
 * @throws `ValidationError` naming the offending element (e.g. `features.price[12]`) when a
 *   value is NaN, ±Infinity or not a number, naming the values when there are none, and naming
 *   `maxSamples` or `bins` when they are not whole numbers in range.
 *
 * @example
 * ```ts
 * import { createRandom } from 'quantlab/stats';
 *
 * const sketch = buildNumericSketch(prices, { random: createRandom(7).uniform, name: 'features.price' });
 * sketch.sample.length; // min(prices.length, 10000)
 * JSON.parse(JSON.stringify(sketch)); // deep-equals sketch
 * ```
 */
export function buildNumericSketch(
  values: ArrayLike<number>,
  {
    maxSamples = DEFAULT_MAX_SAMPLES,
    bins = DEFAULT_BINS,
    random,
    name = 'values',
  }: NumericSketchOptions = {},
): NumericSketch {
  checkCount(maxSamples, 'maxSamples', 1);
  checkCount(bins, 'bins', 2);
  if (random !== undefined && typeof random !== 'function') {
    throw new ValidationError('random', 'must be a function returning numbers in [0, 1)', {
      received: random,
    });
  }
  const { n, mean, variance } = summarize(values, name); // validates every value
  let min = values[0] as number;
  let max = min;
  for (let i = 1; i < n; i++) {
    const x = values[i] as number;
    if (x < min) min = x;
    else if (x > max) max = x;
  }
  const sorted = sortedCopy(
    n <= maxSamples
      ? values
      : reservoirSample(values, maxSamples, random ?? createRandom(DEFAULT_SEED).uniform),
  );
  const edges = quantileEdges(sorted, bins);
  const binCounts = new Array<number>(edges.length + 1).fill(0);
  for (let i = 0; i < n; i++) {
    const b = binOf(edges, values[i] as number);
    binCounts[b] = (binCounts[b] as number) + 1;
  }
  return {
    kind: 'numeric',
    count: n,
    mean,
    sd: Math.sqrt(variance),
    // `+ 0` turns −0 into 0, so the sketch survives a JSON round trip unchanged.
    min: min + 0,
    max: max + 0,
    sample: Array.from(sorted, (x) => x + 0),
    edges,
    binCounts,
  };
}

/**
 * Builds the sketch of a categorical feature: the count of each category, most frequent first.
 * When there are more than `maxCategories` distinct categories, the `maxCategories` most
 * frequent keep their own count (ties broken by code-unit order of the name, so the result does
 * not depend on the order of the values) and the others are summed into `__other__`. Counting
 * is exact (one `Map` over the distinct values); only the stored result is capped.
 *
 * @param values - The feature's values: strings, at least one.
 * @throws `ValidationError` naming the offending element (e.g. `features.side[3]`) when a value
 *   is not a string, naming the values when there are none, and naming `maxCategories` when it
 *   is not a whole number ≥ 1.
 *
 * @example
 * ```ts
 * buildCategoricalSketch(['buy', 'sell', 'buy', 'hold'], { maxCategories: 2 });
 * // { kind: 'categorical', count: 4, counts: { buy: 2, hold: 1, __other__: 1 } }
 * ```
 */
export function buildCategoricalSketch(
  values: ArrayLike<string>,
  { maxCategories = DEFAULT_MAX_CATEGORIES, name = 'values' }: CategoricalSketchOptions = {},
): CategoricalSketch {
  checkCount(maxCategories, 'maxCategories', 1);
  const counts = countCategories(values, name);
  const entries = [...counts].sort(byCountThenName);
  if (entries.length > maxCategories) {
    let other = 0;
    for (let i = maxCategories; i < entries.length; i++)
      other += (entries[i] as [string, number])[1];
    entries.length = maxCategories;
    const named = entries.findIndex(([key]) => key === OTHER_CATEGORY);
    if (named >= 0) other += (entries.splice(named, 1)[0] as [string, number])[1];
    entries.push([OTHER_CATEGORY, other]);
  }
  // Object.fromEntries defines own data properties, so a category named `__proto__` is safe.
  return { kind: 'categorical', count: values.length, counts: Object.fromEntries(entries) };
}

/**
 * Builds the sketch that fits the values: categorical when the first value is a string,
 * numeric otherwise (and every value must then be a finite number). The shape the facade's
 * `setBaseline({ features: Record<string, number[] | string[]> })` needs.
 *
 * @throws `ValidationError` as {@link buildNumericSketch} or {@link buildCategoricalSketch}.
 *
 * @example
 * ```ts
 * buildSketch([0.1, 0.2], { name: 'features.spread' }).kind; // 'numeric'
 * buildSketch(['a', 'b'], { name: 'features.side' }).kind; // 'categorical'
 * ```
 */
export function buildSketch(
  values: ArrayLike<number> | ArrayLike<string>,
  options: NumericSketchOptions & CategoricalSketchOptions = {},
): FeatureSketch {
  const name = options.name ?? 'values';
  checkArrayLike(values, name);
  if (values.length > 0 && typeof values[0] === 'string') {
    return buildCategoricalSketch(values as ArrayLike<string>, options);
  }
  return buildNumericSketch(values as ArrayLike<number>, options);
}

/**
 * Counts each distinct string of `values` (in first-seen order), validating that every value is
 * a string and that there is at least one.
 *
 * @example
 * ```ts
 * countCategories(['a', 'b', 'a'], 'features.side'); // Map { 'a' => 2, 'b' => 1 }
 * ```
 */
export function countCategories(values: ArrayLike<string>, name: string): Map<string, number> {
  checkArrayLike(values, name);
  if (values.length < 1) {
    throw new ValidationError(name, 'must contain at least 1 value', { received: 0 });
  }
  const counts = new Map<string, number>();
  for (let i = 0; i < values.length; i++) {
    const v: unknown = values[i];
    if (typeof v !== 'string') {
      throw new ValidationError(`${name}[${i}]`, 'must be a string', { received: v });
    }
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  return counts;
}

/**
 * The index of the right-closed bin of `x` among the cut points `edges` (ascending): the number
 * of cut points strictly below `x`, so a value equal to a cut point falls in the lower bin.
 *
 * @example
 * ```ts
 * binOf([1, 2], 0.5); // 0
 * binOf([1, 2], 1); // 0
 * binOf([1, 2], 1.5); // 1
 * binOf([1, 2], 9); // 2
 * ```
 */
export function binOf(edges: readonly number[], x: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((edges[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Algorithm L: a uniform sample of k values out of `values` (n > k), unsorted. */
function reservoirSample(values: ArrayLike<number>, k: number, random: () => number): Float64Array {
  const indexes = reservoirIndexes(values.length, k, random);
  const reservoir = new Float64Array(k);
  for (let i = 0; i < k; i++) reservoir[i] = values[indexes[i] as number] as number;
  return reservoir;
}

/**
 * Li's Algorithm L over positions: k distinct indexes out of 0 .. n − 1 (n > k), every subset
 * equally likely, in no particular order; O(k (1 + log(n / k))) random numbers.
 *
 * @internal
 * @example
 * ```ts
 * reservoirIndexes(1_000_000, 3, Math.random); // e.g. Int32Array [ 412, 9071, 771002 ]
 * ```
 */
export function reservoirIndexes(n: number, k: number, random: () => number): Int32Array {
  const reservoir = new Int32Array(k);
  for (let i = 0; i < k; i++) reservoir[i] = i;
  // 1 − u is in (0, 1], so its logarithm is finite; log1p keeps log(1 − w) non-zero for tiny w.
  const draw = (): number => Math.log(1 - random());
  let w = Math.exp(draw() / k);
  let i = k - 1;
  for (;;) {
    const skip = Math.floor(draw() / Math.log1p(-w));
    if (!(skip >= 0)) break; // w rounded to 1 or a bad random value: stop rather than loop
    i += skip + 1;
    if (i >= n) break;
    reservoir[Math.min(Math.floor(random() * k), k - 1)] = i;
    w *= Math.exp(draw() / k);
  }
  return reservoir;
}

/** Cut points at the quantiles k / bins of an ascending sample, tied cut points collapsed. */
function quantileEdges(sorted: Float64Array, bins: number): number[] {
  const edges: number[] = [];
  for (let k = 1; k < bins; k++) {
    const c = quantileLinear(sorted, k / bins) + 0;
    if (edges.length === 0 || c > (edges[edges.length - 1] as number)) edges.push(c);
  }
  return edges;
}

function byCountThenName(a: [string, number], b: [string, number]): number {
  if (a[1] !== b[1]) return b[1] - a[1];
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

function checkArrayLike(values: unknown, name: string): void {
  if (
    values === null ||
    typeof values !== 'object' ||
    typeof (values as { length?: unknown }).length !== 'number'
  ) {
    throw new ValidationError(name, 'must be an array of numbers or of strings', {
      received: values,
    });
  }
}
