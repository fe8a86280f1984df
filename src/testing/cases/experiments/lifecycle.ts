import { describe, expect, it } from 'vitest';
import { InvalidTransitionError, NotFoundError } from '../../../errors.js';
import {
  EXPERIMENT_STATUSES,
  EXPERIMENT_TRANSITIONS,
  type ExperimentStatus,
  sourcesOf,
} from '../../../experiments/lifecycle.js';
import type { Experiment } from '../../../experiments/types.js';
import type { Lab } from '../../../lab.js';
import type { ConformanceTarget } from '../../harness.js';
import { definition, freshLabs, manualClock, rejection } from '../../labs.js';

/** The facade methods that move an experiment, and the status each one moves to. */
const MOVES = {
  queue: 'queued',
  retry: 'queued',
  start: 'running',
  complete: 'completed',
  fail: 'failed',
  cancel: 'cancelled',
  archive: 'archived',
} as const satisfies Record<string, ExperimentStatus>;

type Method = keyof typeof MOVES;
const METHODS = Object.keys(MOVES) as Method[];

const call: Record<Method, (lab: Lab, id: string) => Promise<Experiment>> = {
  queue: (lab, id) => lab.experiments.queue(id),
  retry: (lab, id) => lab.experiments.retry(id),
  start: (lab, id) => lab.experiments.start(id),
  complete: (lab, id) => lab.experiments.complete(id),
  fail: (lab, id) => lab.experiments.fail(id, new Error('tested failure')),
  cancel: (lab, id) => lab.experiments.cancel(id),
  archive: (lab, id) => lab.experiments.archive(id),
};

/** The method that performs the move to `to` from `from` (none reaches `created`). */
function methodFor(from: ExperimentStatus, to: ExperimentStatus): Method | undefined {
  switch (to) {
    case 'created':
      return undefined;
    case 'queued':
      return from === 'failed' ? 'retry' : 'queue';
    case 'running':
      return 'start';
    case 'completed':
      return 'complete';
    case 'failed':
      return 'fail';
    case 'cancelled':
      return 'cancel';
    case 'archived':
      return 'archive';
  }
}

/** Creates an experiment and drives it to `status` through legal moves, with the fewest calls. */
async function experimentIn(lab: Lab, status: ExperimentStatus): Promise<string> {
  const experiments = lab.experiments;
  if (status === 'queued') return (await experiments.create(definition(), { queue: true })).id;
  const { id } = await experiments.create(definition());
  switch (status) {
    case 'running':
      await experiments.start(id);
      break;
    case 'completed':
      await experiments.start(id);
      await experiments.complete(id);
      break;
    case 'failed':
      await experiments.start(id);
      await experiments.fail(id, new Error('setup failure'));
      break;
    case 'cancelled':
      await experiments.cancel(id);
      break;
    case 'archived':
      await experiments.cancel(id);
      await experiments.archive(id);
      break;
    default:
      break;
  }
  return id;
}

/** The settled outcome of a call: its value, or the error it threw. */
async function outcome<T>(promise: Promise<T>): Promise<{ value: T } | { error: unknown }> {
  try {
    return { value: await promise };
  } catch (error) {
    return { error };
  }
}

const messages = (logs: readonly { message: string }[]) => logs.map((l) => l.message);

