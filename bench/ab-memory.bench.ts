/**
 * Memory while 10 million predictions and outcomes stream through one lab: the heap must stay
 * flat (bounded by the buffer and the pending-prediction map, not growing with the count).
 *
 *   npm run bench:ab:memory                     # N=10000000 (runs node with --expose-gc)
 *   N=2000000 npm run bench:ab:memory
 *
 * One lab over SQLite in a temp file (the memory backend keeps every row, so it would grow by
 * design), two model versions, a two-variant test (hash allocation, 50/50). For each of N
 * outcomes, in a loop: `route(testId, { unit })` over 10,000 units, `recordPrediction(testId,
 * { variant, unit, prediction, features: { rsi, spread } })`, `recordOutcome(id, actual)` (its
 * promise not awaited: a prediction recorded in this process is accepted at once). Every FLUSH
 * (default 50,000) outcomes the loop awaits `lab.abTests.flush()`, letting the buffer drain; on
 * `BackpressureError` it awaits `flush()` and retries the call. The inputs come from a seeded
 * generator call by call: the bench itself keeps nothing per outcome.
 *
 * Every SAMPLE (default 1,000,000) outcomes: `await flush()`, `global.gc()` (twice), then
 * `process.memoryUsage()`: heapUsed, external + arrayBuffers, rss. Printed: the series, and
 * max / min of heapUsed over the samples from the first SAMPLE on (the first segment warms up
 * code, caches and the buffer). Goal (issue 6): flat, max / min close to 1, no trend with N.
 * At the end the stored count is checked through `results()` (n per variant adds up to N).
 */
import { statSync } from 'node:fs';
import { cpus } from 'node:os';
import { BackpressureError, createLab } from 'quantlab';
import { sqlite } from 'quantlab/sqlite';
import { createRandom } from 'quantlab/stats';
import { benchFile, removeDatabaseFiles } from './support.js';

const N = Number(process.env.N ?? 10_000_000);
const SAMPLE = Number(process.env.SAMPLE ?? Math.min(1_000_000, Math.max(1, Math.floor(N / 10))));
const FLUSH = Number(process.env.FLUSH ?? 50_000);
const VARIANTS = ['control', 'challenger'];
const UNITS = 10_000;

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc (npm run bench:ab:memory does)');

const now = () => process.hrtime.bigint();
const seconds = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e9;
const fmt = (n: number) => Math.round(n).toLocaleString('en');
const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

const file = benchFile('ab-memory', 'lab.db');

interface Sample {
  outcomes: number;
  heapUsed: number;
  external: number;
  rss: number;
  elapsed: number;
}

function sample(outcomes: number, elapsed: number): Sample {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return {
    outcomes,
    heapUsed: m.heapUsed,
    external: m.external + m.arrayBuffers,
    rss: m.rss,
    elapsed,
  };
}

