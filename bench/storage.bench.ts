/**
 * Bulk append throughput of the storage layer, each backend beside its raw driver inserting the
 * same rows in the same run (the ratio is what matters; absolute numbers vary by machine).
 *
 *   npm run bench:storage                       # PostgreSQL from QUANTLAB_PG_URL or 127.0.0.1:5432/test
 *   ROWS=200000 BATCH=5000 npm run bench:storage
 *
 * Baselines: better-sqlite3 prepared INSERT in one transaction per batch; pg multi-row INSERT per
 * batch; DuckDB's appender row by row (quantlab hands it data chunks instead). Every raw table has
 * quantlab's (experiment_id, name, step) index. quantlab goes through `metrics.append(batch)`.
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, timestampValue } from '@duckdb/node-api';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { MetricRecord, StorageBackend } from 'quantlab';
import { duckdb } from 'quantlab/duckdb';
import { memory } from 'quantlab/memory';
import { postgres } from 'quantlab/postgres';
import { sqlite } from 'quantlab/sqlite';

const ROWS = Number(process.env.ROWS ?? 100_000);
const BATCH = Number(process.env.BATCH ?? 1_000);
const PG_URL = process.env.QUANTLAB_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const t0 = Date.UTC(2026, 0, 1);
const rows: MetricRecord[] = Array.from({ length: ROWS }, (_, i) => ({
  experimentId: 'bench',
  name: i % 2 ? 'pnl' : 'equity',
  step: i,
  value: Math.sin(i) * 1000,
  at: new Date(t0 + i * 1000),
}));
const batches: MetricRecord[][] = [];
for (let i = 0; i < ROWS; i += BATCH) batches.push(rows.slice(i, i + BATCH));

async function time(fn: () => Promise<void> | void): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

async function viaQuantlab(backend: StorageBackend): Promise<number> {
  await backend.migrate();
  const seconds = await time(async () => {
    for (const batch of batches) await backend.metrics.append(batch);
  });
  const stored = (await backend.metrics.aggregate('bench')).reduce((n, a) => n + a.count, 0);
  if (stored !== ROWS) throw new Error(`quantlab stored ${stored} rows, expected ${ROWS}`);
  await backend.close();
  return seconds;
}

const results: Array<{
  backend: string;
  baseline: string;
  quantlab: number;
  raw: number | undefined;
}> = [];
const rate = (seconds: number) => Math.round(ROWS / seconds);

async function benchSqlite(): Promise<void> {
  const file = join(tmpdir(), `quantlab-bench-${process.pid}.db`);
  const rawFile = `${file}.raw`;
  const raw = new Database(rawFile);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.exec(
    'create table m (experiment_id text not null, name text not null, step integer not null, value real not null, at integer not null)',
  );
  raw.exec('create index m_idx on m (experiment_id, name, step)');
  const insert = raw.prepare('insert into m values (?, ?, ?, ?, ?)');
  const insertBatch = raw.transaction((batch: MetricRecord[]) => {
    for (const r of batch) insert.run(r.experimentId, r.name, r.step, r.value, r.at.getTime());
  });
  const rawSeconds = await time(() => {
    for (const batch of batches) insertBatch(batch);
  });
  raw.close();
  const quantlab = await viaQuantlab(sqlite({ filename: file }));
  for (const f of [file, rawFile])
    for (const s of ['', '-wal', '-shm']) rmSync(f + s, { force: true });
  results.push({
    backend: 'sqlite',
    baseline: 'better-sqlite3 prepared insert, one transaction per batch',
    quantlab,
    raw: rawSeconds,
  });
}

async function benchPostgres(): Promise<void> {
  const pool = new pg.Pool({ connectionString: PG_URL, max: 2 });
  try {
    await pool.query('select 1');
  } catch {
    console.log(`postgres: skipped, nothing answers at ${PG_URL}`);
    await pool.end();
    return;
  }
  const schema = `qlbench_${process.pid}`;
  await pool.query(`create schema ${schema}`);
  try {
    await pool.query(
      `create table ${schema}.m (experiment_id text not null, name text not null, step bigint not null, value double precision not null, at timestamptz not null)`,
    );
    await pool.query(`create index on ${schema}.m (experiment_id, name, step)`);
    const rawSeconds = await time(async () => {
      for (const batch of batches) {
        const params: unknown[] = [];
        const tuples = batch.map((r, i) => {
          params.push(r.experimentId, r.name, r.step, r.value, r.at);
          const b = i * 5;
          return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5})`;
        });
        await pool.query(`insert into ${schema}.m values ${tuples.join(', ')}`, params);
      }
    });
    const quantlab = await viaQuantlab(
      postgres({ connectionString: PG_URL, max: 2 }, { schema: `${schema}_ql` }),
    );
    results.push({
      backend: 'postgres',
      baseline: 'pg multi-row insert per batch',
      quantlab,
      raw: rawSeconds,
    });
  } finally {
    await pool.query(`drop schema if exists ${schema} cascade`);
    await pool.query(`drop schema if exists ${schema}_ql cascade`);
    await pool.end();
  }
}

async function benchDuckdb(): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run(
    'create table m (experiment_id varchar not null, name varchar not null, step bigint not null, value double not null, "at" timestamp not null)',
  );
  await connection.run('create index m_idx on m (experiment_id, name, step)');
  const rawSeconds = await time(async () => {
    for (const batch of batches) {
      const appender = await connection.createAppender('m');
      for (const r of batch) {
        appender.appendVarchar(r.experimentId);
        appender.appendVarchar(r.name);
        appender.appendBigInt(BigInt(r.step));
        appender.appendDouble(r.value);
        appender.appendTimestamp(timestampValue(BigInt(r.at.getTime()) * 1000n));
        appender.endRow();
      }
      appender.closeSync();
    }
  });
  connection.closeSync();
  instance.closeSync();
  const quantlab = await viaQuantlab(duckdb({ path: ':memory:' }));
  results.push({
    backend: 'duckdb',
    baseline: 'DuckDB appender per batch',
    quantlab,
    raw: rawSeconds,
  });
}

async function benchMemory(): Promise<void> {
  results.push({
    backend: 'memory',
    baseline: '(none)',
    quantlab: await viaQuantlab(memory()),
    raw: undefined,
  });
}

await benchMemory();
await benchSqlite();
await benchPostgres();
await benchDuckdb();

console.log(
  `\nmetrics.append: ${ROWS.toLocaleString('en')} rows in batches of ${BATCH}, node ${process.version}\n`,
);
console.log('| backend | quantlab rows/s | raw driver rows/s | quantlab / raw | baseline |');
console.log('|---|---:|---:|---:|---|');
for (const r of results) {
  const ratio = r.raw === undefined ? '—' : (r.raw / r.quantlab).toFixed(2);
  const raw = r.raw === undefined ? '—' : rate(r.raw).toLocaleString('en');
  console.log(
    `| ${r.backend} | ${rate(r.quantlab).toLocaleString('en')} | ${raw} | ${ratio} | ${r.baseline} |`,
  );
}
