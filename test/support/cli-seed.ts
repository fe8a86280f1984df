import { createLab } from '../../src/index.js';
import { createRandom } from '../../src/stats/random.js';
import type { StorageBackend } from '../../src/storage/backend.js';
import { manualClock } from '../../src/testing/labs.js';

/** What {@link seedLab} stored. */
export interface Seeded {
  /** The two backtests, oldest first: `ma-cross 10/50` and `ma-cross 20/50`. */
  experiments: [string, string];
  /** The A/B test `direction 1.0.1 vs 1.0.0`. */
  testId: string;
  /** The drift reports, oldest first: one without drift, one with. */
  reports: [string, string];
}

/** The instant the seeded lab's clock starts at; each step moves it one minute on. */
export const SEED_START = new Date('2026-03-02T09:00:00.000Z');

/**
 * Fills a backend through the facades, on a manual clock and a seeded random source (so every
 * run stores the same thing): two backtests with metrics, two versions of the `direction` model
 * (1.0.0 in production, 1.0.1 in staging, lineage to the backtests), an A/B test between them
 * with 200 outcomes, and a drift baseline of 1.0.0 with two reports. Closes the lab.
 */
export async function seedLab(backend: StorageBackend): Promise<Seeded> {
  const clock = manualClock(SEED_START);
  const step = () => clock.advance(60_000);
  const lab = await createLab(backend, {
    clock,
    random: createRandom(7).uniform,
    experiments: { provenance: { capture: false } },
  });
  try {
    const experiments: string[] = [];
    for (const [fast, trend] of [
      [10, 1],
      [20, -1],
    ] as const) {
      step();
      const done = await lab.experiments.run(
        {
          name: `ma-cross ${fast}/50`,
          type: 'backtest',
          strategy: 'ma-crossover',
          symbols: ['BTC/USD'],
          timeframe: '1h',
          dateRange: { from: '2025-01-01', to: '2025-03-01' },
          params: { fast, slow: 50 },
          tags: ['cli-test'],
          seed: fast,
        },
        async (run) => {
          for (let i = 0; i < 10; i++) {
            await run.logMetrics(
              { equity: 10_000 + trend * 100 * i, returns: trend * 0.01 * ((i % 3) - 0.5) },
              { step: i },
            );
          }
        },
      );
      experiments.push(done.id);
    }
    for (const [index, version] of ['1.0.0', '1.0.1'].entries()) {
      step();
      await lab.models.register({
        name: 'direction',
        version,
        artifact: new TextEncoder().encode(`direction ${version}`),
        modelType: 'lightgbm',
        features: ['spread', 'venue'],
        metrics: { auc: 0.61 + index * 0.03 },
        experimentId: experiments[index],
        trainedBy: 'seed',
      });
    }
    step();
    await lab.models.promote('direction', '1.0.0', 'staging', { actor: 'seed' });
    await lab.models.promote('direction', '1.0.0', 'production', {
      actor: 'seed',
      reason: 'first live model',
    });
    await lab.models.promote('direction', '1.0.1', 'staging', { actor: 'seed' });

    step();
    const test = await lab.abTests.create({
      name: 'direction 1.0.1 vs 1.0.0',
      variants: [
        { name: 'control', model: 'direction', stage: 'production' },
        { name: 'challenger', model: 'direction', version: '1.0.1' },
      ],
      primaryMetric: 'pnl',
      minSamplesPerVariant: 20,
    });
    const noise = createRandom('cli outcomes');
    for (let i = 0; i < 200; i++) {
      const unit = `acct-${i}`;
      const { variant } = lab.abTests.route(test.id, { unit });
      const id = lab.abTests.recordPrediction(test.id, { variant, unit, prediction: 0.5 });
      const pnl = (variant === 'challenger' ? 1 : 0) + noise.normal(0, 1);
      await lab.abTests.recordOutcome(id, pnl, { metrics: { pnl } });
    }
    await lab.abTests.flush();

    step();
    const model = { name: 'direction', version: '1.0.0' };
    const spread = Array.from({ length: 200 }, (_, i) => (i % 20) / 10);
    const venue = spread.map((s) => (s < 1 ? 'binance' : 'kraken'));
    await lab.drift.setBaseline({ model, features: { spread, venue } });
    step();
    const calm = await lab.drift.check({ model, features: { spread, venue } });
    step();
    const shifted = await lab.drift.check({
      model,
      features: { spread: spread.map((s) => s + 5), venue },
    });
    return {
      experiments: experiments as [string, string],
      testId: test.id,
      reports: [calm.id, shifted.id],
    };
  } finally {
    await lab.close();
  }
}
