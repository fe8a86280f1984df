/**
 * What a caller passes to `lab.experiments.create(...)`: the zod schema, its input and output
 * types, and {@link parseExperimentDefinition}, which turns every problem into a
 * `ValidationError` naming the field and the rule.
 *
 * @module
 */
import { z } from 'zod';
import { jsonObjectSchema } from './json.js';
import { parseInput } from './parse.js';

/** The kinds of experiment. */
export const EXPERIMENT_TYPES = [
  'backtest',
  'live_paper',
  'live_real',
  'strategy_optimization',
  'feature_engineering',
  'model_training',
  'performance_analysis',
] as const;

/** A kind of experiment, such as `backtest` or `model_training`. */
export type ExperimentType = (typeof EXPERIMENT_TYPES)[number];

/** The bar sizes an experiment may run on. */
export const TIMEFRAMES = ['1m', '5m', '15m', '30m', '1h', '4h', '1d', '1w'] as const;

/** A bar size, such as `1h`. */
export type Timeframe = (typeof TIMEFRAMES)[number];

/** Longest caller-supplied id (and `parentId`). */
export const MAX_ID_LENGTH = 200;

/** Longest experiment name. */
export const MAX_NAME_LENGTH = 500;

const noNul = (s: string) => !s.includes('\u0000');
const NUL_RULE = 'must not contain a NUL character';

/** A string that storage can hold (no NUL). */
const text = () => z.string().refine(noNul, NUL_RULE);
/** A non-empty string that storage can hold. */
const nonEmpty = () => z.string().min(1, 'must not be empty').refine(noNul, NUL_RULE);
const id = () => nonEmpty().max(MAX_ID_LENGTH, `must be at most ${MAX_ID_LENGTH} characters`);

const ISO_DATE_TIME = z.iso.datetime({ offset: true });
const ISO_DATE = z.iso.date();
const INSTANT_RULE =
  'must be a Date or an ISO 8601 string: a date (2025-01-31) or a date-time with a zone ' +
  '(2025-01-31T00:00:00Z)';

/**
 * A point in time (used by the definition and by `list` filters): a valid `Date`, or an ISO 8601 date (UTC midnight) or date-time with a `Z` or
 * `±hh:mm` zone. Zone-less date-times are refused: they would mean different instants on
 * different machines. The output is a new `Date`.
 */
export const instant = () =>
  z
    .union([z.date(), z.string()], {
      error: (issue) => (issue.input === undefined ? 'is required' : INSTANT_RULE),
    })
    .transform((value, ctx) => {
      if (value instanceof Date) return new Date(value.getTime());
      const parsed =
        ISO_DATE_TIME.safeParse(value).success || ISO_DATE.safeParse(value).success
          ? new Date(value)
          : undefined;
      if (parsed === undefined || Number.isNaN(parsed.getTime())) {
        ctx.addIssue({ code: 'custom', message: INSTANT_RULE, input: value });
        return z.NEVER;
      }
      return parsed;
    });

/** Reports each repeated item at its index, naming the first occurrence. */
function refuseDuplicates(field: string) {
  return (items: readonly string[], ctx: z.RefinementCtx<string[]>) => {
    const seen = new Map<string, number>();
    items.forEach((item, index) => {
      const first = seen.get(item);
      if (first === undefined) seen.set(item, index);
      else {
        ctx.addIssue({
          code: 'custom',
          path: [index],
          message: `must not repeat ${field}[${first}]`,
          input: item,
        });
      }
    });
  };
}

const dateRangeSchema = z
  .strictObject({ from: instant(), to: instant() })
  .superRefine((range, ctx) => {
    if (!(range.from instanceof Date && range.to instanceof Date)) return;
    if (range.from.getTime() >= range.to.getTime()) {
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message: 'must be after dateRange.from',
        input: range.to,
      });
    }
  });

const nonNegative = () => z.number().nonnegative('must not be negative');

const resourcesSchema = z.strictObject({
  cpuCores: nonNegative().optional(),
  memoryGb: nonNegative().optional(),
  gpuUnits: nonNegative().optional(),
  diskGb: nonNegative().optional(),
});

/** Provenance fields a caller may give; each one given replaces the captured value. */
const provenanceSchema = z.strictObject({
  gitCommit: nonEmpty().nullable().optional(),
  gitDirty: z.boolean().nullable().optional(),
  quantlabVersion: nonEmpty().nullable().optional(),
  callerPackage: z
    .strictObject({ name: nonEmpty(), version: nonEmpty().nullable() })
    .nullable()
    .optional(),
  nodeVersion: nonEmpty().optional(),
  platform: nonEmpty().optional(),
  capturedAt: instant().optional(),
});

