import { describe, expect, it } from 'vitest';
import { createHashAssigner } from '../../../ab/buckets.js';
import { ConflictError, NotFoundError, ValidationError } from '../../../errors.js';
import type { ConformanceTarget } from '../../harness.js';
import { expectInvalid, freshLabs, rejection } from '../../labs.js';
import { abDefinition, abLab, MODEL } from './setup.js';

/** `lab.abTests` create, get, list and route. @internal */
export function abDefinitionCases(target: ConformanceTarget): void {
  const labs = freshLabs(target);

  describe('abTests.create', () => {
    it('resolves and pins each variant model version, applies the defaults, and starts', async () => {
      const { lab, clock, control, challenger } = await abLab(labs);
      const test = await lab.abTests.create(abDefinition({ name: 'pinning' }));
      expect(test.status).toBe('running');
      expect(test.startedAt).toEqual(clock());
      expect(test.variants).toEqual([
        {
          name: 'control',
          model: MODEL,
          version: control.version,
          artifactId: control.artifactId,
          weight: 0.5,
        },
        {
          name: 'challenger',
          model: MODEL,
          version: challenger.version,
          artifactId: challenger.artifactId,
          weight: 0.5,
        },
      ]);
      expect(test).toMatchObject({
        allocation: 'hash',
        coverage: 1,
        hashSeed: test.id,
        mode: 'split',
        primaryMetric: 'actual',
        metricKind: 'continuous',
        higherIsBetter: true,
        confidenceLevel: 0.95,
        minimumDetectableEffect: null,
        maxLoss: null,
        endAt: null,
        sequential: true,
        autoPromote: false,
        stoppedVariants: [],
        endReason: null,
        winner: null,
        promoted: null,
      });
      // Moving the stage later does not move the test.
      await lab.models.promote(MODEL, challenger.version, 'production');
      expect((await lab.abTests.get(test.id)).variants[1]?.version).toBe(challenger.version);
      expect((await lab.abTests.get(test.id)).variants[0]?.version).toBe(control.version);
    });

    it('resolves aliases and explicit versions; start: false leaves the test created', async () => {
      const { lab, challenger } = await abLab(labs);
      await lab.models.setAlias(MODEL, 'candidate', challenger.version);
      const test = await lab.abTests.create(
        abDefinition({
          start: false,
          variants: [
            { name: 'a', model: MODEL, version: '1.0.0' },
            { name: 'b', model: MODEL, alias: 'candidate' },
          ],
        }),
      );
      expect(test.status).toBe('created');
      expect(test.startedAt).toBeNull();
      expect(test.variants.map((v) => v.version)).toEqual(['1.0.0', challenger.version]);
    });

    it('derives the direction of error metrics and keeps explicit choices', async () => {
      const { lab } = await abLab(labs);
      const mae = await lab.abTests.create(abDefinition({ primaryMetric: 'absolute_error' }));
      expect(mae.higherIsBetter).toBe(false);
      const hit = await lab.abTests.create(
        abDefinition({
          primaryMetric: 'hit',
          metricKind: 'binary',
          secondaryMetrics: ['squared_error', { name: 'pnl', higherIsBetter: true }],
        }),
      );
      expect(hit.higherIsBetter).toBe(true);
      expect(hit.secondaryMetrics).toEqual([
        { name: 'squared_error', metricKind: 'continuous', higherIsBetter: false },
        { name: 'pnl', metricKind: 'continuous', higherIsBetter: true },
      ]);
      const eg = await lab.abTests.create(abDefinition({ allocation: 'epsilon-greedy' }));
      expect(eg.epsilon).toBe(0.1);
      const ts = await lab.abTests.create(abDefinition({ allocation: 'thompson' }));
      expect(ts.minWeight).toBe(0.05);
      expect(ts.epsilon).toBeNull();
    });

    it('keeps every field through get and list, with an end time given as a string', async () => {
      const { lab } = await abLab(labs);
      const created = await lab.abTests.create(
        abDefinition({
          name: 'round trip ✓ 测试',
          description: 'all fields',
          coverage: 0.75,
          hashSeed: 'seed-1',
          variants: [
            { name: 'control', model: MODEL, version: '1.0.0', weight: 0.7 },
            { name: 'challenger', model: MODEL, version: '1.0.1', weight: 0.3 },
          ],
          primaryMetric: 'pnl',
          secondaryMetrics: ['hit'],
          confidenceLevel: 0.9,
          minimumDetectableEffect: 0.25,
          minSamplesPerVariant: 50,
          maxLoss: 2,
          endAt: '2026-04-01T00:00:00Z',
          sequential: false,
          autoPromote: true,
          metadata: { owner: 'desk-7', tags: ['eu', 1] },
        }),
      );
      expect(created.endAt).toEqual(new Date('2026-04-01T00:00:00Z'));
      expect(await lab.abTests.get(created.id)).toEqual(created);
      const { tests, nextCursor } = await lab.abTests.list();
      expect(tests).toEqual([created]);
      expect(nextCursor).toBeNull();
    });

    it('refuses bad definitions, naming the field', async () => {
      const { lab } = await abLab(labs);
      const two = [
        { name: 'a', model: MODEL, version: '1.0.0' },
        { name: 'b', model: MODEL, version: '1.0.1' },
      ];
      await expectInvalid(lab.abTests.create(abDefinition({ name: '' })), 'name');
      await expectInvalid(lab.abTests.create(abDefinition({ variants: [two[0]] })), 'variants');
      await expectInvalid(
        lab.abTests.create(abDefinition({ variants: [two[0], { ...two[1], name: 'a' }] })),
        'variants[1].name',
      );
      await expectInvalid(
        lab.abTests.create(
          abDefinition({
            variants: [two[0], { name: 'b', model: MODEL, version: '1.0.1', stage: 'staging' }],
          }),
        ),
        'variants[1]',
      );
      await expectInvalid(
        lab.abTests.create(
          abDefinition({
            variants: [
              { ...two[0], weight: 0.6 },
              { ...two[1], weight: 0.6 },
            ],
          }),
        ),
        'variants',
      );
      await expectInvalid(
        lab.abTests.create(abDefinition({ variants: [{ ...two[0], weight: 1 }, two[1]] })),
        'variants',
      );
      await expectInvalid(
        lab.abTests.create(
          abDefinition({
            allocation: 'thompson',
            variants: [
              { ...two[0], weight: 0.5 },
              { ...two[1], weight: 0.5 },
            ],
          }),
        ),
        'variants',
      );
      await expectInvalid(lab.abTests.create(abDefinition({ epsilon: 0.2 })), 'epsilon');
      await expectInvalid(lab.abTests.create(abDefinition({ coverage: 1.5 })), 'coverage');
      await expectInvalid(
        lab.abTests.create(abDefinition({ allocation: 'round-robin' })),
        'allocation',
      );
      await expectInvalid(
        lab.abTests.create(abDefinition({ primaryMetric: 'hit' })),
        'primaryMetric',
      );
      await expectInvalid(
        lab.abTests.create(abDefinition({ primaryMetric: 'squared_error', metricKind: 'binary' })),
        'primaryMetric',
      );
      await expectInvalid(
        lab.abTests.create(abDefinition({ mode: 'shadow', primaryMetric: 'actual' })),
        'primaryMetric',
      );
      await expectInvalid(
        lab.abTests.create(
          abDefinition({ mode: 'shadow', primaryMetric: 'error', allocation: 'random' }),
        ),
        'allocation',
      );
      await expectInvalid(
        lab.abTests.create(abDefinition({ confidenceLevel: 1 })),
        'confidenceLevel',
      );
      await expectInvalid(
        lab.abTests.create(abDefinition({ minSamplesPerVariant: 1 })),
        'minSamplesPerVariant',
      );
      await expectInvalid(lab.abTests.create(abDefinition({ endAt: '2026-04-01 10:00' })), 'endAt');
      await expectInvalid(lab.abTests.create(abDefinition({ colour: 'red' })), 'colour');
      expect((await lab.abTests.list()).tests).toEqual([]);
    });

    it('refuses unknown model versions and taken ids, storing nothing', async () => {
      const { lab } = await abLab(labs);
      const missing = await rejection(
        lab.abTests.create(
          abDefinition({
            variants: [
              { name: 'a', model: MODEL, version: '1.0.0' },
              { name: 'b', model: MODEL, version: '9.9.9' },
            ],
          }),
        ),
      );
      expect(missing).toBeInstanceOf(NotFoundError);
      const archived = await rejection(
        lab.abTests.create(
          abDefinition({
            variants: [
              { name: 'a', model: MODEL, version: '1.0.0' },
              { name: 'b', model: 'nope', stage: 'production' },
            ],
          }),
        ),
      );
      expect(archived).toBeInstanceOf(NotFoundError);
      expect((await lab.abTests.list()).tests).toEqual([]);
      await lab.abTests.create(abDefinition({ id: 'fixed-id' }));
      expect(await rejection(lab.abTests.create(abDefinition({ id: 'fixed-id' })))).toBeInstanceOf(
        ConflictError,
      );
    });

    it('lists newest first with status and name filters and cursor pages', async () => {
      const { lab, clock } = await abLab(labs);
      const made = [];
      for (let i = 0; i < 5; i++) {
        clock.advance(1000);
        made.push(
          await lab.abTests.create(abDefinition({ name: i % 2 ? 'odd' : 'even', start: i < 3 })),
        );
      }
      const all = [...made].reverse().map((t) => t.id);
      const first = await lab.abTests.list({ limit: 2 });
      expect(first.tests.map((t) => t.id)).toEqual(all.slice(0, 2));
      const second = await lab.abTests.list({ limit: 2, cursor: first.nextCursor as string });
      expect(second.tests.map((t) => t.id)).toEqual(all.slice(2, 4));
      const third = await lab.abTests.list({ limit: 2, cursor: second.nextCursor as string });
      expect(third.tests.map((t) => t.id)).toEqual(all.slice(4));
      expect(third.nextCursor).toBeNull();
      expect((await lab.abTests.list({ status: 'created' })).tests.map((t) => t.id)).toEqual(
        all.slice(0, 2),
      );
      expect(
        (await lab.abTests.list({ status: ['running'], name: 'even' })).tests.map((t) => t.id),
      ).toEqual([made[2]?.id, made[0]?.id]);
      await expectInvalid(lab.abTests.list({ cursor: 'garbage' }), 'filter.cursor');
      await expectInvalid(lab.abTests.list({ status: 'done' as never }), 'status');
      expect(await rejection(lab.abTests.get('missing'))).toBeInstanceOf(NotFoundError);
    });
  });

  describe('abTests.route', () => {
    it('assigns by GrowthBook hash with the test id as seed, the same on every call and after a reload', async () => {
      const { lab, control, challenger } = await abLab(labs);
      const test = await lab.abTests.create(
        abDefinition({
          coverage: 0.9,
          variants: [
            { name: 'control', model: MODEL, stage: 'production', weight: 0.3 },
            { name: 'challenger', model: MODEL, stage: 'staging', weight: 0.7 },
          ],
        }),
      );
      const assign = createHashAssigner({ seed: test.id, weights: [0.3, 0.7], coverage: 0.9 });
      const counts = [0, 0, 0];
      for (let i = 0; i < 2000; i++) {
        const unit = i % 7 === 0 ? `acct-😀-${i}` : `acct-${i}`;
        const route = lab.abTests.route(test.id, { unit });
        const expected = assign(unit);
        expect(route.inTest).toBe(expected >= 0);
        expect(route.variantIndex).toBe(Math.max(expected, 0));
        expect(route.variant).toBe(expected === 1 ? 'challenger' : 'control');
        expect(route.model.version).toBe(expected === 1 ? challenger.version : control.version);
        expect(lab.abTests.route(test.id, { unit })).toBe(route);
        counts[expected + 1] = (counts[expected + 1] ?? 0) + 1;
      }
      expect(counts[0] ?? 0).toBeGreaterThan(120); // about 10 % outside coverage
      const route = lab.abTests.route(test.id, { unit: 'acct-1' });
      expect(new TextDecoder().decode(route.artifact)).toBe(
        route.variant === 'control' ? 'champion weights' : 'challenger weights',
      );
      expect(route.shadows).toEqual([]);
      expect(Object.isFrozen(route)).toBe(true);
    });

    it('routes only tests loaded in this process, and refuses a hash route without a unit', async () => {
      const { lab } = await abLab(labs);
      const test = await lab.abTests.create(abDefinition());
      expect(() => lab.abTests.route('elsewhere', { unit: 'u' })).toThrow(NotFoundError);
      expect(() => lab.abTests.route(test.id)).toThrow(ValidationError);
      expect(() => lab.abTests.route(test.id, { unit: '' })).toThrow(ValidationError);
      expect(() =>
        lab.abTests.recordPrediction('elsewhere', { variant: 'control', prediction: 1 }),
      ).toThrow(NotFoundError);
    });

    it('sends every unit to the control, not in the test, unless running', async () => {
      const { lab } = await abLab(labs);
      const test = await lab.abTests.create(abDefinition({ start: false }));
      const units = Array.from({ length: 50 }, (_, i) => `u${i}`);
      const notInTest = () =>
        units.every((unit) => {
          const r = lab.abTests.route(test.id, { unit });
          return r.variant === 'control' && !r.inTest;
        });
      expect(notInTest()).toBe(true);
      await lab.abTests.start(test.id);
      expect(
        units.some((unit) => lab.abTests.route(test.id, { unit }).variant === 'challenger'),
      ).toBe(true);
      await lab.abTests.pause(test.id);
      expect(notInTest()).toBe(true);
      await lab.abTests.resume(test.id);
      expect(notInTest()).toBe(false);
    });

    it('draws weighted and random allocations from the lab random source, reproducibly', async () => {
      const shares = async () => {
        const { lab } = await abLab(labs);
        const weighted = await lab.abTests.create(
          abDefinition({
            allocation: 'weighted',
            variants: [
              { name: 'control', model: MODEL, version: '1.0.0', weight: 0.9 },
              { name: 'challenger', model: MODEL, version: '1.0.1', weight: 0.1 },
            ],
          }),
        );
        const random = await lab.abTests.create(abDefinition({ allocation: 'random' }));
        const picks = (id: string) =>
          Array.from({ length: 4000 }, () => lab.abTests.route(id).variantIndex);
        return { weighted: picks(weighted.id), random: picks(random.id) };
      };
      const a = await shares();
      const b = await shares();
      expect(a).toEqual(b);
      const share = (xs: number[]) => xs.filter((x) => x === 1).length / xs.length;
      expect(share(a.weighted)).toBeGreaterThan(0.08);
      expect(share(a.weighted)).toBeLessThan(0.12);
      expect(share(a.random)).toBeGreaterThan(0.46);
      expect(share(a.random)).toBeLessThan(0.54);
    });

    it('hands out the challengers beside the control in shadow mode', async () => {
      const { lab, challenger } = await abLab(labs);
      const test = await lab.abTests.create(
        abDefinition({ mode: 'shadow', primaryMetric: 'squared_error' }),
      );
      for (const unit of ['a', 'b', 'c']) {
        const route = lab.abTests.route(test.id, { unit });
        expect(route.variant).toBe('control');
        expect(route.inTest).toBe(true);
        expect(route.shadows.map((s) => [s.variant, s.model.version])).toEqual([
          ['challenger', challenger.version],
        ]);
        expect(new TextDecoder().decode(route.shadows[0]?.artifact)).toBe('challenger weights');
      }
    });
  });
}
