/**
 * The storage conformance suite. A backend, built in or third party, proves itself by running
 * every case here; each later feature adds its cases to the same suite.
 *
 * @example
 * ```ts
 * // test/my-backend.test.ts
 * import { describeConformance } from 'quantlab/testing';
 * import { myBackend } from '../src/index.js';
 *
 * describeConformance({ name: 'my-backend', create: () => myBackend({ url: process.env.URL! }) });
 * ```
 *
 * @packageDocumentation
 */
import { describe } from 'vitest';
import { experimentLinkCases } from './cases/experiment-links.js';
import { lifecycleCases } from './cases/lifecycle.js';
import { recordCases } from './cases/records.js';
import { transactionCases } from './cases/transactions.js';
import { type ConformanceTarget, freshBackend } from './harness.js';

export type { ConformanceTarget } from './harness.js';

/**
 * Registers the conformance cases as vitest tests in a `describe` block named after the target.
 * Each test gets a fresh backend from `target.create()`, migrated, and closes it afterwards.
 *
 * @example
 * ```ts
 * import { describeConformance } from 'quantlab/testing';
 * import { memory } from 'quantlab/memory';
 *
 * describeConformance({ name: 'memory', create: () => memory() });
 * ```
 */
export function describeConformance(target: ConformanceTarget): void {
  describe(`quantlab conformance: ${target.name}`, () => {
    const backend = freshBackend(target);
    recordCases(backend);
    experimentLinkCases(backend);
    transactionCases(backend);
    lifecycleCases(target, backend);
  });
}
