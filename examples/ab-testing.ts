/**
 * A trading bot that A/B tests a challenger model against the production one, with quantlab:
 *
 * 1. Two versions of a "direction" model are registered; 1.0.0 is in production.
 * 2. A test splits accounts 50/50 by GrowthBook-compatible hashing, judged on PnL per trade,
 *    with a maxLoss guard and autoPromote.
 * 3. The bot routes every decision (`route` is synchronous), predicts with the routed model,
 *    records the prediction, and later the trade's realised PnL.
 * 4. Every 500 trades it peeks at the results (always-valid statistics make that safe) and runs
 *    `monitor()`, which completes the test and promotes the challenger once it has won.
 *
 * The market is simulated with a seeded generator: the challenger's trades earn 0.3 more on
 * average, with a standard deviation of 2.
 *
 *   npx tsx examples/ab-testing.ts            # ./ab-testing.db
 *   QUANTLAB_EXAMPLE_DB=/tmp/ab.db npx tsx examples/ab-testing.ts
 */
import { rmSync } from 'node:fs';
import { createLab } from 'quantlab';
import { sqlite } from 'quantlab/sqlite';
import { createRandom } from 'quantlab/stats';

const filename = process.env.QUANTLAB_EXAMPLE_DB ?? './ab-testing.db';
for (const suffix of ['', '-wal', '-shm']) rmSync(filename + suffix, { force: true });
await using lab = await createLab(sqlite({ filename }), { random: createRandom(7).uniform });

// 1. Two model versions; the first goes to production, the second waits in staging.
const encode = (text: string) => new TextEncoder().encode(text);
const v1 = await lab.models.register({
  name: 'direction',
  artifact: encode('{"bias":0.0}'),
  modelType: 'custom',
});
const v2 = await lab.models.register({
  name: 'direction',
  artifact: encode('{"bias":0.3}'),
  modelType: 'custom',
});
await lab.models.promote('direction', v1.version, 'staging');
await lab.models.promote('direction', v1.version, 'production');
await lab.models.promote('direction', v2.version, 'staging');

// 2. The test.
const test = await lab.abTests.create({
  name: 'direction 1.0.1 vs 1.0.0',
  variants: [
    { name: 'control', model: 'direction', stage: 'production' },
    { name: 'challenger', model: 'direction', stage: 'staging' },
  ],
  hashSeed: 'direction-ab-2026-11', // fixed, so every run of this script splits accounts alike
  primaryMetric: 'pnl',
  minimumDetectableEffect: 0.3,
  minSamplesPerVariant: 500,
  maxLoss: 1,
  autoPromote: true,
});
console.log(
  `test ${test.name}: ${test.variants.map((v) => `${v.name} = ${v.model}@${v.version}`).join(', ')}`,
);

// 3. The bot.
const market = createRandom('ab-testing market');
const predict = (artifact: Uint8Array) =>
  (JSON.parse(new TextDecoder().decode(artifact)) as { bias: number }).bias;
for (let trade = 1; trade <= 6000; trade++) {
  const unit = `acct-${trade % 3000}`;
  const route = lab.abTests.route(test.id, { unit });
  if (!route.inTest) break; // the test has ended: the winner is in production now
  const bias = predict(route.artifact);
  const id = lab.abTests.recordPrediction(test.id, {
    variant: route.variant,
    unit,
    prediction: bias,
  });
  const pnl = market.normal(bias, 2);
  await lab.abTests.recordOutcome(id, pnl > 0 ? 1 : -1, { metrics: { pnl } });

  // 4. Peek and monitor every 500 trades.
  if (trade % 500 === 0) {
    const results = await lab.abTests.results(test.id);
    console.log(`after ${trade} trades: ${results.recommendation}`);
    for (const action of await lab.abTests.monitor())
      console.log(
        `monitor: ${action.action} ${action.variant ?? ''} (${action.reason.split(':')[0]})`,
      );
  }
}

const done = await lab.abTests.get(test.id);
console.log(
  `test ${done.status}, winner ${done.winner}, promoted ${done.promoted?.model}@${done.promoted?.version}`,
);
const production = await lab.models.get('direction', { stage: 'production' });
console.log(`direction in production: ${production.version}`);
const last = (await lab.models.history('direction')).at(-1);
console.log(
  `history: ${last?.kind} ${last?.version} ${last?.from} → ${last?.to} by ${last?.actor}`,
);
