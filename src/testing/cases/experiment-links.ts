import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../errors.js';
import type { StorageBackend } from '../../storage/backend.js';
import type { ExperimentRecord } from '../../storage/records.js';
import { experiment, T0 } from '../fixtures.js';

const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const ids = (records: readonly ExperimentRecord[]) => records.map((r) => r.id);

/** Scheduling columns, tags, keyset pagination, queue order and artifact links. @internal */
export function experimentLinkCases(backend: () => StorageBackend): void {
  describe('experiments: scheduling, tags, pagination and artifact links', () => {
    it('round-trips resources, maximum runtime, auto-cleanup and the queued time', async () => {
      const record = experiment({
        resources: { cpuCores: 2.5, memoryGb: 0.25, gpuUnits: 1, diskGb: 1e6 },
        maxRuntimeHours: 0.5,
        autoCleanup: false,
        queuedAt: at(3),
      });
      await backend().experiments.insert(record);
      expect(await backend().experiments.get(record.id)).toEqual(record);
    });

    it.each([
      [
        'a negative resource',
        { resources: { cpuCores: -1, memoryGb: 0, gpuUnits: 0, diskGb: 0 } },
        'experiment.resources.cpuCores',
      ],
      ['a NaN maximum runtime', { maxRuntimeHours: Number.NaN }, 'experiment.maxRuntimeHours'],
      ['a non-boolean auto-cleanup', { autoCleanup: 'yes' as never }, 'experiment.autoCleanup'],
    ])('refuses %s with ValidationError', async (_, overrides, field) => {
      const record = experiment(overrides as Partial<ExperimentRecord>);
      const error = await backend()
        .experiments.insert(record)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field).toBe(field);
      expect(await backend().experiments.get(record.id)).toBeUndefined();
    });

    it('lists by tag and follows tag changes made by update', async () => {
      const a = experiment({ tags: ['btc', 'nightly'], createdAt: at(1) });
      const b = experiment({ tags: ['eth'], createdAt: at(2) });
      await backend().experiments.insert(a);
      await backend().experiments.insert(b);
      expect(ids(await backend().experiments.list({ tag: 'nightly' }))).toEqual([a.id]);
      await backend().experiments.update(a.id, { tags: ['btc', 'weekly'] });
      expect(ids(await backend().experiments.list({ tag: 'nightly' }))).toEqual([]);
      expect(ids(await backend().experiments.list({ tag: 'weekly' }))).toEqual([a.id]);
      expect(ids(await backend().experiments.list({ tag: 'btc' }))).toEqual([a.id]);
      expect((await backend().experiments.get(a.id))?.tags).toEqual(['btc', 'weekly']);
    });

    it('lists by git commit', async () => {
      const a = experiment({ gitCommit: 'a'.repeat(40) });
      await backend().experiments.insert(a);
      await backend().experiments.insert(experiment({ gitCommit: 'b'.repeat(40) }));
      expect(ids(await backend().experiments.list({ gitCommit: 'a'.repeat(40) }))).toEqual([a.id]);
    });

    it('pages newest first with a keyset cursor, ties on created_at included', async () => {
      const records = [1, 2, 2, 2, 3, 4, 5].map((s) => experiment({ createdAt: at(s) }));
      for (const r of records) await backend().experiments.insert(r);
      const expected = ids(await backend().experiments.list({ limit: 100 }));
      const seen: string[] = [];
      let page = await backend().experiments.list({ limit: 2 });
      while (page.length > 0) {
        seen.push(...ids(page));
        const last = page.at(-1) as ExperimentRecord;
        page = await backend().experiments.list({
          limit: 2,
          after: { createdAt: last.createdAt, id: last.id },
        });
      }
      expect(seen).toEqual(expected);
      expect(new Set(seen).size).toBe(records.length);
    });

    it('orders queued work by priority, then by time queued', async () => {
      const low = experiment({ status: 'queued', priority: 2, queuedAt: at(1) });
      const highLate = experiment({ status: 'queued', priority: 9, queuedAt: at(5) });
      const highEarly = experiment({
        status: 'queued',
        priority: 9,
        queuedAt: at(2),
        createdAt: at(9),
      });
      const mid = experiment({ status: 'queued', priority: 5, queuedAt: at(0) });
      for (const r of [low, highLate, highEarly, mid]) await backend().experiments.insert(r);
      const queue = await backend().experiments.list({ status: ['queued'], order: 'queue' });
      expect(ids(queue)).toEqual([highEarly.id, highLate.id, mid.id, low.id]);
    });

    it('sums the resources of running experiments only', async () => {
      const need = (cpuCores: number, memoryGb: number) => ({
        cpuCores,
        memoryGb,
        gpuUnits: 1,
        diskGb: 0.5,
      });
      const a = experiment({ status: 'running', resources: need(2, 4) });
      const b = experiment({ status: 'running', resources: need(1.5, 0.25) });
      const c = experiment({ status: 'queued', resources: need(8, 64) });
      for (const r of [a, b, c]) await backend().experiments.insert(r);
      expect(await backend().experiments.runningTotals()).toEqual({
        count: 2,
        cpuCores: 3.5,
        memoryGb: 4.25,
        gpuUnits: 2,
        diskGb: 1,
      });
      await backend().experiments.update(a.id, { status: 'completed' });
      expect((await backend().experiments.runningTotals()).count).toBe(1);
    });

    it('reports zero totals when nothing runs', async () => {
      expect(await backend().experiments.runningTotals()).toEqual({
        count: 0,
        cpuCores: 0,
        memoryGb: 0,
        gpuUnits: 0,
        diskGb: 0,
      });
    });

    it('links artifacts once, lists them in order, and finds experiments by artifact and role', async () => {
      const a = experiment({ createdAt: at(1) });
      const b = experiment({ createdAt: at(2) });
      await backend().experiments.insert(a);
      await backend().experiments.insert(b);
      await backend().experiments.linkArtifacts(a.id, [
        { role: 'input', kind: 'ohlcv', artifactId: 'sha-ohlcv' },
        { role: 'output', kind: 'trades', artifactId: 'sha-trades' },
        { role: 'input', kind: 'alerts', artifactId: 'sha-alerts' },
      ]);
      await backend().experiments.linkArtifacts(a.id, [
        { role: 'input', kind: 'ohlcv', artifactId: 'sha-ohlcv' },
      ]);
      await backend().experiments.linkArtifacts(b.id, [
        { role: 'input', kind: 'ohlcv', artifactId: 'sha-ohlcv' },
      ]);
      expect(await backend().experiments.artifactLinks(a.id)).toEqual([
        { role: 'input', kind: 'alerts', artifactId: 'sha-alerts' },
        { role: 'input', kind: 'ohlcv', artifactId: 'sha-ohlcv' },
        { role: 'output', kind: 'trades', artifactId: 'sha-trades' },
      ]);
      expect(ids(await backend().experiments.listByArtifacts(['sha-ohlcv'], 'input'))).toEqual([
        b.id,
        a.id,
      ]);
      expect(ids(await backend().experiments.listByArtifacts(['sha-trades'], 'input'))).toEqual([]);
      expect(
        ids(await backend().experiments.listByArtifacts(['sha-trades', 'sha-alerts'])),
      ).toEqual([a.id]);
      expect(await backend().experiments.listByArtifacts([])).toEqual([]);
    });

    it('refuses a bad link role and rolls links back with their transaction', async () => {
      const a = experiment();
      await backend().experiments.insert(a);
      await expect(
        backend().experiments.linkArtifacts(a.id, [
          { role: 'consumed' as never, kind: 'x', artifactId: 'y' },
        ]),
      ).rejects.toBeInstanceOf(ValidationError);
      await expect(
        backend().transaction(async (tx) => {
          await tx.experiments.linkArtifacts(a.id, [
            { role: 'input', kind: 'ohlcv', artifactId: 'sha-1' },
          ]);
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      expect(await backend().experiments.artifactLinks(a.id)).toEqual([]);
    });
  });
}
