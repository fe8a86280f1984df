/**
 * `lab.experiments` on every backend, each figure beside a baseline measured in the same run.
 *
 *   npm run bench:experiments                   # PostgreSQL from QUANTLAB_PG_URL or 127.0.0.1:5432/test
 *   ROWS=200000 EXPERIMENTS=100000 DUCKDB=memory npm run bench:experiments
 *   BACKENDS=sqlite,duckdb npm run bench:experiments
 *
 * 1. logMetric throughput. ROWS points go through `lab.experiments.logMetric(id, name, value,
 *    { step })` in a tight synchronous loop, then `await lab.experiments.flush()`; rows/s counts
 *    from the first call to the end of the flush. The loop never yields, so the write-behind
 *    buffer (default capacity 100,000 pending) fills up: like a real caller, the loop catches
 *    `BackpressureError`, awaits `flush()` and retries that call (the count is printed). The
 *    per-call cost the caller sees is the loop's time without those flushes, divided by ROWS.
 *    Baseline: the raw driver inserting the same rows the fastest ordinary way into a table with
 *    quantlab's (experiment_id, name, step) index, as in bench/storage.bench.ts (better-sqlite3
 *    prepared INSERT in one transaction per 1,000; pg multi-row INSERT per 1,000; DuckDB's
 *    appender per 1,000). Beside both, the backend's own `metrics.append` per 1,000 (no facade),
 *    to split the facade's cost from the store's. Goal: quantlab >= 0.5x the raw driver.
 *
 *    The count stored is checked through `summary(id)` (metric names avoid `equity`/`returns`,
 *    whose trading figures would load the series).
 *
 * 2. list/filter latency over EXPERIMENTS experiments (default 100,000; 7 statuses with exactly
 *    5 % queued, 20 strategies, tags t0-t9, created over a year, priority 1-10), seeded through
 *    the store (`tx.experiments.insert` inside `backend.transaction`, 1,000 per transaction),
 *    then `createLab(backend)` over them. Median and p95 of 20 runs after 3 warm-ups; baseline:
 *    `get(id)` by primary key in the same run. When the first 5,000 inserts project the seed
 *    past SEED_BUDGET seconds (default 120; DuckDB at ~3 ms an insert), the rest goes through a
 *    raw bulk path of the same columns, encoded by quantlab's own `experimentToRow` (DuckDB's
 *    appender; pg multi-row INSERT), and a sample is read back and compared with what was seeded.
 *    SQLite and PostgreSQL are timed again after ANALYZE (quantlab never runs it; PostgreSQL's
 *    autovacuum would, some time after a bulk load).
 *
 * Files go to the OS temp dir (DuckDB too, unless DUCKDB=memory) and are removed; PostgreSQL
 * work happens in fresh schemas that are dropped; PostgreSQL is skipped when nothing answers.
 */
import { createHash } from 'node:crypto';
import { cpus } from 'node:os';
import { isDeepStrictEqual } from 'node:util';
import { DuckDBInstance, timestampValue } from '@duckdb/node-api';
import Database from 'better-sqlite3';
import pg from 'pg';
import {
  BackpressureError,
  createLab,
  type ExperimentRecord,
  type Lab,
  type MetricRecord,
  type StorageBackend,
} from 'quantlab';
import { duckdb } from 'quantlab/duckdb';
import { memory } from 'quantlab/memory';
import { postgres } from 'quantlab/postgres';
import { sqlite } from 'quantlab/sqlite';
import { duckdbTraits } from '../backends/duckdb/traits.js';
import { postgresTraits } from '../backends/postgres/traits.js';
import { experimentToRow } from '../src/storage/sql/rows.js';
import type { DialectTraits } from '../src/storage/sql/traits.js';
import { benchFile, PG_URL, postgresAnswers, removeDatabaseFiles } from './support.js';

