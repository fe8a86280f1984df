import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import { createRandom } from '../stats/random.js';
import { type Bandit, createEpsilonGreedy, createThompson } from './bandits.js';

/** Share of `rounds` choices per arm. */
function shares(bandit: Bandit, rounds: number): number[] {
  const counts = new Array<number>(bandit.arms).fill(0);
  for (let i = 0; i < rounds; i++) {
    const arm = bandit.choose();
    counts[arm] = (counts[arm] as number) + 1;
  }
  return counts.map((c) => c / rounds);
}

/** Four binomial standard errors of a share p over `rounds` choices. */
const tolerance = (p: number, rounds: number) => 4 * Math.sqrt((p * (1 - p)) / rounds);

/**
 * A two-arm bandit run where each choice's outcome is observed at once, drawn from a seeded
 * environment: binary with rates 0.50 vs 0.55, or continuous Normal(0, 1) vs Normal(0.1, 1).
 * Returns the share of the last 1,000 choices on arm 1 (the better one).
 */
function simulate(bandit: Bandit, seed: number, rounds = 5000): number {
  const env = createRandom(seed);
  let better = 0;
  for (let t = 0; t < rounds; t++) {
    const arm = bandit.choose();
    if (t >= rounds - 1000 && arm === 1) better++;
    const value =
      bandit.metricKind === 'binary'
        ? env.uniform() < (arm === 1 ? 0.55 : 0.5)
        : env.normal(arm === 1 ? 0.1 : 0, 1);
    bandit.observe(arm, value);
  }
  return better / 1000;
}

describe('createEpsilonGreedy', () => {
  it('picks the best arm 1 − ε + ε/k of the time and each other arm ε/k', () => {
    const epsilon = 0.1;
    const bandit = createEpsilonGreedy({ arms: 3, epsilon, random: createRandom(11).uniform });
    bandit.replaceStats([
      { n: 50, sum: 10, sumOfSquares: 4 },
      { n: 50, sum: 30, sumOfSquares: 20 },
      { n: 50, sum: 20, sumOfSquares: 9 },
    ]);
    const rounds = 20_000;
    const got = shares(bandit, rounds);
    const best = 1 - epsilon + epsilon / 3;
    expect(Math.abs((got[1] as number) - best)).toBeLessThan(tolerance(best, rounds));
    for (const arm of [0, 2]) {
      expect(Math.abs((got[arm] as number) - epsilon / 3)).toBeLessThan(
        tolerance(epsilon / 3, rounds),
      );
    }
    expect(bandit.weights()).toEqual([epsilon / 3, best, epsilon / 3]);
  });

  it('tries arms with no outcome first, in order, then the best mean (ties to the lowest index)', () => {
    const bandit = createEpsilonGreedy({ arms: 3, epsilon: 0, random: () => 0.5 });
    expect(bandit.choose()).toBe(0);
    bandit.observe(0, 1);
    expect(bandit.choose()).toBe(1);
    bandit.observe(1, 2);
    expect(bandit.choose()).toBe(2);
    bandit.observe(2, 2);
    expect(bandit.choose()).toBe(1);
  });

  it('prefers the lowest mean when lower is better', () => {
    const stats = [
      { n: 10, successes: 2 },
      { n: 10, successes: 7 },
    ];
    const high = createEpsilonGreedy({
      arms: 2,
      epsilon: 0,
      metricKind: 'binary',
      stats,
      random: Math.random,
    });
    const low = createEpsilonGreedy({
      arms: 2,
      epsilon: 0,
      metricKind: 'binary',
      higherIsBetter: false,
      stats,
      random: Math.random,
    });
    expect(high.choose()).toBe(1);
    expect(low.choose()).toBe(0);
  });

  it('is deterministic given the random source', () => {
    const make = () => {
      const b = createEpsilonGreedy({ arms: 4, epsilon: 0.3, random: createRandom('eg').uniform });
      b.replaceStats([
        { n: 5, successes: 1 },
        { n: 5, successes: 2 },
        { n: 5, successes: 3 },
        { n: 5, successes: 4 },
      ]);
      return Array.from({ length: 200 }, () => b.choose());
    };
    expect(make()).toEqual(make());
  });
});

