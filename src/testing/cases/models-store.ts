import { describe, expect, it } from 'vitest';
import { ClosedError, ConflictError, ValidationError } from '../../errors.js';
import type { StorageBackend } from '../../storage/backend.js';
import type { ArtifactRecord, ModelVersionRecord } from '../../storage/records.js';
import {
  alias,
  artifact,
  DATE_SAMPLES,
  modelEvent,
  modelVersion,
  NESTED_JSON,
  T0,
  UNICODE_SAMPLES,
} from '../fixtures.js';

const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const versionsOf = (records: readonly ModelVersionRecord[]) => records.map((r) => r.version);
const idsOf = (records: readonly { id: string }[]) => records.map((r) => r.id);
/** Code point order (the byte order of UTF-8), the order every backend sorts text in. */
const byCodePoint = (a: string, b: string) =>
  Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
const newestFirst = (a: ModelVersionRecord, b: ModelVersionRecord) =>
  b.createdAt.getTime() - a.createdAt.getTime() || byCodePoint(b.id, a.id);
/** A 64-character artifact id made of one repeated character, so its order is plain to see. */
const sha = (c: string) => c.repeat(64);
const caught = (promise: Promise<unknown>) =>
  promise.then(
    () => new Error('did not throw'),
    (e: unknown) => e,
  );

