/**
 * The quantlab demo, on the embedded SQLite default (./quantlab-demo.db).
 *
 * Today it tours the storage platform every facade is built on: it opens the database, migrates
 * it, records a seeded backtest (config, equity curve, logs) in one transaction through the
 * StorageBackend interface, aggregates the curve inside the database, and shows that a run
 * which crashes leaves nothing behind. Run it with `npm run demo`.
 */
import { randomUUID } from 'node:crypto';
import { createLab, type ExperimentRecord, type MetricRecord } from 'quantlab';
import { sqlite } from 'quantlab/sqlite';
import { mergeSummaries, summarize } from 'quantlab/stats';

const filename = process.env.QUANTLAB_DEMO_DB ?? './quantlab-demo.db';
const backend = sqlite({ filename });
await using lab = await createLab(backend);
console.log(
  `quantlab demo: ${lab.info.backend.kind} at ${lab.info.backend.description}, schema ${lab.info.schemaVersion}`,
);

/** A deterministic random walk (mulberry32), so every run of the demo records the same curve. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const started = new Date();
const random = seeded(42);
const returns = Array.from({ length: 1000 }, () => (random() - 0.48) * 0.02);
let equity = 10_000;
const curve: MetricRecord[] = [];
const id = randomUUID();
for (const [step, r] of returns.entries()) {
  equity *= 1 + r;
  curve.push({
    experimentId: id,
    name: 'equity',
    step,
    value: equity,
    at: new Date(started.getTime() + step),
  });
}
const run: ExperimentRecord = {
  id,
  name: `momentum backtest ${started.toISOString()}`,
  description: 'seeded random-walk backtest recorded by the demo',
  type: 'backtest',
  strategy: 'momentum',
  status: 'completed',
  priority: 5,
  configHash: 'demo',
  config: { symbols: ['BTC-USD'], timeframe: '1h', seed: 42, params: { lookback: 20 } },
  tags: ['demo'],
  parentId: null,
  gitCommit: null,
  provenance: { node: process.version },
  metadata: {},
  error: null,
  errorCount: 0,
  resources: { cpuCores: 1, memoryGb: 0.5, gpuUnits: 0, diskGb: 0 },
  maxRuntimeHours: 1,
  autoCleanup: false,
  createdAt: started,
  updatedAt: started,
  queuedAt: started,
  startedAt: started,
  completedAt: new Date(),
};

await backend.transaction(async (tx) => {
  await tx.experiments.insert(run);
  await tx.metrics.append(curve);
  await tx.logs.append([
    {
      id: randomUUID(),
      experimentId: id,
      level: 'info',
      message: 'backtest finished',
      context: { bars: 1000 },
      at: new Date(),
    },
  ]);
});

const [equityStats] = await backend.metrics.aggregate(id);
const firstHalf = summarize(returns.slice(0, 500));
const secondHalf = summarize(returns.slice(500));
const all = mergeSummaries(firstHalf, secondHalf);
console.log(`recorded ${run.name}`);
console.log(
  `  equity curve: ${equityStats?.count} points, min ${equityStats?.min.toFixed(2)}, max ${equityStats?.max.toFixed(2)}, final ${equityStats?.latest.toFixed(2)} (aggregated in the database)`,
);
console.log(
  `  per-bar return: mean ${(all.mean * 100).toFixed(4)}%, sd ${(Math.sqrt(all.variance) * 100).toFixed(4)}%`,
);

const crashed = { ...run, id: randomUUID(), name: 'a run that crashes' };
const crashError = await backend
  .transaction(async (tx) => {
    await tx.experiments.insert(crashed);
    await tx.metrics.append(curve.map((m) => ({ ...m, experimentId: crashed.id })));
    throw new Error('strategy crashed');
  })
  .catch((error: Error) => error);
const leftover = await backend.experiments.get(crashed.id);
console.log(
  `  a crashing run threw "${crashError?.message}" and left ${leftover ? 'a partial record (bug!)' : 'nothing behind'}`,
);

const total = (await backend.experiments.list({ limit: 1000 })).length;
console.log(`${total} run(s) stored in ${filename} so far; run the demo again to add another.`);
