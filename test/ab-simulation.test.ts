/**
 * Simulation tests of `lab.abTests` through the public facade on the memory backend, with the
 * seeded random source: routing, recording and `results()` exactly as a bot would use them.
 *
 * - A/A tests keep the false-positive rate at alpha, at a fixed horizon and, in sequential mode,
 *   with a peek after every 100 outcomes (where the fixed-horizon test, peeked at the same way,
 *   is clearly inflated);
 * - a real effect is found (continuous and binary, either direction of "better");
 * - Thompson sampling and epsilon-greedy shift traffic to the better arm;
 * - a sample ratio mismatch is caught on a skewed split;
 * - hash allocation follows the configured weights and coverage.
 *
 * Every random number comes from fixed seeds (the lab's `random`, the hash seed, and separate
 * generators for the outcomes), so each run of this file sees exactly the same numbers. Rates
 * are asserted with binomial bounds: observed ≤ p + 3·sqrt(p(1 − p) / runs).
 */
import { describe, expect, it } from 'vitest';
import { memory } from '../backends/memory/index.js';
import {
  type AbTestDefinitionInput,
  type AbTestResults,
  createLab,
  type Lab,
} from '../src/index.js';
import { createRandom } from '../src/stats/index.js';

const ALPHA = 0.05;
const START = new Date('2026-01-05T00:00:00.000Z');

/** p ± 3 binomial standard deviations of a share observed over `trials`. */
function binomialBounds(p: number, trials: number): { lower: number; upper: number } {
  const sd = Math.sqrt((p * (1 - p)) / trials);
  return { lower: p - 3 * sd, upper: p + 3 * sd };
}

/** A lab on the memory backend with a fixed clock, a seeded random source and model `m` 1.0.0 / 1.0.1. */
async function newLab(seed: number): Promise<Lab> {
  const lab = await createLab(memory(), {
    clock: () => START,
    random: createRandom(seed).uniform,
    experiments: { provenance: { capture: false } },
  });
  await lab.models.register({ name: 'm', artifact: new Uint8Array([1]), modelType: 'custom' });
  await lab.models.register({ name: 'm', artifact: new Uint8Array([2]), modelType: 'custom' });
  return lab;
}

type Overrides = Omit<AbTestDefinitionInput, 'name' | 'variants'>;

/** control → m@1.0.0, treatment → m@1.0.1, with optional weights. */
function variants(weights?: readonly [number, number]): AbTestDefinitionInput['variants'] {
  const w = (i: 0 | 1) => (weights === undefined ? {} : { weight: weights[i] });
  return [
    { name: 'control', model: 'm', version: '1.0.0', ...w(0) },
    { name: 'treatment', model: 'm', version: '1.0.1', ...w(1) },
  ];
}

async function createTest(
  lab: Lab,
  name: string,
  overrides: Overrides = {},
  weights?: readonly [number, number],
): Promise<string> {
  const test = await lab.abTests.create({ name, variants: variants(weights), ...overrides });
  return test.id;
}

/**
 * One unit through a test, as a bot does it: route, predict with the routed variant, record the
 * prediction and the realised outcome. Units outside the test are not recorded. Returns the
 * route's variant.
 */
async function serve(
  lab: Lab,
  testId: string,
  unit: string,
  outcome: (variant: string) => number | boolean,
): Promise<string> {
  const route = lab.abTests.route(testId, { unit });
  if (!route.inTest) return route.variant;
  const id = lab.abTests.recordPrediction(testId, {
    variant: route.variant,
    unit,
    prediction: route.variantIndex,
  });
  await lab.abTests.recordOutcome(id, outcome(route.variant));
  return route.variant;
}

/**
 * Calls `fn` for runs 0 to `runs` − 1, on a fresh lab (seeded `seed` + first run) every 50 runs,
 * so the memory store stays small.
 */
async function simulate(
  runs: number,
  seed: number,
  fn: (lab: Lab, run: number) => Promise<void>,
): Promise<void> {
  const perLab = 50;
  for (let first = 0; first < runs; first += perLab) {
    await using lab = await newLab(seed + first);
    for (let run = first; run < Math.min(runs, first + perLab); run++) await fn(lab, run);
  }
}

function primary(results: AbTestResults) {
  const comparison = results.comparisons[0];
  if (comparison === undefined) throw new Error(`no comparison yet: ${results.recommendation}`);
  return comparison;
}

