import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import {
  type BucketRange,
  chooseVariation,
  createHashAssigner,
  getBucketRanges,
  getEqualWeights,
  inNamespace,
} from './buckets.js';
import { gbHash } from './hash.js';

/** GrowthBook's cross-SDK cases; see test/fixtures/peer/README.md for the formats. */
interface GrowthBookCases {
  readonly getBucketRange: [
    name: string,
    args: [numVariations: number, coverage: number, weights: number[] | null],
    expected: [number, number][],
  ][];
  readonly chooseVariation: [
    name: string,
    n: number,
    ranges: [number, number][],
    expected: number,
  ][];
  readonly inNamespace: [
    name: string,
    id: string,
    namespace: [string, number, number],
    expected: boolean,
  ][];
  readonly getEqualWeights: [numVariations: number, expected: number[]][];
}

const cases = JSON.parse(
  readFileSync(new URL('../../test/fixtures/peer/growthbook-cases.json', import.meta.url), 'utf8'),
) as GrowthBookCases;

/**
 * GrowthBook's own harness (packages/sdk-js/test/json.test.ts) compares bucket ranges and equal
 * weights after flooring both sides to 8 decimals: the cases write 1/3 as 0.33333333 and the
 * floating-point 0.2 * 0.2 = 0.04000000000000001 as 0.04. The same comparison here.
 */
const floor8 = (x: number) => Math.floor(x * 1e8) / 1e8;

describe('every GrowthBook case', () => {
  it('has the cases', () => {
    expect(cases.getBucketRange).toHaveLength(13);
    expect(cases.chooseVariation).toHaveLength(13);
    expect(cases.inNamespace).toHaveLength(16);
    expect(cases.getEqualWeights).toHaveLength(6);
  });

  it.each(cases.getBucketRange)('getBucketRanges: %s', (_name, args, expected) => {
    const [numVariations, coverage, weights] = args;
    const ranges = getBucketRanges(numVariations, coverage, weights);
    expect(ranges.map((r) => r.map(floor8))).toEqual(expected.map((r) => r.map(floor8)));
  });

  it.each(cases.chooseVariation)('chooseVariation: %s', (_name, n, ranges, expected) => {
    expect(chooseVariation(n, ranges)).toBe(expected);
  });

  it.each(cases.inNamespace)('inNamespace: %s', (_name, id, namespace, expected) => {
    expect(inNamespace(id, namespace)).toBe(expected);
  });

  it.each(cases.getEqualWeights)('getEqualWeights(%d)', (n, expected) => {
    expect(getEqualWeights(n).map(floor8)).toEqual(expected.map(floor8));
  });
});

describe('getBucketRanges keeps GrowthBook floating point as it is', () => {
  it('does not round range ends', () => {
    expect(getBucketRanges(3, 0.2, [0.2, 0.3, 0.5])).toEqual([
      [0, 0.2 * 0.2],
      [0.2, 0.2 + 0.2 * 0.3],
      [0.5, 0.5 + 0.2 * 0.5],
    ]);
    expect(getBucketRanges(3, 0.2, [0.2, 0.3, 0.5])[0]?.[1]).toBe(0.04000000000000001);
    expect(getBucketRanges(3, 1, [0.1, 0.2, 0.7])[2]?.[0]).toBe(0.30000000000000004);
  });

  it('does not normalise weights summing within [0.99, 1.01]: the top of [0, 1) is in no range', () => {
    const ranges = getBucketRanges(2, 1, [0.4, 0.5999]);
    expect(ranges[1]?.[1]).toBe(0.4 + 0.5999);
    expect(chooseVariation(0.9999, ranges)).toBe(-1);
    expect(getBucketRanges(2, 1, [0.5, 0.505])[1]).toEqual([0.5, 1.005]);
  });

  it('uses equal weights outside [0.99, 1.01] and for a wrong length, clamps coverage', () => {
    expect(getBucketRanges(2, 1, [0.5, 0.495])).toEqual([
      [0, 0.5],
      [0.5, 0.995],
    ]);
    expect(getBucketRanges(2, 1, [0.5, 0.485])).toEqual(getBucketRanges(2, 1));
    expect(getBucketRanges(3, 1, [0.5, 0.5])).toEqual(getBucketRanges(3, 1));
    expect(getBucketRanges(2, Number.POSITIVE_INFINITY)).toEqual(getBucketRanges(2, 1));
    expect(getBucketRanges(2, Number.NEGATIVE_INFINITY)).toEqual(getBucketRanges(2, 0));
    expect(getBucketRanges(2)).toEqual(getBucketRanges(2, 1, null));
    expect(getBucketRanges(0, 1)).toEqual([]);
  });

  it('keeps negative weights that sum to about 1, as GrowthBook', () => {
    expect(getBucketRanges(2, 1, [-0.5, 1.5])).toEqual([
      [0, -0.5],
      [-0.5, 1],
    ]);
  });

  it('throws a ValidationError for NaN and non-numbers, where GrowthBook returns NaN ranges', () => {
    expect(() => getBucketRanges(2, Number.NaN)).toThrow(ValidationError);
    expect(() => getBucketRanges(2, Number.NaN)).toThrow(/^coverage:/);
    expect(() => getBucketRanges(2, 1, [0.5, Number.NaN])).toThrow(
      /^weights\[1\]: must be a number/,
    );
    expect(() => getBucketRanges(2, 1, ['0.5', 0.5] as unknown as number[])).toThrow(
      /^weights\[0\]/,
    );
    expect(() => getBucketRanges(2, 1, 'x' as unknown as number[])).toThrow(/^weights: /);
    expect(() => getBucketRanges(2.5, 1)).toThrow(/^numVariations: must be a whole number/);
    expect(() => getBucketRanges(Number.NaN, 1)).toThrow(/^numVariations: must be a number/);
  });
});