describe('createThompson', () => {
  it('shifts traffic to the better arm of a binary bandit (0.50 vs 0.55)', () => {
    const bandit = createThompson({
      arms: 2,
      metricKind: 'binary',
      random: createRandom(1).uniform,
    });
    const share = simulate(bandit, 1001);
    expect(share).toBeGreaterThan(0.7);
    const [control, treatment] = bandit.stats() as { n: number; successes: number }[];
    expect((control?.n ?? 0) + (treatment?.n ?? 0)).toBe(5000);
  });

  it('shifts traffic to the better arm of a continuous bandit (means 0 vs 0.1, sd 1)', () => {
    const bandit = createThompson({
      arms: 2,
      metricKind: 'continuous',
      random: createRandom(1).uniform,
    });
    expect(simulate(bandit, 1001)).toBeGreaterThan(0.7);
  });

  it('keeps every arm at or above minWeight even when one arm is far better', () => {
    const minWeight = 0.05;
    for (const metricKind of ['binary', 'continuous'] as const) {
      const bandit = createThompson({
        arms: 3,
        metricKind,
        minWeight,
        random: createRandom(`floor-${metricKind}`).uniform,
      });
      bandit.replaceStats([
        { n: 10_000, successes: 9000 },
        { n: 10_000, successes: 1000 },
        { n: 10_000, successes: 1500 },
      ]);
      const rounds = 20_000;
      const got = shares(bandit, rounds);
      for (const arm of [1, 2]) {
        expect(got[arm]).toBeGreaterThan(minWeight - tolerance(minWeight, rounds));
        expect(got[arm]).toBeLessThan(minWeight + tolerance(minWeight, rounds));
      }
      const weights = bandit.weights();
      expect(weights[0]).toBeCloseTo(1 - 2 * minWeight, 10);
      expect(weights[1]).toBeCloseTo(minWeight, 10);
      expect(weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    }
  });

  it('estimates the choice probabilities with weights()', () => {
    const bandit = createThompson({
      arms: 2,
      metricKind: 'binary',
      minWeight: 0.05,
      random: createRandom('ab-test-7').uniform,
    });
    bandit.replaceStats([
      { n: 1000, successes: 500 },
      { n: 1000, successes: 560 },
    ]);
    // P(arm 1 best) ≈ 0.9964 (normal approximation), so 0.05 + 0.9 · 0.9964 ≈ 0.947.
    const weights = bandit.weights(20_000);
    expect(weights[1]).toBeGreaterThan(0.94);
    expect(weights[1]).toBeLessThan(0.952);
    const got = shares(bandit, 20_000);
    expect(Math.abs((got[1] as number) - (weights[1] as number))).toBeLessThan(0.01);
  });

  it('gives the same choices after replaceStats as after observing the outcomes one by one', () => {
    for (const metricKind of ['binary', 'continuous'] as const) {
      const env = createRandom(`outcomes-${metricKind}`);
      const outcomes: [arm: number, value: number][] = [];
      for (let i = 0; i < 300; i++) {
        const arm = env.int(3);
        outcomes.push([
          arm,
          metricKind === 'binary'
            ? env.uniform() < 0.3 + 0.1 * arm
              ? 1
              : 0
            : env.normal(arm / 10, 1),
        ]);
      }
      const observed = createThompson({
        arms: 3,
        metricKind,
        minWeight: 0.02,
        random: createRandom(5).uniform,
      });
      for (const [arm, value] of outcomes) observed.observe(arm, value);

      const aggregates = [0, 1, 2].map(() => ({ n: 0, sum: 0, sumOfSquares: 0 }));
      for (const [arm, value] of outcomes) {
        const a = aggregates[arm] as { n: number; sum: number; sumOfSquares: number };
        a.n += 1;
        a.sum += value;
        a.sumOfSquares += value * value;
      }
      const replaced = createThompson({
        arms: 3,
        metricKind,
        minWeight: 0.02,
        random: createRandom(5).uniform,
      });
      replaced.observe(0, 1); // overwritten below
      replaced.replaceStats(
        metricKind === 'binary'
          ? aggregates.map((a) => ({ n: a.n, successes: a.sum }))
          : aggregates,
      );
      expect(replaced.stats()).toEqual(observed.stats());
      const run = (b: Bandit) => Array.from({ length: 500 }, () => b.choose());
      expect(run(replaced)).toEqual(run(observed));
    }
  });

  it('prefers the lowest rate or mean when lower is better', () => {
    for (const metricKind of ['binary', 'continuous'] as const) {
      const stats = [
        { n: 400, successes: 100 },
        { n: 400, successes: 200 },
      ];
      const make = (higherIsBetter: boolean) =>
        createThompson({
          arms: 2,
          metricKind,
          higherIsBetter,
          stats,
          random: createRandom(3).uniform,
        });
      expect(shares(make(true), 2000)[1]).toBeGreaterThan(0.99);
      expect(shares(make(false), 2000)[0]).toBeGreaterThan(0.99);
    }
  });

  it('explores continuous arms with fewer than 2 outcomes through the weak prior', () => {
    const bandit = createThompson({
      arms: 3,
      metricKind: 'continuous',
      random: createRandom(9).uniform,
    });
    const env = createRandom(10);
    for (let i = 0; i < 1000; i++) bandit.observe(0, env.normal(1, 1));
    bandit.observe(1, 1.2);
    // Arm 0: Normal(≈1, ≈0.03); arm 1: Normal(≈1.1, ≈0.7); arm 2: Normal(≈1, ≈1).
    const got = shares(bandit, 4000);
    expect(got[1]).toBeGreaterThan(0.25);
    expect(got[2]).toBeGreaterThan(0.25);
    expect(got[0]).toBeGreaterThan(0.05);
  });

  it('is deterministic given the random source and uniform while no arm has data', () => {
    const make = () =>
      createThompson({ arms: 4, metricKind: 'continuous', random: createRandom('t').uniform });
    const a = make();
    const b = make();
    const run = (x: Bandit) => Array.from({ length: 8000 }, () => x.choose());
    const first = run(a);
    expect(run(b)).toEqual(first);
    for (let arm = 0; arm < 4; arm++) {
      const share = first.filter((x) => x === arm).length / first.length;
      expect(Math.abs(share - 0.25)).toBeLessThan(tolerance(0.25, first.length));
    }
  });
});

describe('validation', () => {
  const random = createRandom(0).uniform;
  const refuses = (make: () => unknown, field: string) => {
    try {
      make();
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).field).toBe(field);
      return;
    }
    throw new Error(`expected a ValidationError on ${field}`);
  };

  it('refuses bad epsilon-greedy configs', () => {
    refuses(() => createEpsilonGreedy({ arms: 2, epsilon: -0.1, random }), 'epsilon');
    refuses(() => createEpsilonGreedy({ arms: 2, epsilon: 1.01, random }), 'epsilon');
    refuses(() => createEpsilonGreedy({ arms: 2, epsilon: Number.NaN, random }), 'epsilon');
    refuses(() => createEpsilonGreedy({ arms: 1, epsilon: 0.1, random }), 'arms');
    refuses(() => createEpsilonGreedy({ arms: 2.5, epsilon: 0.1, random }), 'arms');
    refuses(
      () => createEpsilonGreedy({ arms: 2, epsilon: 0.1, random: 0.5 as unknown as () => number }),
      'random',
    );
    refuses(() => createEpsilonGreedy(null as never), 'options');
    expect(createEpsilonGreedy({ arms: 2, epsilon: 1, random }).choose()).toBeLessThan(2);
  });

  it('refuses bad Thompson configs', () => {
    refuses(() => createThompson({ arms: 1, metricKind: 'binary', random }), 'arms');
    refuses(
      () => createThompson({ arms: 3, metricKind: 'binary', minWeight: 0.34, random }),
      'minWeight',
    );
    refuses(
      () => createThompson({ arms: 2, metricKind: 'binary', minWeight: -0.01, random }),
      'minWeight',
    );
    refuses(
      () =>
        createThompson({ arms: 2, metricKind: 'binary', random: 'x' as unknown as () => number }),
      'random',
    );
    refuses(
      () => createThompson({ arms: 2, metricKind: 'ordinal' as 'binary', random }),
      'metricKind',
    );
    refuses(
      () => createThompson({ arms: 2, metricKind: 'binary', prior: { alpha: 0 }, random }),
      'prior.alpha',
    );
    refuses(
      () => createThompson({ arms: 2, metricKind: 'continuous', prior: { sd: -1 }, random }),
      'prior.sd',
    );
    refuses(
      () =>
        createThompson({
          arms: 2,
          metricKind: 'continuous',
          prior: { mean: Number.POSITIVE_INFINITY },
          random,
        }),
      'prior.mean',
    );
    // minWeight · k = 1 exactly (within rounding) is allowed: every choice is uniform.
    const uniform = createThompson({ arms: 3, metricKind: 'binary', minWeight: 1 / 3, random });
    expect(uniform.weights(10)).toEqual([1 / 3, 1 / 3, 1 / 3]);
  });

  it('refuses bad outcomes, stats and random outputs without changing the state', () => {
    const bandit = createThompson({ arms: 2, metricKind: 'binary', random });
    refuses(() => bandit.observe(2, 1), 'arm');
    refuses(() => bandit.observe(-1, 1), 'arm');
    refuses(() => bandit.observe(0, 0.5), 'value');
    refuses(() => bandit.replaceStats([{ n: 1, successes: 0 }]), 'stats');
    refuses(
      () =>
        bandit.replaceStats([
          { n: 3, successes: 1 },
          { n: 3, successes: 4 },
        ]),
      'stats[1].successes',
    );
    refuses(() => bandit.weights(0), 'samples');
    expect(bandit.stats()).toEqual([
      { n: 0, successes: 0 },
      { n: 0, successes: 0 },
    ]);

    const continuous = createEpsilonGreedy({ arms: 2, epsilon: 0, random });
    refuses(() => continuous.observe(0, Number.NaN), 'value');
    refuses(
      () =>
        continuous.replaceStats([
          { n: 1, sum: 1, sumOfSquares: 1 },
          { n: 0, sum: 1, sumOfSquares: 1 },
        ]),
      'stats[1]',
    );
    refuses(
      () =>
        continuous.replaceStats([
          { n: 1, sum: 1, sumOfSquares: -1 },
          { n: 0, sum: 0, sumOfSquares: 0 },
        ]),
      'stats[0].sumOfSquares',
    );

    const broken = createEpsilonGreedy({ arms: 2, epsilon: 1, random: () => 1 });
    refuses(() => broken.choose(), 'random');
  });
});
