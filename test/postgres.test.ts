import { randomUUID } from 'node:crypto';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { postgres } from '../backends/postgres/index.js';
import { BackendError, createLab, ValidationError } from '../src/index.js';
import { experiment } from '../src/testing/fixtures.js';
import { migrateConcurrently } from './support/processes.js';
import { MIGRATION_NAMES, SCHEMA_VERSION } from './support/schema.js';

const url = inject('pgUrl');
const admin = new pg.Pool({ connectionString: url, max: 2 });
const schemas: string[] = [];
const newSchema = () => {
  const schema = `qlt_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  schemas.push(schema);
  return schema;
};
afterAll(async () => {
  for (const schema of schemas) await admin.query(`drop schema if exists "${schema}" cascade`);
  await admin.end();
});

describe('postgres backend', () => {
  it('uses a caller-supplied pool and never ends it', async () => {
    const pool = new pg.Pool({ connectionString: url, max: 3 });
    const lab = await createLab(postgres({ pool }, { schema: newSchema() }));
    await lab.close();
    expect((await pool.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
    await pool.end();
  });

  it('installs no global type parsers', async () => {
    const before = [1184, 1114, 20, 3802, 114].map((oid) => pg.types.getTypeParser(oid));
    const backend = postgres({ connectionString: url }, { schema: newSchema() });
    await backend.migrate();
    await backend.experiments.insert(experiment());
    await backend.close();
    expect([1184, 1114, 20, 3802, 114].map((oid) => pg.types.getTypeParser(oid))).toEqual(before);
  });

  it('decodes values itself when the pool returns raw text', async () => {
    const rawText = { getTypeParser: () => (value: string) => value };
    const pool = new pg.Pool({ connectionString: url, types: rawText as never });
    const backend = postgres({ pool }, { schema: newSchema() });
    await backend.migrate();
    const record = experiment({
      config: { nested: [1, { a: 'b' }] },
      startedAt: new Date('1999-12-31T23:59:59.999Z'),
    });
    await backend.experiments.insert(record);
    expect(await backend.experiments.get(record.id)).toEqual(record);
    await backend.close();
    await pool.end();
  });

  it('keeps schemas apart', async () => {
    const a = postgres({ connectionString: url }, { schema: newSchema() });
    const b = postgres({ connectionString: url }, { schema: newSchema() });
    await a.migrate();
    await b.migrate();
    const record = experiment();
    await a.experiments.insert(record);
    expect(await b.experiments.get(record.id)).toBeUndefined();
    await a.close();
    await b.close();
  });

  it('wraps an unreachable server in BackendError with the cause', async () => {
    const backend = postgres({ connectionString: 'postgres://postgres@127.0.0.1:1/nowhere' });
    const error = await createLab(backend).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect((error as BackendError).operation).toBe('migrate');
    expect((error as BackendError).cause).toBeDefined();
    expect(backend.info.description).toBe('127.0.0.1:1/nowhere');
  });

  it('gives up on a server that accepts the connection but never answers after connectTimeoutMs', async () => {
    // A TCP listener that never speaks PostgreSQL: without a timeout, connecting waits forever.
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const backend = postgres({
        connectionString: `postgres://postgres@127.0.0.1:${port}/silent`,
        connectTimeoutMs: 300,
      });
      const started = Date.now();
      const error = await createLab(backend).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BackendError);
      expect(String((error as BackendError).message)).toMatch(/timeout/i);
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
    expect(() => postgres({ connectionString: url, connectTimeoutMs: -1 })).toThrow(
      /connection.connectTimeoutMs/,
    );
  });

  it('refuses an empty schema name and malformed connections with ValidationError', () => {
    expect(() => postgres({ connectionString: url }, { schema: '' })).toThrow(ValidationError);
    expect(() => postgres({ connectionString: 5 } as never)).toThrow(/connection.connectionString/);
    expect(() => postgres({ pool: {} } as never)).toThrow(/connection.pool: must be a pg Pool/);
    expect(() => postgres(undefined as never)).toThrow(ValidationError);
  });

  it('migrates once when many labs in one process start on a fresh schema together', async () => {
    const schema = newSchema();
    const backends = Array.from({ length: 6 }, () =>
      postgres({ connectionString: url, max: 2 }, { schema }),
    );
    const results = await Promise.all(backends.map((b) => b.migrate()));
    expect(results.flatMap((r) => r.applied)).toEqual(MIGRATION_NAMES);
    await Promise.all(backends.map((b) => b.close()));
  });

  it('lets eight processes create a lab on one fresh schema at the same moment', async () => {
    const schema = newSchema();
    const results = await migrateConcurrently(8, () => ['postgres', url, schema]);
    expect(results).toEqual(Array(8).fill({ ok: true, version: SCHEMA_VERSION }));
    const { rows } = await admin.query(
      `select name from "${schema}".quantlab_migrations order by name`,
    );
    expect(rows).toEqual(MIGRATION_NAMES.map((name) => ({ name })));
  });

  it('lets processes start together on the default schema of a fresh database', async () => {
    const database = `qlt_db_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    await admin.query(`create database ${database}`);
    try {
      const target = new URL(url);
      target.pathname = `/${database}`;
      const results = await migrateConcurrently(4, () => ['postgres', target.toString(), '-']);
      expect(results).toEqual(Array(4).fill({ ok: true, version: SCHEMA_VERSION }));
    } finally {
      await admin.query(`drop database ${database} with (force)`);
    }
  });
});
