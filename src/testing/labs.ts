import { afterEach, expect } from 'vitest';
import { ValidationError } from '../errors.js';
import { createLab, type Lab, type LabOptions } from '../lab.js';
import type { StorageBackend } from '../storage/backend.js';
import type { ConformanceTarget } from './harness.js';

/** Opens a lab over a fresh backend of the target; closed and destroyed after the test. @internal */
export type LabFactory = (options?: LabOptions) => Promise<Lab>;

/**
 * Gives facade cases labs over fresh storage. Provenance capture is off unless the options turn
 * it on (git calls would slow every `create`); everything else is the caller's options.
 *
 * @internal
 */
export function freshLabs(target: ConformanceTarget): LabFactory {
  const opened: { lab: Lab; backend: StorageBackend }[] = [];
  afterEach(async () => {
    const all = opened.splice(0);
    for (const { lab, backend } of all) {
      await lab.close().catch(() => {});
      await target.destroy?.(backend);
    }
  });
  return async (options = {}) => {
    const backend = await target.create();
    const experiments = {
      ...options.experiments,
      provenance: { capture: false, ...options.experiments?.provenance },
    };
    const lab = await createLab(backend, { ...options, experiments });
    opened.push({ lab, backend });
    return lab;
  };
}

/**
 * A clock the test moves by hand.
 *
 * @internal
 */
export interface ManualClock {
  (): Date;
  /** Moves the clock forward by `ms`. */
  advance(ms: number): void;
  /** Sets the clock. */
  set(at: Date): void;
}

/** A {@link ManualClock} starting at `start`. @internal */
export function manualClock(start = new Date('2026-03-01T12:00:00.000Z')): ManualClock {
  let now = start.getTime();
  const clock = (() => new Date(now)) as ManualClock;
  clock.advance = (ms) => {
    now += ms;
  };
  clock.set = (at) => {
    now = at.getTime();
  };
  return clock;
}

let definitions = 0;

/** A valid experiment definition with a name of its own; override any field. @internal */
export function definition(
  overrides: Record<string, unknown> = {},
): Parameters<Lab['experiments']['create']>[0] {
  return {
    name: `backtest ${++definitions}`,
    type: 'backtest',
    strategy: 'momentum',
    symbols: ['BTC/USD'],
    timeframe: '1h',
    dateRange: { from: '2025-01-01', to: '2025-07-01' },
    params: { lookback: 20, threshold: 0.5 },
    ...overrides,
  } as Parameters<Lab['experiments']['create']>[0];
}

/** The error `promise` rejects with; throws (failing the test) when it fulfils. @internal */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );
}

/** Expects `promise` to reject with a ValidationError naming `field`; returns the error. @internal */
export async function expectInvalid(
  promise: Promise<unknown>,
  field: string,
): Promise<ValidationError> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(ValidationError);
  expect((error as ValidationError).field).toBe(field);
  return error as ValidationError;
}

/** The ids of experiments, in order. @internal */
export const idsOf = (experiments: readonly { id: string }[]): string[] =>
  experiments.map((e) => e.id);
