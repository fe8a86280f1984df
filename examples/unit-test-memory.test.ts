/**
 * Unit tests you would write for your own bot and strategy, on an in-memory lab: no files, no
 * native driver, nothing to clean up, and the same facades, validation and statistics as in
 * production. With an injected clock and a seeded random source, every id, timestamp, random
 * allocation and seeded draw is the same on every run, so tests can assert exact values.
 *
 *   npx vitest run examples/unit-test-memory.test.ts
 */
import { createLab, type Lab, type RunHandle } from 'quantlab';
import { memory } from 'quantlab/memory';
import { createRandom } from 'quantlab/stats';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

// ---------------------------------------------------------------------------------------------
// The code under test. In your project it lives in your own modules; it is inlined here.

/**
 * A "buy the dip" backtest: buy one unit when the price falls, sell it once it is above the
 * entry price. Logs equity every bar and the PnL of every round trip.
 */
async function buyTheDip(run: RunHandle, closes: readonly number[]): Promise<void> {
  let cash = 1_000;
  let entry: number | undefined;
  for (const [bar, close] of closes.entries()) {
    const previous = closes[bar - 1];
    if (entry === undefined && previous !== undefined && close < previous) {
      cash -= close;
      entry = close;
    } else if (entry !== undefined && close > entry) {
      cash += close;
      await run.logMetric('trade_pnl', close - entry);
      entry = undefined;
    }
    await run.logMetric('equity', cash + (entry === undefined ? 0 : close), { step: bar });
  }
}

/** One decision of the bot: route the account, predict with the routed model, record it. */
function decide(lab: Lab, testId: string, account: string) {
  const route = lab.abTests.route(testId, { unit: account });
  const { bias } = JSON.parse(new TextDecoder().decode(route.artifact)) as { bias: number };
  const predictionId = lab.abTests.recordPrediction(testId, {
    variant: route.variant,
    unit: account,
    prediction: bias,
  });
  return { variant: route.variant, predictionId };
}

// ---------------------------------------------------------------------------------------------
// The tests.

/** A lab over memory with a clock the test moves by hand and a seeded random source. */
async function testLab(seed = 42) {
  const clock = { now: new Date('2026-01-05T09:00:00Z') };
  const lab = await createLab(memory(), {
    clock: () => clock.now,
    random: createRandom(seed).uniform,
    // No git or package.json lookups: a unit test records no provenance.
    experiments: { provenance: { capture: false } },
  });
  return { lab, clock };
}

const definition = {
  name: 'buy the dip',
  type: 'backtest',
  strategy: 'buy-the-dip',
  symbols: ['BTC/USD'],
  timeframe: '1h',
  dateRange: { from: '2026-01-01', to: '2026-01-02' },
  seed: 1,
} as const;

describe('the buy-the-dip backtest, tracked with lab.experiments.run', () => {
  let lab: Lab;
  let clock: { now: Date };
  beforeEach(async () => {
    ({ lab, clock } = await testLab());
  });
  afterEach(() => lab.close());

  it('records the equity curve and the PnL of each round trip', async () => {
    const finished = await lab.experiments.run(definition, async (run) => {
      await buyTheDip(run, [100, 98, 101, 99, 97, 100]);
      clock.now = new Date(clock.now.getTime() + 60_000); // the backtest "took" one minute
    });

    expect(finished.status).toBe('completed');
    expect(finished.startedAt).toEqual(new Date('2026-01-05T09:00:00Z'));
    expect(finished.durationMs).toBe(60_000);

    // The summary is computed from what the run logged: buy 98 sell 101, buy 99 sell 100.
    const { metrics, trading } = await lab.experiments.summary(finished.id);
    expect(metrics.equity).toMatchObject({ count: 6, min: 1_000, max: 1_004, latest: 1_004 });
    expect(metrics.trade_pnl).toMatchObject({ count: 2, min: 1, max: 3 });
    expect(trading).toMatchObject({ trades: 2, winRate: 1, totalReturn: 0.004 });
  });

  it('marks a crashing backtest failed, with its error, and rethrows', async () => {
    await expect(
      lab.experiments.run(definition, () => {
        throw new Error('no data for BTC/USD');
      }),
    ).rejects.toThrow('no data for BTC/USD');

    const { experiments } = await lab.experiments.list({ status: 'failed' });
    expect(experiments.map((e) => [e.name, e.error])).toEqual([
      ['buy the dip', 'no data for BTC/USD'],
    ]);
  });

  it('gives the run a random source seeded by the definition, so reruns draw the same', async () => {
    const draws: number[][] = [];
    for (const name of ['first run', 'second run']) {
      await lab.experiments.run({ ...definition, name }, (run) => {
        draws.push([run.random.uniform(), run.random.normal(0, 0.01)]);
      });
    }
    expect(draws[1]).toEqual(draws[0]);
  });
});