describe('getEqualWeights', () => {
  it('returns n copies of 1 / n', () => {
    expect(getEqualWeights(3)).toEqual([1 / 3, 1 / 3, 1 / 3]);
    expect(getEqualWeights(-5)).toEqual([]);
    expect(getEqualWeights(-1.5)).toEqual([]);
  });

  it('throws a ValidationError for a positive non-integer or NaN', () => {
    expect(() => getEqualWeights(2.5)).toThrow(ValidationError);
    expect(() => getEqualWeights(Number.NaN)).toThrow(/^numVariations: must be a number/);
    expect(() => getEqualWeights(Number.POSITIVE_INFINITY)).toThrow(/must be a whole number/);
  });
});

describe('chooseVariation', () => {
  it('is half-open: start included, end excluded; zero-width ranges never match', () => {
    const ranges: BucketRange[] = [
      [0, 0.5],
      [0.5, 0.5],
      [0.5, 1],
    ];
    expect(chooseVariation(0, ranges)).toBe(0);
    expect(chooseVariation(0.4999, ranges)).toBe(0);
    expect(chooseVariation(0.5, ranges)).toBe(2);
    expect(chooseVariation(1, ranges)).toBe(-1);
    expect(chooseVariation(0.3, [])).toBe(-1);
  });
});

describe('inNamespace', () => {
  it('hashes the unit with seed "__" + id and hash version 1', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), fc.string({ maxLength: 10 }), (unit, id) => {
        const n = gbHash(`__${id}`, unit, 1);
        expect(inNamespace(unit, [id, n, n + 0.001])).toBe(true);
        expect(inNamespace(unit, [id, 0, n])).toBe(false);
      }),
    );
  });
});