describe('A/A tests keep the false-positive rate at alpha', () => {
  it('at a fixed horizon (Welch, sequential: false)', async () => {
    const RUNS = 1000;
    const UNITS = 200; // about 100 outcomes per arm
    const outcomes = createRandom(102);
    let positives = 0;
    let better = 0;
    await simulate(RUNS, 101_000, async (lab, run) => {
      const id = await createTest(lab, `aa-fixed-${run}`, { sequential: false });
      for (let u = 0; u < UNITS; u++) {
        await serve(lab, id, `u${u}`, () => outcomes.normal(0, 1));
      }
      const c = primary(await lab.abTests.results(id));
      if (c.significant) positives++;
      if (c.direction === 'better') better++;
    });
    const fpr = positives / RUNS;
    const { lower, upper } = binomialBounds(ALPHA, RUNS);
    expect(fpr).toBeLessThanOrEqual(upper);
    expect(fpr).toBeGreaterThanOrEqual(lower); // the test can fire, at about the nominal rate
    // Two-sided: false positives fall on both sides.
    expect(better).toBeGreaterThan(0);
    expect(better).toBeLessThan(positives);
  }, 60_000);

  it('in sequential mode when peeking after every 100 outcomes; fixed-horizon peeking is inflated', async () => {
    const RUNS = 300;
    const LOOKS = 20; // up to 2,000 outcomes per run
    const STEP = 100;
    const outcomes = createRandom(202);
    let sequentialPositives = 0;
    let peekingPositives = 0;
    await simulate(RUNS, 201_000, async (lab, run) => {
      // The same hash seed: both tests route every unit alike and see the same outcomes.
      const hashSeed = `aa-peek-${run}`;
      const sequential = await createTest(lab, `${hashSeed}-sequential`, { hashSeed });
      const fixed = await createTest(lab, `${hashSeed}-fixed`, { hashSeed, sequential: false });
      let sequentialLive = true;
      let fixedLive = true;
      for (let look = 0; look < LOOKS && (sequentialLive || fixedLive); look++) {
        for (let u = look * STEP; u < (look + 1) * STEP; u++) {
          const value = outcomes.normal(0, 1);
          const unit = `u${u}`;
          let a: string | undefined;
          let b: string | undefined;
          if (sequentialLive) a = await serve(lab, sequential, unit, () => value);
          if (fixedLive) b = await serve(lab, fixed, unit, () => value);
          if (a !== undefined && b !== undefined && a !== b) throw new Error('routes differ');
        }
        // Peek, and stop at the first significant look.
        if (sequentialLive && primary(await lab.abTests.results(sequential)).significant) {
          sequentialPositives++;
          sequentialLive = false;
        }
        if (fixedLive && primary(await lab.abTests.results(fixed)).significant) {
          peekingPositives++;
          fixedLive = false;
        }
      }
    });
    const sequentialRate = sequentialPositives / RUNS;
    const peekingRate = peekingPositives / RUNS;
    expect(sequentialRate).toBeLessThanOrEqual(binomialBounds(ALPHA, RUNS).upper);
    // Peeking at a fixed-horizon test inflates its false positives well beyond alpha.
    expect(peekingRate).toBeGreaterThan(2 * ALPHA);
    expect(peekingRate).toBeGreaterThan(sequentialRate);
  }, 60_000);
});

