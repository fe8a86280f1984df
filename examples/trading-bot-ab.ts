/**
 * A trading bot that routes its predictions through an A/B test of a challenger model against
 * the production one, with quantlab:
 *
 * 1. Two versions of a "direction" model are registered; 1.0.0 is in production.
 * 2. A test splits accounts 50/50 by GrowthBook-compatible hashing, judged on PnL per trade,
 *    with a maxLoss guard and autoPromote.
 * 3. The bot routes every decision (`route` is synchronous, no I/O), predicts with the routed
 *    model, records the prediction, and later the trade's realised PnL.
 * 4. Every 500 trades it peeks at the results (always-valid statistics make that safe) and runs
 *    `monitor()`, which completes the test and promotes the challenger once it has won.
 * 5. Once the test is over, `route` says so (`inTest: false`) and the bot trades with whatever
 *    is in production now: the winner.
 *
 * The market is simulated with a seeded generator, so every run prints the same numbers: the
 * challenger's trades earn 0.3 more on average, with a standard deviation of 2.
 *
 *   npx tsx examples/trading-bot-ab.ts            # ./trading-bot-ab.db, recreated on each run
 *   QUANTLAB_EXAMPLE_DB=/tmp/ab.db npx tsx examples/trading-bot-ab.ts
 */
import { rmSync } from 'node:fs';
import { createLab } from 'quantlab';
import { sqlite } from 'quantlab/sqlite';
import { createRandom } from 'quantlab/stats';

const filename = process.env.QUANTLAB_EXAMPLE_DB ?? './trading-bot-ab.db';
for (const suffix of ['', '-wal', '-shm']) rmSync(filename + suffix, { force: true });
await using lab = await createLab(sqlite({ filename }), { random: createRandom(7).uniform });

// 1. Two model versions; the first goes to production, the second waits in staging. A "model"
// here is a JSON blob with the average edge it trades at; a real one would be weights.
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
/** The model the bot trades with once the test is over, loaded when first needed. */
let production: { version: string; bias: number } | undefined;
const afterTest = { trades: 0, pnl: 0 };
for (let trade = 1; trade <= 6000; trade++) {
  const unit = `acct-${trade % 3000}`;
  const route = lab.abTests.route(test.id, { unit });
  if (!route.inTest) {
    // 5. The test has ended: trade with the production model (the winner, if it was promoted),
    // and record nothing into the test.
    production ??= {
      version: (await lab.models.get('direction', { stage: 'production' })).version,
      bias: predict(await lab.models.loadArtifact('direction', { stage: 'production' })),
    };
    afterTest.trades++;
    afterTest.pnl += market.normal(production.bias, 2);
    continue;
  }
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

// What the test decided, and what happened to the registry.
const done = await lab.abTests.get(test.id);
console.log(
  `test ${done.status}, winner ${done.winner}, promoted ${done.promoted?.model}@${done.promoted?.version}`,
);
const final = await lab.abTests.results(test.id);
for (const v of final.variants) {
  console.log(
    `  ${v.name} (${v.model}@${v.version}): ${v.n.toLocaleString('en-US')} trades, mean pnl ${v.mean?.toFixed(3)}`,
  );
}
const inProduction = await lab.models.get('direction', { stage: 'production' });
console.log(`direction in production: ${inProduction.version}`);
const last = (await lab.models.history('direction')).at(-1);
console.log(
  `history: ${last?.kind} ${last?.version} ${last?.from} → ${last?.to} by ${last?.actor}`,
);
console.log(
  `after the test: ${afterTest.trades.toLocaleString('en-US')} trades with direction@${production?.version}, ` +
    `mean pnl ${(afterTest.pnl / afterTest.trades).toFixed(3)}`,
);
