import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../errors.js';
import type { ConformanceTarget } from '../../harness.js';
import { expectInvalid, freshLabs, rejection } from '../../labs.js';
import { DRIFT_MODEL, driftLab, normals } from './setup.js';

const weights = (text: string) => new TextEncoder().encode(text);

/** `lab.drift.retrainAndValidate`: from a drift report to a validation A/B test. @internal */
export function driftRetrainCases(target: ConformanceTarget): void {
  const labs = freshLabs(target);

  /** A lab whose production version has a baseline and one report that found drift. */
  async function drifted() {
    const setup = await driftLab(labs);
    const { lab, model } = setup;
    await lab.drift.setBaseline({ model, features: { spread: normals(2000, 0, 1, 1) } });
    const report = await lab.drift.check({ model, features: { spread: normals(2000, 1, 1, 2) } });
    expect(report.drifted).toBe(true);
    return { ...setup, report };
  }

  describe('drift.retrainAndValidate', () => {
    it('registers the retrained version with lineage to the report and starts champion vs challenger', async () => {
      const { lab, model, champion, report } = await drifted();
      const calls: { champion: string; report: string }[] = [];
      const result = await lab.drift.retrainAndValidate({
        model: { name: DRIFT_MODEL, stage: 'production' },
        train: async (context) => {
          calls.push({ champion: context.champion.version, report: context.report.id });
          return {
            artifact: weights('retrained weights'),
            modelType: context.champion.modelType,
            features: context.champion.features,
            metrics: { auc: 0.61 },
            tags: ['nightly'],
            baseline: { features: { spread: normals(2000, 1, 1, 3) } },
          };
        },
      });
      expect(calls).toEqual([{ champion: champion.version, report: report.id }]);
      expect(result.report).toEqual(report);
      expect(result.champion.version).toBe(champion.version);
      const challenger = result.challenger;
      expect(challenger.version).not.toBe(champion.version);
      expect(challenger.stage).toBe('development');
      expect(challenger.tags).toEqual(['nightly', `drift-report:${report.id}`]);
      expect(challenger.description).toBe(`Retrained after drift report ${report.id}`);
      const tagged = await lab.models.list({ tag: `drift-report:${report.id}` });
      expect(tagged.versions.map((v) => v.version)).toEqual([challenger.version]);

      const test = result.test;
      expect(test.status).toBe('running');
      expect(test.variants.map((v) => [v.name, v.model, v.version])).toEqual([
        ['champion', DRIFT_MODEL, champion.version],
        ['challenger', DRIFT_MODEL, challenger.version],
      ]);
      expect(test.metadata).toMatchObject({
        driftReportId: report.id,
        champion: champion.version,
        challenger: challenger.version,
      });
      expect(test.name).toBe(`${DRIFT_MODEL} ${champion.version} vs ${challenger.version} (drift)`);
      // The challenger's own baseline was set: a check against it finds no drift.
      const next = await lab.drift.check({
        model: { name: DRIFT_MODEL, version: challenger.version },
        features: { spread: normals(2000, 1, 1, 4) },
      });
      expect(next.drifted).toBe(false);
      // Promotion only on evidence: production is unchanged.
      expect((await lab.models.get(DRIFT_MODEL, { stage: 'production' })).version).toBe(
        model.version,
      );
    });

    it('validates in shadow mode on prediction error, or splits by the given weight', async () => {
      const { lab, model, report } = await drifted();
      const train = () => ({ artifact: weights(`w${Math.random()}`), modelType: 'lightgbm' });
      const shadow = await lab.drift.retrainAndValidate({
        model,
        report: report.id,
        train,
        test: { mode: 'shadow', minSamplesPerVariant: 50 },
      });
      expect(shadow.test.mode).toBe('shadow');
      expect(shadow.test.primaryMetric).toBe('absolute_error');
      expect(shadow.test.minSamplesPerVariant).toBe(50);
      const split = await lab.drift.retrainAndValidate({
        model,
        train,
        challengerWeight: 0.1,
        test: { name: 'careful rollout' },
      });
      expect(split.test.name).toBe('careful rollout');
      expect(split.test.variants.map((v) => v.weight)).toEqual([0.9, 0.1]);
    });

    it('checks the test definition and the report before training', async () => {
      const { lab, model, report } = await drifted();
      let trained = 0;
      const train = () => {
        trained++;
        return { artifact: weights('x'), modelType: 'lightgbm' };
      };
      await expectInvalid(
        lab.drift.retrainAndValidate({ model, train, test: { allocation: 'fair' as never } }),
        'test.allocation',
      );
      await expectInvalid(
        lab.drift.retrainAndValidate({
          model,
          train,
          challengerWeight: 0.2,
          test: { mode: 'shadow' },
        }),
        'challengerWeight',
      );
      await expectInvalid(lab.drift.retrainAndValidate({ model, train: 'fit' as never }), 'train');
      expect(
        await rejection(lab.drift.retrainAndValidate({ model, train, report: 'missing' })),
      ).toBeInstanceOf(NotFoundError);

      const other = { name: 'other', version: '1.0.0' };
      await lab.drift.setBaseline({ model: other, metrics: { sharpe: 1 } });
      const foreign = await lab.drift.check({ model: other, metrics: { sharpe: 0.1 } });
      await expectInvalid(
        lab.drift.retrainAndValidate({ model, train, report: foreign.id }),
        'report',
      );
      expect(trained).toBe(0);
      expect(report.drifted).toBe(true);
    });

    it('needs a report that found drift, and a champion in the registry', async () => {
      const { lab, model } = await driftLab(labs);
      const train = () => ({ artifact: weights('x'), modelType: 'lightgbm' });
      await lab.drift.setBaseline({ model, metrics: { sharpe: 1 } });
      await lab.drift.check({ model, metrics: { sharpe: 1 } });
      await expectInvalid(lab.drift.retrainAndValidate({ model, train }), 'report');
      const unregistered = { name: 'ghost', version: '1.0.0' };
      expect(
        await rejection(lab.drift.retrainAndValidate({ model: unregistered, train })),
      ).toBeInstanceOf(NotFoundError);
      await expectInvalid(
        lab.drift.retrainAndValidate({
          model,
          train: () => ({ name: 'another', artifact: weights('y'), modelType: 'x' }),
          report: (await lab.drift.check({ model, metrics: { sharpe: 0.1 } })).id,
        }),
        'train',
      );
      expect((await lab.models.list({ name: model.name })).versions).toHaveLength(1);
    });
  });
}
