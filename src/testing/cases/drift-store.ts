import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConflictError, ValidationError } from '../../errors.js';
import type { StorageBackend } from '../../storage/backend.js';
import type {
  DriftBaselineFeature,
  DriftBaselineRecord,
  DriftReportRecord,
} from '../../storage/records.js';
import { DATE_SAMPLES, NESTED_JSON, T0, UNICODE_SAMPLES } from '../fixtures.js';

const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const idsOf = (records: readonly { id: string }[]) => records.map((r) => r.id);
const namesOf = (features: readonly DriftBaselineFeature[]) => features.map((f) => f.feature);
/** Code point order (the byte order of UTF-8), the order every backend sorts text in. */
const byCodePoint = (a: string, b: string) =>
  Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
const newestFirst = (a: DriftReportRecord, b: DriftReportRecord) =>
  b.createdAt.getTime() - a.createdAt.getTime() || byCodePoint(b.id, a.id);
const caught = (promise: Promise<unknown>) =>
  promise.then(
    () => new Error('did not throw'),
    (e: unknown) => e,
  );

/** A numeric sketch as the facade stores one: a sorted sample and quantile bins. */
function numericSketch(seed: number, size = 16): DriftBaselineFeature['sketch'] {
  const sample = Array.from({ length: size }, (_, i) => Math.sin(seed + i) * 10 ** ((i % 9) - 4));
  sample.sort((a, b) => a - b);
  return {
    kind: 'numeric',
    n: size,
    sample,
    bins: { edges: [sample[0] ?? 0, sample[size - 1] ?? 0], counts: [size] },
  };
}

function baseline(overrides: Partial<DriftBaselineRecord> = {}): DriftBaselineRecord {
  return {
    modelName: 'btc-momentum',
    modelVersion: '1.0.0',
    features: [
      { feature: 'rsi_14', sketch: numericSketch(1) },
      { feature: 'macd', sketch: numericSketch(2) },
      { feature: 'regime', sketch: { kind: 'categorical', counts: { bull: 40, bear: 35 } } },
    ],
    metrics: { mae: 0.012, hitRate: 0.54 },
    extra: { errors: [0.01, -0.02, 0.005] },
    createdAt: T0,
    ...overrides,
  };
}

function report(overrides: Partial<DriftReportRecord> = {}): DriftReportRecord {
  return {
    id: `drr-${randomUUID()}`,
    modelName: 'btc-momentum',
    modelVersion: '1.0.0',
    drifted: false,
    dataDrifted: false,
    performanceDrifted: false,
    conceptDrifted: false,
    report: { features: { rsi_14: { test: 'ks', statistic: 0.04, pValue: 0.61 } } },
    createdAt: T0,
    ...overrides,
  };
}

