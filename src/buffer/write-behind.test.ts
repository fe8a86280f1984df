import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BackpressureError, ClosedError, ValidationError } from '../errors.js';
import type { Logger } from '../logger.js';
import { type BufferTimers, WriteBehindBuffer, type WriteBehindOptions } from './index.js';

/** Lets every queued promise reaction run (a real macrotask turn; no time passes). */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

interface FakeHandle {
  readonly id: number;
  readonly ms: number;
  unrefCalls: number;
  refCalls: number;
  unref(): FakeHandle;
  ref(): FakeHandle;
}

interface Scheduled {
  readonly at: number;
  readonly callback: () => void;
  readonly handle: FakeHandle;
}

/** Deterministic timers: nothing runs until the test advances the fake time. */
class FakeTimers implements BufferTimers {
  now = 0;
  readonly created: FakeHandle[] = [];
  readonly #scheduled = new Map<number, Scheduled>();
  #nextId = 1;

  setTimeout = (callback: () => void, ms: number): FakeHandle => {
    const handle: FakeHandle = {
      id: this.#nextId++,
      ms,
      unrefCalls: 0,
      refCalls: 0,
      unref() {
        this.unrefCalls++;
        return this;
      },
      ref() {
        this.refCalls++;
        return this;
      },
    };
    this.created.push(handle);
    this.#scheduled.set(handle.id, { at: this.now + ms, callback, handle });
    return handle;
  };

  clearTimeout = (handle: unknown): void => {
    if (typeof handle === 'object' && handle !== null && 'id' in handle) {
      this.#scheduled.delete(handle.id as number);
    }
  };

  /** Timers scheduled and not yet run or cleared. */
  get count(): number {
    return this.#scheduled.size;
  }

  get handles(): FakeHandle[] {
    return [...this.#scheduled.values()].map((s) => s.handle);
  }

  /** Moves time forward by `ms`, running due timers in order and settling promises after each. */
  async advance(ms: number): Promise<void> {
    const end = this.now + ms;
    await settle();
    for (let next = this.#next(end); next !== undefined; next = this.#next(end)) {
      this.#scheduled.delete(next.handle.id);
      this.now = next.at;
      next.callback();
      await settle();
    }
    this.now = end;
    await settle();
  }

  /** Runs timers (jumping time) until `done()` holds; fails after `limit` timers. */
  async runUntil(done: () => boolean, limit = 100_000): Promise<void> {
    await settle();
    for (let i = 0; !done(); i++) {
      const next = this.#next(Number.POSITIVE_INFINITY);
      if (next === undefined || i >= limit) throw new Error('runUntil: stuck');
      await this.advance(next.at - this.now);
    }
  }

  #next(end: number): Scheduled | undefined {
    let best: Scheduled | undefined;
    for (const s of this.#scheduled.values()) {
      if (s.at <= end && (best === undefined || s.at < best.at)) best = s;
    }
    return best;
  }
}

interface Call<T> {
  readonly batch: readonly T[];
  resolve(): void;
  reject(error: unknown): void;
}

/** A `write` the test completes by hand; it records every call and the concurrency. */
function manualWriter<T>() {
  const calls: Call<T>[] = [];
  const written: T[] = [];
  const state = { inFlight: 0, maxInFlight: 0 };
  const write = (batch: readonly T[]): Promise<void> => {
    state.inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
    const copy = [...batch];
    return new Promise<void>((resolve, reject) => {
      calls.push({
        batch: copy,
        resolve: () => {
          state.inFlight--;
          written.push(...copy);
          resolve();
        },
        reject: (error) => {
          state.inFlight--;
          reject(error);
        },
      });
    });
  };
  return { write, calls, written, state };
}

/** A `write` that succeeds after a microtask, failing the attempts whose number is listed. */
function autoWriter<T>(failAttempts: readonly number[] = []) {
  const batches: T[][] = [];
  const written: T[] = [];
  let attempts = 0;
  const write = async (batch: readonly T[]): Promise<void> => {
    attempts++;
    await Promise.resolve();
    if (failAttempts.includes(attempts)) throw new Error(`write ${attempts} failed`);
    batches.push([...batch]);
    written.push(...batch);
  };
  return { write, batches, written };
}

