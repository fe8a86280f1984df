/**
 * What `lab.models.register` takes: the zod schema and its input type.
 *
 * @module
 */
import { z } from 'zod';
import { ARTIFACT_ID } from '../artifacts/content.js';
import { instant } from '../experiments/definition.js';
import { jsonObjectSchema } from '../experiments/json.js';

/** Model types quantlab knows by name; any other non-empty name is accepted too. */
export const KNOWN_MODEL_TYPES = [
  'xgboost',
  'lightgbm',
  'catboost',
  'onnx',
  'random_forest',
  'lstm',
  'transformer',
  'linear',
  'logistic',
  'custom',
] as const;

const NUL_RULE = 'must not contain a NUL character';
const text = () =>
  z
    .string()
    .min(1, 'must not be empty')
    .refine((s) => !s.includes('\u0000'), NUL_RULE);

/** A model name: 1–200 characters, no NUL. */
export const modelNameSchema = text().max(200, 'must be at most 200 characters');

const numbers = () =>
  z
    .record(text(), z.number().refine(Number.isFinite, 'must be a finite number'))
    .default(() => ({}));

const trainingDataSchema = z
  .strictObject({
    from: instant(),
    to: instant(),
    samples: z.number().int('must be an integer').nonnegative('must not be negative'),
  })
  .superRefine((range, ctx) => {
    if (range.from instanceof Date && range.to instanceof Date && range.from > range.to) {
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message: 'must not be before trainingData.from',
      });
    }
  });

/**
 * The schema of a model registration. Strict: an unknown key is refused.
 *
 * @example
 * ```ts
 * modelRegistrationSchema.parse({ name: 'direction', artifact: bytes, modelType: 'xgboost' });
 * ```
 */
export const modelRegistrationSchema = z.strictObject({
  name: modelNameSchema,
  /** The model's bytes, or the id of an artifact already stored. */
  artifact: z.union(
    [
      z.custom<Uint8Array>((v) => v instanceof Uint8Array),
      z.custom<ArrayBuffer>((v) => v instanceof ArrayBuffer).transform((b) => new Uint8Array(b)),
      z.string().regex(ARTIFACT_ID, 'must be an artifact id (64 hex digits) or bytes'),
    ],
    { error: 'must be the model bytes (Uint8Array) or an artifact id' },
  ),
  version: z.string().optional(),
  modelType: text().max(100, 'must be at most 100 characters'),
  features: z
    .array(text())
    .superRefine((items, ctx) => {
      const seen = new Set<string>();
      items.forEach((item, index) => {
        if (seen.has(item)) {
          ctx.addIssue({
            code: 'custom',
            path: [index],
            message: 'must not repeat a feature',
            input: item,
          });
        }
        seen.add(item);
      });
    })
    .default(() => []),
  target: text().optional(),
  hyperparameters: jsonObjectSchema().default(() => ({})),
  preprocessing: jsonObjectSchema().default(() => ({})),
  featureImportance: numbers(),
  metrics: numbers(),
  validationMetrics: numbers(),
  testMetrics: numbers(),
  trainingData: trainingDataSchema.optional(),
  trainingDurationSeconds: z.number().nonnegative('must not be negative').optional(),
  experimentId: text().optional(),
  tags: z
    .array(text())
    .transform((tags) => [...new Set(tags)])
    .default(() => []),
  description: z
    .string()
    .refine((s) => !s.includes('\u0000'), NUL_RULE)
    .optional(),
  trainedBy: text().optional(),
});

/** A model registration as a caller writes it. */
export type ModelRegistration = z.input<typeof modelRegistrationSchema>;

/** Options of the calls that change a model: who did it and why, for the audit trail. */
export interface ChangeOptions {
  /** Who made the change (a user, a CI job, a bot). */
  actor?: string;
  /** Why, in words. */
  reason?: string;
}

/** @internal */
export const changeOptionsSchema = z.strictObject({
  actor: text().max(200, 'must be at most 200 characters').optional(),
  reason: z
    .string()
    .max(2000, 'must be at most 2000 characters')
    .refine((s) => !s.includes('\u0000'), NUL_RULE)
    .optional(),
});

/** An alias name: a letter, then letters, digits, `_`, `.` or `-` (at most 64). */
export const ALIAS_NAME = /^[A-Za-z][\w.-]{0,63}$/;