/** The drift store of the storage interface: baselines and reports. @internal */
export function driftStoreCases(backend: () => StorageBackend): void {
  const drift = () => backend().drift;

  describe('drift store: baselines', () => {
    it('stores and returns a baseline exactly: unicode names, large sketches, odd numbers', async () => {
      // Some 10,000 doubles of every magnitude and sign, and a base64 sample of about 110 kB.
      const doubles = Array.from(
        { length: 10_000 },
        (_, i) => Math.sin(i + 1) * 10 ** ((i % 61) - 30),
      );
      const packed = randomBytes(82_000).toString('base64');
      expect(packed.length).toBeGreaterThan(109_000);
      const record = baseline({
        modelName: 'btc ü 🚀 日本語',
        modelVersion: '2.0.0-rc.1+build ✓',
        features: [
          ...UNICODE_SAMPLES.map((feature, i) => ({
            feature,
            sketch: { kind: 'numeric', label: feature, ...numericSketch(i) },
          })),
          { feature: 'sample', sketch: { kind: 'numeric', sample: doubles, encoding: 'json' } },
          { feature: 'packed', sketch: { kind: 'numeric', sample: packed, encoding: 'base64' } },
          { feature: 'nested', sketch: NESTED_JSON },
          { feature: 'empty', sketch: {} },
        ],
        metrics: {
          mae: 0.0123,
          pnl: -1234.5,
          tiny: 5e-324,
          negativeTiny: -2.5e-300,
          huge: 1e300,
          zero: 0,
          'hit rate é': 0.54,
        },
        extra: {
          errors: doubles.slice(0, 500),
          note: 'régime 🚀',
          nested: { a: [1, { b: null }] },
        },
      });
      for (const [i, createdAt] of DATE_SAMPLES.entries()) {
        const dated = { ...record, modelVersion: `${record.modelVersion}/${i}`, createdAt };
        await drift().putBaseline(dated);
        expect(await drift().getBaseline(dated.modelName, dated.modelVersion)).toEqual(dated);
      }
    });

    it('keeps empty features, metrics and extra as empty', async () => {
      const record = baseline({ features: [], metrics: {}, extra: {} });
      await drift().putBaseline(record);
      expect(await drift().getBaseline(record.modelName, record.modelVersion)).toEqual(record);
    });

    it('replaces the whole baseline: features, metrics, extra and time', async () => {
      const first = baseline({
        features: [
          { feature: 'a', sketch: numericSketch(1) },
          { feature: 'b', sketch: numericSketch(2) },
          { feature: 'c', sketch: numericSketch(3) },
        ],
        metrics: { mae: 1, rmse: 2 },
        extra: { errors: [1, 2, 3] },
        createdAt: at(0),
      });
      await drift().putBaseline(first);
      const second = baseline({
        features: [
          { feature: 'd', sketch: numericSketch(4) },
          { feature: 'c', sketch: { kind: 'categorical', counts: { x: 1 } } },
        ],
        metrics: { hitRate: 0.5 },
        extra: {},
        createdAt: at(60),
      });
      await drift().putBaseline(second);
      const got = await drift().getBaseline(second.modelName, second.modelVersion);
      expect(got).toEqual(second);
      // The features of the first put are gone, not only hidden from a full read.
      const named = await drift().getBaseline(second.modelName, second.modelVersion, {
        features: ['a', 'b', 'c'],
      });
      expect(named?.features).toEqual([second.features[1]]);
      // Putting the first again brings back exactly the first.
      await drift().putBaseline(first);
      expect(await drift().getBaseline(first.modelName, first.modelVersion)).toEqual(first);
    });

    it('loads only the named features, in stored order, ignoring unknown names', async () => {
      const names = ['zeta', 'alpha', 'mid', '日本語', 'émoji 🚀', ''];
      const record = baseline({
        features: names.map((feature, i) => ({ feature, sketch: numericSketch(i) })),
      });
      await drift().putBaseline(record);
      const { modelName, modelVersion } = record;
      const some = await drift().getBaseline(modelName, modelVersion, {
        features: ['mid', 'unknown', '', 'zeta', 'mid', 'émoji 🚀'],
      });
      expect(some).toEqual({
        ...record,
        features: [0, 2, 4, 5].map((i) => record.features[i]),
      });
      const none = await drift().getBaseline(modelName, modelVersion, { features: [] });
      expect(none).toEqual({ ...record, features: [] });
      const unknown = await drift().getBaseline(modelName, modelVersion, { features: ['x'] });
      expect(unknown).toEqual({ ...record, features: [] });
      expect(await drift().getBaseline(modelName, modelVersion, { features: names })).toEqual(
        record,
      );
    });

    it('stores more features than one statement carries and loads them by a long name list', async () => {
      const record = baseline({
        features: Array.from({ length: 7_000 }, (_, i) => ({
          feature: `f-${String(6_999 - i).padStart(4, '0')}`,
          sketch: { kind: 'categorical', counts: { [`c${i}`]: i } },
        })),
      });
      await drift().putBaseline(record);
      const { modelName, modelVersion } = record;
      const got = await drift().getBaseline(modelName, modelVersion);
      expect(got).toEqual(record);
      // 70,000 names, more than any dialect binds in one statement; every 7th stored feature.
      const wanted = record.features.filter((_, i) => i % 7 === 3).map((f) => f.feature);
      const names = [
        ...Array.from({ length: 70_000 - wanted.length }, (_, i) => `missing-${i}`),
        ...wanted.reverse(),
      ];
      const some = await drift().getBaseline(modelName, modelVersion, { features: names });
      expect(some?.features).toEqual(record.features.filter((_, i) => i % 7 === 3));
    });

    it('keeps the baselines of different versions and models apart', async () => {
      const v1 = baseline({ modelVersion: '1.0.0', metrics: { mae: 1 } });
      const v2 = baseline({
        modelVersion: '2.0.0',
        features: [{ feature: 'rsi_14', sketch: numericSketch(9) }],
        metrics: { mae: 2 },
      });
      const other = baseline({ modelName: 'eth-meanrev', modelVersion: '1.0.0' });
      for (const r of [v1, v2, other]) await drift().putBaseline(r);
      expect(await drift().getBaseline('btc-momentum', '1.0.0')).toEqual(v1);
      expect(await drift().getBaseline('btc-momentum', '2.0.0')).toEqual(v2);
      expect(await drift().getBaseline('eth-meanrev', '1.0.0')).toEqual(other);
      // Replacing or deleting one leaves the others as they were.
      const v1b = baseline({ modelVersion: '1.0.0', features: [], metrics: { mae: 3 } });
      await drift().putBaseline(v1b);
      expect(await drift().getBaseline('btc-momentum', '2.0.0')).toEqual(v2);
      expect(await drift().deleteBaseline('btc-momentum', '2.0.0')).toBe(true);
      expect(await drift().getBaseline('btc-momentum', '1.0.0')).toEqual(v1b);
      expect(await drift().getBaseline('eth-meanrev', '1.0.0')).toEqual(other);
      // Names are compared exactly: no prefix, case or trimming match.
      expect(await drift().getBaseline('btc-momentum', '1.0')).toBeUndefined();
      expect(await drift().getBaseline('BTC-momentum', '1.0.0')).toBeUndefined();
      expect(await drift().getBaseline('btc-momentum ', '1.0.0')).toBeUndefined();
    });

    it('deletes a baseline with its features and says whether it existed', async () => {
      const record = baseline();
      await drift().putBaseline(record);
      expect(await drift().deleteBaseline(record.modelName, record.modelVersion)).toBe(true);
      expect(await drift().getBaseline(record.modelName, record.modelVersion)).toBeUndefined();
      expect(await drift().deleteBaseline(record.modelName, record.modelVersion)).toBe(false);
      expect(await drift().deleteBaseline('missing', '1.0.0')).toBe(false);
      // No feature row stayed behind: the same features can be put again, and only they load.
      const again = baseline({ features: record.features.slice(0, 1), createdAt: at(5) });
      await drift().putBaseline(again);
      expect(await drift().getBaseline(record.modelName, record.modelVersion)).toEqual(again);
      expect(
        await drift().getBaseline(record.modelName, record.modelVersion, {
          features: namesOf(record.features),
        }),
      ).toEqual(again);
    });

    it('returns undefined for a missing baseline, with or without features named', async () => {
      expect(await drift().getBaseline('missing', '1.0.0')).toBeUndefined();
      expect(await drift().getBaseline('missing', '1.0.0', { features: ['rsi_14'] })).toBe(
        undefined,
      );
      expect(await drift().getBaseline('missing', '1.0.0', { features: [] })).toBeUndefined();
    });

    it('is not changed by mutating what was passed in or returned', async () => {
      const record = baseline();
      await drift().putBaseline(record);
      const { modelName, modelVersion } = record;
      const expected = structuredClone(record);
      (record.features[0]!.sketch.sample as number[]).push(99);
      record.features.pop();
      record.metrics.mae = 5;
      (record.extra.errors as number[]).length = 0;
      record.createdAt.setTime(0);
      const got = (await drift().getBaseline(modelName, modelVersion)) as DriftBaselineRecord;
      expect(got).toEqual(expected);
      (got.features[1]!.sketch.sample as number[]).push(1);
      got.features.length = 0;
      got.metrics.extra = 1;
      got.createdAt.setTime(0);
      expect(await drift().getBaseline(modelName, modelVersion)).toEqual(expected);
      const some = await drift().getBaseline(modelName, modelVersion, { features: ['macd'] });
      (some!.features[0]!.sketch.sample as number[]).length = 0;
      expect(await drift().getBaseline(modelName, modelVersion)).toEqual(expected);
    });

    it('refuses an invalid baseline with ValidationError naming the field, and keeps the stored one', async () => {
      const stored = baseline();
      await drift().putBaseline(stored);
      const valid = baseline({ createdAt: at(9), metrics: { mae: 7 } });
      const bad: [Partial<DriftBaselineRecord> | Record<string, unknown>, string][] = [
        [{ modelName: '' }, 'baseline.modelName'],
        [{ modelVersion: '' }, 'baseline.modelVersion'],
        [{ modelVersion: 1 }, 'baseline.modelVersion'],
        [{ modelName: 'a\u0000b' }, 'baseline.modelName'],
        [{ features: { rsi_14: {} } }, 'baseline.features'],
        [{ features: ['rsi_14'] }, 'baseline.features[0]'],
        [{ features: [{ feature: 1, sketch: {} }] }, 'baseline.features[0].feature'],
        [{ features: [{ feature: 'x\u0000', sketch: {} }] }, 'baseline.features[0].feature'],
        [
          {
            features: [
              { feature: 'a', sketch: {} },
              { feature: 'a', sketch: {} },
            ],
          },
          'baseline.features[1].feature',
        ],
        [{ features: [{ feature: 'a', sketch: [1, 2] }] }, 'baseline.features[0].sketch'],
        [{ features: [{ feature: 'a' }] }, 'baseline.features[0].sketch'],
        [
          { features: [{ feature: 'a', sketch: { sample: [1, Number.NaN] } }] },
          'baseline.features[0].sketch.sample[1]',
        ],
        [{ metrics: { mae: Number.NaN } }, 'baseline.metrics.mae'],
        [{ metrics: { mae: Number.POSITIVE_INFINITY } }, 'baseline.metrics.mae'],
        [{ metrics: { mae: '0.1' } }, 'baseline.metrics.mae'],
        [{ metrics: [0.1] }, 'baseline.metrics'],
        [{ extra: null }, 'baseline.extra'],
        [{ extra: { when: new Date() } }, 'baseline.extra.when'],
        [{ createdAt: new Date(Number.NaN) }, 'baseline.createdAt'],
        [{ createdAt: '2026-03-01' }, 'baseline.createdAt'],
      ];
      for (const [overrides, field] of bad) {
        const error = await caught(drift().putBaseline({ ...valid, ...overrides } as never));
        expect(error, field).toBeInstanceOf(ValidationError);
        expect((error as ValidationError).field, field).toBe(field);
      }
      expect(await drift().getBaseline(stored.modelName, stored.modelVersion)).toEqual(stored);
      // Nothing was stored under a name a bad record carried either.
      expect(await drift().getBaseline('', stored.modelVersion)).toBeUndefined();
      const badOption = await caught(
        drift().getBaseline(stored.modelName, stored.modelVersion, { features: 'rsi_14' as never }),
      );
      expect(badOption).toBeInstanceOf(ValidationError);
    });

    it('keeps the previous baseline when a transaction that replaced or deleted it throws', async () => {
      const first = baseline({ createdAt: at(0) });
      await drift().putBaseline(first);
      const { modelName, modelVersion } = first;
      const second = baseline({
        features: [{ feature: 'spread', sketch: numericSketch(7) }],
        metrics: { mae: 9 },
        createdAt: at(60),
      });
      const error = await caught(
        backend().transaction(async (tx) => {
          await tx.drift.putBaseline(second);
          // Inside, the transaction sees its own write.
          expect(await tx.drift.getBaseline(modelName, modelVersion)).toEqual(second);
          expect(
            await tx.drift.getBaseline(modelName, modelVersion, { features: ['rsi_14'] }),
          ).toEqual({ ...second, features: [] });
          throw new Error('boom');
        }),
      );
      expect((error as Error).message).toBe('boom');
      expect(await drift().getBaseline(modelName, modelVersion)).toEqual(first);
      await caught(
        backend().transaction(async (tx) => {
          expect(await tx.drift.deleteBaseline(modelName, modelVersion)).toBe(true);
          throw new Error('boom');
        }),
      );
      expect(await drift().getBaseline(modelName, modelVersion)).toEqual(first);
      // A new baseline put in a rolled-back transaction leaves nothing either.
      await caught(
        backend().transaction(async (tx) => {
          await tx.drift.putBaseline(baseline({ modelVersion: '9.9.9' }));
          throw new Error('boom');
        }),
      );
      expect(await drift().getBaseline(modelName, '9.9.9')).toBeUndefined();
      // One that commits replaces it.
      await backend().transaction(async (tx) => {
        await tx.drift.putBaseline(second);
      });
      expect(await drift().getBaseline(modelName, modelVersion)).toEqual(second);
    });

    it('keeps one whole baseline when puts of it run concurrently', async () => {
      const versions = Array.from({ length: 6 }, (_, v) =>
        baseline({
          features: Array.from({ length: 20 + v * 7 }, (_, i) => ({
            feature: `f${(i * (v + 1)) % 61}-${i}`,
            sketch: numericSketch(v * 100 + i, 4),
          })),
          metrics: { mae: v },
          extra: { version: v },
          createdAt: at(v),
        }),
      );
      for (let round = 0; round < 3; round++) {
        await Promise.all(versions.map((r) => drift().putBaseline(r)));
        const got = await drift().getBaseline('btc-momentum', '1.0.0');
        const winner = versions[got?.extra.version as number];
        expect(winner).toBeDefined();
        expect(got).toEqual(winner);
      }
    });
  });

  describe('drift store: reports', () => {
    it('stores and returns every field unchanged', async () => {
      const verdicts: [boolean, boolean, boolean, boolean][] = [
        [true, true, false, false],
        [true, false, true, true],
        [false, false, false, false],
        [true, true, true, true],
      ];
      for (const [i, createdAt] of DATE_SAMPLES.entries()) {
        const [drifted, dataDrifted, performanceDrifted, conceptDrifted] = verdicts[i]!;
        const record = report({
          modelName: 'btc ü 🚀 日本語',
          modelVersion: `2.0.0-${i}`,
          drifted,
          dataDrifted,
          performanceDrifted,
          conceptDrifted,
          report: { ...NESTED_JSON, verdicts: [drifted, conceptDrifted] },
          createdAt,
        });
        await drift().insertReport(record);
        expect(await drift().getReport(record.id)).toEqual(record);
      }
    });

    it.each(UNICODE_SAMPLES)('keeps text %j exactly', async (text) => {
      const record = report({
        id: `drr ${text}`,
        modelName: `model ${text}`,
        modelVersion: `v ${text}`,
        report: { [text]: text },
      });
      await drift().insertReport(record);
      expect(await drift().getReport(record.id)).toEqual(record);
      expect(
        await drift().listReports({
          modelName: record.modelName,
          modelVersion: record.modelVersion,
        }),
      ).toEqual([record]);
    });

    it('returns undefined for an unknown id', async () => {
      expect(await drift().getReport('missing')).toBeUndefined();
    });

    it('refuses a duplicate id with ConflictError and keeps the first', async () => {
      const first = report({ drifted: true });
      await drift().insertReport(first);
      const error = await caught(
        drift().insertReport({ ...first, drifted: false, modelVersion: '2.0.0', createdAt: at(1) }),
      );
      expect(error).toBeInstanceOf(ConflictError);
      expect(await drift().getReport(first.id)).toEqual(first);
      expect(await drift().listReports()).toEqual([first]);
    });

    it('refuses an invalid report with ValidationError naming the field, and stores nothing', async () => {
      const bad: [Record<string, unknown>, string][] = [
        [{ id: 7 }, 'report.id'],
        [{ modelName: '' }, 'report.modelName'],
        [{ modelVersion: '' }, 'report.modelVersion'],
        [{ drifted: 'yes' }, 'report.drifted'],
        [{ dataDrifted: 1 }, 'report.dataDrifted'],
        [{ performanceDrifted: null }, 'report.performanceDrifted'],
        [{ conceptDrifted: undefined }, 'report.conceptDrifted'],
        [{ report: [] }, 'report.report'],
        [{ report: { psi: Number.NaN } }, 'report.report.psi'],
        [{ createdAt: new Date(Number.NaN) }, 'report.createdAt'],
      ];
      for (const [overrides, field] of bad) {
        const record = { ...report(), ...overrides };
        const error = await caught(drift().insertReport(record as never));
        expect(error, field).toBeInstanceOf(ValidationError);
        expect((error as ValidationError).field, field).toBe(field);
        if (typeof record.id === 'string')
          expect(await drift().getReport(record.id)).toBe(undefined);
      }
      expect(await drift().listReports()).toEqual([]);
    });

    it('is not changed by mutating what was passed in or returned', async () => {
      const record = report({ report: { features: ['rsi_14'] } });
      await drift().insertReport(record);
      const expected = structuredClone(record);
      (record.report.features as string[]).push('mutated');
      record.createdAt.setTime(0);
      const got = (await drift().getReport(record.id)) as DriftReportRecord;
      expect(got).toEqual(expected);
      (got.report.features as string[]).push('again');
      got.createdAt.setTime(0);
      const [listed] = await drift().listReports();
      (listed?.report.features as string[]).length = 0;
      expect(await drift().getReport(record.id)).toEqual(expected);
    });

    it('lists newest first, ties on created_at broken by id descending in code-point order', async () => {
      const tiedIds = ['a', 'B', 'b', 'é', 'e\u0301', '日本', 'z', '🚀', 'Z9', 'a0'];
      const records = [
        ...tiedIds.map((id) => report({ id, createdAt: at(10) })),
        report({ id: 'older', createdAt: at(5) }),
        report({ id: 'newer', createdAt: at(20) }),
        report({ id: 'oldest', createdAt: DATE_SAMPLES[0] as Date }),
      ];
      // Inserted in an order that is neither the listing's nor its reverse.
      for (const r of [...records].sort((x, y) => byCodePoint(x.id, y.id))) {
        await drift().insertReport(r);
      }
      const expected = [...records].sort(newestFirst);
      expect(idsOf(expected).slice(0, 3)).toEqual(['newer', '🚀', '日本']);
      expect(await drift().listReports()).toEqual(expected);
    });

    it('filters by model name, model version, time range and overall verdict', async () => {
      const r = (id: string, seconds: number, overrides: Partial<DriftReportRecord> = {}) =>
        report({ id, createdAt: at(seconds), ...overrides });
      const records = [
        r('a1', 0, { drifted: true, dataDrifted: true }),
        r('a2', 10, { modelVersion: '2.0.0' }),
        r('a3', 20, { drifted: true, performanceDrifted: true, modelVersion: '2.0.0' }),
        r('a4', 30),
        r('b1', 10, { modelName: 'eth-meanrev', drifted: true, conceptDrifted: true }),
        r('b2', 40, { modelName: 'eth-meanrev', modelVersion: '2.0.0' }),
        // Verdicts other than the overall one do not count for driftedOnly.
        r('b3', 50, { modelName: 'eth-meanrev', dataDrifted: true, performanceDrifted: true }),
      ];
      for (const record of records) await drift().insertReport(record);
      const list = async (query: Parameters<StorageBackend['drift']['listReports']>[0]) =>
        idsOf(await drift().listReports(query));
      expect(await list({})).toEqual(['b3', 'b2', 'a4', 'a3', 'b1', 'a2', 'a1']);
      expect(await list({ modelName: 'btc-momentum' })).toEqual(['a4', 'a3', 'a2', 'a1']);
      expect(await list({ modelName: 'eth-meanrev' })).toEqual(['b3', 'b2', 'b1']);
      expect(await list({ modelName: 'btc' })).toEqual([]);
      expect(await list({ modelVersion: '2.0.0' })).toEqual(['b2', 'a3', 'a2']);
      expect(await list({ modelName: 'btc-momentum', modelVersion: '2.0.0' })).toEqual([
        'a3',
        'a2',
      ]);
      // from is inclusive, to exclusive.
      expect(await list({ from: at(10) })).toEqual(['b3', 'b2', 'a4', 'a3', 'b1', 'a2']);
      expect(await list({ to: at(10) })).toEqual(['a1']);
      expect(await list({ from: at(10), to: at(30) })).toEqual(['a3', 'b1', 'a2']);
      expect(await list({ from: new Date(at(10).getTime() + 1), to: at(30) })).toEqual(['a3']);
      expect(await list({ from: at(30), to: at(30) })).toEqual([]);
      expect(await list({ driftedOnly: true })).toEqual(['a3', 'b1', 'a1']);
      expect(await list({ driftedOnly: false })).toEqual(await list({}));
      expect(
        await list({ modelName: 'btc-momentum', driftedOnly: true, from: at(5), to: at(25) }),
      ).toEqual(['a3']);
      expect(await drift().listReports({ driftedOnly: true })).toEqual(
        records.filter((x) => x.drifted).sort(newestFirst),
      );
    });

    it('pages with a keyset cursor over tied timestamps, every row once, filters applied', async () => {
      const records = Array.from({ length: 23 }, (_, i) =>
        report({
          id: `r-${String(i).padStart(2, '0')}`,
          modelName: i % 3 === 0 ? 'eth-meanrev' : 'btc-momentum',
          drifted: i % 2 === 0,
          createdAt: at(Math.floor(i / 4)),
        }),
      );
      for (const r of [...records].reverse()) await drift().insertReport(r);
      const walk = async (filter: { modelName?: string; driftedOnly?: boolean }, limit: number) => {
        const seen: string[] = [];
        let after: DriftReportRecord | undefined;
        for (let pages = 0; pages < 100; pages++) {
          const page = await drift().listReports({ ...filter, limit, ...(after ? { after } : {}) });
          expect(page.length).toBeLessThanOrEqual(limit);
          seen.push(...idsOf(page));
          if (page.length < limit) return seen;
          after = page.at(-1);
        }
        throw new Error('pagination did not end');
      };
      const expected = (keep: (r: DriftReportRecord) => boolean) =>
        idsOf(records.filter(keep).sort(newestFirst));
      expect(await walk({}, 3)).toEqual(expected(() => true));
      expect(await walk({}, 1)).toEqual(expected(() => true));
      expect(await walk({}, 23)).toEqual(expected(() => true));
      expect(await walk({ modelName: 'btc-momentum' }, 4)).toEqual(
        expected((r) => r.modelName === 'btc-momentum'),
      );
      expect(await walk({ driftedOnly: true }, 2)).toEqual(expected((r) => r.drifted));
      // A cursor that is not a stored row works too: it is a position in the order.
      const cursor = { createdAt: at(2), id: 'r-09x' };
      expect(idsOf(await drift().listReports({ after: cursor }))).toEqual(
        expected(
          (r) =>
            r.createdAt < cursor.createdAt ||
            (r.createdAt.getTime() === cursor.createdAt.getTime() && r.id < cursor.id),
        ),
      );
    });

    it('returns at most 100 reports by default and applies a limit', async () => {
      await backend().transaction(async (tx) => {
        for (let i = 0; i < 105; i++) await tx.drift.insertReport(report({ createdAt: at(i) }));
      });
      const listed = await drift().listReports();
      expect(listed).toHaveLength(100);
      expect(listed[0]?.createdAt).toEqual(at(104));
      expect(listed.at(-1)?.createdAt).toEqual(at(5));
      expect(await drift().listReports({ limit: 0 })).toEqual([]);
      expect((await drift().listReports({ limit: 7 })).map((r) => r.createdAt)).toEqual(
        Array.from({ length: 7 }, (_, i) => at(104 - i)),
      );
      expect(await drift().listReports({ limit: 1_000 })).toHaveLength(105);
    });

    it('refuses a bad filter with ValidationError naming the field', async () => {
      const bad: [Record<string, unknown>, string][] = [
        [{ modelName: 1 }, 'query.modelName'],
        [{ modelVersion: null }, 'query.modelVersion'],
        [{ from: new Date(Number.NaN) }, 'query.from'],
        [{ to: '2026-03-01' }, 'query.to'],
        [{ driftedOnly: 'yes' }, 'query.driftedOnly'],
        [{ limit: -1 }, 'query.limit'],
        [{ limit: 1.5 }, 'query.limit'],
        [{ after: { createdAt: new Date(Number.NaN), id: 'x' } }, 'query.after.createdAt'],
        [{ after: { createdAt: T0, id: 3 } }, 'query.after.id'],
        [{ after: 'r-01' }, 'query.after'],
      ];
      for (const [query, field] of bad) {
        const error = await caught(drift().listReports(query as never));
        expect(error, field).toBeInstanceOf(ValidationError);
        expect((error as ValidationError).field, field).toBe(field);
      }
    });

    it('keeps nothing of reports inserted in a transaction that throws', async () => {
      const kept = report({ createdAt: at(0) });
      await drift().insertReport(kept);
      const dropped = [report({ createdAt: at(1) }), report({ createdAt: at(2), drifted: true })];
      const error = await caught(
        backend().transaction(async (tx) => {
          for (const r of dropped) await tx.drift.insertReport(r);
          expect(idsOf(await tx.drift.listReports())).toEqual(
            idsOf([...dropped].reverse()).concat(kept.id),
          );
          throw new Error('boom');
        }),
      );
      expect((error as Error).message).toBe('boom');
      expect(await drift().getReport(dropped[0]?.id as string)).toBeUndefined();
      expect(await drift().listReports()).toEqual([kept]);
      // Nothing stayed behind to make the same ids conflict now.
      for (const r of dropped) await drift().insertReport(r);
      expect(await drift().listReports()).toHaveLength(3);
    });
  });
}
