import { describe, expect, it } from 'vitest';
import { InvalidTransitionError } from '../errors.js';
import {
  assertTransition,
  canTransition,
  EXPERIMENT_STATUSES,
  type ExperimentStatus,
  isExperimentStatus,
  isTerminal,
  sourcesOf,
} from './lifecycle.js';

// The table of DESIGN.md, written out independently of the implementation.
const ALLOWED = new Set([
  'created->queued',
  'created->cancelled',
  'queued->running',
  'queued->cancelled',
  'running->completed',
  'running->failed',
  'running->cancelled',
  'completed->archived',
  'failed->queued',
  'failed->archived',
  'cancelled->archived',
]);

const pairs = EXPERIMENT_STATUSES.flatMap((from) =>
  EXPERIMENT_STATUSES.map((to) => ({ from, to, allowed: ALLOWED.has(`${from}->${to}`) })),
);

describe('experiment lifecycle', () => {
  it('lists the seven statuses', () => {
    expect(EXPERIMENT_STATUSES).toEqual([
      'created',
      'queued',
      'running',
      'completed',
      'failed',
      'cancelled',
      'archived',
    ]);
    expect(pairs).toHaveLength(49);
  });

  it.each(pairs)('$from -> $to allowed: $allowed', ({ from, to, allowed }) => {
    expect(canTransition(from, to)).toBe(allowed);
    if (allowed) {
      expect(() => assertTransition('exp-1', from, to)).not.toThrow();
    } else {
      let thrown: unknown;
      try {
        assertTransition('exp-1', from, to);
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(InvalidTransitionError);
      expect(thrown).toMatchObject({
        code: 'INVALID_TRANSITION',
        entity: 'experiment',
        id: 'exp-1',
        from,
        to,
      });
    }
  });

  it.each(EXPERIMENT_STATUSES)('sourcesOf(%s) lists exactly the statuses that reach it', (to) => {
    const expected = EXPERIMENT_STATUSES.filter((from) => ALLOWED.has(`${from}->${to}`));
    expect(sourcesOf(to)).toEqual(expected);
  });

  it('gives the compare-and-set sources the facade needs', () => {
    expect(sourcesOf('queued')).toEqual(['created', 'failed']);
    expect(sourcesOf('running')).toEqual(['queued']);
    expect(sourcesOf('cancelled')).toEqual(['created', 'queued', 'running']);
    expect(sourcesOf('archived')).toEqual(['completed', 'failed', 'cancelled']);
    expect(sourcesOf('created')).toEqual([]);
  });

  it('refuses unknown statuses on either side', () => {
    expect(canTransition('pending', 'running')).toBe(false);
    expect(canTransition('created', 'pending')).toBe(false);
    expect(canTransition('toString', 'queued')).toBe(false);
    expect(() => assertTransition('x', 'pending', 'running')).toThrow(InvalidTransitionError);
    expect(isExperimentStatus('pending')).toBe(false);
    expect(isExperimentStatus('constructor')).toBe(false);
    expect(EXPERIMENT_STATUSES.every(isExperimentStatus)).toBe(true);
  });

  it('calls a run over once completed, failed, cancelled or archived', () => {
    const finished: ExperimentStatus[] = ['completed', 'failed', 'cancelled', 'archived'];
    for (const status of EXPERIMENT_STATUSES) {
      expect(isTerminal(status)).toBe(finished.includes(status));
    }
    expect(isTerminal('pending')).toBe(false);
  });
});
