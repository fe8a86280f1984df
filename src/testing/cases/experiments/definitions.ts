import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../../../errors.js';
import type { Experiment } from '../../../experiments/types.js';
import { UNICODE_SAMPLES } from '../../fixtures.js';
import type { ConformanceTarget } from '../../harness.js';
import { definition, expectInvalid, freshLabs, idsOf, manualClock, rejection } from '../../labs.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const SHA256 = /^[0-9a-f]{64}$/;
const GIT_COMMIT = /^[0-9a-f]{40}$/;

const ids = idsOf;

/**
 * `lab.experiments` definitions: create with defaults, validation, caller ids, lineage, config
 * hash, provenance, name uniqueness, awkward names and params, inputs and capacity. @internal
 */
export function experimentDefinitionCases(target: ConformanceTarget): void {
  describe('experiments: definitions', () => {
    const openLab = freshLabs(target);

    it('creates an experiment with status created and the documented defaults', async () => {
      const clock = manualClock();
      const lab = await openLab({ clock });
      const created = await lab.experiments.create(
        definition({ symbols: ['ETH/USD', 'BTC/USD'], tags: ['nightly', 'btc', 'nightly'] }),
      );
      expect(created.id).toMatch(UUID_V7);
      expect(created).toMatchObject({
        status: 'created',
        type: 'backtest',
        strategy: 'momentum',
        priority: 5,
        maxRuntimeHours: 24,
        autoCleanup: true,
        tags: ['nightly', 'btc'],
        description: null,
        parentId: null,
        metadata: {},
        error: null,
        errorCount: 0,
        resources: { cpuCores: 0, memoryGb: 0, gpuUnits: 0, diskGb: 0 },
        queuedAt: null,
        startedAt: null,
        completedAt: null,
        durationMs: null,
      });
      expect(created.createdAt).toEqual(clock());
      expect(created.updatedAt).toEqual(clock());
      expect(created.configHash).toMatch(SHA256);
      expect(created.config).toEqual({
        type: 'backtest',
        strategy: 'momentum',
        symbols: ['BTC/USD', 'ETH/USD'],
        timeframe: '1h',
        dateRange: { from: '2025-01-01T00:00:00.000Z', to: '2025-07-01T00:00:00.000Z' },
        params: { lookback: 20, threshold: 0.5 },
        strategyParams: {},
        modelParams: {},
        featureParams: {},
        inputs: {},
      });
      const logs = await lab.experiments.logs(created.id);
      expect(logs.map((l) => l.message)).toEqual(['experiment created']);
      expect(logs[0]?.context).toMatchObject({ configHash: created.configHash });
    });

    it('queues at once with { queue: true }, stamping queuedAt and logging both steps', async () => {
      const clock = manualClock();
      const lab = await openLab({ clock });
      const created = await lab.experiments.create(definition(), { queue: true });
      expect(created.status).toBe('queued');
      expect(created.queuedAt).toEqual(clock());
      expect((await lab.experiments.get(created.id)).status).toBe('queued');
      const logs = await lab.experiments.logs(created.id);
      expect(logs.map((l) => l.message)).toEqual(['experiment created', 'created → queued']);
      expect(logs[1]?.context).toMatchObject({ from: 'created', to: 'queued' });
      await expectInvalid(
        lab.experiments.create(definition(), { queue: 'yes' } as never),
        'options.queue',
      );
      await expectInvalid(
        lab.experiments.create(definition(), { start: true } as never),
        'options.start',
      );
      expect((await lab.experiments.list()).experiments).toHaveLength(1);
    });

    it('gives back exactly what create returned from get', async () => {
      const lab = await openLab({ clock: manualClock() });
      const created = await lab.experiments.create(
        definition({
          description: 'a full definition',
          symbols: ['SOL/USD', 'BTC/USD'],
          strategyParams: { exit: { stop: 0.02, trail: [1, 2.5] } },
          modelParams: { layers: 3 },
          featureParams: { windows: [5, 20] },
          seed: 7,
          tags: ['a', 'b'],
          priority: 8,
          resources: { cpuCores: 1.5, memoryGb: 0.25 },
          maxRuntimeHours: 0.5,
          autoCleanup: false,
          metadata: { owner: 'desk-2', nested: { ok: true, nothing: null } },
          inputs: { ohlcv: ['sha-1'] },
        }),
      );
      expect(await lab.experiments.get(created.id)).toStrictEqual(created);
    });

    it('throws NotFoundError for an unknown id', async () => {
      const lab = await openLab();
      const error = await rejection(lab.experiments.get('no-such-experiment'));
      expect(error).toBeInstanceOf(NotFoundError);
      expect((error as NotFoundError).id).toBe('no-such-experiment');
    });

    it.each([
      ['no symbols', { symbols: [] }, 'symbols'],
      ['an unknown timeframe', { timeframe: '2h' }, 'timeframe'],
      [
        'a date range that ends at its start',
        { dateRange: { from: '2025-01-01', to: '2025-01-01' } },
        'dateRange.to',
      ],
      [
        'a date range that ends before its start',
        { dateRange: { from: '2025-02-01', to: '2025-01-01' } },
        'dateRange.to',
      ],
      ['priority 11', { priority: 11 }, 'priority'],
      ['a NaN param', { params: { lookback: Number.NaN } }, 'params.lookback'],
      ['an unknown key', { colour: 'red' }, 'colour'],
      ['an empty name', { name: '' }, 'name'],
      ['a whitespace-only name', { name: '   ' }, 'name'],
      ['an unknown type', { type: 'bad' }, 'type'],
    ])(
      'refuses %s with ValidationError naming the field, storing nothing',
      async (_, overrides, field) => {
        const lab = await openLab();
        await expectInvalid(lab.experiments.create(definition(overrides)), field);
        expect((await lab.experiments.list()).experiments).toEqual([]);
      },
    );

    it('keeps a caller-supplied id and refuses to reuse it with ConflictError', async () => {
      const lab = await openLab();
      const first = await lab.experiments.create(definition({ id: 'exp-chosen-by-caller' }));
      expect(first.id).toBe('exp-chosen-by-caller');
      const error = await rejection(
        lab.experiments.create(definition({ id: 'exp-chosen-by-caller' })),
      );
      expect(error).toBeInstanceOf(ConflictError);
      expect(await lab.experiments.get('exp-chosen-by-caller')).toStrictEqual(first);
      expect((await lab.experiments.list()).experiments).toHaveLength(1);
    });

    it('requires parentId to exist and lists the children of a parent', async () => {
      const clock = manualClock();
      const lab = await openLab({ clock });
      await expectInvalid(
        lab.experiments.create(definition({ parentId: 'no-such-parent' })),
        'parentId',
      );
      const parent = await lab.experiments.create(definition());
      clock.advance(1000);
      const child = await lab.experiments.create(definition({ parentId: parent.id }));
      clock.advance(1000);
      const grandchild = await lab.experiments.create(definition({ parentId: child.id }));
      clock.advance(1000);
      const sibling = await lab.experiments.create(definition({ parentId: parent.id }));
      expect(child.parentId).toBe(parent.id);
      expect(ids((await lab.experiments.list({ parentId: parent.id })).experiments)).toEqual([
        sibling.id,
        child.id,
      ]);
      expect(ids((await lab.experiments.list({ parentId: child.id })).experiments)).toEqual([
        grandchild.id,
      ]);
      expect((await lab.experiments.list({ parentId: grandchild.id })).experiments).toEqual([]);
    });

    it('hashes equal configs equally, whatever the name, tags, priority, metadata or symbol order', async () => {
      const clock = manualClock();
      const lab = await openLab({ clock });
      const a = await lab.experiments.create(
        definition({ symbols: ['BTC/USD', 'ETH/USD'], seed: 1 }),
      );
      clock.advance(1000);
      const b = await lab.experiments.create(
        definition({
          symbols: ['ETH/USD', 'BTC/USD'],
          seed: 1,
          tags: ['other'],
          description: 'same config, other words',
          priority: 9,
          metadata: { note: 'ignored by the hash' },
          maxRuntimeHours: 3,
          autoCleanup: false,
        }),
      );
      expect(b.configHash).toBe(a.configHash);
      expect(ids(await lab.experiments.findByConfigHash(a.configHash))).toEqual([b.id, a.id]);
      expect(await lab.experiments.findByConfigHash('0'.repeat(64))).toEqual([]);
      await expect(lab.experiments.findByConfigHash('')).rejects.toMatchObject({ field: 'hash' });
    });

    it.each([
      ['a param', { params: { lookback: 21, threshold: 0.5 } }],
      ['the seed', { seed: 2 }],
      ['the date range', { dateRange: { from: '2025-01-01', to: '2025-07-02' } }],
      ['the inputs', { inputs: { ohlcv: ['sha-other'] } }],
      ['a strategy param', { strategyParams: { stop: 0.01 } }],
      ['the timeframe', { timeframe: '4h' }],
    ])('hashes a config that differs in %s differently', async (_, overrides) => {
      const lab = await openLab();
      const base = { symbols: ['BTC/USD', 'ETH/USD'], seed: 1, inputs: { ohlcv: ['sha-1'] } };
      const a = await lab.experiments.create(definition(base));
      const b = await lab.experiments.create(definition({ ...base, ...overrides }));
      expect(b.configHash).toMatch(SHA256);
      expect(b.configHash).not.toBe(a.configHash);
      expect(ids(await lab.experiments.findByConfigHash(a.configHash))).toEqual([a.id]);
      expect(ids(await lab.experiments.findByConfigHash(b.configHash))).toEqual([b.id]);
    });

    it('captures provenance when asked: Node version and the git commit of the working tree', async () => {
      const clock = manualClock();
      const lab = await openLab({ clock, experiments: { provenance: { capture: true } } });
      const created = await lab.experiments.create(definition());
      const { provenance } = created;
      expect(provenance.nodeVersion).toBe(process.version);
      expect(provenance.platform).toBe(process.platform);
      expect(provenance.capturedAt).toBe(clock().toISOString());
      const commit = provenance.gitCommit;
      expect(commit === null || (typeof commit === 'string' && GIT_COMMIT.test(commit))).toBe(true);
      expect(created.gitCommit).toBe(commit);
      expect((await lab.experiments.get(created.id)).provenance).toEqual(provenance);
    });

    it('lets provenance given in the definition win over the captured one', async () => {
      const lab = await openLab({ experiments: { provenance: { capture: true } } });
      const created = await lab.experiments.create(
        definition({ provenance: { gitCommit: 'abc', gitDirty: false } }),
      );
      expect(created.gitCommit).toBe('abc');
      expect(created.provenance).toMatchObject({
        gitCommit: 'abc',
        gitDirty: false,
        nodeVersion: process.version,
      });
      const stored = await lab.experiments.get(created.id);
      expect(stored.gitCommit).toBe('abc');
      expect(stored.provenance.gitDirty).toBe(false);
      expect(ids((await lab.experiments.list({ gitCommit: 'abc' })).experiments)).toEqual([
        created.id,
      ]);
    });

    it('refuses a second live experiment of the same name with ConflictError', async () => {
      const lab = await openLab();
      const first = await lab.experiments.create(definition({ name: 'rsi 14 nightly' }));
      const error = await rejection(lab.experiments.create(definition({ name: 'rsi 14 nightly' })));
      expect(error).toBeInstanceOf(ConflictError);
      expect((error as ConflictError).id).toBe(first.id);
      // Names are trimmed before the check.
      expect(
        await rejection(lab.experiments.create(definition({ name: '  rsi 14 nightly ' }))),
      ).toBeInstanceOf(ConflictError);
      expect(ids((await lab.experiments.list({ name: 'rsi 14 nightly' })).experiments)).toEqual([
        first.id,
      ]);
    });

    it('frees a name once its experiment is cancelled', async () => {
      const lab = await openLab();
      const first = await lab.experiments.create(definition({ name: 'cancel me' }));
      await lab.experiments.cancel(first.id, 'superseded');
      const second = await lab.experiments.create(definition({ name: 'cancel me' }));
      expect(second.name).toBe('cancel me');
      expect(second.id).not.toBe(first.id);
    });

    it('frees a name once its experiment is archived, not while it is completed', async () => {
      const lab = await openLab();
      const first = await lab.experiments.create(definition({ name: 'archive me' }));
      await lab.experiments.start(first.id);
      await lab.experiments.complete(first.id);
      expect(
        await rejection(lab.experiments.create(definition({ name: 'archive me' }))),
      ).toBeInstanceOf(ConflictError);
      await lab.experiments.archive(first.id);
      const second = await lab.experiments.create(definition({ name: 'archive me' }));
      expect(second.status).toBe('created');
      expect((await lab.experiments.list({ name: 'archive me' })).experiments).toHaveLength(2);
    });

    it('frees a name once its experiment was created more than uniqueNameWindowDays ago', async () => {
      const clock = manualClock();
      const lab = await openLab({ clock, experiments: { uniqueNameWindowDays: 7 } });
      await lab.experiments.create(definition({ name: 'weekly' }));
      clock.advance(6 * DAY_MS);
      expect(
        await rejection(lab.experiments.create(definition({ name: 'weekly' }))),
      ).toBeInstanceOf(ConflictError);
      clock.advance(DAY_MS);
      expect(
        await rejection(lab.experiments.create(definition({ name: 'weekly' }))),
      ).toBeInstanceOf(ConflictError);
      clock.advance(1);
      const again = await lab.experiments.create(definition({ name: 'weekly' }));
      expect(again.createdAt).toEqual(clock());
      expect((await lab.experiments.list({ name: 'weekly' })).experiments).toHaveLength(2);
    });

    it('allows repeated names with uniqueNameWindowDays: 0', async () => {
      const lab = await openLab({ experiments: { uniqueNameWindowDays: 0 } });
      const a = await lab.experiments.create(definition({ name: 'same' }));
      const b = await lab.experiments.create(definition({ name: 'same' }));
      expect(new Set(ids((await lab.experiments.list({ name: 'same' })).experiments))).toEqual(
        new Set([a.id, b.id]),
      );
    });

    it('lets exactly one of 8 concurrent creates of one name through', async () => {
      const lab = await openLab();
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, () => lab.experiments.create(definition({ name: 'race' }))),
      );
      const fulfilled = results.filter((r) => r.status === 'fulfilled');
      const rejected = results.filter((r) => r.status === 'rejected');
      expect(fulfilled).toHaveLength(1);
      expect(rejected).toHaveLength(7);
      for (const r of rejected) expect(r.reason).toBeInstanceOf(ConflictError);
      const stored = (await lab.experiments.list({ name: 'race' })).experiments;
      expect(ids(stored)).toEqual([(fulfilled[0] as PromiseFulfilledResult<Experiment>).value.id]);
    });

    it('round-trips unicode names and finds them by name', async () => {
      const lab = await openLab();
      const samples = UNICODE_SAMPLES.filter((s) => s.trim() !== '');
      expect(samples.length).toBeGreaterThan(4);
      for (const sample of samples) {
        const created = await lab.experiments.create(definition({ name: sample }));
        const name = sample.trim();
        expect(created.name).toBe(name);
        expect((await lab.experiments.get(created.id)).name).toBe(name);
        expect(ids((await lab.experiments.list({ name })).experiments)).toEqual([created.id]);
      }
      expect((await lab.experiments.list({ name: 'e combining' })).experiments).toEqual([]);
    });

    it('round-trips and hashes a huge params object', async () => {
      const lab = await openLab();
      const params: Record<string, unknown> = {};
      for (let i = 0; i < 5000; i++) params[`p${i}`] = i % 3 === 0 ? `v${i}` : i / 7;
      params.series = { values: Array.from({ length: 10_000 }, (_, i) => Math.sin(i) * 1e3) };
      const a = await lab.experiments.create(definition({ params }));
      expect(a.configHash).toMatch(SHA256);
      const stored = await lab.experiments.get(a.id);
      expect(stored.config.params).toEqual(params);
      expect(stored).toStrictEqual(a);
      const b = await lab.experiments.create(definition({ params: { ...params, p1: 0 } }));
      expect(b.configHash).not.toBe(a.configHash);
      expect(ids(await lab.experiments.findByConfigHash(a.configHash))).toEqual([a.id]);
    });

    it('links inputs as input artifacts and finds the experiment by them', async () => {
      const lab = await openLab();
      const created = await lab.experiments.create(
        definition({ inputs: { ohlcv: ['sha-bars-2', 'sha-bars-1'], alerts: ['sha-alerts'] } }),
      );
      await lab.experiments.storeResults(created.id, { trades: 'sha-trades' });
      const byArtifact = (links: { kind: string; artifactId: string }[]) =>
        links.map((l) => `${l.kind}:${l.artifactId}`).sort();
      const { inputs, outputs } = await lab.experiments.artifacts(created.id);
      expect(inputs.every((l) => l.role === 'input')).toBe(true);
      expect(byArtifact(inputs)).toEqual([
        'alerts:sha-alerts',
        'ohlcv:sha-bars-1',
        'ohlcv:sha-bars-2',
      ]);
      expect(outputs).toEqual([{ role: 'output', kind: 'trades', artifactId: 'sha-trades' }]);
      expect(ids(await lab.experiments.findByInputArtifacts(['sha-bars-1']))).toEqual([created.id]);
      expect(
        ids(await lab.experiments.findByInputArtifacts(['sha-unknown', 'sha-alerts'])),
      ).toEqual([created.id]);
      expect(await lab.experiments.findByInputArtifacts(['sha-trades'])).toEqual([]);
    });

    it('refuses resources beyond the lab capacity with ValidationError', async () => {
      const lab = await openLab({ experiments: { resources: { cpuCores: 4 } } });
      await expectInvalid(
        lab.experiments.create(definition({ resources: { cpuCores: 8 } })),
        'resources.cpuCores',
      );
      expect((await lab.experiments.list()).experiments).toEqual([]);
      const fits = await lab.experiments.create(
        definition({ resources: { cpuCores: 4, memoryGb: 512 } }),
      );
      expect(fits.resources).toEqual({ cpuCores: 4, memoryGb: 512, gpuUnits: 0, diskGb: 0 });
    });
  });
}
