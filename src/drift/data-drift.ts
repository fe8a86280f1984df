import { ValidationError } from '../errors.js';
import { jensenShannonDistance, wassersteinDistance } from '../stats/distances.js';
import { chiSquareSf } from '../stats/distributions.js';
import { ksTwoSample } from '../stats/ks.js';
import { benjaminiHochberg } from '../stats/multiple-testing.js';
import { PSI_EPSILON } from '../stats/psi.js';
import { summarize } from '../stats/summary.js';
import { checkFiniteNumber, checkSample } from '../stats/validate.js';
import {
  binOf,
  type CategoricalSketch,
  countCategories,
  type FeatureSketch,
  type NumericSketch,
  OTHER_CATEGORY,
} from './sketch.js';

/**
 * Batch data drift: compares a feature's current values with its baseline sketch
 * (`sketch.ts`) and decides, feature by feature and for the whole dataset, whether the data has
 * drifted, without crying wolf on large samples.
 *
 * The rule (see {@link checkFeatures}): a feature has drifted when its effect size is over the
 * method's threshold AND, for the methods with a p-value (KS, chi-square), the p-value adjusted
 * with Benjamini-Hochberg across the features is at most `alpha`. The p-value guards small
 * samples against noise; the effect size guards large samples, where a trivial shift is
 * "significant", against false alarms. The dataset has drifted when the share of drifted
 * features reaches `driftShare`.
 *
 * @internal
 * @module
 */

/**
 * A data-drift test.
 *
 * | method | applies to | statistic | p-value | effect compared with the threshold | default threshold |
 * |---|---|---|---|---|---|
 * | `ks` | numeric | two-sample KS D | yes | D | 0.04 |
 * | `wasserstein` | numeric | W₁ / reference sd | no | the statistic | 0.1 |
 * | `psi` | both | PSI over the bins | no | the statistic | 0.2 |
 * | `jensen-shannon` | both | JS distance over the bins | no | the statistic | 0.1 |
 * | `chi-square` | both | χ² of homogeneity over the bins | yes | JS distance over the bins | 0.1 |
 *
 * "The bins" are the sketch's quantile bins for a numeric feature and the categories for a
 * categorical one.
 *
 * @example
 * ```ts
 * const method: DriftMethod = 'wasserstein';
 * ```
 */
export type DriftMethod = 'ks' | 'psi' | 'wasserstein' | 'jensen-shannon' | 'chi-square';

/**
 * Every {@link DriftMethod}, for validation and menus.
 *
 * @example
 * ```ts
 * DRIFT_METHODS.includes('psi'); // true
 * ```
 */
export const DRIFT_METHODS: readonly DriftMethod[] = [
  'ks',
  'psi',
  'wasserstein',
  'jensen-shannon',
  'chi-square',
];

/**
 * Default effect-size threshold of each method; a feature can only drift when its effect is
 * strictly above it.
 *
 * - `wasserstein` 0.1: the Wasserstein distance is in the units of the data, so it is divided
 *   by the reference standard deviation; 0.1 means a tenth of a standard deviation of mass moved
 *   on average (for a normal feature, a location shift of 0.1 sd). Evidently's default.
 * - `ks` 0.04: D of a 0.1 sd location shift of a normal feature (2Φ(0.05) − 1 ≈ 0.0399), so the
 *   automatic choice means the same materiality on both sides of its 1,000-row switch from KS
 *   to Wasserstein. Below a few hundred rows the p-value, not D, is what binds.
 * - `jensen-shannon` 0.1: a JS distance (natural log, in [0, 0.83]) of 0.1, Evidently's
 *   default; e.g. moving 10 points of share between the top two categories of a 40/30/20/7/3 %
 *   mix scores 0.085, between two 20% categories of five equal ones 0.116.
 * - `chi-square` 0.1: its effect is the JS distance of the same counts, so the automatic choice
 *   again means the same materiality for few and for many rows. (Chi-square's own effect
 *   sizes, Cramér's V or Cohen's w, are unusable against a sketch: V shrinks as the baseline
 *   grows, and w is infinite for a category the baseline never saw.)
 * - `psi` 0.2: the common credit-scoring rule of thumb (< 0.1 stable, 0.1 to 0.25 moderate,
 *   > 0.25 major); 0.2 is reached by a location shift of about 0.45 sd on 10 decile bins.
 *
 * @example
 * ```ts
 * DEFAULT_DRIFT_THRESHOLDS.wasserstein; // 0.1
 * ```
 */
