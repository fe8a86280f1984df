/**
 * The quantlab demo: one end-to-end run on the embedded SQLite default (./quantlab-demo.db).
 *
 * 1. Backtests: two strategies (a moving-average crossover and a mean reversion), two parameter
 *    sets each, over a seeded price series, each run wrapped in `lab.experiments.run`.
 * 2. Models: the two best runs become versions of the `direction` model, with lineage to their
 *    runs; the runner-up goes to production, the best waits in staging as the challenger.
 * 3. A/B test: 30,000 simulated predictions routed between the two versions by account, each
 *    trade's PnL reported 40 trades later (outcomes arrive late, as in a real bot); the results
 *    name a winner, and the winner is promoted.
 * 4. Drift: a baseline of the training features, then a day of live features with a planted
 *    shift, which the check finds.
 *
 * Everything is seeded: every run prints the same numbers. The database is recreated each run.
 *
 *   npm run demo
 *   QUANTLAB_DEMO_DB=/tmp/demo.db npm run demo
 */
import { rmSync } from 'node:fs';
import { createLab, type RunHandle } from 'quantlab';
import { sqlite } from 'quantlab/sqlite';
import { createRandom } from 'quantlab/stats';

const filename = process.env.QUANTLAB_DEMO_DB ?? './quantlab-demo.db';
for (const suffix of ['', '-wal', '-shm']) rmSync(filename + suffix, { force: true });
await using lab = await createLab(sqlite({ filename }), { random: createRandom(42).uniform });
console.log(`quantlab demo: ${lab.info.backend.description}, schema ${lab.info.schemaVersion}\n`);

// 1. Backtests ------------------------------------------------------------------------------
const market = createRandom('BTC/USD 2025');
const closes: number[] = [];
for (let i = 0, price = 40_000; i < 2_000; i++) {
  price *= 1 + market.normal(0.0001, 0.01);
  closes.push(price);
}

/** Runs a strategy over the closes: `signal(i)` is the position (−1, 0 or 1) held after bar i. */
function backtest(run: RunHandle, signal: (i: number) => number, costBps = 5): void {
  let equity = 10_000;
  let position = 0;
  let entry = 0;
  for (let i = 1; i < closes.length; i++) {
    const r = position * ((closes[i] as number) / (closes[i - 1] as number) - 1);
    equity *= 1 + r;
    run.logMetrics({ equity, returns: r }, { step: i });
    const next = signal(i);
    if (next !== position) {
      equity *= 1 - costBps / 10_000;
      if (position !== 0)
        run.logMetric('trade_pnl', position * ((closes[i] as number) / entry - 1));
      entry = closes[i] as number;
      position = next;
    }
  }
}

const mean = (from: number, to: number) => {
  let sum = 0;
  for (let j = from; j < to; j++) sum += closes[j] as number;
  return sum / (to - from);
};
const crossover = (fast: number, slow: number) => (i: number) =>
  i < slow ? 0 : mean(i - fast + 1, i + 1) > mean(i - slow + 1, i + 1) ? 1 : 0;
const reversion = (lookback: number, z: number) => (i: number) => {
  if (i < lookback) return 0;
  const m = mean(i - lookback + 1, i + 1);
  let ss = 0;
  for (let j = i - lookback + 1; j <= i; j++) ss += ((closes[j] as number) - m) ** 2;
  const score = ((closes[i] as number) - m) / Math.sqrt(ss / (lookback - 1));
  return score > z ? -1 : score < -z ? 1 : 0;
};

const runs = [
  { strategy: 'ma-crossover', params: { fast: 10, slow: 50 }, signal: crossover(10, 50) },
  { strategy: 'ma-crossover', params: { fast: 20, slow: 100 }, signal: crossover(20, 100) },
  { strategy: 'mean-reversion', params: { lookback: 20, z: 1.5 }, signal: reversion(20, 1.5) },
  { strategy: 'mean-reversion', params: { lookback: 50, z: 2 }, signal: reversion(50, 2) },
];
console.log('1. backtests (lab.experiments.run)');
interface Result {
  id: string;
  strategy: string;
  name: string;
  sharpe: number;
}
const results: Result[] = [];
for (const { strategy, params, signal } of runs) {
  const name = `${strategy} ${Object.values(params).join('/')}`;
  const run = await lab.experiments.run(
    {
      name,
      type: 'backtest',
      strategy,
      symbols: ['BTC/USD'],
      timeframe: '1h',
      dateRange: { from: '2025-01-01', to: '2025-03-25' },
      params,
      seed: 1,
      tags: ['demo'],
    },
    (handle) => backtest(handle, signal),
  );
  const { trading, metrics } = await lab.experiments.summary(run.id);
  const sharpe = trading?.sharpe ?? 0;
  results.push({ id: run.id, strategy, name, sharpe });
  console.log(
    `   ${name.padEnd(22)} final equity ${metrics.equity?.latest?.toFixed(2).padStart(9)}, ` +
      `Sharpe ${sharpe.toFixed(2).padStart(5)}, max drawdown ${trading?.maxDrawdown?.toFixed(3)}, ` +
      `${trading?.trades} trades`,
  );
}

