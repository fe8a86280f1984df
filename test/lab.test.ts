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
  ])('refuses %s with a ValidationError naming the field', async (_, backend, options, field) => {
    const error = await createLab(backend as never, options as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe(field);
  });
});