describe('the bot routing its predictions through an A/B test', () => {
  /** Two versions of a model, and a 50/50 test between them. */
  async function setUp(lab: Lab, allocation: 'hash' | 'random') {
    for (const bias of [0, 0.3]) {
      await lab.models.register({
        name: 'direction',
        artifact: new TextEncoder().encode(JSON.stringify({ bias })),
        modelType: 'custom',
      });
    }
    return lab.abTests.create({
      name: 'direction 1.0.1 vs 1.0.0',
      variants: [
        { name: 'control', model: 'direction', version: '1.0.0' },
        { name: 'challenger', model: 'direction', version: '1.0.1' },
      ],
      allocation,
      // Hash allocation: a fixed seed, so the split does not depend on the test's id.
      ...(allocation === 'hash' && { hashSeed: 'direction-ab' }),
    });
  }

  let lab: Lab;
  beforeEach(async () => {
    ({ lab } = await testLab());
  });
  afterEach(() => lab.close());

  it('gives an account the same variant on every decision', async () => {
    const test = await setUp(lab, 'hash');
    const accounts = Array.from({ length: 20 }, (_, i) => `acct-${i}`);
    const first = accounts.map((a) => decide(lab, test.id, a).variant);
    const again = accounts.map((a) => decide(lab, test.id, a).variant);
    expect(again).toEqual(first);
    expect(new Set(first)).toEqual(new Set(['control', 'challenger']));

    // Hash allocation needs no random source: another lab (another process) splits alike.
    const { lab: other } = await testLab(7);
    try {
      const otherTest = await setUp(other, 'hash');
      expect(accounts.map((a) => decide(other, otherTest.id, a).variant)).toEqual(first);
    } finally {
      await other.close();
    }
  });

  it('counts one prediction and one outcome per decision, on the routed variant', async () => {
    const test = await setUp(lab, 'hash');
    const routed = { control: 0, challenger: 0 };
    for (let i = 0; i < 100; i++) {
      const { variant, predictionId } = decide(lab, test.id, `acct-${i}`);
      routed[variant as keyof typeof routed]++;
      await lab.abTests.recordOutcome(predictionId, i % 2 === 0 ? 1 : -1);
    }

    const results = await lab.abTests.results(test.id);
    expect(results.variants.map((v) => [v.name, v.predictions, v.n])).toEqual([
      ['control', routed.control, routed.control],
      ['challenger', routed.challenger, routed.challenger],
    ]);
    expect(results.winner).toBeNull(); // 100 coin flips decide nothing
  });

  it('splits random allocation the same way on every run with a seeded random source', async () => {
    const split = async (seed: number) => {
      const { lab: seeded } = await testLab(seed);
      try {
        const test = await setUp(seeded, 'random');
        return Array.from({ length: 20 }, (_, i) => decide(seeded, test.id, `acct-${i}`).variant);
      } finally {
        await seeded.close();
      }
    };
    expect(await split(42)).toEqual(await split(42));
    expect(await split(42)).not.toEqual(await split(43));
  });
});
