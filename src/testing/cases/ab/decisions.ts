import { describe, expect, it } from 'vitest';
import { AB_TEST_STATUSES, AB_TEST_TRANSITIONS } from '../../../ab/lifecycle.js';
import type { AbTest } from '../../../ab/types.js';
import { ConflictError, InvalidTransitionError } from '../../../errors.js';
import type { Lab } from '../../../lab.js';
import { welchTTest } from '../../../stats/welch.js';
import type { AbTestStatus } from '../../../storage/records.js';
import type { ConformanceTarget } from '../../harness.js';
import { expectInvalid, freshLabs, rejection } from '../../labs.js';
import { abDefinition, abLab, feed, MODEL } from './setup.js';

/** n values with mean `mean` and a fixed, symmetric spread (sd about 1). */
const series = (n: number, mean: number) =>
  Array.from({ length: n }, (_, i) => mean + ((i % 5) - 2) * 0.7 + (i % 2 ? 0.1 : -0.1));

/** Drives a test into `status` through legal moves. */
async function testIn(lab: Lab, status: AbTestStatus): Promise<AbTest> {
  const test = await lab.abTests.create(abDefinition({ start: status !== 'created' }));
  if (status === 'paused') return lab.abTests.pause(test.id);
  if (status === 'completed') return (await lab.abTests.complete(test.id, { force: true })).test;
  if (status === 'failed') return lab.abTests.fail(test.id, 'broken feed');
  return test;
}