// 2. Models ---------------------------------------------------------------------------------
// The two best runs become versions of the `direction` model, each with lineage to its run: the
// runner-up is last month's model, in production; the best is the challenger.
const [first, second] = [...results].sort((a, b) => b.sharpe - a.sharpe) as [Result, Result];
console.log('\n2. model registry (lab.models)');
const versions = [];
for (const run of [second, first]) {
  const version = await lab.models.register({
    name: 'direction',
    artifact: new TextEncoder().encode(JSON.stringify({ strategy: run.name })),
    modelType: 'rule-based',
    features: ['spread', 'volatility', 'venue'],
    metrics: { sharpe: run.sharpe },
    experimentId: run.id,
    trainedBy: 'demo',
  });
  versions.push(version);
  console.log(
    `   direction@${version.version} from run "${run.name}" (Sharpe ${run.sharpe.toFixed(2)})`,
  );
}
const [champion, challenger] = versions as [(typeof versions)[0], (typeof versions)[0]];
await lab.models.promote('direction', champion.version, 'staging', { actor: 'demo' });
await lab.models.promote('direction', champion.version, 'production', { actor: 'demo' });
await lab.models.promote('direction', challenger.version, 'staging', { actor: 'demo' });
console.log(
  `   production: direction@${champion.version}; staging: direction@${challenger.version}`,
);

// 3. A/B test -------------------------------------------------------------------------------
console.log('\n3. A/B test (lab.abTests)');
const test = await lab.abTests.create({
  name: `direction ${champion.version} vs ${challenger.version}`,
  variants: [
    { name: 'control', model: 'direction', stage: 'production' },
    { name: 'challenger', model: 'direction', stage: 'staging' },
  ],
  hashSeed: 'demo-2026', // fixed, so every run splits accounts alike
  primaryMetric: 'pnl',
  minSamplesPerVariant: 2000,
});
const trading = createRandom('demo trades');
const edge: Record<string, number> = { control: 0.02, challenger: 0.08 }; // mean PnL per trade
const pending: { id: string; variant: string }[] = [];
const PREDICTIONS = 30_000;
const DELAY = 40;
for (let i = 0; i < PREDICTIONS + DELAY; i++) {
  if (i < PREDICTIONS) {
    const unit = `acct-${i % 3000}`;
    const route = lab.abTests.route(test.id, { unit });
    const prediction = trading.normal(0, 1);
    pending.push({
      id: lab.abTests.recordPrediction(test.id, { variant: route.variant, unit, prediction }),
      variant: route.variant,
    });
  }
  if (i >= DELAY) {
    const trade = pending.shift() as { id: string; variant: string };
    const pnl = trading.normal(edge[trade.variant] as number, 1);
    await lab.abTests.recordOutcome(trade.id, pnl, { metrics: { pnl } });
  }
}
await lab.abTests.flush();
const outcome = await lab.abTests.complete(test.id);
const counts = outcome.results.variants.map((v) => `${v.name} ${v.n.toLocaleString('en')}`);
console.log(
  `   ${PREDICTIONS.toLocaleString('en')} predictions routed by account (${counts.join(', ')})`,
);
console.log(`   ${outcome.results.recommendation}`);
console.log(`   winner: ${outcome.test.winner}`);
if (outcome.test.winner === 'challenger') {
  await lab.models.promote('direction', challenger.version, 'production', {
    actor: 'demo',
    reason: `won A/B test ${test.id}`,
  });
  console.log(`   promoted direction@${challenger.version} to production`);
}

// 4. Drift ----------------------------------------------------------------------------------
console.log('\n4. drift (lab.drift)');
const live = createRandom('demo features');
const features = (n: number, volatility: number, spread: number) => ({
  spread: Array.from({ length: n }, () => Math.abs(live.normal(spread, 0.005))),
  volatility: Array.from({ length: n }, () => Math.abs(live.normal(volatility, volatility / 4))),
  venue: Array.from({ length: n }, () => (live.uniform() < 0.6 ? 'binance' : 'coinbase')),
});
const production = { name: 'direction', stage: 'production' } as const;
await lab.drift.setBaseline({ model: production, features: features(50_000, 0.01, 0.02) });
const calm = await lab.drift.check({ model: production, features: features(5000, 0.01, 0.02) });
console.log(`   a normal day: ${calm.drifted ? 'drift' : 'no drift'}`);
const report = await lab.drift.check({ model: production, features: features(5000, 0.02, 0.03) });
for (const f of report.data?.features ?? []) {
  console.log(
    `   ${f.feature.padEnd(10)} ${f.method.padEnd(14)} ${f.statistic.toFixed(3)} vs threshold ${f.threshold}: ${f.drifted ? 'DRIFTED' : 'ok'}`,
  );
}
console.log(
  `   a volatile day: ${report.drifted ? 'drift' : 'no drift'} (${report.data?.driftedCount} of ${report.data?.checkedCount} features)`,
);

// Summary -----------------------------------------------------------------------------------
const db = process.env.QUANTLAB_DEMO_DB === undefined ? '' : ` --db ${filename}`;
const cli = (command: string) => `   npm run quantlab -- ${command}${db}`;
console.log(`
summary: ${results.length} backtests, ${versions.length} model versions (production: direction@${
  (await lab.models.get('direction', { stage: 'production' })).version
}), 1 A/B test (${PREDICTIONS.toLocaleString('en')} predictions), 2 drift reports, in ${filename}

see more with the CLI:
${cli('experiments list')}                      the four backtests
${cli(`experiments compare ${second.id} ${first.id}`)}   the two model runs side by side
${cli('models history direction')}               registrations and promotions
${cli(`ab results ${test.id}`)}   per-variant results and the decision
${cli('drift reports --model direction')}        the two checks, newest first`);