export const DEFAULT_DRIFT_THRESHOLDS: Readonly<Record<DriftMethod, number>> = {
  ks: 0.04,
  wasserstein: 0.1,
  psi: 0.2,
  'jensen-shannon': 0.1,
  'chi-square': 0.1,
};

/**
 * "Few rows": when the smaller of the baseline's row count and the current row count is at most
 * this, the automatic choice is a test with a p-value (KS for numeric, chi-square for
 * categorical features), whose p-value is what controls false alarms on small samples; above
 * it, a distance (normalised Wasserstein, Jensen-Shannon) judged on its size alone. Evidently's
 * automatic choice switches at the same 1,000 rows (counted on its reference only).
 *
 * @example
 * ```ts
 * autoMethod(sketch, SMALL_SAMPLE_MAX); // 'ks' or 'chi-square'
 * ```
 */
export const SMALL_SAMPLE_MAX = 1000;

/** Default significance level of the tests with a p-value (after Benjamini-Hochberg). */
export const DEFAULT_ALPHA = 0.05;

/** Default share of drifted features at which the whole dataset counts as drifted. */
export const DEFAULT_DRIFT_SHARE = 0.5;

/**
 * The verdict on one feature.
 *
 * @example
 * ```ts
 * const r: FeatureDrift = checkFeature(sketch, values, { feature: 'spread' });
 * if (r.drifted) console.log(`${r.feature}: ${r.method} ${r.statistic} > ${r.threshold}`);
 * ```
 */
export interface FeatureDrift {
  /** The feature's name. */
  readonly feature: string;
  /** The kind of the baseline sketch. */
  readonly kind: 'numeric' | 'categorical';
  /** The test used (chosen automatically unless overridden). */
  readonly method: DriftMethod;
  /**
   * The test's statistic: KS D, normalised Wasserstein, PSI, JS distance or χ². It can be
   * `Infinity` only for `wasserstein` when both the baseline and the current values are
   * constant and differ (no scale to normalise by).
   */
  readonly statistic: number;
  /** The raw p-value (KS, chi-square), else `null`. */
  readonly pValue: number | null;
  /**
   * The p-value compared with `alpha`: Benjamini-Hochberg adjusted across the features of a
   * {@link checkFeatures} call, the raw p-value in {@link checkFeature}; `null` without a p-value.
   */
  readonly adjustedPValue: number | null;
  /** The effect size compared with `threshold` (see {@link DriftMethod}). */
  readonly effect: number;
  /** The effect-size threshold. */
  readonly threshold: number;
  /** `effect > threshold` and, when there is a p-value, `adjustedPValue <= alpha`. */
  readonly drifted: boolean;
  /** Rows behind the baseline sketch. */
  readonly referenceCount: number;
  /** Rows in the current values. */
  readonly currentCount: number;
}

/**
 * Options of {@link checkFeature}.
 *
 * @example
 * ```ts
 * const options: CheckFeatureOptions = { feature: 'spread', method: 'psi', threshold: 0.25 };
 * ```
 */
export interface CheckFeatureOptions {
  /** The feature's name in the result. Default `value`. */
  readonly feature?: string;
  /** The test; default {@link autoMethod}. */
  readonly method?: DriftMethod;
  /** The effect-size threshold, ≥ 0; default {@link DEFAULT_DRIFT_THRESHOLDS} of the method. */
  readonly threshold?: number;
  /** Significance level for the tests with a p-value, in (0, 1). Default 0.05. */
  readonly alpha?: number;
  /** The name of the values in error messages, e.g. `features.spread`. Default `values`. */
  readonly name?: string;
}

