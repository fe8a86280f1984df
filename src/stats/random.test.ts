import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectAllClose, validationField } from '../../test/support/numeric.js';
import { ValidationError } from '../errors.js';
import type { LabOptions } from '../lab.js';
import { createRandom, type Random, type RandomState, randomFromState } from './random.js';

interface RandomCase {
  readonly seed: number | string;
  readonly initialState: RandomState;
  readonly uint32: number[];
  readonly uniform: number[];
  readonly stateAfterUniform: RandomState;
  readonly normal: number[];
  readonly stateAfterNormal: RandomState;
  readonly normalScaled: number[];
  readonly gamma: Record<string, number[]>;
  readonly beta: Record<string, number[]>;
  readonly int: Record<string, number[]>;
  readonly forkChild: number[];
  readonly forkParent: number[];
}

const fixture = JSON.parse(
  readFileSync(new URL('../../test/fixtures/stats/misc.json', import.meta.url), 'utf8'),
) as { random: RandomCase[] };

/**
 * Integer outputs and uniforms are exact 32-bit arithmetic: bit-for-bit. Normal, gamma and beta
 * deviates go through log/exp/sqrt/pow, which may differ by an ulp between V8 and the C library
 * Python uses: 1e-12 relative.
 */
const RELATIVE = 1e-12;
/** Statistical checks: this many standard errors over this many draws (fixed seeds). */
const STANDARD_ERRORS = 5;
const DRAWS = 200_000;

const expectClose = (actual: readonly number[], expected: readonly number[]) =>
  expectAllClose(actual, expected, RELATIVE);

function draw(n: number, next: () => number): number[] {
  return Array.from({ length: n }, next);
}

describe('golden stream (pinned forever: changing it breaks every saved seed)', () => {
  it('seed 42', () => {
    const a = createRandom(42);
    expect(draw(4, a.uint32)).toEqual([1776835114, 4165204688, 17111135, 2317295270]);
    const b = createRandom(42);
    expect(draw(4, b.uniform)).toEqual([
      0.4137016681565887, 0.003983993377814743, 0.6500837027638867, 0.6846020186141416,
    ]);
  });

  it("seed 'momentum-bot/v2'", () => {
    const a = createRandom('momentum-bot/v2');
    expect(draw(4, a.uint32)).toEqual([3079077019, 66182674, 824412502, 265440285]);
    const b = createRandom('momentum-bot/v2');
    expect(draw(4, b.uniform)).toEqual([
      0.7169034780219894, 0.19194848881514837, 0.210711042018079, 0.4470603154346372,
    ]);
  });
});

describe.each(fixture.random.map((c) => [JSON.stringify(c.seed), c] as const))(
  'against the Python port, seed %s',
  (_, c) => {
    it('seeds the same state and draws the same integers and uniforms bit for bit', () => {
      expect(createRandom(c.seed).state()).toEqual(c.initialState);
      expect(draw(20, createRandom(c.seed).uint32)).toEqual(c.uint32);
      const rng = createRandom(c.seed);
      expect(draw(20, rng.uniform)).toEqual(c.uniform);
      expect(rng.state()).toEqual(c.stateAfterUniform);
    });

    it('draws the same normal deviates and keeps the same spare', () => {
      const rng = createRandom(c.seed);
      expectClose(
        draw(11, () => rng.normal()),
        c.normal,
      );
      const state = rng.state();
      expect(state.s).toEqual(c.stateAfterNormal.s);
      expectClose([state.spare as number], [c.stateAfterNormal.spare as number]);
      const scaled = createRandom(c.seed);
      expectClose(
        draw(6, () => scaled.normal(0.0005, 0.01)),
        c.normalScaled,
      );
    });

    it('draws the same gamma and beta deviates', () => {
      for (const [key, expected] of Object.entries(c.gamma)) {
        const [shape, scale] = key.split(',').map(Number) as [number, number];
        const rng = createRandom(c.seed);
        expectClose(
          draw(10, () => rng.gamma(shape, scale)),
          expected,
        );
      }
      for (const [key, expected] of Object.entries(c.beta)) {
        const [a, b] = key.split(',').map(Number) as [number, number];
        const rng = createRandom(c.seed);
        expectClose(
          draw(10, () => rng.beta(a, b)),
          expected,
        );
      }
    });

    it('draws the same integers and forks the same way', () => {
      for (const [key, expected] of Object.entries(c.int)) {
        const rng = createRandom(c.seed);
        expect(draw(10, () => rng.int(Number(key)))).toEqual(expected);
      }
      const parent = createRandom(c.seed);
      const child = parent.fork();
      expect(draw(5, child.uniform)).toEqual(c.forkChild);
      expect(draw(5, parent.uniform)).toEqual(c.forkParent);
    });
  },
);

