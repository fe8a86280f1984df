import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import {
  checkMetricName,
  checkMetricOptions,
  checkMetricValue,
  logEntry,
  MAX_STEP,
  StepCounter,
} from './entries.js';

const at = new Date('2026-03-01T00:00:00Z');

describe('metric arguments', () => {
  it.each([
    ['', 'must be a non-empty string'],
    ['a\u0000b', 'must not contain a NUL character'],
    ['x'.repeat(201), 'must be at most 200 characters'],
    [42, 'must be a non-empty string'],
  ])('refuses the name %j', (name, rule) => {
    expect(() => checkMetricName(name)).toThrow(rule);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, '1', null])('refuses the value %s', (value) => {
    expect(() => checkMetricValue(value, 'value')).toThrow(ValidationError);
  });

  it('checks step and at, and copies at', () => {
    expect(checkMetricOptions(undefined)).toEqual({});
    const options = checkMetricOptions({ step: MAX_STEP, at });
    expect(options).toEqual({ step: MAX_STEP, at });
    expect(options.at).not.toBe(at);
    for (const step of [-1, 1.5, MAX_STEP + 1, '3']) {
      expect(() => checkMetricOptions({ step })).toThrow(/options\.step/);
    }
    expect(() => checkMetricOptions({ at: new Date(Number.NaN) })).toThrow(/options\.at/);
    expect(() => checkMetricOptions({ stp: 1 })).toThrow(/options\.stp: is not a known option/);
    expect(() => checkMetricOptions(5)).toThrow(/options: must be an object/);
  });
});

describe('StepCounter', () => {
  it('counts each series on its own and continues after an explicit step', () => {
    const steps = new StepCounter();
    expect([steps.next('a', 'pnl'), steps.next('a', 'pnl'), steps.next('a', 'dd')]).toEqual([
      0, 1, 0,
    ]);
    expect(steps.next('b', 'pnl')).toBe(0);
    expect(steps.next('a', 'pnl', 10)).toBe(10);
    expect(steps.next('a', 'pnl')).toBe(11);
    expect(steps.next('a', 'pnl', 3)).toBe(3);
    expect(steps.next('a', 'pnl')).toBe(4);
  });

  it('keeps experiment and series apart even when names contain separators', () => {
    const steps = new StepCounter();
    steps.next('a b', 'c');
    expect(steps.next('a', 'b c')).toBe(0);
  });
});

describe('logEntry', () => {
  it('builds a log line with a copied context', () => {
    const context = { fill: { qty: 2, px: 101.5 } };
    const line = logEntry('log-1', 'exp-1', 'warn', 'slippage', context, at);
    expect(line).toEqual({
      id: 'log-1',
      experimentId: 'exp-1',
      level: 'warn',
      message: 'slippage',
      context,
      at,
    });
    expect(line.context).not.toBe(context);
  });

  it('names the bad part', () => {
    expect(() => logEntry('l', 'e', 'fatal', 'm', undefined, at)).toThrow(/^level: /);
    expect(() => logEntry('l', 'e', 'info', 7, undefined, at)).toThrow(
      /^message: must be a string/,
    );
    expect(() => logEntry('l', 'e', 'info', 'a\u0000', undefined, at)).toThrow(/^message: /);
    expect(() => logEntry('l', 'e', 'info', 'm', { x: { y: Number.NaN } }, at)).toThrow(
      /^context\.x\.y: must be a finite number/,
    );
    expect(() => logEntry('l', 'e', 'info', 'm', [1], at)).toThrow(/^context: /);
  });
});
