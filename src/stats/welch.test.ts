import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import fixture from '../../test/fixtures/stats/welch.json' with { type: 'json' };
import { expectClose } from '../../test/support/numeric.js';
import { ValidationError } from '../errors.js';
import { power, requiredSampleSize } from './power.js';
import { summarize } from './summary.js';
import { type Alternative, cohensD, welchTTest, welchTTestFromSummary } from './welch.js';

/** scipy's t-test on the same inputs: agree to 1e-9 relative... */
const RELATIVE = 1e-9;

/**
 * ...except where the difference of the two means is ill-conditioned: any double-precision mean
 * carries up to half an ulp of the mean, so `diff` (and t, the interval, d, the p-value) can differ
 * by about 2 ulp(mean) / |diff| whatever the method (scipy's pairwise-summed means are themselves
 * 1 ulp from the exact ones on the 1e6-offset cases). The tolerance widens by 4 times that.
 */
function toleranceFor(meanC: number, meanT: number, diff: number): number {
  const ulp = (x: number) => 2 ** (Math.floor(Math.log2(Math.abs(x) || 1)) - 52);
  return Math.max(
    RELATIVE,
    (4 * 2 * ulp(Math.max(Math.abs(meanC), Math.abs(meanT)))) / Math.abs(diff),
  );
}

const close = (actual: number, expected: number, tolerance = RELATIVE) =>
  expectClose(actual, expected, tolerance);

describe('welchTTest against scipy ttest_ind(equal_var=False)', () => {
  it.each(fixture.welch.map((c, i) => [i, c] as const))('case %i', (_, c) => {
    const sample = fixture.samples[c.sample] as {
      control: number[];
      treatment: number[];
      exactMean: number[];
    };
    const r = welchTTest(sample.control, sample.treatment, {
      alternative: c.alternative as Alternative,
      confidence: c.confidence,
    });
    const tolerance = toleranceFor(
      sample.exactMean[0] as number,
      sample.exactMean[1] as number,
      c.diff,
    );
    close(r.t, c.t, tolerance);
    close(r.df, c.df);
    close(r.pValue, c.pValue, tolerance);
    close(r.diff, c.diff, tolerance);
    close(r.ci[0], Number(c.ci[0]), tolerance);
    close(r.ci[1], Number(c.ci[1]), tolerance);
    close(r.cohensD, c.cohensD, tolerance);
  });

  it('gives the same answer from summaries as from the samples', () => {
    const sample = fixture.samples[3] as { control: number[]; treatment: number[] };
    const fromSamples = welchTTest(sample.control, sample.treatment);
    const fromSummaries = welchTTestFromSummary(
      summarize(sample.control),
      summarize(sample.treatment),
    );
    close(fromSummaries.pValue, fromSamples.pValue, 1e-12);
    close(fromSummaries.t, fromSamples.t, 1e-12);
  });

  it('is antisymmetric in its arguments and invariant to order', () => {
    const sample = fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), {
      minLength: 2,
      maxLength: 40,
    });
    fc.assert(
      fc.property(sample, sample, (a, b) => {
        fc.pre(summarize(a).variance + summarize(b).variance > 1e-9);
        const ab = welchTTest(a, b);
        const ba = welchTTest(b, a);
        expect(ba.t).toBeCloseTo(-ab.t, 9);
        expect(ba.pValue).toBeCloseTo(ab.pValue, 12);
        const shuffled = welchTTest([...a].reverse(), [...b].reverse());
        expect(shuffled.pValue).toBeCloseTo(ab.pValue, 12);
        expect(ab.pValue).toBeGreaterThanOrEqual(0);
        expect(ab.pValue).toBeLessThanOrEqual(1);
      }),
    );
  });

  it.each([
    ['an empty control', [], [1, 2], 'control'],
    ['a one-value treatment', [1, 2], [3], 'treatment.n'],
    ['NaN in the data', [1, Number.NaN], [1, 2], 'control[1]'],
    ['Infinity in the data', [1, 2], [1, Number.POSITIVE_INFINITY], 'treatment[1]'],
    ['two constant samples', [1, 1], [2, 2], 'control, treatment'],
  ])('refuses %s with a ValidationError naming it', (_, control, treatment, field) => {
    expect(() => welchTTest(control, treatment)).toThrow(expect.objectContaining({ field }));
  });

  it('refuses bad options and bad summaries', () => {
    expect(() => welchTTest([1, 2], [3, 5], { confidence: 1 })).toThrow(ValidationError);
    expect(() => welchTTest([1, 2], [3, 5], { alternative: 'bigger' as never })).toThrow(
      /options.alternative/,
    );
    expect(() =>
      welchTTestFromSummary({ n: 5, mean: 1, variance: -1 }, { n: 5, mean: 1, variance: 1 }),
    ).toThrow(/control.variance/);
    expect(() =>
      welchTTestFromSummary({ n: 2.5, mean: 1, variance: 1 }, { n: 5, mean: 1, variance: 1 }),
    ).toThrow(/control.n/);
  });
});

describe('cohensD', () => {
  it('uses the pooled standard deviation', () => {
    close(cohensD([1, 2, 3, 4], [2, 3, 4, 5]), 1 / Math.sqrt(5 / 3));
  });

  it('refuses samples without spread', () => {
    expect(() => cohensD([1, 1], [1, 1])).toThrow(ValidationError);
  });
});

describe('requiredSampleSize and power against scipy.stats.norm', () => {
  it.each(fixture.requiredSampleSize.map((c) => [c.effectSize, c.alpha, c.power, c.n] as const))(
    'd=%d alpha=%d power=%d needs %d per arm',
    (effectSize, alpha, target, n) => {
      expect(requiredSampleSize({ effectSize, alpha, power: target })).toBe(n);
      expect(requiredSampleSize({ effectSize: -effectSize, alpha, power: target })).toBe(n);
    },
  );

  it.each(fixture.power.map((c, i) => [i, c] as const))('power case %i', (_, c) => {
    close(power(c), c.power);
  });

  it('reaches the target power at the required sample size, and not one below', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.05, max: 2, noNaN: true }),
        fc.constantFrom(0.8, 0.9),
        (d, target) => {
          const n = requiredSampleSize({ effectSize: d, power: target });
          expect(power({ effectSize: d, nControl: n, nTreatment: n })).toBeGreaterThanOrEqual(
            target - 1e-3,
          );
          if (n > 2)
            expect(power({ effectSize: d, nControl: n - 2, nTreatment: n - 2 })).toBeLessThan(
              target + 1e-3,
            );
        },
      ),
    );
  });

  it('refuses an effect of 0, a power of 1 and fractional sizes', () => {
    expect(() => requiredSampleSize({ effectSize: 0 })).toThrow(/effectSize/);
    expect(() => requiredSampleSize({ effectSize: 0.2, power: 1 })).toThrow(/power/);
    expect(() => power({ effectSize: 0.2, nControl: 10.5, nTreatment: 10 })).toThrow(/nControl/);
    expect(() => power({ effectSize: Number.NaN, nControl: 10, nTreatment: 10 })).toThrow(
      /effectSize/,
    );
  });
});