interface Report {
  readonly error: unknown;
  readonly batch: readonly unknown[];
  readonly attempt: number;
  readonly final: boolean;
}

function makeBuffer<T>(
  timers: FakeTimers,
  write: (batch: readonly T[]) => Promise<void>,
  options: Partial<WriteBehindOptions<T>> = {},
) {
  const reports: Report[] = [];
  const buffer = new WriteBehindBuffer<T>({
    name: 'test',
    write,
    onError: (error, batch, attempt, final) => {
      reports.push({ error, batch: [...batch], attempt, final });
    },
    timers,
    ...options,
  });
  return { buffer, reports };
}

/** Tracks a promise's outcome without awaiting it. */
function track(promise: Promise<void>) {
  const state: { status: 'pending' | 'resolved' | 'rejected'; error: unknown } = {
    status: 'pending',
    error: undefined,
  };
  promise.then(
    () => {
      state.status = 'resolved';
    },
    (error: unknown) => {
      state.status = 'rejected';
      state.error = error;
    },
  );
  return state;
}

const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from }, (_, i) => from + i);

describe('WriteBehindBuffer batching', () => {
  it('writes a batch as soon as maxBatch items are pending, never inside add()', async () => {
    const timers = new FakeTimers();
    const w = manualWriter<number>();
    const { buffer } = makeBuffer(timers, w.write, { maxBatch: 3, flushIntervalMs: 1000 });
    buffer.add(0);
    buffer.add(1);
    buffer.add(2);
    expect(w.calls).toHaveLength(0); // add() returned without calling write
    await settle();
    expect(w.calls.map((c) => c.batch)).toEqual([[0, 1, 2]]);
    expect(timers.now).toBe(0);
    buffer.add(3);
    buffer.add(4);
    w.calls[0]?.resolve();
    await settle();
    expect(w.calls).toHaveLength(1); // 2 < maxBatch: waits for the timer
    expect(buffer.pending).toBe(2);
  });

  it('writes what is pending flushIntervalMs after the first pending item arrived', async () => {
    const timers = new FakeTimers();
    const w = autoWriter<string>();
    const { buffer } = makeBuffer(timers, w.write, { maxBatch: 10, flushIntervalMs: 200 });
    buffer.add('a');
    await timers.advance(150);
    buffer.add('b');
    await timers.advance(49);
    expect(w.batches).toEqual([]);
    await timers.advance(1);
    expect(w.batches).toEqual([['a', 'b']]);
    expect(timers.now).toBe(200);
    expect(buffer.pending).toBe(0);
  });

  it('keeps the order of acceptance across many batches of at most maxBatch', async () => {
    const timers = new FakeTimers();
    const w = autoWriter<number>();
    const { buffer } = makeBuffer(timers, w.write, { maxBatch: 100, flushIntervalMs: 50 });
    let next = 0;
    for (let round = 0; round < 40; round++) {
      const count = (round * 37) % 150;
      for (let i = 0; i < count; i++) buffer.add(next++);
      buffer.addMany(range(next, next + (round % 5)));
      next += round % 5;
      await timers.advance((round * 13) % 70);
    }
    await buffer.flush();
    expect(w.written).toEqual(range(0, next));
    expect(w.batches.every((b) => b.length > 0 && b.length <= 100)).toBe(true);
    expect(buffer.stats()).toMatchObject({ written: next, batches: w.batches.length });
  });

  it('has at most one write in flight; the next batch waits for it', async () => {
    const timers = new FakeTimers();
    const w = manualWriter<number>();
    const { buffer } = makeBuffer(timers, w.write, { maxBatch: 2 });
    buffer.addMany(range(0, 7));
    const flushed = track(buffer.flush());
    await timers.advance(1000);
    expect(w.calls).toHaveLength(1);
    for (let i = 0; i < 4; i++) {
      w.calls[i]?.resolve();
      await settle();
    }
    await settle();
    expect(w.calls.map((c) => c.batch)).toEqual([[0, 1], [2, 3], [4, 5], [6]]);
    expect(w.state.maxInFlight).toBe(1);
    expect(flushed.status).toBe('resolved');
  });
});