/**
 * Options of {@link checkFeatures}.
 *
 * @example
 * ```ts
 * const options: CheckFeaturesOptions = { driftShare: 0.3, methods: { side: 'psi' } };
 * ```
 */
export interface CheckFeaturesOptions {
  /** Significance level for the BH-adjusted p-values, in (0, 1). Default 0.05. */
  readonly alpha?: number;
  /** Share of drifted features, in (0, 1], at which the dataset has drifted. Default 0.5. */
  readonly driftShare?: number;
  /** Per-feature test overrides; the others use {@link autoMethod}. */
  readonly methods?: Readonly<Record<string, DriftMethod>>;
  /** Per-feature effect-size thresholds; the others use the method's default. */
  readonly thresholds?: Readonly<Record<string, number>>;
}

/**
 * The verdict on a dataset.
 *
 * @example
 * ```ts
 * const r: DataDrift = checkFeatures(baseline, current);
 * if (r.drifted) console.log(`${r.driftedCount} of ${r.checkedCount} features drifted`);
 * ```
 */
export interface DataDrift {
  /** One verdict per feature present on both sides, in the baseline's key order. */
  readonly features: readonly FeatureDrift[];
  /** Number of features checked (present in both the baseline and the current data). */
  readonly checkedCount: number;
  /** Number of drifted features. */
  readonly driftedCount: number;
  /** driftedCount / checkedCount; 0 when nothing was checked. */
  readonly share: number;
  /** The threshold `share` was compared with. */
  readonly driftShare: number;
  /** The significance level used. */
  readonly alpha: number;
  /** `checkedCount > 0 && share >= driftShare`. */
  readonly drifted: boolean;
  /** Features on one side only: reported, never an error. */
  readonly missing: {
    /** In the baseline but not in the current data. */
    readonly fromCurrent: readonly string[];
    /** In the current data but not in the baseline. */
    readonly fromBaseline: readonly string[];
  };
}

/**
 * The automatic test for a feature: with few rows (the smaller of the baseline's row count and
 * `currentCount` at most {@link SMALL_SAMPLE_MAX} = 1,000) KS for a numeric and chi-square for a
 * categorical feature; with more, the normalised Wasserstein distance and the Jensen-Shannon
 * distance. The smaller side counts because it limits what the data can tell: a 200-row
 * baseline makes a Wasserstein distance as noisy as 200 current rows would.
 *
 * @example
 * ```ts
 * autoMethod(buildNumericSketch(training), 500); // 'ks'
 * autoMethod(buildNumericSketch(training), 50_000); // 'wasserstein' (if training has > 1000 rows)
 * autoMethod(buildCategoricalSketch(sides), 50_000); // 'jensen-shannon' (same condition)
 * ```
 */
export function autoMethod(sketch: FeatureSketch, currentCount: number): DriftMethod {
  const few = Math.min(sketch.count, currentCount) <= SMALL_SAMPLE_MAX;
  if (sketch.kind === 'numeric') return few ? 'ks' : 'wasserstein';
  return few ? 'chi-square' : 'jensen-shannon';
}

