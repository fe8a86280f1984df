/**
 * A backtest script that tracks its runs with quantlab: a small parameter sweep of a moving
 * average crossover over a seeded price series, each run wrapped in `lab.experiments.run`.
 *
 * - The price data is identified by its sha256 and recorded as the runs' input, so
 *   `findByInputArtifacts` finds every run that used it.
 * - A configuration that already completed is not run again: the database is kept between runs
 *   on purpose, so a second run of this script finds the sweep's runs by name and skips them
 *   (delete the database file to start over). `findByConfigHash` lists the runs of one
 *   configuration, whatever they were called.
 * - Each run logs its equity curve, per-bar returns and per-trade PnL; `summary` aggregates them
 *   in the database and adds Sharpe, max drawdown and win rate; `compare` ranks the runs.
 *
 *   npx tsx examples/backtest-tracking.ts            # ./backtest-tracking.db, kept between runs
 *   QUANTLAB_EXAMPLE_DB=/tmp/bt.db npx tsx examples/backtest-tracking.ts
 */
import { createHash } from 'node:crypto';
import { createLab, type RunHandle } from 'quantlab';
import { sqlite } from 'quantlab/sqlite';
import { createRandom } from 'quantlab/stats';

const filename = process.env.QUANTLAB_EXAMPLE_DB ?? './backtest-tracking.db';
await using lab = await createLab(sqlite({ filename }));

// 1. The market data: 2,000 hourly closes of a seeded random walk, identified by content hash.
const market = createRandom('BTC/USD 2025H1');
const closes: number[] = [];
for (let i = 0, price = 40_000; i < 2_000; i++) {
  price *= 1 + market.normal(0.0001, 0.01);
  closes.push(price);
}
const datasetId = createHash('sha256').update(JSON.stringify(closes)).digest('hex');

/** A moving average crossover: long while the fast average is above the slow one. */
async function backtest(run: RunHandle, fast: number, slow: number, costBps: number) {
  let equity = 10_000;
  let position = 0;
  let entry = 0;
  let fastSum = 0;
  let slowSum = 0;
  for (let i = 0; i < closes.length; i++) {
    const close = closes[i] as number;
    fastSum += close - (i >= fast ? (closes[i - fast] as number) : 0);
    slowSum += close - (i >= slow ? (closes[i - slow] as number) : 0);
    if (i > 0) {
      const barReturn = position * (close / (closes[i - 1] as number) - 1);
      equity *= 1 + barReturn;
      run.logMetrics({ equity, returns: barReturn }, { step: i });
    }
    if (i < slow) continue;
    const wantLong = fastSum / fast > slowSum / slow ? 1 : 0;
    if (wantLong !== position) {
      equity *= 1 - costBps / 10_000;
      if (wantLong === 0) run.logMetric('trade_pnl', close / entry - 1 - (2 * costBps) / 10_000);
      else entry = close;
      position = wantLong;
    }
  }
  run.log('info', 'backtest finished', { bars: closes.length, finalEquity: equity });
}

// 2. The sweep: each configuration once (a rerun of this script skips completed ones).
const ids: string[] = [];
const sweep = [
  [10, 50],
  [20, 100],
  [50, 200],
] as const;
for (const [fast, slow] of sweep) {
  const definition = {
    name: `ma-cross ${fast}/${slow}`,
    type: 'backtest',
    strategy: 'ma-crossover',
    symbols: ['BTC/USD'],
    timeframe: '1h',
    dateRange: { from: '2025-01-01', to: '2025-03-25' },
    params: { fast, slow },
    strategyParams: { costBps: 5 },
    inputs: { ohlcv: [datasetId] },
    seed: 1,
    tags: ['example', 'sweep'],
  } as const;
  const previous = await lab.experiments.list({
    name: definition.name,
    status: 'completed',
    limit: 1,
  });
  const done = previous.experiments[0];
  if (done !== undefined) {
    console.log(`${definition.name}: already completed (${done.id}), not run again`);
    ids.push(done.id);
    continue;
  }
  const finished = await lab.experiments.run(definition, (run) =>
    backtest(run, fast, slow, definition.strategyParams.costBps),
  );
  const reruns = await lab.experiments.findByConfigHash(finished.configHash);
  console.log(
    `${definition.name}: ${finished.status}, config hash ${finished.configHash.slice(0, 12)}…, ${reruns.length} run(s) of this config`,
  );
  ids.push(finished.id);
}

// 3. What the database says about each run.
for (const id of ids) {
  const { experiment, metrics, trading } = await lab.experiments.summary(id);
  const f = (x: number | null | undefined, digits = 3) => (x == null ? 'n/a' : x.toFixed(digits));
  console.log(
    `${experiment.name}: ${metrics.equity?.count ?? 0} bars, final equity ${f(metrics.equity?.latest, 2)}, ` +
      `total return ${f(trading?.totalReturn)}, Sharpe ${f(trading?.sharpe, 2)}, ` +
      `max drawdown ${f(trading?.maxDrawdown)}, ${trading?.trades ?? 0} trades, win rate ${f(trading?.winRate, 2)}`,
  );
}

// 4. Side by side: what differs, and which run is best on each metric.
const comparison = await lab.experiments.compare(ids);
const differing = comparison.params.filter((p) => p.differs).map((p) => p.path);
console.log(`params that differ: ${differing.join(', ')}`);
const best = comparison.metrics.find((m) => m.name === 'equity')?.best;
const bestRun = comparison.experiments.find((e) => e.id === best?.experimentId);
console.log(`best final equity: ${bestRun?.name} (${best?.value.toFixed(2)})`);

// 5. Lineage: every run that read this dataset.
const users = await lab.experiments.findByInputArtifacts([datasetId]);
console.log(`runs that used dataset ${datasetId.slice(0, 12)}…: ${users.length}`);
