/**
 * quantlab/stats beside scipy, on the same data, in the same run:
 *   - KS two-sample on 1e6 vs 1e6 values (goal: no slower than scipy's ks_2samp),
 *   - Welch's t-test on 1e7 vs 1e7 values (goal: within 2x of scipy's ttest_ind).
 *
 *   npm run bench:stats
 *
 * The samples are generated here, written to a temp file as float64, and read by a child python3
 * process that times scipy on them (load time excluded); both sides report the best of 3 runs.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRandom, ksTwoSample, welchTTest } from 'quantlab/stats';

const KS_N = Number(process.env.KS_N ?? 1_000_000);
const WELCH_N = Number(process.env.WELCH_N ?? 10_000_000);
const RUNS = 3;

const random = createRandom(20261124);
const sample = (n: number, shift: number, sd: number) => {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = shift + sd * random.normal();
  return out;
};

function best(fn: () => unknown): number {
  let fastest = Number.POSITIVE_INFINITY;
  for (let run = 0; run < RUNS; run++) {
    const start = process.hrtime.bigint();
    fn();
    fastest = Math.min(fastest, Number(process.hrtime.bigint() - start) / 1e9);
  }
  return fastest;
}

const dir = mkdtempSync(join(tmpdir(), 'quantlab-stats-bench-'));
try {
  const ksA = sample(KS_N, 0, 1);
  const ksB = sample(KS_N, 0.002, 1);
  // A shift that puts the p-value near 1e-9, where scipy sums ~n Smirnov terms.
  const ksC = sample(KS_N, 0.0085, 1);
  const welchA = sample(WELCH_N, 0, 1);
  const welchB = sample(WELCH_N, 0.001, 1.1);
  const files = { ksA, ksB, ksC, welchA, welchB };
  for (const [name, data] of Object.entries(files)) writeFileSync(join(dir, `${name}.f64`), data);

  const ks = ksTwoSample(ksA, ksB);
  const ksShifted = ksTwoSample(ksA, ksC);
  const welch = welchTTest(welchA, welchB);
  const ours = {
    ks: best(() => ksTwoSample(ksA, ksB)),
    ksShifted: best(() => ksTwoSample(ksA, ksC)),
    welch: best(() => welchTTest(welchA, welchB)),
  };

  const python = `
import json, sys, time
import numpy as np
from scipy import stats
d = sys.argv[1]
load = lambda n: np.fromfile(f"{d}/{n}.f64", dtype="<f8")
ka, kb, kc, wa, wb = load("ksA"), load("ksB"), load("ksC"), load("welchA"), load("welchB")
def best(fn):
    t = []
    for _ in range(${RUNS}):
        s = time.perf_counter(); r = fn(); t.append(time.perf_counter() - s)
    return min(t), r
ks_t, ks = best(lambda: stats.ks_2samp(ka, kb, method="auto"))
ks2_t, ks2 = best(lambda: stats.ks_2samp(ka, kc, method="auto"))
w_t, w = best(lambda: stats.ttest_ind(wb, wa, equal_var=False))
print(json.dumps({"ks": ks_t, "welch": w_t, "ksStatistic": float(ks.statistic), "ksP": float(ks.pvalue),
                  "ksShifted": ks2_t, "ksShiftedStatistic": float(ks2.statistic), "ksShiftedP": float(ks2.pvalue),
                  "welchT": float(w.statistic), "welchP": float(w.pvalue)}))
`;
  const scipy = JSON.parse(execFileSync('python3', ['-c', python, dir], { encoding: 'utf8' })) as {
    ks: number;
    ksShifted: number;
    ksShiftedStatistic: number;
    ksShiftedP: number;
    welch: number;
    ksStatistic: number;
    ksP: number;
    welchT: number;
    welchP: number;
  };

  const agree = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(b), 1e-300);
  console.log(`\nquantlab/stats vs scipy, node ${process.version}, best of ${RUNS}\n`);
  console.log('| function | data | quantlab s | scipy s | scipy / quantlab | results agree |');
  console.log('|---|---|---:|---:|---:|---|');
  console.log(
    `| ksTwoSample | ${KS_N.toExponential(0)} vs ${KS_N.toExponential(0)} | ${ours.ks.toFixed(3)} | ${scipy.ks.toFixed(3)} | ${(scipy.ks / ours.ks).toFixed(2)} | ${agree(ks.statistic, scipy.ksStatistic) && agree(ks.pValue, scipy.ksP)} (D ${ks.statistic.toExponential(4)}, p ${ks.pValue.toExponential(4)}) |`,
  );
  console.log(
    `| ksTwoSample, shifted | ${KS_N.toExponential(0)} vs ${KS_N.toExponential(0)} | ${ours.ksShifted.toFixed(3)} | ${scipy.ksShifted.toFixed(3)} | ${(scipy.ksShifted / ours.ksShifted).toFixed(2)} | ${agree(ksShifted.statistic, scipy.ksShiftedStatistic) && agree(ksShifted.pValue, scipy.ksShiftedP)} (D ${ksShifted.statistic.toExponential(4)}, p ${ksShifted.pValue.toExponential(4)}) |`,
  );
  console.log(
    `| welchTTest | ${WELCH_N.toExponential(0)} vs ${WELCH_N.toExponential(0)} | ${ours.welch.toFixed(3)} | ${scipy.welch.toFixed(3)} | ${(scipy.welch / ours.welch).toFixed(2)} | ${agree(welch.t, scipy.welchT) && agree(welch.pValue, scipy.welchP)} (t ${welch.t.toFixed(4)}, p ${welch.pValue.toExponential(4)}) |`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
