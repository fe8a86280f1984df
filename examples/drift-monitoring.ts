/**
 * A production model watched for drift with quantlab, and retrained when the market moves:
 *
 * 1. `direction` 1.0.0 is registered and promoted; its baseline keeps sketches of the training
 *    features (spread, volatility, venue) and the validation predictions' errors.
 * 2. Every day the bot checks the day's features and predictions against the baseline. Days 1 to
 *    3 look like the training data; from day 4 volatility doubles and the errors grow with it.
 * 3. An `onDrift` handler answers the first drifted report with `retrainAndValidate`: it trains
 *    1.0.1 on recent data, registers it with lineage to the report, sets its baseline and starts
 *    a shadow test (champion vs challenger on prediction error), so promotion waits for evidence.
 *
 * The market is simulated with a seeded generator, so every run prints the same numbers.
 *
 *   npx tsx examples/drift-monitoring.ts            # ./drift-monitoring.db
 *   QUANTLAB_EXAMPLE_DB=/tmp/drift.db npx tsx examples/drift-monitoring.ts
 */
import { rmSync } from 'node:fs';
import { createLab, type DriftReport } from 'quantlab';
import { sqlite } from 'quantlab/sqlite';
import { createRandom } from 'quantlab/stats';

const filename = process.env.QUANTLAB_EXAMPLE_DB ?? './drift-monitoring.db';
for (const suffix of ['', '-wal', '-shm']) rmSync(filename + suffix, { force: true });
let day = new Date('2026-11-01T00:00:00Z');
await using lab = await createLab(sqlite({ filename }), { clock: () => day });
const market = createRandom(2026);

/** One day (or a training set) of n trades: features, the model's predictions, the outcomes. */
function trades(n: number, volatility: number) {
  const spread: number[] = [];
  const vol: number[] = [];
  const venue: string[] = [];
  const predicted: number[] = [];
  const actual: number[] = [];
  for (let i = 0; i < n; i++) {
    spread.push(Math.abs(market.normal(0.02, 0.005)));
    vol.push(Math.abs(market.normal(volatility, volatility / 4)));
    venue.push(market.uniform() < 0.6 ? 'binance' : 'coinbase');
    const signal = market.normal(0, 0.01);
    predicted.push(signal);
    actual.push(signal + market.normal(0, volatility / 2)); // noisier when volatile
  }
  return { features: { spread, volatility: vol, venue }, predictions: { predicted, actual } };
}

// 1. The production model and its baseline.
const champion = await lab.models.register({
  name: 'direction',
  artifact: new TextEncoder().encode('{"weights":"trained on October"}'),
  modelType: 'custom',
  features: ['spread', 'volatility', 'venue'],
});
await lab.models.promote('direction', champion.version, 'staging');
await lab.models.promote('direction', champion.version, 'production');
const production = { name: 'direction', stage: 'production' } as const;
const training = trades(50_000, 0.01);
const baseline = await lab.drift.setBaseline({ model: production, ...training });
console.log(
  `baseline of direction@${champion.version}: ${Object.keys(baseline.features).length} features, ` +
    `mae ${baseline.metrics.mae?.toFixed(4)}, hit rate ${baseline.metrics.hit_rate?.toFixed(3)}, ` +
    `${baseline.errors?.sampled} errors sampled of ${baseline.errors?.count}`,
);

// 3. Retrain on the first drift.
let retrained = false;
lab.drift.onDrift(async (report: DriftReport) => {
  if (retrained) return;
  retrained = true;
  const recent = trades(20_000, 0.02);
  const { challenger, test } = await lab.drift.retrainAndValidate({
    model: report.model,
    report: report.id,
    train: ({ champion }) => ({
      artifact: new TextEncoder().encode('{"weights":"retrained on the volatile days"}'),
      modelType: champion.modelType,
      features: champion.features,
      baseline: recent,
    }),
    test: { mode: 'shadow', minSamplesPerVariant: 2000 },
  });
  console.log(
    `  retrained: direction@${challenger.version} (tags ${challenger.tags.join(', ')}), ` +
      `${test.mode} test "${test.name}" ${test.status}`,
  );
});

// 2. Daily checks.
for (let d = 1; d <= 6; d++) {
  day = new Date(Date.UTC(2026, 10, 1 + d));
  const today = trades(5000, d >= 4 ? 0.02 : 0.01);
  const report = await lab.drift.check({ model: production, ...today });
  const drifted = report.data?.features.filter((f) => f.drifted).map((f) => f.feature) ?? [];
  const mae = report.performance?.metrics.find((m) => m.metric === 'mae');
  console.log(
    `day ${d}: ${report.drifted ? 'DRIFT' : 'ok'}; features drifted: ${drifted.join(', ') || 'none'}` +
      ` (${report.data?.driftedCount} of ${report.data?.checkedCount}); ` +
      `mae ${mae?.current.toFixed(4)} (${((mae?.relativeChange ?? 0) * 100).toFixed(0)}%); ` +
      `concept: ${report.concept?.drift ? `drift at trade ${report.concept.detections[0]}` : 'none'}`,
  );
}

const { reports } = await lab.drift.reports({ model: { name: 'direction' }, driftedOnly: true });
console.log(
  `${reports.length} drifted report(s) stored; the first on ${reports.at(-1)?.createdAt.toISOString().slice(0, 10)}`,
);
console.log(
  `production is still direction@${(await lab.models.get('direction', { stage: 'production' })).version}: the challenger must win its test first`,
);