const ROWS = Number(process.env.ROWS ?? 200_000);
const EXPERIMENTS = Number(process.env.EXPERIMENTS ?? 100_000);
const BATCH = 1_000;
const SEED_CHUNK = 1_000;
/** Chunks seeded through the store before deciding whether the rest needs the raw bulk path. */
const SEED_PROBE_CHUNKS = 5;
/** Seeding projected to take longer than this switches to the raw bulk path (where there is one). */
const SEED_BUDGET_SECONDS = Number(process.env.SEED_BUDGET ?? 120);
const RUNS = 20;
const WARMUPS = 3;
const DUCKDB_IN_MEMORY = process.env.DUCKDB === 'memory';
const BACKENDS = (process.env.BACKENDS ?? 'memory,sqlite,postgres,duckdb').split(',');
const METRIC_NAMES = ['pnl', 'drawdown'] as const;
const LAB_OPTIONS = { experiments: { provenance: { capture: false } } } as const;

// ------------------------------------------------------------------------------- helpers

const now = () => process.hrtime.bigint();
const seconds = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e9;
const fmt = (n: number) => Math.round(n).toLocaleString('en');
const ms = (s: number) => (s * 1000).toFixed(s < 0.001 ? 3 : 2);

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** Whether autovacuum has analyzed the seeded tables yet (it may, during a long seed). */
async function autoAnalyzeState(schema: string): Promise<string> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ relname: string; analyzed: boolean }>(
      'select relname, last_autoanalyze is not null as analyzed from pg_stat_user_tables where schemaname = $1 and relname in ($2, $3) order by relname',
      [schema, 'quantlab_experiment_tags', 'quantlab_experiments'],
    );
    return rows
      .map((r) => `${r.relname}: ${r.analyzed ? 'autovacuum analyzed it' : 'never analyzed'}`)
      .join(', ');
  } finally {
    await client.end();
  }
}

const definition = (name: string) => ({
  name,
  type: 'backtest' as const,
  strategy: 'bench',
  symbols: ['BTC/USD'],
  timeframe: '1h' as const,
  dateRange: { from: '2025-01-01', to: '2025-06-30' },
});

// ------------------------------------------------------------------- 1. logMetric throughput

/** The points the loop logs, precomputed so that both sides get the same values. */
const values = Float64Array.from({ length: ROWS }, (_, i) => Math.sin(i) * 1000);
const nameOf = (i: number) => METRIC_NAMES[i & 1] as string;
const stepOf = (i: number) => i >> 1;

function rawRows(experimentId: string): MetricRecord[][] {
  const at0 = Date.now();
  const batches: MetricRecord[][] = [];
  for (let i = 0; i < ROWS; i += BATCH) {
    const batch: MetricRecord[] = [];
    for (let j = i; j < Math.min(ROWS, i + BATCH); j++) {
      batch.push({
        experimentId,
        name: nameOf(j),
        step: stepOf(j),
        value: values[j] as number,
        at: new Date(at0 + j),
      });
    }
    batches.push(batch);
  }
  return batches;
}

interface ThroughputResult {
  backend: string;
  baseline: string;
  /** Seconds from the first logMetric call to the end of the final flush. */
  quantlab: number;
  /** Seconds of the loop itself without the flushes awaited on backpressure. */
  callSeconds: number;
  backpressure: number;
  /** Seconds of backend.metrics.append per 1,000 (no facade). */
  store: number;
  raw: number | undefined;
}
const throughput: ThroughputResult[] = [];

/** Logs ROWS points through the facade; returns the timings. */
async function logThroughFacade(lab: Lab, id: string) {
  const experiments = lab.experiments;
  let backpressure = 0;
  let flushSeconds = 0;
  const start = now();
  for (let i = 0; i < ROWS; i++) {
    const name = nameOf(i);
    const value = values[i] as number;
    const step = stepOf(i);
    try {
      experiments.logMetric(id, name, value, { step });
    } catch (error) {
      if (!(error instanceof BackpressureError)) throw error;
      backpressure++;
      const f = now();
      await experiments.flush();
      flushSeconds += seconds(f);
      experiments.logMetric(id, name, value, { step });
    }
  }
  const loopSeconds = seconds(start);
  await experiments.flush();
  const total = seconds(start);
  const summary = await experiments.summary(id);
  const stored = METRIC_NAMES.reduce((n, m) => n + (summary.metrics[m]?.count ?? 0), 0);
  if (stored !== ROWS) throw new Error(`quantlab stored ${stored} points, expected ${ROWS}`);
  return { total, callSeconds: loopSeconds - flushSeconds, backpressure };
}

