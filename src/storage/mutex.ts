/**
 * A fair (first come, first served) async mutex. The memory backend runs its writers and
 * transactions one at a time with it, as SQLite's single write lock does; the DuckDB driver lends
 * its one pinned connection to one Kysely caller at a time.
 *
 * @internal
 */
export class Mutex {
  #locked = false;
  readonly #waiters: (() => void)[] = [];

  /** Resolves once the caller holds the lock. */
  async lock(): Promise<void> {
    if (!this.#locked) {
      this.#locked = true;
      return;
    }
    await new Promise<void>((resolve) => {
      this.#waiters.push(resolve);
    });
  }

  /** Releases the lock, handing it straight to the longest waiter if there is one. */
  unlock(): void {
    const next = this.#waiters.shift();
    if (next === undefined) this.#locked = false;
    else next();
  }

  /** Runs `fn` while holding the lock. */
  async run<T>(fn: () => Promise<T> | T): Promise<T> {
    await this.lock();
    try {
      return await fn();
    } finally {
      this.unlock();
    }
  }
}
