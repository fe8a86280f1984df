/**
 * `lab.abTests.results(testId)` over 1 million outcomes on every backend, beside the full-scan
 * aggregation the maintained aggregates replace, in the same run:
 *
 *   npm run bench:ab:results                    # PostgreSQL from QUANTLAB_PG_URL or 127.0.0.1:5432/test
 *   OUTCOMES=100000 BACKENDS=sqlite,duckdb npm run bench:ab:results
 *
 * Per backend: a lab, two model versions, a two-variant test created through
 * `lab.abTests.create` (hash allocation, 50/50), then OUTCOMES (default 1,000,000) predictions and
 * their outcomes loaded through the store, `backend.abTests.appendPredictions` +
 * `appendOutcomes(rows, { assumeNew: true })` (as the recorder writes) in one `backend.transaction` per 1,000 units (2,000 rows), which keep the
 * per-(test, variant, metric) aggregates as rows arrive. One unit (an order id) per prediction,
 * assigned by the test's hash. Each outcome carries the five derived
 * metrics (actual, error, absolute_error, squared_error, hit) as `derivedValues` computes them.
 *
 * Timed (median and p95 of RUNS = 20 calls after 3 warm-ups, in ms):
 * - `lab.abTests.results(testId)`: flush (nothing pending), read the test, read its aggregates,
 *   run the statistics (Welch or the always-valid sequential test, power, SRM, ...).
 *   Goal (issue 6): under 100 ms, aggregation in the database.
 * - `backend.abTests.aggregates(testId)` alone: the database part of results().
 * - Baseline, SQL backends: the raw driver running
 *   `SELECT variant, count(*), sum(actual), sum(actual * actual) FROM quantlab_ab_outcomes
 *   WHERE test_id = ? GROUP BY variant` over the same rows (a second connection; DuckDB: on the
 *   lab's instance): what results() would cost if it aggregated the outcome rows on each call
 *   (and that covers one metric; results() reads all of them).
 *
 * Checked: results()' n per variant equals the GROUP BY count, and its predictions per variant
 * equal what was loaded.
 *
 * Files go to the OS temp dir and are removed; PostgreSQL work happens in a fresh schema that is
 * dropped; PostgreSQL is skipped when nothing answers.
 */
import { cpus } from 'node:os';
import { DuckDBInstance } from '@duckdb/node-api';
import Database from 'better-sqlite3';
import pg from 'pg';
import {
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

const OUTCOMES = Number(process.env.OUTCOMES ?? 1_000_000);
const BATCH = 1_000;
const RUNS = 20;
const WARMUPS = 3;
const BACKENDS = (process.env.BACKENDS ?? 'memory,sqlite,postgres,duckdb').split(',');
const VARIANTS = ['control', 'challenger'];
const SEED = 'ab-results-bench';

const now = () => process.hrtime.bigint();
const seconds = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e9;
const fmt = (n: number) => Math.round(n).toLocaleString('en');
const ms = (s: number | undefined) =>
  s === undefined ? '—' : (s * 1000).toFixed(s < 0.001 ? 3 : s < 0.1 ? 2 : 1);

// ------------------------------------------------------------------------------- load

const assign = createHashAssigner({ seed: SEED, weights: [0.5, 0.5], coverage: 1 });

async function createTest(lab: Lab) {
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
    name: 'results bench',
    variants: VARIANTS.map((v, i) => ({
      name: v,
      model: 'direction',
      version: versions[i] as string,
    })),
    hashSeed: SEED,
    minSamplesPerVariant: 1000,
    minimumDetectableEffect: 0.001,
  });
}

