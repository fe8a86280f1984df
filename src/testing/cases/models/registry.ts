import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BackendError,
  ConflictError,
  InvalidTransitionError,
  NotFoundError,
  ValidationError,
} from '../../../errors.js';
import type { Lab } from '../../../lab.js';
import type { ModelRegistration } from '../../../models/definition.js';
import type { ModelEvent, ModelVersion } from '../../../models/manager.js';
import { MODEL_STAGE_TRANSITIONS, MODEL_STAGES } from '../../../models/stages.js';
import type { ModelStage } from '../../../storage/records.js';
import type { ConformanceTarget } from '../../harness.js';
import { definition, expectInvalid, freshLabs, manualClock, rejection } from '../../labs.js';

const NAME = 'direction';

let made = 0;
/** Bytes no other registration of this file uses (unless a test passes the same ones). */
const freshBytes = (label = 'model') => new TextEncoder().encode(`${label} #${++made} weights`);
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
/** A copy as a plain Uint8Array, so a Buffer from a driver compares equal to the original. */
const plain = (bytes: Uint8Array) => new Uint8Array(bytes);

/** A valid registration of `NAME` with fresh bytes; override any field. */
function registration(overrides: Partial<ModelRegistration> = {}): ModelRegistration {
  return { name: NAME, artifact: freshBytes(), modelType: 'xgboost', ...overrides };
}

const versionsOf = (records: readonly ModelVersion[]) => records.map((r) => r.version);
const idsOf = (records: readonly { id: string }[]) => records.map((r) => r.id);

/** Registers a version of `name` and drives it to `stage` through legal moves. */
async function versionIn(lab: Lab, stage: ModelStage, name = NAME): Promise<string> {
  const { version } = await lab.models.register(registration({ name }));
  switch (stage) {
    case 'staging':
      await lab.models.promote(name, version, 'staging');
      break;
    case 'production':
      await lab.models.promote(name, version, 'staging');
      await lab.models.promote(name, version, 'production');
      break;
    case 'archived':
      await lab.models.archive(name, version);
      break;
    default:
      break;
  }
  return version;
}

/** The versions of a model in production (there must never be more than one). */
async function productionVersions(lab: Lab, name = NAME): Promise<string[]> {
  return versionsOf((await lab.models.list({ name, stage: 'production' })).versions);
}

const entersProduction = (e: ModelEvent) =>
  e.to === 'production' && (e.kind === 'stage_changed' || e.kind === 'rolled_back');
const leavesProduction = (e: ModelEvent) => e.from === 'production' && e.to === 'staging';

