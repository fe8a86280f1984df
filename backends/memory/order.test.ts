import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstInOrder } from './order.js';

describe('firstInOrder', () => {
  it('equals a stable sort and slice, for any input and k', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ key: fc.integer({ min: 0, max: 20 }), at: fc.nat() })),
        fc.integer({ min: 0, max: 30 }),
        (items, k) => {
          const indexed = items.map((item, index) => ({ ...item, index }));
          const byKey = (a: { key: number }, b: { key: number }) => a.key - b.key;
          expect(firstInOrder(indexed, byKey, k)).toEqual([...indexed].sort(byKey).slice(0, k));
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });
});
