/**
 * Streaming drift detectors, `update(x)` per value, beside a plain running-mean loop over the
 * same Float64Array in the same run:
 *
 *   npm run bench:drift:detectors
 *   N=1000000 KSWIN_N=50000 RUNS=5 npm run bench:drift:detectors
 *
 * Data (seeded): N values (default 10 million) in segments of 100,000 whose mean alternates
 * between 0 and 0.5 (N(mean, 1)), so the detectors see a change every segment and go through
 * their drift-and-reset path, not only the quiet path; DDM gets 0/1 errors whose rate alternates
 * between 0.1 and 0.2 on the same segments. KSWIN, which runs a KS test per value, gets the first
 * KSWIN_N values (default 200,000).
 *
 * Rows:
 * - baseline: `mean += (x - mean) / n` and one comparison per value, counting the values above the
 *   running mean: the cheapest loop that reads every value and carries state, i.e. the floor any
 *   detector's loop pays for.
 * - each detector with its defaults, fed through the `DriftDetector` interface returned by
 *   `createDetector`, counting drifts (printed so the work cannot be optimised away), divided by
 *   the baseline on the same data (DDM's is the 0/1 error array). Page-Hinkley's default
 *   threshold (50) is sized for error rates, so on this unit-variance data it fires often.
 *
 * Each row is the best of RUNS passes (default 3) after one warm-up pass; a pass creates a fresh
 * detector. Figures: ns per update, million updates per second, and the ratio to the baseline.
 * Goal (issue 7): ADWIN over 1 million updates per second.
 */

import { createRandom } from 'quantlab/stats';
import {
  createDetector,
  type DetectorKind,
  type DriftDetector,
} from '../src/drift/detectors/index.js';

const N = Number(process.env.N ?? 10_000_000);
const KSWIN_N = Math.min(N, Number(process.env.KSWIN_N ?? 200_000));
const RUNS = Number(process.env.RUNS ?? 3);
const SEGMENT = 100_000;

const random = createRandom(20261124);
const values = new Float64Array(N);
const errors = new Float64Array(N);
for (let i = 0; i < N; i++) {
  const shifted = Math.floor(i / SEGMENT) % 2 === 1;
  values[i] = random.normal(shifted ? 0.5 : 0, 1);
  errors[i] = random.uniform() < (shifted ? 0.2 : 0.1) ? 1 : 0;
}

interface Row {
  readonly name: string;
  /** The baseline row this one is divided by (same data); itself for a baseline. */
  readonly baseline?: Row;
  readonly n: number;
  readonly seconds: number;
  readonly checksum: number;
}

function best(name: string, n: number, pass: () => number): Row {
  let checksum = pass(); // warm-up
  let seconds = Number.POSITIVE_INFINITY;
  for (let run = 0; run < RUNS; run++) {
    const start = process.hrtime.bigint();
    checksum = pass();
    seconds = Math.min(seconds, Number(process.hrtime.bigint() - start) / 1e9);
  }
  return { name, n, seconds, checksum };
}

function runningMean(data: Float64Array, n: number): number {
  let mean = 0;
  let above = 0;
  for (let i = 0; i < n; i++) {
    const x = data[i] as number;
    mean += (x - mean) / (i + 1);
    if (x > mean) above++;
  }
  return above;
}

function detect(kind: DetectorKind, data: Float64Array, n: number): number {
  const detector: DriftDetector = createDetector(kind);
  let drifts = 0;
  for (let i = 0; i < n; i++) if (detector.update(data[i] as number).drift) drifts++;
  return drifts;
}

const baseline = best('baseline: running mean', N, () => runningMean(values, N));
const baselineErrors = best('baseline: running mean, 0/1 errors', N, () => runningMean(errors, N));
const adwin: Row = {
  ...best('ADWIN (delta 0.002, clock 32)', N, () => detect('adwin', values, N)),
  baseline,
};
const rows: Row[] = [
  baseline,
  adwin,
  { ...best('Page-Hinkley (defaults)', N, () => detect('page-hinkley', values, N)), baseline },
  {
    ...best('KSWIN (alpha 0.005, 100 / 30)', KSWIN_N, () => detect('kswin', values, KSWIN_N)),
    baseline,
  },
  baselineErrors,
  {
    ...best('DDM (defaults, 0/1 errors)', N, () => detect('ddm', errors, N)),
    baseline: baselineErrors,
  },
];

const nsPerUpdate = (row: Row) => (row.seconds * 1e9) / row.n;
console.log(
  `\nstreaming drift detectors, node ${process.version}, ${N.toLocaleString('en-US')} values ` +
    `(KSWIN ${KSWIN_N.toLocaleString('en-US')}), best of ${RUNS}\n`,
);
console.log('| row | values | ns / update | M updates / s | ÷ baseline | drifts (checksum) |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const row of rows) {
  const ns = nsPerUpdate(row);
  console.log(
    `| ${row.name} | ${row.n.toLocaleString('en-US')} | ${ns.toFixed(2)} | ` +
      `${(row.n / row.seconds / 1e6).toFixed(2)} | ${(ns / nsPerUpdate(row.baseline ?? row)).toFixed(1)} | ${row.checksum} |`,
  );
}
const adwinRate = adwin.n / adwin.seconds;
console.log(
  `\nADWIN: ${(adwinRate / 1e6).toFixed(2)} million updates/s ` +
    `(goal: over 1 million) ${adwinRate > 1e6 ? 'MET' : 'NOT MET'}`,
);
