import { afterEach, beforeEach } from 'vitest';
import type { StorageBackend } from '../storage/backend.js';

/** How the conformance suite gets a backend. */
export interface ConformanceTarget {
  /** Name shown in the test output, e.g. `sqlite`. */
  name: string;
  /**
   * Returns a new backend over empty storage (a fresh file, schema or instance). The suite
   * migrates it, uses it for one test and closes it.
   */
  create: () => StorageBackend | Promise<StorageBackend>;
  /** Removes what `create` made (a temp file, a schema), after the backend is closed. */
  destroy?: (backend: StorageBackend) => void | Promise<void>;
}

/** Gives each test a fresh, migrated backend and closes it afterwards. @internal */
export function freshBackend(target: ConformanceTarget): () => StorageBackend {
  let current: StorageBackend | undefined;
  beforeEach(async () => {
    current = await target.create();
    await current.migrate();
  });
  afterEach(async () => {
    const backend = current;
    current = undefined;
    if (!backend) return;
    await backend.close();
    await target.destroy?.(backend);
  });
  return () => {
    if (!current) throw new Error('the conformance backend is only available inside a test');
    return current;
  };
}
