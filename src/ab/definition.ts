/**
 * What `abTests.create` accepts: the zod schema of an A/B test definition, its defaults, and the
 * cross-field rules (weights against the allocation, metric against its kind).
 *
 * @module
 */
import { z } from 'zod';
import type { AllowReadonlyArrays } from '../experiments/definition.js';
import { instant } from '../experiments/definition.js';
import { jsonObjectSchema } from '../experiments/json.js';
import { MODEL_STAGES } from '../models/stages.js';

/**
 * How `route` picks a variant, in the order the docs describe them.
 *
 * @example
 * ```ts
 * ALLOCATIONS.includes('thompson'); // true
 * ```
 */
export const ALLOCATIONS = ['hash', 'random', 'weighted', 'epsilon-greedy', 'thompson'] as const;
/** How `route` picks a variant (see `AbTestManager.route`). */
export type Allocation = (typeof ALLOCATIONS)[number];

/** The metrics every outcome carries, derived from the prediction and the realised value. */
export const DERIVED_METRICS = [
  'actual',
  'error',
  'absolute_error',
  'squared_error',
  'hit',
] as const;
/** A metric derived from every outcome (see `AbTestManager.recordOutcome`). */
export type DerivedMetric = (typeof DERIVED_METRICS)[number];

/** Metric names: a letter or underscore, then letters, digits, `_`, `.`, `-`; at most 100. */
export const METRIC_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,99}$/;
const VARIANT_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$/;
const ERROR_METRICS: ReadonlySet<string> = new Set(['error', 'absolute_error', 'squared_error']);
const LOWER_IS_BETTER: ReadonlySet<string> = new Set(['absolute_error', 'squared_error']);

const modelReferenceRule = 'must name the model version by exactly one of version, stage or alias';

const variantSchema = z
  .strictObject({
    name: z
      .string()
      .regex(
        VARIANT_NAME,
        'must be 1 to 100 letters, digits, _, . or - (not starting with . or -)',
      ),
    model: z.string().min(1, 'must not be empty'),
    version: z.string().min(1, 'must not be empty').optional(),
    stage: z.enum(MODEL_STAGES).optional(),
    alias: z.string().min(1, 'must not be empty').optional(),
    weight: z.number().min(0, 'must be at least 0').max(1, 'must be at most 1').optional(),
  })
  .superRefine((v, ctx) => {
    const given = [v.version, v.stage, v.alias].filter((x) => x !== undefined).length;
    if (given !== 1) ctx.addIssue({ code: 'custom', message: modelReferenceRule, input: v });
  });

const secondaryMetricSchema = z.union([
  z.string().regex(METRIC_NAME, 'must be a metric name (letters, digits, _, ., -)'),
  z.strictObject({
    name: z.string().regex(METRIC_NAME, 'must be a metric name (letters, digits, _, ., -)'),
    higherIsBetter: z.boolean().optional(),
    metricKind: z.enum(['continuous', 'binary']).optional(),
  }),
]);

/**
 * The zod schema of {@link AbTestDefinitionInput}: what `abTests.create` validates (defaults
 * applied, cross-field rules checked). Use it to check a definition before sending it.
 *
 * @example
 * ```ts
 * abTestDefinitionSchema.safeParse({ name: 'x', variants: [] }).success; // false: two variants at least
 * ```
 */
