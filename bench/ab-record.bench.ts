/**
 * `lab.abTests.recordPrediction` + `recordOutcome` throughput on SQLite, PostgreSQL and DuckDB,
 * each beside its raw driver inserting the same rows into identical tables, in the same run:
 *
 *   npm run bench:ab:record                     # PostgreSQL from QUANTLAB_PG_URL or 127.0.0.1:5432/test
 *   N=50000 BACKENDS=sqlite,duckdb npm run bench:ab:record
 *   MAX_BATCH=10000 BACKENDS=duckdb npm run bench:ab:record   # the buffer's maxBatch (default 1,000)
 *   YIELD=1000 npm run bench:ab:record         # the loop yields (setImmediate) every 1,000 units
 *
 * quantlab: a lab over the backend, two model versions (control, challenger) and a test created
 * through `lab.abTests.create` (hash allocation, 50/50, a fixed hash seed). For each of
 * N (default 200,000) units, in a tight synchronous loop: `route(testId, { unit })`, then
 * `recordPrediction(testId, { variant, unit, prediction, features: { rsi, spread } })`, then
 * `recordOutcome(id, actual)` (its promise is not awaited: a prediction recorded in this process
 * is accepted at once), then `await lab.abTests.flush()`. The time runs from the first call to
 * the end of that flush. Default buffer (maxBatch 1,000 items, capacity 100,000): the loop
 * never yields, so the buffer fills; like a real caller, the loop catches `BackpressureError`,
 * awaits `flush()` and retries the call (the count is printed). Each batch is one transaction:
 * the prediction rows, the outcome rows, and the upsert of the per-variant aggregates.
 *
 * Counted: N predictions + N outcomes = 2N rows; "outcomes/s" is N / time, "rows/s" 2N / time.
 * The stored counts are checked through `results()` (predictions and n per variant).
 *
 * Raw baseline: the same 2N rows (same ids, values, JSON text and timestamps, built before the
 * clock starts; JSON and dates encoded inside the timed loop, as quantlab must) inserted by the
 * driver into tables of identical columns, keys and indexes in the same database (SQLite: the
 * DDL of quantlab's tables copied from sqlite_master; PostgreSQL: `CREATE TABLE ... (LIKE ...
 * INCLUDING ALL)`; DuckDB: the DDL from duckdb_tables() and duckdb_indexes()), 1,000 rows per
 * transaction: 1,000 predictions, then their 1,000 outcomes. better-sqlite3: prepared INSERT per
 * row, one transaction per 1,000 (second connection on the file); pg: one multi-row INSERT per
 * 1,000; DuckDB: its appender per 1,000, row by row (second connection on the lab's instance).
 * The raw baseline maintains no aggregates: that work is quantlab's own. Goal (issue 6):
 * quantlab >= 0.5x the raw driver's rows/s.
 *
 * Beside both: the store alone (`backend.abTests.appendPredictions` + `appendOutcomes(rows,
 * { assumeNew: true })` in one `backend.transaction` per 500 units, 1,000 rows, as the recorder
 * writes), after the facade run on the same tables, to split the facade's cost from the store's.
 *
 * Files go to the OS temp dir and are removed; PostgreSQL work happens in a fresh schema that is
 * dropped; PostgreSQL is skipped when nothing answers.
 */
import { cpus } from 'node:os';
import { type DuckDBConnection, DuckDBInstance, timestampValue } from '@duckdb/node-api';
import Database from 'better-sqlite3';
import pg from 'pg';
import {
  BackpressureError,
  createLab,
  type Lab,
  type OutcomeRecord,
  type PredictionRecord,
  type StorageBackend,
} from 'quantlab';
import { duckdb } from 'quantlab/duckdb';
import { memory } from 'quantlab/memory';
import { postgres } from 'quantlab/postgres';
import { sqlite } from 'quantlab/sqlite';
import { createRandom } from 'quantlab/stats';
import { createHashAssigner } from '../src/ab/buckets.js';
import { derivedValues } from '../src/ab/outcomes.js';
import { uuidv7Generator } from '../src/ids.js';
import { benchFile, PG_URL, postgresAnswers, removeDatabaseFiles } from './support.js';

const N = Number(process.env.N ?? 200_000);
/** The A/B buffer's maxBatch (items per transaction); the library's default (1,000) unless set. */
const MAX_BATCH = process.env.MAX_BATCH === undefined ? undefined : Number(process.env.MAX_BATCH);
/** Yield to the event loop (setImmediate) every YIELD units, letting the buffer write meanwhile; 0: never. */
const YIELD = Number(process.env.YIELD ?? 0);
const RAW_BATCH = 1_000;
const BACKENDS = (process.env.BACKENDS ?? 'memory,sqlite,postgres,duckdb').split(',');
const SEED = 'ab-record-bench';
const VARIANTS = ['control', 'challenger'];
const UNITS = 10_000;

