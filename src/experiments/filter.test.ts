import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import { encodeCursor, MAX_PAGE_SIZE, parseFilter } from './filter.js';

const field = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return error.field;
    throw error;
  }
  throw new Error('did not throw');
};

describe('parseFilter', () => {
  it('defaults to the newest 100', () => {
    expect(parseFilter()).toEqual({
      query: { order: 'newest', limit: 100 },
      limit: 100,
      order: 'newest',
    });
  });

  it('takes one status or several, without repeats', () => {
    expect(parseFilter({ status: 'running' }).query.status).toEqual(['running']);
    expect(parseFilter({ status: ['failed', 'queued', 'failed'] }).query.status).toEqual([
      'failed',
      'queued',
    ]);
  });

  it('turns ISO strings and Dates into Date bounds', () => {
    const { query } = parseFilter({
      createdFrom: '2026-01-01',
      createdTo: new Date('2026-02-01T00:00:00Z'),
    });
    expect(query.createdFrom?.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(query.createdTo?.toISOString()).toBe('2026-02-01T00:00:00.000Z');
  });

  it('names the offending field under filter', () => {
    expect(field(() => parseFilter({ limit: 0 }))).toBe('filter.limit');
    expect(field(() => parseFilter({ limit: MAX_PAGE_SIZE + 1 }))).toBe('filter.limit');
    expect(field(() => parseFilter({ status: 'pending' }))).toBe('filter.status');
    expect(field(() => parseFilter({ status: [] }))).toBe('filter.status');
    expect(field(() => parseFilter({ strategy: '' }))).toBe('filter.strategy');
    expect(field(() => parseFilter({ createdFrom: '2026-01-01T00:00:00' }))).toBe(
      'filter.createdFrom',
    );
    expect(field(() => parseFilter({ colour: 'red' }))).toBe('filter.colour');
  });

  it('decodes its own cursors and refuses others', () => {
    const last = { createdAt: new Date('2026-03-01T12:00:00.123Z'), id: 'exp-9' };
    expect(parseFilter({ cursor: encodeCursor(last, 'newest') }).query.after).toEqual(last);
    expect(
      parseFilter({ order: 'oldest', cursor: encodeCursor(last, 'oldest') }).query.after,
    ).toEqual(last);
    expect(() => parseFilter({ order: 'oldest', cursor: encodeCursor(last, 'newest') })).toThrow(
      /made for order "newest"/,
    );
    expect(field(() => parseFilter({ cursor: 'not a cursor' }))).toBe('filter.cursor');
    expect(field(() => parseFilter({ cursor: Buffer.from('[1]').toString('base64url') }))).toBe(
      'filter.cursor',
    );
    expect(field(() => parseFilter({ order: 'queue', cursor: encodeCursor(last, 'newest') }))).toBe(
      'filter.cursor',
    );
  });
});
