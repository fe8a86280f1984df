import { describe, expect, it } from 'vitest';
import {
  BackpressureError,
  ConflictError,
  NotFoundError,
  ValidationError,
} from '../../../errors.js';
import type { ConformanceTarget } from '../../harness.js';
import { freshLabs, rejection } from '../../labs.js';
import { abDefinition, abLab, feed } from './setup.js';

const close = (a: number | null, b: number) =>
  Math.abs((a ?? Number.NaN) - b) <= 1e-9 * Math.max(1, Math.abs(b));

/** `lab.abTests` recordPrediction, recordOutcome, flush. @internal */
export function abRecordingCases(target: ConformanceTarget): void {
  const labs = freshLabs(target);

  describe('abTests.recordPrediction / recordOutcome', () => {
    it('returns a prediction id at once and stores the prediction as given', async () => {
      const { lab, clock } = await abLab(labs);
      const test = await lab.abTests.create(abDefinition());
      const id = lab.abTests.recordPrediction(test.id, {
        variant: 'challenger',
        unit: 'acct-1',
        features: { rsi: 61.5, regime: 'trend', lags: [1, 2] },
        prediction: 0.012,
        confidence: 0.7,
      });
      expect(typeof id).toBe('string');
      clock.advance(1000);
      await lab.abTests.flush();
      const results = await lab.abTests.results(test.id);
      expect(results.variants.map((v) => v.predictions)).toEqual([0, 1]);
      expect(results.variants.map((v) => v.n)).toEqual([0, 0]);
    });

    it('derives actual, error, absolute and squared error and hit, aggregated per variant', async () => {
      const { lab } = await abLab(labs);
      const test = await lab.abTests.create(
        abDefinition({ secondaryMetrics: ['absolute_error', 'squared_error', 'hit', 'error'] }),
      );
      // predictions 1, 2, -1 against actuals 1.5, 1, 2
      const pairs: [number, number][] = [
        [1, 1.5],
        [2, 1],
        [-1, 2],
      ];
      for (const [prediction, actual] of pairs) {
        const id = lab.abTests.recordPrediction(test.id, { variant: 'control', prediction });
        await lab.abTests.recordOutcome(id, actual);
      }
      const results = await lab.abTests.results(test.id);
      const control = results.variants[0];
      expect(control?.n).toBe(3);
      expect(close(control?.mean ?? null, 1.5)).toBe(true);
      expect(close(control?.sd ?? null, 0.5)).toBe(true);
      expect(close(control?.mae ?? null, (0.5 + 1 + 3) / 3)).toBe(true);
      expect(close(control?.mse ?? null, (0.25 + 1 + 9) / 3)).toBe(true);
      expect(close(control?.rmse ?? null, Math.sqrt((0.25 + 1 + 9) / 3))).toBe(true);
      expect(results.variants[1]).toMatchObject({ n: 0, mean: null, mae: null });
    });

    it('accepts outcomes of predictions it no longer holds, after a database lookup', async () => {
      const { lab } = await abLab(labs, { abTests: { maxPendingPredictions: 0 } });
      const test = await lab.abTests.create(abDefinition());
      const ids = [0, 1, 2].map((i) =>
        lab.abTests.recordPrediction(test.id, { variant: 'control', prediction: i }),
      );
      for (const id of ids) await lab.abTests.recordOutcome(id, 10);
      const results = await lab.abTests.results(test.id);
      expect(results.variants[0]?.n).toBe(3);
      expect(close(results.variants[0]?.mae ?? null, (10 + 9 + 8) / 3)).toBe(true);
    });

    it('keeps at most maxPendingPredictions in memory and still accepts the outcomes of the others', async () => {
      const { lab } = await abLab(labs, { abTests: { maxPendingPredictions: 2 } });
      const test = await lab.abTests.create(abDefinition());
      const ids = [1, 2, 3, 4, 5].map((p) =>
        lab.abTests.recordPrediction(test.id, { variant: 'control', prediction: p }),
      );
      // The last two answer from memory, the first three after a lookup; out of order on purpose.
      for (const id of [ids[4], ids[0], ids[3], ids[2], ids[1]]) {
        await lab.abTests.recordOutcome(id as string, 0);
      }
      const results = await lab.abTests.results(test.id);
      expect(results.variants[0]).toMatchObject({ predictions: 5, n: 5, mean: 0 });
      expect(close(results.variants[0]?.mae ?? null, 3)).toBe(true);
    });

    it('rejects an outcome for an unknown prediction id and a second outcome for the same prediction', async () => {
      const { lab } = await abLab(labs);
      const test = await lab.abTests.create(abDefinition());
      const unknown = await rejection(lab.abTests.recordOutcome('no-such-prediction', 1));
      expect(unknown).toBeInstanceOf(NotFoundError);
      const id = lab.abTests.recordPrediction(test.id, { variant: 'control', prediction: 0 });
      await lab.abTests.recordOutcome(id, 1);
      expect(await rejection(lab.abTests.recordOutcome(id, 2))).toBeInstanceOf(ConflictError);
      await lab.abTests.flush();
      const results = await lab.abTests.results(test.id);
      expect(results.variants[0]).toMatchObject({ n: 1, mean: 1 });
    });

    it('counts one of two concurrent outcomes for the same prediction and rejects the other', async () => {
      const { lab } = await abLab(labs, { abTests: { maxPendingPredictions: 0 } });
      const test = await lab.abTests.create(abDefinition());
      const id = lab.abTests.recordPrediction(test.id, { variant: 'control', prediction: 0 });
      const settled = await Promise.allSettled([
        lab.abTests.recordOutcome(id, 1),
        lab.abTests.recordOutcome(id, 2),
      ]);
      expect(settled.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      const rejected = settled.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(rejected.reason).toBeInstanceOf(ConflictError);
      const results = await lab.abTests.results(test.id);
      expect(results.variants[0]).toMatchObject({ n: 1, mean: 1 });
    });

    it('checks input at once and records nothing for refused calls', async () => {
      const { lab } = await abLab(labs);
      const test = await lab.abTests.create(abDefinition());
      const bad = (input: unknown, field: string) => {
        let error: unknown;
        try {
          lab.abTests.recordPrediction(test.id, input as never);
        } catch (thrown) {
          error = thrown;
        }
        expect(error).toBeInstanceOf(ValidationError);
        expect((error as ValidationError).field).toBe(field);
      };
      bad({ variant: 'nope', prediction: 1 }, 'input.variant');
      bad({ variant: 'control', prediction: Number.NaN }, 'input.prediction');
      bad({ variant: 'control', prediction: '1' }, 'input.prediction');
      bad(
        { variant: 'control', prediction: 1, confidence: Number.POSITIVE_INFINITY },
        'input.confidence',
      );
      bad(
        { variant: 'control', prediction: 1, features: { when: new Date() } },
        'input.features.when',
      );
      bad(
        { variant: 'control', prediction: 1, shadowPredictions: { challenger: 1 } },
        'input.shadowPredictions',
      );
      const id = lab.abTests.recordPrediction(test.id, { variant: 'control', prediction: 1 });
      expect(() => lab.abTests.recordOutcome(id, Number.NaN)).toThrow(ValidationError);
      expect(() => lab.abTests.recordOutcome(id, 1, { metrics: { error: 3 } })).toThrow(
        ValidationError,
      );
      expect(() => lab.abTests.recordOutcome(id, 1, { metrics: { pnl: Number.NaN } })).toThrow(
        ValidationError,
      );
      // The refused outcomes left the prediction open.
      await lab.abTests.recordOutcome(id, 2);
      const results = await lab.abTests.results(test.id);
      expect(results.variants.map((v) => [v.predictions, v.n])).toEqual([
        [1, 1],
        [0, 0],
      ]);
    });

    it('scores the caller metrics, requiring a custom primary metric', async () => {
      const { lab } = await abLab(labs);
      const test = await lab.abTests.create(
        abDefinition({ primaryMetric: 'pnl', secondaryMetrics: ['win'] }),
      );
      const id = lab.abTests.recordPrediction(test.id, { variant: 'challenger', prediction: 0.4 });
      expect(() => lab.abTests.recordOutcome(id, 0.1)).toThrow(ValidationError);
      await lab.abTests.recordOutcome(id, 0.1, { metrics: { pnl: 12.5, win: true } });
      const second = lab.abTests.recordPrediction(test.id, {
        variant: 'challenger',
        prediction: 0.1,
      });
      await lab.abTests.recordOutcome(second, -0.2, { metrics: { pnl: -2.5, win: false } });
      const results = await lab.abTests.results(test.id);
      expect(results.variants[1]).toMatchObject({ n: 2, mean: 5 });
      expect(close(results.variants[1]?.sd ?? null, Math.sqrt(2 * 7.5 ** 2))).toBe(true);
    });

    it('binary tests take 0/1 or booleans and report the rate', async () => {
      const { lab } = await abLab(labs);
      const test = await lab.abTests.create(
        abDefinition({ primaryMetric: 'hit', metricKind: 'binary' }),
      );
      const outcomes: [number, boolean][] = [
        [0.9, true],
        [0.8, false],
        [0.2, false],
        [0.6, true],
      ];
      for (const [prediction, actual] of outcomes) {
        const id = lab.abTests.recordPrediction(test.id, { variant: 'control', prediction });
        await lab.abTests.recordOutcome(id, actual);
      }
      const id = lab.abTests.recordPrediction(test.id, { variant: 'control', prediction: 0.5 });
      expect(() => lab.abTests.recordOutcome(id, 0.5)).toThrow(ValidationError);
      const results = await lab.abTests.results(test.id);
      // hits: 0.9→1 ✓, 0.8→0 ✗, 0.2→0 ✓, 0.6→1 ✓
      expect(results.variants[0]).toMatchObject({ n: 4, rate: 0.75, mean: 0.75, sd: null });
    });

    it('records each shadow prediction beside the control and scores it on the same outcome', async () => {
      const { lab } = await abLab(labs);
      const test = await lab.abTests.create(
        abDefinition({ mode: 'shadow', primaryMetric: 'absolute_error' }),
      );
      const rows: [number, number, number][] = [
        [1, 1.5, 2],
        [0, 0.5, 1],
        [2, 2, 2],
      ];
      for (const [control, challenger, actual] of rows) {
        const route = lab.abTests.route(test.id, { unit: 'u' });
        const id = lab.abTests.recordPrediction(test.id, {
          variant: route.variant,
          prediction: control,
          shadowPredictions: { challenger },
        });
        await lab.abTests.recordOutcome(id, actual);
      }
      expect(() =>
        lab.abTests.recordPrediction(test.id, { variant: 'challenger', prediction: 1 }),
      ).toThrow(ValidationError);
      const results = await lab.abTests.results(test.id);
      expect(results.variants.map((v) => [v.name, v.predictions, v.n])).toEqual([
        ['control', 3, 3],
        ['challenger', 3, 3],
      ]);
      expect(close(results.variants[0]?.mae ?? null, (1 + 1 + 0) / 3)).toBe(true);
      expect(close(results.variants[1]?.mae ?? null, (0.5 + 0.5 + 0) / 3)).toBe(true);
      expect(results.srm).toBeNull();
    });

    it('throws BackpressureError when the buffer is full and accepts nothing of that call', async () => {
      const { lab } = await abLab(labs, {
        abTests: { buffer: { capacity: 3, flushIntervalMs: 60_000, maxBatch: 1000 } },
      });
      const test = await lab.abTests.create(abDefinition());
      const ids = [1, 2].map((p) =>
        lab.abTests.recordPrediction(test.id, { variant: 'control', prediction: p }),
      );
      lab.abTests.recordPrediction(test.id, { variant: 'control', prediction: 3 });
      expect(() =>
        lab.abTests.recordPrediction(test.id, { variant: 'control', prediction: 4 }),
      ).toThrow(BackpressureError);
      expect(() => lab.abTests.recordOutcome(ids[0] as string, 1)).toThrow(BackpressureError);
      await lab.abTests.flush();
      await lab.abTests.recordOutcome(ids[0] as string, 1);
      const results = await lab.abTests.results(test.id);
      expect(results.variants[0]).toMatchObject({ predictions: 3, n: 1 });
    });

    it('makes each outcome durable before recordOutcome resolves with durability sync', async () => {
      const { lab } = await abLab(labs, {
        abTests: { durability: 'sync', buffer: { flushIntervalMs: 60_000 } },
      });
      const test = await lab.abTests.create(abDefinition());
      await feed(lab, test, 'control', [1, 2, 3]);
      const results = await lab.abTests.results(test.id);
      expect(results.variants[0]).toMatchObject({ predictions: 3, n: 3, mean: 2 });
    });

    it('results() counts what was accepted but not yet written', async () => {
      const { lab } = await abLab(labs, { abTests: { buffer: { flushIntervalMs: 60_000 } } });
      const test = await lab.abTests.create(abDefinition());
      const id = lab.abTests.recordPrediction(test.id, { variant: 'control', prediction: 1 });
      await lab.abTests.recordOutcome(id, 4);
      const results = await lab.abTests.results(test.id);
      expect(results.variants[0]).toMatchObject({ predictions: 1, n: 1, mean: 4 });
    });
  });
}
