import { describe, expect, it } from 'vitest';
import fixture from '../../test/fixtures/stats/welch.json' with { type: 'json' };
import { ValidationError } from '../errors.js';
import { mergeSummaries, summarize } from './summary.js';

describe('summarize', () => {
  it('gives n, mean and the n-1 variance', () => {
    const s = summarize([1, 2, 3, 4]);
    expect(s.n).toBe(4);
    expect(s.mean).toBe(2.5);
    expect(s.variance).toBeCloseTo(5 / 3, 15);
  });

  it('stays accurate for large offsets where sum-of-squares formulas fail', () => {
    const s = summarize([1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16]);
    expect(s.mean).toBe(1e9 + 10);
    expect(s.variance).toBe(30);
  });

  it('keeps the mean within the summation error bound of the exact mean, offsets of 1e6 included', () => {
    // Recursive summation of deviations from x0 errs by at most about n ε mean|x - x0|, plus the
    // final rounding: a large common offset (1e6 here) costs nothing, unlike a plain sum.
    const ulp = (x: number) => 2 ** (Math.floor(Math.log2(Math.abs(x))) - 52);
    for (const sample of fixture.samples) {
      for (const [values, exact] of [
        [sample.control, sample.exactMean[0] as number],
        [sample.treatment, sample.exactMean[1] as number],
      ] as const) {
        const x0 = values[0] as number;
        const spread = values.reduce((s, x) => s + Math.abs(x - x0), 0) / values.length;
        const bound = values.length * Number.EPSILON * spread + ulp(exact);
        expect(Math.abs(summarize(values).mean - exact)).toBeLessThanOrEqual(bound);
      }
    }
  });

  it('reports variance 0 for one value and accepts typed arrays', () => {
    expect(summarize(new Float64Array([3]))).toEqual({ n: 1, mean: 3, variance: 0 });
  });

  it.each([[[]], [[1, Number.NaN]], [[Number.POSITIVE_INFINITY]]])(
    'refuses %j with ValidationError',
    (values) => {
      expect(() => summarize(values)).toThrow(ValidationError);
    },
  );
});

describe('mergeSummaries', () => {
  it('equals the summary of the union', () => {
    const xs = [0.3, -1.2, 4.5, 2.2, 9.1, -3.3, 0.01];
    const merged = mergeSummaries(summarize(xs.slice(0, 3)), summarize(xs.slice(3)));
    const whole = summarize(xs);
    expect(merged.n).toBe(whole.n);
    expect(merged.mean).toBeCloseTo(whole.mean, 14);
    expect(merged.variance).toBeCloseTo(whole.variance, 13);
  });

  it('treats an empty summary as neutral and refuses a negative variance', () => {
    const s = summarize([1, 2]);
    expect(mergeSummaries({ n: 0, mean: 0, variance: 0 }, s)).toBe(s);
    expect(() => mergeSummaries(s, { n: 2, mean: 1, variance: -1 })).toThrow(ValidationError);
  });
});