describe('WriteBehindBuffer flush and close', () => {
  it('flush starts a write at once and resolves only after the write resolved', async () => {
    const timers = new FakeTimers();
    const w = manualWriter<number>();
    const { buffer } = makeBuffer(timers, w.write, { flushIntervalMs: 10_000 });
    buffer.add(1);
    const flushed = track(buffer.flush());
    expect(w.calls.map((c) => c.batch)).toEqual([[1]]); // no timer needed
    await settle();
    expect(flushed.status).toBe('pending');
    buffer.add(2); // accepted after the flush call: not waited for
    w.calls[0]?.resolve();
    await settle();
    expect(flushed.status).toBe('resolved');
    expect(buffer.pending).toBe(1);
  });

  it('concurrent flushes each resolve once their own items are written', async () => {
    const timers = new FakeTimers();
    const w = manualWriter<number>();
    const { buffer } = makeBuffer(timers, w.write);
    buffer.add(1);
    const first = track(buffer.flush());
    const again = track(buffer.flush());
    buffer.add(2);
    const second = track(buffer.flush());
    w.calls[0]?.resolve();
    await settle();
    expect([first.status, again.status, second.status]).toEqual([
      'resolved',
      'resolved',
      'pending',
    ]);
    w.calls[1]?.resolve();
    await settle();
    expect(second.status).toBe('resolved');
    expect(w.calls.map((c) => c.batch)).toEqual([[1], [2]]);
  });

  it('flush with nothing pending resolves at once without writing', async () => {
    const timers = new FakeTimers();
    const w = manualWriter<number>();
    const { buffer } = makeBuffer(timers, w.write);
    const flushed = track(buffer.flush());
    await Promise.resolve();
    await Promise.resolve();
    expect(flushed.status).toBe('resolved');
    expect(w.calls).toHaveLength(0);
    expect(timers.count).toBe(0);
  });

  it('close flushes, then add and addMany throw ClosedError', async () => {
    const timers = new FakeTimers();
    const w = autoWriter<number>();
    const { buffer } = makeBuffer(timers, w.write);
    buffer.addMany([1, 2, 3]);
    const closing = buffer.close();
    expect(() => buffer.add(4)).toThrow(ClosedError); // refused from the close() call on
    await closing;
    expect(w.written).toEqual([1, 2, 3]);
    expect(() => buffer.add(5)).toThrow(ClosedError);
    expect(() => buffer.addMany([5])).toThrow(ClosedError);
    expect(() => buffer.add(5)).toThrow('test buffer is closed');
    await expect(buffer.flush()).resolves.toBeUndefined();
    expect(timers.count).toBe(0);
  });

  it('close is idempotent: a second call returns the same promise and writes nothing', async () => {
    const timers = new FakeTimers();
    const w = autoWriter<number>();
    const { buffer } = makeBuffer(timers, w.write);
    buffer.add(1);
    const first = buffer.close();
    const second = buffer.close();
    expect(second).toBe(first);
    await first;
    await buffer.close();
    expect(w.batches).toEqual([[1]]);
  });
});