// ------------------------------------------------------------------------------- helpers

const now = () => process.hrtime.bigint();
const seconds = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e9;
const fmt = (n: number) => Math.round(n).toLocaleString('en');

// ------------------------------------------------------------------------------- inputs

/** What the bot has for each prediction: the same for quantlab and the raw driver. */
const random = createRandom(20261124);
const units = Array.from({ length: UNITS }, (_, i) => `acct-${100_000 + i}`);
const unitOf = (i: number) => units[i % UNITS] as string;
const predictions = Float64Array.from({ length: N }, () => random.normal(0, 0.01));
const actuals = Float64Array.from({ length: N }, () => random.normal(0.0002, 0.01));
const features = Array.from({ length: N }, () => ({
  rsi: Math.round(30 + 40 * random.uniform()),
  spread: Math.round(random.uniform() * 1e6) / 1e10,
}));
const assign = createHashAssigner({ seed: SEED, weights: [0.5, 0.5], coverage: 1 });

/** The rows quantlab stores for the inputs, as the store receives them (raw baseline input). */
function rawRecords(testId: string) {
  const t0 = Date.now();
  const nextId = uuidv7Generator(() => new Date(), Math.random);
  const p: PredictionRecord[] = new Array(N);
  const o: OutcomeRecord[] = new Array(N);
  for (let i = 0; i < N; i++) {
    const id = nextId();
    const variant = VARIANTS[assign(unitOf(i))] as string;
    const prediction = predictions[i] as number;
    const actual = actuals[i] as number;
    const at = new Date(t0 + (i >> 4));
    p[i] = {
      id,
      testId,
      variant,
      unit: unitOf(i),
      features: features[i] as PredictionRecord['features'],
      prediction,
      confidence: null,
      shadow: null,
      at,
    };
    o[i] = {
      predictionId: id,
      testId,
      variant,
      actual,
      values: derivedValues(prediction, actual, false),
      at,
    };
  }
  return { predictions: p, outcomes: o };
}

// ------------------------------------------------------------------------------- quantlab

async function createTest(lab: Lab, name: string) {
  const versions: string[] = [];
  for (const v of VARIANTS) {
    const model = await lab.models.register({
      name: 'direction',
      artifact: new TextEncoder().encode(`${v} weights`),
      modelType: 'xgboost',
    });
    versions.push(model.version);
  }
  return lab.abTests.create({
    name,
    variants: VARIANTS.map((v, i) => ({
      name: v,
      model: 'direction',
      version: versions[i] as string,
    })),
    hashSeed: SEED,
  });
}

interface FacadeRun {
  seconds: number;
  loopSeconds: number;
  backpressure: number;
}

/** The tight loop through the facade; checks the stored counts afterwards. */
async function runFacade(lab: Lab, testId: string): Promise<FacadeRun> {
  const ab = lab.abTests;
  let backpressure = 0;
  let flushSeconds = 0;
  const waitForRoom = async () => {
    backpressure++;
    const f = now();
    await ab.flush();
    flushSeconds += seconds(f);
  };
  const start = now();
  for (let i = 0; i < N; i++) {
    if (YIELD > 0 && i % YIELD === 0 && i > 0) {
      const y = now();
      await new Promise<void>((resolve) => setImmediate(resolve));
      flushSeconds += seconds(y);
    }
    const unit = unitOf(i);
    const route = ab.route(testId, { unit });
    const input = {
      variant: route.variant,
      unit,
      prediction: predictions[i] as number,
      features: features[i] as { rsi: number; spread: number },
    };
    let id: string;
    try {
      id = ab.recordPrediction(testId, input);
    } catch (error) {
      if (!(error instanceof BackpressureError)) throw error;
      await waitForRoom();
      id = ab.recordPrediction(testId, input);
    }
    try {
      void ab.recordOutcome(id, actuals[i] as number);
    } catch (error) {
      if (!(error instanceof BackpressureError)) throw error;
      await waitForRoom();
      void ab.recordOutcome(id, actuals[i] as number);
    }
  }
  const loopSeconds = seconds(start) - flushSeconds;
  await ab.flush();
  const total = seconds(start);
  await checkStored(lab, testId);
  return { seconds: total, loopSeconds, backpressure };
}

