import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sortedCopy } from './sort.js';

const finite = fc.double({ noNaN: true, noDefaultInfinity: true });

describe('sortedCopy', () => {
  it('orders like Float64Array.prototype.sort, for small and radix-sized inputs', () => {
    for (const minLength of [0, 3000]) {
      fc.assert(
        fc.property(fc.array(finite, { minLength, maxLength: minLength + 3000 }), (values) => {
          const expected = Float64Array.from(values).sort();
          const actual = sortedCopy(values);
          expect(actual).toEqual(expected);
          // -0 and +0 keep their order and sign.
          for (let i = 0; i < expected.length; i++)
            expect(Object.is(actual[i], expected[i])).toBe(true);
        }),
        { numRuns: 30 },
      );
    }
  });

  it('sorts negatives, zeros of both signs, subnormals and extremes', () => {
    const values = Array.from(
      { length: 5000 },
      (_, i) =>
        [-0, 0, 5e-324, -5e-324, Number.MAX_VALUE, -Number.MAX_VALUE, 1, -1, i / 7 - 300][
          i % 9
        ] as number,
    );
    const actual = sortedCopy(values);
    const expected = Float64Array.from(values).sort();
    expect([...actual].map((x) => (Object.is(x, -0) ? '-0' : x))).toEqual(
      [...expected].map((x) => (Object.is(x, -0) ? '-0' : x)),
    );
  });

  it('leaves its input unchanged', () => {
    const input = Array.from({ length: 4000 }, (_, i) => Math.sin(i));
    const copy = [...input];
    sortedCopy(input);
    expect(input).toEqual(copy);
  });
});