describe('a real effect is found', () => {
  const UNITS = 2000; // about 1,000 per arm: power ≈ 1 for 0.3 sd, also always-valid

  async function runContinuous(
    lab: Lab,
    name: string,
    shift: number,
    overrides: Overrides,
    seed: number,
  ): Promise<AbTestResults> {
    const id = await createTest(lab, name, overrides);
    const outcomes = createRandom(seed);
    for (let u = 0; u < UNITS; u++) {
      await serve(lab, id, `u${u}`, (variant) =>
        outcomes.normal(variant === 'treatment' ? shift : 0, 1),
      );
    }
    return lab.abTests.results(id);
  }

  it('continuous: treatment +0.3 sd wins (sequential, the default)', async () => {
    await using lab = await newLab(301);
    const r = await runContinuous(lab, 'effect up', 0.3, {}, 302);
    const c = primary(r);
    expect(r.sequential).toBe(true);
    expect(r.srm?.mismatch).toBe(false);
    expect(c.significant).toBe(true);
    expect(c.direction).toBe('better');
    expect(c.ci[0]).toBeLessThan(0.3);
    expect(c.ci[1]).toBeGreaterThan(0.3);
    expect(r.winner).toBe('treatment');
    expect(r.losers).toEqual([]);
    expect(r.recommendation.startsWith('treatment better by')).toBe(true);
  });

  it('continuous with higherIsBetter: false: the lower mean wins, the higher one loses', async () => {
    await using lab = await newLab(311);
    const lower = await runContinuous(lab, 'lower wins', -0.3, { higherIsBetter: false }, 312);
    expect(primary(lower).direction).toBe('better');
    expect(lower.winner).toBe('treatment');
    expect(lower.recommendation.startsWith('treatment better (lower) by')).toBe(true);

    const higher = await runContinuous(lab, 'higher loses', 0.3, { higherIsBetter: false }, 313);
    expect(primary(higher).direction).toBe('worse');
    expect(higher.winner).toBeNull();
    expect(higher.losers).toEqual(['treatment']);
    expect(higher.recommendation.endsWith('keep the control')).toBe(true);
  });

  it('binary: 10% vs 15% conversion wins with chance to beat control above 0.95', async () => {
    await using lab = await newLab(401);
    const id = await createTest(lab, 'binary effect', {
      metricKind: 'binary',
      primaryMetric: 'actual',
    });
    const outcomes = createRandom(402);
    for (let u = 0; u < 8000; u++) {
      await serve(
        lab,
        id,
        `u${u}`,
        (variant) => outcomes.uniform() < (variant === 'treatment' ? 0.15 : 0.1),
      );
    }
    const r = await lab.abTests.results(id);
    const c = primary(r);
    expect(r.metricKind).toBe('binary');
    expect(r.variants[0]?.rate).toBeCloseTo(0.1, 1);
    expect(r.variants[1]?.rate).toBeCloseTo(0.15, 1);
    expect(c.significant).toBe(true);
    expect(c.chanceToBeatControl).toBeGreaterThan(0.95);
    expect(r.winner).toBe('treatment');
    expect(r.recommendation.startsWith('treatment better by')).toBe(true);
  });
});

describe('bandits shift traffic to the better arm', () => {
  /** Routes `units` units with outcomes fed back at once; counts routes per variant in the last `tail`. */
  async function runBandit(
    lab: Lab,
    id: string,
    units: number,
    tail: number,
    outcome: (variant: string) => number | boolean,
  ): Promise<{ control: number; treatment: number }> {
    const counts = { control: 0, treatment: 0 };
    for (let u = 0; u < units; u++) {
      const variant = await serve(lab, id, `u${u}`, outcome);
      if (u >= units - tail) counts[variant as 'control' | 'treatment']++;
    }
    return counts;
  }

  it('Thompson sampling (binary 5% vs 10%) sends most late traffic to the better arm, the worse keeps its floor', async () => {
    const UNITS = 3000;
    const TAIL = 1000;
    await using lab = await newLab(501);
    const id = await createTest(lab, 'thompson', {
      allocation: 'thompson',
      metricKind: 'binary',
    });
    const outcomes = createRandom(502);
    const counts = await runBandit(
      lab,
      id,
      UNITS,
      TAIL,
      (variant) => outcomes.uniform() < (variant === 'treatment' ? 0.1 : 0.05),
    );
    const better = counts.treatment / TAIL;
    const worse = counts.control / TAIL;
    const r = await lab.abTests.results(id);
    expect(better).toBeGreaterThan(0.75);
    // The default floor min(0.05, 1/2) per arm: the worse arm still gets about 5 % or more.
    expect(worse).toBeGreaterThanOrEqual(binomialBounds(0.05, TAIL).lower);
    expect(r.srm).toBeNull(); // an adaptive split has no SRM check
    expect(r.variants[1]?.n).toBeGreaterThan(r.variants[0]?.n ?? 0);
  });

  it('epsilon-greedy converges to the better arm with share 1 − ε/2', async () => {
    const UNITS = 3000;
    const TAIL = 2000;
    const EPSILON = 0.1;
    await using lab = await newLab(511);
    const id = await createTest(lab, 'epsilon-greedy', { allocation: 'epsilon-greedy' });
    const outcomes = createRandom(512);
    const counts = await runBandit(lab, id, UNITS, TAIL, (variant) =>
      outcomes.normal(variant === 'treatment' ? 0.5 : 0, 1),
    );
    const share = counts.treatment / TAIL;
    const { lower, upper } = binomialBounds(1 - EPSILON / 2, TAIL);
    expect(share).toBeGreaterThanOrEqual(lower);
    expect(share).toBeLessThanOrEqual(upper);
  });
});

