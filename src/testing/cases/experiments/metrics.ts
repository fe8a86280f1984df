import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  BackendError,
  BackpressureError,
  ClosedError,
  NotFoundError,
  ValidationError,
} from '../../../errors.js';
import { createLab, type Lab, type LabOptions } from '../../../lab.js';
import type { StorageBackend } from '../../../storage/backend.js';
import type { MetricRecord } from '../../../storage/records.js';
import type { ConformanceTarget } from '../../harness.js';
import { definition, freshLabs, type ManualClock, manualClock } from '../../labs.js';

const T0 = new Date('2026-03-01T12:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

/** A buffer that only writes when asked: no interval flush can race the assertions. */
const HELD = { flushIntervalMs: 60_000 } as const;

/** `actual` is a number within `rel` (relative) of `expected`. */
function expectClose(actual: number | null | undefined, expected: number, rel = 1e-9): void {
  expect(actual).toBeTypeOf('number');
  const error = Math.abs((actual as number) - expected);
  expect(error, `${actual} ≈ ${expected}`).toBeLessThanOrEqual(rel * Math.abs(expected) + 1e-15);
}

/** The error `fn` throws synchronously (fails the test if it returns instead). */
function thrown(fn: () => unknown): unknown {
  try {
    const result = fn();
    // A rejected promise would be an asynchronous error: mark it handled, then fail.
    if (result instanceof Promise) result.catch(() => {});
  } catch (error) {
    return error;
  }
  throw new Error('expected a synchronous throw');
}

function fieldOf(error: unknown): string {
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).field;
}

/** Sample mean and standard deviation (n − 1), computed plainly. */
function meanAndStd(values: readonly number[]): { mean: number; std: number } {
  const mean = values.reduce((s, x) => s + x, 0) / values.length;
  const ss = values.reduce((s, x) => s + (x - mean) ** 2, 0);
  return { mean, std: Math.sqrt(ss / (values.length - 1)) };
}

function annualisedSharpe(returns: readonly number[], periodsPerYear: number): number {
  const { mean, std } = meanAndStd(returns);
  return (mean / std) * Math.sqrt(periodsPerYear);
}

function drawdownOf(curve: readonly number[]): number {
  let peak = Number.NEGATIVE_INFINITY;
  let worst = 0;
  for (const x of curve) {
    peak = Math.max(peak, x);
    worst = Math.max(worst, (peak - x) / peak);
  }
  return worst;
}

/** A lab whose backend's `metrics.append` the test sees (and can make fail). */
interface SpiedLab {
  lab: Lab;
  /** The backend under the lab, unwrapped: reading it never flushes the lab's buffers. */
  backend: StorageBackend;
  /** Every metric point a successful `metrics.append` wrote, in order. */
  appended: MetricRecord[];
  /** Calls of `metrics.append`, failed ones included. */
  calls: number;
  /** The errors the injected failures threw, in order. */
  injected: Error[];
}

/**
 * Like `freshLabs`, but wraps the backend (in a Proxy, so class-based third-party backends keep
 * their methods) to watch `metrics.append` and make its first `failures` calls fail.
 */
function spiedLabs(
  target: ConformanceTarget,
): (options?: LabOptions, failures?: number) => Promise<SpiedLab> {
  const opened: { lab: Lab; backend: StorageBackend }[] = [];
  afterEach(async () => {
    for (const { lab, backend } of opened.splice(0)) {
      await lab.close().catch(() => {});
      await target.destroy?.(backend);
    }
  });
  return async (options = {}, failures = 0) => {
    const backend = await target.create();
    const spied: Omit<SpiedLab, 'lab'> = { backend, appended: [], calls: 0, injected: [] };
    let failuresLeft = failures;
    const append = async (records: readonly MetricRecord[]): Promise<void> => {
      spied.calls++;
      if (failuresLeft > 0) {
        failuresLeft--;
        const error = new BackendError(backend.info.kind, 'metrics.append', 'injected failure');
        spied.injected.push(error);
        throw error;
      }
      await backend.metrics.append(records);
      spied.appended.push(...records);
    };
    const wrap = <T extends object>(object: T, override: Partial<Record<keyof T, unknown>>) =>
      new Proxy(object, {
        get(t, key) {
          if (Object.hasOwn(override, key)) return override[key as keyof T];
          const value: unknown = Reflect.get(t, key, t);
          return typeof value === 'function' ? value.bind(t) : value;
        },
      });
    const wrapped = wrap(backend, { metrics: wrap(backend.metrics, { append }) });
    let lab: Lab;
    try {
      lab = await createLab(wrapped, {
        ...options,
        experiments: {
          ...options.experiments,
          provenance: { capture: false, ...options.experiments?.provenance },
        },
      });
    } catch (error) {
      await target.destroy?.(backend);
      throw error;
    }
    opened.push({ lab, backend });
    return Object.assign(spied, { lab });
  };
}

