import { sortedCopy } from './sort.js';
import { checkCount, checkSample } from './validate.js';

/**
 * The floor applied to each bin's share before the logarithm in {@link psi}, so an empty bin
 * contributes a large but finite amount instead of Infinity.
 */
export const PSI_EPSILON = 1e-4;

/** Options of {@link psi}. */
export interface PsiOptions {
  /** Number of quantile bins of the reference before ties are collapsed: a whole number >= 2. */
  readonly bins?: number;
}

/** One bin of a {@link PsiResult}: the interval (lower, upper] and what fell into it. */
export interface PsiBin {
  /** Exclusive lower edge; -Infinity for the first bin. */
  readonly lower: number;
  /** Inclusive upper edge; +Infinity for the last bin. */
  readonly upper: number;
  /** Number of reference values in the bin. */
  readonly referenceCount: number;
  /** Number of current values in the bin. */
  readonly currentCount: number;
  /** referenceCount / reference.length, before the epsilon floor. */
  readonly referenceShare: number;
  /** currentCount / current.length, before the epsilon floor. */
  readonly currentShare: number;
  /** This bin's term of the PSI sum (>= 0), computed with the floored shares. */
  readonly contribution: number;
}

/** Result of {@link psi}. */
export interface PsiResult {
  /** The Population Stability Index: the sum of the bins' contributions, >= 0. */
  readonly psi: number;
  /** The bins in increasing order; their contributions show where the drift is. */
  readonly bins: readonly PsiBin[];
}

/**
 * Population Stability Index of `current` against `reference`, with bins at quantiles of the
 * reference:
 *
 *   PSI = sum over bins of (c_i - r_i) ln(c_i / r_i),   r_i = max(R_i, 1e-4), c_i = max(C_i, 1e-4)
 *
 * where R_i and C_i are the shares of the reference and of the current sample in bin i. Every
 * term is >= 0, so PSI >= 0, and PSI is 0 when both samples fill the bins in the same
 * proportions. A common reading: < 0.1 stable, 0.1 to 0.25 moderate shift, > 0.25 major shift.
 *
 * Exact rules (the test fixtures come from a NumPy implementation of the same rules):
 * 1. Cut points: the reference quantiles at probabilities k / bins, k = 1 .. bins - 1, with
 *    NumPy's default `np.quantile(reference, k / bins)` (method `'linear'`, Hyndman and Fan
 *    type 7: position h = (n - 1) p in the sorted sample, linear interpolation between its
 *    neighbours, computed with NumPy's `_lerp` arithmetic so edges agree bit for bit).
 * 2. Ties: a cut point is kept only if it is strictly greater than the last one kept, so tied
 *    reference values never produce zero-width (always empty) bins, and there can be fewer
 *    than `bins` bins (two when the reference is constant: up to and above that value). A bin
 *    can still be empty in the reference when an interpolated cut point falls in a gap between
 *    reference values, e.g. (0, 0.3] for the reference [0, 0, 0, 0, 0, 0, 0, 1, 2, 3] with 10
 *    bins; rule 4 handles it, and current values landing there do signal a shift.
 * 3. Bins: with kept cut points e_1 < ... < e_k the bins are (-Infinity, e_1], (e_1, e_2], ...,
 *    (e_k, +Infinity). They are closed on the right, so a value equal to a cut point (often a
 *    tied reference value) counts in the lower bin, and the outer bins catch every current
 *    value outside the reference's range.
 * 4. Empty bins: each share is floored at {@link PSI_EPSILON} = 1e-4 before the difference and
 *    the logarithm (no renormalisation afterwards), so an empty bin adds a finite penalty. The
 *    bin breakdown reports the raw shares and counts.
 *
 * Cost: O(n log n) to sort a copy of the reference, O(m log bins) to place the current values.
 * Throws a `ValidationError` naming `reference`, `current` (or an element, e.g. `current[5]`)
 * when a sample is empty or not finite, and `bins` when it is not a whole number >= 2.
 *
 * Reference: Yurdakul, B. (2018) "Statistical properties of population stability index",
 * Western Michigan University dissertation (definition and thresholds).
 *
 * @example
 * ```ts
 * const reference = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
 * const report = psi(reference, [6, 7, 8, 9, 10, 11, 12, 13, 14, 15], { bins: 5 });
 * report.psi; // 3.734537005628603: a major shift
 * report.bins.map((b) => b.upper); // [2.8, 4.6, 6.3999999999999995, 8.2, Infinity]
 * ```
 */
export function psi(
  reference: ArrayLike<number>,
  current: ArrayLike<number>,
  { bins = 10 }: PsiOptions = {},
): PsiResult {
  checkSample(reference, 'reference');
  checkSample(current, 'current');
  checkCount(bins, 'bins', 2);

  const sorted = sortedCopy(reference);

  const cuts: number[] = [];
  for (let k = 1; k < bins; k++) {
    const c = quantileLinear(sorted, k / bins);
    if (cuts.length === 0 || c > (cuts[cuts.length - 1] as number)) cuts.push(c);
  }

  const nBins = cuts.length + 1;
  const refCounts = new Float64Array(nBins);
  const curCounts = new Float64Array(nBins);
  for (let i = 0; i < sorted.length; i++) {
    const b = binOf(cuts, sorted[i] as number);
    refCounts[b] = (refCounts[b] as number) + 1;
  }
  for (let i = 0; i < current.length; i++) {
    const b = binOf(cuts, current[i] as number);
    curCounts[b] = (curCounts[b] as number) + 1;
  }

  const out: PsiBin[] = [];
  let total = 0;
  for (let b = 0; b < nBins; b++) {
    const referenceCount = refCounts[b] as number;
    const currentCount = curCounts[b] as number;
    const referenceShare = referenceCount / sorted.length;
    const currentShare = currentCount / current.length;
    const r = Math.max(referenceShare, PSI_EPSILON);
    const c = Math.max(currentShare, PSI_EPSILON);
    const contribution = (c - r) * Math.log(c / r);
    total += contribution;
    out.push({
      lower: b === 0 ? Number.NEGATIVE_INFINITY : (cuts[b - 1] as number),
      upper: b === nBins - 1 ? Number.POSITIVE_INFINITY : (cuts[b] as number),
      referenceCount,
      currentCount,
      referenceShare,
      currentShare,
      contribution,
    });
  }
  return { psi: total, bins: out };
}

/**
 * `np.quantile(sorted, p)` with method 'linear' (Hyndman and Fan type 7) and NumPy's `_lerp`
 * arithmetic, on an ascending sample.
 *
 * @example
 * ```ts
 * quantileLinear(Float64Array.of(1, 2, 3, 4), 0.5); // 2.5
 * ```
 * @internal
 */
export function quantileLinear(sorted: Float64Array, p: number): number {
  const n = sorted.length;
  const vi = (n - 1) * p;
  if (vi >= n - 1) return sorted[n - 1] as number;
  const lo = Math.floor(vi);
  const gamma = vi - lo;
  const a = sorted[lo] as number;
  const b = sorted[lo + 1] as number;
  const diff = b - a;
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
}

/** Index of the bin (right-closed) holding x: the number of cut points strictly below x. */
function binOf(cuts: readonly number[], x: number): number {
  let lo = 0;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((cuts[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
