import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import { addCustomMetrics, checkActual, derivedValues } from './outcomes.js';

describe('derivedValues', () => {
  it('derives error, absolute and squared error, and the directional hit of a continuous outcome', () => {
    expect(derivedValues(0.02, -0.01, false)).toEqual({
      actual: -0.01,
      error: -0.01 - 0.02,
      absolute_error: 0.01 + 0.02,
      squared_error: (-0.01 - 0.02) ** 2,
      hit: 0,
    });
    expect(derivedValues(-1, -3, false).hit).toBe(1);
    expect(derivedValues(0, 0, false).hit).toBe(1);
    expect(derivedValues(0, 1, false).hit).toBe(0);
  });

  it('rounds a binary prediction at 0.5 for the hit', () => {
    expect(derivedValues(0.5, 1, true)).toMatchObject({ hit: 1, error: 0.5 });
    expect(derivedValues(0.49, 1, true).hit).toBe(0);
    expect(derivedValues(0.2, 0, true)).toMatchObject({
      hit: 1,
      squared_error: 0.04000000000000001,
    });
  });
});

describe('checkActual', () => {
  it('takes 0, 1 and booleans for a binary outcome and finite numbers otherwise', () => {
    expect([true, false, 1, 0].map((v) => checkActual(v, true))).toEqual([1, 0, 1, 0]);
    expect(checkActual(-2.5, false)).toBe(-2.5);
    for (const bad of [0.5, 2, '1', null])
      expect(() => checkActual(bad, true)).toThrow(ValidationError);
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, true, '1']) {
      expect(() => checkActual(bad, false)).toThrow(ValidationError);
    }
  });
});

describe('addCustomMetrics', () => {
  it('adds finite numbers and booleans as 0/1', () => {
    const values: Record<string, number> = { actual: 1 };
    addCustomMetrics(values, { pnl: -3.5, win: true, 'fees.usd': 0.1 });
    expect(values).toEqual({ actual: 1, pnl: -3.5, win: 1, 'fees.usd': 0.1 });
  });

  it('refuses derived names, bad names and bad values, naming the field', () => {
    const field = (metrics: unknown) => {
      try {
        addCustomMetrics({}, metrics);
      } catch (error) {
        expect(error).toBeInstanceOf(ValidationError);
        return (error as ValidationError).field;
      }
      return undefined;
    };
    expect(field({ hit: 1 })).toBe('options.metrics.hit');
    expect(field({ '1bad': 1 })).toBe('options.metrics');
    expect(field({ pnl: Number.NaN })).toBe('options.metrics.pnl');
    expect(field({ pnl: '3' })).toBe('options.metrics.pnl');
    expect(field([1])).toBe('options.metrics');
    expect(field(undefined)).toBeUndefined();
  });
});
