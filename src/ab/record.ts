/**
 * Between the stored {@link AbTestRecord} (definition and state as JSON) and the public
 * {@link AbTest}.
 *
 * @internal
 * @module
 */
import { BackendError } from '../errors.js';
import type { AbTestRecord, JsonObject } from '../storage/records.js';
import type { Allocation, MetricSpec } from './definition.js';
import type { AbTest, AbTestVariant } from './types.js';

/** The part of {@link AbTest} stored in the `definition` column (written once). @internal */
export type StoredDefinition = Omit<
  AbTest,
  | 'id'
  | 'name'
  | 'status'
  | 'stoppedVariants'
  | 'endReason'
  | 'winner'
  | 'promoted'
  | 'createdAt'
  | 'updatedAt'
  | 'startedAt'
  | 'endedAt'
>;

/** The part of {@link AbTest} stored in the `state` column. @internal */
export interface TestState {
  readonly stoppedVariants: readonly string[];
  readonly endReason: string | null;
  readonly winner: string | null;
  readonly promoted: { readonly model: string; readonly version: string } | null;
}

/** The state of a new test. @internal */
export const INITIAL_STATE: TestState = {
  stoppedVariants: [],
  endReason: null,
  winner: null,
  promoted: null,
};

/** The definition as a JSON object for the store. @internal */
export function definitionToJson(d: StoredDefinition): JsonObject {
  return {
    description: d.description,
    variants: d.variants.map((v) => ({ ...v })),
    allocation: d.allocation,
    epsilon: d.epsilon,
    minWeight: d.minWeight,
    coverage: d.coverage,
    hashSeed: d.hashSeed,
    mode: d.mode,
    primaryMetric: d.primaryMetric,
    metricKind: d.metricKind,
    higherIsBetter: d.higherIsBetter,
    secondaryMetrics: d.secondaryMetrics.map((m) => ({ ...m })),
    confidenceLevel: d.confidenceLevel,
    minimumDetectableEffect: d.minimumDetectableEffect,
    minSamplesPerVariant: d.minSamplesPerVariant,
    maxLoss: d.maxLoss,
    endAt: d.endAt === null ? null : d.endAt.toISOString(),
    sequential: d.sequential,
    autoPromote: d.autoPromote,
    metadata: d.metadata,
  };
}

/** The state as a JSON object for the store. @internal */
export function stateToJson(s: TestState): JsonObject {
  return {
    stoppedVariants: [...s.stoppedVariants],
    endReason: s.endReason,
    winner: s.winner,
    promoted: s.promoted === null ? null : { ...s.promoted },
  };
}

/**
 * The public test from a stored record.
 *
 * @throws BackendError when the stored JSON is not a definition this version wrote.
 */
export function testFromRecord(record: AbTestRecord): AbTest {
  try {
    const d = record.definition as unknown as Record<string, unknown>;
    const s = record.state as unknown as Record<string, unknown>;
    const endAt = d.endAt;
    return {
      id: record.id,
      name: record.name,
      description: (d.description ?? null) as string | null,
      status: record.status,
      variants: (d.variants as unknown[]).map((v) => ({ ...(v as AbTestVariant) })),
      allocation: d.allocation as Allocation,
      epsilon: d.epsilon as number | null,
      minWeight: d.minWeight as number | null,
      coverage: d.coverage as number,
      hashSeed: d.hashSeed as string,
      mode: d.mode as 'split' | 'shadow',
      primaryMetric: d.primaryMetric as string,
      metricKind: d.metricKind as 'continuous' | 'binary',
      higherIsBetter: d.higherIsBetter as boolean,
      secondaryMetrics: (d.secondaryMetrics as unknown[]).map((m) => ({ ...(m as MetricSpec) })),
      confidenceLevel: d.confidenceLevel as number,
      minimumDetectableEffect: d.minimumDetectableEffect as number | null,
      minSamplesPerVariant: d.minSamplesPerVariant as number,
      maxLoss: d.maxLoss as number | null,
      endAt: typeof endAt === 'string' ? new Date(endAt) : null,
      sequential: d.sequential as boolean,
      autoPromote: d.autoPromote as boolean,
      metadata: (d.metadata ?? {}) as JsonObject,
      stoppedVariants: [...((s.stoppedVariants ?? []) as string[])],
      endReason: (s.endReason ?? null) as string | null,
      winner: (s.winner ?? null) as string | null,
      promoted: (s.promoted ?? null) as { model: string; version: string } | null,
      createdAt: record.createdAt,
      updatedAt: record.updatedAt,
      startedAt: record.startedAt,
      endedAt: record.endedAt,
    };
  } catch (error) {
    throw new BackendError('abTests', 'read', `test ${record.id} has an unreadable definition`, {
      cause: error,
    });
  }
}

/** The state part of a test. @internal */
export function stateOf(test: AbTest): TestState {
  return {
    stoppedVariants: test.stoppedVariants,
    endReason: test.endReason,
    winner: test.winner,
    promoted: test.promoted,
  };
}