/** Loads OUTCOMES predictions and outcomes through the store; returns the counts per variant. */
async function load(backend: StorageBackend, testId: string) {
  const random = createRandom(20261124);
  const nextId = uuidv7Generator(() => new Date(), Math.random);
  const counts = new Map<string, number>(VARIANTS.map((v) => [v, 0]));
  const t0 = Date.now() - OUTCOMES;
  let progress = now();
  for (let i = 0; i < OUTCOMES; i += BATCH) {
    const p: PredictionRecord[] = [];
    const o: OutcomeRecord[] = [];
    for (let j = i; j < Math.min(OUTCOMES, i + BATCH); j++) {
      // One unit per prediction (an order id): with units that repeat, the predictions of a unit
      // all go to one variant and results()' SRM check on prediction counts flags the clustering.
      const unit = `order-${j}`;
      const index = assign(unit);
      const variant = VARIANTS[index] as string;
      counts.set(variant, (counts.get(variant) as number) + 1);
      const prediction = random.normal(0, 0.01);
      const actual = random.normal(index === 1 ? 0.0003 : 0.0002, 0.01);
      const id = nextId();
      const at = new Date(t0 + j);
      p.push({
        id,
        testId,
        variant,
        unit,
        features: null,
        prediction,
        confidence: null,
        shadow: null,
        at,
      });
      o.push({
        predictionId: id,
        testId,
        variant,
        actual,
        values: derivedValues(prediction, actual, false),
        at,
      });
    }
    await backend.transaction(async (tx) => {
      await tx.abTests.appendPredictions(p);
      await tx.abTests.appendOutcomes(o, { assumeNew: true });
    });
    if (seconds(progress) > 15) {
      console.log(`  ${fmt(i + BATCH)} of ${fmt(OUTCOMES)} loaded`);
      progress = now();
    }
  }
  return counts;
}

// ------------------------------------------------------------------------------- timing

interface Timing {
  median: number;
  p95: number;
}

async function time<T>(run: () => Promise<T>): Promise<Timing & { last: T }> {
  for (let i = 0; i < WARMUPS; i++) await run();
  const samples: number[] = [];
  let last: T | undefined;
  for (let i = 0; i < RUNS; i++) {
    const start = now();
    last = await run();
    samples.push(seconds(start));
  }
  samples.sort((a, b) => a - b);
  const median = ((samples[(RUNS - 1) >> 1] as number) + (samples[RUNS >> 1] as number)) / 2;
  return { median, p95: samples[Math.ceil(0.95 * RUNS) - 1] as number, last: last as T };
}

interface GroupRow {
  variant: string;
  n: number;
  sum: number;
  sumOfSquares: number;
}

interface Result {
  backend: string;
  loadSeconds: number;
  results: Timing;
  aggregates: Timing;
  scan: Timing | undefined;
  scanDescribe: string;
  recommendation: string;
}
const report: Result[] = [];

const GROUP_BY =
  'select variant, count(*) as n, sum(actual) as s, sum(actual * actual) as ss from quantlab_ab_outcomes where test_id = $1 group by variant order by variant';

async function measure(
  label: string,
  backend: StorageBackend,
  scan: { describe: string; run: (testId: string) => Promise<GroupRow[]> } | undefined,
): Promise<void> {
  console.log(`${label}: loading ${fmt(OUTCOMES)} predictions and outcomes`);
  const lab = await createLab(backend);
  try {
    const test = await createTest(lab);
    const loadStart = now();
    const counts = await load(backend, test.id);
    const loadSeconds = seconds(loadStart);
    console.log(
      `  loaded in ${loadSeconds.toFixed(1)} s (${fmt((2 * OUTCOMES) / loadSeconds)} rows/s)`,
    );
    const results = await time(() => lab.abTests.results(test.id));
    const aggregates = await time(() => backend.abTests.aggregates(test.id));
    const scanned = scan === undefined ? undefined : await time(() => scan.run(test.id));
    // Checks: n and predictions per variant.
    for (const v of results.last.variants) {
      const loaded = counts.get(v.name);
      if (v.predictions !== loaded || v.n !== loaded) {
        throw new Error(
          `${label}: ${v.name} has ${v.predictions} predictions, n ${v.n}; loaded ${loaded}`,
        );
      }
      if (scanned !== undefined) {
        const row = scanned.last.find((r) => r.variant === v.name);
        if (row?.n !== v.n)
          throw new Error(`${label}: ${v.name} n ${v.n}, GROUP BY count ${row?.n}`);
        const mean = row.sum / row.n;
        if (v.mean === null || Math.abs(v.mean - mean) > 1e-12 + 1e-9 * Math.abs(mean)) {
          throw new Error(`${label}: ${v.name} mean ${v.mean}, GROUP BY ${mean}`);
        }
      }
    }
    report.push({
      backend: label,
      loadSeconds,
      results,
      aggregates,
      scan: scanned,
      scanDescribe: scan?.describe ?? '—',
      recommendation: results.last.recommendation,
    });
    console.log(
      `  results() median ${ms(results.median)} ms, aggregates() ${ms(aggregates.median)} ms, GROUP BY ${ms(scanned?.median)} ms`,
    );
  } finally {
    await lab.close();
  }
}

// ------------------------------------------------------------------------------- backends

