import { BackpressureError, ClosedError, ValidationError } from '../errors.js';
import { type Logger, silentLogger } from '../logger.js';

/**
 * The timer functions a {@link WriteBehindBuffer} uses. Inject fake ones for deterministic tests;
 * the default calls `globalThis.setTimeout` / `clearTimeout` at the moment of use (so vitest's
 * fake timers apply too). A handle that has an `unref()` method is unref'd at once.
 *
 * @internal
 */
export interface BufferTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * Reports a failed write. `attempt` counts from 1 (the first, failed write of this batch);
 * `final` is `true` when the buffer gives the batch up (after `maxRetries` retries): the buffer
 * then no longer holds `batch` and the caller owns it.
 *
 * @internal
 */
export type WriteErrorHandler<T> = (
  error: unknown,
  batch: readonly T[],
  attempt: number,
  final: boolean,
) => void;

/**
 * Options of {@link WriteBehindBuffer}.
 *
 * @internal
 */
export interface WriteBehindOptions<T> {
  /** Names the buffer in `BackpressureError` and `ClosedError` (for example `'metrics'`). */
  name: string;
  /**
   * Commits one batch durably (one bulk insert); resolves when it is durable, rejects to have
   * the same batch retried. It must not keep or mutate `batch`. Never called concurrently.
   */
  write: (batch: readonly T[]) => Promise<void>;
  /** Reports every failed attempt, and the give-up (`final`). Exceptions it throws are logged. */
  onError: WriteErrorHandler<T>;
  /** Largest batch, and the pending count that starts a write at once. Default 1000. */
  maxBatch?: number;
  /** A write starts at the latest this long after the oldest pending item arrived. Default 200. */
  flushIntervalMs?: number;
  /** Most items held (queued plus being written); beyond it `add` throws. Default 100 000. */
  capacity?: number;
  /**
   * Retries of one batch after its first failed write before it is given up (reported with
   * `final: true`, released, and failing the `flush()` calls waiting for it). Default
   * `Infinity`: retry until it succeeds.
   */
  maxRetries?: number;
  /**
   * Wait before retry number `attempt` (1-based). A number is the first wait of an exponential
   * backoff (doubling, at most `maxRetryDelayMs`); a function returns the wait itself (add
   * jitter there). Default 100.
   */
  retryDelayMs?: number | ((attempt: number) => number);
  /**
   * Cap of the exponential backoff when `retryDelayMs` is a number, and the wait used when a
   * `retryDelayMs` function throws. Default 30 000.
   */
  maxRetryDelayMs?: number;
  /** Timer functions; default the global ones. */
  timers?: BufferTimers;
  /** Where an exception thrown by `onError` itself is reported. Default silent. */
  logger?: Logger;
}

/**
 * Counters of a {@link WriteBehindBuffer}.
 *
 * @internal
 */
export interface WriteBehindStats {
  /** Items accepted and not yet written or given up (queued plus in the batch being written). */
  readonly pending: number;
  /** Items written durably. */
  readonly written: number;
  /** Successful writes (batches committed). */
  readonly batches: number;
  /** Write attempts that failed (each retry counts). */
  readonly failedAttempts: number;
  /** Items in batches given up after `maxRetries` (handed to `onError` with `final: true`). */
  readonly givenUp: number;
}

interface FlushWaiter {
  /** Resolve once this many items (counted from the start) have left the buffer. */
  readonly until: number;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
  /** Set when a batch this waiter waits for is given up. */
  failed: boolean;
  error: unknown;
}