export const abTestDefinitionSchema = z
  .strictObject({
    id: z
      .string()
      .min(1, 'must not be empty')
      .max(200, 'must be at most 200 characters')
      .optional(),
    name: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
    description: z.string().max(10_000).nullable().default(null),
    variants: z
      .array(variantSchema)
      .min(2, 'must have at least 2 variants (the first is the control)')
      .max(20, 'must have at most 20 variants'),
    allocation: z.enum(ALLOCATIONS).default('hash'),
    epsilon: z.number().min(0, 'must be at least 0').max(1, 'must be at most 1').optional(),
    minWeight: z.number().min(0, 'must be at least 0').max(0.5, 'must be at most 0.5').optional(),
    coverage: z.number().min(0, 'must be at least 0').max(1, 'must be at most 1').default(1),
    hashSeed: z.string().min(1, 'must not be empty').optional(),
    mode: z.enum(['split', 'shadow']).default('split'),
    primaryMetric: z
      .string()
      .regex(METRIC_NAME, 'must be a metric name (letters, digits, _, ., -)')
      .default('actual'),
    metricKind: z.enum(['continuous', 'binary']).default('continuous'),
    higherIsBetter: z.boolean().optional(),
    secondaryMetrics: z
      .array(secondaryMetricSchema)
      .max(20)
      .default(() => []),
    confidenceLevel: z.number().gt(0.5, 'must be above 0.5').lt(1, 'must be below 1').default(0.95),
    minimumDetectableEffect: z.number().positive('must be above 0').optional(),
    minSamplesPerVariant: z
      .number()
      .int('must be a whole number')
      .min(2, 'must be at least 2')
      .default(1000),
    maxLoss: z.number().min(0, 'must be at least 0').optional(),
    endAt: instant().optional(),
    sequential: z.boolean().default(true),
    autoPromote: z.boolean().default(false),
    start: z.boolean().default(true),
    metadata: jsonObjectSchema().default(() => ({})),
  })
  .superRefine((d, ctx) => {
    const issue = (path: (string | number)[], message: string, input?: unknown) =>
      ctx.addIssue({ code: 'custom', path, message, input });
    const names = new Set<string>();
    d.variants.forEach((v, i) => {
      if (names.has(v.name)) issue(['variants', i, 'name'], 'must be unique', v.name);
      names.add(v.name);
    });
    const weighted = d.variants.filter((v) => v.weight !== undefined).length;
    const splitsByWeight =
      d.mode === 'split' && (d.allocation === 'hash' || d.allocation === 'weighted');
    if (weighted > 0 && !splitsByWeight) {
      issue(
        ['variants'],
        d.mode === 'shadow'
          ? 'must not carry weights in shadow mode (every unit gets the control)'
          : `must not carry weights with ${d.allocation} allocation (only hash and weighted use them)`,
      );
    } else if (weighted > 0 && weighted < d.variants.length) {
      issue(['variants'], 'must give a weight to every variant or to none');
    } else if (weighted > 0) {
      const total = d.variants.reduce((sum, v) => sum + (v.weight as number), 0);
      if (total < 0.99 || total > 1.01) {
        issue(['variants'], 'weights must add up to 1 (within 0.99 to 1.01)', total);
      }
    }
    if (d.epsilon !== undefined && d.allocation !== 'epsilon-greedy') {
      issue(['epsilon'], 'is only used with epsilon-greedy allocation');
    }
    if (d.minWeight !== undefined) {
      if (d.allocation !== 'thompson')
        issue(['minWeight'], 'is only used with thompson allocation');
      else if (d.minWeight * d.variants.length > 1 + 1e-12) {
        issue(
          ['minWeight'],
          `must be at most 1 / ${d.variants.length} (one per variant)`,
          d.minWeight,
        );
      }
    }
    if (d.mode === 'shadow' && d.allocation !== 'hash') {
      issue(['allocation'], 'must be left out in shadow mode (every unit gets the control)');
    }
    if (d.hashSeed !== undefined && d.allocation !== 'hash') {
      issue(['hashSeed'], 'is only used with hash allocation');
    }
    checkMetric(d.primaryMetric, d.metricKind, ['primaryMetric'], issue);
    if (d.mode === 'shadow' && !isPredictionMetric(d.primaryMetric)) {
      issue(
        ['primaryMetric'],
        'must be error, absolute_error, squared_error or hit in shadow mode (a shadow prediction is never acted on, so only its accuracy can be judged)',
        d.primaryMetric,
      );
    }
    const seen = new Set([d.primaryMetric]);
    d.secondaryMetrics.forEach((m, i) => {
      const name = typeof m === 'string' ? m : m.name;
      if (seen.has(name))
        issue(['secondaryMetrics', i], 'must differ from the other metrics', name);
      seen.add(name);
      const kind = typeof m === 'string' ? undefined : m.metricKind;
      if (kind !== undefined) checkMetric(name, kind, ['secondaryMetrics', i, 'metricKind'], issue);
    });
    if (d.endAt !== undefined && !(d.endAt.getTime() > 0 && Number.isFinite(d.endAt.getTime()))) {
      issue(['endAt'], 'must be a valid instant', d.endAt);
    }
  });

function checkMetric(
  name: string,
  kind: 'continuous' | 'binary',
  path: (string | number)[],
  issue: (path: (string | number)[], message: string, input?: unknown) => void,
): void {
  if (name === 'hit' && kind !== 'binary') {
    issue(path, 'hit is a binary metric: set metricKind to binary', kind);
  } else if (ERROR_METRICS.has(name) && kind !== 'continuous') {
    issue(path, `${name} is a continuous metric: set metricKind to continuous`, kind);
  }
}

function isPredictionMetric(name: string): boolean {
  return ERROR_METRICS.has(name) || name === 'hit';
}

/**
 * The definition of an A/B test, as `abTests.create` accepts it. The first variant is the
 * control (the champion); every variant names a registered model version.
 *
 * @example
 * ```ts
 * const definition: AbTestDefinitionInput = {
 *   name: 'direction v2 vs v1',
 *   variants: [
 *     { name: 'control', model: 'direction', stage: 'production' },
 *     { name: 'challenger', model: 'direction', version: '2.0.0' },
 *   ],
 *   primaryMetric: 'pnl',
 *   minimumDetectableEffect: 0.5,
 *   maxLoss: 1,
 * };
 * ```
 */
export type AbTestDefinitionInput = AllowReadonlyArrays<z.input<typeof abTestDefinitionSchema>>;

/** A parsed definition (defaults applied). @internal */
export type AbTestDefinition = z.output<typeof abTestDefinitionSchema>;

/** One metric a test analyses, with its kind and direction resolved. */
export interface MetricSpec {
  readonly name: string;
  readonly metricKind: 'continuous' | 'binary';
  readonly higherIsBetter: boolean;
}

/**
 * The direction of a metric when the definition does not say: lower is better for the absolute
 * and squared errors, higher for everything else (`actual`, `hit`, PnL, ...). Signed `error` has
 * no better direction; it defaults to higher (set `higherIsBetter` to judge bias).
 *
 * @internal
 */
export function defaultHigherIsBetter(metric: string): boolean {
  return !LOWER_IS_BETTER.has(metric);
}

/**
 * The kind of a secondary metric when the definition does not say: binary for `hit`,
 * continuous otherwise.
 *
 * @internal
 */
export function defaultMetricKind(metric: string): 'continuous' | 'binary' {
  return metric === 'hit' ? 'binary' : 'continuous';
}

/** The secondary metrics with kind and direction resolved. @internal */
export function secondaryMetricSpecs(definition: AbTestDefinition): MetricSpec[] {
  return definition.secondaryMetrics.map((m) => {
    const name = typeof m === 'string' ? m : m.name;
    const kind = typeof m === 'string' ? undefined : m.metricKind;
    const higher = typeof m === 'string' ? undefined : m.higherIsBetter;
    return {
      name,
      metricKind: kind ?? defaultMetricKind(name),
      higherIsBetter: higher ?? defaultHigherIsBetter(name),
    };
  });
}
