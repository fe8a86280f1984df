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
import { abDecisionCases } from './cases/ab/decisions.js';
import { abDefinitionCases } from './cases/ab/definitions.js';
import { abRecordingCases } from './cases/ab/recording.js';
import { abStoreCases } from './cases/ab-store.js';
import { driftCheckCases } from './cases/drift/checks.js';
import { driftRetrainCases } from './cases/drift/retrain.js';
import { driftStoreCases } from './cases/drift-store.js';
import { experimentLinkCases } from './cases/experiment-links.js';
import { experimentDefinitionCases } from './cases/experiments/definitions.js';
import { experimentLifecycleCases } from './cases/experiments/lifecycle.js';
import { experimentMetricCases } from './cases/experiments/metrics.js';
import { experimentQueryCases } from './cases/experiments/queries.js';
import { experimentRunCases } from './cases/experiments/run.js';
import { experimentSchedulingCases } from './cases/experiments/scheduling.js';
import { lifecycleCases } from './cases/lifecycle.js';
import { artifactCases } from './cases/models/artifacts.js';
import { modelRegistryCases } from './cases/models/registry.js';
import { modelStoreCases } from './cases/models-store.js';
import { recordCases } from './cases/records.js';
import { transactionCases } from './cases/transactions.js';
import { type ConformanceTarget, freshBackend } from './harness.js';

export type { ConformanceTarget } from './harness.js';

/**
 * Registers the conformance cases as vitest tests in `describe` blocks named after the target:
 * the storage cases (each test gets a fresh backend from `target.create()`, migrated, and closes
 * it afterwards) and the `lab.experiments` cases (each opens labs over fresh backends the same
 * way).
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
    modelStoreCases(backend);
    abStoreCases(backend);
    driftStoreCases(backend);
    lifecycleCases(target, backend);
  });
  describe(`quantlab conformance: ${target.name} (lab.experiments)`, () => {
    experimentDefinitionCases(target);
    experimentLifecycleCases(target);
    experimentSchedulingCases(target);
    experimentMetricCases(target);
    experimentQueryCases(target);
    experimentRunCases(target);
  });
  describe(`quantlab conformance: ${target.name} (lab.artifacts, lab.models)`, () => {
    artifactCases(target);
    modelRegistryCases(target);
  });
  describe(`quantlab conformance: ${target.name} (lab.abTests)`, () => {
    abDefinitionCases(target);
    abRecordingCases(target);
    abDecisionCases(target);
  });
  describe(`quantlab conformance: ${target.name} (lab.drift)`, () => {
    driftCheckCases(target);
    driftRetrainCases(target);
  });
}
