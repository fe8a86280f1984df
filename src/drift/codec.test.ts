import { describe, expect, it } from 'vitest';
import { BackendError } from '../errors.js';
import { createRandom } from '../stats/random.js';
import {
  decodeSketch,
  encodeSketch,
  packBits,
  packDoubles,
  unpackBits,
  unpackDoubles,
} from './codec.js';
import { buildCategoricalSketch, buildNumericSketch } from './sketch.js';

describe('sketch codec', () => {
  it('packs doubles exactly, including extremes and negative zero', () => {
    const values = [0, -0, 1e-308, 5e-324, -1.7976931348623157e308, Math.PI, 0.1 + 0.2];
    const back = unpackDoubles(packDoubles(values));
    expect(back).toEqual(values);
    expect(Object.is(back[1], -0)).toBe(true);
    expect(unpackDoubles(packDoubles([]))).toEqual([]);
  });

  it('packs bits eight to a byte', () => {
    const bits = Array.from({ length: 37 }, (_, i) => (i % 3 === 0 ? 1 : 0));
    const packed = packBits(bits);
    expect(Buffer.from(packed, 'base64').length).toBe(5);
    expect(unpackBits(packed, 37)).toEqual(bits);
  });

  it('round-trips numeric and categorical sketches through JSON', () => {
    const random = createRandom(3);
    const numeric = buildNumericSketch(Array.from({ length: 30_000 }, () => random.normal(0, 1)));
    const categorical = buildCategoricalSketch(['buy', 'sell', 'buy', '__proto__']);
    for (const sketch of [numeric, categorical]) {
      const stored = JSON.parse(JSON.stringify(encodeSketch(sketch)));
      expect(decodeSketch(stored, 'f')).toEqual(sketch);
    }
    // The packed sample is about half the size of the JSON array of its numbers.
    const packed = JSON.stringify(encodeSketch(numeric)).length;
    expect(packed).toBeLessThan(JSON.stringify(numeric).length * 0.7);
  });

  it('refuses a stored sketch of an unknown format', () => {
    expect(() => decodeSketch({ format: 2, kind: 'numeric' }, 'spread')).toThrow(BackendError);
    expect(() => decodeSketch({ format: 1, kind: 'tensor' }, 'spread')).toThrow(/kind tensor/);
  });
});