/**
 * Checks one feature's current values against its baseline sketch with one test (see
 * {@link DriftMethod} for what each computes, {@link DEFAULT_DRIFT_THRESHOLDS} for the
 * thresholds and {@link autoMethod} for the automatic choice). `drifted` is `effect > threshold`
 * and, for KS and chi-square, `pValue <= alpha` (no multiple-testing adjustment here; use
 * {@link checkFeatures} for several features).
 *
 * What each test compares:
 * - `ks`, `wasserstein`: the current values against the sketch's sorted reservoir sample (all
 *   baseline values up to 10,000 rows, a uniform sample of 10,000 above). The KS p-value
 *   therefore uses the sample's size as the reference n (a 10,000-value reference is what the
 *   test really saw); the sample adds about ±0.01 of noise to D and to the normalised
 *   Wasserstein distance, far below their thresholds. The Wasserstein distance is divided by the
 *   sd of the whole baseline; if that is 0 (a constant feature), by the sd of the current values;
 *   if both are 0 the statistic is 0 for equal constants and `Infinity` otherwise.
 * - `psi`, `jensen-shannon`, `chi-square` on a numeric feature: the counts of the current
 *   values in the sketch's quantile bins against the sketch's exact bin counts of the whole
 *   baseline.
 * - on a categorical feature: the counts per category. A category the baseline never saw is a
 *   category of its own with a baseline count of 0, unless the baseline overflowed its
 *   category cap, when it joins the baseline's `__other__` bucket (a rare baseline category and
 *   a new one cannot be told apart then).
 * - `chi-square`: the χ² test of homogeneity of the 2 × k table (baseline, current) × bins
 *   without continuity correction, over the bins with a non-zero total, k − 1 degrees of
 *   freedom (`scipy.stats.chi2_contingency(table, correction=False)`); χ² = 0, p = 1 for one bin.
 * - `psi`: Σ (c − r) ln(c / r) over the bins with the shares floored at 1e-4, as `psi` of
 *   quantlab/stats (identical to it when the sketch holds the whole baseline).
 *
 * @param sketch - The feature's baseline sketch.
 * @param values - The current values: finite numbers for a numeric sketch, strings for a
 *   categorical one; at least one.
 * @throws `ValidationError` naming the offending element (e.g. `features.spread[12]`), or
 *   `method` when it is unknown or does not apply to the sketch's kind (KS and Wasserstein need
 *   a numeric feature), or `threshold` / `alpha` when out of range.
 *
 * @example
 * ```ts
 * const sketch = buildNumericSketch(trainingSpreads);
 * const r = checkFeature(sketch, todaysSpreads, { feature: 'spread' });
 * // e.g. { feature: 'spread', method: 'wasserstein', statistic: 0.03, pValue: null, threshold: 0.1, drifted: false, ... }
 * ```
 */
export function checkFeature(
  sketch: FeatureSketch,
  values: ArrayLike<number> | ArrayLike<string>,
  {
    feature = 'value',
    method,
    threshold,
    alpha = DEFAULT_ALPHA,
    name = 'values',
  }: CheckFeatureOptions = {},
): FeatureDrift {
  checkAlpha(alpha, 'alpha');
  const m = measure(sketch, values, method, name, 'method');
  const limit = resolveThreshold(threshold, m.method, 'threshold');
  return verdict(feature, m, m.pValue, limit, alpha);
}

/**
 * Checks every feature present both in the baseline and in the current data, with
 * false-alarm control across them:
 *
 * 1. each feature gets its test ({@link autoMethod} unless overridden in `methods`) and its
 *    effect size, as {@link checkFeature} computes them;
 * 2. the p-values of the features tested with KS or chi-square are adjusted together with
 *    Benjamini-Hochberg (false discovery rate at `alpha`);
 * 3. a feature has drifted when its effect is over its threshold and, if it has a p-value, the
 *    adjusted p-value is at most `alpha`. So on large samples a tiny p-value alone never fires,
 *    and with many features a few chance p-values do not either;
 * 4. the dataset has drifted when `driftedCount / checkedCount >= driftShare`.
 *
 * Features present on one side only are listed in `missing` and not checked. Cost: one sort of
 * each numeric feature's current values (O(n) radix sort) or one pass over a categorical one.
 *
 * @param baseline - The baseline sketches by feature name.
 * @param current - The current values by feature name.
 * @throws `ValidationError` naming the offending value (e.g. `features.spread[12]`), a bad
 *   override (`methods.spread`, `thresholds.spread`; also when it names a feature on neither
 *   side), `alpha` or `driftShare`.
 *
 * @example
 * ```ts
 * const baseline = { spread: buildNumericSketch(trainSpread), side: buildCategoricalSketch(trainSide) };
 * const report = checkFeatures(baseline, { spread: liveSpread, side: liveSide, venue: liveVenue });
 * report.drifted; // true when at least half of the checked features drifted
 * report.missing; // { fromCurrent: [], fromBaseline: ['venue'] }
 * ```
 */
