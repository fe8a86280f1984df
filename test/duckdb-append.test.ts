import { DuckDBInstance } from '@duckdb/node-api';
import { Kysely, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { DuckDBDialect, duckdbAppendQuery } from '../backends/duckdb/dialect/index.js';
import { duckdb } from '../backends/duckdb/index.js';
import { BackendError, type MetricRecord, type StorageBackend } from '../src/index.js';

const opened: StorageBackend[] = [];

async function open(): Promise<StorageBackend> {
  const backend = duckdb({ path: ':memory:' });
  opened.push(backend);
  await backend.migrate();
  return backend;
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((backend) => backend.close()));
});

const t0 = Date.UTC(2026, 0, 1);

function points(count: number, experimentId = 'e1', offset = 0): MetricRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    experimentId,
    name: i % 2 === 0 ? 'equity' : 'pnl',
    step: offset + i,
    value: Math.sin(offset + i) * 1000,
    at: new Date(t0 + (offset + i) * 1000),
  }));
}

/** Points in the order `metrics.list` returns them: by name, step, time. */
function sorted(records: readonly MetricRecord[]): MetricRecord[] {
  return [...records].sort((a, b) =>
    a.name !== b.name
      ? Buffer.compare(Buffer.from(a.name), Buffer.from(b.name))
      : a.step - b.step || a.at.getTime() - b.at.getTime(),
  );
}

async function count(backend: StorageBackend, experimentId = 'e1'): Promise<number> {
  const aggregates = await backend.metrics.aggregate(experimentId);
  return aggregates.reduce((n, a) => n + a.count, 0);
}

