import { describe, expect, it } from 'vitest';
import fixture from '../../test/fixtures/stats/sequential.json' with { type: 'json' };
import { ErrorTracker, validationField } from '../../test/support/numeric.js';
import { RunningSummary } from '../../test/support/running-summary.js';
import { createRandom, type Random } from '../stats/random.js';
import type { Summary } from '../stats/summary.js';
import { welchTTestFromSummary } from '../stats/welch.js';
import {
  alwaysValidPValue,
  asymptoticConfidenceSequence,
  DEFAULT_SEQUENTIAL_TUNING,
} from './sequential.js';

/** numpy reference (generate_sequential.py, gbstats' formulas): agree to 1e-10 relative. */
const RELATIVE = 1e-10;

describe('asymptoticConfidenceSequence against the numpy reference of gbstats', () => {
  it('matches difference, half-width and bounds for every case', () => {
    const tracker = new ErrorTracker(RELATIVE);
    const bounds: string[] = [];
    for (const c of fixture.cases) {
      const label = `${c.name} α=${c.alpha} N*=${c.tuning}`;
      const cs = asymptoticConfidenceSequence(c.control, c.treatment, {
        alpha: c.alpha,
        tuning: c.tuning,
      });
      tracker.check(`${label} difference`, cs.difference, c.difference);
      tracker.check(`${label} halfWidth`, cs.halfWidth, c.halfWidth);
      // lower and upper are a difference ± a half-width: their error is measured against
      // |difference| + halfWidth, so a bound near 0 is not held to a relative error it cannot have.
      const scale = Math.abs(c.difference) + c.halfWidth;
      for (const [name, actual, expected] of [
        ['lower', cs.lower, c.lower],
        ['upper', cs.upper, c.upper],
      ] as const) {
        const error = Math.abs(actual - expected) / scale;
        if (!(error <= RELATIVE)) bounds.push(`${label} ${name}: ${actual} vs ${expected}`);
      }
    }
    expect(tracker.mismatches).toEqual([]);
    expect(bounds).toEqual([]);
    expect(fixture.cases.length).toBeGreaterThanOrEqual(30);
  });

  it('matches the closed-form always-valid p-value (eq. 155, 1 / e-value) by bisection', () => {
    const tracker = new ErrorTracker(RELATIVE);
    for (const c of fixture.cases) {
      const p = alwaysValidPValue(c.control, c.treatment, { alpha: c.alpha, tuning: c.tuning });
      tracker.check(`${c.name} α=${c.alpha} N*=${c.tuning} pValue`, p, c.pValue);
    }
    expect(tracker.mismatches).toEqual([]);
  });

  it('defaults to alpha 0.05 and GrowthBook tuning 5000', () => {
    expect(DEFAULT_SEQUENTIAL_TUNING).toBe(5000);
    const c = fixture.cases.find(
      (x) => x.alpha === 0.05 && x.tuning === 5000,
    ) as (typeof fixture.cases)[number];
    const cs = asymptoticConfidenceSequence(c.control, c.treatment);
    expect(cs).toEqual(
      asymptoticConfidenceSequence(c.control, c.treatment, { alpha: 0.05, tuning: 5000 }),
    );
    expect(alwaysValidPValue(c.control, c.treatment)).toBe(
      alwaysValidPValue(c.control, c.treatment, { alpha: 0.05, tuning: 5000 }),
    );
  });
});

describe('alwaysValidPValue', () => {
  it('is below alpha exactly when the sequence at alpha excludes 0', () => {
    for (const c of fixture.cases) {
      const options = { alpha: c.alpha, tuning: c.tuning };
      const cs = asymptoticConfidenceSequence(c.control, c.treatment, options);
      const p = alwaysValidPValue(c.control, c.treatment, options);
      expect(p < c.alpha, c.name).toBe(cs.lower > 0 || cs.upper < 0);
    }
  });

  it('is 1 with no difference and symmetric in the sign of the difference', () => {
    const a = { n: 500, mean: 1, variance: 2 };
    expect(alwaysValidPValue(a, a)).toBe(1);
    const b = { n: 600, mean: 1.25, variance: 1.5 };
    const c = { n: 600, mean: 0.75, variance: 1.5 };
    expect(alwaysValidPValue(a, b)).toBe(alwaysValidPValue(a, c));
  });

  it('falls as evidence grows, and is 0 below the smallest double', () => {
    let previous = 1;
    for (const n of [100, 1000, 10000, 100000]) {
      const p = alwaysValidPValue({ n, mean: 0, variance: 1 }, { n, mean: 0.05, variance: 1 });
      expect(p).toBeLessThanOrEqual(previous);
      previous = p;
    }
    expect(previous).toBeLessThan(1e-10);
    expect(
      alwaysValidPValue({ n: 1e6, mean: 0, variance: 1 }, { n: 1e6, mean: 1, variance: 1 }),
    ).toBe(0);
  });
});

