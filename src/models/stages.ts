/**
 * The model stage machine (DESIGN.md, from seed 002):
 *
 * ```text
 * development → staging | archived
 * staging     → production | development | archived
 * production  → staging | archived
 * archived    → development
 * ```
 *
 * Promoting a version to production demotes the current production version to staging in the
 * same transaction.
 *
 * @module
 */
import { InvalidTransitionError } from '../errors.js';
import type { ModelStage } from '../storage/records.js';

/** Every model stage. */
export const MODEL_STAGES: readonly ModelStage[] = Object.freeze([
  'development',
  'staging',
  'production',
  'archived',
]);

/**
 * The allowed moves: stage → the stages it may move to.
 *
 * @example
 * ```ts
 * MODEL_STAGE_TRANSITIONS.staging; // ['production', 'development', 'archived']
 * ```
 */
export const MODEL_STAGE_TRANSITIONS: Readonly<Record<ModelStage, readonly ModelStage[]>> =
  Object.freeze({
    development: Object.freeze(['staging', 'archived'] as const),
    staging: Object.freeze(['production', 'development', 'archived'] as const),
    production: Object.freeze(['staging', 'archived'] as const),
    archived: Object.freeze(['development'] as const),
  });

/**
 * Whether `value` is a model stage.
 *
 * @example
 * ```ts
 * isModelStage('production'); // true
 * ```
 */
export function isModelStage(value: unknown): value is ModelStage {
  return typeof value === 'string' && Object.hasOwn(MODEL_STAGE_TRANSITIONS, value);
}

/**
 * Whether a version may move from `from` to `to`.
 *
 * @example
 * ```ts
 * canMoveStage('staging', 'production'); // true
 * canMoveStage('development', 'production'); // false: through staging
 * ```
 */
export function canMoveStage(from: string, to: string): boolean {
  return isModelStage(from) && (MODEL_STAGE_TRANSITIONS[from] as readonly string[]).includes(to);
}

/**
 * Throws unless the version may move from `from` to `to`.
 *
 * @throws InvalidTransitionError('model version', `name@version`, from, to)
 * @example
 * ```ts
 * assertStageMove('rsi@1.0.0', 'archived', 'production'); // throws
 * ```
 */
export function assertStageMove(id: string, from: string, to: string): void {
  if (!canMoveStage(from, to)) throw new InvalidTransitionError('model version', id, from, to);
}