async function benchMemory(): Promise<void> {
  await measure('memory', memory(), undefined);
}

async function benchSqlite(): Promise<void> {
  const file = benchFile('ab-results', 'lab.db');
  let raw: Database.Database | undefined;
  try {
    await measure('sqlite (file)', sqlite({ filename: file }), {
      describe: 'better-sqlite3 prepared GROUP BY (second connection)',
      run: async (testId) => {
        raw ??= new Database(file, { readonly: true });
        const statement = raw.prepare(GROUP_BY.replace('$1', '?'));
        return (
          statement.all(testId) as Array<{ variant: string; n: number; s: number; ss: number }>
        ).map((r) => ({ variant: r.variant, n: r.n, sum: r.s, sumOfSquares: r.ss }));
      },
    });
  } finally {
    raw?.close();
    removeDatabaseFiles(file);
  }
}

async function benchPostgres(): Promise<void> {
  if (!(await postgresAnswers())) {
    console.log(`postgres: skipped, nothing answers at ${PG_URL}`);
    return;
  }
  const schema = `qlbench_ab_results_${process.pid}`;
  const pool = new pg.Pool({ connectionString: PG_URL, max: 1 });
  try {
    await measure('postgres', postgres({ connectionString: PG_URL, max: 2 }, { schema }), {
      describe: 'pg GROUP BY query',
      run: async (testId) => {
        const { rows } = await pool.query<{ variant: string; n: string; s: number; ss: number }>(
          GROUP_BY.replace('quantlab_ab_outcomes', `${schema}.quantlab_ab_outcomes`),
          [testId],
        );
        return rows.map((r) => ({
          variant: r.variant,
          n: Number(r.n),
          sum: r.s,
          sumOfSquares: r.ss,
        }));
      },
    });
  } finally {
    await pool.query(`drop schema if exists ${schema} cascade`);
    await pool.end();
  }
}

async function benchDuckdb(): Promise<void> {
  const file = benchFile('ab-results', 'lab.duckdb');
  const instance = await DuckDBInstance.create(file);
  try {
    const connection = await instance.connect();
    try {
      await measure('duckdb (file)', duckdb({ instance }), {
        describe: 'DuckDB GROUP BY (second connection on the lab instance)',
        run: async (testId) => {
          const reader = await connection.runAndReadAll(GROUP_BY, [testId]);
          return reader.getRows().map((r) => ({
            variant: String(r[0]),
            n: Number(r[1]),
            sum: Number(r[2]),
            sumOfSquares: Number(r[3]),
          }));
        },
      });
    } finally {
      connection.closeSync();
    }
  } finally {
    instance.closeSync();
    removeDatabaseFiles(file);
  }
}

// ----------------------------------------------------------------------------------- main

const started = now();
console.log(
  `node ${process.version}, ${cpus().length} cores, OUTCOMES=${fmt(OUTCOMES)}, backends ${BACKENDS.join(', ')}\n`,
);
const want = (b: string) => BACKENDS.includes(b);
if (want('memory')) await benchMemory();
if (want('sqlite')) await benchSqlite();
if (want('postgres')) await benchPostgres();
if (want('duckdb')) await benchDuckdb();

console.log(
  `\n## results() over ${fmt(OUTCOMES)} outcomes (2 variants), median / p95 of ${RUNS} after ${WARMUPS} warm-ups, ms\n`,
);
console.log(
  '| backend | results() median | p95 | goal < 100 ms | aggregates() median | GROUP BY scan median | p95 | scan / results() | load rows/s |',
);
console.log('|---|---:|---:|---|---:|---:|---:|---:|---:|');
for (const r of report) {
  console.log(
    `| ${r.backend} | ${ms(r.results.median)} | ${ms(r.results.p95)} | ${r.results.median < 0.1 ? 'met' : 'NOT met'} | ${ms(r.aggregates.median)} | ${ms(r.scan?.median)} | ${ms(r.scan?.p95)} | ${r.scan === undefined ? '—' : (r.scan.median / r.results.median).toFixed(1)} | ${fmt((2 * OUTCOMES) / r.loadSeconds)} |`,
  );
}
console.log('\nbaselines:');
for (const r of report) console.log(`- ${r.backend}: ${r.scanDescribe}`);
console.log(`\nrecommendation (last backend): ${report[report.length - 1]?.recommendation ?? '—'}`);
console.log(`\ntotal ${seconds(started).toFixed(0)} s`);
