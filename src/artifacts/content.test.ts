import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import { encodeContent, sha256Hex } from './content.js';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('encodeContent', () => {
  it('keeps bytes, encodes text as UTF-8 and data as canonical JSON', () => {
    const bytes = new Uint8Array([0, 255, 7]);
    expect(encodeContent(bytes).bytes).toBe(bytes);
    expect([...encodeContent(bytes.buffer).bytes]).toEqual([0, 255, 7]);
    expect(text(encodeContent('é🚀').bytes)).toBe('é🚀');
    expect(text(encodeContent({ b: 1, a: [true, { d: null, c: 'x' }] }).bytes)).toBe(
      '{"a":[true,{"c":"x","d":null}],"b":1}',
    );
    expect(encodeContent([1, 2]).contentType).toBe('application/json');
  });

  it('gives equal data the same bytes whatever the key order', () => {
    expect(encodeContent({ x: 1, y: 2 }).bytes).toEqual(encodeContent({ y: 2, x: 1 }).bytes);
  });

  it('refuses what it cannot store exactly', () => {
    expect(() => encodeContent(42)).toThrow(ValidationError);
    expect(() => encodeContent(new Map())).toThrow(ValidationError);
    expect(() => encodeContent({ a: Number.NaN })).toThrow(/content\.a: must be a finite number/);
  });
});

describe('sha256Hex', () => {
  it('matches node:crypto', () => {
    const bytes = new TextEncoder().encode('quantlab');
    expect(sha256Hex(bytes)).toBe(createHash('sha256').update('quantlab').digest('hex'));
  });
});
