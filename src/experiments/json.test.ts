import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { copyJsonObject, isPlainObject, type JsonIssue, jsonObjectSchema } from './json.js';

describe('copyJsonObject', () => {
  it('copies plain data and collects every problem with its path', () => {
    const issues: JsonIssue[] = [];
    expect(copyJsonObject({ a: [1, { b: 'x' }], c: null, d: undefined }, issues)).toEqual({
      a: [1, { b: 'x' }],
      c: null,
    });
    expect(issues).toEqual([]);

    const bad = { a: Number.NaN, b: [new Date(0)], c: { d: Number.NEGATIVE_INFINITY } };
    expect(copyJsonObject(bad, issues)).toBeUndefined();
    expect(issues.map((i) => i.path)).toEqual([['a'], ['b', 0], ['c', 'd']]);
  });

  it('refuses a top-level value that is not a plain object', () => {
    for (const value of [[], null, 'x', new Date(0), new (class Params {})()]) {
      const issues: JsonIssue[] = [];
      expect(copyJsonObject(value, issues)).toBeUndefined();
      expect(issues[0]).toMatchObject({ path: [], message: 'must be a plain JSON object' });
    }
  });

  it('refuses array holes', () => {
    const issues: JsonIssue[] = [];
    // biome-ignore lint/suspicious/noSparseArray: the hole is the point
    copyJsonObject({ a: [1, , 3] }, issues);
    expect(issues[0]).toMatchObject({ path: ['a', 1] });
  });
});

describe('jsonObjectSchema', () => {
  it('reports issues at their path inside the enclosing object', () => {
    const schema = z.object({ params: jsonObjectSchema() });
    const result = schema.safeParse({ params: { x: { y: [Number.NaN] } } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['params', 'x', 'y', 0]);
  });
});

describe('isPlainObject', () => {
  it('accepts object literals and null-prototype objects only', () => {
    expect(isPlainObject({})).toBe(true);
    expect(isPlainObject(Object.create(null))).toBe(true);
    expect(isPlainObject([])).toBe(false);
    expect(isPlainObject(new Map())).toBe(false);
    expect(isPlainObject(null)).toBe(false);
  });
});
