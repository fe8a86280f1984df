/**
 * The experiment lifecycle state machine (DESIGN.md, from seed 000):
 *
 * ```text
 * created   → queued | cancelled
 * queued    → running | cancelled
 * running   → completed | failed | cancelled
 * completed → archived
 * failed    → queued (retry) | archived
 * cancelled → archived
 * archived  → (nothing)
 * ```
 *
 * @module
 */
import { InvalidTransitionError } from '../errors.js';

/** Every experiment status, in lifecycle order. */
export const EXPERIMENT_STATUSES = [
  'created',
  'queued',
  'running',
  'completed',
  'failed',
  'cancelled',
  'archived',
] as const;

/** The lifecycle state of an experiment. */
export type ExperimentStatus = (typeof EXPERIMENT_STATUSES)[number];

/**
 * The allowed moves: status → the statuses it may move to.
 *
 * @example
 * ```ts
 * EXPERIMENT_TRANSITIONS.failed; // ['queued', 'archived']
 * ```
 */
export const EXPERIMENT_TRANSITIONS: Readonly<
  Record<ExperimentStatus, readonly ExperimentStatus[]>
> = Object.freeze({
  created: Object.freeze(['queued', 'cancelled'] as const),
  queued: Object.freeze(['running', 'cancelled'] as const),
  running: Object.freeze(['completed', 'failed', 'cancelled'] as const),
  completed: Object.freeze(['archived'] as const),
  failed: Object.freeze(['queued', 'archived'] as const),
  cancelled: Object.freeze(['archived'] as const),
  archived: Object.freeze([] as const),
});

const SOURCES: Readonly<Record<ExperimentStatus, readonly ExperimentStatus[]>> = Object.freeze(
  Object.fromEntries(
    EXPERIMENT_STATUSES.map((to) => [
      to,
      Object.freeze(
        EXPERIMENT_STATUSES.filter((from) => EXPERIMENT_TRANSITIONS[from].includes(to)),
      ),
    ]),
  ) as Record<ExperimentStatus, readonly ExperimentStatus[]>,
);

const FINISHED: ReadonlySet<string> = new Set(['completed', 'failed', 'cancelled', 'archived']);

/**
 * Whether `value` is one of {@link EXPERIMENT_STATUSES}.
 *
 * @example
 * ```ts
 * isExperimentStatus('running'); // true
 * isExperimentStatus('pending'); // false
 * ```
 */
export function isExperimentStatus(value: unknown): value is ExperimentStatus {
  return typeof value === 'string' && Object.hasOwn(EXPERIMENT_TRANSITIONS, value);
}

/**
 * Whether an experiment may move from `from` to `to`. Unknown statuses (a stored string from a
 * newer version, say) may not move anywhere, and nothing moves to itself.
 *
 * @example
 * ```ts
 * canTransition('failed', 'queued'); // true: a retry
 * canTransition('completed', 'running'); // false
 * ```
 */
export function canTransition(from: string, to: string): boolean {
  return (
    isExperimentStatus(from) && (EXPERIMENT_TRANSITIONS[from] as readonly string[]).includes(to)
  );
}

/**
 * Throws unless experiment `id` may move from `from` to `to`.
 *
 * @throws InvalidTransitionError('experiment', id, from, to)
 *
 * @example
 * ```ts
 * assertTransition('exp-1', 'running', 'completed'); // fine
 * assertTransition('exp-1', 'completed', 'running'); // throws InvalidTransitionError
 * ```
 */
export function assertTransition(id: string, from: string, to: string): void {
  if (!canTransition(from, to)) throw new InvalidTransitionError('experiment', id, from, to);
}

/**
 * The statuses from which `to` can be reached in one move, in lifecycle order: the
 * compare-and-set `expectStatus` of a facade update (`start` moves from `queued` only,
 * `cancel` from `created`, `queued` or `running`, ...).
 *
 * @example
 * ```ts
 * sourcesOf('cancelled'); // ['created', 'queued', 'running']
 * sourcesOf('created'); // []
 * ```
 */
export function sourcesOf(to: ExperimentStatus): readonly ExperimentStatus[] {
  return SOURCES[to];
}

/**
 * Whether the run is over: `completed`, `failed`, `cancelled` or `archived`. Nothing is queued
 * or in progress, so no more metrics are expected. A failed experiment may still be retried
 * (which queues it again) and a finished one archived; `archived` alone has no move out.
 *
 * @example
 * ```ts
 * isTerminal('failed'); // true
 * isTerminal('queued'); // false
 * ```
 */
export function isTerminal(status: string): boolean {
  return FINISHED.has(status);
}
