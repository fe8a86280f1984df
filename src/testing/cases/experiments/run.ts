import { describe, expect, it } from 'vitest';
import { ConflictError, ValidationError } from '../../../errors.js';
import type { RunHandle } from '../../../experiments/types.js';
import type { LabOptions } from '../../../lab.js';
import { createRandom } from '../../../stats/random.js';
import type { ConformanceTarget } from '../../harness.js';
import { definition, freshLabs, manualClock } from '../../labs.js';

const T0 = new Date('2026-03-01T12:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

/** The first `n` uniform draws of a seeded source. */
const draws = (seed: number | string, n: number) => {
  const random = createRandom(seed);
  return Array.from({ length: n }, () => random.uniform());
};

/** `lab.experiments.run(...)`: create, start, call, complete or fail. @internal */
export function experimentRunCases(target: ConformanceTarget): void {
  describe('experiments: run', () => {
    const openLab = freshLabs(target);

    async function setup(options: LabOptions = {}) {
      const clock = manualClock(T0);
      const lab = await openLab({ clock, ...options });
      return { lab, clock };
    }

    it('creates, starts, calls fn with a running handle, completes and returns the experiment', async () => {
      const { lab, clock } = await setup();
      let handle: RunHandle | undefined;
      const done = await lab.experiments.run(definition({ name: 'rsi run', seed: 7 }), (run) => {
        handle = run;
        clock.advance(1_500);
      });
      expect(handle).toBeDefined();
      const h = handle as RunHandle;
      expect(h.id).toBe(done.id);
      expect(h.experiment).toMatchObject({
        id: done.id,
        name: 'rsi run',
        status: 'running',
        queuedAt: T0,
        startedAt: T0,
        completedAt: null,
        durationMs: null,
      });
      expect(h.seed).toBe(7);
      expect(typeof h.random.uniform).toBe('function');

      expect(done).toMatchObject({
        name: 'rsi run',
        status: 'completed',
        createdAt: T0,
        queuedAt: T0,
        startedAt: T0,
        completedAt: at(1_500),
        updatedAt: at(1_500),
        durationMs: 1_500,
        error: null,
        errorCount: 0,
      });
      expect(await lab.experiments.get(done.id)).toEqual(done);
      const lines = await lab.experiments.logs(done.id);
      expect(lines.map((l) => [l.message, l.at.getTime() - T0.getTime()])).toEqual([
        ['experiment created', 0],
        ['created → queued', 0],
        ['queued → running', 0],
        ['running → completed', 1_500],
      ]);
    });

    it('lands what the handle logs and stores on the run, visible at once when run returns', async () => {
      const { lab, clock } = await setup({
        experiments: { buffer: { flushIntervalMs: 60_000 } },
      });
      const other = await lab.experiments.create(definition());
      const equity = [100, 120, 90, 130, 117];
      const done = await lab.experiments.run(definition(), async (run) => {
        for (const e of equity) {
          run.logMetric('equity', e);
          clock.advance(1_000);
        }
        run.logMetrics({ sharpe: 1.25, exposure: 0.5 }, { step: 3 });
        run.log('warn', 'slippage', { bps: 12.5 });
        const links = await run.storeResults({ trades: 'sha-trades', curves: ['sha-a', 'sha-b'] });
        expect(links).toEqual([
          { role: 'output', kind: 'curves', artifactId: 'sha-a' },
          { role: 'output', kind: 'curves', artifactId: 'sha-b' },
          { role: 'output', kind: 'trades', artifactId: 'sha-trades' },
        ]);
      });
      const summary = await lab.experiments.summary(done.id);
      expect(summary.metrics.equity).toMatchObject({ count: 5, min: 90, max: 130, latest: 117 });
      expect(summary.metrics.sharpe).toEqual({
        count: 1,
        mean: 1.25,
        min: 1.25,
        max: 1.25,
        latest: 1.25,
        std: null,
      });
      expect(summary.trading?.maxDrawdown).toBe(0.25);
      expect((await lab.experiments.metrics(done.id, { names: ['equity'] })).equity).toEqual(
        equity.map((value, step) => ({ step, value, at: at(step * 1_000) })),
      );
      expect((await lab.experiments.metrics(done.id)).exposure).toEqual([
        { step: 3, value: 0.5, at: at(5_000) },
      ]);
      const lines = await lab.experiments.logs(done.id);
      expect(lines.find((l) => l.message === 'slippage')).toMatchObject({
        level: 'warn',
        context: { bps: 12.5 },
        at: at(5_000),
      });
      expect(lines.map((l) => l.message)).toContain('results stored');
      expect((await lab.experiments.artifacts(done.id)).outputs).toHaveLength(3);
      // Nothing leaked onto another experiment.
      expect(await lab.experiments.metrics(other.id)).toEqual({});
      expect((await lab.experiments.artifacts(other.id)).outputs).toEqual([]);
    });

    it('gives two runs with the same seed the same draws and the same metrics', async () => {
      const { lab } = await setup();
      const sequences: number[][] = [];
      const backtest = (run: RunHandle) => {
        const drawn = Array.from({ length: 8 }, () => run.random.uniform());
        sequences.push(drawn);
        for (const x of drawn) run.logMetric('returns', (x - 0.5) / 50);
        run.logMetric('noise', run.random.normal(0, 0.01));
      };
      const a = await lab.experiments.run(definition({ name: 'seeded a', seed: 42 }), backtest);
      const b = await lab.experiments.run(definition({ name: 'seeded b', seed: 42 }), backtest);
      expect(a.id).not.toBe(b.id);
      expect(a.configHash).toBe(b.configHash);
      expect(sequences[0]).toEqual(draws(42, 8));
      expect(sequences[1]).toEqual(sequences[0]);
      const [ma, mb] = [await lab.experiments.metrics(a.id), await lab.experiments.metrics(b.id)];
      expect(ma.returns).toHaveLength(8);
      expect(mb).toEqual(ma);
      const [sa, sb] = [await lab.experiments.summary(a.id), await lab.experiments.summary(b.id)];
      expect(sb.metrics).toEqual(sa.metrics);
      expect(sb.trading).toEqual(sa.trading);
    });

    it('seeds from the config hash without a seed, and draws differently with another seed', async () => {
      const { lab } = await setup();
      const seen: { seed: number | string; drawn: number[] }[] = [];
      const record = (run: RunHandle) => {
        seen.push({ seed: run.seed, drawn: [run.random.uniform(), run.random.uniform()] });
      };
      const params = { lookback: 14, threshold: 0.25 };
      const a = await lab.experiments.run(definition({ params }), record);
      const b = await lab.experiments.run(definition({ params }), record);
      const c = await lab.experiments.run(definition({ params, seed: 43 }), record);
      const d = await lab.experiments.run(definition({ params, seed: '43' }), record);
      expect(a.configHash).toBe(b.configHash);
      expect(seen[0]?.seed).toBe(a.configHash);
      expect(seen[1]?.seed).toBe(b.configHash);
      expect(seen[0]?.drawn).toEqual(draws(a.configHash, 2));
      expect(seen[1]?.drawn).toEqual(seen[0]?.drawn);
      expect(seen[2]?.seed).toBe(43);
      expect(seen[2]?.drawn).toEqual(draws(43, 2));
      expect(seen[2]?.drawn).not.toEqual(seen[0]?.drawn);
      expect(seen[3]?.seed).toBe('43');
      expect(seen[3]?.drawn).not.toEqual(seen[2]?.drawn);
      expect(new Set([a.configHash, c.configHash, d.configHash]).size).toBe(3);
    });

    it.each([
      [
        'throws',
        (error: unknown) => () => {
          throw error;
        },
      ],
      ['returns a rejected promise', (error: unknown) => () => Promise.reject(error)],
      [
        'rejects after awaiting',
        (error: unknown) => async () => {
          await Promise.resolve();
          throw error;
        },
      ],
    ])('marks the run failed and rethrows the same error when fn %s', async (_, failWith) => {
      const { lab, clock } = await setup({
        experiments: { buffer: { flushIntervalMs: 60_000 } },
      });
      const error = new Error('exchange API timed out');
      let id = '';
      const fail = failWith(error);
      const outcome = await lab.experiments
        .run(definition(), (run) => {
          id = run.id;
          run.logMetric('pnl', 1.5);
          run.logMetric('pnl', -0.5);
          run.log('info', 'about to fail');
          clock.advance(250);
          return fail();
        })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(outcome).toBe(error);
      const failed = await lab.experiments.get(id);
      expect(failed).toMatchObject({
        status: 'failed',
        error: 'exchange API timed out',
        errorCount: 1,
        startedAt: T0,
        completedAt: at(250),
        durationMs: 250,
      });
      expect(await lab.experiments.metrics(id)).toEqual({
        pnl: [
          { step: 0, value: 1.5, at: T0 },
          { step: 1, value: -0.5, at: T0 },
        ],
      });
      const lines = await lab.experiments.logs(id);
      expect(lines.map((l) => l.message)).toEqual([
        'experiment created',
        'created → queued',
        'queued → running',
        'about to fail',
        'running → failed',
      ]);
      expect(lines.at(-1)).toMatchObject({
        level: 'error',
        context: { error: 'exchange API timed out', from: 'running', to: 'failed' },
      });
    });

    it('keeps the class name of a non-plain error and a thrown string in the stored error', async () => {
      const { lab } = await setup();
      const ids: string[] = [];
      const typed = new RangeError('lookback out of range');
      await expect(
        lab.experiments.run(definition(), (run) => {
          ids.push(run.id);
          throw typed;
        }),
      ).rejects.toBe(typed);
      await expect(
        lab.experiments.run(definition(), (run) => {
          ids.push(run.id);
          throw 'no data for BTC/USD';
        }),
      ).rejects.toBe('no data for BTC/USD');
      expect((await lab.experiments.get(ids[0] as string)).error).toBe(
        'RangeError: lookback out of range',
      );
      expect((await lab.experiments.get(ids[1] as string)).error).toBe('no data for BTC/USD');
    });

    it('refuses to run beyond maxConcurrent before calling fn, cancelling the new experiment', async () => {
      const { lab } = await setup({ experiments: { maxConcurrent: 1 } });
      const blocker = await lab.experiments.create(definition());
      await lab.experiments.start(blocker.id);
      let called = false;
      const blocked = definition({ name: 'blocked run' });
      const error = await lab.experiments
        .run(blocked, () => {
          called = true;
        })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(error).toBeInstanceOf(ConflictError);
      expect(called).toBe(false);
      const { experiments } = await lab.experiments.list({ name: 'blocked run' });
      expect(experiments).toHaveLength(1);
      const refused = experiments[0];
      expect(refused).toMatchObject({ status: 'cancelled', startedAt: null });
      const logs = await lab.experiments.logs(refused?.id as string);
      expect(logs.map((l) => l.message)).toEqual(['experiment created', 'created → cancelled']);
      expect(logs[1]?.context.reason).toMatch(/^run\(\) could not start: .*maxConcurrent 1/);
      expect((await lab.experiments.get(blocker.id)).status).toBe('running');
      // Once the slot is free the same definition runs: the cancelled one holds no name.
      await lab.experiments.complete(blocker.id);
      expect((await lab.experiments.run(blocked, () => {})).status).toBe('completed');
    });

    it('refuses a definition whose resources exceed the capacity, before creating anything', async () => {
      const { lab } = await setup({ experiments: { resources: { cpuCores: 4 } } });
      let called = false;
      await expect(
        lab.experiments.run(definition({ resources: { cpuCores: 8 } }), () => {
          called = true;
        }),
      ).rejects.toMatchObject({ name: 'ValidationError', field: 'resources.cpuCores' });
      expect(called).toBe(false);
      expect((await lab.experiments.list()).experiments).toEqual([]);
    });

    it('refuses an invalid definition or a non-function with ValidationError, calling nothing', async () => {
      const { lab } = await setup();
      let called = false;
      const fn = () => {
        called = true;
      };
      await expect(lab.experiments.run(definition({ timeframe: '2h' }), fn)).rejects.toMatchObject({
        name: 'ValidationError',
        field: 'timeframe',
      });
      await expect(lab.experiments.run(definition({ name: '' }), fn)).rejects.toMatchObject({
        field: 'name',
      });
      await expect(lab.experiments.run(definition({ seed: 1.5 }), fn)).rejects.toMatchObject({
        field: 'seed',
      });
      await expect(lab.experiments.run(null as never, fn)).rejects.toBeInstanceOf(ValidationError);
      expect(called).toBe(false);
      const good = definition({ name: 'never created' });
      for (const notAFunction of [undefined, null, 'fn', {}]) {
        await expect(lab.experiments.run(good, notAFunction as never)).rejects.toMatchObject({
          name: 'ValidationError',
          field: 'fn',
        });
      }
      expect((await lab.experiments.list()).experiments).toEqual([]);
    });

    it("runs with durability: 'sync'", async () => {
      const { lab, clock } = await setup({ experiments: { durability: 'sync' } });
      const done = await lab.experiments.run(definition({ seed: 5 }), async (run) => {
        await run.logMetric('returns', 0.01);
        await run.logMetrics({ returns: -0.02, equity: 98 });
        await run.log('info', 'synced');
        clock.advance(10);
      });
      expect(done).toMatchObject({ status: 'completed', durationMs: 10 });
      expect(await lab.experiments.metrics(done.id)).toEqual({
        equity: [{ step: 0, value: 98, at: T0 }],
        returns: [
          { step: 0, value: 0.01, at: T0 },
          { step: 1, value: -0.02, at: T0 },
        ],
      });
      const { trading } = await lab.experiments.summary(done.id);
      expect(trading?.periods).toBe(2);
      const messages = (await lab.experiments.logs(done.id)).map((l) => l.message);
      expect(messages).toEqual([
        'experiment created',
        'created → queued',
        'queued → running',
        'synced',
        'running → completed',
      ]);
    });
  });
}