export function checkFeatures(
  baseline: Readonly<Record<string, FeatureSketch>>,
  current: Readonly<Record<string, ArrayLike<number> | ArrayLike<string>>>,
  {
    alpha = DEFAULT_ALPHA,
    driftShare = DEFAULT_DRIFT_SHARE,
    methods = {},
    thresholds = {},
  }: CheckFeaturesOptions = {},
): DataDrift {
  checkRecord(baseline, 'baseline');
  checkRecord(current, 'features');
  checkAlpha(alpha, 'alpha');
  if (typeof driftShare !== 'number' || !(driftShare > 0 && driftShare <= 1)) {
    throw new ValidationError('driftShare', 'must be a number in (0, 1]', { received: driftShare });
  }
  checkRecord(methods, 'methods');
  checkRecord(thresholds, 'thresholds');
  for (const key of [...Object.keys(methods), ...Object.keys(thresholds)]) {
    if (!Object.hasOwn(baseline, key) && !Object.hasOwn(current, key)) {
      const field = Object.hasOwn(methods, key) ? `methods.${key}` : `thresholds.${key}`;
      throw new ValidationError(field, 'names no feature of the baseline or the current data');
    }
  }

  const names = Object.keys(baseline).filter((f) => Object.hasOwn(current, f));
  const measured = names.map((f) => {
    const m = measure(
      baseline[f] as FeatureSketch,
      current[f] as ArrayLike<number> | ArrayLike<string>,
      Object.hasOwn(methods, f) ? methods[f] : undefined,
      `features.${f}`,
      `methods.${f}`,
    );
    const t = Object.hasOwn(thresholds, f) ? thresholds[f] : undefined;
    return { m, threshold: resolveThreshold(t, m.method, `thresholds.${f}`) };
  });

  const tested: number[] = [];
  for (let i = 0; i < measured.length; i++) {
    if ((measured[i] as (typeof measured)[number]).m.pValue !== null) tested.push(i);
  }
  const adjusted = new Array<number | null>(measured.length).fill(null);
  if (tested.length > 0) {
    const bh = benjaminiHochberg(
      tested.map((i) => (measured[i] as (typeof measured)[number]).m.pValue as number),
    );
    tested.forEach((i, k) => {
      adjusted[i] = bh[k] as number;
    });
  }

  const features = measured.map(({ m, threshold }, i) =>
    verdict(names[i] as string, m, adjusted[i] as number | null, threshold, alpha),
  );
  const driftedCount = features.filter((r) => r.drifted).length;
  const checkedCount = features.length;
  const share = checkedCount === 0 ? 0 : driftedCount / checkedCount;
  return {
    features,
    checkedCount,
    driftedCount,
    share,
    driftShare,
    alpha,
    drifted: checkedCount > 0 && share >= driftShare,
    missing: {
      fromCurrent: Object.keys(baseline).filter((f) => !Object.hasOwn(current, f)),
      fromBaseline: Object.keys(current).filter((f) => !Object.hasOwn(baseline, f)),
    },
  };
}

/** A test's outcome before the verdict. */
interface Measurement {
  readonly kind: 'numeric' | 'categorical';
  readonly method: DriftMethod;
  readonly statistic: number;
  readonly pValue: number | null;
  readonly effect: number;
  readonly referenceCount: number;
  readonly currentCount: number;
}

