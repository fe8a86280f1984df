/**
 * Hash assignment (the core of `abTests.route`) beside the GrowthBook JS SDK, same units, same
 * experiment, same process, one JavaScript thread:
 *
 *   npm run bench:ab
 *   UNITS=200000 RUNS=5 npm run bench:ab
 *
 * Config: 3 variations weighted 0.2 / 0.3 / 0.5, coverage 0.99, seed = the test id (a UUIDv7
 * string), hash version 2. Units: UNITS (default 1 million) distinct ids from a seeded generator,
 * half short account-like ids (`acct-123456`), half UUID-like strings (36 code units), and one in
 * 50 with non-ASCII characters.
 *
 * Rows:
 * - quantlab `createHashAssigner(...)` (precomputed seed state and bucket table), the hot path.
 * - quantlab `chooseVariation(gbHash(...), ranges)`, hashing per call with ranges precomputed.
 * - GrowthBook `GrowthBookClient.runInlineExperiment(exp, { attributes: { id } })`, the SDK's
 *   multi-user API for servers, and its fastest way to run an experiment for many units.
 * - GrowthBook `new GrowthBook({ attributes: { id } }).run(exp)`, one instance per unit.
 * - GrowthBook one shared `GrowthBook` instance, `setAttributes({ id })` then `run(exp)`.
 *
 * Each row is the best of RUNS passes over all units (after a warm-up pass), in ns per
 * assignment and assignments per second; "GrowthBook / quantlab" divides by the hot-path row.
 * Minor GCs counts the young-generation collections during the timed passes (0 means the path
 * allocated less than one nursery in RUNS x UNITS calls). Before timing, every unit's assignment
 * is checked against GrowthBook's `run()` (and all rows must print the same checksum).
 */

import { constants, PerformanceObserver } from 'node:perf_hooks';
import { type Experiment, GrowthBook, GrowthBookClient } from '@growthbook/growthbook';
import { createRandom } from 'quantlab/stats';
import { chooseVariation, createHashAssigner, getBucketRanges } from '../src/ab/buckets.js';
import { gbHash } from '../src/ab/hash.js';

const UNITS = Number(process.env.UNITS ?? 1_000_000);
const RUNS = Number(process.env.RUNS ?? 3);

const TEST_ID = '0192f3a4-5b6c-7d8e-9f01-23456789abcd';
const WEIGHTS = [0.2, 0.3, 0.5];
const COVERAGE = 0.99;

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

const experiment: Experiment<number> = {
  key: TEST_ID,
  variations: [0, 1, 2],
  weights: WEIGHTS,
  coverage: COVERAGE,
  hashVersion: 2,
};
const assign = createHashAssigner({ seed: TEST_ID, weights: WEIGHTS, coverage: COVERAGE });
const ranges = getBucketRanges(WEIGHTS.length, COVERAGE, WEIGHTS);
const client = new GrowthBookClient({});
const shared = new GrowthBook({ attributes: {} });

const variant = (r: { inExperiment: boolean; variationId: number }) =>
  r.inExperiment ? r.variationId : -1;

interface Row {
  readonly name: string;
  readonly fn: (unit: string) => number;
}
const rows: Row[] = [
  { name: 'quantlab createHashAssigner', fn: assign },
  {
    name: 'quantlab chooseVariation(gbHash(...))',
    fn: (unit) => (unit === '' ? -1 : chooseVariation(gbHash(TEST_ID, unit, 2), ranges)),
  },
  {
    name: 'GrowthBookClient.runInlineExperiment',
    fn: (unit) => variant(client.runInlineExperiment(experiment, { attributes: { id: unit } })),
  },
  {
    name: 'new GrowthBook(...).run',
    fn: (unit) => variant(new GrowthBook({ attributes: { id: unit } }).run(experiment)),
  },
  {
    name: 'shared GrowthBook setAttributes + run',
    fn: (unit) => {
      void shared.setAttributes({ id: unit });
      return variant(shared.run(experiment));
    },
  },
];

// Agreement first: for every unit, both quantlab rows give GrowthBook run()'s variant (the
// GrowthBook rows agree with each other through the checksums below).
let checked = 0;
for (const unit of units) {
  const expected = variant(new GrowthBook({ attributes: { id: unit } }).run(experiment));
  for (const row of rows.slice(0, 2)) {
    const got = row.fn(unit);
    if (got !== expected) {
      throw new Error(
        `${row.name} gives ${got} for ${JSON.stringify(unit)}; GrowthBook ${expected}`,
      );
    }
  }
  checked++;
}

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

const ours = results[0] as (typeof results)[number];
const fastestGrowthBook = Math.min(
  ...results.filter((r) => r.name.includes('GrowthBook')).map((r) => r.ns),
);
console.log(
  `\nA/B hash assignment, node ${process.version}, ${UNITS.toLocaleString('en')} units ` +
    `(mean ${(codeUnits / UNITS).toFixed(1)} code units), best of ${RUNS}, one thread\n`,
);
console.log(
  `config: 3 variations [${WEIGHTS.join(', ')}], coverage ${COVERAGE}, seed = test id, hash v2; ` +
    `${checked.toLocaleString('en')} units checked: both quantlab rows agree with GrowthBook run() on every unit\n`,
);
console.log('| implementation | ns/op | ops/s | GrowthBook / quantlab | minor GCs | checksum |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const r of results) {
  console.log(
    `| ${r.name} | ${r.ns.toFixed(1)} | ${(1e9 / r.ns / 1e6).toFixed(2)} M | ${(r.ns / ours.ns).toFixed(2)} | ${r.gcs} | ${r.checksum} |`,
  );
}
const ratio = fastestGrowthBook / ours.ns;
const perSecond = 1e9 / ours.ns;
console.log(
  `\ngoal >= 2x the fastest GrowthBook path: ${ratio.toFixed(1)}x ${ratio >= 2 ? 'met' : 'NOT met'}; ` +
    `goal >= 5 M/s: ${(perSecond / 1e6).toFixed(2)} M/s ${perSecond >= 5e6 ? 'met' : 'NOT met'}`,
);
