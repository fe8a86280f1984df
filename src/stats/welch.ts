import { ValidationError } from '../errors.js';
import { studentTCdf, studentTQuantile, studentTSf } from './distributions.js';
import { type Summary, summarize } from './summary.js';
import { checkOneOf, checkProbability, checkSummary } from './validate.js';

/** Which difference the test looks for: any, treatment above control, or treatment below it. */
export type Alternative = 'two-sided' | 'greater' | 'less';

/** Options of {@link welchTTest}. */
export interface WelchOptions {
  /** Default `'two-sided'`. `'greater'` tests treatment mean > control mean. */
  alternative?: Alternative;
  /** Confidence level of `ci`, in (0, 1). Default 0.95. */
  confidence?: number;
}

/** Result of {@link welchTTest}. */
export interface WelchResult {
  /** t statistic of `diff`. */
  readonly t: number;
  /** Welch–Satterthwaite degrees of freedom (not an integer in general). */
  readonly df: number;
  readonly pValue: number;
  /** mean(treatment) - mean(control). */
  readonly diff: number;
  /** Confidence interval of `diff`; one side is infinite for a one-sided alternative. */
  readonly ci: readonly [number, number];
  /** Cohen's d: `diff` over the pooled standard deviation. */
  readonly cohensD: number;
}

const ALTERNATIVES: readonly Alternative[] = ['two-sided', 'greater', 'less'];

/**
 * Welch's unequal-variances t-test of `mean(treatment) - mean(control)`, as scipy's
 * `ttest_ind(treatment, control, equal_var=False, alternative=...)` and its
 * `confidence_interval(confidence)`.
 *
 * t = diff / se with se² = s²_c/n_c + s²_t/n_t; df = se⁴ / ((s²_c/n_c)²/(n_c-1) + (s²_t/n_t)²/(n_t-1));
 * the p-value and interval come from Student's t with that (fractional) df. Needs at least 2
 * values per sample and a variance above zero in at least one of them.
 *
 * Reference: B. L. Welch (1947), "The generalization of Student's problem when several different
 * population variances are involved", Biometrika 34.
 *
 * @example
 * ```ts
 * const r = welchTTest([0.1, -0.2, 0.05, 0.3], [0.4, 0.2, 0.5, 0.35]);
 * r.pValue < 0.05; // the treatment's mean return is higher
 * ```
 */
export function welchTTest(
  control: ArrayLike<number>,
  treatment: ArrayLike<number>,
  options: WelchOptions = {},
): WelchResult {
  return welchTTestFromSummary(
    summarize(control, 'control'),
    summarize(treatment, 'treatment'),
    options,
  );
}

/**
 * {@link welchTTest} from sufficient statistics `{ n, mean, variance }` (variance with n - 1),
 * as a database aggregate gives them: no rows are needed.
 *
 * @example
 * ```ts
 * welchTTestFromSummary({ n: 5000, mean: 0.012, variance: 0.04 }, { n: 5000, mean: 0.02, variance: 0.05 });
 * ```
 */
export function welchTTestFromSummary(
  control: Summary,
  treatment: Summary,
  options: WelchOptions = {},
): WelchResult {
  checkSummary(control, 'control');
  checkSummary(treatment, 'treatment');
  const alternative = options.alternative ?? 'two-sided';
  checkOneOf(alternative, 'options.alternative', ALTERNATIVES);
  const confidence = options.confidence ?? 0.95;
  checkProbability(confidence, 'options.confidence', true);

  const vc = control.variance / control.n;
  const vt = treatment.variance / treatment.n;
  const se2 = vc + vt;
  if (se2 === 0) {
    throw new ValidationError(
      'control, treatment',
      'need a variance above 0 in at least one sample',
    );
  }
  const se = Math.sqrt(se2);
  const diff = treatment.mean - control.mean;
  const t = diff / se;
  const df = (se2 * se2) / ((vc * vc) / (control.n - 1) + (vt * vt) / (treatment.n - 1));

  let pValue: number;
  let ci: [number, number];
  if (alternative === 'two-sided') {
    pValue = Math.min(1, 2 * studentTSf(Math.abs(t), df));
    const half = studentTQuantile((1 + confidence) / 2, df) * se;
    ci = [diff - half, diff + half];
  } else if (alternative === 'greater') {
    pValue = studentTSf(t, df);
    ci = [diff - studentTQuantile(confidence, df) * se, Number.POSITIVE_INFINITY];
  } else {
    pValue = studentTCdf(t, df);
    ci = [Number.NEGATIVE_INFINITY, diff + studentTQuantile(confidence, df) * se];
  }
  return { t, df, pValue, diff, ci, cohensD: diff / pooledSd(control, treatment) };
}

/**
 * Cohen's d: `(mean(treatment) - mean(control)) / s_pooled` with
 * s²_pooled = ((n_c - 1) s²_c + (n_t - 1) s²_t) / (n_c + n_t - 2). Needs at least 2 values per
 * sample and a pooled standard deviation above zero.
 *
 * Reference: J. Cohen (1988), Statistical Power Analysis for the Behavioral Sciences, 2nd ed.
 *
 * @example
 * ```ts
 * cohensD([1, 2, 3, 4], [2, 3, 4, 5]); // 0.7745966692414834
 * ```
 */
export function cohensD(control: ArrayLike<number>, treatment: ArrayLike<number>): number {
  const c = summarize(control, 'control');
  const t = summarize(treatment, 'treatment');
  checkSummary(c, 'control');
  checkSummary(t, 'treatment');
  const sd = pooledSd(c, t);
  if (sd === 0) throw new ValidationError('control, treatment', 'need a pooled variance above 0');
  return (t.mean - c.mean) / sd;
}

function pooledSd(c: Summary, t: Summary): number {
  return Math.sqrt(((c.n - 1) * c.variance + (t.n - 1) * t.variance) / (c.n + t.n - 2));
}