/** The model store and the artifact lineage methods of the storage interface. @internal */
export function modelStoreCases(backend: () => StorageBackend): void {
  const models = () => backend().models;
  const artifacts = () => backend().artifacts;

  describe('models: versions round-trip', () => {
    it('stores and returns every field unchanged', async () => {
      const record = modelVersion({
        name: 'btc-momentum ü 🚀',
        version: '2.13.7',
        stage: 'staging',
        modelType: 'lightgbm',
        features: ['rsi_14', 'macd', 'volume z'],
        target: 'return_1h',
        hyperparameters: NESTED_JSON,
        preprocessing: { scaler: 'standard', clip: [-3, 3] },
        featureImportance: { rsi_14: 0.61, macd: 0.39 },
        metrics: { sharpe: 1.8, maxDrawdown: -0.12 },
        validationMetrics: { auc: 0.71 },
        testMetrics: { auc: 0.69, nested: { ok: true, none: null } },
        trainingData: { from: '2025-01-01T00:00:00Z', to: '2025-12-31T00:00:00Z', samples: 8760 },
        trainingDurationSeconds: 312.25,
        experimentId: 'exp-1',
        tags: ['btc', 'nightly'],
        description: 'a 日本語 description',
        trainedBy: 'ci',
        createdAt: DATE_SAMPLES[0] as Date,
        updatedAt: DATE_SAMPLES[3] as Date,
      });
      expect([record.major, record.minor, record.patch]).toEqual([2, 13, 7]);
      await models().insertVersion(record);
      expect(await models().getVersion(record.name, record.version)).toEqual(record);
    });

    it('keeps every nullable field as null and empty lists as empty', async () => {
      const record = modelVersion({
        target: null,
        trainingData: null,
        trainingDurationSeconds: null,
        experimentId: null,
        description: null,
        trainedBy: null,
        features: [],
        tags: [],
      });
      await models().insertVersion(record);
      expect(await models().getVersion(record.name, record.version)).toEqual(record);
    });

    it.each(UNICODE_SAMPLES)('keeps text %j exactly', async (text) => {
      const record = modelVersion({
        name: text,
        modelType: text,
        description: text,
        trainedBy: text,
        target: text,
        features: [text],
        tags: [text],
      });
      await models().insertVersion(record);
      expect(await models().getVersion(text, record.version)).toEqual(record);
    });

    it('returns undefined or nothing for an unknown model or version', async () => {
      await models().insertVersion(modelVersion({ version: '1.0.0' }));
      expect(await models().getVersion('btc-momentum', '9.9.9')).toBeUndefined();
      expect(await models().getVersion('missing', '1.0.0')).toBeUndefined();
      expect(await models().latestVersion('missing')).toBeUndefined();
      expect(await models().versionsInStage('missing', 'development')).toEqual([]);
      expect(await models().listVersions({ name: 'missing' })).toEqual([]);
    });

    it('is not changed by mutating what was passed in or returned', async () => {
      const record = modelVersion({ tags: ['x'], metrics: { a: { b: 1 } } });
      await models().insertVersion(record);
      record.tags.push('mutated');
      (record.metrics.a as { b: number }).b = 2;
      const got = (await models().getVersion(record.name, record.version)) as ModelVersionRecord;
      got.tags.push('again');
      got.features.push('again');
      const again = await models().getVersion(record.name, record.version);
      expect(again?.tags).toEqual(['x']);
      expect(again?.features).toEqual(['rsi_14', 'macd']);
      expect(again?.metrics).toEqual({ a: { b: 1 } });
    });

    it('refuses a version the model already has with ConflictError and keeps the first', async () => {
      const first = modelVersion({ version: '1.0.0', description: 'first' });
      await models().insertVersion(first);
      const error = await caught(
        models().insertVersion(modelVersion({ version: '1.0.0', description: 'second' })),
      );
      expect(error).toBeInstanceOf(ConflictError);
      expect(await models().getVersion(first.name, '1.0.0')).toEqual(first);
      expect(await models().listVersions()).toHaveLength(1);
    });

    it('refuses an id that exists with ConflictError, and allows the same version under another name', async () => {
      const first = modelVersion({ version: '1.0.0' });
      await models().insertVersion(first);
      const sameId = modelVersion({ id: first.id, version: '1.0.1' });
      expect(await caught(models().insertVersion(sameId))).toBeInstanceOf(ConflictError);
      expect(await models().getVersion(first.name, '1.0.1')).toBeUndefined();
      const other = modelVersion({ name: 'eth-mean-reversion', version: '1.0.0' });
      await models().insertVersion(other);
      expect(await models().getVersion(other.name, '1.0.0')).toEqual(other);
      expect(await models().getVersion(first.name, '1.0.0')).toEqual(first);
    });

    const bad: Array<[string, Partial<ModelVersionRecord>]> = [
      ['NaN in a JSON column', { metrics: { sharpe: Number.NaN } }],
      ['a NUL character in the name', { name: 'a\u0000b' }],
      ['an invalid Date', { createdAt: new Date(Number.NaN) }],
      ['an unknown stage', { stage: 'live' as never }],
      ['a fractional version number', { minor: 1.5 }],
      ['a non-array features value', { features: 'rsi' as never }],
    ];
    it.each(bad)('refuses %s with ValidationError and stores nothing', async (_, overrides) => {
      const record = modelVersion(overrides);
      expect(await caught(models().insertVersion(record))).toBeInstanceOf(ValidationError);
      expect(await models().listVersions()).toEqual([]);
    });
  });

  describe('models: one production version per model', () => {
    it('refuses to insert a second production version with ConflictError', async () => {
      const live = modelVersion({ version: '1.0.0', stage: 'production' });
      await models().insertVersion(live);
      const second = modelVersion({ version: '1.1.0', stage: 'production' });
      expect(await caught(models().insertVersion(second))).toBeInstanceOf(ConflictError);
      expect(await models().getVersion(second.name, '1.1.0')).toBeUndefined();
      expect(versionsOf(await models().versionsInStage(live.name, 'production'))).toEqual([
        '1.0.0',
      ]);
      // Another model has its own production version.
      await models().insertVersion(modelVersion({ name: 'other', stage: 'production' }));
      // Other stages are not limited.
      await models().insertVersion(modelVersion({ version: '1.2.0', stage: 'staging' }));
      await models().insertVersion(modelVersion({ version: '1.3.0', stage: 'staging' }));
      expect(versionsOf(await models().versionsInStage(live.name, 'staging'))).toEqual([
        '1.3.0',
        '1.2.0',
      ]);
    });

    it('refuses to update a second version to production, and allows it once the first moves', async () => {
      const live = modelVersion({ version: '1.0.0', stage: 'production' });
      const next = modelVersion({ version: '1.1.0', stage: 'staging' });
      await models().insertVersion(live);
      await models().insertVersion(next);
      const error = await caught(
        models().updateVersion(next.name, '1.1.0', { stage: 'production', updatedAt: at(5) }),
      );
      expect(error).toBeInstanceOf(ConflictError);
      expect(await models().getVersion(next.name, '1.1.0')).toEqual(next);
      // Updating the production version itself (to production again) is no clash.
      expect(
        (await models().updateVersion(live.name, '1.0.0', { stage: 'production' }))?.stage,
      ).toBe('production');
      await models().updateVersion(live.name, '1.0.0', { stage: 'staging' });
      expect(
        (await models().updateVersion(next.name, '1.1.0', { stage: 'production' }))?.stage,
      ).toBe('production');
      expect(versionsOf(await models().versionsInStage(live.name, 'production'))).toEqual([
        '1.1.0',
      ]);
    });

    it('demotes and promotes in one transaction', async () => {
      const live = modelVersion({ version: '1.0.0', stage: 'production' });
      const next = modelVersion({ version: '1.1.0', stage: 'staging' });
      await models().insertVersion(live);
      await models().insertVersion(next);
      await backend().transaction(async (tx) => {
        await tx.models.updateVersion(live.name, '1.0.0', { stage: 'staging' });
        await tx.models.updateVersion(next.name, '1.1.0', { stage: 'production' });
      });
      expect((await models().getVersion(live.name, '1.0.0'))?.stage).toBe('staging');
      expect((await models().getVersion(live.name, '1.1.0'))?.stage).toBe('production');
    });

    it('lets exactly one of many concurrent promotions to production win', async () => {
      const candidates = Array.from({ length: 8 }, (_, i) =>
        modelVersion({ version: `1.${i}.0`, stage: 'staging' }),
      );
      for (const r of candidates) await models().insertVersion(r);
      const settled = await Promise.allSettled(
        candidates.map((r) =>
          backend().transaction((tx) =>
            tx.models.updateVersion(
              r.name,
              r.version,
              { stage: 'production' },
              {
                expectStage: ['staging'],
              },
            ),
          ),
        ),
      );
      const won = settled.filter((s) => s.status === 'fulfilled');
      expect(won).toHaveLength(1);
      for (const s of settled) {
        if (s.status === 'rejected') expect(s.reason).toBeInstanceOf(ConflictError);
      }
      expect(await models().versionsInStage('btc-momentum', 'production')).toHaveLength(1);
    });
  });

  describe('models: version order, listing and paging', () => {
    it('finds the latest version by number, not text nor stage nor creation time', async () => {
      const order = ['1.2.9', '1.10.0', '0.99.99', '1.2.10', '1.9.0'];
      for (const [i, version] of order.entries()) {
        await models().insertVersion(modelVersion({ version, createdAt: at(10 - i) }));
      }
      await models().insertVersion(modelVersion({ name: 'other', version: '7.0.0' }));
      expect((await models().latestVersion('btc-momentum'))?.version).toBe('1.10.0');
      await models().updateVersion('btc-momentum', '1.10.0', { stage: 'archived' });
      expect((await models().latestVersion('btc-momentum'))?.version).toBe('1.10.0');
      expect((await models().latestVersion('other'))?.version).toBe('7.0.0');
    });

    it('lists the versions in a stage highest first', async () => {
      for (const version of ['1.2.9', '1.10.0', '0.99.99', '1.2.10', '1.9.0']) {
        await models().insertVersion(modelVersion({ version, stage: 'staging' }));
      }
      await models().insertVersion(modelVersion({ version: '3.0.0', stage: 'development' }));
      await models().insertVersion(
        modelVersion({ name: 'other', version: '5.0.0', stage: 'staging' }),
      );
      expect(versionsOf(await models().versionsInStage('btc-momentum', 'staging'))).toEqual([
        '1.10.0',
        '1.9.0',
        '1.2.10',
        '1.2.9',
        '0.99.99',
      ]);
      expect(versionsOf(await models().versionsInStage('btc-momentum', 'development'))).toEqual([
        '3.0.0',
      ]);
      expect(await models().versionsInStage('btc-momentum', 'archived')).toEqual([]);
    });

    it('lists newest first and filters by name, stages, tag and model type', async () => {
      const a = modelVersion({ version: '1.0.0', createdAt: at(1), tags: ['btc', 'nightly'] });
      const b = modelVersion({
        version: '1.1.0',
        createdAt: at(2),
        stage: 'staging',
        modelType: 'onnx',
      });
      const c = modelVersion({
        name: 'eth',
        version: '1.0.0',
        createdAt: at(3),
        stage: 'archived',
        tags: ['nightly'],
      });
      for (const r of [a, b, c]) await models().insertVersion(r);
      expect(idsOf(await models().listVersions())).toEqual([c.id, b.id, a.id]);
      expect(idsOf(await models().listVersions({ name: 'btc-momentum' }))).toEqual([b.id, a.id]);
      expect(idsOf(await models().listVersions({ stage: ['staging', 'archived'] }))).toEqual([
        c.id,
        b.id,
      ]);
      expect(await models().listVersions({ stage: [] })).toEqual([]);
      expect(idsOf(await models().listVersions({ tag: 'nightly' }))).toEqual([c.id, a.id]);
      expect(idsOf(await models().listVersions({ tag: 'btc' }))).toEqual([a.id]);
      expect(idsOf(await models().listVersions({ tag: 'nigh' }))).toEqual([]);
      expect(idsOf(await models().listVersions({ modelType: 'onnx' }))).toEqual([b.id]);
      expect(
        idsOf(
          await models().listVersions({
            name: 'btc-momentum',
            tag: 'nightly',
            stage: ['development'],
          }),
        ),
      ).toEqual([a.id]);
      expect(idsOf(await models().listVersions({ limit: 2 }))).toEqual([c.id, b.id]);
      expect(await models().listVersions({ limit: 0 })).toEqual([]);
      // The full records come back, not only ids.
      expect((await models().listVersions({ modelType: 'onnx' }))[0]).toEqual(b);
    });

    it('follows stage changes made by updateVersion', async () => {
      const a = modelVersion({ version: '1.0.0' });
      await models().insertVersion(a);
      await models().updateVersion(a.name, '1.0.0', { stage: 'staging' });
      expect(await models().listVersions({ stage: ['development'] })).toEqual([]);
      expect(idsOf(await models().listVersions({ stage: ['staging'] }))).toEqual([a.id]);
    });

    it('pages 25 versions newest first with a keyset cursor, ties on created_at included', async () => {
      // Ids chosen so that code point order differs from UTF-16 order (ｱ U+FF71 < 😀 U+1F600).
      const marks = ['a', 'Z', 'é', '😀', 'ｱ'];
      const records = Array.from({ length: 25 }, (_, i) =>
        modelVersion({
          id: `${marks[i % marks.length]}-${String(i).padStart(2, '0')}`,
          version: `1.${i}.0`,
          createdAt: at(Math.floor(i / 6)),
          name: i % 7 === 0 ? 'other' : 'btc-momentum',
        }),
      );
      await backend().transaction(async (tx) => {
        for (const r of [...records].reverse()) await tx.models.insertVersion(r);
      });
      const expected = idsOf([...records].sort(newestFirst));
      expect(idsOf(await models().listVersions())).toEqual(expected);
      const pageThrough = async (name?: string) => {
        const seen: string[] = [];
        const filter = name === undefined ? {} : { name };
        let page = await models().listVersions({ ...filter, limit: 4 });
        while (page.length > 0) {
          expect(page.length).toBeLessThanOrEqual(4);
          seen.push(...idsOf(page));
          const last = page.at(-1) as ModelVersionRecord;
          page = await models().listVersions({
            ...filter,
            limit: 4,
            after: { createdAt: last.createdAt, id: last.id },
          });
        }
        return seen;
      };
      expect(await pageThrough()).toEqual(expected);
      const btc = idsOf(records.filter((r) => r.name === 'btc-momentum').sort(newestFirst));
      expect(await pageThrough('btc-momentum')).toEqual(btc);
    });

    it('returns at most 100 versions by default', async () => {
      await backend().transaction(async (tx) => {
        for (let i = 0; i < 101; i++) {
          await tx.models.insertVersion(modelVersion({ version: `0.0.${i}`, createdAt: at(i) }));
        }
      });
      const page = await models().listVersions();
      expect(page).toHaveLength(100);
      expect(page[0]?.version).toBe('0.0.100');
      expect(await models().listVersions({ limit: 1000 })).toHaveLength(101);
    });

    it('finds versions by artifact, newest first', async () => {
      const a = modelVersion({ version: '1.0.0', artifactId: sha('a'), createdAt: at(1) });
      const b = modelVersion({ version: '1.1.0', artifactId: sha('b'), createdAt: at(3) });
      const c = modelVersion({
        name: 'other',
        version: '1.0.0',
        artifactId: sha('a'),
        createdAt: at(2),
      });
      const d = modelVersion({ version: '1.2.0', artifactId: sha('d'), createdAt: at(4) });
      for (const r of [a, b, c, d]) await models().insertVersion(r);
      expect(idsOf(await models().versionsByArtifacts([sha('a')]))).toEqual([c.id, a.id]);
      expect(idsOf(await models().versionsByArtifacts([sha('a'), sha('b')]))).toEqual([
        b.id,
        c.id,
        a.id,
      ]);
      expect(await models().versionsByArtifacts([sha('f')])).toEqual([]);
      expect(await models().versionsByArtifacts([])).toEqual([]);
      expect((await models().versionsByArtifacts([sha('d')]))[0]).toEqual(d);
    });
  });

  describe('models: updateVersion', () => {
    it('changes the stage and update time only, and returns the updated version', async () => {
      const record = modelVersion({ version: '1.0.0', metrics: { sharpe: 1 } });
      await models().insertVersion(record);
      const updated = await models().updateVersion(record.name, '1.0.0', {
        stage: 'staging',
        updatedAt: at(60),
      });
      const expected = { ...record, stage: 'staging', updatedAt: at(60) };
      expect(updated).toEqual(expected);
      expect(await models().getVersion(record.name, '1.0.0')).toEqual(expected);
      // A patch of the time alone keeps the stage.
      await models().updateVersion(record.name, '1.0.0', { updatedAt: at(61) });
      expect(await models().getVersion(record.name, '1.0.0')).toEqual({
        ...expected,
        updatedAt: at(61),
      });
    });

    it('is a compare-and-set with expectStage', async () => {
      const record = modelVersion({ version: '1.0.0', stage: 'staging' });
      await models().insertVersion(record);
      expect(
        await models().updateVersion(
          record.name,
          '1.0.0',
          { stage: 'production', updatedAt: at(1) },
          { expectStage: ['development', 'archived'] },
        ),
      ).toBeUndefined();
      expect(await models().getVersion(record.name, '1.0.0')).toEqual(record);
      const moved = await models().updateVersion(
        record.name,
        '1.0.0',
        { stage: 'production', updatedAt: at(1) },
        { expectStage: ['staging'] },
      );
      expect(moved?.stage).toBe('production');
      expect(
        await models().updateVersion(
          record.name,
          '1.0.0',
          { stage: 'archived' },
          { expectStage: ['staging'] },
        ),
      ).toBeUndefined();
      expect((await models().getVersion(record.name, '1.0.0'))?.stage).toBe('production');
    });

    it('returns undefined for an unknown version', async () => {
      expect(
        await models().updateVersion('missing', '1.0.0', { stage: 'staging' }),
      ).toBeUndefined();
      await models().insertVersion(modelVersion({ version: '1.0.0' }));
      expect(
        await models().updateVersion('btc-momentum', '1.0.1', { stage: 'staging' }),
      ).toBeUndefined();
    });

    it('refuses an unknown stage with ValidationError', async () => {
      const record = modelVersion({ version: '1.0.0' });
      await models().insertVersion(record);
      const error = await caught(
        models().updateVersion(record.name, '1.0.0', { stage: 'live' as never }),
      );
      expect(error).toBeInstanceOf(ValidationError);
      expect(await models().getVersion(record.name, '1.0.0')).toEqual(record);
    });
  });

  describe('models: aliases', () => {
    it('creates, moves, lists in alias order and deletes aliases', async () => {
      const champion = alias('btc-momentum', 'champion', '1.0.0');
      await models().setAlias(champion);
      expect(await models().getAlias('btc-momentum', 'champion')).toEqual(champion);
      const moved = alias('btc-momentum', 'champion', '1.1.0', { updatedAt: at(9) });
      await models().setAlias(moved);
      expect(await models().getAlias('btc-momentum', 'champion')).toEqual(moved);
      for (const name of ['challenger', 'Zeta', 'émile 🚀', 'ｱ', '😀']) {
        await models().setAlias(alias('btc-momentum', name, '1.0.0'));
      }
      await models().setAlias(alias('other', 'champion', '3.0.0'));
      const names = ['challenger', 'champion', 'Zeta', 'émile 🚀', 'ｱ', '😀'].sort(byCodePoint);
      const listed = await models().listAliases('btc-momentum');
      expect(listed.map((a) => a.alias)).toEqual(names);
      expect(listed.find((a) => a.alias === 'champion')).toEqual(moved);
      expect(await models().listAliases('missing')).toEqual([]);

      expect(await models().deleteAlias('btc-momentum', 'champion')).toBe(true);
      expect(await models().deleteAlias('btc-momentum', 'champion')).toBe(false);
      expect(await models().deleteAlias('missing', 'champion')).toBe(false);
      expect(await models().getAlias('btc-momentum', 'champion')).toBeUndefined();
      expect(await models().getAlias('other', 'champion')).toEqual(
        alias('other', 'champion', '3.0.0'),
      );
      expect((await models().listAliases('btc-momentum')).map((a) => a.alias)).toEqual(
        names.filter((n) => n !== 'champion'),
      );
    });

    it('refuses a NUL character in an alias with ValidationError', async () => {
      await expect(
        models().setAlias(alias('btc-momentum', 'a\u0000b', '1.0.0')),
      ).rejects.toBeInstanceOf(ValidationError);
      expect(await models().listAliases('btc-momentum')).toEqual([]);
    });
  });

  describe('models: events', () => {
    it('round-trips every field and lists oldest first by time, then id', async () => {
      const full = modelEvent('btc-momentum', {
        id: 'e-3',
        version: '1.0.0',
        kind: 'alias_set',
        from: '0.9.0',
        to: '1.0.0',
        alias: 'champion',
        actor: 'renée 🚀',
        reason: 'better "sharpe"\nratio',
        at: at(1),
      });
      const bare = modelEvent('btc-momentum', {
        id: 'e-1',
        version: null,
        kind: 'archived',
        from: null,
        to: null,
        at: at(1),
      });
      const early = modelEvent('btc-momentum', { id: 'e-9', at: DATE_SAMPLES[0] as Date });
      const late = modelEvent('btc-momentum', { id: 'e-0', at: at(2) });
      const other = modelEvent('other', { id: 'e-5', at: at(0) });
      await models().appendEvents([full, late, other]);
      await models().appendEvents([bare, early]);
      await models().appendEvents([]);
      expect(await models().listEvents('btc-momentum')).toEqual([early, bare, full, late]);
      expect(await models().listEvents('btc-momentum', { limit: 2 })).toEqual([early, bare]);
      expect(await models().listEvents('other')).toEqual([other]);
      expect(await models().listEvents('missing')).toEqual([]);
    });

    it('orders events of one millisecond by id in code point order', async () => {
      const ids = ['b', 'a', 'é', 'Z', '😀', 'ｱ'];
      await models().appendEvents(ids.map((id) => modelEvent('m', { id, at: T0 })));
      const listed = await models().listEvents('m');
      expect(idsOf(listed)).toEqual([...ids].sort(byCodePoint));
    });

    it('refuses a duplicate id with ConflictError and stores none of the batch', async () => {
      const first = modelEvent('btc-momentum');
      await models().appendEvents([first]);
      const fresh = modelEvent('btc-momentum', { at: at(1) });
      expect(
        await caught(models().appendEvents([fresh, { ...first, reason: 'again' }])),
      ).toBeInstanceOf(ConflictError);
      const twin = modelEvent('btc-momentum', { at: at(2) });
      expect(await caught(models().appendEvents([twin, { ...twin }]))).toBeInstanceOf(
        ConflictError,
      );
      expect(await models().listEvents('btc-momentum')).toEqual([first]);
    });

    it('refuses a bad event with ValidationError and stores none of the batch', async () => {
      const good = modelEvent('btc-momentum');
      const bad = modelEvent('btc-momentum', { at: new Date(Number.NaN) });
      expect(await caught(models().appendEvents([good, bad]))).toBeInstanceOf(ValidationError);
      expect(await models().listEvents('btc-momentum')).toEqual([]);
    });
  });

  describe('artifacts: storage, heads, lineage and delete', () => {
    const put = async (id: string, overrides: Parameters<typeof artifact>[1] = {}) => {
      const record = artifact(new Uint8Array([id.charCodeAt(0)]), { id: sha(id), ...overrides });
      await artifacts().put(record);
      return record;
    };
    const headOf = ({ bytes: _bytes, ...head }: ArtifactRecord) => head;
    const byId = (a: { id: string }, b: { id: string }) => byCodePoint(a.id, b.id);

    it('round-trips where the bytes are kept', async () => {
      const inBackend = await put('a');
      const inDirectory = await put('b', {
        storage: 'directory',
        bytes: new Uint8Array(0),
        size: 0,
      });
      expect(await artifacts().get(inBackend.id)).toEqual(inBackend);
      expect((await artifacts().head(inBackend.id))?.storage).toBe('backend');
      expect(await artifacts().get(inDirectory.id)).toEqual(inDirectory);
      expect(await artifacts().head(inDirectory.id)).toEqual(headOf(inDirectory));
    });

    it('returns the heads of the ids that exist, each once, without bytes', async () => {
      const a = await put('a', { name: 'ohlcv ü', metadata: { rows: 3 } });
      const b = await put('b', { storage: 'directory', bytes: new Uint8Array(0), size: 0 });
      const heads = await artifacts().heads([sha('c'), b.id, a.id, 'missing', a.id]);
      expect([...heads].sort(byId)).toEqual([headOf(a), headOf(b)]);
      for (const head of heads) expect(head).not.toHaveProperty('bytes');
      expect(await artifacts().heads([])).toEqual([]);
      expect(await artifacts().heads(['missing'])).toEqual([]);
    });

    it('links inputs once and lists them by artifact, then input', async () => {
      for (const c of 'abcxyz') await put(c);
      await artifacts().linkInputs(sha('b'), [sha('y'), sha('x')]);
      await artifacts().linkInputs(sha('b'), [sha('x'), sha('z'), sha('y')]);
      await artifacts().linkInputs(sha('a'), [sha('z')]);
      await artifacts().linkInputs(sha('c'), []);
      const link = (artifactId: string, inputId: string) => ({
        artifactId: sha(artifactId),
        inputId: sha(inputId),
      });
      expect(await artifacts().inputsOf([sha('b')])).toEqual([
        link('b', 'x'),
        link('b', 'y'),
        link('b', 'z'),
      ]);
      expect(await artifacts().inputsOf([sha('b'), sha('a'), sha('c')])).toEqual([
        link('a', 'z'),
        link('b', 'x'),
        link('b', 'y'),
        link('b', 'z'),
      ]);
      expect(await artifacts().inputsOf([sha('x')])).toEqual([]);
      expect(await artifacts().inputsOf([])).toEqual([]);
      expect(await artifacts().consumersOf([sha('z')])).toEqual([link('a', 'z'), link('b', 'z')]);
      expect(await artifacts().consumersOf([sha('z'), sha('x')])).toEqual([
        link('a', 'z'),
        link('b', 'x'),
        link('b', 'z'),
      ]);
      expect(await artifacts().consumersOf([sha('b')])).toEqual([]);
      expect(await artifacts().consumersOf([])).toEqual([]);
    });

    it('deletes an artifact with its own input links, keeping links that name it as an input', async () => {
      for (const c of 'abcx') await put(c);
      await artifacts().linkInputs(sha('b'), [sha('x'), sha('a')]);
      await artifacts().linkInputs(sha('c'), [sha('b')]);
      expect(await artifacts().delete(sha('b'))).toBe(true);
      expect(await artifacts().get(sha('b'))).toBeUndefined();
      expect(await artifacts().head(sha('b'))).toBeUndefined();
      expect(await artifacts().heads([sha('b')])).toEqual([]);
      expect(await artifacts().inputsOf([sha('b')])).toEqual([]);
      expect(await artifacts().consumersOf([sha('x'), sha('a')])).toEqual([]);
      expect(await artifacts().consumersOf([sha('b')])).toEqual([
        { artifactId: sha('c'), inputId: sha('b') },
      ]);
      expect(await artifacts().delete(sha('b'))).toBe(false);
      expect(await artifacts().delete('missing')).toBe(false);
      expect((await artifacts().heads([sha('a'), sha('c'), sha('x')])).length).toBe(3);
      // The id can be stored again afterwards.
      expect(await artifacts().put(artifact(new Uint8Array([2]), { id: sha('b') }))).toEqual({
        created: true,
      });
      expect(await artifacts().inputsOf([sha('b')])).toEqual([]);
    });

    it('rolls a delete and new links back with their transaction, and hides them until commit', async () => {
      for (const c of 'abx') await put(c);
      await artifacts().linkInputs(sha('b'), [sha('x')]);
      await expect(
        backend().transaction(async (tx) => {
          expect(await tx.artifacts.delete(sha('b'))).toBe(true);
          await tx.artifacts.linkInputs(sha('a'), [sha('x')]);
          expect(await tx.artifacts.get(sha('b'))).toBeUndefined();
          expect(await tx.artifacts.heads([sha('b')])).toEqual([]);
          expect(await tx.artifacts.consumersOf([sha('x')])).toEqual([
            { artifactId: sha('a'), inputId: sha('x') },
          ]);
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      expect((await artifacts().head(sha('b')))?.id).toBe(sha('b'));
      expect(await artifacts().consumersOf([sha('x')])).toEqual([
        { artifactId: sha('b'), inputId: sha('x') },
      ]);
      await backend().transaction(async (tx) => {
        await tx.artifacts.delete(sha('b'));
        await tx.artifacts.linkInputs(sha('a'), [sha('x')]);
      });
      expect(await artifacts().head(sha('b'))).toBeUndefined();
      expect(await artifacts().consumersOf([sha('x')])).toEqual([
        { artifactId: sha('a'), inputId: sha('x') },
      ]);
    });
  });

  describe('models: transactions', () => {
    it('rolls back a version, its events and an alias together', async () => {
      const record = modelVersion({ version: '1.0.0' });
      const event = modelEvent(record.name, { version: '1.0.0' });
      const boom = new Error('abort');
      const error = await caught(
        backend().transaction(async (tx) => {
          await tx.models.insertVersion(record);
          await tx.models.appendEvents([event]);
          await tx.models.setAlias(alias(record.name, 'champion', '1.0.0'));
          expect(await tx.models.getVersion(record.name, '1.0.0')).toEqual(record);
          expect(await tx.models.listEvents(record.name)).toEqual([event]);
          expect(await tx.models.listAliases(record.name)).toHaveLength(1);
          throw boom;
        }),
      );
      expect(error).toBe(boom);
      expect(await models().getVersion(record.name, '1.0.0')).toBeUndefined();
      expect(await models().listVersions()).toEqual([]);
      expect(await models().latestVersion(record.name)).toBeUndefined();
      expect(await models().listEvents(record.name)).toEqual([]);
      expect(await models().getAlias(record.name, 'champion')).toBeUndefined();
      // Nothing of it lingers: the same version, event and alias can be written now.
      await models().insertVersion(record);
      await models().appendEvents([event]);
      await models().setAlias(alias(record.name, 'champion', '1.0.0'));
      expect(await models().listEvents(record.name)).toEqual([event]);
    });

    it('commits a version, its events and an alias together, unseen until commit', async () => {
      const record = modelVersion({ version: '1.0.0', stage: 'production' });
      const event = modelEvent(record.name);
      let release!: () => void;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      let written!: () => void;
      const writtenSignal = new Promise<void>((resolve) => {
        written = resolve;
      });
      const committing = backend().transaction(async (tx) => {
        await tx.models.insertVersion(record);
        await tx.models.appendEvents([event]);
        await tx.models.setAlias(alias(record.name, 'champion', '1.0.0'));
        written();
        await gate;
      });
      await writtenSignal;
      // A reader answers while the transaction is open (memory, PostgreSQL) and must see none of
      // it, or waits for the writer (SQLite, DuckDB) and answers after the commit. Readers that
      // answer after the commit are separate statements racing it, so they are not compared.
      let released = false;
      let answeredWhileOpen = false;
      const outside = Promise.all([
        models().getVersion(record.name, '1.0.0'),
        models().listEvents(record.name),
        models().getAlias(record.name, 'champion'),
      ]).then((answers) => {
        answeredWhileOpen = !released;
        return answers;
      });
      await Promise.race([outside, new Promise((resolve) => setTimeout(resolve, 250))]);
      released = true;
      release();
      const [version, events, champion] = await outside;
      if (answeredWhileOpen)
        expect([version, events, champion]).toEqual([undefined, [], undefined]);
      await committing;
      expect(await models().getVersion(record.name, '1.0.0')).toEqual(record);
      expect(await models().listEvents(record.name)).toEqual([event]);
      expect((await models().getAlias(record.name, 'champion'))?.version).toBe('1.0.0');
    });

    it('rolls back a stage change and an alias move, restoring the production rule', async () => {
      const live = modelVersion({ version: '1.0.0', stage: 'production' });
      const next = modelVersion({ version: '1.1.0', stage: 'staging' });
      await models().insertVersion(live);
      await models().insertVersion(next);
      await models().setAlias(alias(live.name, 'champion', '1.0.0'));
      await expect(
        backend().transaction(async (tx) => {
          await tx.models.updateVersion(live.name, '1.0.0', { stage: 'archived' });
          await tx.models.updateVersion(next.name, '1.1.0', { stage: 'production' });
          await tx.models.setAlias(alias(live.name, 'champion', '1.1.0', { updatedAt: at(5) }));
          await tx.models.deleteAlias(live.name, 'missing');
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      expect(await models().getVersion(live.name, '1.0.0')).toEqual(live);
      expect(await models().getVersion(live.name, '1.1.0')).toEqual(next);
      expect(await models().getAlias(live.name, 'champion')).toEqual(
        alias(live.name, 'champion', '1.0.0'),
      );
      // 1.0.0 is production again, so 1.1.0 still cannot be.
      expect(
        await caught(models().updateVersion(next.name, '1.1.0', { stage: 'production' })),
      ).toBeInstanceOf(ConflictError);
    });

    it('rolls everything back when the production rule refuses a write inside', async () => {
      const live = modelVersion({ version: '1.0.0', stage: 'production' });
      await models().insertVersion(live);
      const second = modelVersion({ version: '2.0.0', stage: 'production' });
      const event = modelEvent(live.name, { version: '2.0.0' });
      const error = await caught(
        backend().transaction(async (tx) => {
          await tx.models.appendEvents([event]);
          await tx.models.setAlias(alias(live.name, 'challenger', '2.0.0'));
          await tx.models.insertVersion(second);
        }),
      );
      expect(error).toBeInstanceOf(ConflictError);
      expect(await models().getVersion(live.name, '2.0.0')).toBeUndefined();
      expect(await models().listEvents(live.name)).toEqual([]);
      expect(await models().listAliases(live.name)).toEqual([]);
    });
  });

  describe('models and artifact lineage: after close', () => {
    it('throws ClosedError from every model and lineage method', async () => {
      const own = backend();
      await own.close();
      const record = modelVersion();
      const calls: Array<[string, () => Promise<unknown>]> = [
        ['models.insertVersion', () => own.models.insertVersion(record)],
        ['models.getVersion', () => own.models.getVersion(record.name, record.version)],
        ['models.latestVersion', () => own.models.latestVersion(record.name)],
        ['models.versionsInStage', () => own.models.versionsInStage(record.name, 'staging')],
        ['models.listVersions', () => own.models.listVersions()],
        ['models.versionsByArtifacts', () => own.models.versionsByArtifacts(['x'])],
        [
          'models.updateVersion',
          () => own.models.updateVersion(record.name, record.version, { stage: 'staging' }),
        ],
        ['models.setAlias', () => own.models.setAlias(alias(record.name, 'a', '1.0.0'))],
        ['models.deleteAlias', () => own.models.deleteAlias(record.name, 'a')],
        ['models.getAlias', () => own.models.getAlias(record.name, 'a')],
        ['models.listAliases', () => own.models.listAliases(record.name)],
        ['models.appendEvents', () => own.models.appendEvents([modelEvent(record.name)])],
        ['models.listEvents', () => own.models.listEvents(record.name)],
        ['artifacts.heads', () => own.artifacts.heads(['x'])],
        ['artifacts.linkInputs', () => own.artifacts.linkInputs('x', ['y'])],
        ['artifacts.inputsOf', () => own.artifacts.inputsOf(['x'])],
        ['artifacts.consumersOf', () => own.artifacts.consumersOf(['x'])],
        ['artifacts.delete', () => own.artifacts.delete('x')],
      ];
      for (const [name, call] of calls) {
        expect(await caught(call()), name).toBeInstanceOf(ClosedError);
      }
    });
  });
}
