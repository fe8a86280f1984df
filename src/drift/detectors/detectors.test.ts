import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validationField } from '../../../test/support/numeric.js';
import { ValidationError } from '../../errors.js';
import { createRandom } from '../../stats/random.js';
import { createAdwin } from './adwin.js';
import {
  createDetector,
  DETECTOR_KINDS,
  type DetectorKind,
  type DetectorState,
  type DriftDetector,
  type DriftSignal,
  restoreDetector,
} from './index.js';

/** A stream with changes, so the round trips cross drifts and resets: 0/1 values for DDM. */
function makeStream(kind: DetectorKind, seed: number, length: number): number[] {
  const random = createRandom(seed);
  const out: number[] = [];
  for (let i = 0; i < length; i++) {
    const regime = Math.floor(i / 400) % 2;
    if (kind === 'ddm') out.push(random.uniform() < (regime === 0 ? 0.1 : 0.6) ? 1 : 0);
    else out.push(random.normal(regime === 0 ? 0 : 2, 1) * (kind === 'page-hinkley' ? 10 : 1));
  }
  return out;
}

function feed(detector: DriftDetector, values: readonly number[]): DriftSignal[] {
  return values.map((x) => detector.update(x));
}

const signalsOf = (signals: readonly DriftSignal[]) =>
  signals.map((s) => (s.drift ? 'D' : s.warning ? 'w' : '.')).join('');

describe('createDetector', () => {
  it("uses River's defaults", () => {
    expect(createDetector('adwin').state().options).toEqual({
      delta: 0.002,
      clock: 32,
      maxBuckets: 5,
      minWindowLength: 5,
      gracePeriod: 10,
    });
    expect(createDetector('page-hinkley').state().options).toEqual({
      minInstances: 30,
      delta: 0.005,
      threshold: 50,
      alpha: 0.9999,
      mode: 'both',
    });
    expect(createDetector('ddm').state().options).toEqual({
      warmStart: 30,
      warningThreshold: 2,
      driftThreshold: 3,
    });
    expect(createDetector('kswin').state().options).toEqual({
      alpha: 0.005,
      windowSize: 100,
      statSize: 30,
      seed: 0,
    });
  });

  it('fills options that are missing or undefined with the defaults', () => {
    const adwin = createDetector('adwin', { delta: 0.01, clock: undefined } as never);
    expect(adwin.options).toMatchObject({ delta: 0.01, clock: 32 });
  });

  it.each([
    ['adwin', { delta: 0 }, 'options.delta'],
    ['adwin', { delta: 1 }, 'options.delta'],
    ['adwin', { delta: Number.NaN }, 'options.delta'],
    ['adwin', { clock: 0 }, 'options.clock'],
    ['adwin', { clock: 1.5 }, 'options.clock'],
    ['adwin', { maxBuckets: 0 }, 'options.maxBuckets'],
    ['adwin', { minWindowLength: 0 }, 'options.minWindowLength'],
    ['adwin', { gracePeriod: -1 }, 'options.gracePeriod'],
    ['adwin', { grace_period: 10 }, 'options.grace_period'],
    ['page-hinkley', { minInstances: 0 }, 'options.minInstances'],
    ['page-hinkley', { delta: -0.1 }, 'options.delta'],
    ['page-hinkley', { threshold: 0 }, 'options.threshold'],
    ['page-hinkley', { threshold: Number.POSITIVE_INFINITY }, 'options.threshold'],
    ['page-hinkley', { alpha: 0 }, 'options.alpha'],
    ['page-hinkley', { alpha: 1.01 }, 'options.alpha'],
    ['page-hinkley', { mode: 'sideways' }, 'options.mode'],
    ['ddm', { warmStart: -1 }, 'options.warmStart'],
    ['ddm', { warningThreshold: 0 }, 'options.warningThreshold'],
    ['ddm', { driftThreshold: Number.NaN }, 'options.driftThreshold'],
    ['kswin', { alpha: 0 }, 'options.alpha'],
    ['kswin', { alpha: 1.1 }, 'options.alpha'],
    ['kswin', { statSize: 0 }, 'options.statSize'],
    ['kswin', { windowSize: 10, statSize: 30 }, 'options.windowSize'],
    ['kswin', { windowSize: 59, statSize: 30 }, 'options.windowSize'],
    ['kswin', { seed: 1.5 }, 'options.seed'],
    ['kswin', { window: [1, Number.NaN] }, 'options.window[1]'],
  ] as [DetectorKind, object, string][])('%s rejects %j naming %s', (kind, options, field) => {
    expect(validationField(() => createDetector(kind, options as never))).toBe(field);
  });

  it('rejects an unknown kind and a non-object options', () => {
    expect(validationField(() => createDetector('cusum' as DetectorKind))).toBe('kind');
    expect(validationField(() => createDetector('adwin', 5 as never))).toBe('options');
    expect(validationField(() => createDetector('ddm', null as never))).toBe('options');
  });

  it('accepts the limits of each range', () => {
    expect(() =>
      createDetector('adwin', { clock: 1, maxBuckets: 1, gracePeriod: 0 }),
    ).not.toThrow();
    expect(() => createDetector('page-hinkley', { alpha: 1, delta: 0 })).not.toThrow();
    expect(() => createDetector('ddm', { warmStart: 0 })).not.toThrow();
    expect(() =>
      createDetector('kswin', { windowSize: 60, statSize: 30, seed: 'x' }),
    ).not.toThrow();
  });
});