/** Lifecycle of `lab.experiments`: the state machine, timestamps, errors and logs. @internal */
export function experimentLifecycleCases(target: ConformanceTarget): void {
  describe('experiments: lifecycle', () => {
    const openLab = freshLabs(target);

    // ------------------------------------------------------------------ the transition table

    for (const from of EXPERIMENT_STATUSES) {
      for (const to of EXPERIMENT_STATUSES) {
        const method = methodFor(from, to);
        if (method === undefined) {
          it(`${from} → created: no method moves an experiment (back) to created`, async () => {
            expect(sourcesOf('created')).toEqual([]);
            expect(Object.values(MOVES)).not.toContain('created');
            const clock = manualClock();
            const lab = await openLab({ clock });
            for (const each of METHODS) {
              const id = await experimentIn(lab, from);
              const before = await lab.experiments.get(id);
              expect(before.status).toBe(from);
              clock.advance(1000);
              const result = await outcome(call[each](lab, id));
              const after = await lab.experiments.get(id);
              if ('value' in result) {
                // Whatever a method does, it lands on its own target status, never on created.
                expect(result.value.status, each).toBe(MOVES[each]);
                expect(after.status, each).toBe(MOVES[each]);
              } else {
                expect(result.error, each).toBeInstanceOf(InvalidTransitionError);
                expect(result.error, each).toMatchObject({ from, to: MOVES[each] });
                expect(after, each).toEqual(before);
              }
            }
          });
          continue;
        }

        // `start` on a created experiment queues and starts it in one step (DESIGN.md: run()
        // goes created → running through queued, recording both), so created → running is
        // allowed through start although the table has no direct created → running move.
        const viaQueued = from === 'created' && to === 'running';
        const legal = EXPERIMENT_TRANSITIONS[from].includes(to) || viaQueued;

        if (legal) {
          const name = viaQueued
            ? `${from} → ${to}: ${method} queues and starts in one step (two log entries, by design)`
            : `${from} → ${to}: ${method} moves it and logs "${from} → ${to}"`;
          it(name, async () => {
            const clock = manualClock();
            const lab = await openLab({ clock });
            const id = await experimentIn(lab, from);
            const before = await lab.experiments.get(id);
            expect(before.status).toBe(from);
            const logsBefore = await lab.experiments.logs(id);
            clock.advance(1000);
            const moved = await call[method](lab, id);
            expect(moved.status).toBe(to);
            expect(moved.updatedAt).toEqual(clock());
            expect(await lab.experiments.get(id)).toEqual(moved);
            const logsAfter = await lab.experiments.logs(id);
            expect(messages(logsAfter.slice(0, logsBefore.length))).toEqual(messages(logsBefore));
            expect(messages(logsAfter.slice(logsBefore.length))).toEqual(
              viaQueued ? ['created → queued', 'queued → running'] : [`${from} → ${to}`],
            );
          });
        } else {
          // From statuses other than created and failed, neither queue nor retry may queue.
          const methods: Method[] =
            to === 'queued' && from !== 'created' && from !== 'failed'
              ? ['queue', 'retry']
              : [method];
          it(`${from} → ${to}: ${methods.join(' and ')} throw InvalidTransitionError and change nothing`, async () => {
            const clock = manualClock();
            const lab = await openLab({ clock });
            const id = await experimentIn(lab, from);
            const before = await lab.experiments.get(id);
            expect(before.status).toBe(from);
            const logCount = (await lab.experiments.logs(id)).length;
            for (const each of methods) {
              clock.advance(1000);
              const error = await rejection(call[each](lab, id));
              expect(error, each).toBeInstanceOf(InvalidTransitionError);
              expect(error, each).toMatchObject({ entity: 'experiment', id, from, to });
              expect(await lab.experiments.get(id), each).toEqual(before);
              expect(await lab.experiments.logs(id), each).toHaveLength(logCount);
            }
          });
        }
      }
    }

    // ------------------------------------------------------------------ queue versus retry

    // failed → queued is a legal move of the table, but it is the retry: queue() must not make
    // it (it would leave the failed run's startedAt and completedAt on a queued experiment).
    it('queue refuses a failed experiment (retry is the way back)', async () => {
      const lab = await openLab({ clock: manualClock() });
      const id = await experimentIn(lab, 'failed');
      const before = await lab.experiments.get(id);
      const error = await rejection(lab.experiments.queue(id));
      expect(error).toBeInstanceOf(InvalidTransitionError);
      expect(await lab.experiments.get(id)).toEqual(before);
    });

    // created → queued is legal, but it is not a retry: only a failed experiment is retried.
    it('retry refuses a created experiment (only a failed one is retried)', async () => {
      const lab = await openLab({ clock: manualClock() });
      const id = await experimentIn(lab, 'created');
      const before = await lab.experiments.get(id);
      const error = await rejection(lab.experiments.retry(id));
      expect(error).toBeInstanceOf(InvalidTransitionError);
      expect(await lab.experiments.get(id)).toEqual(before);
    });

    // ------------------------------------------------------------------ timestamps

    it('stamps createdAt, queuedAt, startedAt and completedAt from the clock; durationMs is exact', async () => {
      const clock = manualClock();
      const lab = await openLab({ clock });
      const t0 = clock();
      const created = await lab.experiments.create(definition());
      expect(created).toMatchObject({
        status: 'created',
        createdAt: t0,
        updatedAt: t0,
        queuedAt: null,
        startedAt: null,
        completedAt: null,
        durationMs: null,
      });

      clock.advance(1_000);
      const t1 = clock();
      const queued = await lab.experiments.queue(created.id);
      expect(queued).toMatchObject({
        status: 'queued',
        createdAt: t0,
        updatedAt: t1,
        queuedAt: t1,
        startedAt: null,
        completedAt: null,
        durationMs: null,
      });

      clock.advance(2_000);
      const t2 = clock();
      const running = await lab.experiments.start(created.id);
      expect(running).toMatchObject({
        status: 'running',
        createdAt: t0,
        updatedAt: t2,
        queuedAt: t1,
        startedAt: t2,
        completedAt: null,
        durationMs: null,
      });

      clock.advance(5_400_123);
      const t3 = clock();
      const completed = await lab.experiments.complete(created.id);
      expect(completed).toMatchObject({
        status: 'completed',
        createdAt: t0,
        updatedAt: t3,
        queuedAt: t1,
        startedAt: t2,
        completedAt: t3,
        durationMs: 5_400_123,
      });

      clock.advance(60_000);
      const t4 = clock();
      const archived = await lab.experiments.archive(created.id);
      expect(archived).toMatchObject({
        status: 'archived',
        updatedAt: t4,
        startedAt: t2,
        completedAt: t3,
        durationMs: 5_400_123,
      });
      expect(await lab.experiments.get(created.id)).toEqual(archived);
    });

    it.each([
      ['fail', 'failed'],
      ['cancel', 'cancelled'],
    ] as const)(
      '%s stamps completedAt and the exact duration of a running experiment',
      async (method, status) => {
        const clock = manualClock();
        const lab = await openLab({ clock });
        const { id } = await lab.experiments.create(definition());
        clock.advance(500);
        const started = await lab.experiments.start(id);
        // A created experiment is queued and started at the same instant.
        expect(started.queuedAt).toEqual(clock());
        expect(started.startedAt).toEqual(clock());
        clock.advance(90_001);
        const finished = await call[method](lab, id);
        expect(finished).toMatchObject({
          status,
          startedAt: started.startedAt,
          completedAt: clock(),
          updatedAt: clock(),
          durationMs: 90_001,
        });
        expect(await lab.experiments.get(id)).toEqual(finished);
      },
    );

    it('cancel before start stamps completedAt and leaves the duration null', async () => {
      const clock = manualClock();
      const lab = await openLab({ clock });
      const { id } = await lab.experiments.create(definition(), { queue: true });
      clock.advance(7_000);
      const cancelled = await lab.experiments.cancel(id);
      expect(cancelled).toMatchObject({
        status: 'cancelled',
        startedAt: null,
        completedAt: clock(),
        updatedAt: clock(),
        durationMs: null,
      });
    });

    // ------------------------------------------------------------------ failures and retries

    class ExchangeTimeoutError extends Error {
      constructor(message: string) {
        super(message);
        this.name = 'ExchangeTimeoutError';
      }
    }

    it.each([
      ['an Error', new Error('exchange API timed out'), 'exchange API timed out'],
      [
        'a custom error class',
        new ExchangeTimeoutError('no response in 30 s'),
        'ExchangeTimeoutError: no response in 30 s',
      ],
      ['a built-in error subclass', new TypeError('x is undefined'), 'TypeError: x is undefined'],
      ['a string', 'ran out of data at 2025-03-01', 'ran out of data at 2025-03-01'],
    ])('fail keeps the message of %s and logs it at level error', async (_, error, message) => {
      const clock = manualClock();
      const lab = await openLab({ clock });
      const { id } = await lab.experiments.create(definition());
      await lab.experiments.start(id);
      clock.advance(1_000);
      const failed = await lab.experiments.fail(id, error);
      expect(failed).toMatchObject({ status: 'failed', error: message, errorCount: 1 });
      expect(await lab.experiments.get(id)).toEqual(failed);
      const last = (await lab.experiments.logs(id)).at(-1);
      expect(last).toMatchObject({
        experimentId: id,
        level: 'error',
        message: 'running → failed',
        context: { error: message, from: 'running', to: 'failed' },
        at: clock(),
      });
    });

    it('counts failures across retry → start → fail; the error is the latest; retry clears the run times', async () => {
      const clock = manualClock();
      const lab = await openLab({ clock });
      const { id } = await lab.experiments.create(definition(), { queue: true });
      const firstQueuedAt = clock();
      clock.advance(1_000);
      await lab.experiments.start(id);
      clock.advance(1_000);
      const first = await lab.experiments.fail(id, new Error('first failure'));
      expect(first).toMatchObject({ error: 'first failure', errorCount: 1 });

      clock.advance(1_000);
      const retried = await lab.experiments.retry(id);
      expect(retried).toMatchObject({
        status: 'queued',
        queuedAt: clock(),
        startedAt: null,
        completedAt: null,
        durationMs: null,
        error: 'first failure',
        errorCount: 1,
        updatedAt: clock(),
      });
      expect(retried.queuedAt).not.toEqual(firstQueuedAt);

      clock.advance(1_000);
      const restarted = await lab.experiments.start(id);
      expect(restarted).toMatchObject({ status: 'running', startedAt: clock(), errorCount: 1 });
      clock.advance(4_000);
      const second = await lab.experiments.fail(id, 'second failure');
      expect(second).toMatchObject({
        status: 'failed',
        error: 'second failure',
        errorCount: 2,
        completedAt: clock(),
        durationMs: 4_000,
      });
      expect(await lab.experiments.get(id)).toEqual(second);
    });

    // ------------------------------------------------------------------ logs

    it('writes one log entry per transition, "from → to", at the time of the move', async () => {
      const clock = manualClock();
      const lab = await openLab({ clock });
      const created = await lab.experiments.create(definition());
      const id = created.id;
      const steps: [Method, ExperimentStatus, ExperimentStatus][] = [
        ['queue', 'created', 'queued'],
        ['start', 'queued', 'running'],
        ['fail', 'running', 'failed'],
        ['retry', 'failed', 'queued'],
        ['start', 'queued', 'running'],
        ['complete', 'running', 'completed'],
        ['archive', 'completed', 'archived'],
      ];
      const expected: object[] = [
        {
          id: expect.any(String),
          experimentId: id,
          level: 'info',
          message: 'experiment created',
          context: { configHash: created.configHash, gitCommit: null },
          at: clock(),
        },
      ];
      for (const [method, from, to] of steps) {
        clock.advance(1_000);
        await call[method](lab, id);
        expected.push({
          id: expect.any(String),
          experimentId: id,
          level: method === 'fail' ? 'error' : 'info',
          message: `${from} → ${to}`,
          context: method === 'fail' ? { error: 'tested failure', from, to } : { from, to },
          at: clock(),
        });
      }
      const logs = await lab.experiments.logs(id);
      expect(logs).toEqual(expected);
      expect(new Set(logs.map((l) => l.id)).size).toBe(logs.length);
    });

    it('create with { queue: true } logs the creation and created → queued', async () => {
      const clock = manualClock();
      const lab = await openLab({ clock });
      const queued = await lab.experiments.create(definition(), { queue: true });
      expect(queued).toMatchObject({ status: 'queued', queuedAt: clock(), createdAt: clock() });
      expect(messages(await lab.experiments.logs(queued.id))).toEqual([
        'experiment created',
        'created → queued',
      ]);
    });

    it.each(['created', 'queued', 'running'] as const)(
      'cancel from %s records the reason in the log context',
      async (from) => {
        const lab = await openLab({ clock: manualClock() });
        const id = await experimentIn(lab, from);
        await lab.experiments.cancel(id, 'superseded by sweep 42');
        const last = (await lab.experiments.logs(id)).at(-1);
        expect(last).toMatchObject({
          level: 'info',
          message: `${from} → cancelled`,
          context: { reason: 'superseded by sweep 42', from, to: 'cancelled' },
        });
      },
    );

    it('cancel without a reason logs only from and to', async () => {
      const lab = await openLab({ clock: manualClock() });
      const id = await experimentIn(lab, 'running');
      await lab.experiments.cancel(id);
      const last = (await lab.experiments.logs(id)).at(-1);
      expect(last?.context).toEqual({ from: 'running', to: 'cancelled' });
    });

    // ------------------------------------------------------------------ unknown ids

    it('throws NotFoundError for an unknown id from every method', async () => {
      const lab = await openLab({ clock: manualClock() });
      const known = await lab.experiments.create(definition());
      const missing = 'no-such-experiment';
      const calls: [string, () => Promise<unknown>][] = [
        ...METHODS.map((m): [string, () => Promise<unknown>] => [m, () => call[m](lab, missing)]),
        ['cancel with a reason', () => lab.experiments.cancel(missing, 'why')],
        ['get', () => lab.experiments.get(missing)],
        ['logs', () => lab.experiments.logs(missing)],
        ['metrics', () => lab.experiments.metrics(missing)],
        ['summary', () => lab.experiments.summary(missing)],
        ['artifacts', () => lab.experiments.artifacts(missing)],
        ['storeResults', () => lab.experiments.storeResults(missing, { trades: 'sha-x' })],
        ['findSimilar', () => lab.experiments.findSimilar(missing)],
        ['compare', () => lab.experiments.compare([known.id, missing])],
      ];
      for (const [name, run] of calls) {
        const error = await rejection(run());
        expect(error, name).toBeInstanceOf(NotFoundError);
        expect(error, name).toMatchObject({ entity: 'experiment', id: missing });
      }
      const { experiments } = await lab.experiments.list();
      expect(experiments.map((e) => e.id)).toEqual([known.id]);
      expect(await lab.experiments.get(known.id)).toEqual(known);
    });

    // ------------------------------------------------------------------ races

    it('two concurrent completes of one running experiment: exactly one wins', async () => {
      const clock = manualClock();
      const lab = await openLab({ clock });
      for (let round = 0; round < 3; round++) {
        const id = await experimentIn(lab, 'running');
        clock.advance(1_000);
        const results = await Promise.allSettled([
          lab.experiments.complete(id),
          lab.experiments.complete(id),
        ]);
        const fulfilled = results.filter((r) => r.status === 'fulfilled');
        const rejected = results.filter((r) => r.status === 'rejected');
        expect(fulfilled).toHaveLength(1);
        expect(rejected).toHaveLength(1);
        expect(fulfilled[0]?.value.status).toBe('completed');
        expect(rejected[0]?.reason).toBeInstanceOf(InvalidTransitionError);
        expect(rejected[0]?.reason).toMatchObject({ id, from: 'completed', to: 'completed' });
        expect(await lab.experiments.get(id)).toEqual(fulfilled[0]?.value);
        const logs = messages(await lab.experiments.logs(id));
        expect(logs.filter((m) => m === 'running → completed')).toHaveLength(1);
      }
    });

    it('a complete racing a cancel: exactly one wins and the stored status is the winner', async () => {
      const lab = await openLab({ clock: manualClock() });
      for (let round = 0; round < 3; round++) {
        const id = await experimentIn(lab, 'running');
        const results = await Promise.allSettled([
          lab.experiments.complete(id),
          lab.experiments.cancel(id, 'race'),
        ]);
        const fulfilled = results.filter((r) => r.status === 'fulfilled');
        const rejected = results.filter((r) => r.status === 'rejected');
        expect(fulfilled).toHaveLength(1);
        expect(rejected).toHaveLength(1);
        expect(rejected[0]?.reason).toBeInstanceOf(InvalidTransitionError);
        const winner = fulfilled[0]?.value as Experiment;
        expect(['completed', 'cancelled']).toContain(winner.status);
        expect(rejected[0]?.reason).toMatchObject({ id, from: winner.status });
        expect(await lab.experiments.get(id)).toEqual(winner);
        const moves = messages(await lab.experiments.logs(id)).filter((m) =>
          m.startsWith('running →'),
        );
        expect(moves).toEqual([`running → ${winner.status}`]);
      }
    });
  });
}