describe('createHashAssigner', () => {
  const units = fc.string({ unit: 'binary', minLength: 1, maxLength: 40 });
  const configs = fc
    .record({
      raw: fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 2, maxLength: 8 }),
      coverage: fc.oneof(
        fc.constantFrom(0, 0.3, 0.99, 1),
        fc.double({ min: 0, max: 1, noNaN: true }),
      ),
      seed: fc.string({ minLength: 1, maxLength: 40 }),
      hashVersion: fc.constantFrom(1 as const, 2 as const),
    })
    .filter((c) => c.raw.some((x) => x > 0))
    .map((c) => {
      const sum = c.raw.reduce((a, b) => a + b, 0);
      return { ...c, weights: c.raw.map((x) => x / sum) };
    })
    .filter((c) => {
      const total = c.weights.reduce((a, b) => a + b, 0);
      return total >= 0.99 && total <= 1.01;
    });

  it('equals chooseVariation(gbHash(...), getBucketRanges(...)) for any unit and config', () => {
    fc.assert(
      fc.property(configs, fc.array(units, { minLength: 1, maxLength: 50 }), (c, us) => {
        const assign = createHashAssigner({
          seed: c.seed,
          weights: c.weights,
          coverage: c.coverage,
          hashVersion: c.hashVersion,
        });
        const ranges = getBucketRanges(c.weights.length, c.coverage, c.weights);
        for (const u of us) {
          expect(assign(u)).toBe(chooseVariation(gbHash(c.seed, u, c.hashVersion), ranges));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('defaults to hash version 2 and coverage 1', () => {
    const assign = createHashAssigner({ seed: 'exp', weights: [0.25, 0.75] });
    const ranges = getBucketRanges(2, 1, [0.25, 0.75]);
    for (let i = 0; i < 1000; i++) {
      expect(assign(`u${i}`)).toBe(chooseVariation(gbHash('exp', `u${i}`, 2), ranges));
    }
  });

  it('puts the empty unit in no variation, as GrowthBook skips an empty hash attribute', () => {
    expect(createHashAssigner({ seed: 's', weights: [0.5, 0.5] })('')).toBe(-1);
    expect(createHashAssigner({ seed: 's', weights: [0.5, 0.5], hashVersion: 1 })('')).toBe(-1);
  });

  it('handles more than 127 variations', () => {
    const weights = getEqualWeights(300);
    const assign = createHashAssigner({ seed: 'many', weights });
    const ranges = getBucketRanges(300, 1, weights);
    const seen = new Set<number>();
    for (let i = 0; i < 5000; i++) {
      const v = assign(`unit-${i}`);
      expect(v).toBe(chooseVariation(gbHash('many', `unit-${i}`, 2), ranges));
      seen.add(v);
    }
    expect(Math.max(...seen)).toBeGreaterThan(127);
  });

  it('coverage 0 puts every unit out; coverage 1 with weights summing to 1 puts every unit in', () => {
    const none = createHashAssigner({ seed: 's', weights: [0.5, 0.5], coverage: 0 });
    const all = createHashAssigner({ seed: 's', weights: [0.1, 0.2, 0.7] });
    for (let i = 0; i < 2000; i++) {
      expect(none(String(i))).toBe(-1);
      expect(all(String(i))).toBeGreaterThanOrEqual(0);
    }
  });

  it('throws a ValidationError where GrowthBook would silently change the split', () => {
    const bad: [unknown, RegExp][] = [
      [null, /^options:/],
      [{ seed: '', weights: [0.5, 0.5] }, /^seed: must be a non-empty string/],
      [{ seed: 1, weights: [0.5, 0.5] }, /^seed:/],
      [{ seed: 's', weights: [1] }, /^weights: must be an array of at least 2/],
      [{ seed: 's', weights: 'ab' }, /^weights:/],
      [{ seed: 's', weights: [0.5, Number.NaN] }, /^weights\[1\]: must be a finite number >= 0/],
      [{ seed: 's', weights: [1.5, -0.5] }, /^weights\[1\]:/],
      [{ seed: 's', weights: [0.7, 0.6] }, /^weights: must add up to 1/],
      [{ seed: 's', weights: [0.4, 0.4] }, /^weights: must add up to 1/],
      [
        { seed: 's', weights: [0.5, 0.5], coverage: 1.5 },
        /^coverage: must be a number in \[0, 1\]/,
      ],
      [{ seed: 's', weights: [0.5, 0.5], coverage: -0.1 }, /^coverage:/],
      [{ seed: 's', weights: [0.5, 0.5], coverage: Number.NaN }, /^coverage:/],
      [{ seed: 's', weights: [0.5, 0.5], hashVersion: 3 }, /^hashVersion: must be 1 or 2/],
    ];
    for (const [options, message] of bad) {
      expect(() => createHashAssigner(options as never), String(message)).toThrow(ValidationError);
      expect(() => createHashAssigner(options as never)).toThrow(message);
    }
  });

  it('accepts weights within GrowthBook tolerance and uses them as given', () => {
    const assign = createHashAssigner({ seed: 's', weights: [0.4, 0.5999] });
    const ranges = getBucketRanges(2, 1, [0.4, 0.5999]);
    for (let i = 0; i < 3000; i++) {
      expect(assign(`x${i}`)).toBe(chooseVariation(gbHash('s', `x${i}`, 2), ranges));
    }
  });

  it('the assigner throws a ValidationError naming unit for a non-string', () => {
    const assign = createHashAssigner({ seed: 's', weights: [0.5, 0.5] });
    expect(() => assign(42 as unknown as string)).toThrow(/^unit: must be a string/);
    const v1 = createHashAssigner({ seed: 's', weights: [0.5, 0.5], hashVersion: 1 });
    expect(() => v1(undefined as unknown as string)).toThrow(ValidationError);
  });
});