const defaultTimers: BufferTimers = {
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * A bounded write-behind buffer: `add` accepts items synchronously (no I/O, no promise) and the
 * buffer commits them in order through `write`, in batches of at most `maxBatch`, one write at a
 * time. A write starts when `maxBatch` items are queued, `flushIntervalMs` after the oldest
 * queued item arrived, or at once on `flush()` / `close()`, whichever comes first.
 *
 * - Bounded: when accepting would make more than `capacity` items pending (queued or being
 *   written or retried), `add` / `addMany` throw `BackpressureError` and accept nothing.
 * - Nothing is silently lost: a failed write is reported to `onError` and the same batch is
 *   retried after a backoff, ahead of everything accepted later. With a finite `maxRetries` a
 *   batch that still fails is given up: `onError` gets it with `final: true` (it is no longer
 *   held), and every `flush()` / `close()` waiting for it rejects with its last error once the
 *   items it waits for have all left the buffer. Later items go on being written.
 * - No timer exists while nothing is pending, and timers are `unref()`ed, so an idle buffer
 *   never keeps the process alive and needs no disposal. (The one exception: a retry backoff
 *   that a `flush()` / `close()` is waiting for keeps the process alive until the retry.)
 *
 * @example
 * ```ts
 * const metrics = new WriteBehindBuffer<MetricRecord>({
 *   name: 'metrics',
 *   write: (batch) => backend.metrics.append(batch),
 *   onError: (error, batch, attempt, final) => report(error, { size: batch.length, final }),
 * });
 * metrics.add(record); // returns at once
 * await metrics.flush(); // everything added so far is durable
 * await metrics.close();
 * ```
 *
 * @internal
 */
export class WriteBehindBuffer<T> {
  readonly #name: string;
  readonly #write: (batch: readonly T[]) => Promise<void>;
  readonly #onError: WriteErrorHandler<T>;
  readonly #maxBatch: number;
  readonly #flushIntervalMs: number;
  readonly #capacity: number;
  readonly #maxRetries: number;
  readonly #retryDelay: (attempt: number) => number;
  readonly #maxRetryDelayMs: number;
  readonly #timers: BufferTimers;
  readonly #logger: Logger;

  /** Queued items are `#items[#head..]`; `#head` moves forward as batches are taken. */
  #items: T[] = [];
  #head = 0;
  /** Items accepted, taken into batches, and settled (written or given up), since creation. */
  #accepted = 0;
  #taken = 0;
  #settled = 0;
  /** Flushers want a write for every item below this count. */
  #flushTarget = 0;
  /** The interval timer: armed exactly while items are queued and the interval has not run. */
  #timer: unknown;
  #timerArmed = false;
  /** The backoff timer while a failed batch waits for its retry. */
  #retryTimer: unknown;
  /** The interval of the oldest queued item has run out. */
  #due = false;
  /** The write loop is running (one write in flight or waiting to retry). */
  #active = false;
  #kickQueued = false;
  #closed = false;
  #closing: Promise<void> | undefined;
  readonly #waiters: FlushWaiter[] = [];

  #written = 0;
  #batches = 0;
  #failedAttempts = 0;
  #givenUp = 0;

  readonly #onTimer = (): void => {
    this.#timerArmed = false;
    this.#timer = undefined;
    this.#due = true;
    this.#pump();
  };

  readonly #kick = (): void => {
    this.#kickQueued = false;
    this.#pump();
  };

  /** @param options - what to write through, and the limits; see {@link WriteBehindOptions}. */
  constructor(options: WriteBehindOptions<T>) {
    this.#name = options.name;
    this.#write = options.write;
    this.#onError = options.onError;
    this.#maxBatch = positiveInteger('maxBatch', options.maxBatch ?? 1000);
    this.#flushIntervalMs = nonNegative('flushIntervalMs', options.flushIntervalMs ?? 200);
    this.#capacity = positiveInteger('capacity', options.capacity ?? 100_000);
    const maxRetries = options.maxRetries ?? Number.POSITIVE_INFINITY;
    if (maxRetries !== Number.POSITIVE_INFINITY) nonNegativeInteger('maxRetries', maxRetries);
    this.#maxRetries = maxRetries;
    const retryDelayMs = options.retryDelayMs ?? 100;
    const cap = nonNegative('maxRetryDelayMs', options.maxRetryDelayMs ?? 30_000);
    this.#maxRetryDelayMs = cap;
    if (typeof retryDelayMs === 'function') {
      this.#retryDelay = retryDelayMs;
    } else {
      const base = nonNegative('retryDelayMs', retryDelayMs);
      this.#retryDelay = (attempt) => Math.min(base * 2 ** (attempt - 1), cap);
    }
    this.#timers = options.timers ?? defaultTimers;
    this.#logger = options.logger ?? silentLogger;
  }

  /** Items accepted and not yet written (nor given up), including the batch being written. */
  get pending(): number {
    return this.#accepted - this.#settled;
  }

  /** A snapshot of the counters. */
  stats(): WriteBehindStats {
    return {
      pending: this.#accepted - this.#settled,
      written: this.#written,
      batches: this.#batches,
      failedAttempts: this.#failedAttempts,
      givenUp: this.#givenUp,
    };
  }

  /**
   * Accepts one item and returns at once: no I/O, no promise.
   *
   * @throws `BackpressureError` when `capacity` items are pending (nothing is accepted).
   * @throws `ClosedError` once `close()` has been called.
   *
   * @example
   * ```ts
   * buffer.add({ experimentId, key: 'pnl', value: 12.5, step: 3, at: new Date() });
   * ```
   */
  add(item: T): void {
    if (this.#closed) throw new ClosedError(`${this.#name} buffer`);
    if (this.#accepted - this.#settled >= this.#capacity) {
      throw new BackpressureError(this.#name, this.#capacity);
    }
    const queued = this.#items.push(item) - this.#head;
    this.#accepted++;
    if (queued === 1) this.#armTimer();
    if (queued >= this.#maxBatch) this.#kickSoon();
  }

  /**
   * Accepts all of `items` or none of them, and returns at once.
   *
   * @throws `BackpressureError` when accepting them all would exceed `capacity` pending items
   *   (nothing is accepted; a call with more than `capacity` items always throws).
   * @throws `ClosedError` once `close()` has been called.
   *
   * @example
   * ```ts
   * buffer.addMany(records); // all accepted, or BackpressureError and none
   * ```
   */
  addMany(items: readonly T[]): void {
    if (this.#closed) throw new ClosedError(`${this.#name} buffer`);
    const count = items.length;
    if (count === 0) return;
    if (this.#accepted - this.#settled + count > this.#capacity) {
      throw new BackpressureError(this.#name, this.#capacity);
    }
    const wasEmpty = this.#items.length === this.#head;
    const target = this.#items;
    for (let i = 0; i < count; i++) target.push(items[i] as T);
    this.#accepted += count;
    if (wasEmpty) this.#armTimer();
    if (target.length - this.#head >= this.#maxBatch) this.#kickSoon();
  }

  /**
   * Resolves once every item accepted before the call is written, starting a write at once. It
   * waits through retries; it rejects (with the last error) if a batch it waits for is given up
   * after `maxRetries`, once all the items it waits for have left the buffer. Resolves at once
   * when nothing is pending. Concurrent calls are fine.
   *
   * @example
   * ```ts
   * buffer.add(record);
   * await buffer.flush(); // record is durable
   * ```
   */
  flush(): Promise<void> {
    const until = this.#accepted;
    if (this.#settled >= until) return Promise.resolve();
    if (until > this.#flushTarget) this.#flushTarget = until;
    const done = new Promise<void>((resolve, reject) => {
      this.#waiters.push({ until, resolve, reject, failed: false, error: undefined });
    });
    if (this.#retryTimer !== undefined) callMethod(this.#retryTimer, 'ref');
    this.#pump();
    return done;
  }

  /**
   * Refuses further items (`add` throws `ClosedError` from this call on) and flushes what is
   * pending. Idempotent: every call returns the same promise, which rejects as `flush()` does.
   *
   * @example
   * ```ts
   * await buffer.close();
   * buffer.add(record); // throws ClosedError
   * ```
   */
  close(): Promise<void> {
    if (this.#closing === undefined) {
      this.#closed = true;
      this.#closing = this.flush();
    }
    return this.#closing;
  }

  #armTimer(): void {
    const timer = this.#timers.setTimeout(this.#onTimer, this.#flushIntervalMs);
    callMethod(timer, 'unref');
    this.#timer = timer;
    this.#timerArmed = true;
  }

  #clearTimer(): void {
    if (this.#timerArmed) {
      this.#timers.clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#timerArmed = false;
    }
    this.#due = false;
  }

  /** Starts the write loop in a microtask, so `add` never runs `write` synchronously. */
  #kickSoon(): void {
    if (this.#active || this.#kickQueued) return;
    this.#kickQueued = true;
    queueMicrotask(this.#kick);
  }

  #shouldWrite(): boolean {
    const queued = this.#items.length - this.#head;
    return queued > 0 && (this.#due || queued >= this.#maxBatch || this.#flushTarget > this.#taken);
  }

  #pump(): void {
    if (this.#active || !this.#shouldWrite()) return;
    this.#active = true;
    void this.#drain();
  }

  /** The write loop: one batch at a time, in order, while a trigger holds. Never rejects. */
  async #drain(): Promise<void> {
    try {
      while (this.#shouldWrite()) await this.#commit(this.#take());
    } finally {
      this.#active = false;
    }
  }

  /** Takes the next batch off the queue (the queue array itself when it all fits). */
  #take(): T[] {
    const head = this.#head;
    const queued = this.#items.length - head;
    let batch: T[];
    if (queued <= this.#maxBatch) {
      batch = head === 0 ? this.#items : this.#items.slice(head);
      this.#items = [];
      this.#head = 0;
      this.#clearTimer();
    } else {
      // The rest keep the oldest item's deadline (an early write, never a late one).
      const end = head + this.#maxBatch;
      batch = this.#items.slice(head, end);
      this.#head = end;
      if (end * 2 >= this.#items.length) {
        // Compact once the dead prefix is the larger half: amortised O(1) per item.
        this.#items = this.#items.slice(end);
        this.#head = 0;
      }
    }
    this.#taken += batch.length;
    return batch;
  }

  /** Writes one batch, retrying until it is written or given up. Never rejects. */
  async #commit(batch: T[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#write(batch);
      } catch (error) {
        this.#failedAttempts++;
        const final = attempt > this.#maxRetries;
        this.#report(error, batch, attempt, final);
        if (final) {
          this.#givenUp += batch.length;
          for (const waiter of this.#waiters) {
            if (!waiter.failed) {
              waiter.failed = true;
              waiter.error = error;
            }
          }
          this.#settle(batch.length);
          return;
        }
        await this.#sleep(attempt);
        continue;
      }
      this.#written += batch.length;
      this.#batches++;
      this.#settle(batch.length);
      return;
    }
  }

  #settle(count: number): void {
    this.#settled += count;
    const waiters = this.#waiters;
    while (waiters.length > 0 && (waiters[0] as FlushWaiter).until <= this.#settled) {
      const waiter = waiters.shift() as FlushWaiter;
      if (waiter.failed) waiter.reject(waiter.error);
      else waiter.resolve();
    }
  }

  #report(error: unknown, batch: readonly T[], attempt: number, final: boolean): void {
    try {
      this.#onError(error, batch, attempt, final);
    } catch (thrown) {
      this.#logger.error('quantlab write-behind onError threw', {
        buffer: this.#name,
        error: thrown,
      });
    }
  }

  /**
   * Waits before a retry. The timer is unref'd unless a `flush()` / `close()` is waiting (then
   * it holds the process open until the retry, as the in-flight write did).
   */
  #sleep(attempt: number): Promise<void> {
    let ms: number;
    try {
      ms = this.#retryDelay(attempt);
    } catch {
      ms = this.#maxRetryDelayMs;
    }
    if (!(ms >= 0)) ms = 0;
    return new Promise<void>((resolve) => {
      const timer = this.#timers.setTimeout(() => {
        this.#retryTimer = undefined;
        resolve();
      }, ms);
      this.#retryTimer = timer;
      if (this.#waiters.length === 0) callMethod(timer, 'unref');
    });
  }
}

/** Calls `ref()` / `unref()` on a timer handle that has it (Node's do; a browser's number not). */
function callMethod(handle: unknown, method: 'ref' | 'unref'): void {
  if (typeof handle === 'object' && handle !== null && method in handle) {
    const fn: unknown = (handle as Record<string, unknown>)[method];
    if (typeof fn === 'function') fn.call(handle);
  }
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new ValidationError(`options.${name}`, 'must be a positive integer', {
      received: value,
    });
  }
  return value;
}

function nonNegativeInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new ValidationError(`options.${name}`, 'must be a non-negative integer or Infinity', {
      received: value,
    });
  }
  return value;
}

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new ValidationError(`options.${name}`, 'must be a finite number >= 0', {
      received: value,
    });
  }
  return value;
}
