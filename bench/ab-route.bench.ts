/**
 * `lab.abTests.route(testId, { unit })` through the real facade beside the GrowthBook JS SDK,
 * same units, same experiment, same process, one JavaScript thread:
 *
 *   npm run bench:ab:route
 *   UNITS=200000 RUNS=5 npm run bench:ab:route
 *
 * Setup: `createLab(memory())`, three versions of one model registered, and a test created
 * through `lab.abTests.create` with hash allocation, 3 variants weighted 0.2 / 0.3 / 0.5,
 * coverage 0.99 (seed = the test id, a UUIDv7 the lab made). GrowthBook gets the same
 * experiment (key = the test id, hash version 2). Units: UNITS (default 1 million) distinct ids
 * from a seeded generator, as in bench/ab.bench.ts: half account-like ids (`acct-123456`), half
 * UUID-like strings, one in 50 with non-ASCII characters.
 *
 * Rows:
 * - quantlab `lab.abTests.route(test.id, { unit })`, the facade a bot calls (a fresh `{ unit }`
 *   object per call, as a caller writes it); the variant index is `inTest ? variantIndex : -1`.
 * - quantlab `createHashAssigner(...)` alone: the hash and bucket lookup inside `route`, to show
 *   what the facade adds (the test lookup, state checks and the precomputed route object).
 * - GrowthBook `GrowthBookClient.runInlineExperiment(exp, { attributes: { id } })`, the SDK's
 *   multi-user API for servers and its fastest way to run an experiment for many units.
 * - GrowthBook `new GrowthBook({ attributes: { id } }).run(exp)`, one instance per unit.
 * - quantlab `lab.abTests.route` on a Thompson-sampling test (3 variants, coverage 0.99, continuous
 *   metric `actual`, after 3,000 outcomes recorded through the facade so every arm has a
 *   posterior): the bandit's `choose()` draws one normal sample per arm. Its choice is random, so
 *   it is not compared with GrowthBook and its checksum differs.
 *
 * Each row is the best of RUNS passes over all units (after a warm-up pass), in ns per call and
 * calls per second; "÷ route" divides by the facade's hash row. Minor GCs counts the
 * young-generation collections during the timed passes. Before timing, every unit's variant from
 * `route` (and from `createHashAssigner`) is checked against GrowthBook's `run()`.
 */

import { constants, PerformanceObserver } from 'node:perf_hooks';
import { type Experiment, GrowthBook, GrowthBookClient } from '@growthbook/growthbook';
import { createLab } from 'quantlab';
import { memory } from 'quantlab/memory';
import { createRandom } from 'quantlab/stats';
import { createHashAssigner } from '../src/ab/buckets.js';

const UNITS = Number(process.env.UNITS ?? 1_000_000);
const RUNS = Number(process.env.RUNS ?? 3);
const WEIGHTS = [0.2, 0.3, 0.5];
const COVERAGE = 0.99;
const NAMES = ['control', 'challenger', 'candidate'];
const BANDIT_OUTCOMES = 3_000;

// ------------------------------------------------------------------------------- units

const random = createRandom(20261124);
const hex = (digits: number) => random.uint32().toString(16).padStart(8, '0').slice(0, digits);
const units: string[] = new Array(UNITS);
let codeUnits = 0;
for (let i = 0; i < UNITS; i++) {
  let unit =
    i % 2 === 0
      ? `acct-${i}`
      : `${hex(8)}-${hex(4)}-7${hex(3)}-${hex(4)}-${hex(8)}${hex(4)}`.slice(0, 36);
  if (i % 50 === 25) unit += i % 100 === 25 ? '-用户' : '-😀';
  units[i] = unit;
  codeUnits += unit.length;
}

// ------------------------------------------------------------------------------- the lab

const lab = await createLab(memory(), { random: createRandom(7).uniform });
const versions: string[] = [];
for (let i = 0; i < NAMES.length; i++) {
  const v = await lab.models.register({
    name: 'direction',
    artifact: new TextEncoder().encode(`weights ${i}`),
    modelType: 'xgboost',
  });
  versions.push(v.version);
}
const hashTest = await lab.abTests.create({
  name: 'route bench: hash',
  variants: NAMES.map((name, i) => ({
    name,
    model: 'direction',
    version: versions[i] as string,
    weight: WEIGHTS[i] as number,
  })),
  coverage: COVERAGE,
});
const thompsonTest = await lab.abTests.create({
  name: 'route bench: thompson',
  variants: NAMES.map((name, i) => ({ name, model: 'direction', version: versions[i] as string })),
  allocation: 'thompson',
  coverage: COVERAGE,
});
// Outcomes for the bandit's posteriors (arm means 0, 0.1, 0.2; sd 1).
const normal = createRandom(11);
for (let i = 0; i < BANDIT_OUTCOMES; i++) {
  const route = lab.abTests.route(thompsonTest.id, { unit: units[i] as string });
  const id = lab.abTests.recordPrediction(thompsonTest.id, {
    variant: route.variant,
    prediction: 0,
  });
  await lab.abTests.recordOutcome(id, route.variantIndex * 0.1 + normal.normal());
}
await lab.abTests.flush();

const TEST_ID = hashTest.id;
const THOMPSON_ID = thompsonTest.id;
const abTests = lab.abTests;