const lab = await createLab(sqlite({ filename: file }));
const samples: Sample[] = [];
let backpressure = 0;
let total = 0;
try {
  const versions: string[] = [];
  for (const v of VARIANTS) {
    const model = await lab.models.register({
      name: 'direction',
      artifact: new TextEncoder().encode(`${v} weights`),
      modelType: 'xgboost',
    });
    versions.push(model.version);
  }
  const test = await lab.abTests.create({
    name: 'memory bench',
    variants: VARIANTS.map((v, i) => ({
      name: v,
      model: 'direction',
      version: versions[i] as string,
    })),
  });
  const ab = lab.abTests;
  const testId = test.id;
  const units = Array.from({ length: UNITS }, (_, i) => `acct-${100_000 + i}`);
  const random = createRandom(20261124);

  console.log(
    `node ${process.version}, ${cpus().length} cores, N=${fmt(N)}, sample every ${fmt(SAMPLE)}, flush every ${fmt(FLUSH)}, SQLite file ${file}\n`,
  );
  samples.push(sample(0, 0));
  const start = now();
  for (let i = 1; i <= N; i++) {
    const unit = units[i % UNITS] as string;
    const route = ab.route(testId, { unit });
    const input = {
      variant: route.variant,
      unit,
      prediction: random.normal(0, 0.01),
      features: { rsi: 30 + (i % 40), spread: (i % 7) * 1e-5 },
    };
    let id: string;
    try {
      id = ab.recordPrediction(testId, input);
    } catch (error) {
      if (!(error instanceof BackpressureError)) throw error;
      backpressure++;
      await ab.flush();
      id = ab.recordPrediction(testId, input);
    }
    const actual = random.normal(0.0002, 0.01);
    try {
      void ab.recordOutcome(id, actual);
    } catch (error) {
      if (!(error instanceof BackpressureError)) throw error;
      backpressure++;
      await ab.flush();
      void ab.recordOutcome(id, actual);
    }
    if (i % FLUSH === 0) await ab.flush();
    if (i % SAMPLE === 0 || i === N) {
      await ab.flush();
      const s = sample(i, seconds(start));
      samples.push(s);
      console.log(
        `${fmt(i)} outcomes: heapUsed ${mb(s.heapUsed)} MB, external ${mb(s.external)} MB, rss ${mb(s.rss)} MB, ${s.elapsed.toFixed(0)} s`,
      );
    }
  }
  await ab.flush();
  total = seconds(start);
  const results = await ab.results(testId);
  const stored = results.variants.reduce((n, v) => n + v.n, 0);
  const predictions = results.variants.reduce((n, v) => n + v.predictions, 0);
  if (stored !== N || predictions !== N) {
    throw new Error(`stored ${predictions} predictions and ${stored} outcomes, expected ${N}`);
  }
} finally {
  await lab.close();
}
let size = 0;
for (const suffix of ['', '-wal']) {
  try {
    size += statSync(file + suffix).size;
  } catch {
    // no such file
  }
}
removeDatabaseFiles(file);

console.log(
  `\n## ${fmt(N)} predictions + outcomes through route → recordPrediction → recordOutcome (SQLite file)\n`,
);
console.log(
  `${total.toFixed(0)} s in all (${fmt(N / total)} outcomes/s, flush every ${fmt(FLUSH)}), ${backpressure} backpressure flushes, database ${(size / 2 ** 30).toFixed(2)} GiB\n`,
);
console.log(
  '| outcomes | heapUsed MB | external + arrayBuffers MB | rss MB | elapsed s | outcomes/s in the segment |',
);
console.log('|---:|---:|---:|---:|---:|---:|');
samples.forEach((s, i) => {
  const prev = samples[i - 1];
  const rate =
    prev === undefined ? '—' : fmt((s.outcomes - prev.outcomes) / (s.elapsed - prev.elapsed));
  console.log(
    `| ${fmt(s.outcomes)} | ${mb(s.heapUsed)} | ${mb(s.external)} | ${mb(s.rss)} | ${s.elapsed.toFixed(1)} | ${rate} |`,
  );
});
const steady = samples.filter((s) => s.outcomes >= SAMPLE);
const heaps = steady.map((s) => s.heapUsed);
const first = steady[0];
const last = steady[steady.length - 1];
if (first !== undefined && last !== undefined) {
  const ratio = Math.max(...heaps) / Math.min(...heaps);
  const slope =
    last.outcomes > first.outcomes
      ? ((last.heapUsed - first.heapUsed) / (last.outcomes - first.outcomes)) * 1e6
      : 0;
  console.log(
    `\nheapUsed from ${fmt(SAMPLE)} outcomes on: min ${mb(Math.min(...heaps))} MB, max ${mb(Math.max(...heaps))} MB, max/min ${ratio.toFixed(3)}; ` +
      `first to last ${(slope / 2 ** 10).toFixed(1)} KiB per million outcomes; rss max ${mb(Math.max(...steady.map((s) => s.rss)))} MB`,
  );
}
