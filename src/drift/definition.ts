/**
 * The zod schemas of what `lab.drift` takes: model selectors, `setBaseline`, `check`, the
 * `reports` filter and `retrainAndValidate`. Large arrays (feature values, predictions) are only
 * checked to be arrays here; their elements are checked once, by the code that reads them, with
 * the same field names.
 *
 * @module
 */
import { z } from 'zod';
import { instant } from '../experiments/definition.js';
import { MODEL_STAGES } from '../models/stages.js';
import type { ModelStage } from '../storage/records.js';
import { DRIFT_METHODS, type DriftMethod } from './data-drift.js';
import { DETECTOR_KINDS, type DetectorKind } from './detectors/index.js';

const NUL_RULE = 'must not contain the NUL character';
const text = (max = 200) =>
  z
    .string()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !s.includes('\u0000'), NUL_RULE);

const isArrayLike = (v: unknown): boolean =>
  Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));

const values = z.custom<ArrayLike<number> | ArrayLike<string>>(
  isArrayLike,
  'must be an array of numbers or of strings',
);
const numbers = z.custom<ArrayLike<number>>(isArrayLike, 'must be an array of numbers');
const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const count = (min: number) =>
  z.number().int('must be a whole number').min(min, `must be at least ${min}`);

/** A model version, by version, stage or alias (exactly one). */
export const modelSelectorSchema = z
  .strictObject({
    name: text(),
    version: text(100).optional(),
    stage: z.enum(MODEL_STAGES as [ModelStage, ...ModelStage[]]).optional(),
    alias: text(64).optional(),
  })
  .superRefine((m, ctx) => {
    const given = [m.version, m.stage, m.alias].filter((x) => x !== undefined).length;
    if (given !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: 'must name the version by exactly one of version, stage or alias',
        input: m,
      });
    }
  });

const predictionsSchema = z.strictObject({
  predicted: numbers,
  actual: numbers,
  binary: z.boolean().optional(),
});

/**
 * A record keyed by the caller's names. zod drops a `__proto__` key from records without a
 * word, so it is refused here instead of being lost.
 */
const byName = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value, ctx) => {
    if (typeof value === 'object' && value !== null && Object.hasOwn(value, '__proto__')) {
      ctx.addIssue({
        code: 'custom',
        path: ['__proto__'],
        message: 'is a reserved name: __proto__ cannot be a key',
        input: value,
      });
    }
    return value;
  }, schema);

const featuresSchema = byName(z.record(text(), values));
const metricsSchema = byName(z.record(text(), finite));

/** Both `setBaseline` and `check` need something to keep or compare. */
function requireData(
  input: { features?: unknown; predictions?: unknown; metrics?: unknown },
  ctx: z.RefinementCtx,
): void {
  if (
    input.features === undefined &&
    input.predictions === undefined &&
    input.metrics === undefined
  ) {
    ctx.addIssue({
      code: 'custom',
      message: 'must give at least one of features, predictions or metrics',
      input,
    });
  }
}

/**
 * The zod schema of {@link BaselineInput}: what `lab.drift.setBaseline` validates (defaults
 * applied). Feature values and predictions are only checked to be arrays here; their elements
 * are checked when the sketches are built.
 *
 * @example
 * ```ts
 * baselineInputSchema.safeParse({ model: { name: 'direction', version: '1.0.0' } }).success; // false: nothing to keep
 * ```
 */
export const baselineInputSchema = z
  .strictObject({
    model: modelSelectorSchema,
    features: featuresSchema.optional(),
    predictions: predictionsSchema.optional(),
    metrics: metricsSchema.optional(),
    maxSamples: count(1).max(1_000_000, 'must be at most 1000000').default(10_000),
    bins: count(2).max(1000, 'must be at most 1000').default(10),
    maxCategories: count(1).max(100_000, 'must be at most 100000').default(1000),
  })
  .superRefine(requireData);

/**
 * What {@link DriftManager.setBaseline} takes.
 *
 * @example
 * ```ts
 * const input: BaselineInput = {
 *   model: { name: 'direction', version: '1.4.0' },
 *   features: { spread: trainSpreads, venue: trainVenues },
 *   predictions: { predicted: validationPredictions, actual: validationReturns },
 *   metrics: { sharpe: 1.7 },
 * };
 * ```
 */
export type BaselineInput = z.input<typeof baselineInputSchema>;

const conceptSchema = z.strictObject({
  detector: z.enum(DETECTOR_KINDS as [DetectorKind, ...DetectorKind[]]).default('adwin'),
  options: z.record(z.string(), z.unknown()).optional(),
});

/**
 * The zod schema of {@link CheckInput}: what `lab.drift.check` validates (defaults applied).
 *
 * @example
 * ```ts
 * checkInputSchema.parse({ model: { name: 'direction', version: '1.0.0' }, metrics: { sharpe: 1.2 } }).alpha; // 0.05
 * ```
 */
export const checkInputSchema = z
  .strictObject({
    model: modelSelectorSchema,
    features: featuresSchema.optional(),
    predictions: predictionsSchema.optional(),
    metrics: metricsSchema.optional(),
    methods: z
      .record(z.string(), z.enum(DRIFT_METHODS as [DriftMethod, ...DriftMethod[]]))
      .optional(),
    thresholds: byName(z.record(z.string(), finite.min(0, 'must be at least 0'))).optional(),
    alpha: z.number().gt(0, 'must be above 0').lt(1, 'must be below 1').default(0.05),
    driftShare: z.number().gt(0, 'must be above 0').max(1, 'must be at most 1').default(0.5),
    performanceThreshold: finite.min(0, 'must be at least 0').default(0.05),
    higherIsBetter: byName(z.record(z.string(), z.boolean())).optional(),
    concept: conceptSchema.optional(),
  })
  .superRefine(requireData);

/**
 * What {@link DriftManager.check} takes.
 *
 * @example
 * ```ts
 * const input: CheckInput = {
 *   model: { name: 'direction', stage: 'production' },
 *   features: { spread: todaysSpreads },
 *   predictions: { predicted: todaysPredictions, actual: todaysReturns },
 *   methods: { spread: 'psi' },
 * };
 * ```
 */
export type CheckInput = z.input<typeof checkInputSchema>;

/** The filter of `reports`. */
export const reportFilterSchema = z.strictObject({
  model: z.strictObject({ name: text(), version: text(100).optional() }).optional(),
  from: instant().optional(),
  to: instant().optional(),
  driftedOnly: z.boolean().default(false),
  limit: count(1).max(1000, 'must be at most 1000').default(100),
  cursor: z.string().optional(),
});

/**
 * What `retrainAndValidate` takes; `test` is checked against the A/B test schema by the facade
 * (before training, with the variants it will add).
 */
export const retrainInputSchema = z.strictObject({
  model: modelSelectorSchema,
  train: z.custom<(...args: never[]) => unknown>(
    (v) => typeof v === 'function',
    'must be a function',
  ),
  report: z.string().min(1, 'must not be empty').optional(),
  challengerWeight: z.number().gt(0, 'must be above 0').lt(1, 'must be below 1').optional(),
  test: z
    .custom<Record<string, unknown>>(
      (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
      'must be an object',
    )
    .optional(),
});
