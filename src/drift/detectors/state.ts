/**
 * The checks every detector's `restore*` shares: the state is an object from `state()` of the
 * right kind and format version, and its flags are booleans.
 *
 * @internal
 * @module
 */
import { ValidationError } from '../../errors.js';

/**
 * Throws unless `state` is an object with `kind` and `version: 1`.
 *
 * @throws ValidationError naming `state`, `state.kind` or `state.version`.
 * @example
 * ```ts
 * checkStateHeader(JSON.parse(saved), 'adwin');
 * ```
 * @internal
 */
export function checkStateHeader(state: unknown, kind: string): void {
  if (state === null || typeof state !== 'object') {
    throw new ValidationError('state', 'must be a state object from detector.state()', {
      received: state,
    });
  }
  const { kind: given, version } = state as { kind?: unknown; version?: unknown };
  if (given !== kind) {
    throw new ValidationError('state.kind', `must be '${kind}'`, { received: given });
  }
  if (version !== 1) {
    throw new ValidationError('state.version', 'must be 1', { received: version });
  }
}

/**
 * Throws unless `value` is a boolean: a flag of a saved state (`driftDetected`, ...).
 *
 * @throws ValidationError naming `field`.
 * @example
 * ```ts
 * checkStateFlag(state.driftDetected, 'state.driftDetected');
 * ```
 * @internal
 */
export function checkStateFlag(value: unknown, field: string): asserts value is boolean {
  if (typeof value !== 'boolean') {
    throw new ValidationError(field, 'must be a boolean', { received: value });
  }
}
