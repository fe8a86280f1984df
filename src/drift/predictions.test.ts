import { describe, expect, it } from 'vitest';
import { expectValidation } from '../../test/support/validation.js';
import {
  encodeErrorBaseline,
  errorBaselineOf,
  errorSampleOf,
  summarizePredictions,
} from './predictions.js';

describe('summarizePredictions', () => {
  it('computes mae, rmse and hit rate by sign, and the error streams', () => {
    const s = summarizePredictions(
      { predicted: [0.02, -0.01, 0.03, 0], actual: [0.01, 0.02, 0.03, 0] },
      'p',
    );
    expect(Array.from(s.absolute)).toEqual([0.01, 0.03, 0, 0]);
    expect(Array.from(s.miss)).toEqual([0, 1, 0, 0]);
    expect(s.metrics.mae).toBeCloseTo(0.01, 15);
    expect(s.metrics.rmse).toBeCloseTo(Math.sqrt((0.0001 + 0.0009) / 4), 15);
    expect(s.metrics.hit_rate).toBe(0.75);
  });

  it('rounds binary predictions at 0.5', () => {
    const s = summarizePredictions(
      { predicted: [0.5, 0.49, 0.9], actual: [1, 1, 0], binary: true },
      'p',
    );
    expect(Array.from(s.miss)).toEqual([0, 1, 1]);
  });

  it('names the bad value', () => {
    expectValidation(() => summarizePredictions({ predicted: [], actual: [] }, 'p'), 'p.predicted');
    expectValidation(
      () => summarizePredictions({ predicted: [1], actual: [1, 2] }, 'p'),
      'p.actual',
    );
    expectValidation(
      () => summarizePredictions({ predicted: [1, Number.NaN], actual: [1, 2] }, 'p'),
      'p.predicted[1]',
    );
    expectValidation(
      () => summarizePredictions({ predicted: [1], actual: [0.5], binary: true }, 'p'),
      'p.actual[0]',
    );
  });
});

describe('error baseline', () => {
  it('keeps every error in order when there are few', () => {
    const s = summarizePredictions({ predicted: [1, 2, 3], actual: [1.5, 1, 3] }, 'p');
    const stored = JSON.parse(JSON.stringify(encodeErrorBaseline(s, 10, Math.random)));
    expect(errorBaselineOf(stored)).toEqual({
      count: 3,
      meanAbsoluteError: 0.5,
      missRate: 0,
      sampled: 3,
    });
    const sample = errorSampleOf(stored);
    expect(Array.from(sample.absolute)).toEqual([0.5, 1, 0]);
    expect(Array.from(sample.miss)).toEqual([0, 0, 0]);
  });

  it('samples uniformly and keeps the original order', () => {
    const n = 100_000;
    // The absolute error of row i is i / n: the sample's order and spread show in its values.
    const predicted = Array.from({ length: n }, (_, i) => i + 1);
    const actual = predicted.map((p, i) => p + i / n);
    const s = summarizePredictions({ predicted, actual }, 'p');
    let seed = 1;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const stored = encodeErrorBaseline(s, 1000, random);
    expect(errorBaselineOf(stored)).toMatchObject({ count: n, sampled: 1000, missRate: 0 });
    const sample = Array.from(errorSampleOf(stored).absolute);
    expect(sample).toHaveLength(1000);
    for (let j = 1; j < sample.length; j++) {
      expect(sample[j] as number).toBeGreaterThan(sample[j - 1] as number);
    }
    const deciles = new Array<number>(10).fill(0);
    for (const x of sample) deciles[Math.floor(x * 10)] = (deciles[Math.floor(x * 10)] ?? 0) + 1;
    // Each tenth of the rows holds 100 ± 30 of the 1000 sampled (about 3 sd).
    for (const c of deciles) expect(Math.abs(c - 100)).toBeLessThan(30);
  });
});