/** The store's own append, per batch of 1,000, on a fresh backend. */
async function appendThroughStore(backend: StorageBackend, batches: MetricRecord[][]) {
  await backend.migrate();
  const start = now();
  for (const batch of batches) await backend.metrics.append(batch);
  const s = seconds(start);
  const stored = (await backend.metrics.aggregate('store-bench')).reduce((n, a) => n + a.count, 0);
  await backend.close();
  if (stored !== ROWS) throw new Error(`store stored ${stored} points, expected ${ROWS}`);
  return s;
}

async function facadeRun(backend: StorageBackend) {
  const lab = await createLab(backend, LAB_OPTIONS);
  try {
    const experiment = await lab.experiments.create(definition('logMetric throughput'));
    return await logThroughFacade(lab, experiment.id);
  } finally {
    await lab.close();
  }
}

async function throughputMemory(): Promise<void> {
  const run = await facadeRun(memory());
  const store = await appendThroughStore(memory(), rawRows('store-bench'));
  throughput.push({
    backend: 'memory',
    baseline: '(no driver)',
    quantlab: run.total,
    callSeconds: run.callSeconds,
    backpressure: run.backpressure,
    store,
    raw: undefined,
  });
}

async function throughputSqlite(): Promise<void> {
  const rawFile = benchFile('exp', 'raw.db');
  const labFile = benchFile('exp', 'lab.db');
  const storeFile = benchFile('exp', 'store.db');
  try {
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
    const batches = rawRows('raw-bench');
    const start = now();
    for (const batch of batches) insertBatch(batch);
    const rawSeconds = seconds(start);
    raw.close();

    const run = await facadeRun(sqlite({ filename: labFile }));
    const store = await appendThroughStore(sqlite({ filename: storeFile }), rawRows('store-bench'));
    throughput.push({
      backend: 'sqlite (file)',
      baseline: 'better-sqlite3 prepared insert, one transaction per 1,000',
      quantlab: run.total,
      callSeconds: run.callSeconds,
      backpressure: run.backpressure,
      store,
      raw: rawSeconds,
    });
  } finally {
    removeDatabaseFiles(rawFile, labFile, storeFile);
  }
}

