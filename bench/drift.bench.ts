/**
 * `lab.drift` end to end (issue 7 goals): `check` with FEATURES = 50 numeric features of
 * ROWS = 100,000 current rows each against a baseline stored in the backend (goal: under one
 * second), and ADWIN updates per second through `lab.drift.detector` (goal: over one million).
 *
 *   npm run bench:drift
 *   BACKENDS=sqlite,duckdb FEATURES=20 ROWS=1000000 npm run bench:drift
 *
 * PostgreSQL: QUANTLAB_PG_URL or 127.0.0.1:5432/test, skipped when nothing answers.
 *
 * Data: feature f is N(μ_f, σ_f²) with 100,000 baseline rows; in the current data every fifth
 * feature is shifted by 0.5 σ_f, so each check must find 10 of 50 drifted (and the dataset not,
 * at driftShare 0.5). The automatic test is the normalised Wasserstein distance.
 *
 * Rows, per backend, best and median of RUNS = 5 after one warm-up, in ms:
 * - `lab.drift.check(...)`: load the 50 stored sketches, decode, check, store the report;
 * - baseline: `checkFeatures` on the same sketches already in memory, the computation alone, so
 *   "check / compute" is the facade's and the storage's overhead.
 * Also printed: `setBaseline` of the 50 × 100,000 baseline rows, once.
 *
 * ADWIN: UPDATES = 10 million values (N(0,1), then N(0.5,1) from the middle) through
 * `lab.drift.detector('adwin').update`, beside a Welford running mean and variance over the same
 * values (the cheapest useful streaming statistic), best of 3.
 */
import pg from 'pg';
import { createLab, type Lab } from 'quantlab';
import { duckdb } from 'quantlab/duckdb';
import { memory } from 'quantlab/memory';
import { postgres } from 'quantlab/postgres';
import { sqlite } from 'quantlab/sqlite';
import { createRandom } from 'quantlab/stats';
import { checkFeatures } from '../src/drift/data-drift.js';
import type { StorageBackend } from '../src/storage/backend.js';
import { benchFile, PG_URL, postgresAnswers, removeDatabaseFiles } from './support.js';

const FEATURES = Number(process.env.FEATURES ?? 50);
const ROWS = Number(process.env.ROWS ?? 100_000);
const BASELINE_ROWS = Number(process.env.BASELINE_ROWS ?? 100_000);
const RUNS = Number(process.env.RUNS ?? 5);
const UPDATES = Number(process.env.UPDATES ?? 10_000_000);
const BACKENDS = (process.env.BACKENDS ?? 'memory,sqlite,postgres,duckdb').split(',');

const random = createRandom(20261124);
const model = { name: 'direction', version: '1.0.0' };
const names = Array.from({ length: FEATURES }, (_, f) => `f${f}`);
const params = names.map((_, f) => ({ mean: (f % 7) - 3, sd: 0.5 + (f % 5) }));
const shifted = (f: number) => f % 5 === 0;

function normals(n: number, mean: number, sd: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = mean + sd * random.normal();
  return out;
}

const training: Record<string, Float64Array> = {};
const current: Record<string, Float64Array> = {};
names.forEach((name, f) => {
  const { mean, sd } = params[f] as { mean: number; sd: number };
  training[name] = normals(BASELINE_ROWS, mean, sd);
  current[name] = normals(ROWS, mean + (shifted(f) ? 0.5 * sd : 0), sd);
});

const ms = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e6;
const f1 = (x: number) => x.toFixed(1);

async function timed(fn: () => Promise<unknown> | unknown) {
  await fn(); // warm-up
  const runs: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const start = process.hrtime.bigint();
    await fn();
    runs.push(ms(start));
  }
  runs.sort((a, b) => a - b);
  return { best: runs[0] as number, median: runs[Math.floor(RUNS / 2)] as number };
}

const rows: string[] = [];