describe('WriteBehindBuffer failures', () => {
  it('retries a failed batch with backoff, reports each failure, writes items once', async () => {
    const timers = new FakeTimers();
    const w = autoWriter<number>([1, 2]);
    const { buffer, reports } = makeBuffer(timers, w.write, { retryDelayMs: 100 });
    buffer.addMany([1, 2, 3]);
    const flushed = track(buffer.flush());
    await settle();
    expect(reports.map((r) => [r.attempt, r.final, r.batch])).toEqual([[1, false, [1, 2, 3]]]);
    expect(timers.handles.map((h) => h.ms)).toEqual([100]);
    buffer.add(4); // queued behind the failing batch
    await timers.advance(100);
    expect(reports.map((r) => r.attempt)).toEqual([1, 2]);
    expect(timers.handles.map((h) => h.ms)).toContain(200); // exponential backoff
    expect(flushed.status).toBe('pending');
    await timers.advance(200);
    expect(flushed.status).toBe('resolved');
    expect(w.batches[0]).toEqual([1, 2, 3]); // the same batch, not merged with 4
    await buffer.flush();
    expect(w.written).toEqual([1, 2, 3, 4]);
    expect(reports.every((r) => r.error instanceof Error)).toBe(true);
    expect(buffer.stats()).toEqual({
      pending: 0,
      written: 4,
      batches: 2,
      failedAttempts: 2,
      givenUp: 0,
    });
  });

  it('gives up after maxRetries: onError final, flush rejects, later items go on', async () => {
    const timers = new FakeTimers();
    const w = autoWriter<number>([1, 2, 3]);
    const { buffer, reports } = makeBuffer(timers, w.write, { maxRetries: 2, retryDelayMs: 10 });
    buffer.addMany([1, 2]);
    const flushed = track(buffer.flush());
    await timers.runUntil(() => flushed.status !== 'pending');
    expect(flushed.status).toBe('rejected');
    expect((flushed.error as Error).message).toBe('write 3 failed'); // the last error
    expect(reports.map((r) => [r.attempt, r.final])).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ]);
    expect(reports[2]?.batch).toEqual([1, 2]);
    expect(buffer.stats()).toMatchObject({ pending: 0, givenUp: 2, failedAttempts: 3 });
    buffer.add(3);
    await expect(buffer.flush()).resolves.toBeUndefined();
    await expect(buffer.close()).resolves.toBeUndefined();
    expect(w.written).toEqual([3]);
  });

  it('a flush waiting for a given-up batch rejects only after its other items left', async () => {
    const timers = new FakeTimers();
    const w = manualWriter<number>();
    const { buffer } = makeBuffer(timers, w.write, { maxRetries: 0, maxBatch: 1 });
    buffer.addMany([1, 2]);
    const closed = track(buffer.close());
    w.calls[0]?.reject(new Error('down'));
    await settle();
    expect(closed.status).toBe('pending'); // item 2 is still being written
    w.calls[1]?.resolve();
    await settle();
    expect(closed.status).toBe('rejected');
    expect(w.written).toEqual([2]);
    await expect(buffer.close()).rejects.toThrow('down');
  });

  it('an onError that throws is logged and does not stop the retries', async () => {
    const timers = new FakeTimers();
    const w = autoWriter<number>([1]);
    const logged: string[] = [];
    const logger: Logger = {
      debug() {},
      info() {},
      warn() {},
      error: (message) => logged.push(message),
    };
    const buffer = new WriteBehindBuffer<number>({
      name: 'test',
      write: w.write,
      onError: () => {
        throw new Error('listener broke');
      },
      timers,
      logger,
      retryDelayMs: 5,
    });
    buffer.add(1);
    const flushed = track(buffer.flush());
    await timers.runUntil(() => flushed.status !== 'pending');
    expect(flushed.status).toBe('resolved');
    expect(w.written).toEqual([1]);
    expect(logged).toHaveLength(1);
  });
});

