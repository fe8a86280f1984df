import { describe, expect, it } from 'vitest';
import { ConflictError, InvalidTransitionError, ValidationError } from '../../../errors.js';
import type { Experiment } from '../../../experiments/types.js';
import type { Lab } from '../../../lab.js';
import type { ResourceDemand } from '../../../storage/records.js';
import type { ConformanceTarget } from '../../harness.js';
import { definition, freshLabs, manualClock, rejection } from '../../labs.js';

type Overrides = Record<string, unknown>;

/** Creates a queued experiment. */
async function queued(lab: Lab, overrides: Overrides = {}): Promise<Experiment> {
  return lab.experiments.create(definition(overrides), { queue: true });
}

/** Ids of the running experiments, as `list` sees them. */
async function runningIds(lab: Lab): Promise<string[]> {
  const { experiments } = await lab.experiments.list({ status: 'running', limit: 1000 });
  return experiments.map((e) => e.id).sort();
}

/** Splits settled results into values and reasons. */
function settle<T>(results: readonly PromiseSettledResult<T>[]): {
  values: T[];
  reasons: unknown[];
} {
  const values: T[] = [];
  const reasons: unknown[] = [];
  for (const r of results) {
    if (r.status === 'fulfilled') values.push(r.value);
    else reasons.push(r.reason);
  }
  return { values, reasons };
}

const DIMENSIONS = [
  'cpuCores',
  'memoryGb',
  'gpuUnits',
  'diskGb',
] as const satisfies readonly (keyof ResourceDemand)[];