describe('distributions over 200k draws (within 5 standard errors)', () => {
  function moments(xs: readonly number[]): { mean: number; variance: number } {
    let mean = 0;
    let m2 = 0;
    xs.forEach((x, i) => {
      const delta = x - mean;
      mean += delta / (i + 1);
      m2 += delta * (x - mean);
    });
    return { mean, variance: m2 / (xs.length - 1) };
  }

  /** Checks the mean and variance; `excessFourth` is μ₄ − σ⁴, the variance of (X − μ)². */
  function expectMoments(
    xs: readonly number[],
    mean: number,
    variance: number,
    excessFourth: number,
  ): void {
    const m = moments(xs);
    const n = xs.length;
    expect(Math.abs(m.mean - mean)).toBeLessThanOrEqual(STANDARD_ERRORS * Math.sqrt(variance / n));
    expect(Math.abs(m.variance - variance)).toBeLessThanOrEqual(
      STANDARD_ERRORS * Math.sqrt(excessFourth / n),
    );
  }

  it('uniform: mean 1/2, variance 1/12, all in [0, 1)', () => {
    const xs = draw(DRAWS, createRandom(1).uniform);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expectMoments(xs, 1 / 2, 1 / 12, 1 / 80 - 1 / 144);
  });

  it('normal: mean and standard deviation as asked', () => {
    const rng = createRandom(2);
    const sd = 2;
    expectMoments(
      draw(DRAWS, () => rng.normal(0.3, sd)),
      0.3,
      sd ** 2,
      2 * sd ** 4,
    );
    const standard = createRandom(3);
    expectMoments(
      draw(DRAWS, () => standard.normal()),
      0,
      1,
      2,
    );
  });

  it.each([
    [0.3, 1],
    [1, 1],
    [2.5, 2],
    [40, 0.5],
  ])('gamma(shape %d, scale %d): mean kθ, variance kθ²', (k, theta) => {
    const rng = createRandom(`gamma-${k}-${theta}`);
    const xs = draw(DRAWS, () => rng.gamma(k, theta));
    expect(xs.every((x) => x >= 0 && Number.isFinite(x))).toBe(true);
    expectMoments(xs, k * theta, k * theta ** 2, (2 * k * k + 6 * k) * theta ** 4);
  });

  it.each([
    [0.5, 0.5],
    [2, 5],
    [0.05, 3],
    [30, 30],
  ])('beta(%d, %d): mean a / (a + b), variance ab / ((a + b)²(a + b + 1))', (a, b) => {
    const rng = createRandom(`beta-${a}-${b}`);
    const xs = draw(DRAWS, () => rng.beta(a, b));
    expect(xs.every((x) => x >= 0 && x <= 1)).toBe(true);
    const variance = (a * b) / ((a + b) ** 2 * (a + b + 1));
    // On [0, 1], (X − μ)⁴ ≤ (X − μ)², so σ² bounds the variance of (X − μ)².
    expectMoments(xs, a / (a + b), variance, variance);
  });

  it('int: uniform over [0, n)', () => {
    const rng = createRandom(4);
    const xs = draw(DRAWS, () => rng.int(6));
    expect(xs.every((x) => Number.isInteger(x) && x >= 0 && x < 6)).toBe(true);
    const counts = [0, 0, 0, 0, 0, 0];
    for (const x of xs) counts[x] = (counts[x] as number) + 1;
    const p = 1 / 6;
    for (const count of counts) {
      expect(Math.abs(count / DRAWS - p)).toBeLessThanOrEqual(
        STANDARD_ERRORS * Math.sqrt((p * (1 - p)) / DRAWS),
      );
    }
    const big = createRandom(5);
    const n = 2 ** 40 + 7;
    expectMoments(
      draw(DRAWS, () => big.int(n) / n),
      1 / 2,
      1 / 12,
      1 / 80 - 1 / 144,
    );
  });
});