/** The counts per variant the inputs should leave. */
const expected = (() => {
  const counts = new Map<string, number>(VARIANTS.map((v) => [v, 0]));
  for (let i = 0; i < N; i++) {
    const v = VARIANTS[assign(unitOf(i))] as string;
    counts.set(v, (counts.get(v) as number) + 1);
  }
  return counts;
})();

async function checkStored(lab: Lab, testId: string): Promise<void> {
  const results = await lab.abTests.results(testId);
  for (const v of results.variants) {
    const want = expected.get(v.name);
    if (v.predictions !== want || v.n !== want) {
      throw new Error(
        `${v.name}: ${v.predictions} predictions and ${v.n} outcomes stored, expected ${want}`,
      );
    }
  }
}

/** The store alone: one transaction per 500 units (500 predictions + 500 outcomes). */
async function runStore(backend: StorageBackend, testId: string): Promise<number> {
  const { predictions: p, outcomes: o } = rawRecords(testId);
  const half = RAW_BATCH / 2;
  const start = now();
  for (let i = 0; i < N; i += half) {
    const ps = p.slice(i, i + half);
    const os = o.slice(i, i + half);
    await backend.transaction(async (tx) => {
      await tx.abTests.appendPredictions(ps);
      await tx.abTests.appendOutcomes(os, { assumeNew: true });
    });
  }
  return seconds(start);
}

// ------------------------------------------------------------------------------- results

interface Result {
  backend: string;
  baseline: string;
  facade: FacadeRun;
  store: number;
  raw: number | undefined;
}
const results: Result[] = [];

async function measure(
  label: string,
  backend: StorageBackend,
  baseline: string,
  raw: ((rows: ReturnType<typeof rawRecords>) => Promise<number>) | undefined,
): Promise<void> {
  const lab = await createLab(
    backend,
    MAX_BATCH === undefined ? {} : { abTests: { buffer: { maxBatch: MAX_BATCH } } },
  );
  try {
    // Raw first, into its own tables (created after quantlab's migration, from its DDL).
    const rawSeconds = raw === undefined ? undefined : await raw(rawRecords('raw-test'));
    const test = await createTest(lab, `${label} record bench`);
    const facade = await runFacade(lab, test.id);
    const store = await lab.abTests.create({
      name: `${label} store bench`,
      variants: test.variants.map((v) => ({ name: v.name, model: v.model, version: v.version })),
      hashSeed: SEED,
    });
    const storeSeconds = await runStore(backend, store.id);
    results.push({ backend: label, baseline, facade, store: storeSeconds, raw: rawSeconds });
    console.log(
      `${label}: quantlab ${fmt(N / facade.seconds)} outcomes/s, raw ${rawSeconds === undefined ? '—' : fmt(N / rawSeconds)}, store ${fmt(N / storeSeconds)}`,
    );
  } finally {
    await lab.close();
  }
}

// ------------------------------------------------------------------------------- backends

async function benchMemory(): Promise<void> {
  await measure('memory', memory(), '(no driver)', undefined);
}

async function benchSqlite(): Promise<void> {
  const file = benchFile('ab-record', 'lab.db');
  try {
    await measure(
      'sqlite (file)',
      sqlite({ filename: file }),
      'better-sqlite3 prepared INSERT, one transaction per 1,000 rows (second connection)',
      async ({ predictions: p, outcomes: o }) => {
        const raw = new Database(file);
        try {
          raw.pragma('journal_mode = WAL');
          raw.pragma('synchronous = NORMAL');
          const ddl = raw
            .prepare(
              "select sql from sqlite_master where tbl_name in ('quantlab_ab_predictions', 'quantlab_ab_outcomes') and sql is not null order by type desc",
            )
            .pluck()
            .all() as string[];
          for (const statement of ddl) raw.exec(statement.replaceAll('quantlab_ab_', 'raw_ab_'));
          const insertP = raw.prepare(
            'insert into raw_ab_predictions (id, test_id, variant, unit, features, prediction, confidence, shadow, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)',
          );
          const insertO = raw.prepare(
            'insert into raw_ab_outcomes (prediction_id, variant, test_id, actual, metric_values, created_at) values (?, ?, ?, ?, ?, ?)',
          );
          const batchP = raw.transaction((from: number, to: number) => {
            for (let i = from; i < to; i++) {
              const r = p[i] as PredictionRecord;
              insertP.run(
                r.id,
                r.testId,
                r.variant,
                r.unit,
                JSON.stringify(r.features),
                r.prediction,
                r.confidence,
                r.shadow === null ? null : JSON.stringify(r.shadow),
                r.at.getTime(),
              );
            }
          });
          const batchO = raw.transaction((from: number, to: number) => {
            for (let i = from; i < to; i++) {
              const r = o[i] as OutcomeRecord;
              insertO.run(
                r.predictionId,
                r.variant,
                r.testId,
                r.actual,
                JSON.stringify(r.values),
                r.at.getTime(),
              );
            }
          });
          const start = now();
          for (let i = 0; i < N; i += RAW_BATCH) {
            const to = Math.min(N, i + RAW_BATCH);
            batchP(i, to);
            batchO(i, to);
          }
          const s = seconds(start);
          const count = raw.prepare('select count(*) from raw_ab_outcomes').pluck().get();
          if (count !== N) throw new Error(`raw sqlite stored ${count} outcomes`);
          raw.pragma('wal_checkpoint(TRUNCATE)');
          return s;
        } finally {
          raw.close();
        }
      },
    );
  } finally {
    removeDatabaseFiles(file);
  }
}