/** Scheduling of `lab.experiments`: limits, start races, next() and startNext(). @internal */
export function experimentSchedulingCases(target: ConformanceTarget): void {
  describe('experiments: scheduling', () => {
    const openLab = freshLabs(target);

    // ------------------------------------------------------------------ maxConcurrent

    it('maxConcurrent 2: the third start throws ConflictError and leaves it queued; it starts once one completes', async () => {
      const clock = manualClock();
      const lab = await openLab({ clock, experiments: { maxConcurrent: 2 } });
      const a = await queued(lab);
      const b = await queued(lab);
      const c = await queued(lab);
      await lab.experiments.start(a.id);
      await lab.experiments.start(b.id);
      const before = await lab.experiments.get(c.id);
      const logCount = (await lab.experiments.logs(c.id)).length;
      clock.advance(1_000);

      const error = await rejection(lab.experiments.start(c.id));
      expect(error).toBeInstanceOf(ConflictError);
      expect(error).toMatchObject({ entity: 'experiment', id: c.id });
      expect((error as ConflictError).message).toContain('maxConcurrent 2');
      expect(await lab.experiments.get(c.id)).toEqual(before);
      expect(before).toMatchObject({ status: 'queued', startedAt: null });
      expect(await lab.experiments.logs(c.id)).toHaveLength(logCount);
      expect(await runningIds(lab)).toEqual([a.id, b.id].sort());

      await lab.experiments.complete(a.id);
      clock.advance(1_000);
      const started = await lab.experiments.start(c.id);
      expect(started).toMatchObject({ status: 'running', startedAt: clock() });
      expect(await runningIds(lab)).toEqual([b.id, c.id].sort());
    });

    it('a created experiment is refused by start at the limit too, and stays created', async () => {
      const lab = await openLab({ clock: manualClock(), experiments: { maxConcurrent: 1 } });
      await lab.experiments.start((await queued(lab)).id);
      const created = await lab.experiments.create(definition());
      expect(await rejection(lab.experiments.start(created.id))).toBeInstanceOf(ConflictError);
      expect(await lab.experiments.get(created.id)).toEqual(created);
      expect(await lab.experiments.logs(created.id)).toHaveLength(1);
    });

    it.each(['failed', 'cancelled', 'completed'] as const)(
      'a %s experiment frees its slot',
      async (end) => {
        const lab = await openLab({ clock: manualClock(), experiments: { maxConcurrent: 1 } });
        const a = await queued(lab);
        const b = await queued(lab);
        await lab.experiments.start(a.id);
        expect(await rejection(lab.experiments.start(b.id))).toBeInstanceOf(ConflictError);
        if (end === 'failed') await lab.experiments.fail(a.id, 'boom');
        else if (end === 'cancelled') await lab.experiments.cancel(a.id);
        else await lab.experiments.complete(a.id);
        expect((await lab.experiments.start(b.id)).status).toBe('running');
      },
    );

    // ------------------------------------------------------------------ resources

    it.each(DIMENSIONS)(
      'resources.%s 8: 4 + 4 start, one more unit is refused with ConflictError',
      async (dimension) => {
        const lab = await openLab({
          clock: manualClock(),
          experiments: { resources: { [dimension]: 8 } },
        });
        const a = await queued(lab, { resources: { [dimension]: 4 } });
        const b = await queued(lab, { resources: { [dimension]: 4 } });
        const c = await queued(lab, { resources: { [dimension]: 1 } });
        // Other dimensions are unlimited: a huge demand there does not count.
        const other = DIMENSIONS.find((d) => d !== dimension) as string;
        const free = await queued(lab, { resources: { [other]: 1_000_000 } });
        await lab.experiments.start(a.id);
        await lab.experiments.start(b.id);
        const error = await rejection(lab.experiments.start(c.id));
        expect(error).toBeInstanceOf(ConflictError);
        expect((error as ConflictError).message).toContain(dimension);
        expect((await lab.experiments.get(c.id)).status).toBe('queued');
        expect((await lab.experiments.start(free.id)).status).toBe('running');
        expect(await runningIds(lab)).toEqual([a.id, b.id, free.id].sort());
        await lab.experiments.complete(b.id);
        expect((await lab.experiments.start(c.id)).status).toBe('running');
      },
    );

    it('fractional demands: 0.1 + 0.2 GB fit within 0.3 GB, a further 0.01 GB does not', async () => {
      const lab = await openLab({
        clock: manualClock(),
        experiments: { resources: { memoryGb: 0.3 } },
      });
      const a = await queued(lab, { resources: { memoryGb: 0.1 } });
      const b = await queued(lab, { resources: { memoryGb: 0.2 } });
      const c = await queued(lab, { resources: { memoryGb: 0.01 } });
      await lab.experiments.start(a.id);
      expect((await lab.experiments.start(b.id)).status).toBe('running');
      expect(await rejection(lab.experiments.start(c.id))).toBeInstanceOf(ConflictError);
      expect(await runningIds(lab)).toEqual([a.id, b.id].sort());
    });

    it('counts several dimensions at once: the first one short refuses', async () => {
      const lab = await openLab({
        clock: manualClock(),
        experiments: { resources: { cpuCores: 8, memoryGb: 16 } },
      });
      const a = await queued(lab, { resources: { cpuCores: 2, memoryGb: 12 } });
      const b = await queued(lab, { resources: { cpuCores: 2, memoryGb: 8 } });
      const c = await queued(lab, { resources: { cpuCores: 6, memoryGb: 4 } });
      await lab.experiments.start(a.id);
      const error = await rejection(lab.experiments.start(b.id));
      expect(error).toBeInstanceOf(ConflictError);
      expect((error as ConflictError).message).toContain('memoryGb');
      expect((await lab.experiments.start(c.id)).status).toBe('running');
    });

    it.each([
      ['cpuCores', { cpuCores: 8 }, { cpuCores: 8.5 }],
      ['memoryGb', { memoryGb: 0.3 }, { memoryGb: 0.31 }],
      ['gpuUnits', { gpuUnits: 0 }, { gpuUnits: 1 }],
      ['diskGb', { diskGb: 100 }, { diskGb: 100.5 }],
    ] as const)(
      'create refuses a demand of %s beyond the capacity with ValidationError, storing nothing',
      async (dimension, capacity, demand) => {
        const lab = await openLab({ clock: manualClock(), experiments: { resources: capacity } });
        for (const queue of [false, true]) {
          const error = await rejection(
            lab.experiments.create(definition({ resources: demand }), { queue }),
          );
          expect(error).toBeInstanceOf(ValidationError);
          expect(error).toMatchObject({ field: `resources.${dimension}` });
        }
        expect((await lab.experiments.list()).experiments).toEqual([]);
        // Exactly the capacity is accepted.
        const fits = await lab.experiments.create(definition({ resources: capacity }));
        expect(fits.resources).toMatchObject(capacity);
      },
    );

    // ------------------------------------------------------------------ races for the last slot

    it.each([
      ['maxConcurrent 1', { maxConcurrent: 1 }, {}],
      [
        'cpuCores 4 with 4-core experiments',
        { resources: { cpuCores: 4 } },
        { resources: { cpuCores: 4 } },
      ],
    ] as const)(
      'two concurrent starts on the last free slot (%s): exactly one wins, 5 rounds',
      async (_, limits, demand) => {
        const lab = await openLab({ clock: manualClock(), experiments: limits });
        for (let round = 0; round < 5; round++) {
          const a = await queued(lab, demand);
          const b = await queued(lab, demand);
          const { values, reasons } = settle(
            await Promise.allSettled([lab.experiments.start(a.id), lab.experiments.start(b.id)]),
          );
          expect(values, `round ${round}`).toHaveLength(1);
          expect(reasons, `round ${round}`).toHaveLength(1);
          expect(reasons[0], `round ${round}`).toBeInstanceOf(ConflictError);
          const winner = values[0] as Experiment;
          const loser = winner.id === a.id ? b : a;
          expect(winner.status).toBe('running');
          expect(await runningIds(lab), `round ${round}`).toEqual([winner.id]);
          expect((await lab.experiments.get(loser.id)).status).toBe('queued');
          await lab.experiments.complete(winner.id);
          await lab.experiments.cancel(loser.id);
        }
      },
    );

    it('10 concurrent starts with maxConcurrent 3: exactly 3 run, 7 get ConflictError', async () => {
      const lab = await openLab({ clock: manualClock(), experiments: { maxConcurrent: 3 } });
      const all: Experiment[] = [];
      for (let i = 0; i < 10; i++) all.push(await queued(lab));
      const { values, reasons } = settle(
        await Promise.allSettled(all.map((e) => lab.experiments.start(e.id))),
      );
      expect(values).toHaveLength(3);
      expect(reasons).toHaveLength(7);
      for (const reason of reasons) expect(reason).toBeInstanceOf(ConflictError);
      expect(await runningIds(lab)).toEqual(values.map((v) => v.id).sort());
      const { experiments: waiting } = await lab.experiments.list({ status: 'queued' });
      expect(waiting).toHaveLength(7);
    });

    it('without limits, any number of concurrent starts succeed', async () => {
      const lab = await openLab({ clock: manualClock() });
      const all: Experiment[] = [];
      for (let i = 0; i < 12; i++) all.push(await queued(lab, { resources: { cpuCores: 64 } }));
      const started = await Promise.all(all.map((e) => lab.experiments.start(e.id)));
      expect(started.map((e) => e.status)).toEqual(all.map(() => 'running'));
      expect(await runningIds(lab)).toEqual(all.map((e) => e.id).sort());
    });

    // ------------------------------------------------------------------ next()

    it('next() returns the highest priority first, then the earliest queued', async () => {
      const clock = manualClock();
      const lab = await openLab({ clock });
      const low = await queued(lab, { priority: 2 });
      clock.advance(1_000);
      const highEarly = await queued(lab, { priority: 9 });
      clock.advance(1_000);
      const mid = await queued(lab, { priority: 5 });
      clock.advance(1_000);
      // Created before highLate is queued, queued after it: queuedAt decides, not createdAt.
      const createdFirst = await lab.experiments.create(definition({ priority: 9 }));
      clock.advance(1_000);
      const highLate = await queued(lab, { priority: 9 });
      clock.advance(1_000);
      await lab.experiments.queue(createdFirst.id);

      const order: string[] = [];
      for (let next = await lab.experiments.next(); next; next = await lab.experiments.next()) {
        expect(next.status).toBe('queued');
        order.push(next.id);
        await lab.experiments.start(next.id);
      }
      expect(order).toEqual([highEarly.id, highLate.id, createdFirst.id, mid.id, low.id]);
    });

    it('next() puts a retried experiment behind those queued before its retry', async () => {
      const clock = manualClock();
      const lab = await openLab({ clock });
      const retried = await queued(lab, { priority: 7 });
      await lab.experiments.start(retried.id);
      clock.advance(1_000);
      await lab.experiments.fail(retried.id, 'flaky exchange');
      clock.advance(1_000);
      const waiting = await queued(lab, { priority: 7 });
      clock.advance(1_000);
      const again = await lab.experiments.retry(retried.id);
      expect(again.queuedAt).toEqual(clock());
      expect(again.queuedAt?.getTime()).toBeGreaterThan(waiting.queuedAt?.getTime() ?? Infinity);
      expect((await lab.experiments.next())?.id).toBe(waiting.id);
      await lab.experiments.start(waiting.id);
      expect((await lab.experiments.next())?.id).toBe(retried.id);
    });

    it('next() skips what does not fit the capacity left: a small one behind a big one is returned', async () => {
      const clock = manualClock();
      const lab = await openLab({ clock, experiments: { resources: { cpuCores: 8 } } });
      const running = await queued(lab, { resources: { cpuCores: 6 } });
      await lab.experiments.start(running.id);
      clock.advance(1_000);
      const big = await queued(lab, { priority: 9, resources: { cpuCores: 4 } });
      clock.advance(1_000);
      const tooBigToo = await queued(lab, { priority: 5, resources: { cpuCores: 2.5 } });
      clock.advance(1_000);
      const small = await queued(lab, { priority: 1, resources: { cpuCores: 2 } });
      expect((await lab.experiments.next())?.id).toBe(small.id);
      await lab.experiments.start(small.id);
      expect(await lab.experiments.next()).toBeUndefined();
      await lab.experiments.complete(running.id);
      expect((await lab.experiments.next())?.id).toBe(big.id);
      await lab.experiments.start(big.id);
      expect(await lab.experiments.next()).toBeUndefined(); // 2 cores free, 2.5 wanted
      await lab.experiments.complete(small.id);
      expect((await lab.experiments.next())?.id).toBe(tooBigToo.id);
    });

    it('next() is undefined when the concurrency limit is reached', async () => {
      const lab = await openLab({ clock: manualClock(), experiments: { maxConcurrent: 1 } });
      const a = await queued(lab);
      const b = await queued(lab);
      expect((await lab.experiments.next())?.id).toBe(a.id);
      await lab.experiments.start(a.id);
      expect(await lab.experiments.next()).toBeUndefined();
      await lab.experiments.complete(a.id);
      expect((await lab.experiments.next())?.id).toBe(b.id);
    });

    it('next() is undefined with nothing queued (created, running and finished ones do not count)', async () => {
      const lab = await openLab({ clock: manualClock() });
      expect(await lab.experiments.next()).toBeUndefined();
      await lab.experiments.create(definition());
      const running = await queued(lab);
      await lab.experiments.start(running.id);
      const cancelled = await queued(lab);
      await lab.experiments.cancel(cancelled.id);
      expect(await lab.experiments.next()).toBeUndefined();
    });

    it('next() changes nothing', async () => {
      const clock = manualClock();
      const lab = await openLab({ clock });
      const a = await queued(lab, { priority: 8 });
      const b = await queued(lab, { priority: 3 });
      clock.advance(1_000);
      const next = await lab.experiments.next();
      expect(next).toEqual(a);
      expect(await lab.experiments.next()).toEqual(a);
      expect(await lab.experiments.get(a.id)).toEqual(a);
      expect(await lab.experiments.get(b.id)).toEqual(b);
      expect(await lab.experiments.logs(a.id)).toHaveLength(2);
      expect(await runningIds(lab)).toEqual([]);
    });

    // ------------------------------------------------------------------ startNext()

    it('startNext() starts what next() returns, then undefined when nothing is left', async () => {
      const clock = manualClock();
      const lab = await openLab({ clock });
      const low = await queued(lab, { priority: 1 });
      const high = await queued(lab, { priority: 10 });
      const expected = await lab.experiments.next();
      expect(expected?.id).toBe(high.id);
      clock.advance(1_000);
      const started = await lab.experiments.startNext();
      expect(started).toMatchObject({ id: high.id, status: 'running', startedAt: clock() });
      expect(await lab.experiments.get(high.id)).toEqual(started);
      expect((await lab.experiments.logs(high.id)).at(-1)?.message).toBe('queued → running');
      expect((await lab.experiments.startNext())?.id).toBe(low.id);
      expect(await lab.experiments.startNext()).toBeUndefined();
    });

    it('startNext() respects resource limits and returns undefined when nothing fits', async () => {
      const lab = await openLab({
        clock: manualClock(),
        experiments: { resources: { gpuUnits: 2 } },
      });
      const big = await queued(lab, { priority: 9, resources: { gpuUnits: 2 } });
      const small = await queued(lab, { priority: 1, resources: { gpuUnits: 1 } });
      expect((await lab.experiments.startNext())?.id).toBe(big.id);
      expect(await lab.experiments.startNext()).toBeUndefined();
      expect((await lab.experiments.get(small.id)).status).toBe('queued');
    });

    it('6 concurrent startNext() with maxConcurrent 4: 4 distinct highest-priority starts, 2 undefined', async () => {
      const lab = await openLab({ clock: manualClock(), experiments: { maxConcurrent: 4 } });
      const all: Experiment[] = [];
      for (let priority = 1; priority <= 6; priority++) all.push(await queued(lab, { priority }));
      const results = await Promise.all(all.map(() => lab.experiments.startNext()));
      const started = results.filter((r): r is Experiment => r !== undefined);
      expect(started).toHaveLength(4);
      expect(results.filter((r) => r === undefined)).toHaveLength(2);
      const ids = started.map((e) => e.id).sort();
      expect(new Set(ids).size).toBe(4);
      expect(ids).toEqual(
        all
          .slice(2)
          .map((e) => e.id)
          .sort(),
      );
      expect(await runningIds(lab)).toEqual(ids);
      for (const e of started) {
        expect(
          (await lab.experiments.logs(e.id)).filter((l) => l.message === 'queued → running'),
        ).toHaveLength(1);
      }
    });

    it('concurrent startNext() without limits starts each queued experiment exactly once', async () => {
      const lab = await openLab({ clock: manualClock() });
      const all: Experiment[] = [];
      for (let i = 0; i < 8; i++) all.push(await queued(lab));
      const results = await Promise.all(
        Array.from({ length: 10 }, () => lab.experiments.startNext()),
      );
      const started = results.filter((r): r is Experiment => r !== undefined);
      expect(started).toHaveLength(8);
      const ids = started.map((e) => e.id).sort();
      expect(ids).toEqual(all.map((e) => e.id).sort());
      expect(await runningIds(lab)).toEqual(ids);
    });

    it('concurrent start and startNext never exceed maxConcurrent', async () => {
      const lab = await openLab({ clock: manualClock(), experiments: { maxConcurrent: 2 } });
      const all: Experiment[] = [];
      for (let i = 0; i < 4; i++) all.push(await queued(lab));
      const results = await Promise.allSettled([
        ...all.map((e) => lab.experiments.start(e.id)),
        lab.experiments.startNext(),
        lab.experiments.startNext(),
      ]);
      const { values, reasons } = settle(results);
      const started = values.filter((v): v is Experiment => v !== undefined);
      expect(started).toHaveLength(2);
      // A start finds its experiment either beyond the limit or already started by startNext.
      for (const reason of reasons) {
        expect([ConflictError, InvalidTransitionError]).toContain((reason as object).constructor);
      }
      expect(new Set(started.map((e) => e.id)).size).toBe(2);
      expect(await runningIds(lab)).toEqual(started.map((e) => e.id).sort());
    });
  });
}
