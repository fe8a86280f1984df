import { describe, expect, it } from 'vitest';
import { ClosedError } from '../../errors.js';
import type { StorageBackend } from '../../storage/backend.js';
import { artifact, experiment, log, metric } from '../fixtures.js';
import type { ConformanceTarget } from '../harness.js';

/** Migrations, closing, and use after close. @internal */
export function lifecycleCases(target: ConformanceTarget, backend: () => StorageBackend): void {
  describe('lifecycle', () => {
    it('describes itself', () => {
      expect(backend().info.kind).toMatch(/\S/);
      expect(typeof backend().info.description).toBe('string');
      expect(['memory', 'multi-row', 'prepared', 'copy', 'appender']).toContain(
        backend().capabilities.bulkInsert,
      );
    });

    it('migrates idempotently', async () => {
      const again = await backend().migrate();
      expect(again.applied).toEqual([]);
      expect(again.version).toMatch(/\S/);
      expect((await backend().migrate()).version).toBe(again.version);
    });

    it('closes twice without error', async () => {
      const own = await target.create();
      await own.migrate();
      await own.close();
      await expect(own.close()).resolves.toBeUndefined();
      await target.destroy?.(own);
    });

    it('throws ClosedError from every operation after close', async () => {
      const own = await target.create();
      await own.migrate();
      await own.close();
      const exp = experiment();
      const calls: Array<[string, () => Promise<unknown>]> = [
        ['migrate', () => own.migrate()],
        ['transaction', () => own.transaction(async () => 1)],
        ['experiments.insert', () => own.experiments.insert(exp)],
        ['experiments.get', () => own.experiments.get(exp.id)],
        ['experiments.update', () => own.experiments.update(exp.id, { status: 'queued' })],
        ['experiments.list', () => own.experiments.list()],
        ['experiments.runningTotals', () => own.experiments.runningTotals()],
        ['experiments.linkArtifacts', () => own.experiments.linkArtifacts(exp.id, [])],
        ['experiments.artifactLinks', () => own.experiments.artifactLinks(exp.id)],
        ['experiments.listByArtifacts', () => own.experiments.listByArtifacts(['x'])],
        ['metrics.append', () => own.metrics.append([metric(exp.id)])],
        ['metrics.list', () => own.metrics.list(exp.id)],
        ['metrics.aggregate', () => own.metrics.aggregate(exp.id)],
        ['logs.append', () => own.logs.append([log(exp.id)])],
        ['logs.list', () => own.logs.list(exp.id)],
        ['artifacts.put', () => own.artifacts.put(artifact(new Uint8Array([1])))],
        ['artifacts.get', () => own.artifacts.get('x')],
        ['artifacts.head', () => own.artifacts.head('x')],
      ];
      for (const [name, call] of calls) {
        const error = await call().then(
          () => new Error(`${name} did not throw`),
          (e: unknown) => e,
        );
        expect(error, name).toBeInstanceOf(ClosedError);
      }
      await target.destroy?.(own);
    });
  });
}