async function benchPostgres(): Promise<void> {
  if (!(await postgresAnswers())) {
    console.log(`postgres: skipped, nothing answers at ${PG_URL}`);
    return;
  }
  const schema = `qlbench_ab_record_${process.pid}`;
  const pool = new pg.Pool({ connectionString: PG_URL, max: 2 });
  try {
    await measure(
      'postgres',
      postgres({ connectionString: PG_URL, max: 2 }, { schema }),
      'pg multi-row INSERT per 1,000 rows',
      async ({ predictions: p, outcomes: o }) => {
        for (const t of ['predictions', 'outcomes']) {
          await pool.query(
            `create table ${schema}.raw_ab_${t} (like ${schema}.quantlab_ab_${t} including all)`,
          );
        }
        const start = now();
        for (let i = 0; i < N; i += RAW_BATCH) {
          const to = Math.min(N, i + RAW_BATCH);
          let params: unknown[] = [];
          let tuples: string[] = [];
          for (let j = i; j < to; j++) {
            const r = p[j] as PredictionRecord;
            const b = params.length;
            params.push(
              r.id,
              r.testId,
              r.variant,
              r.unit,
              JSON.stringify(r.features),
              r.prediction,
              r.confidence,
              r.shadow === null ? null : JSON.stringify(r.shadow),
              r.at,
            );
            tuples.push(
              `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, $${b + 7}, $${b + 8}, $${b + 9})`,
            );
          }
          await pool.query(
            `insert into ${schema}.raw_ab_predictions (id, test_id, variant, unit, features, prediction, confidence, shadow, created_at) values ${tuples.join(', ')}`,
            params,
          );
          params = [];
          tuples = [];
          for (let j = i; j < to; j++) {
            const r = o[j] as OutcomeRecord;
            const b = params.length;
            params.push(
              r.predictionId,
              r.variant,
              r.testId,
              r.actual,
              JSON.stringify(r.values),
              r.at,
            );
            tuples.push(`($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6})`);
          }
          await pool.query(
            `insert into ${schema}.raw_ab_outcomes (prediction_id, variant, test_id, actual, metric_values, created_at) values ${tuples.join(', ')}`,
            params,
          );
        }
        const s = seconds(start);
        const { rows } = await pool.query(
          `select count(*)::int as n from ${schema}.raw_ab_outcomes`,
        );
        if (rows[0]?.n !== N) throw new Error(`raw postgres stored ${rows[0]?.n} outcomes`);
        return s;
      },
    );
  } finally {
    await pool.query(`drop schema if exists ${schema} cascade`);
    await pool.end();
  }
}

async function duckdbDdl(connection: DuckDBConnection): Promise<string[]> {
  const tables = await connection.runAndReadAll(
    "select sql from duckdb_tables() where table_name in ('quantlab_ab_predictions', 'quantlab_ab_outcomes')",
  );
  const indexes = await connection.runAndReadAll(
    "select sql from duckdb_indexes() where table_name in ('quantlab_ab_predictions', 'quantlab_ab_outcomes') and sql is not null",
  );
  return [...tables.getRows(), ...indexes.getRows()].map((row) => String(row[0]));
}