describe('update', () => {
  it('returns frozen shared signals: no allocation per call', () => {
    for (const kind of DETECTOR_KINDS) {
      const detector = createDetector(kind);
      const stream = makeStream(kind, 3, 1200);
      const seen = new Set<DriftSignal>();
      for (const x of stream) seen.add(detector.update(x));
      expect(seen.size).toBeLessThanOrEqual(3);
      for (const signal of seen) {
        expect(Object.isFrozen(signal)).toBe(true);
        expect(signal.drift && signal.warning).toBe(false);
      }
    }
  });

  it('rejects a non-finite value (DDM: anything but 0 or 1) and leaves the state unchanged', () => {
    const bad: Record<DetectorKind, unknown[]> = {
      adwin: [Number.NaN, Number.POSITIVE_INFINITY, '1', undefined],
      'page-hinkley': [Number.NaN, Number.NEGATIVE_INFINITY, null],
      kswin: [Number.NaN, Number.POSITIVE_INFINITY],
      ddm: [0.5, 2, -1, Number.NaN, true],
    };
    for (const kind of DETECTOR_KINDS) {
      const detector = createDetector(kind);
      feed(detector, makeStream(kind, 4, 150));
      const before = detector.state();
      for (const x of bad[kind]) {
        expect(() => detector.update(x as number)).toThrow(ValidationError);
        expect(validationField(() => detector.update(x as number))).toBe('x');
      }
      expect(detector.state()).toEqual(before);
    }
  });

  it('ADWIN keeps the window since the last change and grows its bucket rows as needed', () => {
    const adwin = createAdwin({ maxBuckets: 1 });
    const random = createRandom(9);
    for (let i = 0; i < 5000; i++) adwin.update(random.uniform());
    expect(adwin.width).toBe(5000);
    // 5000 values in rows of 1, 2, 4, ... buckets: 12 rows, more than the 8 preallocated.
    expect(adwin.state().rows.length).toBeGreaterThan(8);
    expect(adwin.estimation).toBeCloseTo(0.5, 1);
    let drifts = 0;
    for (let i = 0; i < 2000; i++) if (adwin.update(5 + random.uniform()).drift) drifts++;
    expect(drifts).toBe(1);
    expect(adwin.estimation).toBeGreaterThan(5);
    expect(adwin.width).toBeLessThan(2000);
  });
});

