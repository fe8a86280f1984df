import { describe, expect, it } from 'vitest';
import { ConflictError, ValidationError } from '../../errors.js';
import type { StorageBackend } from '../../storage/backend.js';
import { artifact, experiment, log, metric } from '../fixtures.js';

/** Atomicity, isolation and concurrency of transactions. @internal */
export function transactionCases(backend: () => StorageBackend): void {
  describe('transactions', () => {
    it('commits everything the body wrote and returns its result', async () => {
      const exp = experiment();
      const result = await backend().transaction(async (tx) => {
        await tx.experiments.insert(exp);
        await tx.metrics.append([metric(exp.id)]);
        await tx.logs.append([log(exp.id)]);
        return tx.experiments.get(exp.id);
      });
      expect(result).toEqual(exp);
      expect(await backend().experiments.get(exp.id)).toEqual(exp);
      expect(await backend().metrics.list(exp.id)).toHaveLength(1);
      expect(await backend().logs.list(exp.id)).toHaveLength(1);
    });

    it('rolls back every write when the body throws, and rethrows the same error', async () => {
      const exp = experiment();
      const art = artifact(new Uint8Array([9, 9]));
      const boom = new Error('strategy crashed');
      const error = await backend()
        .transaction(async (tx) => {
          await tx.experiments.insert(exp);
          await tx.metrics.append([metric(exp.id), metric(exp.id, { step: 1 })]);
          await tx.logs.append([log(exp.id)]);
          await tx.artifacts.put(art);
          await tx.experiments.update(exp.id, { status: 'running' });
          throw boom;
        })
        .catch((e: unknown) => e);
      expect(error).toBe(boom);
      expect(await backend().experiments.get(exp.id)).toBeUndefined();
      expect(await backend().metrics.list(exp.id)).toEqual([]);
      expect(await backend().logs.list(exp.id)).toEqual([]);
      expect(await backend().artifacts.head(art.id)).toBeUndefined();
    });

    it('rolls back an update of an existing row', async () => {
      const exp = experiment();
      await backend().experiments.insert(exp);
      await expect(
        backend().transaction(async (tx) => {
          await tx.experiments.update(exp.id, { status: 'failed', error: 'x', errorCount: 1 });
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      expect(await backend().experiments.get(exp.id)).toEqual(exp);
    });

    it('rolls back when a write inside fails with ConflictError', async () => {
      const existing = experiment();
      await backend().experiments.insert(existing);
      const fresh = experiment();
      const error = await backend()
        .transaction(async (tx) => {
          await tx.experiments.insert(fresh);
          await tx.experiments.insert({ ...existing });
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConflictError);
      expect(await backend().experiments.get(fresh.id)).toBeUndefined();
    });

    it('sees its own writes before commit', async () => {
      const exp = experiment();
      await backend().transaction(async (tx) => {
        await tx.experiments.insert(exp);
        await tx.metrics.append([metric(exp.id, { value: 4 })]);
        expect((await tx.experiments.list()).map((r) => r.id)).toContain(exp.id);
        expect((await tx.metrics.aggregate(exp.id))[0]?.sum).toBe(4);
      });
    });

    it('never lets anyone see the writes of a transaction that fails', async () => {
      const exp = experiment();
      let release!: () => void;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      let inserted!: () => void;
      const insertedSignal = new Promise<void>((resolve) => {
        inserted = resolve;
      });
      const failing = backend()
        .transaction(async (tx) => {
          await tx.experiments.insert(exp);
          inserted();
          await gate;
          throw new Error('rollback');
        })
        .catch((e: unknown) => e);
      await insertedSignal;
      const outsideRead = backend().experiments.get(exp.id);
      setTimeout(release, 20);
      expect(await outsideRead).toBeUndefined();
      expect(await failing).toBeInstanceOf(Error);
      expect(await backend().experiments.get(exp.id)).toBeUndefined();
    });

    it('runs many concurrent transactions, committing exactly the ones that succeed', async () => {
      const runs = Array.from({ length: 16 }, (_, i) => ({
        exp: experiment({ name: `run ${i}` }),
        fail: i % 3 === 0,
      }));
      const settled = await Promise.allSettled(
        runs.map(({ exp, fail }) =>
          backend().transaction(async (tx) => {
            await tx.experiments.insert(exp);
            await tx.metrics.append([metric(exp.id, { step: 0 }), metric(exp.id, { step: 1 })]);
            if (fail) throw new Error(`fail ${exp.name}`);
            await tx.logs.append([log(exp.id)]);
          }),
        ),
      );
      for (const [i, { exp, fail }] of runs.entries()) {
        expect(settled[i]?.status).toBe(fail ? 'rejected' : 'fulfilled');
        const stored = await backend().experiments.get(exp.id);
        expect(stored === undefined).toBe(fail);
        expect(await backend().metrics.list(exp.id)).toHaveLength(fail ? 0 : 2);
        expect(await backend().logs.list(exp.id)).toHaveLength(fail ? 0 : 1);
      }
    });

    it('lets exactly one of many concurrent compare-and-set updates win', async () => {
      const exp = experiment({ status: 'queued' });
      await backend().experiments.insert(exp);
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          backend().transaction((tx) =>
            tx.experiments.update(
              exp.id,
              { status: 'running', metadata: { winner: i } },
              { expectStatus: ['queued'] },
            ),
          ),
        ),
      );
      const winners = results.filter((r) => r !== undefined);
      expect(winners).toHaveLength(1);
      expect(await backend().experiments.get(exp.id)).toEqual(winners[0]);
    });

    it('makes check-then-write atomic under a named lock: 12 racers, 3 free slots, 3 winners', async () => {
      const slots = 3;
      const outcomes = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          backend().transaction(
            async (tx) => {
              const running = await tx.experiments.list({ status: ['running'], limit: 1000 });
              if (running.length >= slots) return false;
              await tx.experiments.insert(experiment({ status: 'running', name: `racer ${i}` }));
              return true;
            },
            { lock: 'conformance.slots' },
          ),
        ),
      );
      expect(outcomes.filter(Boolean)).toHaveLength(slots);
      expect(await backend().experiments.list({ status: ['running'] })).toHaveLength(slots);
    });

    it('refuses an empty lock name with ValidationError', async () => {
      await expect(backend().transaction(async () => 1, { lock: '' })).rejects.toBeInstanceOf(
        ValidationError,
      );
    });

    it('keeps concurrent plain writes outside transactions', async () => {
      const exp = experiment();
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          backend().metrics.append([metric(exp.id, { step: i, value: i })]),
        ),
      );
      const [agg] = await backend().metrics.aggregate(exp.id);
      expect(agg?.count).toBe(20);
      expect(agg?.sum).toBe(190);
    });
  });
}
