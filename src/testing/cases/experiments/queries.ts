import { describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../../../errors.js';
import type { ExperimentFilter } from '../../../experiments/filter.js';
import type { Lab } from '../../../lab.js';
import type { ConformanceTarget } from '../../harness.js';
import {
  definition,
  expectInvalid,
  freshLabs,
  idsOf,
  type ManualClock,
  manualClock,
  rejection,
} from '../../labs.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

const ids = idsOf;

/** The ids `list(filter)` returns (one page of up to 1000). */
async function listed(lab: Lab, filter: ExperimentFilter = {}): Promise<string[]> {
  return ids((await lab.experiments.list({ limit: 1000, ...filter })).experiments);
}

/** Every page of `list(filter)` with `limit`, following the cursors. */
async function allPages(lab: Lab, filter: ExperimentFilter, limit: number): Promise<string[][]> {
  const pages: string[][] = [];
  let page = await lab.experiments.list({ ...filter, limit });
  pages.push(ids(page.experiments));
  while (page.nextCursor !== null) {
    expect(pages.length).toBeLessThan(100);
    page = await lab.experiments.list({ ...filter, limit, cursor: page.nextCursor });
    pages.push(ids(page.experiments));
  }
  return pages;
}

/**
 * Five experiments a minute apart from the clock's start (`a` first):
 * - a: backtest, momentum, tags btc + nightly, commit aaa…, completed;
 * - b: model_training, mean-reversion, tag eth, commit bbb…, running;
 * - c: backtest, momentum, tag nightly, child of a, same config as a, queued;
 * - d: backtest, rsi, child of a, created;
 * - e: strategy_optimization, momentum, tag btc, cancelled.
 */
async function fiveExperiments(lab: Lab, clock: ManualClock) {
  const start = clock();
  const at = (minutes: number) => {
    clock.set(new Date(start.getTime() + minutes * MINUTE_MS));
  };
  const a = await lab.experiments.create(
    definition({ tags: ['btc', 'nightly'], provenance: { gitCommit: 'a'.repeat(40) } }),
  );
  at(1);
  const b = await lab.experiments.create(
    definition({
      type: 'model_training',
      strategy: 'mean-reversion',
      tags: ['eth'],
      provenance: { gitCommit: 'b'.repeat(40) },
    }),
  );
  at(2);
  const c = await lab.experiments.create(
    definition({ tags: ['nightly'], parentId: a.id, provenance: { gitCommit: 'c'.repeat(40) } }),
    { queue: true },
  );
  at(3);
  const d = await lab.experiments.create(
    definition({ strategy: 'rsi', parentId: a.id, params: { period: 14 } }),
  );
  at(4);
  const e = await lab.experiments.create(
    definition({ type: 'strategy_optimization', tags: ['btc'], params: { grid: [1, 2] } }),
  );
  at(5);
  await lab.experiments.start(a.id);
  await lab.experiments.complete(a.id);
  await lab.experiments.start(b.id);
  await lab.experiments.cancel(e.id);
  return { start, a: a.id, b: b.id, c: c.id, d: d.id, e: e.id, configHash: a.configHash };
}

/**
 * `lab.experiments` queries: list filters, orders and cursors, findSimilar, compare,
 * storeResults and artifacts, and sweep. @internal
 */
export function experimentQueryCases(target: ConformanceTarget): void {
  describe('experiments: queries', () => {
    const openLab = freshLabs(target);

    it('filters by one status and by several', async () => {
      const clock = manualClock();
      const lab = await openLab({ clock });
      const x = await fiveExperiments(lab, clock);
      expect(await listed(lab, { status: 'running' })).toEqual([x.b]);
      expect(await listed(lab, { status: ['running'] })).toEqual([x.b]);
      expect(await listed(lab, { status: ['completed', 'queued'] })).toEqual([x.c, x.a]);
      expect(await listed(lab, { status: ['created', 'cancelled', 'created'] })).toEqual([
        x.e,
        x.d,
      ]);
      expect(await listed(lab, { status: 'archived' })).toEqual([]);
    });

    it('filters by type, strategy, name and tag', async () => {
      const clock = manualClock();
      const lab = await openLab({ clock });
      const x = await fiveExperiments(lab, clock);
      expect(await listed(lab, { type: 'model_training' })).toEqual([x.b]);
      expect(await listed(lab, { type: 'backtest' })).toEqual([x.d, x.c, x.a]);
      expect(await listed(lab, { type: 'live_real' })).toEqual([]);
      expect(await listed(lab, { strategy: 'momentum' })).toEqual([x.e, x.c, x.a]);
      expect(await listed(lab, { strategy: 'rsi' })).toEqual([x.d]);
      const { name } = await lab.experiments.get(x.c);
      expect(await listed(lab, { name })).toEqual([x.c]);
      expect(await listed(lab, { name: name.toUpperCase() })).toEqual([]);
      expect(await listed(lab, { tag: 'nightly' })).toEqual([x.c, x.a]);
      expect(await listed(lab, { tag: 'btc' })).toEqual([x.e, x.a]);
      expect(await listed(lab, { tag: 'night' })).toEqual([]);
    });

    it('filters by git commit, config hash and parent', async () => {
      const clock = manualClock();
      const lab = await openLab({ clock });
      const x = await fiveExperiments(lab, clock);
      expect(await listed(lab, { gitCommit: 'a'.repeat(40) })).toEqual([x.a]);
      expect(await listed(lab, { gitCommit: 'b'.repeat(40) })).toEqual([x.b]);
      expect(await listed(lab, { gitCommit: 'f'.repeat(40) })).toEqual([]);
      expect(await listed(lab, { configHash: x.configHash })).toEqual([x.c, x.a]);
      expect(await listed(lab, { configHash: '0'.repeat(64) })).toEqual([]);
      expect(await listed(lab, { parentId: x.a })).toEqual([x.d, x.c]);
      expect(await listed(lab, { parentId: x.d })).toEqual([]);
    });

    it('filters by creation time: from inclusive, to exclusive', async () => {
      const clock = manualClock();
      const lab = await openLab({ clock });
      const x = await fiveExperiments(lab, clock);
      const minute = (m: number) => new Date(x.start.getTime() + m * MINUTE_MS);
      expect(await listed(lab, { createdFrom: minute(1) })).toEqual([x.e, x.d, x.c, x.b]);
      expect(await listed(lab, { createdTo: minute(2) })).toEqual([x.b, x.a]);
      expect(await listed(lab, { createdFrom: minute(1), createdTo: minute(3) })).toEqual([
        x.c,
        x.b,
      ]);
      expect(
        await listed(lab, {
          createdFrom: minute(2).toISOString(),
          createdTo: new Date(minute(2).getTime() + 1).toISOString(),
        }),
      ).toEqual([x.c]);
      expect(await listed(lab, { createdFrom: minute(5) })).toEqual([]);
    });

    it('combines filters: every given field must match', async () => {
      const clock = manualClock();
      const lab = await openLab({ clock });
      const x = await fiveExperiments(lab, clock);
      const minute = (m: number) => new Date(x.start.getTime() + m * MINUTE_MS);
      expect(await listed(lab, { strategy: 'momentum', tag: 'nightly' })).toEqual([x.c, x.a]);
      expect(await listed(lab, { strategy: 'momentum', tag: 'nightly', status: 'queued' })).toEqual(
        [x.c],
      );
      expect(await listed(lab, { type: 'backtest', createdFrom: minute(1) })).toEqual([x.d, x.c]);
      expect(await listed(lab, { parentId: x.a, strategy: 'rsi', status: ['created'] })).toEqual([
        x.d,
      ]);
      expect(await listed(lab, { tag: 'btc', status: ['completed', 'cancelled'] })).toEqual([
        x.e,
        x.a,
      ]);
      expect(await listed(lab, { tag: 'eth', type: 'backtest' })).toEqual([]);
    });

    it('orders newest first by default, oldest first, and in queue order', async () => {
      const clock = manualClock();
      const lab = await openLab({ clock });
      const early = await lab.experiments.create(definition({ priority: 9 }));
      clock.advance(MINUTE_MS);
      const low = await lab.experiments.create(definition({ priority: 2 }), { queue: true });
      clock.advance(MINUTE_MS);
      const mid = await lab.experiments.create(definition({ priority: 5 }), { queue: true });
      clock.advance(MINUTE_MS);
      const high = await lab.experiments.create(definition({ priority: 9 }), { queue: true });
      clock.advance(MINUTE_MS);
      // Created first but queued last: queue order goes by priority, then by time queued.
      await lab.experiments.queue(early.id);
      const created = [early.id, low.id, mid.id, high.id];
      expect(await listed(lab)).toEqual([...created].reverse());
      expect(await listed(lab, { order: 'newest' })).toEqual([...created].reverse());
      expect(await listed(lab, { order: 'oldest' })).toEqual(created);
      expect(await listed(lab, { status: 'queued', order: 'queue' })).toEqual([
        high.id,
        early.id,
        mid.id,
        low.id,
      ]);
      const firstTwo = await lab.experiments.list({ status: 'queued', order: 'queue', limit: 2 });
      expect(ids(firstTwo.experiments)).toEqual([high.id, early.id]);
      expect(firstTwo.nextCursor).toBeNull();
    });

    it.each(['newest', 'oldest'] as const)(
      'pages %s first with cursors over 25 experiments created in one instant',
      async (order) => {
        const clock = manualClock();
        const lab = await openLab({ clock });
        const created: string[] = [];
        for (let i = 0; i < 25; i++) created.push((await lab.experiments.create(definition())).id);
        const pages = await allPages(lab, { order }, 10);
        expect(pages.map((p) => p.length)).toEqual([10, 10, 5]);
        const seen = pages.flat();
        expect(new Set(seen).size).toBe(25);
        const full = await listed(lab, { order });
        expect(seen).toEqual(full);
        // Same instant: ties are broken by id, and ids grow in the order they were made.
        expect(full).toEqual(order === 'oldest' ? created : [...created].reverse());
        const fiveAtATime = await allPages(lab, { order }, 5);
        expect(fiveAtATime.map((p) => p.length)).toEqual([5, 5, 5, 5, 5]);
        expect(fiveAtATime.flat()).toEqual(full);
      },
    );

    it('keeps filtering while paging', async () => {
      const clock = manualClock();
      const lab = await openLab({ clock });
      const tagged: string[] = [];
      for (let i = 0; i < 12; i++) {
        const e = await lab.experiments.create(definition({ tags: i % 2 === 0 ? ['even'] : [] }));
        if (i % 2 === 0) tagged.push(e.id);
        if (i % 3 === 0) clock.advance(1);
      }
      const pages = await allPages(lab, { tag: 'even', order: 'oldest' }, 4);
      expect(pages.map((p) => p.length)).toEqual([4, 2]);
      expect(pages.flat()).toEqual(tagged);
    });

    it('refuses a cursor made for another order, for the queue order, or made up', async () => {
      const lab = await openLab({ clock: manualClock() });
      for (let i = 0; i < 3; i++) await lab.experiments.create(definition());
      const newest = await lab.experiments.list({ limit: 1 });
      const oldest = await lab.experiments.list({ order: 'oldest', limit: 1 });
      expect(newest.nextCursor).toEqual(expect.any(String));
      expect(oldest.nextCursor).toEqual(expect.any(String));
      const fromNewest = newest.nextCursor as string;
      const fromOldest = oldest.nextCursor as string;
      await expectInvalid(
        lab.experiments.list({ order: 'oldest', cursor: fromNewest }),
        'filter.cursor',
      );
      await expectInvalid(lab.experiments.list({ cursor: fromOldest }), 'filter.cursor');
      await expectInvalid(
        lab.experiments.list({ order: 'queue', cursor: fromNewest }),
        'filter.cursor',
      );
      await expectInvalid(lab.experiments.list({ cursor: 'not a cursor' }), 'filter.cursor');
      await expectInvalid(
        lab.experiments.list({ cursor: Buffer.from('{"o":"newest"}').toString('base64url') }),
        'filter.cursor',
      );
      expect(
        ids((await lab.experiments.list({ limit: 5, cursor: fromNewest })).experiments),
      ).toEqual((await listed(lab)).slice(1));
    });

    it.each([
      ['limit 0', { limit: 0 }, 'filter.limit'],
      ['limit 1001', { limit: 1001 }, 'filter.limit'],
      ['a fractional limit', { limit: 2.5 }, 'filter.limit'],
      ['an unknown key', { colour: 'red' }, 'filter.colour'],
      ['an unknown status', { status: 'done' }, 'filter.status'],
      ['an empty status list', { status: [] }, 'filter.status'],
      ['an unknown type', { type: 'bad' }, 'filter.type'],
      ['an unknown order', { order: 'random' }, 'filter.order'],
      ['an empty name', { name: '' }, 'filter.name'],
      ['a zone-less createdFrom', { createdFrom: '2026-03-01T12:00:00' }, 'filter.createdFrom'],
    ])('refuses a filter with %s, naming the field', async (_, filter, field) => {
      const lab = await openLab();
      await expectInvalid(lab.experiments.list(filter as ExperimentFilter), field);
    });

    it('refuses a status list with an unknown status', async () => {
      const lab = await openLab();
      const error = await rejection(
        lab.experiments.list({ status: ['running', 'done'] } as unknown as ExperimentFilter),
      );
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field).toMatch(/^filter\.status/);
    });

    it('finds similar experiments within a relative tolerance, closest first', async () => {
      const clock = manualClock();
      const lab = await openLab({ clock, experiments: { uniqueNameWindowDays: 0 } });
      const create = async (overrides: Record<string, unknown>) => {
        clock.advance(1000);
        return (await lab.experiments.create(definition(overrides))).id;
      };
      const reference = await create({ params: { lookback: 20, threshold: 0.5 } });
      const plus5 = await create({ params: { lookback: 21, threshold: 0.525 } });
      const twin = await create({ params: { threshold: 0.5, lookback: 20 }, symbols: ['ETH/USD'] });
      const plus2 = await create({ params: { lookback: 20.4, threshold: 0.51 } });
      const minus5 = await create({ params: { lookback: 19, threshold: 0.5 } });
      await create({ params: { lookback: 24, threshold: 0.6 } });
      await create({ params: { lookback: 20, threshold: 0.5, exit: 1 } });
      await create({ params: { lookback: 20 } });
      await create({ params: { lookback: 20, threshold: '0.5' } });
      await create({ strategy: 'mean-reversion', params: { lookback: 20, threshold: 0.5 } });
      await create({ type: 'live_paper', params: { lookback: 20, threshold: 0.5 } });
      const similar = ids(await lab.experiments.findSimilar(reference, { tolerance: 0.1 }));
      expect(similar).toEqual([twin, plus2, plus5, minus5]);
      expect(similar).not.toContain(reference);
      expect(ids(await lab.experiments.findSimilar(reference))).toEqual(similar);
      expect(ids(await lab.experiments.findSimilar(reference, { tolerance: 0.03 }))).toEqual([
        twin,
        plus2,
      ]);
      expect(ids(await lab.experiments.findSimilar(reference, { tolerance: 0 }))).toEqual([twin]);
      expect(ids(await lab.experiments.findSimilar(reference, { limit: 2 }))).toEqual([
        twin,
        plus2,
      ]);
      expect(ids(await lab.experiments.findSimilar(plus5, { tolerance: 0.1 }))).toContain(
        reference,
      );
    });

    it('refuses a bad tolerance and an unknown id in findSimilar', async () => {
      const lab = await openLab();
      const { id } = await lab.experiments.create(definition());
      await expectInvalid(
        lab.experiments.findSimilar(id, { tolerance: -0.1 }),
        'options.tolerance',
      );
      await expectInvalid(
        lab.experiments.findSimilar(id, { tolerance: Number.NaN }),
        'options.tolerance',
      );
      await expectInvalid(
        lab.experiments.findSimilar(id, { tolerance: Number.POSITIVE_INFINITY }),
        'options.tolerance',
      );
      await expectInvalid(lab.experiments.findSimilar(id, { limit: 0 }), 'options.limit');
      expect(await rejection(lab.experiments.findSimilar('no-such-experiment'))).toBeInstanceOf(
        NotFoundError,
      );
    });

    it('compares runs side by side: differing params and the best run per metric', async () => {
      const lab = await openLab({ experiments: { durability: 'sync' } });
      const a = await lab.experiments.run(
        definition({ params: { lookback: 20, threshold: 0.5 } }),
        async (run) => {
          await run.logMetrics({ sharpe: 1.0, max_drawdown: 0.3, slippage: 4 }, { step: 0 });
          await run.logMetrics({ sharpe: 1.2, max_drawdown: 0.1, slippage: 3 }, { step: 1 });
        },
      );
      const b = await lab.experiments.run(
        definition({ params: { lookback: 30, threshold: 0.5, exit: 'trail' } }),
        async (run) => {
          await run.logMetrics({ sharpe: 2.0, max_drawdown: 0.05, slippage: 1 }, { step: 0 });
          await run.logMetrics({ sharpe: 1.5, max_drawdown: 0.2, slippage: 2 }, { step: 1 });
          await run.logMetric('turnover', 7, { step: 0 });
        },
      );
      const comparison = await lab.experiments.compare([a.id, b.id]);
      expect(comparison.experiments).toEqual([
        { id: a.id, name: a.name, status: 'completed', configHash: a.configHash },
        { id: b.id, name: b.name, status: 'completed', configHash: b.configHash },
      ]);
      expect(comparison.params).toEqual([
        { path: 'params.exit', values: [undefined, 'trail'], differs: true },
        { path: 'params.lookback', values: [20, 30], differs: true },
        { path: 'params.threshold', values: [0.5, 0.5], differs: false },
      ]);
      const metric = (name: string) => comparison.metrics.find((m) => m.name === name);
      expect(comparison.metrics.map((m) => m.name)).toEqual([
        'max_drawdown',
        'sharpe',
        'slippage',
        'turnover',
      ]);
      expect(metric('sharpe')?.best).toEqual({ experimentId: b.id, value: 1.5 });
      expect(metric('max_drawdown')?.best).toEqual({ experimentId: a.id, value: 0.1 });
      expect(metric('slippage')?.best).toEqual({ experimentId: a.id, value: 3 });
      expect(metric('turnover')?.best).toEqual({ experimentId: b.id, value: 7 });
      expect(metric('turnover')?.values[0]).toBeNull();
      const sharpeA = metric('sharpe')?.values[0];
      expect(sharpeA).toMatchObject({ count: 2, min: 1, max: 1.2, latest: 1.2 });
      expect(sharpeA?.mean).toBeCloseTo(1.1, 12);
      expect(sharpeA?.std).toBeCloseTo(Math.SQRT2 * 0.1, 12);

      const custom = await lab.experiments.compare([b.id, a.id], { lowerIsBetter: ['slippage'] });
      const customMetric = (name: string) => custom.metrics.find((m) => m.name === name);
      expect(custom.experiments.map((e) => e.id)).toEqual([b.id, a.id]);
      expect(customMetric('slippage')?.best).toEqual({ experimentId: b.id, value: 2 });
      // The option replaces the default list: max_drawdown is now higher-is-better.
      expect(customMetric('max_drawdown')?.best).toEqual({ experimentId: b.id, value: 0.2 });
    });

    it('compares buffered metrics after flushing them', async () => {
      const lab = await openLab();
      const a = await lab.experiments.create(definition());
      const b = await lab.experiments.create(definition({ params: { lookback: 50 } }));
      await lab.experiments.logMetric(a.id, 'sharpe', 0.8);
      await lab.experiments.logMetric(b.id, 'sharpe', 0.9);
      const { metrics } = await lab.experiments.compare([a.id, b.id]);
      expect(metrics).toHaveLength(1);
      expect(metrics[0]?.best).toEqual({ experimentId: b.id, value: 0.9 });
      await lab.experiments.flush();
      expect((await lab.experiments.summary(a.id)).metrics.sharpe?.latest).toBe(0.8);
    });

    it('refuses to compare an unknown id, no ids or a repeated id', async () => {
      const lab = await openLab();
      const { id } = await lab.experiments.create(definition());
      expect(await rejection(lab.experiments.compare([id, 'no-such-experiment']))).toBeInstanceOf(
        NotFoundError,
      );
      await expectInvalid(lab.experiments.compare([]), 'ids');
      await expectInvalid(lab.experiments.compare([id, id]), 'ids');
      await expectInvalid(lab.experiments.compare([id, '']), 'ids[1]');
    });

    it('stores results as output links by kind, once each, apart from the inputs', async () => {
      const lab = await openLab();
      const { id } = await lab.experiments.create(definition({ inputs: { ohlcv: ['sha-bars'] } }));
      const key = (l: { role: string; kind: string; artifactId: string }) =>
        `${l.role}:${l.kind}:${l.artifactId}`;
      const first = await lab.experiments.storeResults(id, {
        trades: 'sha-trades',
        curves: ['sha-equity', 'sha-drawdown'],
      });
      const expected = [
        'output:curves:sha-drawdown',
        'output:curves:sha-equity',
        'output:trades:sha-trades',
      ];
      expect(first.map(key).sort()).toEqual(expected);
      const again = await lab.experiments.storeResults(id, {
        trades: ['sha-trades'],
        diagnostics: 'sha-diag',
      });
      expect(again.map(key).sort()).toEqual([...expected, 'output:diagnostics:sha-diag'].sort());
      const { inputs, outputs } = await lab.experiments.artifacts(id);
      expect(inputs).toEqual([{ role: 'input', kind: 'ohlcv', artifactId: 'sha-bars' }]);
      expect(outputs.map(key).sort()).toEqual(again.map(key).sort());
      const logged = (await lab.experiments.logs(id)).map((l) => l.message);
      expect(logged.filter((m) => m === 'results stored')).toHaveLength(2);
    });

    it('refuses storeResults for an unknown experiment or an empty id', async () => {
      const lab = await openLab();
      const { id } = await lab.experiments.create(definition());
      expect(
        await rejection(lab.experiments.storeResults('no-such-experiment', { trades: 'sha-t' })),
      ).toBeInstanceOf(NotFoundError);
      await expectInvalid(lab.experiments.storeResults('', { trades: 'sha-t' }), 'id');
      await expectInvalid(lab.experiments.storeResults(id, { trades: '' }), 'results.trades');
      await expectInvalid(lab.experiments.storeResults(id, { curves: [] }), 'results.curves');
      expect(await rejection(lab.experiments.artifacts('no-such-experiment'))).toBeInstanceOf(
        NotFoundError,
      );
      expect((await lab.experiments.artifacts(id)).outputs).toEqual([]);
    });

    it('sweep fails a running experiment once its maxRuntimeHours have passed, not before', async () => {
      const clock = manualClock();
      const lab = await openLab({ clock });
      const short = await lab.experiments.create(definition({ maxRuntimeHours: 1 }));
      const long = await lab.experiments.create(definition({ maxRuntimeHours: 24 }));
      const idle = await lab.experiments.create(definition({ maxRuntimeHours: 1 }));
      await lab.experiments.start(short.id);
      await lab.experiments.start(long.id);
      clock.advance(HOUR_MS - 1);
      expect(await lab.experiments.sweep()).toEqual({ failed: [], archived: [] });
      expect((await lab.experiments.get(short.id)).status).toBe('running');
      clock.advance(1);
      expect(await lab.experiments.sweep()).toEqual({ failed: [short.id], archived: [] });
      const failed = await lab.experiments.get(short.id);
      expect(failed.status).toBe('failed');
      expect(failed.error).toMatch(/maxRuntimeHours/);
      expect(failed.errorCount).toBe(1);
      expect(failed.completedAt).toEqual(clock());
      expect(failed.durationMs).toBe(HOUR_MS);
      expect((await lab.experiments.get(long.id)).status).toBe('running');
      expect((await lab.experiments.get(idle.id)).status).toBe('created');
      expect(await lab.experiments.sweep()).toEqual({ failed: [], archived: [] });
      expect((await lab.experiments.get(short.id)).errorCount).toBe(1);
    });

    it('sweep archives completed autoCleanup experiments after cleanupAfterDays, not before', async () => {
      const clock = manualClock();
      const lab = await openLab({ clock, experiments: { cleanupAfterDays: 2 } });
      const finish = async (overrides: Record<string, unknown>) => {
        const { id } = await lab.experiments.create(definition(overrides));
        await lab.experiments.start(id);
        await lab.experiments.complete(id);
        return id;
      };
      const cleaned = await finish({});
      const kept = await finish({ autoCleanup: false });
      const cancelled = await lab.experiments.create(definition());
      await lab.experiments.cancel(cancelled.id);
      clock.advance(HOUR_MS);
      const later = await finish({});
      clock.advance(2 * DAY_MS - HOUR_MS - 1);
      expect(await lab.experiments.sweep()).toEqual({ failed: [], archived: [] });
      expect((await lab.experiments.get(cleaned)).status).toBe('completed');
      clock.advance(1);
      expect(await lab.experiments.sweep()).toEqual({ failed: [], archived: [cleaned] });
      expect((await lab.experiments.get(cleaned)).status).toBe('archived');
      expect((await lab.experiments.get(later)).status).toBe('completed');
      expect(await lab.experiments.sweep()).toEqual({ failed: [], archived: [] });
      clock.advance(HOUR_MS);
      expect(await lab.experiments.sweep()).toEqual({ failed: [], archived: [later] });
      clock.advance(365 * DAY_MS);
      expect(await lab.experiments.sweep()).toEqual({ failed: [], archived: [] });
      expect((await lab.experiments.get(kept)).status).toBe('completed');
      expect((await lab.experiments.get(cancelled.id)).status).toBe('cancelled');
      expect(await listed(lab, { status: 'archived' })).toEqual([later, cleaned]);
    });
  });
}
