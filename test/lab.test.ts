import { describe, expect, it, vi } from 'vitest';
import { memory } from '../backends/memory/index.js';
import { sqlite } from '../backends/sqlite/index.js';
import { ClosedError, createLab, LabError, ValidationError } from '../src/index.js';
import type { StorageBackend } from '../src/storage/backend.js';
import { MIGRATION_NAMES, SCHEMA_VERSION } from './support/schema.js';

describe('createLab', () => {
  it('migrates the backend and describes it', async () => {
    const lab = await createLab(sqlite({ filename: ':memory:' }));
    expect(lab.info.backend.kind).toBe('sqlite');
    expect(lab.info.schemaVersion).toBe(SCHEMA_VERSION);
    await lab.close();
  });

  it('reports applied migrations to the logger', async () => {
    const logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const lab = await createLab(sqlite({ filename: ':memory:' }), { logger });
    expect(logger.info).toHaveBeenCalledWith('quantlab migrated the schema', {
      backend: 'sqlite',
      applied: MIGRATION_NAMES,
    });
    await lab.close();
  });

  it('skips migrations with migrate: false', async () => {
    const backend = memory();
    const migrate = vi.spyOn(backend, 'migrate');
    const lab = await createLab(backend, { migrate: false });
    expect(migrate).not.toHaveBeenCalled();
    expect(lab.info.schemaVersion).toBe('unmigrated');
    await lab.close();
  });

  it('closes the backend on close(), once, and with await using', async () => {
    const backend = memory();
    const close = vi.spyOn(backend, 'close');
    {
      await using lab = await createLab(backend);
      await lab.close();
    }
    expect(close).toHaveBeenCalledTimes(1);
    await expect(backend.experiments.list()).rejects.toBeInstanceOf(ClosedError);
  });

  it('closes the backend and rethrows when migrating fails', async () => {
    const failure = new LabError('BACKEND', 'disk full');
    const backend: StorageBackend = { ...memory(), migrate: () => Promise.reject(failure) };
    const close = vi.spyOn(backend, 'close');
    await expect(createLab(backend)).rejects.toBe(failure);
    expect(close).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['a missing backend', undefined, {}, 'backend'],
    ['a clock that is not a function', memory(), { clock: new Date() }, 'options.clock'],
    ['a random that is not a function', memory(), { random: 0.5 }, 'options.random'],
    ['a logger without methods', memory(), { logger: {} }, 'options.logger'],
    ['a non-boolean migrate', memory(), { migrate: 'yes' }, 'options.migrate'],
    ['an unknown option', memory(), { clok: () => new Date() }, 'options'],
    [
      'a maintenance interval below 1 s',
      memory(),
      { maintenance: { intervalMs: 10 } },
      'options.maintenance.intervalMs',
    ],
    ['an onError that is not a function', memory(), { onError: true }, 'options.onError'],
    [
      'a bad experiments option',
      memory(),
      { experiments: { maxConcurrent: 0 } },
      'options.experiments.maxConcurrent',
    ],
  ])('refuses %s with a ValidationError naming the field', async (_, backend, options, field) => {
    const error = await createLab(backend as never, options as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe(field);
  });

  it('checks every reading of an injected clock', async () => {
    const lab = await createLab(memory(), {
      clock: () => new Date(Number.NaN),
      experiments: { provenance: { capture: false } },
    });
    const error = await lab.experiments
      .create({
        name: 'x',
        type: 'backtest',
        strategy: 's',
        symbols: ['A'],
        timeframe: '1d',
        dateRange: { from: '2025-01-01', to: '2025-02-01' },
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ field: 'options.clock', rule: 'must return a valid Date' });
    await lab.close();
  });

  it('flushes buffered metrics on close, then closes the backend', async () => {
    const backend = memory();
    const order: string[] = [];
    const append = backend.metrics.append.bind(backend.metrics);
    vi.spyOn(backend.metrics, 'append').mockImplementation(async (records) => {
      order.push(`append ${records.length}`);
      return append(records);
    });
    const close = backend.close.bind(backend);
    vi.spyOn(backend, 'close').mockImplementation(async () => {
      order.push('close');
      return close();
    });
    const lab = await createLab(backend, {
      experiments: { buffer: { flushIntervalMs: 60_000 } },
    });
    for (let step = 0; step < 3; step++) lab.experiments.logMetric('exp-1', 'pnl', step, { step });
    await lab.close();
    expect(order).toEqual(['append 3', 'close']);
  });

  it('reports failed background writes to onError and the logger, and still closes', async () => {
    const backend = memory();
    const failure = new LabError('BACKEND', 'disk full');
    vi.spyOn(backend.metrics, 'append').mockRejectedValue(failure);
    const onError = vi.fn();
    const logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const lab = await createLab(backend, {
      onError,
      logger,
      experiments: { buffer: { maxRetries: 1, flushIntervalMs: 0 } },
    });
    lab.experiments.logMetric('exp-1', 'pnl', 1);
    await expect(lab.close()).rejects.toBe(failure);
    expect(onError.mock.calls).toEqual([
      [failure, { source: 'experiments.metrics', attempt: 1, final: false, items: 1 }],
      [failure, { source: 'experiments.metrics', attempt: 2, final: true, items: 1 }],
    ]);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.error).toHaveBeenCalledWith(
      'quantlab gave up a background write: its records are lost',
      expect.objectContaining({ final: true, error: failure }),
    );
    await expect(backend.experiments.list()).rejects.toBeInstanceOf(ClosedError);
  });

  it('runs housekeeping on the maintenance interval only when asked, and stops it on close', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      let now = Date.UTC(2026, 2, 1);
      const clock = () => new Date(now);
      const quiet = await createLab(memory(), { clock });
      expect(vi.getTimerCount()).toBe(0);
      await quiet.close();

      const onError = vi.fn();
      const lab = await createLab(memory(), {
        clock,
        onError,
        maintenance: { intervalMs: 60_000 },
        experiments: { provenance: { capture: false } },
      });
      const run = await lab.experiments.create(
        {
          name: 'stuck',
          type: 'backtest',
          strategy: 's',
          symbols: ['A'],
          timeframe: '1d',
          dateRange: { from: '2025-01-01', to: '2025-02-01' },
          maxRuntimeHours: 1,
        },
        { queue: true },
      );
      await lab.experiments.start(run.id);
      now += 2 * 3_600_000;
      await vi.advanceTimersByTimeAsync(59_999);
      expect((await lab.experiments.get(run.id)).status).toBe('running');
      await vi.advanceTimersByTimeAsync(1);
      await vi.waitFor(async () =>
        expect((await lab.experiments.get(run.id)).status).toBe('failed'),
      );
      expect(vi.getTimerCount()).toBe(1);
      await lab.close();
      expect(vi.getTimerCount()).toBe(0);
      expect(onError).not.toHaveBeenCalled();
    } finally {
      vi.useRealTimers();
    }
  });
});