const SEED_RULE = 'must be a safe integer or a non-empty string';

/**
 * The schema of an experiment definition. Strict: an unknown top-level key is refused. JSON
 * fields (`params`, `strategyParams`, `modelParams`, `featureParams`, `metadata`) take plain data
 * with finite numbers only. `symbols` and each `inputs` list are sets: a repeat is refused.
 * `tags` are deduplicated (first occurrence kept). `provenance` holds fields the caller already
 * knows; the rest is captured.
 *
 * @example
 * ```ts
 * const definition = experimentDefinitionSchema.parse({
 *   name: 'RSI sweep',
 *   type: 'backtest',
 *   strategy: 'rsi-reversion',
 *   symbols: ['BTC/USD'],
 *   timeframe: '1h',
 *   dateRange: { from: '2025-01-01', to: '2025-02-01' },
 * });
 * definition.priority; // 5
 * ```
 */
export const experimentDefinitionSchema = z.strictObject({
  id: id().optional(),
  name: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(MAX_NAME_LENGTH, `must be at most ${MAX_NAME_LENGTH} characters`)
    .refine(noNul, NUL_RULE),
  description: text().optional(),
  type: z.enum(EXPERIMENT_TYPES, { error: `must be one of ${EXPERIMENT_TYPES.join(', ')}` }),
  strategy: nonEmpty(),
  symbols: z
    .array(nonEmpty())
    .min(1, 'must list at least one symbol')
    .superRefine(refuseDuplicates('symbols')),
  timeframe: z.enum(TIMEFRAMES, { error: `must be one of ${TIMEFRAMES.join(', ')}` }),
  dateRange: dateRangeSchema,
  params: jsonObjectSchema().default(() => ({})),
  strategyParams: jsonObjectSchema().default(() => ({})),
  modelParams: jsonObjectSchema().default(() => ({})),
  featureParams: jsonObjectSchema().default(() => ({})),
  inputs: z
    .record(nonEmpty(), z.array(nonEmpty()).superRefine(refuseDuplicates('ids')))
    .default(() => ({})),
  seed: z
    .union([z.number().int(SEED_RULE), z.string().min(1, SEED_RULE).refine(noNul, NUL_RULE)], {
      error: SEED_RULE,
    })
    .optional(),
  tags: z
    .array(nonEmpty())
    .transform((tags) => [...new Set(tags)])
    .default(() => []),
  priority: z
    .number()
    .int('must be an integer')
    .min(1, 'must be from 1 to 10')
    .max(10, 'must be from 1 to 10')
    .default(5),
  resources: resourcesSchema.optional(),
  maxRuntimeHours: z.number().positive('must be positive').default(24),
  autoCleanup: z.boolean().default(true),
  parentId: id().optional(),
  metadata: jsonObjectSchema().default(() => ({})),
  provenance: provenanceSchema.optional(),
});

/**
 * An experiment definition as a caller writes it (dates may be ISO strings, defaults optional,
 * arrays may be readonly, so an `as const` object is accepted).
 */
export type ExperimentDefinitionInput = AllowReadonlyArrays<
  z.input<typeof experimentDefinitionSchema>
>;

/**
 * `T` with every array, at any depth, allowed to be readonly (so `as const` data fits).
 *
 * @example
 * ```ts
 * type Input = AllowReadonlyArrays<{ symbols: string[] }>; // { symbols: readonly string[] }
 * ```
 */
export type AllowReadonlyArrays<T> = T extends readonly (infer U)[]
  ? readonly AllowReadonlyArrays<U>[]
  : T extends Date
    ? T
    : T extends object
      ? { [K in keyof T]: AllowReadonlyArrays<T[K]> }
      : T;

/** A validated experiment definition: defaults applied, dates as `Date`, JSON fields copied. */
export type ExperimentDefinition = z.output<typeof experimentDefinitionSchema>;

/**
 * Validates an experiment definition and applies its defaults.
 *
 * @throws ValidationError naming the first offending field as a dotted path (`dateRange.to`,
 *   `symbols[1]`, `params.lookback`) and the rule it broke.
 *
 * @example
 * ```ts
 * parseExperimentDefinition({ ...definition, symbols: [] });
 * // throws ValidationError: symbols: must list at least one symbol (received array(0))
 * ```
 */
export function parseExperimentDefinition(input: unknown): ExperimentDefinition {
  return parseInput(experimentDefinitionSchema, input, 'definition');
}

export { formatPath } from './parse.js';
