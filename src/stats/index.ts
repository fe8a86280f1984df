/**
 * quantlab/stats: pure statistics on numbers and typed arrays, no I/O.
 *
 * @example
 * ```ts
 * import { summarize } from 'quantlab/stats';
 *
 * summarize([0.01, -0.02, 0.015]).mean;
 * ```
 *
 * @packageDocumentation
 */
export { mergeSummaries, type Summary, summarize } from './summary.js';
