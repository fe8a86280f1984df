import type { StorageBackend } from '../../src/storage/backend.js';
import { checkLockName, OperationGuard } from '../../src/storage/guard.js';
import { Mutex } from '../../src/storage/mutex.js';
import { MemoryData, MemoryView, memoryOperations } from './stores.js';

/**
 * The in-memory backend: plain TypeScript (Maps and arrays), no native dependency and no files,
 * with the same behaviour as the SQL backends, so unit tests exercise production logic.
 * Transactions are serialised and snapshot-isolated: others never see a transaction's writes
 * before it commits, and a transaction that throws leaves nothing behind.
 *
 * @example
 * ```ts
 * import { createLab } from 'quantlab';
 * import { memory } from 'quantlab/memory';
 *
 * const lab = await createLab(memory(), { clock: () => new Date('2026-01-01T00:00:00Z') });
 * ```
 */
export function memory(): StorageBackend {
  const data = new MemoryData();
  const guard = new OperationGuard('memory');
  const writeLock = new Mutex();
  const committed = new MemoryView(data, false);
  return {
    info: { kind: 'memory', description: 'in-process memory' },
    capabilities: { multiProcess: false, persistent: false, bulkInsert: 'memory' },
    ...memoryOperations(committed, guard, (fn) => writeLock.run(fn)),
    migrate: () => guard.run('migrate', async () => ({ applied: [], version: 'memory' })),
    // Transactions already run one at a time behind the write lock, so a named lock adds nothing.
    transaction: async (fn, options) => {
      checkLockName(options);
      return guard.transaction((body) =>
        writeLock.run(async () => {
          const view = new MemoryView(data, true);
          // Inside the lock already: the transaction's own writes must not queue behind it.
          const result = await body(() =>
            fn(memoryOperations(view, guard, async (write) => write())),
          );
          guard.assertOpen();
          view.commit();
          return result;
        }),
      );
    },
    async close() {
      guard.close();
    },
  };
}
