/**
 * The A/B test state machine (DESIGN.md): created → running; running → paused | completed |
 * failed; paused → running | completed.
 *
 * @module
 */
import { InvalidTransitionError } from '../errors.js';
import type { AbTestStatus } from '../storage/records.js';

/** Every status of an A/B test. */
export const AB_TEST_STATUSES: readonly AbTestStatus[] = Object.freeze([
  'created',
  'running',
  'paused',
  'completed',
  'failed',
]);

/** The moves the state machine allows, from each status. */
export const AB_TEST_TRANSITIONS: Readonly<Record<AbTestStatus, readonly AbTestStatus[]>> =
  Object.freeze({
    created: Object.freeze(['running'] as AbTestStatus[]),
    running: Object.freeze(['paused', 'completed', 'failed'] as AbTestStatus[]),
    paused: Object.freeze(['running', 'completed'] as AbTestStatus[]),
    completed: Object.freeze([] as AbTestStatus[]),
    failed: Object.freeze([] as AbTestStatus[]),
  });

/**
 * The statuses a test may move to `to` from.
 *
 * @example
 * ```ts
 * sourcesOf('completed'); // ['running', 'paused']
 * ```
 * @internal
 */
export function sourcesOf(to: AbTestStatus): AbTestStatus[] {
  return AB_TEST_STATUSES.filter((from) => AB_TEST_TRANSITIONS[from].includes(to));
}

/**
 * Throws unless the state machine allows `from → to`.
 *
 * @throws InvalidTransitionError('A/B test', id, from, to)
 * @internal
 */
export function assertAbTransition(id: string, from: AbTestStatus, to: AbTestStatus): void {
  if (!AB_TEST_TRANSITIONS[from].includes(to)) {
    throw new InvalidTransitionError('A/B test', id, from, to);
  }
}
