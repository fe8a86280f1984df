import { ValidationError } from '../errors.js';
import { sortedCopy } from './sort.js';
import { checkSample } from './validate.js';

/**
 * First Wasserstein (earth mover's) distance between the empirical distributions of two
 * samples, each value weighing 1/n: W1 = integral over x of |F_a(x) - F_b(x)| dx, with F the
 * empirical CDFs. It is in the units of the data (how far, on average, mass must move to turn
 * one sample into the other) and equals SciPy's `scipy.stats.wasserstein_distance(a, b)`.
 *
 * Algorithm (as SciPy's `_cdf_distance` with p = 1): sort copies of both samples, walk the
 * pooled distinct values x_1 < x_2 < ... once, and add |F_a(x_k) - F_b(x_k)| (x_{k+1} - x_k)
 * with Neumaier-compensated summation. O((n + m) log(n + m)) time, two `Float64Array` copies.
 *
 * Needs at least one finite value in each sample; throws a `ValidationError` naming `a` or `b`
 * (or the offending element) otherwise.
 *
 * Reference: Ramdas, A., García Trillos, N., Cuturi, M. (2017) "On Wasserstein two-sample
 * testing and related families of nonparametric tests", Entropy 19(2), 47 (the 1-D formula).
 *
 * @example
 * ```ts
 * wassersteinDistance([0, 1, 3], [5, 6, 8]); // 5: every unit of mass moves 5
 * wassersteinDistance([3.4, 3.9, 7.5, 7.8], [4.5, 1.4]); // 2.7
 * ```
 */
export function wassersteinDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  checkSample(a, 'a');
  checkSample(b, 'b');
  const x = sortedCopy(a);
  const y = sortedCopy(b);
  const n1 = x.length;
  const n2 = y.length;
  let i = 0;
  let j = 0;
  let sum = 0;
  let comp = 0;
  let v = Math.min(x[0] as number, y[0] as number);
  for (;;) {
    while (i < n1 && x[i] === v) i++;
    while (j < n2 && y[j] === v) j++;
    let next: number;
    if (i < n1) next = j < n2 ? Math.min(x[i] as number, y[j] as number) : (x[i] as number);
    else if (j < n2) next = y[j] as number;
    else break;
    const term = Math.abs(i / n1 - j / n2) * (next - v);
    const t = sum + term;
    comp += Math.abs(sum) >= Math.abs(term) ? sum - t + term : term - t + sum;
    sum = t;
    v = next;
  }
  return sum + comp;
}

/**
 * Jensen-Shannon distance between two discrete distributions given as non-negative weights
 * over the same categories: both are first scaled to sum to 1, then with m = (p + q) / 2,
 *
 *   JSD(p, q) = sqrt( (KL(p || m) + KL(q || m)) / 2 ),   KL(p || m) = sum_i p_i ln(p_i / m_i)
 *
 * (natural log, so the result is in [0, sqrt(ln 2)]; 0 log 0 = 0). This is the square root of
 * the Jensen-Shannon divergence, a metric, equal to SciPy's
 * `scipy.spatial.distance.jensenshannon(p, q)`; sums use NumPy's pairwise summation so the
 * results agree with SciPy to rounding. Two degenerate cases differ on purpose: where rounding
 * makes the divergence a tiny negative number (p and q equal to within an ulp) the result is 0
 * where SciPy returns NaN, and a share so small (below 1e-323) that its midpoint underflows to
 * 0 adds 0 where SciPy's adds Infinity.
 *
 * `p` and `q` must have the same length, finite non-negative entries, and not be all zero;
 * otherwise a `ValidationError` names the argument (or the offending element, e.g. `q[2]`).
 *
 * Reference: Endres, D. M., Schindelin, J. E. (2003) "A new metric for probability
 * distributions", IEEE Trans. Inf. Theory 49(7), 1858-1860.
 *
 * @example
 * ```ts
 * jensenShannonDistance([1, 0], [0, 1]); // sqrt(ln 2) = 0.8325546111576977
 * jensenShannonDistance([10, 20, 70], [0.1, 0.2, 0.7]); // 0 (weights are normalised)
 * ```
 */
export function jensenShannonDistance(p: ArrayLike<number>, q: ArrayLike<number>): number {
  checkDistribution(p, 'p');
  checkDistribution(q, 'q');
  if (q.length !== p.length) {
    throw new ValidationError('q', `must have the same length as p (${p.length})`, {
      received: q.length,
    });
  }
  const k = p.length;
  const sp = pairwiseSum(p, 0, k);
  const sq = pairwiseSum(q, 0, k);
  const left = new Float64Array(k);
  const right = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const pi = (p[i] as number) / sp;
    const qi = (q[i] as number) / sq;
    const mi = (pi + qi) / 2.0;
    left[i] = relEntr(pi, mi);
    right[i] = relEntr(qi, mi);
  }
  const js = pairwiseSum(left, 0, k) + pairwiseSum(right, 0, k);
  return Math.sqrt(Math.max(js, 0) / 2.0);
}

function checkDistribution(values: ArrayLike<number>, name: string): void {
  checkSample(values, name);
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (v < 0) throw new ValidationError(`${name}[${i}]`, 'must not be negative', { received: v });
    total += v;
  }
  if (!(total > 0)) throw new ValidationError(name, 'must not be all zero');
  if (!Number.isFinite(total)) {
    throw new ValidationError(name, 'must have a finite sum', { received: total });
  }
}

/**
 * scipy.special.rel_entr(x, m) for a share x and the midpoint m = (x + other) / 2: x ln(x / m),
 * with 0 ln 0 = 0. Since m >= x / 2 the term is at most x ln 2; m is 0 while x > 0 only when
 * the midpoint underflowed (x below 1e-323), where the term is 0 to double precision, although
 * SciPy's rel_entr returns Infinity.
 */
function relEntr(x: number, m: number): number {
  return x > 0 && m > 0 ? x * Math.log(x / m) : 0;
}

/** NumPy's pairwise summation (`pairwise_sum_DOUBLE`: 8-way unrolled blocks of 128). */
function pairwiseSum(a: ArrayLike<number>, start: number, n: number): number {
  if (n < 8) {
    let res = -0.0;
    for (let i = 0; i < n; i++) res += a[start + i] as number;
    return res;
  }
  if (n <= 128) {
    let r0 = a[start] as number;
    let r1 = a[start + 1] as number;
    let r2 = a[start + 2] as number;
    let r3 = a[start + 3] as number;
    let r4 = a[start + 4] as number;
    let r5 = a[start + 5] as number;
    let r6 = a[start + 6] as number;
    let r7 = a[start + 7] as number;
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      const s = start + i;
      r0 += a[s] as number;
      r1 += a[s + 1] as number;
      r2 += a[s + 2] as number;
      r3 += a[s + 3] as number;
      r4 += a[s + 4] as number;
      r5 += a[s + 5] as number;
      r6 += a[s + 6] as number;
      r7 += a[s + 7] as number;
    }
    let res = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
    for (; i < n; i++) res += a[start + i] as number;
    return res;
  }
  let n2 = Math.trunc(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, start, n2) + pairwiseSum(a, start + n2, n - n2);
}