describe('state and restoreDetector', () => {
  it('a detector restored mid-stream gives the same signals as one never stopped', () => {
    for (const kind of DETECTOR_KINDS) {
      const stream = makeStream(kind, 11, 3000);
      const whole = signalsOf(feed(createDetector(kind), stream));
      expect(whole, kind).toContain('D');
      for (const cut of [1, 29, 31, 400, 1000, 1777]) {
        const first = createDetector(kind);
        const head = feed(first, stream.slice(0, cut));
        const saved = JSON.parse(JSON.stringify(first.state())) as DetectorState;
        const resumed = restoreDetector(saved);
        expect(resumed.state(), `${kind} at ${cut}`).toEqual(first.state());
        const tail = feed(resumed, stream.slice(cut));
        expect(signalsOf([...head, ...tail]), `${kind} cut at ${cut}`).toBe(whole);
      }
    }
  });

  it('resumes exactly right after a drift, before the pending reset', () => {
    for (const kind of DETECTOR_KINDS) {
      const stream = makeStream(kind, 12, 3000);
      const whole = signalsOf(feed(createDetector(kind), stream));
      const cut = whole.indexOf('D') + 1;
      const first = createDetector(kind);
      feed(first, stream.slice(0, cut));
      expect(first.state().driftDetected).toBe(true);
      const resumed = restoreDetector(JSON.parse(JSON.stringify(first.state())));
      expect(whole.slice(0, cut) + signalsOf(feed(resumed, stream.slice(cut)))).toBe(whole);
    }
  });

  it('round-trips at any point of any stream (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...DETECTOR_KINDS),
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.integer({ min: 0, max: 1200 }),
        (kind, seed, cut) => {
          const stream = makeStream(kind, seed, 1200);
          const reference = createDetector(kind);
          const expected = signalsOf(feed(reference, stream));
          const first = createDetector(kind);
          const head = feed(first, stream.slice(0, cut));
          const resumed = restoreDetector(JSON.parse(JSON.stringify(first.state())));
          expect(signalsOf([...head, ...feed(resumed, stream.slice(cut))])).toBe(expected);
          expect(resumed.state()).toEqual(reference.state());
        },
      ),
      { numRuns: 60 },
    );
  });

  it('is plain JSON: versioned, tagged with its kind, no Infinity', () => {
    for (const kind of DETECTOR_KINDS) {
      const fresh = createDetector(kind).state();
      expect(fresh).toMatchObject({ kind, version: 1 });
      expect(JSON.parse(JSON.stringify(fresh))).toEqual(fresh);
      const used = createDetector(kind);
      feed(used, makeStream(kind, 5, 500));
      expect(JSON.parse(JSON.stringify(used.state()))).toEqual(used.state());
    }
    expect(createDetector('ddm').state()).toMatchObject({ pMin: null, sMin: null, psMin: null });
    expect(createDetector('page-hinkley').state()).toMatchObject({
      minIncrease: null,
      maxDecrease: -1,
    });
  });

  it('keeps the options of a configured detector', () => {
    const kswin = createDetector('kswin', {
      alpha: 0.001,
      windowSize: 80,
      statSize: 20,
      seed: 'f7',
    });
    feed(kswin, makeStream('kswin', 6, 300));
    const resumed = restoreDetector(JSON.parse(JSON.stringify(kswin.state())));
    expect(resumed.state().options).toEqual({
      alpha: 0.001,
      windowSize: 80,
      statSize: 20,
      seed: 'f7',
    });
  });

  it('rejects a malformed state, naming the field', () => {
    const adwin = createDetector('adwin');
    feed(adwin, makeStream('adwin', 7, 300));
    const good = adwin.state();
    const cases: [unknown, string][] = [
      [null, 'state'],
      [{ ...good, kind: 'cusum' }, 'state.kind'],
      [{ ...good, version: 2 }, 'state.version'],
      [{ ...good, options: { ...good.options, delta: 2 } }, 'state.options.delta'],
      [{ ...good, options: { delta: 0.002 } }, 'state.options.clock'],
      [{ ...good, tick: -1 }, 'state.tick'],
      [{ ...good, total: Number.NaN }, 'state.total'],
      [{ ...good, driftDetected: 'no' }, 'state.driftDetected'],
      [{ ...good, rows: [] }, 'state.rows'],
      [{ ...good, width: good.width + 1 }, 'state.width'],
      [
        {
          ...good,
          rows: good.rows.map((row, r) =>
            r === 1 ? { total: [row.total[0], null], variance: row.variance } : row,
          ),
        },
        'state.rows[1].total[1]',
      ],
      [
        {
          ...good,
          rows: [...good.rows.slice(0, 1), { total: [], variance: [] }, ...good.rows.slice(1)],
        },
        'state.rows[1].total',
      ],
    ];
    for (const [state, field] of cases) {
      expect(
        validationField(() => restoreDetector(state as DetectorState)),
        field,
      ).toBe(field);
    }

    const ph = createDetector('page-hinkley');
    feed(ph, [1, 2, 3]);
    expect(validationField(() => restoreDetector({ ...ph.state(), minIncrease: null }))).toBe(
      'state.minIncrease',
    );
    expect(validationField(() => restoreDetector({ ...ph.state(), n: 1.5 }))).toBe('state.n');

    const ddm = createDetector('ddm');
    feed(ddm, new Array(40).fill(0));
    expect(validationField(() => restoreDetector({ ...ddm.state(), errorRate: 2 }))).toBe(
      'state.errorRate',
    );
    expect(validationField(() => restoreDetector({ ...ddm.state(), sMin: null }))).toBe(
      'state.pMin',
    );
    expect(
      validationField(() => restoreDetector({ ...ddm.state(), warningDetected: 1 } as never)),
    ).toBe('state.warningDetected');

    const kswin = createDetector('kswin');
    feed(kswin, makeStream('kswin', 8, 50));
    const k = kswin.state();
    expect(validationField(() => restoreDetector({ ...k, window: new Array(101).fill(0) }))).toBe(
      'state.window',
    );
    expect(validationField(() => restoreDetector({ ...k, window: [0, Number.NaN] }))).toBe(
      'state.window[1]',
    );
    expect(
      validationField(() => restoreDetector({ ...k, random: { ...k.random, s: [0, 0, 0, 0] } })),
    ).toBe('state.random.s');
    expect(validationField(() => restoreDetector({ ...k, pValue: -1 }))).toBe('state.pValue');
  });
});

describe('reset', () => {
  it('forgets everything: afterwards the detector behaves as a new one', () => {
    for (const kind of DETECTOR_KINDS) {
      const stream = makeStream(kind, 13, 2000);
      const used = createDetector(kind);
      feed(used, makeStream(kind, 14, 777));
      used.reset();
      expect(used.state()).toEqual(createDetector(kind).state());
      expect(signalsOf(feed(used, stream))).toBe(signalsOf(feed(createDetector(kind), stream)));
    }
  });

  it('keeps the options, and KSWIN drops its initial window and re-seeds its sampler (as River)', () => {
    const kswin = createDetector('kswin', { seed: 5, window: makeStream('kswin', 15, 150) });
    expect(kswin.state().window).toHaveLength(100);
    kswin.reset();
    expect(kswin.state()).toEqual(createDetector('kswin', { seed: 5 }).state());
  });
});