function verdict(
  feature: string,
  m: Measurement,
  adjustedPValue: number | null,
  threshold: number,
  alpha: number,
): FeatureDrift {
  const significant = adjustedPValue === null || adjustedPValue <= alpha;
  return {
    feature,
    kind: m.kind,
    method: m.method,
    statistic: m.statistic,
    pValue: m.pValue,
    adjustedPValue,
    effect: m.effect,
    threshold,
    drifted: significant && m.effect > threshold,
    referenceCount: m.referenceCount,
    currentCount: m.currentCount,
  };
}

function measure(
  sketch: FeatureSketch,
  values: ArrayLike<number> | ArrayLike<string>,
  method: DriftMethod | undefined,
  name: string,
  methodField: string,
): Measurement {
  if (sketch === null || typeof sketch !== 'object') {
    throw new ValidationError('sketch', 'must be a numeric or categorical sketch', {
      received: sketch,
    });
  }
  if (sketch.kind === 'numeric') {
    const xs = checkSample(values as ArrayLike<number>, name);
    const chosen = resolveMethod(method, sketch, xs.length, methodField);
    return { ...measureNumeric(sketch, xs, chosen), kind: 'numeric', method: chosen };
  }
  if (sketch.kind === 'categorical') {
    const counts = countCategories(values as ArrayLike<string>, name);
    const chosen = resolveMethod(method, sketch, values.length, methodField);
    if (chosen === 'ks' || chosen === 'wasserstein') {
      throw new ValidationError(
        methodField,
        `${chosen} needs a numeric feature; use chi-square, jensen-shannon or psi`,
        { received: chosen },
      );
    }
    const [ref, cur] = alignCategories(sketch, counts);
    return {
      ...binned(ref, cur, chosen),
      kind: 'categorical',
      method: chosen,
      referenceCount: sketch.count,
      currentCount: values.length,
    };
  }
  throw new ValidationError('sketch.kind', "must be 'numeric' or 'categorical'", {
    received: (sketch as { kind?: unknown }).kind,
  });
}

type Measured = Pick<Measurement, 'statistic' | 'pValue' | 'effect'>;

function measureNumeric(
  sketch: NumericSketch,
  xs: ArrayLike<number>,
  method: DriftMethod,
): Measured & Pick<Measurement, 'referenceCount' | 'currentCount'> {
  const counts = { referenceCount: sketch.count, currentCount: xs.length };
  if (method === 'ks') {
    const { statistic, pValue } = ksTwoSample(sketch.sample, xs);
    return { statistic, pValue, effect: statistic, ...counts };
  }
  if (method === 'wasserstein') {
    const w = wassersteinDistance(sketch.sample, xs);
    const scale = sketch.sd > 0 ? sketch.sd : Math.sqrt(summarize(xs).variance);
    const statistic = scale > 0 ? w / scale : w === 0 ? 0 : Number.POSITIVE_INFINITY;
    return { statistic, pValue: null, effect: statistic, ...counts };
  }
  const cur = new Float64Array(sketch.edges.length + 1);
  for (let i = 0; i < xs.length; i++) {
    const b = binOf(sketch.edges, xs[i] as number);
    cur[b] = (cur[b] as number) + 1;
  }
  return { ...binned(sketch.binCounts, cur, method), ...counts };
}

/** PSI, JS distance or χ² of homogeneity of aligned reference and current counts. */
function binned(ref: ArrayLike<number>, cur: ArrayLike<number>, method: DriftMethod): Measured {
  if (method === 'psi') {
    const statistic = psiOfCounts(ref, cur);
    return { statistic, pValue: null, effect: statistic };
  }
  const js = jensenShannonDistance(ref, cur);
  if (method === 'jensen-shannon') return { statistic: js, pValue: null, effect: js };
  const { statistic, pValue } = chiSquareHomogeneity(ref, cur);
  return { statistic, pValue, effect: js };
}

/**
 * The category counts of the baseline and of the current values on one list of categories:
 * the baseline's, then the new ones in first-seen order (or folded into `__other__` when the
 * baseline has that bucket).
 */