/** Metric points, logs and summaries of `lab.experiments`, on the target's storage. @internal */
export function experimentMetricCases(target: ConformanceTarget): void {
  describe('experiments: metrics and logs', () => {
    const openLab = freshLabs(target);
    const openSpied = spiedLabs(target);

    /** A lab with a manual clock and one created experiment. */
    async function setup(
      options: LabOptions = {},
    ): Promise<{ lab: Lab; clock: ManualClock; id: string }> {
      const clock = manualClock(T0);
      const lab = await openLab({
        clock,
        ...options,
        experiments: { buffer: HELD, ...options.experiments },
      });
      const { id } = await lab.experiments.create(definition());
      return { lab, clock, id };
    }

    it('logMetric returns a settled promise and writes nothing until flush', async () => {
      const clock = manualClock(T0);
      const spied = await openSpied({ clock, experiments: { buffer: HELD } });
      const { lab, backend } = spied;
      const { id } = await lab.experiments.create(definition());
      const promise = lab.experiments.logMetric(id, 'pnl', 1.5);
      let settled = false;
      void promise.then(() => {
        settled = true;
      });
      await Promise.resolve();
      expect(settled).toBe(true);
      await expect(promise).resolves.toBeUndefined();
      lab.experiments.logMetric(id, 'pnl', -2.25);
      lab.experiments.logMetric(id, 'sharpe', 0.5);
      expect(spied.calls).toBe(0);
      expect(await backend.metrics.list(id)).toEqual([]);

      await lab.experiments.flush();
      expect(spied.calls).toBe(1);
      expect(spied.appended).toHaveLength(3);
      expect(await backend.metrics.list(id)).toHaveLength(3);
      expect(await lab.experiments.metrics(id)).toEqual({
        pnl: [
          { step: 0, value: 1.5, at: T0 },
          { step: 1, value: -2.25, at: T0 },
        ],
        sharpe: [{ step: 0, value: 0.5, at: T0 }],
      });
    });

    it('writes on its own once the flush interval passes', async () => {
      const spied = await openSpied({ experiments: { buffer: { flushIntervalMs: 0 } } });
      const { id } = await spied.lab.experiments.create(definition());
      spied.lab.experiments.logMetric(id, 'pnl', 4);
      // No flush() call: the interval timer alone writes the point.
      await vi.waitFor(() => expect(spied.appended.map((p) => p.value)).toEqual([4]), {
        timeout: 2_000,
        interval: 2,
      });
    });

    it('counts default steps per series from 0 and continues after an explicit step', async () => {
      const { lab, clock, id } = await setup();
      const m = lab.experiments;
      m.logMetric(id, 'a', 10);
      m.logMetric(id, 'b', 20);
      m.logMetric(id, 'a', 11);
      m.logMetric(id, 'a', 12);
      m.logMetric(id, 'b', 21);
      m.logMetric(id, 'a', 13, { step: 10 });
      m.logMetric(id, 'a', 14);
      clock.advance(1); // the repeated steps of b sort after the first ones by time
      m.logMetric(id, 'b', 22, { step: 0 });
      m.logMetric(id, 'b', 23);
      const other = await m.create(definition());
      m.logMetric(other.id, 'a', 99);
      const series = await m.metrics(id);
      expect(series.a?.map((p) => [p.step, p.value])).toEqual([
        [0, 10],
        [1, 11],
        [2, 12],
        [10, 13],
        [11, 14],
      ]);
      expect(series.b?.map((p) => [p.step, p.value])).toEqual([
        [0, 20],
        [0, 22],
        [1, 21],
        [1, 23],
      ]);
      expect(await m.metrics(other.id)).toEqual({ a: [{ step: 0, value: 99, at: at(1) }] });
    });

    it('stamps points with the injected clock unless given `at`', async () => {
      const { lab, clock, id } = await setup();
      lab.experiments.logMetric(id, 'pnl', 1);
      clock.advance(1_500);
      lab.experiments.logMetric(id, 'pnl', 2);
      const observed = new Date('2025-12-31T23:59:59.999Z');
      const given = new Date(observed.getTime());
      lab.experiments.logMetric(id, 'pnl', 3, { at: given });
      given.setTime(0); // the caller's Date is copied
      clock.advance(1);
      lab.experiments.logMetrics(id, { pnl: 4, sharpe: 1.25 });
      expect(await lab.experiments.metrics(id)).toEqual({
        pnl: [
          { step: 0, value: 1, at: T0 },
          { step: 1, value: 2, at: at(1_500) },
          { step: 2, value: 3, at: observed },
          { step: 3, value: 4, at: at(1_501) },
        ],
        sharpe: [{ step: 0, value: 1.25, at: at(1_501) }],
      });
    });

    it('logMetrics writes every name at one step and time', async () => {
      const { lab, id } = await setup();
      const m = lab.experiments;
      m.logMetric(id, 'equity', 100);
      m.logMetric(id, 'equity', 101);
      await expect(m.logMetrics(id, { equity: 102, returns: 0.01 })).resolves.toBeUndefined();
      const when = at(-60_000);
      m.logMetrics(id, { equity: 103, returns: 0.02, exposure: 0.5 }, { step: 7, at: when });
      m.logMetrics(id, { equity: 104, exposure: 0.75 });
      await expect(m.logMetrics(id, {})).resolves.toBeUndefined();
      expect(await m.metrics(id)).toEqual({
        equity: [
          { step: 0, value: 100, at: T0 },
          { step: 1, value: 101, at: T0 },
          { step: 2, value: 102, at: T0 },
          { step: 7, value: 103, at: when },
          { step: 8, value: 104, at: T0 },
        ],
        exposure: [
          { step: 7, value: 0.5, at: when },
          { step: 8, value: 0.75, at: T0 },
        ],
        returns: [
          { step: 0, value: 0.01, at: T0 },
          { step: 7, value: 0.02, at: when },
        ],
      });
    });

    it('logMetrics accepts all or none: one bad value refuses the call', async () => {
      const { lab, id } = await setup();
      const m = lab.experiments;
      const error = thrown(() => m.logMetrics(id, { a: 1, b: Number.NaN, c: 3 }));
      expect(fieldOf(error)).toBe('values.b');
      expect(fieldOf(thrown(() => m.logMetrics(id, { a: 1, '': 2 })))).toBe('values');
      expect(fieldOf(thrown(() => m.logMetrics(id, { a: 1 }, { step: -1 })))).toBe('options.step');
      expect(fieldOf(thrown(() => m.logMetrics(id, [1, 2] as never)))).toBe('values');
      expect(fieldOf(thrown(() => m.logMetrics(id, null as never)))).toBe('values');
      await m.flush();
      expect(await m.metrics(id)).toEqual({});
      // The refused calls took no step either.
      m.logMetrics(id, { a: 5, c: 6 });
      expect(await m.metrics(id)).toEqual({
        a: [{ step: 0, value: 5, at: T0 }],
        c: [{ step: 0, value: 6, at: T0 }],
      });
    });

    it.each([
      ['an empty id', ['', 'pnl', 1], 'id'],
      ['a non-string id', [42, 'pnl', 1], 'id'],
      ['an empty name', ['ID', '', 1], 'name'],
      ['a name with NUL', ['ID', 'p\u0000nl', 1], 'name'],
      ['a name of 201 characters', ['ID', 'x'.repeat(201), 1], 'name'],
      ['a NaN value', ['ID', 'pnl', Number.NaN], 'value'],
      ['an infinite value', ['ID', 'pnl', Number.POSITIVE_INFINITY], 'value'],
      ['a negative infinite value', ['ID', 'pnl', Number.NEGATIVE_INFINITY], 'value'],
      ['a string value', ['ID', 'pnl', '1'], 'value'],
      ['a negative step', ['ID', 'pnl', 1, { step: -1 }], 'options.step'],
      ['a fractional step', ['ID', 'pnl', 1, { step: 1.5 }], 'options.step'],
      ['a step of 2³¹', ['ID', 'pnl', 1, { step: 2 ** 31 }], 'options.step'],
      ['an invalid Date', ['ID', 'pnl', 1, { at: new Date('nope') }], 'options.at'],
      ['a string time', ['ID', 'pnl', 1, { at: '2026-01-01' }], 'options.at'],
      ['an unknown option', ['ID', 'pnl', 1, { stp: 1 }], 'options.stp'],
      ['options that are not an object', ['ID', 'pnl', 1, 5], 'options'],
    ])('logMetric throws ValidationError synchronously for %s', async (_, args, field) => {
      const { lab, id } = await setup();
      const [givenId, ...rest] = args as [unknown, ...unknown[]];
      const call = () =>
        (lab.experiments.logMetric as (...a: unknown[]) => Promise<void>)(
          givenId === 'ID' ? id : givenId,
          ...rest,
        );
      expect(fieldOf(thrown(call))).toBe(field);
      expect(await lab.experiments.metrics(id)).toEqual({});
    });

    it('accepts the boundary values: 200-character names, step 2³¹ − 1, tiny and huge values', async () => {
      const { lab, id } = await setup();
      const long = 'n'.repeat(200);
      lab.experiments.logMetric(id, long, -0);
      lab.experiments.logMetric(id, 'edge', 5e-324, { step: 2 ** 31 - 1 });
      lab.experiments.logMetric(id, 'edge', -1.7976931348623157e308, { step: 0 });
      lab.experiments.logMetric(id, 'unicode 📈 σ', 1);
      const series = await lab.experiments.metrics(id);
      expect(series[long]).toEqual([{ step: 0, value: 0, at: T0 }]);
      expect(Object.is(series[long]?.[0]?.value, -0)).toBe(false);
      expect(series.edge).toEqual([
        { step: 0, value: -1.7976931348623157e308, at: T0 },
        { step: 2 ** 31 - 1, value: 5e-324, at: T0 },
      ]);
      expect(series['unicode 📈 σ']).toEqual([{ step: 0, value: 1, at: T0 }]);
    });

    it('filters metrics by name and by time in [from, to)', async () => {
      const { lab, clock, id } = await setup();
      for (let i = 0; i < 4; i++) {
        lab.experiments.logMetrics(id, { a: i, b: 10 + i, c: 20 + i });
        clock.advance(1_000);
      }
      const m = lab.experiments;
      expect(Object.keys(await m.metrics(id))).toEqual(['a', 'b', 'c']);
      expect(await m.metrics(id, { names: ['b'] })).toEqual({
        b: [0, 1, 2, 3].map((i) => ({ step: i, value: 10 + i, at: at(i * 1_000) })),
      });
      expect(Object.keys(await m.metrics(id, { names: ['c', 'a', 'missing'] }))).toEqual([
        'a',
        'c',
      ]);
      expect(await m.metrics(id, { names: [] })).toEqual({});
      expect(await m.metrics(id, { names: ['a'], from: at(1_000), to: at(3_000) })).toEqual({
        a: [
          { step: 1, value: 1, at: at(1_000) },
          { step: 2, value: 2, at: at(2_000) },
        ],
      });
      expect((await m.metrics(id, { from: at(3_000) })).c).toEqual([
        { step: 3, value: 23, at: at(3_000) },
      ]);
      expect((await m.metrics(id, { to: at(1) })).b).toEqual([{ step: 0, value: 10, at: T0 }]);
      expect(await m.metrics(id, { from: at(2_000), to: at(2_000) })).toEqual({});
      await expect(m.metrics(id, { from: 'yesterday' as never })).rejects.toMatchObject({
        name: 'ValidationError',
        field: 'query.from',
      });
      await expect(m.metrics(id, { names: 'a' as never })).rejects.toMatchObject({
        field: 'query.names',
      });
      await expect(m.metrics(id, { limit: 1 } as never)).rejects.toMatchObject({
        field: 'query.limit',
      });
    });

    it('throws NotFoundError for the metrics, logs and summary of an unknown experiment', async () => {
      const { lab } = await setup();
      await expect(lab.experiments.metrics('no-such-experiment')).rejects.toBeInstanceOf(
        NotFoundError,
      );
      await expect(lab.experiments.logs('no-such-experiment')).rejects.toBeInstanceOf(
        NotFoundError,
      );
      await expect(lab.experiments.summary('no-such-experiment')).rejects.toMatchObject({
        name: 'NotFoundError',
        entity: 'experiment',
        id: 'no-such-experiment',
      });
      await expect(lab.experiments.metrics('')).rejects.toBeInstanceOf(ValidationError);
    });

    it("writes through with durability: 'sync'", async () => {
      const clock = manualClock(T0);
      const spied = await openSpied({
        clock,
        experiments: { durability: 'sync', buffer: HELD },
      });
      const { lab, backend } = spied;
      const { id } = await lab.experiments.create(definition());
      await lab.experiments.logMetric(id, 'pnl', 1.5);
      // Written before the promise resolved: visible without any flush.
      expect(await backend.metrics.list(id)).toEqual([
        { experimentId: id, name: 'pnl', step: 0, value: 1.5, at: T0 },
      ]);
      await lab.experiments.logMetrics(id, { pnl: 2, sharpe: 0.25 });
      expect(spied.calls).toBe(2);
      expect((await backend.metrics.list(id)).map((p) => [p.name, p.step, p.value])).toEqual([
        ['pnl', 0, 1.5],
        ['pnl', 1, 2],
        ['sharpe', 0, 0.25],
      ]);
      await lab.experiments.log(id, 'info', 'synced', { n: 1 });
      const lines = await backend.logs.list(id);
      expect(lines.at(-1)).toMatchObject({ message: 'synced', context: { n: 1 } });
      expect(await lab.experiments.metrics(id, { names: ['sharpe'] })).toEqual({
        sharpe: [{ step: 0, value: 0.25, at: T0 }],
      });
      // Validation is still synchronous.
      expect(fieldOf(thrown(() => lab.experiments.logMetric(id, 'pnl', Number.NaN)))).toBe('value');
      await lab.close();
      await expect(lab.experiments.logMetric(id, 'pnl', 3)).rejects.toBeInstanceOf(ClosedError);
      await expect(lab.experiments.logMetrics(id, { pnl: 3 })).rejects.toBeInstanceOf(ClosedError);
      await expect(lab.experiments.log(id, 'info', 'late')).rejects.toBeInstanceOf(ClosedError);
    });

    it('throws BackpressureError synchronously when the buffer is full, and accepts again after flush', async () => {
      const { lab, id } = await setup({
        experiments: { buffer: { capacity: 5, flushIntervalMs: 60_000, maxBatch: 1000 } },
      });
      const m = lab.experiments;
      for (let i = 0; i < 5; i++) m.logMetric(id, 'pnl', i);
      const error = thrown(() => m.logMetric(id, 'pnl', 5));
      expect(error).toBeInstanceOf(BackpressureError);
      expect(error).toMatchObject({ code: 'BACKPRESSURE', capacity: 5 });
      expect(thrown(() => m.logMetrics(id, { x: 1 }))).toBeInstanceOf(BackpressureError);
      for (let i = 0; i < 5; i++) m.log(id, 'debug', `line ${i}`);
      expect(thrown(() => m.log(id, 'debug', 'one too many'))).toBeInstanceOf(BackpressureError);
      await m.flush();
      m.logMetrics(id, { x: 10, y: 20 });
      m.logMetric(id, 'pnl', 50);
      // 3 pending: a call of 3 more would exceed 5 and is refused whole.
      expect(thrown(() => m.logMetrics(id, { p: 1, q: 2, r: 3 }))).toBeInstanceOf(
        BackpressureError,
      );
      const series = await m.metrics(id);
      expect(series.pnl?.map((p) => p.value)).toEqual([0, 1, 2, 3, 4, 50]);
      expect(series.x?.map((p) => p.value)).toEqual([10]);
      expect(series.y?.map((p) => p.value)).toEqual([20]);
      expect(Object.keys(series)).toEqual(['pnl', 'x', 'y']);
      const lines = (await m.logs(id)).map((l) => l.message);
      expect(lines).toEqual([
        'experiment created',
        'line 0',
        'line 1',
        'line 2',
        'line 3',
        'line 4',
      ]);
    });

    // A refused call takes no step: retrying it after flush() continues the series without a gap.
    it('a call refused with BackpressureError takes no step: the retry gets it', async () => {
      const { lab, id } = await setup({
        experiments: { buffer: { capacity: 5, flushIntervalMs: 60_000, maxBatch: 1000 } },
      });
      const m = lab.experiments;
      for (let i = 0; i < 5; i++) m.logMetric(id, 'pnl', i);
      expect(thrown(() => m.logMetric(id, 'pnl', 5))).toBeInstanceOf(BackpressureError);
      expect(thrown(() => m.logMetrics(id, { pnl: 5, x: 1 }))).toBeInstanceOf(BackpressureError);
      await m.flush();
      m.logMetrics(id, { pnl: 5, x: 1 });
      const series = await m.metrics(id);
      expect(series.pnl?.map((p) => p.step)).toEqual([0, 1, 2, 3, 4, 5]);
      expect(series.x?.map((p) => p.step)).toEqual([0]);
    });

    it('flushes on close and refuses metrics and logs afterwards with ClosedError', async () => {
      const spied = await openSpied({ clock: manualClock(T0), experiments: { buffer: HELD } });
      const { lab } = spied;
      const { id } = await lab.experiments.create(definition());
      for (let i = 0; i < 1_000; i++) lab.experiments.logMetric(id, 'equity', 100 + i);
      lab.experiments.log(id, 'info', 'last words');
      await lab.close();
      expect(spied.appended).toHaveLength(1_000);
      expect(spied.appended.map((p) => p.step)).toEqual(Array.from({ length: 1_000 }, (_, i) => i));
      expect(spied.appended.at(-1)).toEqual({
        experimentId: id,
        name: 'equity',
        step: 999,
        value: 1_099,
        at: T0,
      });
      expect(thrown(() => lab.experiments.logMetric(id, 'equity', 1))).toBeInstanceOf(ClosedError);
      expect(thrown(() => lab.experiments.logMetrics(id, { equity: 1 }))).toBeInstanceOf(
        ClosedError,
      );
      expect(thrown(() => lab.experiments.log(id, 'info', 'too late'))).toBeInstanceOf(ClosedError);
      // Validation still comes first.
      expect(thrown(() => lab.experiments.logMetric(id, '', 1))).toBeInstanceOf(ValidationError);
      await expect(lab.close()).resolves.toBeUndefined();
    });

    it('summarises each metric: count, mean, min, max, std and the latest (highest step) value', async () => {
      const { lab, id } = await setup();
      const points: [step: number, value: number][] = [
        [3, 7.25],
        [0, 3],
        [5, 2],
        [1, -1.5],
        [4, 10],
        [2, 0.125],
      ];
      for (const [step, value] of points) lab.experiments.logMetric(id, 'pnl', value, { step });
      lab.experiments.logMetric(id, 'single', -4.5);

      const summary = await lab.experiments.summary(id);
      expect(summary.experiment.id).toBe(id);
      expect(summary.trading).toBeNull();
      expect(Object.keys(summary.metrics).sort()).toEqual(['pnl', 'single']);

      const values = points.map(([, v]) => v);
      const expected = meanAndStd(values);
      const pnl = summary.metrics.pnl;
      expect(pnl).toMatchObject({ count: 6, min: -1.5, max: 10, latest: 2 });
      expectClose(pnl?.mean, expected.mean);
      expectClose(pnl?.std, expected.std);

      expect(summary.metrics.single).toEqual({
        count: 1,
        mean: -4.5,
        min: -4.5,
        max: -4.5,
        latest: -4.5,
        std: null,
      });
    });

    // PostgreSQL raises an error on float8 overflow; its sums run in numeric so this holds there too.
    it('summarises values whose squares overflow a double: std null, the rest exact', async () => {
      const { lab, id } = await setup();
      const values = [1e200, 3e200, 2e200];
      for (const value of values) lab.experiments.logMetric(id, 'huge', value);
      const { metrics } = await lab.experiments.summary(id);
      expect(metrics.huge).toMatchObject({ count: 3, min: 1e200, max: 3e200, latest: 2e200 });
      expectClose(metrics.huge?.mean, 2e200);
      expect(metrics.huge?.std).toBeNull();
    });

    it('computes trading figures from logged returns', async () => {
      const { lab, id } = await setup();
      const returns = [0.01, -0.02, 0.03, 0, 0.015];
      for (const r of returns) lab.experiments.logMetric(id, 'returns', r);
      const { trading } = await lab.experiments.summary(id);
      const compounded = returns.reduce((p, r) => p * (1 + r), 1) - 1;
      const curve = [1];
      for (const r of returns) curve.push((curve.at(-1) as number) * (1 + r));
      expect(trading).not.toBeNull();
      expectClose(trading?.totalReturn, compounded);
      expectClose(trading?.maxDrawdown, drawdownOf(curve));
      expectClose(trading?.maxDrawdown, 0.02);
      // Annualised by the experiment's timeframe: 1h bars around the clock, 8,760 a year.
      expectClose(trading?.sharpe, annualisedSharpe(returns, 8_760));
      expect(trading).toMatchObject({ winRate: 0.75, trades: 4, periods: 5 });
    });

    it('computes trading figures from an equity curve and trade PnL', async () => {
      const { lab, id } = await setup();
      const equity = [100, 120, 90, 130, 117];
      equity.forEach((e, step) => {
        lab.experiments.logMetric(id, 'equity', e, { step: equity.length - 1 - step });
      });
      // Logged backwards with explicit steps: the figures follow the steps, not the call order.
      const { trading: backwards } = await lab.experiments.summary(id);
      expectClose(backwards?.maxDrawdown, drawdownOf([...equity].reverse()));

      const { id: forward } = await lab.experiments.create(definition());
      for (const e of equity) lab.experiments.logMetric(forward, 'equity', e);
      for (const pnl of [20, -30, 40, -5, 10]) lab.experiments.logMetric(forward, 'trade_pnl', pnl);
      const summary = await lab.experiments.summary(forward);
      const periodReturns = equity
        .slice(1)
        .map((e, i) => (e - (equity[i] as number)) / (equity[i] as number));
      expect(summary.trading?.maxDrawdown).toBe(0.25);
      expectClose(summary.trading?.totalReturn, 0.17);
      expectClose(summary.trading?.sharpe, annualisedSharpe(periodReturns, 8_760));
      expect(summary.trading).toMatchObject({ winRate: 0.6, trades: 5, periods: 4 });
      expect(summary.metrics.equity).toMatchObject({ count: 5, min: 90, max: 130, latest: 117 });
    });

    it('annualises the Sharpe ratio by the timeframe unless periodsPerYear is given', async () => {
      const { lab } = await setup();
      const returns = [0.01, -0.004, 0.007, 0.002];
      const sharpeOf = async (timeframe: string, periodsPerYear?: number) => {
        const { id } = await lab.experiments.create(definition({ timeframe }));
        for (const r of returns) lab.experiments.logMetric(id, 'returns', r);
        const options = periodsPerYear === undefined ? {} : { periodsPerYear };
        return (await lab.experiments.summary(id, options)).trading?.sharpe;
      };
      expectClose(await sharpeOf('1d'), annualisedSharpe(returns, 365));
      expectClose(await sharpeOf('1w'), annualisedSharpe(returns, 52));
      expectClose(await sharpeOf('4h'), annualisedSharpe(returns, 2_190));
      expectClose(await sharpeOf('1d', 252), annualisedSharpe(returns, 252));
    });

    it('reads the trading series from the metric names and options given to summary', async () => {
      const { lab, id } = await setup();
      const nav = [100, 120, 90, 130, 117];
      for (const e of nav) lab.experiments.logMetric(id, 'nav', e);
      for (const pnl of [5, -1, 2, 0]) lab.experiments.logMetric(id, 'fills', pnl);
      const returns = [0.02, -0.01, 0.03, 0.005];
      for (const r of returns) lab.experiments.logMetric(id, 'daily', r);

      expect((await lab.experiments.summary(id)).trading).toBeNull();

      const monthly = await lab.experiments.summary(id, {
        equityMetric: 'nav',
        tradesMetric: 'fills',
        periodsPerYear: 12,
      });
      const navReturns = nav.slice(1).map((e, i) => (e - (nav[i] as number)) / (nav[i] as number));
      expect(monthly.trading).toMatchObject({
        maxDrawdown: 0.25,
        winRate: 0.5,
        trades: 4,
        periods: 4,
      });
      expectClose(monthly.trading?.totalReturn, 0.17);
      expectClose(monthly.trading?.sharpe, annualisedSharpe(navReturns, 12));

      const fromReturns = await lab.experiments.summary(id, {
        returnsMetric: 'daily',
        riskFree: 0.001,
      });
      const excess = returns.map((r) => r - 0.001);
      expectClose(fromReturns.trading?.sharpe, annualisedSharpe(excess, 8_760));
      expectClose(fromReturns.trading?.totalReturn, returns.reduce((p, r) => p * (1 + r), 1) - 1);
      expect(fromReturns.trading).toMatchObject({ winRate: 0.75, trades: 4, periods: 4 });
      // The per-metric summaries are there whatever the trading names.
      expect(Object.keys(fromReturns.metrics).sort()).toEqual(['daily', 'fills', 'nav']);
    });

    it('records log lines with their level and context, in time order with the transitions', async () => {
      const { lab, clock, id } = await setup();
      const m = lab.experiments;
      clock.advance(1_000);
      const context = {
        bps: 12.5,
        symbol: 'BTC/USD',
        nested: { list: [1, 'two', null, true, { deep: -0.5 }] },
        text: 'ünïcødé 🚀 "quoted"',
      };
      await expect(m.log(id, 'debug', 'warming up')).resolves.toBeUndefined();
      m.log(id, 'info', 'filled', context);
      clock.advance(1_000);
      await m.start(id);
      clock.advance(1_000);
      m.log(id, 'warn', 'slippage above budget', { bps: 30 });
      m.log(id, 'error', '', {});
      clock.advance(1_000);
      await m.complete(id);

      const lines = await m.logs(id);
      expect(lines.map((l) => [l.level, l.message, l.at.getTime() - T0.getTime()])).toEqual([
        ['info', 'experiment created', 0],
        ['debug', 'warming up', 1_000],
        ['info', 'filled', 1_000],
        ['info', 'created → queued', 2_000],
        ['info', 'queued → running', 2_000],
        ['warn', 'slippage above budget', 3_000],
        ['error', '', 3_000],
        ['info', 'running → completed', 4_000],
      ]);
      expect(lines.every((l) => l.experimentId === id)).toBe(true);
      expect(new Set(lines.map((l) => l.id)).size).toBe(lines.length);
      expect(lines[1]?.context).toEqual({});
      expect(lines[2]?.context).toEqual(context);
      expect(lines[3]?.context).toEqual({ from: 'created', to: 'queued' });
      expect(lines[5]?.context).toEqual({ bps: 30 });
      expect((await m.logs(id, { limit: 2 })).map((l) => l.message)).toEqual([
        'experiment created',
        'warming up',
      ]);
      for (const limit of [0, 1.5, -1]) {
        await expect(m.logs(id, { limit })).rejects.toMatchObject({ field: 'options.limit' });
      }
    });

    it('copies the log context: later changes by the caller do not reach the stored line', async () => {
      const { lab, id } = await setup();
      const context = { qty: 2, tags: ['a'] };
      lab.experiments.log(id, 'info', 'order', context);
      context.qty = 3;
      context.tags.push('b');
      const lines = await lab.experiments.logs(id);
      expect(lines.at(-1)?.context).toEqual({ qty: 2, tags: ['a'] });
    });

    it.each([
      ['an unknown level', ['fatal', 'm'], 'level'],
      ['a non-string message', ['info', 42], 'message'],
      ['a message with NUL', ['info', 'a\u0000b'], 'message'],
      ['NaN in the context', ['info', 'm', { x: Number.NaN }], 'context.x'],
      [
        'Infinity deep in the context',
        ['info', 'm', { a: { b: [1, Infinity] } }],
        'context.a.b[1]',
      ],
      ['a Date in the context', ['info', 'm', { when: new Date(0) }], 'context.when'],
      ['a function in the context', ['info', 'm', { f: () => 1 }], 'context.f'],
      ['a context that is not an object', ['info', 'm', 'text'], 'context'],
    ])('log throws ValidationError synchronously for %s', async (_, args, field) => {
      const { lab, id } = await setup();
      const call = () => (lab.experiments.log as (...a: unknown[]) => Promise<void>)(id, ...args);
      expect(fieldOf(thrown(call))).toBe(field);
      const lines = await lab.experiments.logs(id);
      expect(lines.map((l) => l.message)).toEqual(['experiment created']);
    });

    it('reports failed metric writes to onError and retries until they land', async () => {
      const reports: { error: unknown; context: unknown }[] = [];
      const spied = await openSpied(
        {
          clock: manualClock(T0),
          onError: (error, context) => reports.push({ error, context }),
          experiments: { buffer: HELD },
        },
        2,
      );
      const { lab } = spied;
      const { id } = await lab.experiments.create(definition());
      lab.experiments.logMetrics(id, { a: 1, b: 2, c: 3 });
      await lab.experiments.flush(); // through two failures and their backoff (100 + 200 ms)
      expect(spied.calls).toBe(3);
      expect(reports).toEqual([
        {
          error: spied.injected[0],
          context: { source: 'experiments.metrics', attempt: 1, final: false, items: 3 },
        },
        {
          error: spied.injected[1],
          context: { source: 'experiments.metrics', attempt: 2, final: false, items: 3 },
        },
      ]);
      expect(spied.injected[0]).not.toBe(spied.injected[1]);
      expect(await lab.experiments.metrics(id)).toEqual({
        a: [{ step: 0, value: 1, at: T0 }],
        b: [{ step: 0, value: 2, at: T0 }],
        c: [{ step: 0, value: 3, at: T0 }],
      });
    });

    it('reports a batch given up after maxRetries as final, and fails the flush waiting for it', async () => {
      const reports: unknown[] = [];
      const spied = await openSpied(
        {
          onError: (_error, context) => reports.push(context),
          experiments: { buffer: { ...HELD, maxRetries: 0 } },
        },
        1,
      );
      const { lab } = spied;
      const { id } = await lab.experiments.create(definition());
      lab.experiments.logMetric(id, 'lost', 1);
      lab.experiments.logMetric(id, 'lost', 2);
      await expect(lab.experiments.flush()).rejects.toBe(spied.injected[0]);
      expect(reports).toEqual([
        { source: 'experiments.metrics', attempt: 1, final: true, items: 2 },
      ]);
      // Later points are written as usual; the lost ones stay lost (steps are not reused).
      lab.experiments.logMetric(id, 'lost', 3);
      expect((await lab.experiments.metrics(id)).lost?.map((p) => [p.step, p.value])).toEqual([
        [2, 3],
      ]);
    });

    it('keeps an onError listener that throws from breaking the buffer', async () => {
      const spied = await openSpied(
        {
          onError: () => {
            throw new Error('listener bug');
          },
          experiments: { buffer: HELD },
        },
        1,
      );
      const { id } = await spied.lab.experiments.create(definition());
      spied.lab.experiments.logMetric(id, 'pnl', 7);
      await spied.lab.experiments.flush();
      expect((await spied.lab.experiments.metrics(id)).pnl?.map((p) => p.value)).toEqual([7]);
    });
  });
}
