import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import {
  FNV1A32_OFFSET_BASIS,
  fnv1a32,
  fnv1a32OfDecimal,
  fnv1a32Update,
  gbHash,
  type HashVersion,
} from './hash.js';

/** GrowthBook's cross-SDK cases; see test/fixtures/peer/README.md. */
const cases = JSON.parse(
  readFileSync(new URL('../../test/fixtures/peer/growthbook-cases.json', import.meta.url), 'utf8'),
) as { hash: [seed: string, value: string, version: number, expected: number | null][] };

/**
 * GrowthBook's `hashFnv32a` as its SDK writes it (shift-and-add instead of a multiply), kept
 * here as an independent oracle for the Math.imul loop.
 */
function growthbookFnv32a(str: string): number {
  let hval = 0x811c9dc5;
  for (let i = 0; i < str.length; i++) {
    hval ^= str.charCodeAt(i);
    hval += (hval << 1) + (hval << 4) + (hval << 7) + (hval << 8) + (hval << 24);
  }
  return hval >>> 0;
}

/** GrowthBook's `hash` with string concatenation, as the oracle for the allocation-free one. */
function growthbookHash(seed: string, value: string, version: number): number | null {
  if (version === 2) return (growthbookFnv32a(`${growthbookFnv32a(seed + value)}`) % 10000) / 10000;
  if (version === 1) return (growthbookFnv32a(value + seed) % 1000) / 1000;
  return null;
}

/** Any UTF-16 string: ASCII, BMP, astral (surrogate pairs) and lone surrogates. */
const anyString = fc.string({ unit: 'binary', maxLength: 40 });
const lonelySurrogates = fc.string({
  unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
  maxLength: 6,
});

describe('gbHash runs every GrowthBook hash case', () => {
  it('has the cases', () => {
    expect(cases.hash.length).toBe(15);
  });

  it.each(cases.hash)('hash(%j, %j, %d) = %j', (seed, value, version, expected) => {
    expect(gbHash(seed, value, version)).toBe(expected);
  });
});

describe('fnv1a32', () => {
  it('matches the published FNV-1a 32-bit test vectors (ASCII, one code unit per byte)', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  it("equals GrowthBook's shift-and-add loop on any UTF-16 string", () => {
    fc.assert(
      fc.property(fc.oneof(anyString, lonelySurrogates), (s) => {
        expect(fnv1a32(s)).toBe(growthbookFnv32a(s));
      }),
      { numRuns: 2000 },
    );
  });

  it('hashes UTF-16 code units: an emoji is its surrogate pair, not its UTF-8 bytes', () => {
    expect(fnv1a32('😀')).toBe(fnv1a32('\ud83d\ude00'));
    expect(fnv1a32('😀')).toBe(
      fnv1a32Update(fnv1a32Update(FNV1A32_OFFSET_BASIS, '\ud83d'), '\ude00'),
    );
    // A code unit above 0xff is folded whole, unlike a byte-wise FNV over UTF-8.
    expect(fnv1a32('é')).toBe(Math.imul(0x811c9dc5 ^ 0xe9, 0x01000193) >>> 0);
  });

  it('fnv1a32Update continues a hash: hashing a then b equals hashing a + b', () => {
    fc.assert(
      fc.property(anyString, anyString, (a, b) => {
        expect(fnv1a32Update(fnv1a32Update(FNV1A32_OFFSET_BASIS, a), b)).toBe(fnv1a32(a + b));
      }),
      { numRuns: 1000 },
    );
  });

  it('returns an unsigned 32-bit integer', () => {
    fc.assert(
      fc.property(anyString, (s) => {
        const h = fnv1a32(s);
        expect(Number.isInteger(h) && h >= 0 && h < 2 ** 32).toBe(true);
      }),
    );
  });
});

describe('fnv1a32OfDecimal', () => {
  it('equals fnv1a32(String(value)) at every digit-count boundary', () => {
    const values = [0, 1, 9, 10, 99, 100, 99999, 100000, 100001, 4294967295, 4294900000];
    for (let p = 1; p <= 1e9; p *= 10) values.push(p - 1, p, p + 1, 7 * p);
    for (const v of values.filter((x) => x < 2 ** 32))
      expect(fnv1a32OfDecimal(v), String(v)).toBe(fnv1a32(String(v)));
  });

  it('equals fnv1a32(String(value)) for any unsigned 32-bit integer', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (v) => {
        expect(fnv1a32OfDecimal(v)).toBe(fnv1a32(String(v)));
      }),
      { numRuns: 20000 },
    );
  });
});

describe('gbHash', () => {
  it("equals GrowthBook's concatenating hash for any seed and value, versions 1 and 2", () => {
    fc.assert(
      fc.property(anyString, anyString, fc.constantFrom(1, 2), (seed, value, version) => {
        expect(gbHash(seed, value, version)).toBe(growthbookHash(seed, value, version));
      }),
      { numRuns: 3000 },
    );
  });

  it('puts the seed first in version 2 and last in version 1', () => {
    expect(gbHash('ab', 'c', 2)).toBe(gbHash('a', 'bc', 2));
    expect(gbHash('c', 'ab', 1)).toBe(gbHash('bc', 'a', 1));
    expect(gbHash('ab', 'c', 2)).not.toBe(gbHash('c', 'ab', 2));
  });

  it('gives multiples of 1e-4 (version 2) and 1e-3 (version 1) in [0, 1)', () => {
    fc.assert(
      fc.property(anyString, anyString, (seed, value) => {
        const v2 = gbHash(seed, value, 2);
        const v1 = gbHash(seed, value, 1);
        expect(v2).toBeGreaterThanOrEqual(0);
        expect(v2).toBeLessThan(1);
        expect(v1).toBeGreaterThanOrEqual(0);
        expect(v1).toBeLessThan(1);
        expect(Math.round(v2 * 10000) / 10000).toBe(v2);
        expect(Math.round(v1 * 1000) / 1000).toBe(v1);
      }),
    );
  });

  it('returns null for an unknown hash version, as GrowthBook', () => {
    for (const version of [0, 3, 99, -1, 1.5, Number.NaN]) {
      expect(gbHash('abc', 'def', version)).toBeNull();
    }
    expect(gbHash('abc', 'def', 99 as HashVersion)).toBeNull();
  });

  it('throws a ValidationError naming seed or value when it is not a string', () => {
    expect(() => gbHash(1 as unknown as string, 'a', 2)).toThrow(ValidationError);
    expect(() => gbHash(1 as unknown as string, 'a', 2)).toThrow(/^seed: must be a string/);
    expect(() => gbHash('s', null as unknown as string, 2)).toThrow(/^value: must be a string/);
  });
});