describe('sample ratio mismatch', () => {
  const UNITS = 10_000;

  /** A 50/50 hash test with a real effect; `drop` of the treatment's units are never logged. */
  async function runSplit(seed: number, drop: number): Promise<AbTestResults> {
    await using lab = await newLab(seed);
    const id = await createTest(lab, `srm drop ${drop}`, { sequential: false }, [0.5, 0.5]);
    const outcomes = createRandom(seed + 1);
    for (let u = 0; u < UNITS; u++) {
      const unit = `u${u}`;
      const route = lab.abTests.route(id, { unit });
      const lost = outcomes.uniform() < drop; // drawn for every unit: same stream either way
      const value = outcomes.normal(route.variant === 'treatment' ? 0.3 : 0, 1);
      if (route.variant === 'treatment' && lost) continue; // the logging bug
      const predictionId = lab.abTests.recordPrediction(id, {
        variant: route.variant,
        unit,
        prediction: 0,
      });
      await lab.abTests.recordOutcome(predictionId, value);
    }
    return await lab.abTests.results(id); // before the lab is disposed
  }

  it('is caught when 20% of the treatment units are not logged: no winner', async () => {
    const r = await runSplit(601, 0.2);
    expect(r.srm?.mismatch).toBe(true);
    expect(primary(r).significant).toBe(true); // the effect is there, but not trusted
    expect(r.winner).toBeNull();
    expect(r.recommendation.startsWith('sample ratio mismatch')).toBe(true);
  });

  it('is not flagged on a clean split', async () => {
    const r = await runSplit(601, 0);
    expect(r.srm?.mismatch).toBe(false);
    expect(r.winner).toBe('treatment');
    expect(r.recommendation.startsWith('treatment better by')).toBe(true);
  });
});

describe('hash allocation', () => {
  const UNITS = 20_000;

  it('splits units by the configured weights (0.2 / 0.8), the same way every time', async () => {
    await using lab = await newLab(701);
    const id = await createTest(lab, 'split 20/80', { hashSeed: 'split-20-80' }, [0.2, 0.8]);
    const twin = await createTest(lab, 'split 20/80 twin', { hashSeed: 'split-20-80' }, [0.2, 0.8]);
    let treatment = 0;
    for (let u = 0; u < UNITS; u++) {
      const route = lab.abTests.route(id, { unit: `u${u}` });
      expect(route.inTest).toBe(true);
      if (route.variant === 'treatment') treatment++;
      // Deterministic: the same unit and seed give the same variant, test after test.
      if (u < 1000) {
        expect(lab.abTests.route(id, { unit: `u${u}` }).variant).toBe(route.variant);
        expect(lab.abTests.route(twin, { unit: `u${u}` }).variant).toBe(route.variant);
      }
    }
    const share = treatment / UNITS;
    const { lower, upper } = binomialBounds(0.8, UNITS);
    expect(share).toBeGreaterThanOrEqual(lower);
    expect(share).toBeLessThanOrEqual(upper);
  });

  it('coverage 0.5 leaves about half the units out of the test, on the control', async () => {
    await using lab = await newLab(711);
    const id = await createTest(lab, 'coverage half', { coverage: 0.5 });
    let out = 0;
    let treatment = 0;
    for (let u = 0; u < UNITS; u++) {
      const route = lab.abTests.route(id, { unit: `u${u}` });
      if (!route.inTest) {
        out++;
        expect(route.variant).toBe('control');
        expect(route.variantIndex).toBe(0);
      } else if (route.variant === 'treatment') treatment++;
    }
    const inTest = UNITS - out;
    const outside = binomialBounds(0.5, UNITS);
    expect(out / UNITS).toBeGreaterThanOrEqual(outside.lower);
    expect(out / UNITS).toBeLessThanOrEqual(outside.upper);
    const split = binomialBounds(0.5, inTest);
    expect(treatment / inTest).toBeGreaterThanOrEqual(split.lower);
    expect(treatment / inTest).toBeLessThanOrEqual(split.upper);
  });
});
