import { describe, expect, it } from 'vitest';
import { uuidv7Generator } from './ids.js';
import { createRandom } from './stats/random.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('uuidv7Generator', () => {
  it('makes RFC 9562 version 7 ids carrying the clock in milliseconds', () => {
    const at = new Date('2026-11-24T10:11:12.345Z');
    const id = uuidv7Generator(() => at, createRandom(1).uniform)();
    expect(id).toMatch(UUID_V7);
    expect(Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at.getTime());
  });

  it('sorts in creation order within one millisecond and when the clock steps back', () => {
    const times = [5, 5, 5, 4, 4, 6, 6, 3].map((s) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)));
    let i = 0;
    const next = uuidv7Generator(() => times[i++] as Date, createRandom(2).uniform);
    const ids = times.map(() => next());
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('stays ordered past 4096 ids in one millisecond', () => {
    const at = new Date('2026-01-01T00:00:00Z');
    const next = uuidv7Generator(() => at, createRandom(3).uniform);
    const ids = Array.from({ length: 10_000 }, () => next());
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('is reproducible with the same clock and seed', () => {
    const at = () => new Date('2026-01-01T00:00:00Z');
    const a = uuidv7Generator(at, createRandom('seed').uniform);
    const b = uuidv7Generator(at, createRandom('seed').uniform);
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
  });
});