describe('validation', () => {
  const ok: Summary = { n: 10, mean: 0, variance: 1 };
  it.each([
    ['control.n', () => asymptoticConfidenceSequence({ n: 1, mean: 0, variance: 1 }, ok)],
    ['treatment.n', () => alwaysValidPValue(ok, { n: 2.5, mean: 0, variance: 1 })],
    [
      'control.mean',
      () => asymptoticConfidenceSequence({ n: 5, mean: Number.NaN, variance: 1 }, ok),
    ],
    ['treatment.variance', () => alwaysValidPValue(ok, { n: 5, mean: 0, variance: -1 })],
    ['treatment.variance', () => alwaysValidPValue(ok, { n: 5, mean: 0, variance: Infinity })],
    ['control', () => asymptoticConfidenceSequence(null as unknown as Summary, ok)],
    ['options.alpha', () => asymptoticConfidenceSequence(ok, ok, { alpha: 0 })],
    ['options.alpha', () => alwaysValidPValue(ok, ok, { alpha: 1 })],
    ['options.alpha', () => alwaysValidPValue(ok, ok, { alpha: Number.NaN })],
    ['options.tuning', () => asymptoticConfidenceSequence(ok, ok, { tuning: 0 })],
    ['options.tuning', () => alwaysValidPValue(ok, ok, { tuning: Infinity })],
    [
      'control, treatment',
      () =>
        asymptoticConfidenceSequence(
          { n: 5, mean: 0, variance: 0 },
          { n: 5, mean: 1, variance: 0 },
        ),
    ],
  ] as const)('names %s', (field, run) => {
    expect(validationField(run)).toBe(field);
  });
});

interface PeekingRun {
  readonly sequential: boolean;
  readonly welch: boolean;
}

/**
 * One experiment of `perArm` normal outcomes per arm (treatment shifted by `effect` sd), looked
 * at after every `every` outcomes per arm: did the sequential p-value, and did the fixed-horizon
 * Welch p-value, ever fall below alpha?
 */
function peekingRun(random: Random, effect: number, perArm: number, every: number): PeekingRun {
  const control = new RunningSummary();
  const treatment = new RunningSummary();
  let sequential = false;
  let welch = false;
  for (let i = 1; i <= perArm; i++) {
    control.push(random.normal());
    treatment.push(random.normal(effect));
    if (i % every !== 0) continue;
    const c = control.summary();
    const t = treatment.summary();
    if (!sequential && alwaysValidPValue(c, t) < 0.05) sequential = true;
    if (!welch && welchTTestFromSummary(c, t).pValue < 0.05) welch = true;
    if (sequential && welch) break;
  }
  return { sequential, welch };
}

describe('simulation with continuous monitoring', () => {
  it('keeps the A/A false-positive rate at alpha while peeking Welch inflates it', () => {
    const random = createRandom('sequential-aa');
    const runs = 400;
    let sequential = 0;
    let welch = 0;
    for (let r = 0; r < runs; r++) {
      const run = peekingRun(random, 0, 2000, 100);
      if (run.sequential) sequential++;
      if (run.welch) welch++;
    }
    // 0.05 plus about 2.8 binomial standard errors (√(0.05 · 0.95 / 400) = 0.011).
    expect(sequential / runs).toBeLessThanOrEqual(0.08);
    // 20 looks at a fixed-horizon test: the problem the sequence solves.
    expect(welch / runs).toBeGreaterThan(0.1);
  });

  it('detects a true effect of 0.2 sd with 2,000 per arm in at least 80% of runs', () => {
    const random = createRandom('sequential-power');
    const runs = 200;
    let detected = 0;
    for (let r = 0; r < runs; r++) {
      if (peekingRun(random, 0.2, 2000, 100).sequential) detected++;
    }
    expect(detected / runs).toBeGreaterThanOrEqual(0.8);
  });
});
