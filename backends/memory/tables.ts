/**
 * The memory backend's tables and their transaction views. A view reads through an overlay of
 * uncommitted changes to the committed rows and, on commit, applies the overlay in one
 * synchronous step, so nobody ever sees half a transaction and a failed one leaves nothing.
 *
 * @internal
 */
export class KeyedTable<V> {
  readonly rows = new Map<string, V>();
}

export class KeyedView<V> {
  readonly #table: KeyedTable<V>;
  /** Rows the transaction wrote, and keys it deleted (absent from `#overlay`). */
  readonly #overlay: Map<string, V> | undefined;
  readonly #deleted: Set<string> | undefined;

  constructor(table: KeyedTable<V>, transactional: boolean) {
    this.#table = table;
    this.#overlay = transactional ? new Map() : undefined;
    this.#deleted = transactional ? new Set() : undefined;
  }

  get(key: string): V | undefined {
    const written = this.#overlay?.get(key);
    if (written !== undefined || this.#deleted?.has(key)) return written;
    return this.#table.rows.get(key);
  }

  has(key: string): boolean {
    if (this.#overlay?.has(key)) return true;
    return this.#deleted?.has(key) !== true && this.#table.rows.has(key);
  }

  set(key: string, value: V): void {
    this.#deleted?.delete(key);
    (this.#overlay ?? this.#table.rows).set(key, value);
  }

  /** Removes the row; returns whether it was there. */
  delete(key: string): boolean {
    const existed = this.has(key);
    if (this.#overlay && this.#deleted) {
      this.#overlay.delete(key);
      if (this.#table.rows.has(key)) this.#deleted.add(key);
    } else {
      this.#table.rows.delete(key);
    }
    return existed;
  }

  *values(): IterableIterator<V> {
    const overlay = this.#overlay;
    const deleted = this.#deleted;
    for (const [key, value] of this.#table.rows) {
      if (!overlay?.has(key) && !deleted?.has(key)) yield value;
    }
    if (overlay) yield* overlay.values();
  }

  commit(): void {
    if (!this.#overlay || !this.#deleted) return;
    for (const key of this.#deleted) this.#table.rows.delete(key);
    for (const [key, value] of this.#overlay) this.#table.rows.set(key, value);
  }
}

export class AppendTable<V> {
  readonly rows: V[] = [];
}

export class AppendView<V> {
  readonly #table: AppendTable<V>;
  readonly #pending: V[] | undefined;

  constructor(table: AppendTable<V>, transactional: boolean) {
    this.#table = table;
    this.#pending = transactional ? [] : undefined;
  }

  push(values: readonly V[]): void {
    const target = this.#pending ?? this.#table.rows;
    for (const value of values) target.push(value);
  }

  *values(): IterableIterator<V> {
    yield* this.#table.rows;
    if (this.#pending) yield* this.#pending;
  }

  commit(): void {
    if (this.#pending) for (const value of this.#pending) this.#table.rows.push(value);
  }
}
