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
  readonly #overlay: Map<string, V> | undefined;

  constructor(table: KeyedTable<V>, transactional: boolean) {
    this.#table = table;
    this.#overlay = transactional ? new Map() : undefined;
  }

  get(key: string): V | undefined {
    return this.#overlay?.get(key) ?? this.#table.rows.get(key);
  }

  has(key: string): boolean {
    return this.#overlay?.has(key) === true || this.#table.rows.has(key);
  }

  set(key: string, value: V): void {
    (this.#overlay ?? this.#table.rows).set(key, value);
  }

  *values(): IterableIterator<V> {
    const overlay = this.#overlay;
    for (const [key, value] of this.#table.rows) if (!overlay?.has(key)) yield value;
    if (overlay) yield* overlay.values();
  }

  commit(): void {
    if (!this.#overlay) return;
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