describe('duckdb metrics.append through the appender', () => {
  it('says so in its capabilities', async () => {
    expect((await open()).capabilities.bulkInsert).toBe('appender');
  });

  it('round-trips extreme values exactly', async () => {
    const backend = await open();
    const values = [0, -0, 1, -1, 0.1, 1e300, -1e300, -1e-300, 5e-324, -5e-324, Math.PI];
    const steps = [
      0,
      1,
      -1,
      2 ** 31,
      -(2 ** 31) - 1,
      Number.MAX_SAFE_INTEGER,
      -Number.MAX_SAFE_INTEGER,
    ];
    const dates = [
      new Date(Date.UTC(1969, 11, 31, 23, 59, 59, 999)),
      new Date(Date.UTC(1900, 0, 1, 0, 0, 0, 1)),
      new Date('0001-01-01T00:00:00.001Z'),
      new Date(0),
      new Date(Date.UTC(2999, 11, 31, 23, 59, 59, 999)),
      new Date(Date.UTC(2026, 5, 15, 12, 34, 56, 789)),
    ];
    const names = ['a', 'é', '日本', '🙂', '', "it's", 'a"b', 'x'.repeat(10_000)];
    const records: MetricRecord[] = [];
    let i = 0;
    for (const value of values) {
      for (const step of steps) {
        for (const at of dates) {
          records.push({ experimentId: 'e1', name: names[i % names.length]!, step, value, at });
          i++;
        }
      }
    }
    await backend.metrics.append(records);
    const listed = await backend.metrics.list('e1');
    expect(listed).toHaveLength(records.length);
    const key = (r: MetricRecord) =>
      `${r.name}|${r.step}|${r.at.toISOString()}|${Object.is(r.value, -0) ? '-0' : r.value}`;
    expect(listed.map(key).sort()).toEqual(records.map(key).sort());
    const aggregates = await backend.metrics.aggregate('e1');
    expect(Math.max(...aggregates.map((a) => a.max))).toBe(1e300);
    expect(Math.min(...aggregates.map((a) => a.min))).toBe(-1e300);
    expect(Math.max(...aggregates.map((a) => a.latestStep))).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('appends 20,000 rows in one call, visible to list and aggregate', async () => {
    const backend = await open();
    const records = points(20_000);
    await backend.metrics.append(records);
    expect(await backend.metrics.list('e1')).toEqual(sorted(records));
    const aggregates = await backend.metrics.aggregate('e1');
    expect(aggregates.map((a) => [a.name, a.count, a.latestStep])).toEqual([
      ['equity', 10_000, 19_998],
      ['pnl', 10_000, 19_999],
    ]);
    const equity = records.filter((r) => r.name === 'equity').map((r) => r.value);
    expect(aggregates[0]!.min).toBe(Math.min(...equity));
    expect(aggregates[0]!.max).toBe(Math.max(...equity));
    expect(aggregates[0]!.latestAt).toEqual(new Date(t0 + 19_998 * 1000));
  });

  it('appends batches around the data chunk size whole', async () => {
    const backend = await open();
    let offset = 0;
    for (const size of [1, 2_047, 2_048, 2_049, 4_096, 4_097]) {
      await backend.metrics.append(points(size, `s${size}`, offset));
      offset += size;
    }
    for (const size of [1, 2_047, 2_048, 2_049, 4_096, 4_097]) {
      expect(await count(backend, `s${size}`)).toBe(size);
    }
  });

  it('rejects a batch with one bad row before writing any of it', async () => {
    const backend = await open();
    const records = points(5_000);
    records[4_321] = { ...records[4_321]!, value: Number.NaN };
    await expect(backend.metrics.append(records)).rejects.toMatchObject({
      name: 'ValidationError',
      field: 'metrics[4321].value',
    });
    expect(await count(backend)).toBe(0);
  });

  it('discards rows appended in a transaction that throws', async () => {
    const backend = await open();
    await backend.metrics.append(points(10, 'e1', 0));
    const error = await backend
      .transaction(async (tx) => {
        await tx.metrics.append(points(3_000, 'e1', 10));
        expect((await tx.metrics.list('e1')).length).toBe(3_010);
        throw new Error('abort');
      })
      .catch((e: unknown) => e);
    expect(String(error)).toBe('Error: abort');
    expect(await count(backend)).toBe(10);
    // The connection is usable and outside a transaction again: the next append commits.
    await backend.metrics.append(points(5, 'e1', 5_000));
    expect(await count(backend)).toBe(15);
  });

  it('shows rows appended in a transaction to its own reads before commit', async () => {
    const backend = await open();
    const records = points(2_500);
    const seen = await backend.transaction(async (tx) => {
      await tx.metrics.append(records.slice(0, 1_000));
      await tx.metrics.append(records.slice(1_000));
      const listed = await tx.metrics.list('e1');
      const aggregated = await tx.metrics.aggregate('e1');
      return { listed: listed.length, aggregated: aggregated.reduce((n, a) => n + a.count, 0) };
    });
    expect(seen).toEqual({ listed: 2_500, aggregated: 2_500 });
    expect(await backend.metrics.list('e1')).toEqual(sorted(records));
  });

  it('lands every row of 10 concurrent appends', async () => {
    const backend = await open();
    const batches = Array.from({ length: 10 }, (_, k) => points(1_000, `c${k % 3}`, k * 1_000));
    await Promise.all(batches.map((batch) => backend.metrics.append(batch)));
    for (let k = 0; k < 3; k++) {
      const expected = batches.filter((_, j) => j % 3 === k).flat();
      expect(await backend.metrics.list(`c${k}`)).toEqual(sorted(expected));
    }
  });

  it('lands concurrent appends beside a transaction without mixing them', async () => {
    const backend = await open();
    const outside = Array.from({ length: 5 }, (_, k) =>
      backend.metrics.append(points(500, 'out', k * 500)),
    );
    const rolledBack = backend
      .transaction(async (tx) => {
        await tx.metrics.append(points(700, 'in'));
        await new Promise((resolve) => setTimeout(resolve, 5));
        throw new Error('abort');
      })
      .catch(() => 'rolled back');
    expect(await Promise.all([...outside, rolledBack])).toContain('rolled back');
    expect(await count(backend, 'out')).toBe(2_500);
    expect(await count(backend, 'in')).toBe(0);
  });
});

/**
 * A driver failure midway: DuckDB's appender flushes on its own every 204,800 rows, so a
 * constraint violation at row 240,000 fails after part of the rows were written.
 */
describe('duckdb metrics.append failing midway', () => {
  let instance: DuckDBInstance | undefined;
  let backend: StorageBackend | undefined;
  afterEach(async () => {
    await backend?.close();
    instance?.closeSync();
    backend = undefined;
    instance = undefined;
  });

  // quantlab_metrics as migrated, plus a CHECK the appended values can violate at flush time.
  async function withCheckedMetrics(): Promise<StorageBackend> {
    instance = await DuckDBInstance.create(':memory:');
    backend = duckdb({ instance });
    await backend.migrate();
    const connection = await instance.connect();
    await connection.run(`
      DROP TABLE quantlab_metrics;
      CREATE TABLE quantlab_metrics (
        experiment_id VARCHAR NOT NULL, name VARCHAR NOT NULL, step BIGINT NOT NULL,
        value DOUBLE NOT NULL CHECK (value < 1e9), "at" TIMESTAMP NOT NULL);`);
    connection.closeSync();
    return backend;
  }

  function poisoned(): MetricRecord[] {
    const records = points(250_000);
    records[240_000] = { ...records[240_000]!, value: 2e9 };
    return records;
  }

  it('leaves nothing outside a transaction', async () => {
    const backend = await withCheckedMetrics();
    const error = await backend.metrics.append(poisoned()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect(String((error as BackendError).message)).toMatch(/CHECK constraint/);
    expect(await count(backend)).toBe(0);
    await backend.metrics.append(points(3));
    expect(await count(backend)).toBe(3);
  });

  it('leaves nothing of a batch that fits one data chunk, appended without BEGIN', async () => {
    const backend = await withCheckedMetrics();
    const records = points(2_000);
    records[1_500] = { ...records[1_500]!, value: 2e9 };
    await expect(backend.metrics.append(records)).rejects.toThrow(/CHECK constraint/);
    expect(await count(backend)).toBe(0);
  });

  it('aborts the enclosing transaction, even when the caller catches the error', async () => {
    const backend = await withCheckedMetrics();
    await backend.metrics.append(points(7, 'before'));
    const error = await backend
      .transaction(async (tx) => {
        await tx.metrics.append(points(5, 'other'));
        const failed = await tx.metrics.append(poisoned()).catch((e: unknown) => e);
        expect(failed).toBeInstanceOf(BackendError);
        return 'done';
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect(String((error as BackendError).message)).toMatch(/rolled back instead of committed/);
    expect(await count(backend)).toBe(0);
    expect(await count(backend, 'other')).toBe(0);
    expect(await count(backend, 'before')).toBe(7);
    await backend.transaction((tx) => tx.metrics.append(points(4)));
    expect(await count(backend)).toBe(4);
  });
});

describe('duckdbAppendQuery on the dialect', () => {
  interface Row {
    id: string;
    n: number | bigint;
    x: number;
    at: Date;
  }
  const columns = [
    { name: 'id', type: 'varchar' },
    { name: 'n', type: 'bigint' },
    { name: 'x', type: 'double' },
    { name: 'at', type: 'timestamp' },
  ] as const;

  async function withDb(fn: (db: Kysely<{ t: Row }>) => Promise<void>): Promise<void> {
    const db = new Kysely<{ t: Row }>({ dialect: new DuckDBDialect() });
    try {
      await sql`create table t (id varchar, n bigint, x double, "at" timestamp)`.execute(db);
      await fn(db);
    } finally {
      await db.destroy();
    }
  }

  const row = (id: string): Row => ({ id, n: 2n ** 62n, x: 1.5, at: new Date(0) });

  it('reports the rows appended and writes bigints that need 64 bits', async () => {
    await withDb(async (db) => {
      const result = await db.executeQuery(
        duckdbAppendQuery({ table: 't' }, columns, [row('a'), row('b')]),
      );
      expect(result.numAffectedRows).toBe(2n);
      const rows = await db.selectFrom('t').selectAll().orderBy('id').execute();
      expect(rows).toEqual([row('a'), row('b')]);
    });
  });

  it('refuses a bad value or a wrong layout before writing, leaving a transaction usable', async () => {
    await withDb(async (db) => {
      await db.transaction().execute(async (trx) => {
        const bad = { ...row('bad'), n: 1.5 };
        await expect(
          trx.executeQuery(duckdbAppendQuery({ table: 't' }, columns, [row('a'), bad])),
        ).rejects.toThrow(/row 1, column n/);
        await expect(
          trx.executeQuery(duckdbAppendQuery({ table: 't' }, columns.slice(0, 3), [row('a')])),
        ).rejects.toThrow(/cannot append to t/);
        await expect(
          trx.executeQuery(duckdbAppendQuery({ table: 'missing' }, columns, [row('a')])),
        ).rejects.toThrow(/missing/);
        await trx.insertInto('t').values(row('ok')).execute();
      });
      expect(await db.selectFrom('t').select('id').execute()).toEqual([{ id: 'ok' }]);
    });
  });

  it('fails in a read-only transaction and writes nothing', async () => {
    await withDb(async (db) => {
      const error = await db
        .transaction()
        .setAccessMode('read only')
        .execute((trx) => trx.executeQuery(duckdbAppendQuery({ table: 't' }, columns, [row('a')])))
        .catch((e: unknown) => e);
      expect(String(error)).toMatch(/read-only/);
      expect(await db.selectFrom('t').selectAll().execute()).toEqual([]);
    });
  });

  it('is not valid SQL for any other connection', () => {
    const query = duckdbAppendQuery({ table: 't', schema: 'main' }, columns, [row('a')]);
    expect(query.sql).toBe(
      'APPEND INTO "main"."t" ("id", "n", "x", "at") /* 1 rows, DuckDB appender */',
    );
  });
});