describe('properties', () => {
  const seed = fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.string());

  it('uniform stays in [0, 1)', () => {
    fc.assert(
      fc.property(seed, (s) => draw(50, createRandom(s).uniform).every((x) => x >= 0 && x < 1)),
    );
  });

  it('the same seed gives the same stream', () => {
    fc.assert(
      fc.property(seed, (s) => {
        const a = createRandom(s);
        const b = createRandom(s);
        expect(draw(10, a.uniform)).toEqual(draw(10, b.uniform));
        expect(a.gamma(0.7)).toBe(b.gamma(0.7));
        expect(a.normal()).toBe(b.normal());
      }),
    );
  });

  /** Applies a mixed sequence of calls, returning the values. */
  function run(rng: Random, ops: readonly number[]): number[] {
    return ops.map((op) => {
      switch (op) {
        case 0:
          return rng.uniform();
        case 1:
          return rng.normal();
        case 2:
          return rng.gamma(0.5, 2);
        case 3:
          return rng.beta(2, 3);
        case 4:
          return rng.int(1000);
        default:
          return rng.uint32();
      }
    });
  }

  it('a state round trip through JSON continues the stream identically', () => {
    const ops = fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 30 });
    fc.assert(
      fc.property(seed, ops, ops, (s, before, after) => {
        const original = createRandom(s);
        run(original, before);
        const restored = randomFromState(JSON.parse(JSON.stringify(original.state())));
        expect(restored.state()).toEqual(original.state());
        expect(run(restored, after)).toEqual(run(original, after));
      }),
    );
  });

  it('state() is a snapshot, not a live view', () => {
    const rng = createRandom(9);
    const before = rng.state();
    rng.uniform();
    expect(rng.state()).not.toEqual(before);
    expect(draw(3, randomFromState(before).uniform)).toEqual(
      draw(3, randomFromState(before).uniform),
    );
  });

  it('distinct seeds and forks give distinct streams', () => {
    expect(createRandom(1).uniform()).not.toBe(createRandom(2).uniform());
    expect(createRandom(1).uniform()).not.toBe(createRandom('1').uniform());
    expect(createRandom(-1).uniform()).not.toBe(createRandom(1).uniform());
    const parent = createRandom(7);
    const a = parent.fork();
    const b = parent.fork();
    expect(a.uniform()).not.toBe(b.uniform());
  });

  it('uniform works detached, as the lab`s random option', () => {
    const { uniform } = createRandom('lab');
    const option: LabOptions['random'] = uniform;
    expect(option?.()).toBe(createRandom('lab').uniform());
  });
});

describe('validation', () => {
  it.each([
    [1.5],
    [Number.NaN],
    [Number.POSITIVE_INFINITY],
    [2 ** 53],
    [null],
    [undefined],
    [{}],
    [10n],
  ])('refuses seed %s', (seed) => {
    expect(() => createRandom(seed as unknown as number)).toThrow(ValidationError);
    expect(validationField(() => createRandom(seed as unknown as number))).toBe('seed');
  });

  const rng = createRandom(0);
  it.each([
    ['int(0)', () => rng.int(0), 'maxExclusive'],
    ['int(2.5)', () => rng.int(2.5), 'maxExclusive'],
    ['int(2 ** 53)', () => rng.int(2 ** 53), 'maxExclusive'],
    ['normal(NaN)', () => rng.normal(Number.NaN), 'mean'],
    ['normal(0, -1)', () => rng.normal(0, -1), 'sd'],
    ['normal(0, Infinity)', () => rng.normal(0, Number.POSITIVE_INFINITY), 'sd'],
    ['gamma(0)', () => rng.gamma(0), 'shape'],
    ['gamma(-1)', () => rng.gamma(-1), 'shape'],
    ['gamma(NaN)', () => rng.gamma(Number.NaN), 'shape'],
    ['gamma(Infinity)', () => rng.gamma(Number.POSITIVE_INFINITY), 'shape'],
    ['gamma(1, 0)', () => rng.gamma(1, 0), 'scale'],
    ['beta(0, 1)', () => rng.beta(0, 1), 'a'],
    ['beta(1, -2)', () => rng.beta(1, -2), 'b'],
    ['beta(1, NaN)', () => rng.beta(1, Number.NaN), 'b'],
  ])('refuses %s naming %s', (_, call, field) => {
    expect(call).toThrow(ValidationError);
    expect(validationField(call)).toBe(field);
  });

  it('never returns NaN for extreme shapes', () => {
    const rng = createRandom('extreme');
    for (let i = 0; i < 1000; i++) {
      const x = rng.beta(5e-324, 5e-324);
      expect(x === 0 || x === 1).toBe(true);
      expect(rng.beta(1e-3, 1e3)).toBeGreaterThanOrEqual(0);
      expect(rng.gamma(1e-3)).toBeGreaterThanOrEqual(0);
      expect(Number.isFinite(rng.gamma(1e12, 1e-12))).toBe(true);
    }
  });

  it('allows normal with sd 0', () => {
    expect(createRandom(0).normal(3, 0)).toBe(3);
  });

  const good = createRandom(0).state();
  it.each([
    ['not an object', null, 'state'],
    ['another algorithm', { ...good, algorithm: 'mt19937' }, 'state.algorithm'],
    ['three words', { ...good, s: [1, 2, 3] }, 'state.s'],
    ['a negative word', { ...good, s: [1, -2, 3, 4] }, 'state.s[1]'],
    ['a word of 2^32', { ...good, s: [1, 2, 2 ** 32, 4] }, 'state.s[2]'],
    ['a fractional word', { ...good, s: [1, 2, 3, 4.5] }, 'state.s[3]'],
    ['all-zero words', { ...good, s: [0, 0, 0, 0] }, 'state.s'],
    ['a NaN spare', { ...good, spare: Number.NaN }, 'state.spare'],
    ['a missing spare', { algorithm: good.algorithm, s: good.s }, 'state.spare'],
  ])('randomFromState refuses %s', (_, state, field) => {
    expect(validationField(() => randomFromState(state as unknown as RandomState))).toBe(field);
  });
});
