import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectAllClose, validationField } from '../../test/support/numeric.js';
import { ValidationError } from '../errors.js';
import { benjaminiHochberg, holmBonferroni } from './multiple-testing.js';

interface PCase {
  readonly name: string;
  readonly p: number[];
  readonly bh: number[];
  readonly holm: number[];
}

const fixture = JSON.parse(
  readFileSync(new URL('../../test/fixtures/stats/misc.json', import.meta.url), 'utf8'),
) as { multipleTesting: PCase[] };

/** scipy and the statsmodels port do the same float operations: agree to 1e-12 relative. */
const RELATIVE = 1e-12;

const expectClose = (actual: readonly number[], expected: readonly number[]) =>
  expectAllClose(actual, expected, RELATIVE);

const pValue = fc.oneof(
  fc.double({ min: 0, max: 1, noNaN: true }),
  fc.constantFrom(0, 1, 0.01, 0.05, 0.5, 1e-300, 1 - 2 ** -53),
);
const pValues = fc.array(pValue, { minLength: 1, maxLength: 60 });
/** A p-value list with a permutation of its indices. */
const shuffled = pValues.chain((ps) =>
  fc.tuple(
    fc.constant(ps),
    fc.shuffledSubarray(
      ps.map((_, i) => i),
      { minLength: ps.length, maxLength: ps.length },
    ),
  ),
);

const methods = [
  ['benjaminiHochberg', benjaminiHochberg],
  ['holmBonferroni', holmBonferroni],
] as const;

describe('against references', () => {
  it.each(fixture.multipleTesting.map((c) => [c.name, c] as const))(
    'benjaminiHochberg matches scipy: %s',
    (_, c) => {
      expectClose(benjaminiHochberg(c.p), c.bh);
    },
  );

  it.each(fixture.multipleTesting.map((c) => [c.name, c] as const))(
    'holmBonferroni matches statsmodels: %s',
    (_, c) => {
      expectClose(holmBonferroni(c.p), c.holm);
    },
  );

  it('gives the textbook examples in input order', () => {
    expect(benjaminiHochberg([0.01, 0.04, 0.03, 0.2])).toEqual([
      0.04,
      0.04 * (4 / 3),
      0.04 * (4 / 3),
      0.2,
    ]);
    expect(holmBonferroni([0.01, 0.04, 0.03, 0.2])).toEqual([0.04, 0.09, 0.09, 0.2]);
  });

  it('accepts typed arrays and leaves the input alone', () => {
    const ps = new Float64Array([0.2, 0.01, 0.03]);
    expect(benjaminiHochberg(ps)).toEqual(benjaminiHochberg([0.2, 0.01, 0.03]));
    expect(holmBonferroni(ps)).toEqual([0.2, 0.03, 0.06]);
    expect([...ps]).toEqual([0.2, 0.01, 0.03]);
  });
});

describe.each(methods)('%s properties', (_, adjust) => {
  it('is never below the raw p-value and never above 1', () => {
    fc.assert(
      fc.property(pValues, (ps) => {
        const adjusted = adjust(ps);
        return adjusted.every((a, i) => a >= (ps[i] as number) && a <= 1);
      }),
    );
  });

  it('is monotone in the raw p-values (ties get equal values)', () => {
    fc.assert(
      fc.property(pValues, (ps) => {
        const adjusted = adjust(ps);
        for (let i = 0; i < ps.length; i++) {
          for (let j = 0; j < ps.length; j++) {
            if ((ps[i] as number) <= (ps[j] as number) && adjusted[i]! > adjusted[j]!) return false;
          }
        }
        return true;
      }),
    );
  });

  it('commutes with shuffling the input', () => {
    fc.assert(
      fc.property(shuffled, ([ps, permutation]) => {
        const adjusted = adjust(ps);
        const adjustedShuffled = adjust(permutation.map((k) => ps[k] as number));
        expect(adjustedShuffled).toEqual(permutation.map((k) => adjusted[k]));
      }),
    );
  });

  it.each([
    [[], 'pValues'],
    [[0.5, Number.NaN], 'pValues[1]'],
    [[0.5, 1.5], 'pValues[1]'],
    [[-0.1], 'pValues[0]'],
    [[0.2, Number.POSITIVE_INFINITY], 'pValues[1]'],
  ])('refuses %j naming %s', (ps, field) => {
    expect(() => adjust(ps)).toThrow(ValidationError);
    expect(validationField(() => adjust(ps))).toBe(field);
  });

  it('refuses a value that is not an array of numbers', () => {
    expect(validationField(() => adjust(null as unknown as number[]))).toBe('pValues');
    expect(validationField(() => adjust(['0.1'] as unknown as number[]))).toBe('pValues[0]');
  });
});

describe('Holm against Benjamini-Hochberg', () => {
  it('is never below Benjamini-Hochberg', () => {
    fc.assert(
      fc.property(pValues, (ps) => {
        const bh = benjaminiHochberg(ps);
        return holmBonferroni(ps).every((h, i) => h >= (bh[i] as number));
      }),
    );
  });

  it('equals Bonferroni for the smallest p-value and BH equals the raw largest', () => {
    const ps = [0.3, 0.001, 0.02, 0.6];
    expect(holmBonferroni(ps)[1]).toBe(0.004);
    expect(benjaminiHochberg(ps)[3]).toBe(0.6);
  });
});