/** `lab.models`: registration, versions, stages, aliases, history, rollback, archive, verify. @internal */
export function modelRegistryCases(target: ConformanceTarget): void {
  describe('models: registry', () => {
    const openLab = freshLabs(target);

    // ------------------------------------------------------------------ version numbers

    describe('version numbers', () => {
      it('assigns 1.0.0, 1.0.1, 1.0.2, ... per model', async () => {
        const lab = await openLab({ clock: manualClock() });
        const versions: string[] = [];
        for (let i = 0; i < 3; i++)
          versions.push((await lab.models.register(registration())).version);
        expect(versions).toEqual(['1.0.0', '1.0.1', '1.0.2']);
        // Another model counts on its own.
        const other = await lab.models.register(registration({ name: 'volatility' }));
        expect(other.version).toBe('1.0.0');
        expect(other).toMatchObject({ major: 1, minor: 0, patch: 0 });
      });

      it('continues after an explicit version with its next patch (2.3.0 → 2.3.1)', async () => {
        const lab = await openLab({ clock: manualClock() });
        await lab.models.register(registration());
        const explicit = await lab.models.register(registration({ version: '2.3.0' }));
        expect(explicit).toMatchObject({ version: '2.3.0', major: 2, minor: 3, patch: 0 });
        const next = await lab.models.register(registration());
        expect(next).toMatchObject({ version: '2.3.1', major: 2, minor: 3, patch: 1 });
      });

      it('accepts an explicit version below the highest; the next one still follows the highest', async () => {
        const lab = await openLab({ clock: manualClock() });
        await lab.models.register(registration({ version: '2.0.0' }));
        const lower = await lab.models.register(registration({ version: '1.5.0' }));
        expect(lower.version).toBe('1.5.0');
        expect((await lab.models.get(NAME)).version).toBe('2.0.0');
        expect((await lab.models.register(registration())).version).toBe('2.0.1');
      });

      it('orders versions numerically: 1.10.0 > 1.9.0 and 1.2.10 > 1.2.9', async () => {
        const lab = await openLab({ clock: manualClock() });
        await lab.models.register(registration({ version: '1.10.0' }));
        await lab.models.register(registration({ version: '1.9.0' }));
        expect((await lab.models.get(NAME)).version).toBe('1.10.0');
        expect((await lab.models.register(registration())).version).toBe('1.10.1');

        await lab.models.register(registration({ name: 'patches', version: '1.2.9' }));
        const tenth = await lab.models.register(registration({ name: 'patches' }));
        expect(tenth.version).toBe('1.2.10');
        // Text order would take 1.2.9 as the highest and try 1.2.10 again.
        expect((await lab.models.get('patches')).version).toBe('1.2.10');
        expect((await lab.models.register(registration({ name: 'patches' }))).version).toBe(
          '1.2.11',
        );
      });

      it.each([
        '1.0',
        '01.0.0',
        '1.01.0',
        '1.0.0-rc.1',
        '1.0.0+build.5',
        'v1.0.0',
        ' 1.0.0',
        '1.0.0.0',
        '',
        '-1.0.0',
      ])(
        'refuses version %j (ValidationError on version), registering nothing',
        async (version) => {
          const lab = await openLab({ clock: manualClock() });
          const bytes = freshBytes();
          await expectInvalid(
            lab.models.register(registration({ version, artifact: bytes })),
            'version',
          );
          expect(await rejection(lab.models.get(NAME))).toBeInstanceOf(NotFoundError);
          expect((await lab.models.list()).versions).toEqual([]);
        },
      );

      it('refuses a version that is not a string', async () => {
        const lab = await openLab({ clock: manualClock() });
        await expectInvalid(
          lab.models.register(registration({ version: 1 as unknown as string })),
          'version',
        );
      });

      it('refuses a duplicate version with ConflictError and changes nothing', async () => {
        const clock = manualClock();
        const lab = await openLab({ clock });
        const first = await lab.models.register(registration({ version: '1.4.0', tags: ['a'] }));
        const history = await lab.models.history(NAME);
        clock.advance(1000);
        const error = await rejection(
          lab.models.register(registration({ version: '1.4.0', tags: ['b'], modelType: 'onnx' })),
        );
        expect(error).toBeInstanceOf(ConflictError);
        expect(await lab.models.get(NAME, { version: '1.4.0' })).toEqual(first);
        expect((await lab.models.list({ name: NAME })).versions).toEqual([first]);
        expect(await lab.models.history(NAME)).toEqual(history);
      });

      it('gives concurrent registrations distinct versions', async () => {
        const lab = await openLab({ clock: manualClock() });
        const registered = await Promise.all(
          Array.from({ length: 5 }, () => lab.models.register(registration())),
        );
        expect(versionsOf(registered).sort()).toEqual([
          '1.0.0',
          '1.0.1',
          '1.0.2',
          '1.0.3',
          '1.0.4',
        ]);
        expect((await lab.models.list({ name: NAME })).versions).toHaveLength(5);
      });

      it('lets only one of two concurrent registrations of the same explicit version succeed', async () => {
        const lab = await openLab({ clock: manualClock() });
        const results = await Promise.allSettled([
          lab.models.register(registration({ version: '3.0.0' })),
          lab.models.register(registration({ version: '3.0.0' })),
        ]);
        const fulfilled = results.filter((r) => r.status === 'fulfilled');
        const rejected = results.filter((r) => r.status === 'rejected');
        expect(fulfilled).toHaveLength(1);
        expect(rejected).toHaveLength(1);
        expect((rejected[0] as PromiseRejectedResult).reason).toBeInstanceOf(ConflictError);
        expect(versionsOf((await lab.models.list({ name: NAME })).versions)).toEqual(['3.0.0']);
      });
    });

    // ------------------------------------------------------------------ artifacts

    describe('artifacts', () => {
      it('stores the bytes as a model artifact; loadArtifact returns them unchanged', async () => {
        const lab = await openLab({ clock: manualClock() });
        const bytes = new Uint8Array(4096);
        for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + 7) % 256;
        const v = await lab.models.register(registration({ artifact: bytes }));
        expect(v.artifactId).toBe(sha256(bytes));
        const head = await lab.artifacts.head(v.artifactId);
        expect(head).toMatchObject({ id: v.artifactId, type: 'model', size: 4096 });
        expect(plain(await lab.models.loadArtifact(NAME, { version: v.version }))).toEqual(bytes);
        expect(plain(await lab.models.loadArtifact(NAME))).toEqual(bytes);
        expect((await lab.artifacts.lineage(v.artifactId)).modelVersions).toEqual([
          { name: NAME, version: v.version, stage: 'development' },
        ]);
      });

      it('accepts an ArrayBuffer and empty bytes', async () => {
        const lab = await openLab({ clock: manualClock() });
        const source = freshBytes();
        const buffer = source.buffer.slice(
          source.byteOffset,
          source.byteOffset + source.byteLength,
        );
        const v = await lab.models.register(registration({ artifact: buffer }));
        expect(v.artifactId).toBe(sha256(source));
        expect(plain(await lab.models.loadArtifact(NAME, { version: v.version }))).toEqual(source);
        const empty = await lab.models.register(registration({ artifact: new Uint8Array(0) }));
        expect(empty.artifactId).toBe(sha256(new Uint8Array(0)));
        expect(await lab.models.loadArtifact(NAME, { version: empty.version })).toHaveLength(0);
      });

      it('registers an artifact already stored, by its id', async () => {
        const lab = await openLab({ clock: manualClock() });
        const bytes = freshBytes();
        const { id } = await lab.artifacts.put(bytes, { type: 'model', name: 'xgb.json' });
        const v = await lab.models.register(registration({ artifact: id }));
        expect(v.artifactId).toBe(id);
        expect(plain(await lab.models.loadArtifact(NAME, { version: v.version }))).toEqual(bytes);
      });

      it('refuses an artifact id that names no artifact (ValidationError on artifact)', async () => {
        const lab = await openLab({ clock: manualClock() });
        await expectInvalid(
          lab.models.register(registration({ artifact: sha256(freshBytes('never stored')) })),
          'artifact',
        );
        await expectInvalid(
          lab.models.register(registration({ artifact: 'not-an-id' })),
          'artifact',
        );
        await expectInvalid(
          lab.models.register(registration({ artifact: 'A'.repeat(64) })),
          'artifact',
        );
        expect((await lab.models.list()).versions).toEqual([]);
      });

      it('stores the same bytes once: two versions share one artifact id', async () => {
        const lab = await openLab({ clock: manualClock() });
        const bytes = freshBytes();
        const v1 = await lab.models.register(registration({ artifact: bytes }));
        const v2 = await lab.models.register(registration({ artifact: plain(bytes) }));
        const other = await lab.models.register(
          registration({ name: 'volatility', artifact: plain(bytes) }),
        );
        expect(v2.artifactId).toBe(v1.artifactId);
        expect(other.artifactId).toBe(v1.artifactId);
        const lineage = await lab.artifacts.lineage(v1.artifactId);
        expect(lineage.modelVersions).toHaveLength(3);
        expect(lineage.modelVersions).toEqual(
          expect.arrayContaining([
            { name: NAME, version: v1.version, stage: 'development' },
            { name: NAME, version: v2.version, stage: 'development' },
            { name: 'volatility', version: other.version, stage: 'development' },
          ]),
        );
      });
    });

    // ------------------------------------------------------------------ fields

    describe('fields', () => {
      it('round-trips every field', async () => {
        const clock = manualClock();
        const lab = await openLab({ clock });
        const experiment = await lab.experiments.create(definition());
        clock.advance(1000);
        const bytes = freshBytes();
        const v = await lab.models.register({
          name: NAME,
          artifact: bytes,
          modelType: 'lightgbm',
          features: ['rsi_14', 'vol_1h', 'ret_5m ü'],
          target: 'up_1h',
          hyperparameters: {
            learning_rate: 0.05,
            num_leaves: 31,
            objective: 'binary',
            early_stopping: true,
            nested: { list: [1, 'two', null, { deep: -0.5 }] },
          },
          preprocessing: { scaler: 'standard', window: 20, clip: [-3, 3] },
          featureImportance: { rsi_14: 0.61, vol_1h: 0.29, 'ret_5m ü': 0.1 },
          metrics: { auc: 0.62, accuracy: 0.55 },
          validationMetrics: { auc: 0.6, logloss: 0.68 },
          testMetrics: { auc: 0.59, sharpe: -0.25 },
          trainingData: {
            from: '2024-01-01',
            to: new Date('2025-01-01T06:30:00.250Z'),
            samples: 812_000,
          },
          trainingDurationSeconds: 1234.5,
          experimentId: experiment.id,
          tags: ['btc', '1h', 'btc', 'candidate', '1h'],
          description: 'LightGBM on 1h bars — first try 🚀',
          trainedBy: 'ci',
        });
        const expected = {
          name: NAME,
          version: '1.0.0',
          major: 1,
          minor: 0,
          patch: 0,
          stage: 'development',
          artifactId: sha256(bytes),
          modelType: 'lightgbm',
          features: ['rsi_14', 'vol_1h', 'ret_5m ü'],
          target: 'up_1h',
          hyperparameters: {
            learning_rate: 0.05,
            num_leaves: 31,
            objective: 'binary',
            early_stopping: true,
            nested: { list: [1, 'two', null, { deep: -0.5 }] },
          },
          preprocessing: { scaler: 'standard', window: 20, clip: [-3, 3] },
          featureImportance: { rsi_14: 0.61, vol_1h: 0.29, 'ret_5m ü': 0.1 },
          metrics: { auc: 0.62, accuracy: 0.55 },
          validationMetrics: { auc: 0.6, logloss: 0.68 },
          testMetrics: { auc: 0.59, sharpe: -0.25 },
          trainingData: {
            from: '2024-01-01T00:00:00.000Z',
            to: '2025-01-01T06:30:00.250Z',
            samples: 812_000,
          },
          trainingDurationSeconds: 1234.5,
          experimentId: experiment.id,
          tags: ['btc', '1h', 'candidate'],
          description: 'LightGBM on 1h bars — first try 🚀',
          trainedBy: 'ci',
          createdAt: clock(),
          updatedAt: clock(),
        };
        expect(v).toMatchObject(expected);
        expect(typeof v.id).toBe('string');
        expect(await lab.models.get(NAME, { version: '1.0.0' })).toEqual(v);
        expect(await lab.models.get(NAME)).toEqual(v);
        expect((await lab.models.list({ name: NAME })).versions).toEqual([v]);
      });

      it('fills the optional fields with empty values', async () => {
        const clock = manualClock();
        const lab = await openLab({ clock });
        const v = await lab.models.register({
          name: NAME,
          artifact: freshBytes(),
          modelType: 'custom',
        });
        const expected = {
          stage: 'development',
          modelType: 'custom',
          features: [],
          target: null,
          hyperparameters: {},
          preprocessing: {},
          featureImportance: {},
          metrics: {},
          validationMetrics: {},
          testMetrics: {},
          trainingData: null,
          trainingDurationSeconds: null,
          experimentId: null,
          tags: [],
          description: null,
          trainedBy: null,
          createdAt: clock(),
          updatedAt: clock(),
        };
        expect(v).toMatchObject(expected);
        expect(await lab.models.get(NAME)).toEqual(v);
      });

      it('refuses an experimentId that names no experiment (ValidationError on experimentId)', async () => {
        const lab = await openLab({ clock: manualClock() });
        await expectInvalid(
          lab.models.register(
            registration({ experimentId: '019b0000-0000-7000-8000-000000000000' }),
          ),
          'experimentId',
        );
        expect((await lab.models.list()).versions).toEqual([]);
        await expect(lab.models.history(NAME)).rejects.toBeInstanceOf(NotFoundError);
      });

      it.each<[string, Record<string, unknown>, string]>([
        ['an empty name', { name: '' }, 'name'],
        ['a missing name', { name: undefined }, 'name'],
        ['a name with NUL', { name: 'a\u0000b' }, 'name'],
        ['an empty modelType', { modelType: '' }, 'modelType'],
        ['a repeated feature', { features: ['rsi', 'vol', 'rsi'] }, 'features[2]'],
        ['a metric that is not finite', { metrics: { auc: Number.NaN } }, 'metrics.auc'],
        ['a string metric', { testMetrics: { auc: 'high' } }, 'testMetrics.auc'],
        [
          'hyperparameters that are not JSON',
          { hyperparameters: { lr: Number.POSITIVE_INFINITY } },
          'hyperparameters.lr',
        ],
        [
          'training data ending before it starts',
          { trainingData: { from: '2025-01-01', to: '2024-01-01', samples: 10 } },
          'trainingData.to',
        ],
        [
          'a negative sample count',
          { trainingData: { from: '2024-01-01', to: '2025-01-01', samples: -1 } },
          'trainingData.samples',
        ],
        [
          'a zone-less training start',
          { trainingData: { from: '2024-01-01T00:00:00', to: '2025-01-01', samples: 1 } },
          'trainingData.from',
        ],
        [
          'a negative training duration',
          { trainingDurationSeconds: -5 },
          'trainingDurationSeconds',
        ],
        ['an empty tag', { tags: ['ok', ''] }, 'tags[1]'],
        ['a description with NUL', { description: 'x\u0000' }, 'description'],
        ['an artifact that is neither bytes nor an id', { artifact: 42 }, 'artifact'],
        ['an unknown field', { owner: 'ana' }, 'owner'],
      ])(
        'refuses %s with ValidationError on the field, registering nothing',
        async (_, overrides, field) => {
          const lab = await openLab({ clock: manualClock() });
          await expectInvalid(
            lab.models.register(registration(overrides as Partial<ModelRegistration>)),
            field,
          );
          expect((await lab.models.list()).versions).toEqual([]);
        },
      );

      // The artifact row commits in the registration's transaction: a refused registration
      // leaves no orphan model artifact.
      it('leaves no artifact behind when the registration is refused', async () => {
        const lab = await openLab({ clock: manualClock() });
        await lab.models.register(registration({ version: '1.0.0' }));
        const duplicate = freshBytes();
        expect(
          await rejection(
            lab.models.register(registration({ version: '1.0.0', artifact: duplicate })),
          ),
        ).toBeInstanceOf(ConflictError);
        expect(await rejection(lab.artifacts.head(sha256(duplicate)))).toBeInstanceOf(
          NotFoundError,
        );
        const orphan = freshBytes();
        await expectInvalid(
          lab.models.register(
            registration({
              artifact: orphan,
              experimentId: '019b0000-0000-7000-8000-000000000000',
            }),
          ),
          'experimentId',
        );
        expect(await rejection(lab.artifacts.head(sha256(orphan)))).toBeInstanceOf(NotFoundError);
      });
    });

    // ------------------------------------------------------------------ get

    describe('get', () => {
      it('finds a version by version, by stage (highest in it), by alias, and the highest without a selector', async () => {
        const clock = manualClock();
        const lab = await openLab({ clock });
        const v1 = await lab.models.register(registration());
        const v2 = await lab.models.register(registration());
        const v3 = await lab.models.register(registration({ version: '1.0.9' }));
        // Registered last but lower: the latest is the highest version, not the newest.
        await lab.models.register(registration({ version: '1.0.5' }));
        await lab.models.promote(NAME, v1.version, 'staging');
        await lab.models.promote(NAME, v2.version, 'staging');
        await lab.models.promote(NAME, v1.version, 'production');
        await lab.models.setAlias(NAME, 'challenger', v2.version);

        expect((await lab.models.get(NAME, { version: '1.0.1' })).version).toBe('1.0.1');
        expect((await lab.models.get(NAME, { stage: 'production' })).version).toBe(v1.version);
        expect((await lab.models.get(NAME, { stage: 'staging' })).version).toBe(v2.version);
        expect((await lab.models.get(NAME, { stage: 'development' })).version).toBe(v3.version);
        expect((await lab.models.get(NAME, { alias: 'challenger' })).version).toBe(v2.version);
        expect((await lab.models.get(NAME)).version).toBe('1.0.9');
        expect((await lab.models.get(NAME, {} as never)).version).toBe('1.0.9');
        expect(plain(await lab.models.loadArtifact(NAME, { alias: 'challenger' }))).toEqual(
          plain(await lab.models.loadArtifact(NAME, { version: v2.version })),
        );
      });

      it('throws NotFoundError for a missing model, version, stage or alias', async () => {
        const lab = await openLab({ clock: manualClock() });
        await versionIn(lab, 'staging');
        const cases: [string, () => Promise<unknown>][] = [
          ['unknown model', () => lab.models.get('nobody')],
          ['unknown model, by version', () => lab.models.get('nobody', { version: '1.0.0' })],
          ['unknown version', () => lab.models.get(NAME, { version: '9.9.9' })],
          ['empty stage', () => lab.models.get(NAME, { stage: 'production' })],
          ['empty stage', () => lab.models.get(NAME, { stage: 'archived' })],
          ['unknown alias', () => lab.models.get(NAME, { alias: 'champion' })],
          [
            'loadArtifact of a missing version',
            () => lab.models.loadArtifact(NAME, { version: '2.0.0' }),
          ],
          ['verify of a missing version', () => lab.models.verify(NAME, '2.0.0')],
        ];
        for (const [label, call] of cases) {
          expect(await rejection(call()), label).toBeInstanceOf(NotFoundError);
        }
      });

      it('refuses a bad selector with ValidationError naming it', async () => {
        const lab = await openLab({ clock: manualClock() });
        await versionIn(lab, 'development');
        await expectInvalid(lab.models.get(NAME, { version: '1.0' }), 'selector.version');
        await expectInvalid(
          lab.models.get(NAME, { stage: 'live' as ModelStage }),
          'selector.stage',
        );
        await expectInvalid(lab.models.get(NAME, { alias: '1st' }), 'selector.alias');
        await expectInvalid(
          lab.models.get(NAME, { version: '1.0.0', stage: 'development' } as never),
          'selector',
        );
        await expectInvalid(lab.models.get(''), 'name');
      });
    });

    // ------------------------------------------------------------------ list

    describe('list', () => {
      async function catalogue(lab: Lab, clock: ReturnType<typeof manualClock>) {
        const at = async (r: Partial<ModelRegistration>) => {
          clock.advance(1000);
          return lab.models.register(registration(r));
        };
        const a1 = await at({ name: 'alpha', tags: ['btc', 'prod-candidate'] });
        const b1 = await at({ name: 'beta', modelType: 'lightgbm', tags: ['eth'] });
        const a2 = await at({ name: 'alpha', tags: ['btc'] });
        const b2 = await at({ name: 'beta', modelType: 'lightgbm', tags: ['btc', 'eth'] });
        const a3 = await at({ name: 'alpha', modelType: 'onnx' });
        await lab.models.promote('alpha', a1.version, 'staging');
        await lab.models.promote('alpha', a1.version, 'production');
        await lab.models.promote('alpha', a2.version, 'staging');
        await lab.models.promote('beta', b2.version, 'staging');
        await lab.models.archive('beta', b1.version);
        return { a1, b1, a2, b2, a3 };
      }

      it('lists every version newest first', async () => {
        const clock = manualClock();
        const lab = await openLab({ clock });
        const { a1, b1, a2, b2, a3 } = await catalogue(lab, clock);
        const page = await lab.models.list();
        expect(idsOf(page.versions)).toEqual(idsOf([a3, b2, a2, b1, a1]));
        expect(page.nextCursor).toBeNull();
        expect(page.versions[4]).toEqual(await lab.models.get('alpha', { version: a1.version }));
      });

      it('filters by name, stage (one or several), tag and modelType', async () => {
        const clock = manualClock();
        const lab = await openLab({ clock });
        const { a1, b1, a2, b2, a3 } = await catalogue(lab, clock);
        const ids = async (filter: Parameters<Lab['models']['list']>[0]) =>
          idsOf((await lab.models.list(filter)).versions);
        expect(await ids({ name: 'alpha' })).toEqual(idsOf([a3, a2, a1]));
        expect(await ids({ name: 'beta' })).toEqual(idsOf([b2, b1]));
        expect(await ids({ name: 'gamma' })).toEqual([]);
        expect(await ids({ stage: 'production' })).toEqual(idsOf([a1]));
        expect(await ids({ stage: 'staging' })).toEqual(idsOf([b2, a2]));
        expect(await ids({ stage: ['staging', 'production'] })).toEqual(idsOf([b2, a2, a1]));
        expect(await ids({ stage: ['archived'] })).toEqual(idsOf([b1]));
        expect(await ids({ stage: 'development' })).toEqual(idsOf([a3]));
        expect(await ids({ tag: 'btc' })).toEqual(idsOf([b2, a2, a1]));
        expect(await ids({ tag: 'prod-candidate' })).toEqual(idsOf([a1]));
        expect(await ids({ tag: 'bt' })).toEqual([]);
        expect(await ids({ modelType: 'lightgbm' })).toEqual(idsOf([b2, b1]));
        expect(await ids({ modelType: 'xgboost' })).toEqual(idsOf([a2, a1]));
        expect(await ids({ name: 'alpha', stage: ['staging', 'development'] })).toEqual(
          idsOf([a3, a2]),
        );
        expect(await ids({ name: 'beta', tag: 'btc', modelType: 'lightgbm' })).toEqual(idsOf([b2]));
      });

      it.each([
        ['a second apart', 1000],
        ['all in the same millisecond', 0],
      ])('pages through 25 versions 10 at a time (%s)', async (_, step) => {
        const clock = manualClock();
        const lab = await openLab({ clock });
        for (let i = 0; i < 25; i++) {
          clock.advance(step);
          await lab.models.register(registration({ tags: ['paged'] }));
        }
        await lab.models.register(registration({ name: 'other' }));
        const all = (await lab.models.list({ name: NAME })).versions;
        expect(all).toHaveLength(25);
        const pages: ModelVersion[][] = [];
        let cursor: string | undefined;
        for (;;) {
          const page = await lab.models.list({
            name: NAME,
            limit: 10,
            ...(cursor !== undefined && { cursor }),
          });
          pages.push(page.versions);
          if (page.nextCursor === null) break;
          cursor = page.nextCursor;
          expect(pages.length).toBeLessThan(4);
        }
        expect(pages.map((p) => p.length)).toEqual([10, 10, 5]);
        expect(idsOf(pages.flat())).toEqual(idsOf(all));
        if (step > 0) {
          // Newest first: the last registered comes first.
          expect(versionsOf(all)).toEqual(Array.from({ length: 25 }, (_, i) => `1.0.${24 - i}`));
        }
        // Exactly one full page leaves no cursor behind.
        const exact = await lab.models.list({ tag: 'paged', limit: 25 });
        expect(exact.versions).toHaveLength(25);
        expect(exact.nextCursor).toBeNull();
      });

      it('refuses a bad filter with ValidationError naming the field', async () => {
        const lab = await openLab({ clock: manualClock() });
        await expectInvalid(lab.models.list({ cursor: 'not a cursor' }), 'filter.cursor');
        await expectInvalid(lab.models.list({ limit: 0 }), 'filter.limit');
        await expectInvalid(lab.models.list({ limit: 1001 }), 'filter.limit');
        await expectInvalid(lab.models.list({ stage: 'live' as ModelStage }), 'filter.stage');
        await expectInvalid(lab.models.list({ stage: [] }), 'filter.stage');
        await expectInvalid(lab.models.list({ owner: 'ana' } as never), 'filter.owner');
      });
    });

    // ------------------------------------------------------------------ the stage machine

    describe('stage transitions', () => {
      for (const from of MODEL_STAGES) {
        for (const to of MODEL_STAGES) {
          const legal = (MODEL_STAGE_TRANSITIONS[from] as readonly ModelStage[]).includes(to);
          // archive() is the way to archived (with force for a production version).
          const method = to === 'archived' ? 'archive' : 'promote';
          const move = (lab: Lab, version: string, options: { actor: string; reason: string }) =>
            to === 'archived'
              ? lab.models.archive(NAME, version, { ...options, force: from === 'production' })
              : lab.models.promote(NAME, version, to, options);

          if (legal) {
            it(`${from} → ${to}: ${method} moves it and records the change`, async () => {
              const clock = manualClock();
              const lab = await openLab({ clock });
              const version = await versionIn(lab, from);
              const before = await lab.models.get(NAME, { version });
              expect(before.stage).toBe(from);
              const history = await lab.models.history(NAME);
              clock.advance(1000);
              const moved = await move(lab, version, { actor: 'ana', reason: `to ${to}` });
              expect(moved).toEqual({ ...before, stage: to, updatedAt: clock() });
              expect(await lab.models.get(NAME, { version })).toEqual(moved);
              const after = await lab.models.history(NAME);
              expect(after.slice(0, history.length)).toEqual(history);
              expect(after.slice(history.length)).toEqual([
                expect.objectContaining({
                  name: NAME,
                  version,
                  kind: to === 'archived' ? 'archived' : 'stage_changed',
                  from,
                  to,
                  alias: null,
                  actor: 'ana',
                  reason: `to ${to}`,
                  at: clock(),
                }),
              ]);
              expect(await productionVersions(lab)).toEqual(to === 'production' ? [version] : []);
            });
          } else {
            it(`${from} → ${to}: ${method} throws InvalidTransitionError and changes nothing`, async () => {
              const clock = manualClock();
              const lab = await openLab({ clock });
              const version = await versionIn(lab, from);
              const before = await lab.models.get(NAME, { version });
              const history = await lab.models.history(NAME);
              clock.advance(1000);
              const attempts =
                to === 'archived'
                  ? [
                      () => lab.models.archive(NAME, version, { force: true }),
                      () => lab.models.archive(NAME, version),
                      () => lab.models.promote(NAME, version, to),
                    ]
                  : [() => lab.models.promote(NAME, version, to, { reason: 'should fail' })];
              for (const attempt of attempts) {
                const error = await rejection(attempt());
                expect(error).toBeInstanceOf(InvalidTransitionError);
                expect(error).toMatchObject({
                  entity: 'model version',
                  id: `${NAME}@${version}`,
                  from,
                  to,
                });
              }
              expect(await lab.models.get(NAME, { version })).toEqual(before);
              expect(await lab.models.history(NAME)).toEqual(history);
            });
          }
        }
      }

      it('promote: NotFoundError for a missing version, ValidationError for bad arguments', async () => {
        const lab = await openLab({ clock: manualClock() });
        const version = await versionIn(lab, 'development');
        expect(await rejection(lab.models.promote(NAME, '9.0.0', 'staging'))).toBeInstanceOf(
          NotFoundError,
        );
        expect(await rejection(lab.models.promote('nobody', '1.0.0', 'staging'))).toBeInstanceOf(
          NotFoundError,
        );
        await expectInvalid(lab.models.promote(NAME, version, 'live' as ModelStage), 'stage');
        await expectInvalid(lab.models.promote(NAME, 'v1', 'staging'), 'version');
        await expectInvalid(lab.models.promote('', version, 'staging'), 'name');
        await expectInvalid(
          lab.models.promote(NAME, version, 'staging', { actor: '' }),
          'options.actor',
        );
        await expectInvalid(
          lab.models.promote(NAME, version, 'staging', { who: 'ana' } as never),
          'options.who',
        );
        expect((await lab.models.get(NAME, { version })).stage).toBe('development');
      });

      it('promotion to production demotes the current production version to staging, in one step', async () => {
        const clock = manualClock();
        const lab = await openLab({ clock });
        const v1 = await versionIn(lab, 'production');
        const v2 = await versionIn(lab, 'staging');
        const history = await lab.models.history(NAME);
        clock.advance(1000);
        const promoted = await lab.models.promote(NAME, v2, 'production', {
          actor: 'ana',
          reason: 'A/B test won',
        });
        expect(promoted).toMatchObject({ version: v2, stage: 'production', updatedAt: clock() });
        expect(await lab.models.get(NAME, { version: v1 })).toMatchObject({
          stage: 'staging',
          updatedAt: clock(),
        });
        expect(await productionVersions(lab)).toEqual([v2]);
        expect((await lab.models.get(NAME, { stage: 'production' })).version).toBe(v2);
        const added = (await lab.models.history(NAME)).slice(history.length);
        expect(added).toEqual([
          expect.objectContaining({
            version: v1,
            kind: 'stage_changed',
            from: 'production',
            to: 'staging',
            at: clock(),
          }),
          expect.objectContaining({
            version: v2,
            kind: 'stage_changed',
            from: 'staging',
            to: 'production',
            actor: 'ana',
            reason: 'A/B test won',
            at: clock(),
          }),
        ]);
      });

      it('keeps exactly one production version under 5 concurrent promotions', async () => {
        const clock = manualClock();
        const lab = await openLab({ clock });
        const staged: string[] = [];
        for (let i = 0; i < 5; i++) staged.push(await versionIn(lab, 'staging'));
        const results = await Promise.allSettled(
          staged.map((v) => lab.models.promote(NAME, v, 'production', { actor: `bot-${v}` })),
        );
        const won: string[] = [];
        results.forEach((result, i) => {
          if (result.status === 'fulfilled') won.push(staged[i] as string);
          else expect(result.reason).toBeInstanceOf(ConflictError);
        });
        expect(won.length).toBeGreaterThanOrEqual(1);
        const live = await productionVersions(lab);
        expect(live).toHaveLength(1);
        expect(won).toContain(live[0]);
        const others = (await lab.models.list({ name: NAME })).versions.filter(
          (v) => v.version !== live[0],
        );
        expect(others.map((v) => v.stage)).toEqual(['staging', 'staging', 'staging', 'staging']);
        const history = await lab.models.history(NAME);
        const entering = history.filter(entersProduction);
        const demotions = history.filter(leavesProduction);
        expect(entering).toHaveLength(won.length);
        expect(entering.length - demotions.length).toBe(1);
        // Replaying the trail gives the same single production version.
        let current: string | null = null;
        for (const event of history) {
          if (leavesProduction(event)) {
            expect(event.version).toBe(current);
            current = null;
          }
          if (entersProduction(event)) {
            expect(current).toBeNull();
            current = event.version;
          }
        }
        expect(current).toBe(live[0]);
      });
    });

    // ------------------------------------------------------------------ rollback

    describe('rollback', () => {
      it('puts the previous production version back and the current one to staging', async () => {
        const clock = manualClock();
        const lab = await openLab({ clock });
        const v1 = await versionIn(lab, 'production');
        const v2 = await versionIn(lab, 'staging');
        await lab.models.promote(NAME, v2, 'production');
        const history = await lab.models.history(NAME);
        clock.advance(60_000);
        const restored = await lab.models.rollback(NAME, {
          actor: 'drift-monitor',
          reason: 'live hit rate fell below 50 %',
        });
        expect(restored).toMatchObject({ version: v1, stage: 'production', updatedAt: clock() });
        expect((await lab.models.get(NAME, { version: v2 })).stage).toBe('staging');
        expect(await productionVersions(lab)).toEqual([v1]);
        const added = (await lab.models.history(NAME)).slice(history.length);
        expect(added).toEqual([
          expect.objectContaining({
            version: v2,
            kind: 'stage_changed',
            from: 'production',
            to: 'staging',
            at: clock(),
          }),
          expect.objectContaining({
            version: v1,
            kind: 'rolled_back',
            from: 'staging',
            to: 'production',
            actor: 'drift-monitor',
            reason: 'live hit rate fell below 50 %',
            at: clock(),
          }),
        ]);
      });

      it('records a reason even when none is given', async () => {
        const lab = await openLab({ clock: manualClock() });
        await versionIn(lab, 'production');
        const v2 = await versionIn(lab, 'staging');
        await lab.models.promote(NAME, v2, 'production');
        await lab.models.rollback(NAME);
        const last = (await lab.models.history(NAME)).at(-1);
        expect(last).toMatchObject({ kind: 'rolled_back', actor: null });
        expect(typeof last?.reason).toBe('string');
      });

      // TSDoc: "the most recent version that was in production before the current one": after
      // a rollback to v1, that is v2 again.
      it('a second rollback returns to the version the first one left', async () => {
        const clock = manualClock();
        const lab = await openLab({ clock });
        const v1 = await versionIn(lab, 'production');
        const v2 = await versionIn(lab, 'staging');
        await lab.models.promote(NAME, v2, 'production');
        clock.advance(1000);
        await lab.models.rollback(NAME, { reason: 'first' });
        expect(await productionVersions(lab)).toEqual([v1]);
        clock.advance(1000);
        const again = await lab.models.rollback(NAME, { reason: 'second' });
        expect(again).toMatchObject({ version: v2, stage: 'production' });
        expect((await lab.models.get(NAME, { version: v1 })).stage).toBe('staging');
        expect(await productionVersions(lab)).toEqual([v2]);
        const history = await lab.models.history(NAME);
        expect(history.filter((e) => e.kind === 'rolled_back').map((e) => e.version)).toEqual([
          v1,
          v2,
        ]);
      });

      it('goes back through a longer history one step at a time', async () => {
        const clock = manualClock();
        const lab = await openLab({ clock });
        const v1 = await versionIn(lab, 'production');
        const v2 = await versionIn(lab, 'staging');
        const v3 = await versionIn(lab, 'staging');
        clock.advance(1000);
        await lab.models.promote(NAME, v2, 'production');
        clock.advance(1000);
        await lab.models.promote(NAME, v3, 'production');
        clock.advance(1000);
        expect((await lab.models.rollback(NAME)).version).toBe(v2);
        expect(await productionVersions(lab)).toEqual([v2]);
        expect((await lab.models.get(NAME, { version: v3 })).stage).toBe('staging');
        expect((await lab.models.get(NAME, { version: v1 })).stage).toBe('staging');
      });

      it('skips archived versions', async () => {
        const clock = manualClock();
        const lab = await openLab({ clock });
        const v1 = await versionIn(lab, 'production');
        const v2 = await versionIn(lab, 'staging');
        const v3 = await versionIn(lab, 'staging');
        clock.advance(1000);
        await lab.models.promote(NAME, v2, 'production');
        clock.advance(1000);
        await lab.models.promote(NAME, v3, 'production');
        await lab.models.archive(NAME, v2, { reason: 'bad' });
        clock.advance(1000);
        const restored = await lab.models.rollback(NAME);
        expect(restored.version).toBe(v1);
        expect(await productionVersions(lab)).toEqual([v1]);
        expect((await lab.models.get(NAME, { version: v2 })).stage).toBe('archived');
        expect((await lab.models.get(NAME, { version: v3 })).stage).toBe('staging');
      });

      it('throws ConflictError, changing nothing, when the only earlier version is archived', async () => {
        const lab = await openLab({ clock: manualClock() });
        const v1 = await versionIn(lab, 'production');
        const v2 = await versionIn(lab, 'staging');
        await lab.models.promote(NAME, v2, 'production');
        await lab.models.archive(NAME, v1);
        const history = await lab.models.history(NAME);
        expect(await rejection(lab.models.rollback(NAME))).toBeInstanceOf(ConflictError);
        expect(await productionVersions(lab)).toEqual([v2]);
        expect(await lab.models.history(NAME)).toEqual(history);
      });

      it('throws ConflictError when no version is in production', async () => {
        const lab = await openLab({ clock: manualClock() });
        const v1 = await versionIn(lab, 'staging');
        expect(await rejection(lab.models.rollback(NAME))).toBeInstanceOf(ConflictError);
        // Once in production, then demoted: still none now.
        await lab.models.promote(NAME, v1, 'production');
        await lab.models.promote(NAME, v1, 'staging');
        const history = await lab.models.history(NAME);
        expect(await rejection(lab.models.rollback(NAME))).toBeInstanceOf(ConflictError);
        expect(await lab.models.history(NAME)).toEqual(history);
        expect(await productionVersions(lab)).toEqual([]);
      });

      it('throws ConflictError when no earlier version was in production', async () => {
        const lab = await openLab({ clock: manualClock() });
        const v1 = await versionIn(lab, 'production');
        await versionIn(lab, 'staging');
        const before = (await lab.models.list({ name: NAME })).versions;
        const history = await lab.models.history(NAME);
        expect(await rejection(lab.models.rollback(NAME))).toBeInstanceOf(ConflictError);
        expect((await lab.models.list({ name: NAME })).versions).toEqual(before);
        expect(await lab.models.history(NAME)).toEqual(history);
        expect(await productionVersions(lab)).toEqual([v1]);
      });

      it('throws NotFoundError for an unknown model', async () => {
        const lab = await openLab({ clock: manualClock() });
        expect(await rejection(lab.models.rollback('nobody'))).toBeInstanceOf(NotFoundError);
      });
    });

    // ------------------------------------------------------------------ aliases

    describe('aliases', () => {
      it('setAlias creates and moves an alias; get follows it; the history shows from and to', async () => {
        const clock = manualClock();
        const lab = await openLab({ clock });
        const v1 = await versionIn(lab, 'production');
        const v2 = await versionIn(lab, 'staging');
        clock.advance(1000);
        const created = await lab.models.setAlias(NAME, 'champion', v1, {
          actor: 'ana',
          reason: 'live model',
        });
        expect(created).toEqual({ name: NAME, alias: 'champion', version: v1, updatedAt: clock() });
        expect((await lab.models.get(NAME, { alias: 'champion' })).version).toBe(v1);
        clock.advance(1000);
        const moved = await lab.models.setAlias(NAME, 'champion', v2, { actor: 'bob' });
        expect(moved).toEqual({ name: NAME, alias: 'champion', version: v2, updatedAt: clock() });
        expect((await lab.models.get(NAME, { alias: 'champion' })).version).toBe(v2);
        expect(await lab.models.aliases(NAME)).toEqual([moved]);
        const events = (await lab.models.history(NAME)).filter((e) => e.kind === 'alias_set');
        expect(events).toEqual([
          expect.objectContaining({
            version: v1,
            alias: 'champion',
            from: null,
            to: v1,
            actor: 'ana',
            reason: 'live model',
          }),
          expect.objectContaining({
            version: v2,
            alias: 'champion',
            from: v1,
            to: v2,
            actor: 'bob',
            reason: null,
            at: clock(),
          }),
        ]);
      });

      it('lists aliases by name; aliases of different models are independent', async () => {
        const lab = await openLab({ clock: manualClock() });
        const v1 = await versionIn(lab, 'development');
        const v2 = await versionIn(lab, 'development');
        const w1 = await versionIn(lab, 'development', 'volatility');
        await lab.models.setAlias(NAME, 'shadow', v1);
        await lab.models.setAlias(NAME, 'champion', v2);
        await lab.models.setAlias(NAME, 'challenger', v1);
        await lab.models.setAlias('volatility', 'champion', w1);
        expect((await lab.models.aliases(NAME)).map((a) => [a.alias, a.version])).toEqual([
          ['challenger', v1],
          ['champion', v2],
          ['shadow', v1],
        ]);
        expect((await lab.models.aliases('volatility')).map((a) => a.alias)).toEqual(['champion']);
        expect(await lab.models.aliases('nobody')).toEqual([]);
        await lab.models.deleteAlias('volatility', 'champion');
        expect((await lab.models.get(NAME, { alias: 'champion' })).version).toBe(v2);
      });

      it('deleteAlias removes it and records the removal', async () => {
        const clock = manualClock();
        const lab = await openLab({ clock });
        const v1 = await versionIn(lab, 'staging');
        await lab.models.setAlias(NAME, 'challenger', v1);
        clock.advance(1000);
        await lab.models.deleteAlias(NAME, 'challenger', { actor: 'ana', reason: 'test over' });
        expect(await lab.models.aliases(NAME)).toEqual([]);
        expect(await rejection(lab.models.get(NAME, { alias: 'challenger' }))).toBeInstanceOf(
          NotFoundError,
        );
        expect((await lab.models.history(NAME)).at(-1)).toMatchObject({
          kind: 'alias_deleted',
          version: v1,
          alias: 'challenger',
          from: v1,
          to: null,
          actor: 'ana',
          reason: 'test over',
          at: clock(),
        });
        // The version itself is untouched.
        expect((await lab.models.get(NAME, { version: v1 })).stage).toBe('staging');
      });

      it('throws NotFoundError for a missing alias or version, changing nothing', async () => {
        const lab = await openLab({ clock: manualClock() });
        const v1 = await versionIn(lab, 'development');
        await lab.models.setAlias(NAME, 'champion', v1);
        const history = await lab.models.history(NAME);
        expect(await rejection(lab.models.setAlias(NAME, 'champion', '9.9.9'))).toBeInstanceOf(
          NotFoundError,
        );
        expect(await rejection(lab.models.setAlias('nobody', 'champion', v1))).toBeInstanceOf(
          NotFoundError,
        );
        expect(await rejection(lab.models.deleteAlias(NAME, 'challenger'))).toBeInstanceOf(
          NotFoundError,
        );
        expect(await rejection(lab.models.deleteAlias('nobody', 'champion'))).toBeInstanceOf(
          NotFoundError,
        );
        expect(await rejection(lab.models.get(NAME, { alias: 'challenger' }))).toBeInstanceOf(
          NotFoundError,
        );
        expect((await lab.models.get(NAME, { alias: 'champion' })).version).toBe(v1);
        expect(await lab.models.history(NAME)).toEqual(history);
      });

      it.each([
        '',
        '1st',
        '-champion',
        '_champion',
        'has space',
        'champ/1',
        'champ:1',
        'a'.repeat(65),
      ])('refuses alias name %j (ValidationError on alias)', async (alias) => {
        const lab = await openLab({ clock: manualClock() });
        const v1 = await versionIn(lab, 'development');
        await expectInvalid(lab.models.setAlias(NAME, alias, v1), 'alias');
        await expectInvalid(lab.models.deleteAlias(NAME, alias), 'alias');
        expect(await lab.models.aliases(NAME)).toEqual([]);
      });

      it('accepts letters, digits, _ . and - up to 64 characters', async () => {
        const lab = await openLab({ clock: manualClock() });
        const v1 = await versionIn(lab, 'development');
        for (const alias of ['a', 'Champion_2.v-1', `a${'b'.repeat(63)}`]) {
          await lab.models.setAlias(NAME, alias, v1);
          expect((await lab.models.get(NAME, { alias })).version).toBe(v1);
        }
        expect(await lab.models.aliases(NAME)).toHaveLength(3);
      });
    });

    // ------------------------------------------------------------------ history

    describe('history', () => {
      it('lists the trail oldest first, with actor and reason, and a limit', async () => {
        const clock = manualClock();
        const lab = await openLab({ clock });
        const t0 = clock();
        const v1 = await lab.models.register(registration({ trainedBy: 'ci' }));
        clock.advance(1000);
        await lab.models.promote(NAME, v1.version, 'staging', { actor: 'ana', reason: 'review' });
        clock.advance(1000);
        await lab.models.promote(NAME, v1.version, 'production', { actor: 'bob' });
        clock.advance(1000);
        await lab.models.setAlias(NAME, 'champion', v1.version);
        await lab.models.register(registration({ name: 'volatility' }));
        const history = await lab.models.history(NAME);
        expect(history.map((e) => [e.kind, e.from, e.to, e.actor, e.reason])).toEqual([
          ['registered', null, 'development', 'ci', null],
          ['stage_changed', 'development', 'staging', 'ana', 'review'],
          ['stage_changed', 'staging', 'production', 'bob', null],
          ['alias_set', null, v1.version, null, null],
        ]);
        expect(history.map((e) => e.at.getTime() - t0.getTime())).toEqual([0, 1000, 2000, 3000]);
        expect(history.every((e) => e.name === NAME && e.version === v1.version)).toBe(true);
        expect(new Set(idsOf(history)).size).toBe(4);
        expect(await lab.models.history(NAME, { limit: 2 })).toEqual(history.slice(0, 2));
        expect(await lab.models.history(NAME, { limit: 100 })).toEqual(history);
        expect(await lab.models.history('volatility')).toHaveLength(1);
      });

      it('orders events of the same millisecond in the order they happened', async () => {
        const lab = await openLab({ clock: manualClock() });
        const v1 = await versionIn(lab, 'production');
        const v2 = await versionIn(lab, 'staging');
        await lab.models.promote(NAME, v2, 'production');
        await lab.models.setAlias(NAME, 'champion', v2);
        await lab.models.archive(NAME, v1);
        expect(
          (await lab.models.history(NAME)).map((e) => `${e.kind} ${e.version} ${e.to}`),
        ).toEqual([
          `registered ${v1} development`,
          `stage_changed ${v1} staging`,
          `stage_changed ${v1} production`,
          `registered ${v2} development`,
          `stage_changed ${v2} staging`,
          `stage_changed ${v1} staging`,
          `stage_changed ${v2} production`,
          `alias_set ${v2} ${v2}`,
          `archived ${v1} archived`,
        ]);
      });

      it('throws NotFoundError for an unknown model and ValidationError for a bad limit', async () => {
        const lab = await openLab({ clock: manualClock() });
        expect(await rejection(lab.models.history('nobody'))).toBeInstanceOf(NotFoundError);
        await versionIn(lab, 'development');
        await expectInvalid(lab.models.history(NAME, { limit: 0 }), 'options.limit');
        await expectInvalid(lab.models.history(NAME, { limit: 1.5 }), 'options.limit');
        await expectInvalid(lab.models.history(''), 'name');
      });
    });

    // ------------------------------------------------------------------ archive

    describe('archive', () => {
      it('refuses a production version without force (ConflictError), changing nothing', async () => {
        const clock = manualClock();
        const lab = await openLab({ clock });
        const v1 = await versionIn(lab, 'production');
        const before = await lab.models.get(NAME, { version: v1 });
        const history = await lab.models.history(NAME);
        clock.advance(1000);
        expect(await rejection(lab.models.archive(NAME, v1))).toBeInstanceOf(ConflictError);
        expect(await rejection(lab.models.archive(NAME, v1, { force: false }))).toBeInstanceOf(
          ConflictError,
        );
        // promote(..., 'archived') is archive() without force: no way around the guard.
        expect(await rejection(lab.models.promote(NAME, v1, 'archived'))).toBeInstanceOf(
          ConflictError,
        );
        expect(await lab.models.get(NAME, { version: v1 })).toEqual(before);
        expect(await lab.models.history(NAME)).toEqual(history);
      });

      it('archives a production version with force; the model then has none', async () => {
        const clock = manualClock();
        const lab = await openLab({ clock });
        const v1 = await versionIn(lab, 'production');
        clock.advance(1000);
        const archived = await lab.models.archive(NAME, v1, {
          force: true,
          actor: 'ana',
          reason: 'leaked future data',
        });
        expect(archived).toMatchObject({ stage: 'archived', updatedAt: clock() });
        expect(await productionVersions(lab)).toEqual([]);
        expect(await rejection(lab.models.get(NAME, { stage: 'production' }))).toBeInstanceOf(
          NotFoundError,
        );
        expect((await lab.models.history(NAME)).at(-1)).toMatchObject({
          kind: 'archived',
          version: v1,
          from: 'production',
          to: 'archived',
          actor: 'ana',
          reason: 'leaked future data',
        });
        // Archived bytes stay loadable unless deleted.
        expect(await lab.models.verify(NAME, v1)).toMatchObject({ ok: true });
      });

      it('refuses bad options and a missing version', async () => {
        const lab = await openLab({ clock: manualClock() });
        const v1 = await versionIn(lab, 'development');
        await expectInvalid(
          lab.models.archive(NAME, v1, { force: 'yes' as never }),
          'options.force',
        );
        await expectInvalid(
          lab.models.archive(NAME, v1, { deleteArtifacts: 1 as never }),
          'options.deleteArtifacts',
        );
        await expectInvalid(lab.models.archive(NAME, v1, { why: 'x' } as never), 'options.why');
        expect(await rejection(lab.models.archive(NAME, '7.7.7'))).toBeInstanceOf(NotFoundError);
        expect((await lab.models.get(NAME, { version: v1 })).stage).toBe('development');
      });

      it('deleteArtifacts keeps an artifact another version shares', async () => {
        const lab = await openLab({ clock: manualClock() });
        const bytes = freshBytes();
        const v1 = await lab.models.register(registration({ artifact: bytes }));
        const v2 = await lab.models.register(registration({ artifact: plain(bytes) }));
        await lab.models.archive(NAME, v1.version, { deleteArtifacts: true });
        expect(await lab.artifacts.head(v1.artifactId)).toMatchObject({ id: v1.artifactId });
        expect(plain(await lab.models.loadArtifact(NAME, { version: v2.version }))).toEqual(bytes);
        expect(await lab.models.verify(NAME, v2.version)).toMatchObject({ ok: true });
      });

      it('deleteArtifacts keeps an artifact another artifact was made from', async () => {
        const lab = await openLab({ clock: manualClock() });
        const v1 = await lab.models.register(registration());
        await lab.artifacts.put('calibration table', { type: 'report', inputs: [v1.artifactId] });
        await lab.models.archive(NAME, v1.version, { deleteArtifacts: true });
        expect(await lab.artifacts.head(v1.artifactId)).toMatchObject({ id: v1.artifactId });
      });

      it('deleteArtifacts deletes an artifact nothing else uses', async () => {
        const lab = await openLab({ clock: manualClock() });
        const v1 = await lab.models.register(registration());
        const v2 = await lab.models.register(registration());
        await lab.models.archive(NAME, v2.version);
        // Without the option the bytes stay.
        expect(await lab.artifacts.head(v2.artifactId)).toMatchObject({ id: v2.artifactId });
        await lab.models.archive(NAME, v1.version, { deleteArtifacts: true });
        expect(await rejection(lab.artifacts.head(v1.artifactId))).toBeInstanceOf(NotFoundError);
        expect(await lab.models.get(NAME, { version: v1.version })).toMatchObject({
          stage: 'archived',
          artifactId: v1.artifactId,
        });
        expect(await lab.models.verify(NAME, v1.version)).toEqual({
          name: NAME,
          version: v1.version,
          artifactId: v1.artifactId,
          ok: false,
          actual: null,
          size: null,
        });
        expect(
          await rejection(lab.models.loadArtifact(NAME, { version: v1.version })),
        ).toBeInstanceOf(NotFoundError);
      });

      it('refuses to archive an archived version (InvalidTransitionError)', async () => {
        const lab = await openLab({ clock: manualClock() });
        const v1 = await versionIn(lab, 'archived');
        const error = await rejection(lab.models.archive(NAME, v1, { deleteArtifacts: true }));
        expect(error).toBeInstanceOf(InvalidTransitionError);
        const { artifactId } = await lab.models.get(NAME, { version: v1 });
        expect(await lab.artifacts.head(artifactId)).toMatchObject({ id: artifactId });
      });
    });

    // ------------------------------------------------------------------ verify

    describe('verify', () => {
      it('reports an intact artifact stored in the database as ok', async () => {
        const lab = await openLab({ clock: manualClock() });
        const bytes = freshBytes();
        const v1 = await lab.models.register(registration({ artifact: bytes }));
        expect(await lab.models.verify(NAME, v1.version)).toEqual({
          name: NAME,
          version: v1.version,
          artifactId: sha256(bytes),
          ok: true,
          actual: sha256(bytes),
          size: bytes.byteLength,
        });
        expect(await lab.artifacts.verify(v1.artifactId)).toEqual({
          id: v1.artifactId,
          ok: true,
          actual: v1.artifactId,
          size: bytes.byteLength,
        });
      });

      describe('with artifacts in a directory', () => {
        let directory: string | undefined;
        afterEach(async () => {
          if (directory !== undefined) await rm(directory, { recursive: true, force: true });
          directory = undefined;
        });
        const openDirectoryLab = async () => {
          directory = await mkdtemp(join(tmpdir(), 'quantlab-models-'));
          return openLab({ clock: manualClock(), artifacts: { directory } });
        };
        const fileOf = (id: string) => join(directory as string, id.slice(0, 2), id);

        it('reports an intact file as ok and loads it', async () => {
          const lab = await openDirectoryLab();
          const bytes = freshBytes();
          const v1 = await lab.models.register(registration({ artifact: bytes }));
          expect(existsSync(fileOf(v1.artifactId))).toBe(true);
          expect(await lab.models.verify(NAME, v1.version)).toMatchObject({
            ok: true,
            actual: v1.artifactId,
            size: bytes.byteLength,
          });
          expect(plain(await lab.models.loadArtifact(NAME))).toEqual(bytes);
        });

        it('catches a tampered file: verify says not ok, loadArtifact throws BackendError', async () => {
          const lab = await openDirectoryLab();
          const bytes = freshBytes();
          const v1 = await lab.models.register(registration({ artifact: bytes }));
          const tampered = new TextEncoder().encode('tampered weights, same idea, other bytes');
          await writeFile(fileOf(v1.artifactId), tampered);
          const check = await lab.models.verify(NAME, v1.version);
          expect(check).toEqual({
            name: NAME,
            version: v1.version,
            artifactId: v1.artifactId,
            ok: false,
            actual: sha256(tampered),
            size: tampered.byteLength,
          });
          expect(check.actual).not.toBe(v1.artifactId);
          expect(await lab.artifacts.verify(v1.artifactId)).toMatchObject({
            ok: false,
            actual: sha256(tampered),
          });
          expect(
            await rejection(lab.models.loadArtifact(NAME, { version: v1.version })),
          ).toBeInstanceOf(BackendError);
        });

        it('reports a missing file as not ok (actual null); loadArtifact throws BackendError', async () => {
          const lab = await openDirectoryLab();
          const v1 = await lab.models.register(registration());
          await rm(fileOf(v1.artifactId));
          expect(await lab.models.verify(NAME, v1.version)).toMatchObject({
            ok: false,
            actual: null,
            size: null,
          });
          expect(await rejection(lab.models.loadArtifact(NAME))).toBeInstanceOf(BackendError);
        });

        it('archive with deleteArtifacts removes the file only when nothing else uses it', async () => {
          const lab = await openDirectoryLab();
          const bytes = freshBytes();
          const v1 = await lab.models.register(registration({ artifact: bytes }));
          const v2 = await lab.models.register(registration({ artifact: plain(bytes) }));
          const v3 = await lab.models.register(registration());
          await lab.models.archive(NAME, v1.version, { deleteArtifacts: true });
          expect(existsSync(fileOf(v1.artifactId))).toBe(true);
          expect(plain(await lab.models.loadArtifact(NAME, { version: v2.version }))).toEqual(
            bytes,
          );
          await lab.models.archive(NAME, v3.version, { deleteArtifacts: true });
          expect(existsSync(fileOf(v3.artifactId))).toBe(false);
          expect(await rejection(lab.artifacts.head(v3.artifactId))).toBeInstanceOf(NotFoundError);
        });
      });
    });

    // ------------------------------------------------------------------ errors are typed

    it('throws only quantlab errors for bad input', async () => {
      const lab = await openLab({ clock: manualClock() });
      for (const call of [
        () => lab.models.register(null as never),
        () => lab.models.register('direction' as never),
        () => lab.models.list({ limit: '10' } as never),
        () => lab.models.get(NAME, 'production' as never),
        () => lab.models.get(NAME, null as never),
      ]) {
        expect(await rejection(call())).toBeInstanceOf(ValidationError);
      }
    });
  });
}
