import { describe, expect, it } from 'vitest';
import { checkFeatures } from '../../../drift/data-drift.js';
import { buildSketch } from '../../../drift/sketch.js';
import { ClosedError, NotFoundError } from '../../../errors.js';
import type { ConformanceTarget } from '../../harness.js';
import { expectInvalid, freshLabs, rejection } from '../../labs.js';
import { categories, driftLab, normals, predictionsWithError } from './setup.js';

/** `lab.drift` baselines, checks and reports. @internal */
export function driftCheckCases(target: ConformanceTarget): void {
  const labs = freshLabs(target);

  describe('drift.setBaseline', () => {
    it('stores compact sketches that read back exactly as they were built', async () => {
      const { lab, model } = await driftLab(labs);
      const spread = normals(25_000, 0.02, 0.005, 1);
      const venue = categories(5000, { binance: 5, coinbase: 3, kraken: 2 }, 2);
      const set = await lab.drift.setBaseline({
        model,
        features: { spread, venue },
        metrics: { sharpe: 1.7 },
      });
      expect(set.features.spread).toEqual(buildSketch(spread, { name: 'features.spread' }));
      expect(set.features.venue).toEqual(buildSketch(venue));
      const numeric = set.features.spread;
      expect(numeric?.kind === 'numeric' && numeric.sample.length).toBe(10_000);
      expect(numeric?.count).toBe(25_000);

      const read = await lab.drift.getBaseline(model);
      expect(read).toEqual(set);
      expect(Object.keys(read.features)).toEqual(['spread', 'venue']);
      expect(read.metrics).toEqual({ sharpe: 1.7 });
      expect(read.errors).toBeNull();
    });

    it('keeps a configurable sample cap and derives metrics and errors from predictions', async () => {
      const { lab, model } = await driftLab(labs);
      const predictions = predictionsWithError(3000, 0.5, 3);
      const set = await lab.drift.setBaseline({
        model,
        features: { spread: normals(3000, 0, 1, 4) },
        predictions,
        metrics: { mae: 0.123, sharpe: 1.1 },
        maxSamples: 500,
      });
      const spread = set.features.spread;
      expect(spread?.kind === 'numeric' && spread.sample.length).toBe(500);
      let abs = 0;
      let sq = 0;
      let hits = 0;
      predictions.predicted.forEach((p, i) => {
        const a = predictions.actual[i] as number;
        abs += Math.abs(a - p);
        sq += (a - p) ** 2;
        if (Math.sign(a) === Math.sign(p)) hits++;
      });
      // Given metrics win over derived ones.
      expect(set.metrics.mae).toBe(0.123);
      expect(set.metrics.rmse).toBeCloseTo(Math.sqrt(sq / 3000), 12);
      expect(set.metrics.hit_rate).toBeCloseTo(hits / 3000, 12);
      expect(set.metrics.sharpe).toBe(1.1);
      expect(set.errors).toMatchObject({ count: 3000, sampled: 500 });
      expect(set.errors?.meanAbsoluteError).toBeCloseTo(abs / 3000, 12);
      expect(set.errors?.missRate).toBeCloseTo(1 - hits / 3000, 12);
      expect(await lab.drift.getBaseline(model)).toEqual(set);
    });

    it('gives the same baseline for the same data, and replaces the previous one', async () => {
      const first = await driftLab(labs);
      const second = await driftLab(labs);
      const spread = normals(20_000, 5, 2, 5);
      const a = await first.lab.drift.setBaseline({ model: first.model, features: { spread } });
      const b = await second.lab.drift.setBaseline({ model: second.model, features: { spread } });
      expect(a.features).toEqual(b.features);

      await first.lab.drift.setBaseline({ model: first.model, metrics: { sharpe: 2 } });
      const replaced = await first.lab.drift.getBaseline(first.model);
      expect(replaced.features).toEqual({});
      expect(replaced.metrics).toEqual({ sharpe: 2 });
    });

    it('resolves a stage or an alias through the registry', async () => {
      const { lab, model } = await driftLab(labs);
      await lab.models.setAlias(model.name, 'champion', model.version);
      await lab.drift.setBaseline({
        model: { name: model.name, stage: 'production' },
        metrics: { sharpe: 1 },
      });
      expect((await lab.drift.getBaseline(model)).model).toEqual(model);
      expect(
        (await lab.drift.getBaseline({ name: model.name, alias: 'champion' })).metrics,
      ).toEqual({
        sharpe: 1,
      });
      const missing = await rejection(
        lab.drift.setBaseline({ model: { name: model.name, stage: 'staging' }, metrics: { a: 1 } }),
      );
      expect(missing).toBeInstanceOf(NotFoundError);
    });

    it('keeps features with any name, and refuses __proto__ rather than losing it', async () => {
      const { lab, model } = await driftLab(labs);
      const features = { 'Δ spread 📈': ['a', 'b'], constructor: [1, 2, 3] };
      await lab.drift.setBaseline({ model, features });
      const read = await lab.drift.getBaseline(model);
      expect(Object.keys(read.features)).toEqual(['Δ spread 📈', 'constructor']);
      const report = await lab.drift.check({ model, features });
      expect(report.data?.features.map((f) => [f.feature, f.drifted])).toEqual([
        ['Δ spread 📈', false],
        ['constructor', false],
      ]);
      const proto = JSON.parse('{"__proto__": [1, 2, 3]}');
      await expectInvalid(lab.drift.setBaseline({ model, features: proto }), 'features.__proto__');
      await expectInvalid(lab.drift.check({ model, features: proto }), 'features.__proto__');
      await expectInvalid(
        lab.drift.check({ model, metrics: JSON.parse('{"__proto__": 1}') }),
        'metrics.__proto__',
      );
    });

    it('refuses bad input, naming the field, and stores nothing', async () => {
      const { lab, model } = await driftLab(labs);
      await expectInvalid(lab.drift.setBaseline({ model }), 'baseline');
      await expectInvalid(
        lab.drift.setBaseline({ model, features: { spread: [1, 2, Number.NaN] } }),
        'features.spread[2]',
      );
      await expectInvalid(
        lab.drift.setBaseline({ model, features: { side: ['buy', 3] as unknown as string[] } }),
        'features.side[1]',
      );
      await expectInvalid(
        lab.drift.setBaseline({ model, features: { spread: 'wide' as unknown as number[] } }),
        'features.spread',
      );
      await expectInvalid(
        lab.drift.setBaseline({ model, predictions: { predicted: [1, 2], actual: [1] } }),
        'predictions.actual',
      );
      await expectInvalid(
        lab.drift.setBaseline({
          model,
          predictions: { predicted: [0.7], actual: [2], binary: true },
        }),
        'predictions.actual[0]',
      );
      await expectInvalid(
        lab.drift.setBaseline({ model, metrics: { sharpe: Number.POSITIVE_INFINITY } }),
        'metrics.sharpe',
      );
      await expectInvalid(
        lab.drift.setBaseline({ model: { name: model.name } as never, metrics: { a: 1 } }),
        'model',
      );
      await expectInvalid(
        lab.drift.setBaseline({ model, metrics: { a: 1 }, maxSamples: 0 }),
        'maxSamples',
      );
      expect(await rejection(lab.drift.getBaseline(model))).toBeInstanceOf(NotFoundError);
    });

    it('deletes a baseline; its reports stay', async () => {
      const { lab, model } = await driftLab(labs);
      await lab.drift.setBaseline({ model, metrics: { sharpe: 1 } });
      const report = await lab.drift.check({ model, metrics: { sharpe: 1 } });
      expect(await lab.drift.deleteBaseline(model)).toBe(true);
      expect(await lab.drift.deleteBaseline(model)).toBe(false);
      expect(await rejection(lab.drift.check({ model, metrics: { sharpe: 1 } }))).toBeInstanceOf(
        NotFoundError,
      );
      expect((await lab.drift.report(report.id)).id).toBe(report.id);
    });
  });

  describe('drift.check', () => {
    it('finds no drift in data from the baseline distribution, and stores the report', async () => {
      const { lab, model, clock } = await driftLab(labs);
      await lab.drift.setBaseline({
        model,
        features: {
          spread: normals(50_000, 0.02, 0.005, 11),
          venue: categories(50_000, { binance: 5, coinbase: 3, kraken: 2 }, 12),
        },
      });
      clock.advance(60_000);
      const report = await lab.drift.check({
        model,
        features: {
          spread: normals(20_000, 0.02, 0.005, 13),
          venue: categories(20_000, { binance: 5, coinbase: 3, kraken: 2 }, 14),
        },
      });
      expect(report.drifted).toBe(false);
      expect(report.model).toEqual(model);
      expect(report.createdAt).toEqual(clock());
      expect(report.data?.features.map((f) => [f.feature, f.method, f.drifted])).toEqual([
        ['spread', 'wasserstein', false],
        ['venue', 'jensen-shannon', false],
      ]);
      expect(report.performance).toBeNull();
      expect(report.concept).toBeNull();
      expect(await lab.drift.report(report.id)).toEqual(report);
    });

    it('finds a planted 0.5 sd shift on many rows, ignores a 0.01 sd one, and matches checkFeatures', async () => {
      const { lab, model } = await driftLab(labs);
      const training = normals(200_000, 0, 1, 21);
      await lab.drift.setBaseline({ model, features: { a: training, b: training } });
      const report = await lab.drift.check({
        model,
        features: { a: normals(200_000, 0.5, 1, 22), b: normals(200_000, 0.01, 1, 23) },
      });
      const [a, b] = report.data?.features ?? [];
      expect(a).toMatchObject({ feature: 'a', method: 'wasserstein', drifted: true });
      expect(a?.statistic).toBeGreaterThan(0.45);
      expect(b).toMatchObject({ feature: 'b', method: 'wasserstein', drifted: false });
      expect(b?.statistic).toBeLessThan(0.05);
      // Half of the features drifted: the dataset has (driftShare 0.5).
      expect(report.data?.drifted).toBe(true);
      expect(report.drifted).toBe(true);
      const baseline = await lab.drift.getBaseline(model);
      const direct = checkFeatures(baseline.features, {
        a: normals(200_000, 0.5, 1, 22),
        b: normals(200_000, 0.01, 1, 23),
      });
      expect(report.data?.features).toEqual(direct.features);
    });

    it('uses KS and chi-square with BH-adjusted p-values on few rows, and honours overrides', async () => {
      const { lab, model } = await driftLab(labs);
      await lab.drift.setBaseline({
        model,
        features: {
          spread: normals(5000, 0, 1, 31),
          venue: categories(5000, { x: 1, y: 1 }, 32),
          depth: normals(5000, 10, 2, 33),
        },
      });
      const report = await lab.drift.check({
        model,
        features: {
          spread: normals(400, 1, 1, 34),
          venue: categories(400, { x: 1, y: 1 }, 35),
          depth: normals(400, 10, 2, 36),
        },
        methods: { depth: 'psi' },
        thresholds: { spread: 0.3 },
      });
      const [spread, venue, depth] = report.data?.features ?? [];
      expect(spread).toMatchObject({ method: 'ks', threshold: 0.3, drifted: true });
      expect(spread?.adjustedPValue).not.toBeNull();
      expect(spread?.adjustedPValue as number).toBeGreaterThanOrEqual(spread?.pValue as number);
      expect(venue).toMatchObject({ method: 'chi-square', drifted: false });
      expect(depth).toMatchObject({ method: 'psi', pValue: null, drifted: false });
      expect(report.data?.driftedCount).toBe(1);
      expect(report.data?.drifted).toBe(false);
      await expectInvalid(
        lab.drift.check({ model, features: { venue: ['x'] }, methods: { venue: 'wasserstein' } }),
        'methods.venue',
      );
      await expectInvalid(
        lab.drift.check({
          model,
          features: { venue: ['x'] },
          methods: { venue: 'magic' as never },
        }),
        'methods.venue',
      );
    });

    it('lists features missing on either side without checking them', async () => {
      const { lab, model } = await driftLab(labs);
      await lab.drift.setBaseline({
        model,
        features: { a: normals(100, 0, 1, 41), b: normals(100, 0, 1, 42) },
      });
      const report = await lab.drift.check({
        model,
        features: { a: normals(100, 0, 1, 43), c: normals(100, 0, 1, 44) },
      });
      expect(report.data?.features.map((f) => f.feature)).toEqual(['a']);
      expect(report.data?.missing).toEqual({ fromCurrent: ['b'], fromBaseline: ['c'] });
    });

    it('stores an infinite statistic and reads it back', async () => {
      const { lab, model } = await driftLab(labs);
      await lab.drift.setBaseline({ model, features: { tick: new Array(2000).fill(1) } });
      const report = await lab.drift.check({ model, features: { tick: new Array(2000).fill(2) } });
      expect(report.data?.features[0]?.statistic).toBe(Number.POSITIVE_INFINITY);
      expect(await lab.drift.report(report.id)).toEqual(report);
    });

    it('reports performance drift in the harmful direction only', async () => {
      const { lab, model } = await driftLab(labs);
      await lab.drift.setBaseline({ model, metrics: { sharpe: 1.5, maxDrawdown: 0.1 } });
      const worse = await lab.drift.check({ model, metrics: { sharpe: 1.2, maxDrawdown: 0.1 } });
      expect(worse.drifted).toBe(true);
      expect(worse.performance?.metrics.map((m) => [m.metric, m.drifted])).toEqual([
        ['sharpe', true],
        ['maxDrawdown', false],
      ]);
      expect(worse.performance?.metrics[0]?.relativeChange).toBeCloseTo(-0.2, 12);
      const better = await lab.drift.check({ model, metrics: { sharpe: 2, maxDrawdown: 0.05 } });
      expect(better.drifted).toBe(false);
      const custom = await lab.drift.check({
        model,
        metrics: { sharpe: 1.2 },
        performanceThreshold: 0.25,
      });
      expect(custom.drifted).toBe(false);
      expect(custom.performance?.missing.fromCurrent).toEqual(['maxDrawdown']);
    });

    it('finds concept drift where the errors jump, and none on stationary errors', async () => {
      const { lab, model } = await driftLab(labs);
      await lab.drift.setBaseline({ model, predictions: predictionsWithError(5000, 0.1, 51) });
      const calm = await lab.drift.check({
        model,
        predictions: predictionsWithError(1000, 0.1, 52),
      });
      expect(calm.concept).toMatchObject({
        detector: 'adwin',
        stream: 'absolute_error',
        referenceCount: 5000,
        count: 1000,
        drift: false,
        detectionCount: 0,
      });
      expect(calm.performance?.drifted).toBe(false);
      expect(calm.drifted).toBe(false);

      const before = predictionsWithError(300, 0.1, 53);
      const after = predictionsWithError(700, 0.4, 54);
      const stormy = await lab.drift.check({
        model,
        predictions: {
          predicted: [...before.predicted, ...after.predicted],
          actual: [...before.actual, ...after.actual],
        },
      });
      expect(stormy.concept?.drift).toBe(true);
      const first = stormy.concept?.detections[0] as number;
      expect(first).toBeGreaterThanOrEqual(300);
      expect(first).toBeLessThan(400);
      expect(stormy.concept?.currentMean).toBeGreaterThan(stormy.concept?.referenceMean as number);
      expect(stormy.performance?.metrics.find((m) => m.metric === 'mae')?.drifted).toBe(true);
      expect(await lab.drift.report(stormy.id)).toEqual(stormy);
    });

    it('watches wrong calls with DDM when asked', async () => {
      const { lab, model } = await driftLab(labs);
      const right = (n: number, missEvery: number) => ({
        predicted: Array.from({ length: n }, (_, i) => (i % missEvery === 0 ? 0.2 : 0.8)),
        actual: new Array<number>(n).fill(1),
        binary: true,
      });
      await lab.drift.setBaseline({ model, predictions: right(2000, 10) });
      const report = await lab.drift.check({
        model,
        predictions: right(1000, 2),
        concept: { detector: 'ddm' },
      });
      expect(report.concept).toMatchObject({ detector: 'ddm', stream: 'miss', drift: true });
      expect(report.concept?.referenceMean).toBeCloseTo(0.1, 12);
      expect(report.performance?.metrics.find((m) => m.metric === 'hit_rate')?.drifted).toBe(true);
      await expectInvalid(
        lab.drift.check({
          model,
          predictions: right(10, 2),
          concept: { detector: 'adwin', options: { delta: 5 } },
        }),
        'options.delta',
      );
    });

    it('refuses bad input and a version without a baseline', async () => {
      const { lab, model } = await driftLab(labs);
      await lab.drift.setBaseline({ model, features: { a: [1, 2, 3] } });
      await expectInvalid(lab.drift.check({ model }), 'check');
      await expectInvalid(
        lab.drift.check({ model, features: { a: [1, Number.NaN] } }),
        'features.a[1]',
      );
      await expectInvalid(lab.drift.check({ model, features: { a: [1] }, alpha: 1 }), 'alpha');
      await expectInvalid(
        lab.drift.check({ model, features: { a: [1] }, driftShare: 0 }),
        'driftShare',
      );
      await expectInvalid(
        lab.drift.check({ model, features: { a: [1] }, unknown: true } as never),
        'unknown',
      );
      const missing = await rejection(
        lab.drift.check({ model: { name: model.name, version: '9.9.9' }, metrics: { a: 1 } }),
      );
      expect(missing).toBeInstanceOf(NotFoundError);
      expect((await lab.drift.reports()).reports).toEqual([]);
    });
  });

  describe('drift.onDrift', () => {
    it('calls handlers with stored drifted reports only, until removed; a throwing one is reported', async () => {
      const failures: { source: string }[] = [];
      const { lab, model } = await driftLab(labs, {
        onError: (_error, context) => failures.push(context),
      });
      await lab.drift.setBaseline({ model, metrics: { sharpe: 1 } });
      const seen: string[] = [];
      const off = lab.drift.onDrift(async (report) => {
        expect((await lab.drift.report(report.id)).drifted).toBe(true);
        seen.push(report.id);
      });
      lab.drift.onDrift(() => {
        throw new Error('pager down');
      });
      // A handler may return anything (here a promise of a report): it is awaited, then ignored.
      const reread: string[] = [];
      lab.drift.onDrift((report) => lab.drift.report(report.id).then((r) => reread.push(r.id)));
      const calm = await lab.drift.check({ model, metrics: { sharpe: 1 } });
      const drifted = await lab.drift.check({ model, metrics: { sharpe: 0.5 } });
      expect(calm.drifted).toBe(false);
      expect(seen).toEqual([drifted.id]);
      expect(reread).toEqual([drifted.id]);
      expect(failures).toEqual([expect.objectContaining({ source: 'drift.onDrift' })]);
      off();
      await lab.drift.check({ model, metrics: { sharpe: 0.5 } });
      expect(seen).toEqual([drifted.id]);
    });
  });

  describe('drift.reports', () => {
    it('filters by model, version, time and verdict, newest first, page by page', async () => {
      const { lab, model, clock } = await driftLab(labs);
      const other = { name: 'spread-model', version: '2.0.0' };
      await lab.drift.setBaseline({ model, metrics: { sharpe: 1 } });
      await lab.drift.setBaseline({ model: other, metrics: { sharpe: 1 } });
      const made: { id: string; at: Date; drifted: boolean; model: string }[] = [];
      for (let i = 0; i < 12; i++) {
        clock.advance(i % 3 === 0 ? 0 : 1000); // some reports share a millisecond
        const m = i % 4 === 3 ? other : model;
        const r = await lab.drift.check({ model: m, metrics: { sharpe: i % 2 ? 0.5 : 1 } });
        made.push({ id: r.id, at: r.createdAt, drifted: r.drifted, model: m.name });
      }
      const newest = [...made].reverse();
      const all = await lab.drift.reports();
      expect(all.reports.map((r) => r.id)).toEqual(newest.map((r) => r.id));
      expect(all.nextCursor).toBeNull();

      const mine = await lab.drift.reports({ model: { name: model.name } });
      expect(mine.reports.map((r) => r.id)).toEqual(
        newest.filter((r) => r.model === model.name).map((r) => r.id),
      );
      const version = await lab.drift.reports({ model: other });
      expect(version.reports.map((r) => r.id)).toEqual(
        newest.filter((r) => r.model === other.name).map((r) => r.id),
      );
      const drifted = await lab.drift.reports({ driftedOnly: true });
      expect(drifted.reports.map((r) => r.id)).toEqual(
        newest.filter((r) => r.drifted).map((r) => r.id),
      );
      const from = made[4]?.at as Date;
      const to = made[9]?.at as Date;
      const window = await lab.drift.reports({ from, to });
      expect(window.reports.map((r) => r.id)).toEqual(
        newest.filter((r) => r.at >= from && r.at < to).map((r) => r.id),
      );

      const paged: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await lab.drift.reports({ limit: 5, ...(cursor ? { cursor } : {}) });
        expect(page.reports.length).toBeLessThanOrEqual(5);
        paged.push(...page.reports.map((r) => r.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
      expect(paged).toEqual(newest.map((r) => r.id));

      await expectInvalid(lab.drift.reports({ limit: 0 }), 'limit');
      await expectInvalid(lab.drift.reports({ from: 'yesterday' as never }), 'from');
      expect(await rejection(lab.drift.report('nope'))).toBeInstanceOf(NotFoundError);
    });
  });

  describe('drift.detector', () => {
    it('gives River-default detectors whose state resumes exactly', async () => {
      const { lab } = await driftLab(labs);
      const adwin = lab.drift.detector('adwin');
      const stream = [...normals(1000, 0, 1, 61), ...normals(500, 3, 1, 62)];
      for (const x of stream.slice(0, 1100)) adwin.update(x);
      const resumed = lab.drift.restoreDetector(JSON.parse(JSON.stringify(adwin.state())));
      const tail = stream.slice(1100);
      expect(tail.map((x) => resumed.update(x))).toEqual(tail.map((x) => adwin.update(x)));
      const ph = lab.drift.detector('page-hinkley');
      expect(ph.state()).toMatchObject({
        kind: 'page-hinkley',
        options: { minInstances: 30, delta: 0.005, threshold: 50, alpha: 0.9999 },
      });
    });

    it('is closed with the lab', async () => {
      const { lab, model } = await driftLab(labs);
      await lab.close();
      expect(await rejection(lab.drift.check({ model, metrics: { a: 1 } }))).toBeInstanceOf(
        ClosedError,
      );
    });
  });
}
