import { kstwoSf } from './kolmogorov.js';
import { sortedCopy } from './sort.js';
import { checkSample } from './validate.js';

/** Result of {@link ksTwoSample}. */
export interface KsTwoSampleResult {
  /**
   * The two-sided statistic D = max over x of |F_a(x) - F_b(x)|, the largest gap between the
   * two empirical distribution functions; in [0, 1].
   */
  readonly statistic: number;
  /** Two-sided p-value Pr(D >= observed) under the null hypothesis; in [0, 1]. */
  readonly pValue: number;
  /**
   * How the p-value was computed: `'exact'` (lattice-path count) or `'asymptotic'` (the
   * distribution of the one-sample statistic with the effective sample size).
   */
  readonly method: 'exact' | 'asymptotic';
}

/** SciPy's MAX_AUTO_N: the exact p-value is attempted when both samples are at most this big. */
const MAX_AUTO_N = 10000;

/**
 * Two-sample Kolmogorov-Smirnov test, two-sided: does `a` come from the same continuous
 * distribution as `b`? Same statistic, p-value and method choice as SciPy's
 * `scipy.stats.ks_2samp(a, b, alternative='two-sided', method='auto')`.
 *
 * Statistic: with F_a, F_b the empirical CDFs (F(x) = #{values <= x} / n, so ties are handled
 * as SciPy's `searchsorted(..., side='right')` does), D = max(max(F_a - F_b), max(F_b - F_a))
 * over the pooled values. Both samples are copied into `Float64Array`s, sorted numerically and
 * merged in one pass: O((n + m) log(n + m)) time, no allocation per value.
 *
 * p-value:
 * - exact, when max(n, m) <= 10000: D is snapped to h / lcm(n, m) with h = round(D lcm(n, m))
 *   (the returned statistic is that snapped value, as in SciPy), and Pr(D >= h / lcm) is the
 *   share of monotone lattice paths from (0, 0) to (n, m) that leave the band |x/n - y/m| <
 *   h / lcm. For n = m it is the alternating reflection sum 2 sum_k (-1)^(k-1) C(2n, n - kh) /
 *   C(2n, n) evaluated Horner-style; otherwise Hodges' inside method with Viehmann's recursion for
 *   1 - p (Hodges 1958; Viehmann 2021, arXiv:2102.08037). Both give p directly, not as
 *   1 - (1 - p), so tiny p-values keep their relative accuracy down to underflow. If the result
 *   is not a probability (a numerical failure) SciPy's fallback applies: the asymptotic p-value
 *   of the snapped D is returned.
 * - asymptotic, otherwise: Pr(D_k >= D) for the one-sample two-sided statistic with
 *   k = round(n m / (n + m)) (round half to even), i.e. SciPy's `kstwo.sf(D, k)` (Simard and
 *   L'Ecuyer 2011; see `kolmogorov.ts`).
 *
 * The p-value is clipped to [0, 1]. Needs at least one finite value in each sample; throws a
 * `ValidationError` naming `a` or `b` (or the offending element, e.g. `a[3]`) otherwise.
 *
 * References: Hodges, J. L. (1958) "The significance probability of the Smirnov two-sample
 * test", Arkiv för Matematik 3(43), 469-486; Simard, R., L'Ecuyer, P. (2011) J. Stat. Software
 * 39(11); SciPy `scipy/stats/_stats_py.py` (`ks_2samp`).
 *
 * @example
 * ```ts
 * const { statistic, pValue } = ksTwoSample([0.1, 0.4, 0.7], [0.5, 0.9, 1.3, 1.8]);
 * // statistic 0.75, pValue 0.22857142857142862, method 'exact'
 * ```
 */