/** `lab.abTests` results, lifecycle, complete and monitor. @internal */
export function abDecisionCases(target: ConformanceTarget): void {
  const labs = freshLabs(target);

  describe('abTests.results', () => {
    it('matches Welch on the raw values (fixed horizon) from the database aggregates', async () => {
      const { lab } = await abLab(labs);
      const test = await lab.abTests.create(
        abDefinition({ sequential: false, minimumDetectableEffect: 0.5 }),
      );
      const control = series(40, 1);
      const challenger = series(40, 1.8);
      await feed(lab, test, 'control', control);
      await feed(lab, test, 'challenger', challenger);
      const results = await lab.abTests.results(test.id);
      const welch = welchTTest(control, challenger);
      const c = results.comparisons[0];
      expect(c?.variant).toBe('challenger');
      expect(c?.difference).toBeCloseTo(0.8, 10);
      expect(c?.pValue).toBeCloseTo(welch.pValue, 9);
      expect(c?.ci[0]).toBeCloseTo(welch.ci[0], 9);
      expect(c?.ci[1]).toBeCloseTo(welch.ci[1], 9);
      expect(c?.cohensD).toBeCloseTo(welch.cohensD, 9);
      expect(c?.significant).toBe(true);
      expect(c?.achievedPower).toBeGreaterThan(0);
      expect(c?.requiredSampleSizePerVariant).toBeGreaterThan(0);
      expect(results.winner).toBe('challenger');
      expect(results.srm).toMatchObject({ mismatch: false });
      expect(results.recommendation).toMatch(/^challenger better by 0\.8\d* \(95% CI/);
      expect(results.minimumSamplesPerVariant).toBe(
        Math.max(10, c?.requiredSampleSizePerVariant ?? 0),
      );
    });

    it('is wider and always valid in sequential mode', async () => {
      const { lab } = await abLab(labs);
      const fixed = await lab.abTests.create(abDefinition({ sequential: false }));
      const seq = await lab.abTests.create(abDefinition());
      for (const test of [fixed, seq]) {
        await feed(lab, test, 'control', series(60, 1));
        await feed(lab, test, 'challenger', series(60, 1.4));
      }
      const a = (await lab.abTests.results(fixed.id)).comparisons[0];
      const b = (await lab.abTests.results(seq.id)).comparisons[0];
      expect(b?.difference).toBeCloseTo(a?.difference ?? 0, 12);
      expect((b?.ci[1] ?? 0) - (b?.ci[0] ?? 0)).toBeGreaterThan((a?.ci[1] ?? 0) - (a?.ci[0] ?? 0));
      expect(b?.pValue).toBeGreaterThan(a?.pValue ?? 1);
      expect((await lab.abTests.results(seq.id)).recommendation).toContain('always-valid');
    });

    it('says so while there are too few outcomes to compare', async () => {
      const { lab } = await abLab(labs);
      const test = await lab.abTests.create(abDefinition());
      await feed(lab, test, 'control', [1, 2, 3]);
      const results = await lab.abTests.results(test.id);
      expect(results.comparisons).toEqual([]);
      expect(results.winner).toBeNull();
      expect(results.enoughSamples).toBe(false);
      expect(results.recommendation).toBe(
        'not enough outcomes yet: control 3, challenger 0 (at least 2 per variant are needed to compare)',
      );
    });

    it('flags a sample ratio mismatch from the prediction counts and names no winner', async () => {
      const { lab } = await abLab(labs);
      const test = await lab.abTests.create(abDefinition({ sequential: false }));
      await feed(lab, test, 'control', series(400, 1));
      await feed(lab, test, 'challenger', series(300, 3));
      const results = await lab.abTests.results(test.id);
      expect(results.srm?.mismatch).toBe(true);
      expect(results.winner).toBeNull();
      expect(results.recommendation).toMatch(/^sample ratio mismatch/);
    });

    it('checks the split of a hash test on distinct units, not on repeated predictions', async () => {
      const { lab } = await abLab(labs);
      const test = await lab.abTests.create(abDefinition({ sequential: false }));
      // 200 accounts; the challenger's accounts trade five times as often as the control's.
      for (let i = 0; i < 200; i++) {
        const unit = `acct-${i}`;
        const route = lab.abTests.route(test.id, { unit });
        const repeats = route.variant === 'challenger' ? 5 : 1;
        for (let k = 0; k < repeats; k++) {
          const id = lab.abTests.recordPrediction(test.id, {
            variant: route.variant,
            unit,
            prediction: 0,
          });
          await lab.abTests.recordOutcome(id, (i % 7) + k);
        }
      }
      const results = await lab.abTests.results(test.id);
      const [control, challenger] = results.variants;
      expect((challenger?.predictions ?? 0) / (control?.predictions ?? 1)).toBeGreaterThan(3);
      expect(results.srm?.mismatch).toBe(false);
      expect(results.srm?.pValue).toBeGreaterThan(0.001);
    });

    it('analyses secondary metrics with Benjamini-Hochberg across them', async () => {
      const { lab } = await abLab(labs);
      const test = await lab.abTests.create(
        abDefinition({ sequential: false, secondaryMetrics: ['absolute_error', 'hit'] }),
      );
      await feed(lab, test, 'control', series(50, 1), 1);
      await feed(lab, test, 'challenger', series(50, 1), -2);
      const results = await lab.abTests.results(test.id);
      expect(results.secondary.map((s) => [s.metric, s.variant])).toEqual([
        ['absolute_error', 'challenger'],
        ['hit', 'challenger'],
      ]);
      const mae = results.secondary[0];
      expect(mae?.difference).toBeGreaterThan(0); // the challenger's predictions are further off
      expect(mae?.direction).toBe('worse');
      for (const s of results.secondary) expect(s.adjustedPValue).toBeGreaterThanOrEqual(s.pValue);
    });
  });

  describe('abTests lifecycle', () => {
    it('allows exactly the moves of the state machine', async () => {
      const { lab } = await abLab(labs);
      const moves: Record<AbTestStatus, (id: string) => Promise<unknown>> = {
        created: async () => {
          throw new Error('no move back to created');
        },
        running: (id) =>
          lab.abTests
            .get(id)
            .then((t) => (t.status === 'created' ? lab.abTests.start(id) : lab.abTests.resume(id))),
        paused: (id) => lab.abTests.pause(id),
        completed: (id) => lab.abTests.complete(id, { force: true }),
        failed: (id) => lab.abTests.fail(id, 'broken'),
      };
      for (const from of AB_TEST_STATUSES) {
        for (const to of AB_TEST_STATUSES) {
          if (to === 'created') continue;
          const test = await testIn(lab, from);
          const allowed = AB_TEST_TRANSITIONS[from].includes(to);
          if (allowed) {
            await moves[to](test.id);
            expect((await lab.abTests.get(test.id)).status).toBe(to);
          } else {
            expect(await rejection(moves[to](test.id))).toBeInstanceOf(InvalidTransitionError);
            expect((await lab.abTests.get(test.id)).status).toBe(from);
          }
        }
      }
    });

    it('refuses to complete below the minimum samples unless forced', async () => {
      const { lab, clock } = await abLab(labs);
      const test = await lab.abTests.create(abDefinition({ minSamplesPerVariant: 20 }));
      await feed(lab, test, 'control', series(20, 1));
      await feed(lab, test, 'challenger', series(12, 1));
      const refused = await rejection(lab.abTests.complete(test.id));
      expect(refused).toBeInstanceOf(ConflictError);
      expect((refused as Error).message).toContain('control 20, challenger 12');
      expect((await lab.abTests.get(test.id)).status).toBe('running');
      await feed(lab, test, 'challenger', series(8, 1));
      clock.advance(5000);
      const { test: done, results } = await lab.abTests.complete(test.id);
      expect(done).toMatchObject({ status: 'completed', endReason: 'completed', winner: null });
      expect(done.endedAt).toEqual(clock());
      expect(results.status).toBe('completed');
      await expectInvalid(
        lab.abTests.complete(test.id, { force: 'yes' } as never),
        'options.force',
      );
    });

    it('raises the minimum to the sample size the MDE needs', async () => {
      const { lab } = await abLab(labs);
      const test = await lab.abTests.create(
        abDefinition({ minSamplesPerVariant: 10, minimumDetectableEffect: 0.1 }),
      );
      await feed(lab, test, 'control', series(30, 1));
      await feed(lab, test, 'challenger', series(30, 1));
      const results = await lab.abTests.results(test.id);
      expect(results.minimumSamplesPerVariant).toBeGreaterThan(1000);
      expect(results.enoughSamples).toBe(false);
      expect(await rejection(lab.abTests.complete(test.id))).toBeInstanceOf(ConflictError);
      const forced = await lab.abTests.complete(test.id, { force: true });
      expect(forced.test.endReason).toBe('forced');
    });

    it('with autoPromote, promotes the winner of a completed test, but never of one forced early', async () => {
      const { lab, challenger, control } = await abLab(labs);
      const early = await lab.abTests.create(
        abDefinition({ autoPromote: true, minSamplesPerVariant: 40 }),
      );
      await feed(lab, early, 'control', series(20, 1));
      await feed(lab, early, 'challenger', series(20, 6));
      const forced = await lab.abTests.complete(early.id, { force: true });
      expect(forced.test).toMatchObject({
        winner: 'challenger',
        promoted: null,
        endReason: 'forced',
      });
      expect((await lab.models.get(MODEL, { stage: 'production' })).version).toBe(control.version);
      const test = await lab.abTests.create(
        abDefinition({ autoPromote: true, minSamplesPerVariant: 20 }),
      );
      await feed(lab, test, 'control', series(20, 1));
      await feed(lab, test, 'challenger', series(20, 6));
      const done = await lab.abTests.complete(test.id);
      expect(done.test).toMatchObject({
        winner: 'challenger',
        promoted: { model: MODEL, version: challenger.version },
      });
      expect((await lab.models.get(MODEL, { stage: 'production' })).version).toBe(
        challenger.version,
      );
    });

    it('fails with a reason', async () => {
      const { lab } = await abLab(labs);
      const test = await lab.abTests.create(abDefinition());
      const failed = await lab.abTests.fail(test.id, 'feature pipeline broke');
      expect(failed).toMatchObject({ status: 'failed', endReason: 'feature pipeline broke' });
      await expectInvalid(lab.abTests.fail(test.id, ''), 'reason');
    });
  });

  describe('abTests.monitor', () => {
    it('completes tests past their end time', async () => {
      const { lab, clock } = await abLab(labs);
      const test = await lab.abTests.create(
        abDefinition({ endAt: new Date(clock().getTime() + 60_000) }),
      );
      expect(await lab.abTests.monitor()).toEqual([]);
      clock.advance(60_000);
      const actions = await lab.abTests.monitor();
      expect(actions).toEqual([
        {
          testId: test.id,
          action: 'completed',
          variant: null,
          reason: 'end_at: the test reached its end time',
        },
      ]);
      expect((await lab.abTests.get(test.id)).endReason).toBe('end_at');
      expect(await lab.abTests.monitor()).toEqual([]);
    });

    it('stops a treatment worse than the control by more than maxLoss, and keeps the control', async () => {
      const { lab } = await abLab(labs);
      const test = await lab.abTests.create(abDefinition({ maxLoss: 0.5 }));
      await feed(lab, test, 'control', series(30, 1));
      await feed(lab, test, 'challenger', series(30, 0.8)); // worse, but not by 0.5
      expect(await lab.abTests.monitor()).toEqual([]);
      await feed(lab, test, 'control', series(400, 1));
      await feed(lab, test, 'challenger', series(400, -1)); // worse by about 2
      const actions = await lab.abTests.monitor();
      expect(actions.map((a) => [a.action, a.variant])).toEqual([
        ['stopped_variant', 'challenger'],
        ['completed', null],
      ]);
      const done = await lab.abTests.get(test.id);
      expect(done).toMatchObject({
        status: 'completed',
        stoppedVariants: ['challenger'],
        endReason: 'max_loss',
        winner: null,
      });
      expect(lab.abTests.route(test.id, { unit: 'u1' })).toMatchObject({
        variant: 'control',
        inTest: false,
      });
    });

    it('with autoPromote, promotes a significant winner through the model registry', async () => {
      const { lab, challenger, control } = await abLab(labs);
      const test = await lab.abTests.create(
        abDefinition({ autoPromote: true, minSamplesPerVariant: 50 }),
      );
      await feed(lab, test, 'control', series(50, 1));
      await feed(lab, test, 'challenger', series(30, 3));
      expect(await lab.abTests.monitor()).toEqual([]); // not enough samples yet
      await feed(lab, test, 'challenger', series(20, 3));
      const actions = await lab.abTests.monitor();
      expect(actions.map((a) => [a.action, a.variant])).toEqual([
        ['completed', 'challenger'],
        ['promoted', 'challenger'],
      ]);
      const done = await lab.abTests.get(test.id);
      expect(done).toMatchObject({
        status: 'completed',
        endReason: 'auto_promote',
        winner: 'challenger',
        promoted: { model: MODEL, version: challenger.version },
      });
      expect((await lab.models.get(MODEL, { stage: 'production' })).version).toBe(
        challenger.version,
      );
      expect((await lab.models.get(MODEL, { version: control.version })).stage).toBe('staging');
      const last = (await lab.models.history(MODEL)).at(-1);
      expect(last).toMatchObject({
        kind: 'stage_changed',
        to: 'production',
        actor: 'quantlab.abTests',
      });
      expect(last?.reason).toContain(test.id);
    });
  });
}
