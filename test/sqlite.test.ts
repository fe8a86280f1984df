import { writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { sqlite } from '../backends/sqlite/index.js';
import { BackendError, createLab } from '../src/index.js';
import { experiment } from '../src/testing/fixtures.js';
import { migrateConcurrently } from './support/processes.js';
import { MIGRATION_NAMES, SCHEMA_VERSION } from './support/schema.js';
import { tempDatabases } from './support/temp.js';

const tempDb = tempDatabases('sqlite', '.db', ['-wal', '-shm']);

describe('sqlite backend', () => {
  it('opens its own file in WAL mode with a busy timeout and foreign keys', async () => {
    const filename = tempDb();
    const lab = await createLab(sqlite({ filename }, { busyTimeoutMs: 1234 }));
    await lab.close();
    const check = new Database(filename);
    expect(check.pragma('journal_mode', { simple: true })).toBe('wal');
    check.close();
  });

  it('uses a caller-supplied database and leaves it open after close', async () => {
    const database = new Database(':memory:');
    const lab = await createLab(sqlite({ database }));
    await lab.close();
    expect(database.open).toBe(true);
    expect(database.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(database.pragma('foreign_keys', { simple: true })).toBe(1);
    const tables = database
      .prepare("select name from sqlite_master where name = 'quantlab_experiments'")
      .all();
    expect(tables).toHaveLength(1);
    database.close();
  });

  it('keeps data across close and reopen', async () => {
    const filename = tempDb();
    const record = experiment();
    const first = sqlite({ filename });
    await first.migrate();
    await first.experiments.insert(record);
    await first.close();
    const second = sqlite({ filename });
    expect((await second.migrate()).applied).toEqual([]);
    expect(await second.experiments.get(record.id)).toEqual(record);
    await second.close();
  });

  it('wraps a driver failure in BackendError naming the operation, with the cause', async () => {
    const filename = tempDb();
    await (await createLab(sqlite({ filename }))).close();
    const readonly = sqlite({ filename, readonly: true });
    const error = await readonly.experiments.insert(experiment()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect((error as BackendError).operation).toBe('experiments.insert');
    expect((error as BackendError).message).toMatch(
      /sqlite backend: experiments.insert failed: .*readonly/,
    );
    expect((error as BackendError).cause).toBeInstanceOf(Error);
    await readonly.close();
  });

  it.each([
    ['no connection', undefined, 'connection'],
    ['an empty object', {}, 'connection'],
    ['both filename and database', { filename: 'a.db', database: {} }, 'connection'],
    ['a numeric filename', { filename: 123 }, 'connection.filename'],
    ['an empty filename', { filename: '' }, 'connection.filename'],
    ['a database that is not better-sqlite3', { database: {} }, 'connection.database'],
  ])('refuses %s with a ValidationError naming the option', (_, connection, field) => {
    expect(() => sqlite(connection as never)).toThrow(
      expect.objectContaining({ name: 'ValidationError', field }),
    );
  });

  it('refuses a busy timeout that is not a whole number', () => {
    expect(() => sqlite({ filename: ':memory:' }, { busyTimeoutMs: Number.NaN })).toThrow(
      /options.busyTimeoutMs/,
    );
    expect(() => sqlite({ filename: ':memory:' }, { busyTimeoutMs: -1 })).toThrow(
      /options.busyTimeoutMs/,
    );
  });

  it('fails to open a path in a missing directory with BackendError', () => {
    expect(() => sqlite({ filename: '/nonexistent-dir/quantlab/lab.db' })).toThrow(BackendError);
  });

  it('refuses a file that is not a database with BackendError at open', () => {
    const filename = tempDb();
    writeFileSync(filename, 'this is not a sqlite database, just text '.repeat(200));
    expect(() => sqlite({ filename })).toThrow(
      /sqlite backend: open failed: .*file is not a database/,
    );
  });

  it('lets eight processes create a lab on one fresh file at the same moment', async () => {
    const filename = tempDb();
    const results = await migrateConcurrently(8, () => ['sqlite', filename, '-']);
    expect(results).toEqual(Array(8).fill({ ok: true, version: SCHEMA_VERSION }));
    const check = new Database(filename);
    expect(check.prepare('select name from quantlab_migrations order by name').all()).toEqual(
      MIGRATION_NAMES.map((name) => ({ name })),
    );
    check.close();
  });

  it('appends metric batches all or nothing through the bulk path, in and out of a transaction', async () => {
    const database = new Database(':memory:');
    const backend = sqlite({ database });
    await backend.migrate();
    // A trigger that refuses one value stands in for a failure in the middle of a batch.
    database.exec(`create trigger refuse_13 before insert on quantlab_metrics when new.value = 13
      begin select raise(abort, 'unlucky'); end`);
    const at = new Date('2026-03-01T00:00:00Z');
    const points = (values: number[]) =>
      values.map((value, step) => ({ experimentId: 'e', name: 'pnl', step, value, at }));
    await expect(backend.metrics.append(points([1, 2, 13, 4]))).rejects.toBeInstanceOf(
      BackendError,
    );
    expect(await backend.metrics.list('e')).toEqual([]);
    await expect(
      backend.transaction(async (tx) => {
        await tx.metrics.append(points([1, 2]));
        await tx.metrics.append(points([5, 13]));
      }),
    ).rejects.toBeInstanceOf(BackendError);
    expect(await backend.metrics.list('e')).toEqual([]);
    await backend.transaction(async (tx) => {
      await tx.metrics.append(points([1, 2]));
      // A failed batch inside a transaction undoes only itself (its savepoint).
      await expect(tx.metrics.append(points([7, 13]))).rejects.toBeInstanceOf(BackendError);
    });
    expect((await backend.metrics.list('e')).map((p) => p.value)).toEqual([1, 2]);
    await backend.metrics.append(points([3, 4, 5]));
    expect(await backend.metrics.list('e')).toHaveLength(5);
    await backend.close();
    database.close();
  });

  it('keeps working past its prepared statement cache', async () => {
    const backend = sqlite({ filename: ':memory:' });
    await backend.migrate();
    // Each distinct list filter is a distinct SQL text: 300 of them overflow the 256-entry cache.
    for (let i = 0; i < 300; i++) {
      const status = Array.from({ length: (i % 150) + 1 }, (_, k) => `s${k}`);
      await backend.experiments.list(i < 150 ? { status } : { status, tag: 'x' });
    }
    const record = experiment();
    await backend.experiments.insert(record);
    expect((await backend.experiments.list({ status: ['created', 'x'] }))[0]?.id).toBe(record.id);
    await backend.close();
  });
});