function alignCategories(
  sketch: CategoricalSketch,
  current: Map<string, number>,
): [Float64Array, Float64Array] {
  const index = new Map<string, number>();
  const ref: number[] = [];
  for (const [key, count] of Object.entries(sketch.counts)) {
    index.set(key, ref.length);
    ref.push(count);
  }
  const other = index.get(OTHER_CATEGORY);
  const cur = new Array<number>(ref.length).fill(0);
  for (const [key, count] of current) {
    const at = index.get(key) ?? other;
    if (at === undefined) {
      ref.push(0);
      cur.push(count);
    } else {
      cur[at] = (cur[at] as number) + count;
    }
  }
  return [Float64Array.from(ref), Float64Array.from(cur)];
}

/**
 * PSI of two count vectors over the same bins: Σ (c − r) ln(c / r) with r, c the shares floored
 * at {@link PSI_EPSILON}, term by term in the same arithmetic as `psi` of quantlab/stats.
 */
function psiOfCounts(ref: ArrayLike<number>, cur: ArrayLike<number>): number {
  let nr = 0;
  let nc = 0;
  for (let i = 0; i < ref.length; i++) {
    nr += ref[i] as number;
    nc += cur[i] as number;
  }
  let total = 0;
  for (let i = 0; i < ref.length; i++) {
    const r = Math.max((ref[i] as number) / nr, PSI_EPSILON);
    const c = Math.max((cur[i] as number) / nc, PSI_EPSILON);
    total += (c - r) * Math.log(c / r);
  }
  return total;
}

/**
 * Pearson's χ² test of homogeneity of the 2 × k table (ref, cur), without continuity
 * correction, over the columns with a non-zero total: χ² = Σ (O − E)² / E with
 * E = row total × column total / N, k − 1 degrees of freedom.
 */
function chiSquareHomogeneity(
  ref: ArrayLike<number>,
  cur: ArrayLike<number>,
): { statistic: number; pValue: number } {
  let nr = 0;
  let nc = 0;
  let k = 0;
  for (let i = 0; i < ref.length; i++) {
    const r = ref[i] as number;
    const c = cur[i] as number;
    nr += r;
    nc += c;
    if (r + c > 0) k++;
  }
  if (k < 2) return { statistic: 0, pValue: 1 };
  const n = nr + nc;
  let statistic = 0;
  for (let i = 0; i < ref.length; i++) {
    const r = ref[i] as number;
    const c = cur[i] as number;
    const total = r + c;
    if (total === 0) continue;
    const er = (nr * total) / n;
    const ec = (nc * total) / n;
    statistic += ((r - er) * (r - er)) / er + ((c - ec) * (c - ec)) / ec;
  }
  return { statistic, pValue: chiSquareSf(statistic, k - 1) };
}

function resolveMethod(
  method: DriftMethod | undefined,
  sketch: FeatureSketch,
  currentCount: number,
  field: string,
): DriftMethod {
  if (method === undefined) return autoMethod(sketch, currentCount);
  if (!(DRIFT_METHODS as readonly unknown[]).includes(method)) {
    throw new ValidationError(field, `must be one of ${DRIFT_METHODS.join(', ')}`, {
      received: method,
    });
  }
  return method;
}

function resolveThreshold(value: number | undefined, method: DriftMethod, field: string): number {
  if (value === undefined) return DEFAULT_DRIFT_THRESHOLDS[method];
  checkFiniteNumber(value, field);
  if (value < 0) throw new ValidationError(field, 'must not be negative', { received: value });
  return value;
}

function checkAlpha(alpha: unknown, field: string): void {
  if (typeof alpha !== 'number' || !(alpha > 0 && alpha < 1)) {
    throw new ValidationError(field, 'must be a number in (0, 1)', { received: alpha });
  }
}

function checkRecord(value: unknown, field: string): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ValidationError(field, 'must be an object keyed by feature name', {
      received: value,
    });
  }
}