describe('WriteBehindBuffer backpressure', () => {
  it('throws BackpressureError at capacity, accepts nothing, accepts after flush', async () => {
    const timers = new FakeTimers();
    const w = manualWriter<number>();
    const { buffer } = makeBuffer(timers, w.write, { capacity: 5, maxBatch: 2 });
    buffer.addMany(range(0, 5));
    await settle();
    expect(w.calls).toHaveLength(1); // items being written still count against capacity
    const error = (() => {
      try {
        buffer.add(5);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(BackpressureError);
    expect(error).toMatchObject({ code: 'BACKPRESSURE', buffer: 'test', capacity: 5 });
    expect(buffer.pending).toBe(5);
    const flushed = buffer.flush();
    for (let i = 0; i < 3; i++) {
      w.calls[i]?.resolve();
      await settle();
    }
    await flushed;
    buffer.add(5);
    expect(buffer.pending).toBe(1);
    expect(w.written).toEqual(range(0, 5));
  });

  it('addMany is all-or-nothing', async () => {
    const timers = new FakeTimers();
    const w = autoWriter<number>();
    const { buffer } = makeBuffer(timers, w.write, { capacity: 5 });
    buffer.addMany([1, 2, 3]);
    expect(() => buffer.addMany([4, 5, 6])).toThrow(BackpressureError);
    expect(buffer.pending).toBe(3);
    buffer.addMany([]);
    buffer.addMany([4, 5]);
    expect(() => buffer.add(6)).toThrow(BackpressureError);
    await buffer.flush();
    expect(w.written).toEqual([1, 2, 3, 4, 5]);
    expect(() => buffer.addMany(range(0, 6))).toThrow(BackpressureError); // > capacity
    expect(buffer.pending).toBe(0);
  });
});

describe('WriteBehindBuffer timers', () => {
  it('schedules no timer while empty, one while items wait, none once written', async () => {
    const timers = new FakeTimers();
    const w = autoWriter<number>();
    const { buffer } = makeBuffer(timers, w.write, { maxBatch: 3, flushIntervalMs: 100 });
    expect(timers.count).toBe(0);
    buffer.add(1);
    buffer.add(2);
    expect(timers.count).toBe(1);
    buffer.add(3); // size trigger: the write takes everything and clears the timer
    await settle();
    expect(timers.count).toBe(0);
    buffer.add(4);
    expect(timers.count).toBe(1);
    await buffer.flush();
    expect(timers.count).toBe(0);
    buffer.add(5);
    await timers.advance(100);
    expect(timers.count).toBe(0);
    expect(timers.created).toHaveLength(3);
    expect(w.written).toEqual([1, 2, 3, 4, 5]);
  });

  it('unref()s its timers, but refs a retry timer that a flush waits for', async () => {
    const timers = new FakeTimers();
    const w = autoWriter<number>([1, 2]);
    const { buffer } = makeBuffer(timers, w.write, { retryDelayMs: 10 });
    buffer.add(1);
    const [interval] = timers.handles;
    expect(interval?.unrefCalls).toBe(1);
    await timers.advance(200); // the interval write fails: a retry timer, nobody waiting
    const [retry] = timers.handles;
    expect(retry).not.toBe(interval);
    expect(retry?.unrefCalls).toBe(1);
    expect(retry?.refCalls).toBe(0);
    const flushed = buffer.flush();
    expect(retry?.refCalls).toBe(1); // `await flush()` must not let the process exit
    await timers.advance(10); // second attempt fails while the flush waits
    const [second] = timers.handles;
    expect(second?.unrefCalls).toBe(0);
    await timers.advance(20);
    await flushed;
    expect(w.written).toEqual([1]);
  });

  it('accepts handles without unref; default timers work with vi fake timers', async () => {
    const plain = new WriteBehindBuffer<number>({
      name: 'plain',
      write: async () => {},
      onError: () => {},
      timers: { setTimeout: () => 7, clearTimeout: () => {} },
    });
    plain.add(1);
    await plain.close();

    vi.useFakeTimers();
    const written: number[] = [];
    const buffer = new WriteBehindBuffer<number>({
      name: 'default-timers',
      write: async (batch) => {
        written.push(...batch);
      },
      onError: () => {},
      flushIntervalMs: 50,
    });
    buffer.add(1);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(49);
    expect(written).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(written).toEqual([1]);
    expect(vi.getTimerCount()).toBe(0);
  });

  afterEach(() => {
    vi.useRealTimers();
  });
});

describe('WriteBehindBuffer options', () => {
  it('rejects bad limits with a ValidationError naming the option', () => {
    const base = { name: 'x', write: async () => {}, onError: () => {} };
    for (const [field, value] of [
      ['maxBatch', 0],
      ['maxBatch', 1.5],
      ['capacity', -1],
      ['flushIntervalMs', Number.NaN],
      ['maxRetries', -1],
      ['retryDelayMs', -5],
      ['maxRetryDelayMs', Number.POSITIVE_INFINITY],
    ] as const) {
      expect(() => new WriteBehindBuffer<number>({ ...base, [field]: value })).toThrow(
        expect.objectContaining({ field: `options.${field}` }),
      );
      expect(() => new WriteBehindBuffer<number>({ ...base, [field]: value })).toThrow(
        ValidationError,
      );
    }
    expect(
      () => new WriteBehindBuffer<number>({ ...base, maxRetries: Number.POSITIVE_INFINITY }),
    ).not.toThrow();
  });
});

describe('WriteBehindBuffer property', () => {
  type Op =
    | { readonly kind: 'add'; readonly count: number }
    | { readonly kind: 'flush' }
    | { readonly kind: 'tick'; readonly ms: number };

  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ kind: fc.constant('add' as const), count: fc.integer({ min: 1, max: 8 }) }),
    fc.record({ kind: fc.constant('flush' as const) }),
    fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 300 }) }),
  );

  it('any interleaving of adds, flushes and time writes each item once, in order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { maxLength: 50 }),
        fc.array(fc.boolean(), { maxLength: 12 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 0, max: 40 }),
        async (ops, failures, maxBatch, capacity, writeMs) => {
          const timers = new FakeTimers();
          const pattern = [...failures, false]; // cyclic; every cycle lets a write through
          const written: number[] = [];
          const state = { attempts: 0, inFlight: 0, maxInFlight: 0 };
          const write = async (batch: readonly number[]): Promise<void> => {
            state.inFlight++;
            state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
            try {
              const fail = pattern[state.attempts++ % pattern.length];
              if (writeMs > 0) await new Promise((r) => timers.setTimeout(() => r(null), writeMs));
              if (fail) throw new Error('flaky');
              written.push(...batch);
            } finally {
              state.inFlight--;
            }
          };
          const { buffer, reports } = makeBuffer(timers, write, {
            maxBatch,
            capacity,
            flushIntervalMs: 100,
            retryDelayMs: 7,
          });
          const accepted: number[] = [];
          const flushes: { until: number; ok: boolean | undefined }[] = [];
          let next = 0;
          for (const o of ops) {
            if (o.kind === 'add') {
              const items = range(next, next + o.count);
              next += o.count;
              const before = buffer.pending;
              try {
                if (o.count === 1) buffer.add(items[0] as number);
                else buffer.addMany(items);
                accepted.push(...items);
              } catch (error) {
                if (!(error instanceof BackpressureError)) throw error;
                if (buffer.pending !== before) return false; // accepted part of it
              }
            } else if (o.kind === 'flush') {
              const entry: { until: number; ok: boolean | undefined } = {
                until: accepted.length,
                ok: undefined,
              };
              flushes.push(entry);
              buffer.flush().then(
                () => {
                  entry.ok = written.length >= entry.until; // durable when it resolved
                },
                () => {
                  entry.ok = false;
                },
              );
            } else {
              await timers.advance(o.ms);
            }
          }
          let closed = false;
          void buffer.close().then(() => {
            closed = true;
          });
          await timers.runUntil(() => closed);
          await settle();
          expect(written).toEqual(accepted);
          expect(flushes.every((f) => f.ok === true)).toBe(true);
          expect(state.maxInFlight).toBeLessThanOrEqual(1);
          expect(timers.count).toBe(0);
          expect(buffer.stats()).toMatchObject({
            pending: 0,
            written: accepted.length,
            failedAttempts: reports.length,
            givenUp: 0,
          });
          return true;
        },
      ),
      { numRuns: 200 },
    );
  });
});