const experiment: Experiment<number> = {
  key: hashTest.hashSeed,
  variations: [0, 1, 2],
  weights: WEIGHTS,
  coverage: COVERAGE,
  hashVersion: 2,
};
const assign = createHashAssigner({
  seed: hashTest.hashSeed,
  weights: WEIGHTS,
  coverage: COVERAGE,
});
const client = new GrowthBookClient({});

const variant = (r: { inExperiment: boolean; variationId: number }) =>
  r.inExperiment ? r.variationId : -1;

interface Row {
  readonly name: string;
  readonly fn: (unit: string) => number;
  /** Compared with GrowthBook before timing. */
  readonly checked: boolean;
}
const rows: Row[] = [
  {
    name: 'quantlab `lab.abTests.route` (hash)',
    fn: (unit) => {
      const r = abTests.route(TEST_ID, { unit });
      return r.inTest ? r.variantIndex : -1;
    },
    checked: true,
  },
  { name: 'quantlab `createHashAssigner` (inside route)', fn: assign, checked: true },
  {
    name: 'GrowthBook `GrowthBookClient.runInlineExperiment`',
    fn: (unit) => variant(client.runInlineExperiment(experiment, { attributes: { id: unit } })),
    checked: false,
  },
  {
    name: 'GrowthBook `new GrowthBook(...).run`',
    fn: (unit) => variant(new GrowthBook({ attributes: { id: unit } }).run(experiment)),
    checked: false,
  },
  {
    name: 'quantlab `lab.abTests.route` (thompson, bandit choose)',
    fn: (unit) => {
      const r = abTests.route(THOMPSON_ID, { unit });
      return r.inTest ? r.variantIndex : -1;
    },
    checked: false,
  },
];

// Agreement first: for every unit, the facade's route and the assigner give GrowthBook run()'s
// variant (the GrowthBook rows agree with each other through the checksums below).
let checked = 0;
for (const unit of units) {
  const expected = variant(new GrowthBook({ attributes: { id: unit } }).run(experiment));
  for (const row of rows) {
    if (!row.checked) continue;
    const got = row.fn(unit);
    if (got !== expected) {
      throw new Error(
        `${row.name} gives ${got} for ${JSON.stringify(unit)}; GrowthBook ${expected}`,
      );
    }
  }
  checked++;
}

// ------------------------------------------------------------------------------- timing

let minorGcs = 0;
const observer = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const { detail } = entry as { detail?: { kind?: number } };
    if (detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR) minorGcs++;
  }
});
observer.observe({ entryTypes: ['gc'] });
const flushObserver = () => new Promise<void>((resolve) => setTimeout(resolve, 20));

function pass(fn: (unit: string) => number): { seconds: number; checksum: number } {
  let checksum = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < units.length; i++) checksum += fn(units[i] as string);
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, checksum };
}

const results: { name: string; ns: number; gcs: number; checksum: number }[] = [];
for (const row of rows) {
  pass(row.fn); // warm-up
  await flushObserver();
  const gcsBefore = minorGcs;
  let best = Number.POSITIVE_INFINITY;
  let checksum = 0;
  for (let run = 0; run < RUNS; run++) {
    const r = pass(row.fn);
    best = Math.min(best, r.seconds);
    checksum = r.checksum;
  }
  await flushObserver();
  results.push({ name: row.name, ns: (best / UNITS) * 1e9, gcs: minorGcs - gcsBefore, checksum });
}
observer.disconnect();
await lab.close();

// ------------------------------------------------------------------------------- report

const byName = (prefix: string) =>
  results.find((r) => r.name.startsWith(prefix)) as (typeof results)[number];
const route = results[0] as (typeof results)[number];
const inline = byName('GrowthBook `GrowthBookClient');
const run = byName('GrowthBook `new GrowthBook');
console.log(
  `\nlab.abTests.route, node ${process.version}, ${UNITS.toLocaleString('en')} units ` +
    `(mean ${(codeUnits / UNITS).toFixed(1)} code units), best of ${RUNS}, one thread\n`,
);
console.log(
  `config: 3 variants [${WEIGHTS.join(', ')}], coverage ${COVERAGE}, seed = test id, hash v2; ` +
    `${checked.toLocaleString('en')} units checked: route and createHashAssigner agree with GrowthBook run() on every unit\n`,
);
console.log('| implementation | ns/op | ops/s | ÷ route | minor GCs | checksum |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const r of results) {
  console.log(
    `| ${r.name} | ${r.ns.toFixed(1)} | ${(1e9 / r.ns / 1e6).toFixed(2)} M | ${(r.ns / route.ns).toFixed(2)} | ${r.gcs} | ${r.checksum} |`,
  );
}
const perSecond = 1e9 / route.ns;
const vsRun = run.ns / route.ns;
const vsInline = inline.ns / route.ns;
console.log(
  `\ngoal route >= 2x GrowthBook: ${vsRun.toFixed(1)}x run(), ${vsInline.toFixed(1)}x runInlineExperiment ` +
    `${Math.min(vsRun, vsInline) >= 2 ? 'met' : 'NOT met'}; goal >= 5 M/s on one core: ` +
    `${(perSecond / 1e6).toFixed(2)} M/s ${perSecond >= 5e6 ? 'met' : 'NOT met'}`,
);