async function throughputPostgres(): Promise<void> {
  if (!(await postgresAnswers())) {
    console.log(`postgres: skipped, nothing answers at ${PG_URL}`);
    return;
  }
  const schema = `qlbench_exp_${process.pid}`;
  const pool = new pg.Pool({ connectionString: PG_URL, max: 2 });
  try {
    await pool.query(`create schema ${schema}`);
    await pool.query(
      `create table ${schema}.m (experiment_id text not null, name text not null, step bigint not null, value double precision not null, at timestamptz not null)`,
    );
    await pool.query(`create index on ${schema}.m (experiment_id, name, step)`);
    const batches = rawRows('raw-bench');
    const start = now();
    for (const batch of batches) {
      const params: unknown[] = [];
      const tuples = batch.map((r, i) => {
        params.push(r.experimentId, r.name, r.step, r.value, r.at);
        const b = i * 5;
        return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5})`;
      });
      await pool.query(`insert into ${schema}.m values ${tuples.join(', ')}`, params);
    }
    const rawSeconds = seconds(start);

    const run = await facadeRun(
      postgres({ connectionString: PG_URL, max: 2 }, { schema: `${schema}_lab` }),
    );
    const store = await appendThroughStore(
      postgres({ connectionString: PG_URL, max: 2 }, { schema: `${schema}_store` }),
      rawRows('store-bench'),
    );
    throughput.push({
      backend: 'postgres',
      baseline: 'pg multi-row insert per 1,000',
      quantlab: run.total,
      callSeconds: run.callSeconds,
      backpressure: run.backpressure,
      store,
      raw: rawSeconds,
    });
  } finally {
    for (const s of [schema, `${schema}_lab`, `${schema}_store`])
      await pool.query(`drop schema if exists ${s} cascade`);
    await pool.end();
  }
}

async function throughputDuckdb(): Promise<void> {
  const rawFile = DUCKDB_IN_MEMORY ? ':memory:' : benchFile('exp', 'raw.duckdb');
  const labFile = DUCKDB_IN_MEMORY ? ':memory:' : benchFile('exp', 'lab.duckdb');
  const storeFile = DUCKDB_IN_MEMORY ? ':memory:' : benchFile('exp', 'store.duckdb');
  try {
    const instance = await DuckDBInstance.create(rawFile);
    const connection = await instance.connect();
    await connection.run(
      'create table m (experiment_id varchar not null, name varchar not null, step bigint not null, value double not null, "at" timestamp not null)',
    );
    await connection.run('create index m_idx on m (experiment_id, name, step)');
    const batches = rawRows('raw-bench');
    const start = now();
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
    const rawSeconds = seconds(start);
    connection.closeSync();
    instance.closeSync();

    const run = await facadeRun(duckdb({ path: labFile }));
    const store = await appendThroughStore(duckdb({ path: storeFile }), rawRows('store-bench'));
    throughput.push({
      backend: `duckdb (${DUCKDB_IN_MEMORY ? 'memory' : 'file'})`,
      baseline: 'DuckDB appender per 1,000',
      quantlab: run.total,
      callSeconds: run.callSeconds,
      backpressure: run.backpressure,
      store,
      raw: rawSeconds,
    });
  } finally {
    if (!DUCKDB_IN_MEMORY) removeDatabaseFiles(rawFile, labFile, storeFile);
  }
}

// ------------------------------------------------------------------ 2. list/filter latency

const STATUSES = ['created', 'queued', 'running', 'completed', 'failed', 'cancelled', 'archived'];
const OTHER_STATUSES = STATUSES.filter((s) => s !== 'queued');
const TYPES = ['backtest', 'strategy_optimization', 'model_training', 'live_paper'];
const YEAR_MS = 365 * 86_400_000;
/** Every 20th experiment is queued: 5,000 of 100,000 (what `next()` chooses among). */
const QUEUED_EVERY = 20;

/** The seeded experiments, deterministic: same records on every backend. */
function experimentRecords(): ExperimentRecord[] {
  const random = prng(42);
  const end = Date.UTC(2026, 10, 1);
  const records: ExperimentRecord[] = [];
  for (let i = 0; i < EXPERIMENTS; i++) {
    const status =
      i % QUEUED_EVERY === 0
        ? 'queued'
        : (OTHER_STATUSES[Math.floor(random() * OTHER_STATUSES.length)] as string);
    const createdAt = new Date(end - Math.floor(random() * YEAR_MS));
    const minute = 60_000;
    const queuedAt = status === 'created' ? null : new Date(createdAt.getTime() + minute);
    const started = ['running', 'completed', 'failed', 'archived'].includes(status);
    const finished = ['completed', 'failed', 'cancelled', 'archived'].includes(status);
    const tagA = `t${Math.floor(random() * 10)}`;
    const tagB = `t${Math.floor(random() * 10)}`;
    const strategy = `s${Math.floor(random() * 20)}`;
    const params = { fast: 5 + (i % 50), slow: 50 + (i % 150) };
    const config = {
      symbols: ['BTC/USD'],
      timeframe: '1h',
      dateRange: { from: '2025-01-01T00:00:00.000Z', to: '2025-06-30T00:00:00.000Z' },
      params,
      strategyParams: {},
      modelParams: {},
      featureParams: {},
      inputs: {},
      seed: i,
    };
    records.push({
      id: `exp-${String(i).padStart(7, '0')}`,
      name: `experiment ${i}`,
      description: null,
      type: TYPES[i % TYPES.length] as string,
      strategy,
      status,
      priority: 1 + Math.floor(random() * 10),
      configHash: createHash('sha256').update(JSON.stringify(config)).digest('hex'),
      config,
      tags: tagA === tagB ? [tagA] : [tagA, tagB],
      parentId: null,
      gitCommit: null,
      provenance: { nodeVersion: process.version, platform: process.platform },
      metadata: {},
      error: status === 'failed' ? 'bench failure' : null,
      errorCount: status === 'failed' ? 1 : 0,
      resources: { cpuCores: 1, memoryGb: 2, gpuUnits: 0, diskGb: 0 },
      maxRuntimeHours: 24,
      autoCleanup: true,
      createdAt,
      updatedAt: createdAt,
      queuedAt,
      startedAt: started ? new Date(createdAt.getTime() + 2 * minute) : null,
      completedAt: finished ? new Date(createdAt.getTime() + 60 * minute) : null,
    });
  }
  return records;
}

interface LatencyResult {
  backend: string;
  note: string;
  rows: Array<{ query: string; median: number; p95: number; returned: number }>;
}
const latency: LatencyResult[] = [];

/** A raw bulk path for seeding, used only when the store path would take too long. */
interface BulkSeeder {
  describe: string;
  insert(records: ExperimentRecord[]): Promise<void>;
}

/**
 * Seeds through `tx.experiments.insert`, SEED_CHUNK per transaction. After SEED_PROBE_CHUNKS
 * chunks, when the projected total exceeds SEED_BUDGET_SECONDS and the backend has a raw bulk
 * path, the rest goes through that path instead.
 */
async function seed(
  backend: StorageBackend,
  records: ExperimentRecord[],
  bulk: BulkSeeder | undefined,
): Promise<{ seconds: number; path: string }> {
  const start = now();
  for (let i = 0; i < records.length; i += SEED_CHUNK) {
    const chunk = records.slice(i, i + SEED_CHUNK);
    await backend.transaction(async (tx) => {
      for (const r of chunk) await tx.experiments.insert(r);
    });
    const done = Math.min(records.length, i + SEED_CHUNK);
    const s = seconds(start);
    const projected = (s * records.length) / done;
    if (done === SEED_PROBE_CHUNKS * SEED_CHUNK || done % 20_000 === 0) {
      console.log(
        `  seeded ${fmt(done)} through tx.experiments.insert in ${s.toFixed(1)} s (${((s / done) * 1e6).toFixed(0)} µs each, projected ${projected.toFixed(0)} s)`,
      );
    }
    if (
      bulk !== undefined &&
      done === SEED_PROBE_CHUNKS * SEED_CHUNK &&
      done < records.length &&
      projected > SEED_BUDGET_SECONDS
    ) {
      const rest = records.slice(done);
      const b = now();
      await bulk.insert(rest);
      const bulkSeconds = seconds(b);
      console.log(
        `  projected over ${SEED_BUDGET_SECONDS} s: seeded the other ${fmt(rest.length)} through ${bulk.describe} in ${bulkSeconds.toFixed(1)} s`,
      );
      return {
        seconds: seconds(start),
        path: `tx.experiments.insert for the first ${fmt(done)} (${((s / done) * 1e6).toFixed(0)} µs each, ${projected.toFixed(0)} s projected for all), then ${bulk.describe} for the other ${fmt(rest.length)} (${bulkSeconds.toFixed(1)} s)`,
      };
    }
  }
  const total = seconds(start);
  return {
    seconds: total,
    path: `tx.experiments.insert, ${fmt(SEED_CHUNK)} per transaction (${((total / records.length) * 1e6).toFixed(0)} µs each)`,
  };
}

/** The stored rows of `records` (quantlab's own encoding) and their tag rows. */
function encode(traits: DialectTraits, records: ExperimentRecord[]) {
  const rows = records.map((r) => experimentToRow(traits, r) as unknown as Record<string, unknown>);
  const tags = records.flatMap((r) => [...new Set(r.tags)].map((tag) => [r.id, tag] as const));
  return { rows, tags };
}

/** DuckDB: its appender on a second connection to the backend's instance, same columns. */
function duckdbBulk(instance: DuckDBInstance): BulkSeeder {
  return {
    describe: 'DuckDB appender (rows encoded by experimentToRow)',
    async insert(records) {
      const { rows, tags } = encode(duckdbTraits, records);
      const connection = await instance.connect();
      try {
        const reader = await connection.runAndReadAll(
          "select column_name, data_type from information_schema.columns where table_name = 'quantlab_experiments' order by ordinal_position",
        );
        const columns = reader.getRowObjects() as Array<{ column_name: string; data_type: string }>;
        const appender = await connection.createAppender('quantlab_experiments');
        for (const row of rows) {
          for (const { column_name: name, data_type: type } of columns) {
            const value = row[name];
            if (value === null || value === undefined) appender.appendNull();
            else if (type === 'TIMESTAMP')
              appender.appendTimestamp(timestampValue(BigInt((value as Date).getTime()) * 1000n));
            else if (type === 'INTEGER') appender.appendInteger(value as number);
            else if (type === 'BIGINT') appender.appendBigInt(BigInt(value as number));
            else if (type === 'DOUBLE') appender.appendDouble(value as number);
            else if (type === 'BOOLEAN') appender.appendBoolean(value as boolean);
            else appender.appendVarchar(value as string);
          }
          appender.endRow();
        }
        appender.closeSync();
        const tagAppender = await connection.createAppender('quantlab_experiment_tags');
        for (const [id, tag] of tags) {
          tagAppender.appendVarchar(id);
          tagAppender.appendVarchar(tag);
          tagAppender.endRow();
        }
        tagAppender.closeSync();
      } finally {
        connection.closeSync();
      }
    },
  };
}

/** PostgreSQL: multi-row INSERT of the same columns, 1,000 rows per statement, one transaction. */
function postgresBulk(schema: string): BulkSeeder {
  return {
    describe: 'pg multi-row INSERT per 1,000 (rows encoded by experimentToRow)',
    async insert(records) {
      const { rows, tags } = encode(postgresTraits(schema), records);
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      const multiRow = async (table: string, columns: string[], tuples: unknown[][]) => {
        for (let i = 0; i < tuples.length; i += 1_000) {
          const params: unknown[] = [];
          const values = tuples.slice(i, i + 1_000).map((tuple) => {
            const base = params.length;
            params.push(...tuple);
            return `(${tuple.map((_, j) => `$${base + j + 1}`).join(', ')})`;
          });
          await client.query(
            `insert into ${schema}.${table} (${columns.join(', ')}) values ${values.join(', ')}`,
            params,
          );
        }
      };
      try {
        await client.query('begin');
        const columns = Object.keys(rows[0] ?? {});
        await multiRow(
          'quantlab_experiments',
          columns,
          rows.map((row) => columns.map((c) => row[c])),
        );
        await multiRow(
          'quantlab_experiment_tags',
          ['experiment_id', 'tag'],
          tags.map((t) => [...t]),
        );
        await client.query('commit');
      } catch (error) {
        await client.query('rollback').catch(() => {});
        throw error;
      } finally {
        await client.end();
      }
    },
  };
}

async function timeQuery<T>(run: () => Promise<T>, count: (t: T) => number) {
  for (let i = 0; i < WARMUPS; i++) await run();
  const samples: number[] = [];
  let returned = 0;
  for (let i = 0; i < RUNS; i++) {
    const start = now();
    const result = await run();
    samples.push(seconds(start));
    returned = count(result);
  }
  samples.sort((a, b) => a - b);
  const median = ((samples[(RUNS - 1) >> 1] as number) + (samples[RUNS >> 1] as number)) / 2;
  const p95 = samples[Math.ceil(0.95 * RUNS) - 1] as number;
  return { median, p95, returned };
}

/** The timed queries, each after WARMUPS untimed runs. */
async function timeQueries(
  lab: Lab,
  backend: StorageBackend,
  records: ExperimentRecord[],
): Promise<LatencyResult['rows']> {
  const ex = lab.experiments;
  const rows: LatencyResult['rows'] = [];
  const page = (p: { experiments: unknown[] }) => p.experiments.length;
  const random = prng(7);
  const getIds = Array.from(
    { length: WARMUPS + RUNS },
    () => (records[Math.floor(random() * records.length)] as ExperimentRecord).id,
  );
  let g = 0;
  rows.push({
    query: 'get(id) — baseline, primary key',
    ...(await timeQuery(
      () => ex.get(getIds[g++ % getIds.length] as string),
      () => 1,
    )),
  });
  rows.push({
    query: 'list({ limit: 100 })',
    ...(await timeQuery(() => ex.list({ limit: 100 }), page)),
  });
  rows.push({
    query: "list({ status: 'completed', limit: 100 })",
    ...(await timeQuery(() => ex.list({ status: 'completed', limit: 100 }), page)),
  });
  rows.push({
    query: "list({ strategy: 's7', limit: 100 })",
    ...(await timeQuery(() => ex.list({ strategy: 's7', limit: 100 }), page)),
  });
  rows.push({
    query: "list({ tag: 't3', limit: 100 })",
    ...(await timeQuery(() => ex.list({ tag: 't3', limit: 100 }), page)),
  });
  // Page 50 (or the last full page of a smaller seed): walk there untimed, then time that page.
  const completed = records.filter((r) => r.status === 'completed').length;
  const deepPage = Math.max(2, Math.min(50, Math.floor(completed / 100)));
  let cursor: string | null = null;
  for (let p = 1; p < deepPage; p++) {
    const result = await ex.list({
      status: 'completed',
      limit: 100,
      ...(cursor !== null && { cursor }),
    });
    cursor = result.nextCursor;
    if (cursor === null) throw new Error(`status completed has fewer than ${deepPage} pages`);
  }
  const deep = cursor as string;
  rows.push({
    query: `page ${deepPage} of list({ status: 'completed', limit: 100 }) by cursor`,
    ...(await timeQuery(() => ex.list({ status: 'completed', limit: 100, cursor: deep }), page)),
  });
  const queued = Math.ceil(records.length / QUEUED_EVERY);
  rows.push({
    query: `next() with ${fmt(queued)} queued`,
    ...(await timeQuery(
      () => ex.next(),
      (e) => (e === undefined ? 0 : 1),
    )),
  });
  // next() is two store queries; time each on its own to show where its time goes.
  rows.push({
    query: '↳ part of next(): store runningTotals()',
    ...(await timeQuery(
      () => backend.experiments.runningTotals(),
      () => 1,
    )),
  });
  rows.push({
    query: "↳ part of next(): store list({ status: ['queued'], order: 'queue', limit: 1 })",
    ...(await timeQuery(
      () => backend.experiments.list({ status: ['queued'], order: 'queue', limit: 1 }),
      (r) => r.length,
    )),
  });
  return rows;
}

/**
 * Seeds, checks the seed reads back unchanged, opens a lab over the backend and times the
 * queries. With `analyze` (SQLite, PostgreSQL), runs it afterwards and times them again: quantlab
 * never runs ANALYZE itself, SQLite never gathers statistics on its own, and PostgreSQL's
 * autovacuum does so only some time after a bulk load.
 */
async function measureLatency(
  label: string,
  backend: StorageBackend,
  records: ExperimentRecord[],
  extra: {
    bulk?: BulkSeeder;
    analyze?: { describe: string; run: () => Promise<void>; state?: () => Promise<string> };
  } = {},
): Promise<void> {
  console.log(`${label}: seeding ${fmt(records.length)} experiments`);
  await backend.migrate();
  const seeded = await seed(backend, records, extra.bulk);
  // Whatever the path, the store must give the records back unchanged.
  for (let i = 0; i < records.length; i += Math.max(1, Math.floor(records.length / 50))) {
    const record = records[i] as ExperimentRecord;
    const stored = await backend.experiments.get(record.id);
    if (!isDeepStrictEqual(stored, record)) {
      throw new Error(`${label}: ${record.id} reads back differently from what was seeded`);
    }
  }
  const lab = await createLab(backend, LAB_OPTIONS);
  try {
    const seedNote = `Seeded in ${seeded.seconds.toFixed(1)} s: ${seeded.path}.`;
    const statistics = extra.analyze
      ? ` No explicit ANALYZE${extra.analyze.state ? ` (${await extra.analyze.state()})` : ''}.`
      : '';
    latency.push({
      backend: label,
      note: seedNote + statistics,
      rows: await timeQueries(lab, backend, records),
    });
    if (extra.analyze) {
      const a = now();
      await extra.analyze.run();
      latency.push({
        backend: `${label}, after ${extra.analyze.describe}`,
        note: `Same data, after ${extra.analyze.describe} (${seconds(a).toFixed(1)} s).`,
        rows: await timeQueries(lab, backend, records),
      });
    }
  } finally {
    await lab.close();
  }
}

async function latencyMemory(records: ExperimentRecord[]): Promise<void> {
  await measureLatency('memory', memory(), records);
}

async function latencySqlite(records: ExperimentRecord[]): Promise<void> {
  const file = benchFile('exp', 'list.db');
  try {
    await measureLatency('sqlite (file)', sqlite({ filename: file }), records, {
      analyze: {
        describe: 'ANALYZE',
        // A second connection to the file (WAL): the backend exposes no raw SQL.
        run: async () => {
          const db = new Database(file);
          try {
            db.exec('analyze');
          } finally {
            db.close();
          }
        },
      },
    });
  } finally {
    removeDatabaseFiles(file);
  }
}

async function latencyPostgres(records: ExperimentRecord[]): Promise<void> {
  if (!(await postgresAnswers())) {
    console.log(`postgres: skipped, nothing answers at ${PG_URL}`);
    return;
  }
  const schema = `qlbench_exp_${process.pid}_list`;
  try {
    await measureLatency(
      'postgres',
      postgres({ connectionString: PG_URL, max: 2 }, { schema }),
      records,
      {
        bulk: postgresBulk(schema),
        analyze: {
          describe: 'ANALYZE',
          run: () =>
            adminQuery(
              `analyze ${schema}.quantlab_experiments, ${schema}.quantlab_experiment_tags`,
            ),
          state: () => autoAnalyzeState(schema),
        },
      },
    );
  } finally {
    await adminQuery(`drop schema if exists ${schema} cascade`);
  }
}

async function latencyDuckdb(records: ExperimentRecord[]): Promise<void> {
  const file = DUCKDB_IN_MEMORY ? ':memory:' : benchFile('exp', 'list.duckdb');
  // The bench opens the instance so that the bulk seeder can reach it; the lab never closes a
  // caller's instance, so it is closed here.
  const instance = await DuckDBInstance.create(file);
  try {
    await measureLatency(
      `duckdb (${DUCKDB_IN_MEMORY ? 'memory' : 'file'})`,
      duckdb({ instance }),
      records,
      { bulk: duckdbBulk(instance) },
    );
  } finally {
    instance.closeSync();
    if (!DUCKDB_IN_MEMORY) removeDatabaseFiles(file);
  }
}

// ----------------------------------------------------------------------------------- main

const started = now();
console.log(
  `node ${process.version}, ${cpus().length} cores, ROWS=${ROWS}, EXPERIMENTS=${EXPERIMENTS}, backends ${BACKENDS.join(', ')}\n`,
);
const want = (b: string) => BACKENDS.includes(b);
if (want('memory')) await throughputMemory();
if (want('sqlite')) await throughputSqlite();
if (want('postgres')) await throughputPostgres();
if (want('duckdb')) await throughputDuckdb();

console.log(
  `\n## logMetric: ${fmt(ROWS)} points, tight loop + flush (default buffer: maxBatch 1,000, capacity 100,000)\n`,
);
console.log(
  'Backpressure: on BackpressureError the loop awaits lab.experiments.flush() and retries that call.\n',
);
console.log('| backend | quantlab rows/s | raw rows/s | quantlab/raw | goal ≥ 0.5 met? |');
console.log('|---|---:|---:|---:|---|');
for (const r of throughput) {
  const ratio = r.raw === undefined ? undefined : r.raw / r.quantlab;
  console.log(
    `| ${r.backend} | ${fmt(ROWS / r.quantlab)} | ${r.raw === undefined ? '—' : fmt(ROWS / r.raw)} | ${ratio === undefined ? '—' : ratio.toFixed(2)} | ${ratio === undefined ? 'n/a (no driver)' : ratio >= 0.5 ? 'yes' : 'no'} |`,
  );
}
console.log(
  '\n| backend | logMetric ns/call (loop only) | backpressure flushes | store append rows/s (no facade) | quantlab/store | raw baseline |',
);
console.log('|---|---:|---:|---:|---:|---|');
for (const r of throughput) {
  console.log(
    `| ${r.backend} | ${fmt((r.callSeconds / ROWS) * 1e9)} | ${r.backpressure} | ${fmt(ROWS / r.store)} | ${(r.store / r.quantlab).toFixed(2)} | ${r.baseline} |`,
  );
}

const records = experimentRecords();
console.log('');
if (want('memory')) await latencyMemory(records);
if (want('sqlite')) await latencySqlite(records);
if (want('postgres')) await latencyPostgres(records);
if (want('duckdb')) await latencyDuckdb(records);

for (const r of latency) {
  console.log(`\n## list/filter over ${fmt(EXPERIMENTS)} experiments: ${r.backend}\n\n${r.note}\n`);
  const base = r.rows[0]?.median ?? Number.NaN;
  console.log('| query | rows | median ms | p95 ms | median / get(id) |');
  console.log('|---|---:|---:|---:|---:|');
  for (const q of r.rows) {
    console.log(
      `| ${q.query} | ${q.returned} | ${ms(q.median)} | ${ms(q.p95)} | ${(q.median / base).toFixed(1)} |`,
    );
  }
}
console.log(`\ntotal ${seconds(started).toFixed(0)} s`);