export function ksTwoSample(a: ArrayLike<number>, b: ArrayLike<number>): KsTwoSampleResult {
  checkSample(a, 'a');
  checkSample(b, 'b');
  const x = sortedCopy(a);
  const y = sortedCopy(b);
  const n1 = x.length;
  const n2 = y.length;

  // One merge pass over distinct pooled values. F_a - F_b is 0 at the largest value, so both
  // extremes start at 0; once one sample is exhausted the remaining gaps shrink monotonically
  // to 0 and cannot change either extreme.
  let maxDiff = 0;
  let minDiff = 0;
  let i = 0;
  let j = 0;
  while (i < n1 && j < n2) {
    const xi = x[i] as number;
    const yj = y[j] as number;
    const v = Math.min(xi, yj);
    if (xi === v) {
      i++;
      while (i < n1 && x[i] === v) i++;
    }
    if (yj === v) {
      j++;
      while (j < n2 && y[j] === v) j++;
    }
    const diff = i / n1 - j / n2;
    if (diff > maxDiff) maxDiff = diff;
    else if (diff < minDiff) minDiff = diff;
  }
  const minS = Math.min(Math.max(-minDiff, 0), 1);
  let d = Math.max(minS, maxDiff);

  if (Math.max(n1, n2) <= MAX_AUTO_N) {
    const g = gcd(n1, n2);
    const lcm = (n1 / g) * n2;
    const h = roundHalfEven(d * lcm);
    d = (h * 1.0) / lcm;
    if (h === 0) return { statistic: d, pValue: 1, method: 'exact' };
    const prob = n1 === n2 ? probOutsideSquare(n1, h) : probOutsideBand(n1, n2, g, h);
    if (prob >= 0 && prob <= 1) return { statistic: d, pValue: prob, method: 'exact' };
    // SciPy warns "Exact calculation unsuccessful" and switches to the asymptotic p-value.
  }
  const m = Math.max(n1, n2);
  const n = Math.min(n1, n2);
  const en = (m * n) / (m + n);
  const p = kstwoSf(roundHalfEven(en), d);
  return { statistic: d, pValue: Math.min(Math.max(p, 0), 1), method: 'asymptotic' };
}

function gcd(a: number, b: number): number {
  let p = a;
  let q = b;
  while (q !== 0) {
    const r = p % q;
    p = q;
    q = r;
  }
  return p;
}

/** NumPy's `np.round`: nearest integer, ties to even. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Pr(D_{n,n} >= h/n) = 2 (A0 - A0 A1 + A0 A1 A2 - ...) with A_k the ratio of successive terms
 * of the reflection sum sum_k (-1)^(k-1) C(2n, n - kh) / C(2n, n), evaluated from the innermost
 * term outwards to avoid cancellation (SciPy `_compute_prob_outside_square`).
 */
function probOutsideSquare(n: number, h: number): number {
  let p = 0.0;
  let k = Math.floor(n / h);
  while (k >= 0) {
    let p1 = 1.0;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    p = p1 * (1.0 - p);
    k -= 1;
  }
  return 2 * p;
}

/**
 * Share of lattice paths from (0, 0) to (m, n) that do not stay strictly inside
 * |x/m - y/n| < h / lcm(m, n), computed column by column over a sliding window with Viehmann's
 * recursion for 1 - p, so small p-values keep their relative accuracy (SciPy's Pythran
 * `_compute_outer_prob_inside_method`). O(m * window) time, O(n) memory.
 */
function probOutsideBand(m0: number, n0: number, g: number, h: number): number {
  const m = Math.max(m0, n0);
  const n = Math.min(m0, n0);
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const lenA = Math.min(2 * maxj + 2, n + 1);
  const A = new Float64Array(lenA).fill(1.0);
  A.fill(0.0, minj, maxj);
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1.0;
    let val = minj === 0 ? 0.0 : 1.0;
    const shift = minj - lastminj;
    const width = maxj - minj;
    for (let jj = 0; jj < width; jj++) {
      const jv = jj + minj;
      val = ((A[jj + shift] as number) * i + val * jv) / (i + jv);
      A[jj] = val;
    }
    curlen = width;
    if (lastlen > curlen) A.fill(1, width, width + (lastlen - curlen));
  }
  return A[maxj - minj - 1] as number;
}
