import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { listOf, oneOf, parseInstant, parseLimit, parseText, textList } from './values.js';

describe('option values', () => {
  it('parseLimit takes whole numbers from 1 to 1000', () => {
    expect(parseLimit('1')).toBe(1);
    expect(parseLimit('1000')).toBe(1000);
    for (const bad of ['0', '1001', '-1', '2.5', '1e3', 'ten', '']) {
      expect(() => parseLimit(bad)).toThrow(InvalidArgumentError);
    }
  });

  it('parseInstant takes a date (UTC midnight) or a date-time with a zone', () => {
    expect(parseInstant('2026-03-01').toISOString()).toBe('2026-03-01T00:00:00.000Z');
    expect(parseInstant('2026-03-01T12:30:00Z').toISOString()).toBe('2026-03-01T12:30:00.000Z');
    expect(parseInstant('2026-03-01T14:30+02:00').toISOString()).toBe('2026-03-01T12:30:00.000Z');
    expect(parseInstant('2026-03-01 12:30:00.250Z').toISOString()).toBe('2026-03-01T12:30:00.250Z');
    for (const bad of ['2026-03-01T12:30:00', '2026-13-01', 'yesterday', '1700000000']) {
      expect(() => parseInstant(bad)).toThrow(InvalidArgumentError);
    }
  });

  it('listOf collects comma-separated and repeated values, once each, and refuses others', () => {
    const parse = listOf(['created', 'running', 'completed'] as const);
    expect(parse('completed, created', parse('created', undefined))).toEqual([
      'created',
      'completed',
    ]);
    expect(() => parse('done', undefined)).toThrow(
      '"done" is not one of created, running, completed',
    );
    expect(() => parse(',', undefined)).toThrow(InvalidArgumentError);
  });

  it('oneOf, textList and parseText', () => {
    expect(oneOf(['a', 'b'])('b')).toBe('b');
    expect(() => oneOf(['a', 'b'])('c')).toThrow('must be one of a, b');
    expect(textList('b, a', ['a'])).toEqual(['a', 'b']);
    expect(() => textList(' , ', undefined)).toThrow(InvalidArgumentError);
    expect(parseText('direction')).toBe('direction');
    expect(() => parseText('  ')).toThrow('must not be empty');
  });
});
