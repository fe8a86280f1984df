import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { Kysely, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { DuckDBDialect } from '../backends/duckdb/dialect/index.js';
import { duckdb } from '../backends/duckdb/index.js';
import { BackendError, createLab } from '../src/index.js';
import { experiment, metric } from '../src/testing/fixtures.js';
import { MIGRATION_NAMES } from './support/schema.js';
import { tempDatabases } from './support/temp.js';

const tempDb = tempDatabases('duckdb', '.duckdb', ['.wal']);

describe('duckdb backend', () => {
  it('uses a caller-supplied instance and leaves it usable after close', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const lab = await createLab(duckdb({ instance }));
    expect(lab.info.backend.description).toBe('a caller-supplied DuckDB instance');
    await lab.close();
    const connection = await instance.connect();
    const reader = await connection.runAndReadAll(
      'select count(*)::INTEGER as n from quantlab_migrations',
    );
    expect(reader.getRowObjectsJS()).toEqual([{ n: MIGRATION_NAMES.length }]);
    connection.closeSync();
    instance.closeSync();
  });

  it.each([
    ['no connection', undefined, 'connection'],
    ['a null path', { path: null }, 'connection.path'],
    ['an instance that is not DuckDB', { instance: {} }, 'connection.instance'],
  ])('refuses %s with a ValidationError naming the option', (_, connection, field) => {
    expect(() => duckdb(connection as never)).toThrow(
      expect.objectContaining({ name: 'ValidationError', field }),
    );
  });

  it('keeps data in a file across close and reopen', async () => {
    const path = tempDb();
    const record = experiment();
    const first = duckdb({ path });
    expect(first.capabilities.persistent).toBe(true);
    await first.migrate();
    await first.experiments.insert(record);
    await first.metrics.append([metric(record.id, { value: 1e300 })]);
    await first.close();
    const second = duckdb({ path });
    expect((await second.migrate()).applied).toEqual([]);
    expect(await second.experiments.get(record.id)).toEqual(record);
    expect((await second.metrics.list(record.id))[0]?.value).toBe(1e300);
    await second.close();
  });

  it('says plainly that DuckDB allows one writer process when another holds the file', async () => {
    const path = tempDb();
    const holder = spawn(
      process.execPath,
      [
        '--import',
        fileURLToPath(import.meta.resolve('tsx')),
        fileURLToPath(new URL('./support/hold-duckdb.ts', import.meta.url)),
        path,
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout.on(
          'data',
          (chunk: Buffer) => chunk.toString().includes('ready') && resolve(),
        );
        holder.on('exit', (code) => reject(new Error(`holder exited with ${code}`)));
      });
      const error = await createLab(duckdb({ path })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BackendError);
      expect((error as BackendError).message).toMatch(
        /DuckDB allows one writer process per database file/,
      );
      expect((error as BackendError).cause).toBeInstanceOf(Error);
    } finally {
      holder.stdin.end();
      await new Promise((resolve) => holder.once('exit', resolve));
    }
  });
});

describe('duckdb transactions', () => {
  it('reports the error of a failed COMMIT, not a failed ROLLBACK after it', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    // DuckDB 1.5 cannot commit this pair of schema changes on a populated table.
    await connection.run('create table t (id varchar primary key, s varchar)');
    await connection.run("insert into t values ('a', 'x')");
    const db = new Kysely<Record<string, never>>({ dialect: new DuckDBDialect({ instance }) });
    const error = await db
      .transaction()
      .execute(async (trx) => {
        await sql`alter table t add column b boolean default true`.execute(trx);
        await sql`alter table t add column q timestamp`.execute(trx);
      })
      .catch((e: unknown) => e);
    expect(String(error)).toMatch(/Failed to commit/);
    expect(String(error)).not.toMatch(/no transaction is active/);
    await db.destroy();
    connection.closeSync();
    instance.closeSync();
  });
});
