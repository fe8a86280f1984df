/**
 * The batch data-drift check behind `lab.drift.check` (issue 7): `checkFeatures` over
 * FEATURES = 50 numeric features of ROWS = 100,000 current rows each, against baseline sketches
 * built from 100,000-row baselines and passed through a JSON round trip (as stored). Goal:
 * under one second.
 *
 *   npm run bench:drift:check
 *   FEATURES=20 ROWS=1000000 npm run bench:drift:check
 *
 * Data: feature f is N(μ_f, σ_f²) in the baseline; in the current data every fifth feature is
 * shifted by 0.5 σ_f and the rest are drawn afresh from the baseline distribution, so 10 of 50
 * must drift (the dataset verdict is then false at the default driftShare of 0.5). With 100k
 * rows on both sides the automatic test is the normalised Wasserstein distance.
 *
 * Timed (best and median of RUNS = 7 after one warm-up, in ms), in the same run:
 * - `checkFeatures(baseline, current)`: validation, one sort of each current feature, the
 *   Wasserstein distance to the 10,000-value reservoir sample, Benjamini-Hochberg, verdicts;
 * - baseline 1: `Float64Array.prototype.sort` of copies of the same 5,000,000 current values,
 *   feature by feature: the sort any exact two-sample test needs at least, with V8's own sort;
 * - baseline 2: SciPy, the same computation (50 × `wasserstein_distance(sample, current) / sd`)
 *   in a python3 child on the same float64 data (load time excluded); skipped without python3.
 * Also reported once: building the 50 sketches (not part of a check) and their JSON size.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRandom } from 'quantlab/stats';
import { checkFeatures, type DataDrift } from '../src/drift/data-drift.js';
import { buildNumericSketch, type FeatureSketch, type NumericSketch } from '../src/drift/sketch.js';

const FEATURES = Number(process.env.FEATURES ?? 50);
const ROWS = Number(process.env.ROWS ?? 100_000);
const BASELINE_ROWS = Number(process.env.BASELINE_ROWS ?? 100_000);
const RUNS = 7;

const random = createRandom(20261124);

function normals(n: number, mean: number, sd: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = mean + sd * random.normal();
  return out;
}

function time(fn: () => unknown): { best: number; median: number } {
  fn(); // warm-up
  const runs: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const start = process.hrtime.bigint();
    fn();
    runs.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  runs.sort((a, b) => a - b);
  return { best: runs[0] as number, median: runs[Math.floor(RUNS / 2)] as number };
}

const names = Array.from({ length: FEATURES }, (_, f) => `f${f}`);
const params = names.map((_, f) => ({ mean: (f % 7) - 3, sd: 0.5 + (f % 5) }));
const shifted = (f: number) => f % 5 === 0;

const training = names.map((_, f) => {
  const { mean, sd } = params[f] as { mean: number; sd: number };
  return normals(BASELINE_ROWS, mean, sd);
});
const sketchStart = process.hrtime.bigint();
const built: Record<string, FeatureSketch> = {};
names.forEach((name, f) => {
  built[name] = buildNumericSketch(training[f] as Float64Array, { random: random.uniform });
});
const sketchMs = Number(process.hrtime.bigint() - sketchStart) / 1e6;
training.length = 0;
const stored = JSON.stringify(built);
const baseline = JSON.parse(stored) as Record<string, FeatureSketch>;

const current: Record<string, Float64Array> = {};
names.forEach((name, f) => {
  const { mean, sd } = params[f] as { mean: number; sd: number };
  current[name] = normals(ROWS, mean + (shifted(f) ? 0.5 * sd : 0), sd);
});

let report: DataDrift | undefined;
const check = time(() => {
  report = checkFeatures(baseline, current);
});
const sort = time(() => {
  for (const name of names) new Float64Array(current[name] as Float64Array).sort();
});

const r = report as DataDrift;
const expected = names.filter((_, f) => shifted(f));
const flagged = r.features.filter((x) => x.drifted).map((x) => x.feature);
const correct = JSON.stringify(flagged) === JSON.stringify(expected);

let scipy: { best: number; median: number; maxDiff: number } | null = null;
const dir = mkdtempSync(join(tmpdir(), 'quantlab-drift-bench-'));
try {
  names.forEach((name, f) => {
    const s = baseline[name] as NumericSketch;
    writeFileSync(join(dir, `s${f}.f64`), Float64Array.from(s.sample));
    writeFileSync(join(dir, `c${f}.f64`), current[name] as Float64Array);
  });
  writeFileSync(
    join(dir, 'meta.json'),
    JSON.stringify({
      features: FEATURES,
      runs: RUNS,
      sd: names.map((n) => (baseline[n] as NumericSketch).sd),
      ours: r.features.map((x) => x.statistic),
    }),
  );
  const python = `
import json, statistics, sys, time
import numpy as np
from scipy.stats import wasserstein_distance
d = sys.argv[1]
meta = json.load(open(f"{d}/meta.json"))
k = meta["features"]
s = [np.fromfile(f"{d}/s{f}.f64", dtype="<f8") for f in range(k)]
c = [np.fromfile(f"{d}/c{f}.f64", dtype="<f8") for f in range(k)]
def check():
    return [wasserstein_distance(s[f], c[f]) / meta["sd"][f] for f in range(k)]
check()
t = []
for _ in range(meta["runs"]):
    t0 = time.perf_counter(); out = check(); t.append((time.perf_counter() - t0) * 1000)
t.sort()
diff = max(abs(a - b) / max(abs(b), 1e-300) for a, b in zip(meta["ours"], out))
print(json.dumps({"best": t[0], "median": t[len(t) // 2], "maxDiff": diff}))
`;
  try {
    scipy = JSON.parse(
      execFileSync('python3', ['-c', python, dir], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    ) as { best: number; median: number; maxDiff: number };
  } catch (err) {
    console.warn(`scipy baseline skipped: ${(err as Error).message.split('\n')[0]}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const fmt = (ms: number) => ms.toFixed(1);
console.log(
  `\ndrift check: ${FEATURES} numeric features × ${ROWS.toLocaleString('en')} current rows vs sketches of ${BASELINE_ROWS.toLocaleString('en')}-row baselines, node ${process.version}, best / median of ${RUNS}\n`,
);
console.log('| what | best ms | median ms | vs checkFeatures (median) |');
console.log('|---|---:|---:|---:|');
console.log(
  `| checkFeatures (goal < 1000 ms) | ${fmt(check.best)} | ${fmt(check.median)} | 1.00 |`,
);
console.log(
  `| baseline: Float64Array.prototype.sort of the same ${(FEATURES * ROWS).toLocaleString('en')} values | ${fmt(sort.best)} | ${fmt(sort.median)} | ${(sort.median / check.median).toFixed(2)} |`,
);
if (scipy !== null) {
  console.log(
    `| baseline: scipy wasserstein_distance / sd, same data | ${fmt(scipy.best)} | ${fmt(scipy.median)} | ${(scipy.median / check.median).toFixed(2)} |`,
  );
}
console.log(
  `\nverdicts: ${r.driftedCount} of ${r.checkedCount} drifted (${correct ? 'exactly the shifted ones' : `EXPECTED ${expected.join(',')}`}), dataset drifted: ${r.drifted}; method ${r.features[0]?.method}`,
);
if (scipy !== null)
  console.log(`statistics vs scipy: max relative difference ${scipy.maxDiff.toExponential(2)}`);
console.log(
  `sketches: built in ${fmt(sketchMs)} ms for ${FEATURES} × ${BASELINE_ROWS.toLocaleString('en')} rows; stored as ${(stored.length / 1e6).toFixed(2)} MB of JSON (${(stored.length / FEATURES / 1e3).toFixed(0)} kB per feature)`,
);
if (!correct || check.median >= 1000) process.exitCode = 1;