async function benchDuckdb(): Promise<void> {
  const file = benchFile('ab-record', 'lab.duckdb');
  const instance = await DuckDBInstance.create(file);
  try {
    await measure(
      'duckdb (file)',
      duckdb({ instance }),
      'DuckDB appender per 1,000 rows, row by row (second connection)',
      async ({ predictions: p, outcomes: o }) => {
        const connection = await instance.connect();
        try {
          for (const statement of await duckdbDdl(connection)) {
            await connection.run(statement.replaceAll('quantlab_ab_', 'raw_ab_'));
          }
          const micros = (d: Date) => timestampValue(BigInt(d.getTime()) * 1000n);
          const start = now();
          for (let i = 0; i < N; i += RAW_BATCH) {
            const to = Math.min(N, i + RAW_BATCH);
            const ap = await connection.createAppender('raw_ab_predictions');
            for (let j = i; j < to; j++) {
              const r = p[j] as PredictionRecord;
              ap.appendVarchar(r.id);
              ap.appendVarchar(r.testId);
              ap.appendVarchar(r.variant);
              if (r.unit === null) ap.appendNull();
              else ap.appendVarchar(r.unit);
              ap.appendVarchar(JSON.stringify(r.features));
              ap.appendDouble(r.prediction);
              if (r.confidence === null) ap.appendNull();
              else ap.appendDouble(r.confidence);
              if (r.shadow === null) ap.appendNull();
              else ap.appendVarchar(JSON.stringify(r.shadow));
              ap.appendTimestamp(micros(r.at));
              ap.endRow();
            }
            ap.closeSync();
            const ao = await connection.createAppender('raw_ab_outcomes');
            for (let j = i; j < to; j++) {
              const r = o[j] as OutcomeRecord;
              ao.appendVarchar(r.predictionId);
              ao.appendVarchar(r.variant);
              ao.appendVarchar(r.testId);
              ao.appendDouble(r.actual);
              ao.appendVarchar(JSON.stringify(r.values));
              ao.appendTimestamp(micros(r.at));
              ao.endRow();
            }
            ao.closeSync();
          }
          const s = seconds(start);
          const count = await connection.runAndReadAll('select count(*) from raw_ab_outcomes');
          if (Number(count.getRows()[0]?.[0]) !== N) throw new Error('raw duckdb: wrong count');
          await connection.run('checkpoint');
          return s;
        } finally {
          connection.closeSync();
        }
      },
    );
  } finally {
    instance.closeSync();
    removeDatabaseFiles(file);
  }
}

// ----------------------------------------------------------------------------------- main

const started = now();
console.log(
  `node ${process.version}, ${cpus().length} cores, N=${fmt(N)}, backends ${BACKENDS.join(', ')}\n`,
);
const want = (b: string) => BACKENDS.includes(b);
if (want('memory')) await benchMemory();
if (want('sqlite')) await benchSqlite();
if (want('postgres')) await benchPostgres();
if (want('duckdb')) await benchDuckdb();

console.log(
  `\n## recordPrediction + recordOutcome: ${fmt(N)} predictions and ${fmt(N)} outcomes (${fmt(2 * N)} rows), ${YIELD > 0 ? `loop yielding every ${fmt(YIELD)} units` : 'tight loop'} + flush, buffer maxBatch ${MAX_BATCH === undefined ? 'default (1,000; 5,000 on DuckDB)' : fmt(MAX_BATCH)}\n`,
);
console.log(
  'Counted: rows/s = (predictions + outcomes) / time; outcomes/s = outcomes / time (half of it). Buffer capacity 100,000 (default); on BackpressureError the loop awaits flush() and retries.\n',
);
console.log(
  '| backend | quantlab outcomes/s | quantlab rows/s | raw rows/s | quantlab/raw | goal ≥ 0.5 | ns/outcome in the loop (route + both calls) | backpressure flushes | store alone rows/s |',
);
console.log('|---|---:|---:|---:|---:|---|---:|---:|---:|');
for (const r of results) {
  const ratio = r.raw === undefined ? undefined : r.raw / r.facade.seconds;
  console.log(
    `| ${r.backend} | ${fmt(N / r.facade.seconds)} | ${fmt((2 * N) / r.facade.seconds)} | ${r.raw === undefined ? '—' : fmt((2 * N) / r.raw)} | ${ratio === undefined ? '—' : ratio.toFixed(2)} | ${ratio === undefined ? 'n/a' : ratio >= 0.5 ? 'met' : 'NOT met'} | ${fmt((r.facade.loopSeconds / N) * 1e9)} | ${r.facade.backpressure} | ${fmt((2 * N) / r.store)} |`,
  );
}
console.log('\nraw baselines:');
for (const r of results) console.log(`- ${r.backend}: ${r.baseline}`);
console.log(`\ntotal ${seconds(started).toFixed(0)} s`);
