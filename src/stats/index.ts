/**
 * quantlab/stats: pure statistics on numbers and typed arrays, no I/O. Every function validates
 * its input (a `ValidationError` names the argument; no NaN is passed on silently) and states its
 * formula and reference in its documentation. Results are checked against scipy in the tests.
 *
 * @example
 * ```ts
 * import { welchTTestFromSummary, srmCheck } from 'quantlab/stats';
 *
 * const test = welchTTestFromSummary({ n: 5000, mean: 0.012, variance: 0.04 }, { n: 5000, mean: 0.02, variance: 0.05 });
 * const srm = srmCheck([5021, 4979], [0.5, 0.5]);
 * ```
 *
 * @packageDocumentation
 */

export { type BinomialArm, chanceToBeatControl } from './bayes.js';
export { jensenShannonDistance, wassersteinDistance } from './distances.js';
export {
  betaCdf,
  chiSquareCdf,
  chiSquareSf,
  normalCdf,
  normalQuantile,
  normalSf,
  studentTCdf,
  studentTQuantile,
  studentTSf,
} from './distributions.js';
export { type KsTwoSampleResult, ksTwoSample } from './ks.js';
export { benjaminiHochberg, holmBonferroni } from './multiple-testing.js';
export { type PowerInput, power, requiredSampleSize, type SampleSizeInput } from './power.js';
export { PSI_EPSILON, type PsiBin, type PsiOptions, type PsiResult, psi } from './psi.js';
export { createRandom, type Random, type RandomState, randomFromState } from './random.js';
export { type SrmOptions, type SrmResult, srmCheck } from './srm.js';
export { mergeSummaries, type Summary, summarize } from './summary.js';
export {
  type DrawdownDetails,
  drawdownDetails,
  maxDrawdown,
  type SharpeOptions,
  sharpeRatio,
} from './trading.js';
export {
  type Alternative,
  cohensD,
  type WelchOptions,
  type WelchResult,
  welchTTest,
  welchTTestFromSummary,
} from './welch.js';
