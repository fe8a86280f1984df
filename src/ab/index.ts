/**
 * `lab.abTests`: A/B tests between model versions. The facade and its public types; the
 * hashing, bandits, sequential statistics and buffers behind it are internal.
 *
 * @module
 */
export {
  type AbTestDefinitionInput,
  ALLOCATIONS,
  type Allocation,
  abTestDefinitionSchema,
  type MetricSpec,
} from './definition.js';
export { AB_TEST_STATUSES, AB_TEST_TRANSITIONS } from './lifecycle.js';
export { AbTestManager, type CompleteOptions } from './manager.js';
export type { AbTestOptions } from './options.js';
export type {
  AbTest,
  AbTestFilter,
  AbTestPage,
  AbTestResults,
  AbTestStatus,
  AbTestVariant,
  MonitorAction,
  OutcomeOptions,
  PredictionInput,
  Route,
  RouteInput,
  SecondaryComparison,
  ShadowRoute,
  VariantComparison,
  VariantResult,
} from './types.js';