async function measure(label: string, backend: StorageBackend): Promise<void> {
  const lab: Lab = await createLab(backend);
  try {
    const setStart = process.hrtime.bigint();
    const baseline = await lab.drift.setBaseline({ model, features: training });
    const setMs = ms(setStart);
    let drifted = -1;
    const check = await timed(async () => {
      const report = await lab.drift.check({ model, features: current });
      drifted = report.data?.driftedCount ?? -1;
    });
    if (drifted !== FEATURES / 5)
      throw new Error(`${label}: expected ${FEATURES / 5} drifted, got ${drifted}`);
    const compute = await timed(() => checkFeatures(baseline.features, current));
    rows.push(
      `| ${label} | ${f1(setMs)} | ${f1(check.best)} (${f1(check.median)}) | ${f1(compute.best)} (${f1(compute.median)}) | ${(check.best / compute.best).toFixed(2)} | ${drifted} of ${FEATURES} |`,
    );
    console.log(`${label}: check ${f1(check.best)} ms, compute ${f1(compute.best)} ms`);
  } finally {
    await lab.close();
  }
}

for (const kind of BACKENDS) {
  if (kind === 'memory') await measure('memory', memory());
  if (kind === 'sqlite') {
    const file = benchFile('drift', 'lab.db');
    try {
      await measure('sqlite (file)', sqlite({ filename: file }));
    } finally {
      removeDatabaseFiles(file);
    }
  }
  if (kind === 'postgres') {
    if (!(await postgresAnswers())) {
      console.log(`postgres: skipped, nothing answers at ${PG_URL}`);
      continue;
    }
    const schema = `qlbench_drift_${process.pid}`;
    try {
      await measure('postgres', postgres({ connectionString: PG_URL }, { schema }));
    } finally {
      const pool = new pg.Pool({ connectionString: PG_URL, max: 1 });
      await pool.query(`drop schema if exists ${schema} cascade`);
      await pool.end();
    }
  }
  if (kind === 'duckdb') {
    const file = benchFile('drift', 'lab.duckdb');
    try {
      await measure('duckdb (file)', duckdb({ path: file }));
    } finally {
      removeDatabaseFiles(file);
    }
  }
}

// ------------------------------------------------------------------------------ ADWIN

const stream = new Float64Array(UPDATES);
for (let i = 0; i < UPDATES; i++) stream[i] = random.normal() + (i >= UPDATES / 2 ? 0.5 : 0);

const lab = await createLab(memory());
let adwinBest = Number.POSITIVE_INFINITY;
let drifts = 0;
for (let r = 0; r < 3; r++) {
  const adwin = lab.drift.detector('adwin');
  drifts = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < UPDATES; i++) if (adwin.update(stream[i] as number).drift) drifts++;
  adwinBest = Math.min(adwinBest, ms(start));
}
await lab.close();
let welfordBest = Number.POSITIVE_INFINITY;
let sink = 0;
for (let r = 0; r < 3; r++) {
  let n = 0;
  let mean = 0;
  let m2 = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < UPDATES; i++) {
    const x = stream[i] as number;
    n++;
    const d = x - mean;
    mean += d / n;
    m2 += d * (x - mean);
  }
  welfordBest = Math.min(welfordBest, ms(start));
  sink += m2;
}

console.log(
  `\n${FEATURES} features × ${ROWS.toLocaleString('en')} current rows against ${BASELINE_ROWS.toLocaleString('en')}-row baselines, best (median) of ${RUNS}, ms\n`,
);
console.log(
  '| backend | setBaseline | lab.drift.check | checkFeatures (compute only) | check / compute | drifted |',
);
console.log('| --- | ---: | ---: | ---: | ---: | --- |');
for (const row of rows) console.log(row);
const perSecond = (UPDATES / adwinBest) * 1000;
console.log(
  `\nADWIN: ${(perSecond / 1e6).toFixed(1)} M updates/s (${((adwinBest * 1e6) / UPDATES).toFixed(0)} ns each, ${drifts} drifts over ${UPDATES.toLocaleString('en')} values); Welford running variance ${(((UPDATES / welfordBest) * 1000) / 1e6).toFixed(0)} M/s, ADWIN / Welford time ${(adwinBest / welfordBest).toFixed(1)}x (checksum ${sink.toExponential(3)})`,
);
