import { describe, expect, it } from 'vitest';
import { createRandom } from '../stats/random.js';
import { checkConcept } from './concept.js';
import type { ErrorStreams } from './predictions.js';

/** Absolute errors |N(0, sd)| (and misses at `missRate`) from a seeded source. */
function errors(n: number, sd: number, missRate: number, seed: number): ErrorStreams {
  const random = createRandom(seed);
  const absolute = new Float64Array(n);
  const miss = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    absolute[i] = Math.abs(random.normal(0, sd));
    miss[i] = random.uniform() < missRate ? 1 : 0;
  }
  return { absolute, miss };
}

const concat = (a: ErrorStreams, b: ErrorStreams): ErrorStreams => ({
  absolute: Float64Array.from([...a.absolute, ...b.absolute]),
  miss: Uint8Array.from([...a.miss, ...b.miss]),
});

describe('checkConcept', () => {
  it('finds no drift in errors like the reference ones', () => {
    const r = checkConcept(errors(5000, 1, 0.3, 1), errors(2000, 1, 0.3, 2));
    expect(r).toMatchObject({ detector: 'adwin', stream: 'absolute_error', drift: false });
    expect(r.referenceCount).toBe(5000);
    expect(r.referenceMean).toBeCloseTo(Math.sqrt(2 / Math.PI), 1);
  });

  it('finds a jump in the errors within 100 values and lists where', () => {
    const current = concat(errors(500, 1, 0.3, 3), errors(500, 3, 0.3, 4));
    const r = checkConcept(errors(5000, 1, 0.3, 5), current);
    expect(r.drift).toBe(true);
    expect(r.detections[0]).toBeGreaterThanOrEqual(500);
    expect(r.detections[0]).toBeLessThan(600);
    expect(r.detectionCount).toBe(r.detections.length);
  });

  it("does not depend on the errors' scale", () => {
    const scaled = (s: ErrorStreams, k: number): ErrorStreams => ({
      absolute: s.absolute.map((x) => x * k),
      miss: s.miss,
    });
    const reference = errors(5000, 1, 0.3, 12);
    const current = concat(errors(500, 1, 0.3, 13), errors(500, 2, 0.3, 14));
    const unit = checkConcept(reference, current);
    const tiny = checkConcept(scaled(reference, 0.004), scaled(current, 0.004));
    expect(unit.drift).toBe(true);
    expect(tiny.detections).toEqual(unit.detections);
    expect(tiny.scale).toBeCloseTo(unit.scale * 0.004, 12);
  });

  it('notices a level shift against the reference even without a change inside the current errors', () => {
    const without = checkConcept(undefined, errors(1000, 3, 0.3, 6));
    expect(without.drift).toBe(false);
    expect(without.referenceMean).toBeNull();
    const against = checkConcept(errors(5000, 1, 0.3, 7), errors(1000, 3, 0.3, 6));
    expect(against.drift).toBe(true);
  });

  it('watches wrong calls with DDM, with a warning before the drift', () => {
    const current = concat(errors(300, 1, 0.1, 8), errors(700, 1, 0.5, 9));
    const r = checkConcept(errors(3000, 1, 0.1, 10), current, { detector: 'ddm' });
    expect(r).toMatchObject({ detector: 'ddm', stream: 'miss', drift: true });
    expect(r.referenceMean).toBeCloseTo(0.1, 1);
    expect(r.detections[0]).toBeGreaterThanOrEqual(300);
  });

  it('passes options to the detector and lists at most 100 detections', () => {
    const current = errors(2000, 1, 0.3, 11);
    const r = checkConcept(undefined, current, {
      detector: 'page-hinkley',
      options: { threshold: 0.01, minInstances: 1 },
    });
    expect(r.detectionCount).toBeGreaterThan(100);
    expect(r.detections).toHaveLength(100);
  });

  it('null study: 500 seeded checks of stationary errors give 0 false alarms (bound 6.2%)', () => {
    // Each check: 5,000 reference errors then 1,000 current ones from the same distribution.
    // ADWIN looks for a cut every 32 values (31 times over the current part), each look at
    // most δ = 0.002 likely to fire by chance: a bound of 6.2%. Measured: 0 of 500.
    let alarms = 0;
    for (let s = 0; s < 500; s++) {
      const r = checkConcept(errors(5000, 1, 0.3, 1000 + s), errors(1000, 1, 0.3, 5000 + s));
      if (r.drift) alarms++;
    }
    expect(alarms / 500).toBeLessThanOrEqual(31 * 0.002);
    expect(alarms).toBe(0);
  });
});
