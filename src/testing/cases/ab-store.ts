import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConflictError, ValidationError } from '../../errors.js';
import type { StorageBackend } from '../../storage/backend.js';
import type {
  AbAggregate,
  AbTestRecord,
  OutcomeRecord,
  PredictionRecord,
} from '../../storage/records.js';
import { DATE_SAMPLES, NESTED_JSON, T0, UNICODE_SAMPLES } from '../fixtures.js';

const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const idsOf = (records: readonly { id: string }[]) => records.map((r) => r.id);
/** Code point order (the byte order of UTF-8), the order every backend sorts text in. */
const byCodePoint = (a: string, b: string) =>
  Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
const newestFirst = (a: AbTestRecord, b: AbTestRecord) =>
  b.createdAt.getTime() - a.createdAt.getTime() || byCodePoint(b.id, a.id);
const caught = (promise: Promise<unknown>) =>
  promise.then(
    () => new Error('did not throw'),
    (e: unknown) => e,
  );

function abTest(overrides: Partial<AbTestRecord> = {}): AbTestRecord {
  return {
    id: `abt-${randomUUID()}`,
    name: 'momentum v2 vs v3',
    status: 'running',
    definition: {
      variants: [
        { name: 'control', model: { name: 'btc-momentum', version: '2.0.0' } },
        { name: 'challenger', model: { name: 'btc-momentum', version: '3.0.0' } },
      ],
      allocation: { strategy: 'hash', weights: [0.5, 0.5] },
      coverage: 1,
      primaryMetric: 'squared_error',
    },
    state: {},
    createdAt: T0,
    updatedAt: T0,
    startedAt: T0,
    endedAt: null,
    ...overrides,
  };
}

function prediction(testId: string, overrides: Partial<PredictionRecord> = {}): PredictionRecord {
  return {
    id: `pred-${randomUUID()}`,
    testId,
    variant: 'control',
    unit: 'acct-1',
    features: { rsi: 41.5, spread: 0.02 },
    prediction: 0.75,
    confidence: 0.9,
    shadow: null,
    at: T0,
    ...overrides,
  };
}

function outcome(
  predictionId: string,
  testId: string,
  overrides: Partial<OutcomeRecord> = {},
): OutcomeRecord {
  return {
    predictionId,
    testId,
    variant: 'control',
    actual: 1,
    values: { actual: 1 },
    at: T0,
    ...overrides,
  };
}

/** Outcomes of fresh prediction ids, one per value, each `{ metric: value }`. */
function outcomesOf(
  testId: string,
  values: readonly number[],
  variant = 'control',
  metric = 'pnl',
): OutcomeRecord[] {
  return values.map((value) =>
    outcome(`pred-${randomUUID()}`, testId, {
      variant,
      actual: value,
      values: { [metric]: value },
    }),
  );
}

/** The aggregate of n values: count, sum and sum of squares. */
function aggregateOf(variant: string, metric: string, values: readonly number[]): AbAggregate {
  return {
    variant,
    metric,
    n: values.length,
    sum: values.reduce((s, v) => s + v, 0),
    sumOfSquares: values.reduce((s, v) => s + v * v, 0),
  };
}

const keyOf = (o: OutcomeRecord) => ({ predictionId: o.predictionId, variant: o.variant });

const predictionsCount = (variant: string, n: number): AbAggregate => ({
  variant,
  metric: '$predictions',
  n,
  sum: 0,
  sumOfSquares: 0,
});

/** The A/B test store of the storage interface: tests, predictions, outcomes, aggregates. @internal */
export function abStoreCases(backend: () => StorageBackend): void {
  const ab = () => backend().abTests;

  describe('abTests store: tests', () => {
    it('stores and returns every field unchanged', async () => {
      const record = abTest({
        name: 'btc ü 🚀 日本語',
        status: 'paused',
        definition: NESTED_JSON,
        state: { stopped: ['challenger'], reason: 'maxLoss ✋', nested: { a: [1, { b: null }] } },
        createdAt: DATE_SAMPLES[0] as Date,
        updatedAt: DATE_SAMPLES[3] as Date,
        startedAt: DATE_SAMPLES[1] as Date,
        endedAt: DATE_SAMPLES[2] as Date,
      });
      await ab().insertTest(record);
      expect(await ab().getTest(record.id)).toEqual(record);
    });

    it('keeps nullable times as null and empty objects as empty', async () => {
      const record = abTest({ status: 'created', state: {}, startedAt: null, endedAt: null });
      await ab().insertTest(record);
      expect(await ab().getTest(record.id)).toEqual(record);
    });

    it.each(UNICODE_SAMPLES)('keeps text %j exactly', async (text) => {
      const record = abTest({ name: text, state: { [text]: text } });
      await ab().insertTest(record);
      expect(await ab().getTest(record.id)).toEqual(record);
      expect(idsOf(await ab().listTests({ name: text }))).toEqual([record.id]);
    });

    it('returns undefined for an unknown id', async () => {
      expect(await ab().getTest('missing')).toBeUndefined();
    });

    it('refuses a duplicate id with ConflictError and keeps the first', async () => {
      const first = abTest({ name: 'first' });
      await ab().insertTest(first);
      const error = await caught(ab().insertTest({ ...first, name: 'second' }));
      expect(error).toBeInstanceOf(ConflictError);
      expect(await ab().getTest(first.id)).toEqual(first);
    });

    it('refuses an invalid record with ValidationError and stores nothing', async () => {
      const bad = abTest({ status: 'sleeping' as AbTestRecord['status'] });
      const error = await caught(ab().insertTest(bad));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field).toBe('test.status');
      expect(await ab().getTest(bad.id)).toBeUndefined();
    });

    it('is not changed by mutating what was passed in or returned', async () => {
      const record = abTest({ state: { stopped: ['a'] } });
      await ab().insertTest(record);
      (record.state.stopped as string[]).push('mutated');
      const got = (await ab().getTest(record.id)) as AbTestRecord;
      (got.state.stopped as string[]).push('again');
      got.createdAt.setTime(0);
      const again = await ab().getTest(record.id);
      expect(again?.state).toEqual({ stopped: ['a'] });
      expect(again?.createdAt).toEqual(T0);
    });

    it('lists newest first (created_at, then id) and filters by status and name', async () => {
      const records = [
        abTest({ id: 'b', name: 'x', status: 'running', createdAt: at(1) }),
        abTest({ id: 'a', name: 'x', status: 'paused', createdAt: at(2) }),
        abTest({ id: 'c', name: 'y', status: 'completed', createdAt: at(2) }),
        abTest({ id: 'd', name: 'y', status: 'running', createdAt: at(0) }),
      ];
      for (const r of records) await ab().insertTest(r);
      expect(idsOf(await ab().listTests())).toEqual(['c', 'a', 'b', 'd']);
      expect(idsOf(await ab().listTests({ status: ['running'] }))).toEqual(['b', 'd']);
      expect(idsOf(await ab().listTests({ status: ['running', 'paused'] }))).toEqual([
        'a',
        'b',
        'd',
      ]);
      expect(await ab().listTests({ status: [] })).toEqual([]);
      expect(idsOf(await ab().listTests({ name: 'y' }))).toEqual(['c', 'd']);
      expect(idsOf(await ab().listTests({ name: 'y', status: ['running'] }))).toEqual(['d']);
      expect(await ab().listTests({ name: 'missing' })).toEqual([]);
      expect(await ab().listTests()).toEqual([...records].sort(newestFirst));
    });

    it('pages with a keyset cursor over tied timestamps and applies the limit', async () => {
      const records = Array.from({ length: 11 }, (_, i) =>
        abTest({ id: `t-${String(i).padStart(2, '0')}`, createdAt: at(Math.floor(i / 4)) }),
      );
      for (const r of [...records].reverse()) await ab().insertTest(r);
      const expected = idsOf([...records].sort(newestFirst));
      const pages: string[] = [];
      let after: AbTestRecord | undefined;
      for (;;) {
        const page = await ab().listTests({ limit: 3, ...(after ? { after } : {}) });
        pages.push(...idsOf(page));
        if (page.length < 3) break;
        after = page.at(-1);
      }
      expect(pages).toEqual(expected);
      expect(await ab().listTests({ limit: 0 })).toEqual([]);
    });

    it('returns at most 100 tests by default', async () => {
      await backend().transaction(async (tx) => {
        for (let i = 0; i < 105; i++) await tx.abTests.insertTest(abTest({ createdAt: at(i) }));
      });
      const listed = await ab().listTests();
      expect(listed).toHaveLength(100);
      expect(listed[0]?.createdAt).toEqual(at(104));
    });

    it('refuses a bad filter with ValidationError', async () => {
      const bad = [
        { status: ['sleeping'] },
        { name: 1 },
        { limit: -1 },
        { after: { createdAt: new Date(Number.NaN), id: 'x' } },
      ];
      for (const query of bad) {
        expect(await caught(ab().listTests(query as never))).toBeInstanceOf(ValidationError);
      }
    });

    it('updates a test and returns it; undefined for an unknown id', async () => {
      const record = abTest({ status: 'running', state: { a: 1 }, endedAt: null });
      await ab().insertTest(record);
      const state = { winner: 'challenger', lift: { mean: 0.12, ci: [0.01, 0.2] } };
      const updated = await ab().updateTest(record.id, {
        status: 'completed',
        state,
        updatedAt: at(60),
        endedAt: at(60),
      });
      const expected = {
        ...record,
        status: 'completed',
        state,
        updatedAt: at(60),
        endedAt: at(60),
      };
      expect(updated).toEqual(expected);
      expect(await ab().getTest(record.id)).toEqual(expected);
      // The state is replaced as a whole; a time goes back to null.
      const again = await ab().updateTest(record.id, { state: {}, endedAt: null });
      expect(again).toEqual({ ...expected, state: {}, endedAt: null });
      expect(await ab().updateTest('missing', { status: 'paused' })).toBeUndefined();
      expect(await ab().updateTest('missing', {})).toBeUndefined();
      expect(await ab().updateTest(record.id, {})).toEqual({
        ...expected,
        state: {},
        endedAt: null,
      });
    });

    it('compares and sets with expectStatus', async () => {
      const record = abTest({ status: 'running' });
      await ab().insertTest(record);
      expect(
        await ab().updateTest(record.id, { status: 'completed' }, { expectStatus: ['paused'] }),
      ).toBeUndefined();
      expect((await ab().getTest(record.id))?.status).toBe('running');
      expect(await ab().updateTest(record.id, { status: 'paused' }, { expectStatus: [] })).toBe(
        undefined,
      );
      const paused = await ab().updateTest(
        record.id,
        { status: 'paused' },
        { expectStatus: ['created', 'running'] },
      );
      expect(paused?.status).toBe('paused');
      expect(await ab().updateTest(record.id, {}, { expectStatus: ['running'] })).toBeUndefined();
      expect((await ab().updateTest(record.id, {}, { expectStatus: ['paused'] }))?.status).toBe(
        'paused',
      );
      expect(
        await ab().updateTest('missing', { status: 'paused' }, { expectStatus: ['running'] }),
      ).toBeUndefined();
    });

    it('lets exactly one of concurrent compare-and-sets win', async () => {
      const record = abTest({ status: 'running' });
      await ab().insertTest(record);
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          ab().updateTest(
            record.id,
            { status: 'completed', state: { by: i } },
            { expectStatus: ['running'] },
          ),
        ),
      );
      const winners = results.filter((r) => r !== undefined);
      expect(winners).toHaveLength(1);
      expect(await ab().getTest(record.id)).toEqual(winners[0]);
    });

    it('refuses a patch of a field that cannot change, or a bad value', async () => {
      const record = abTest();
      await ab().insertTest(record);
      const bad = [{ name: 'renamed' }, { definition: {} }, { status: 'sleeping' }, { state: [] }];
      for (const patch of bad) {
        expect(await caught(ab().updateTest(record.id, patch as never))).toBeInstanceOf(
          ValidationError,
        );
      }
      expect(
        await caught(ab().updateTest(record.id, {}, { expectStatus: ['sleeping'] as never })),
      ).toBeInstanceOf(ValidationError);
      expect(await ab().getTest(record.id)).toEqual(record);
    });
  });

  describe('abTests store: predictions', () => {
    it('stores and returns every field, null fields and shadow predictions included', async () => {
      const full = prediction('t1', {
        unit: 'acct ü 🚀',
        features: NESTED_JSON,
        prediction: -1e300,
        confidence: 5e-324,
        shadow: { challenger: 0.25, 'shadow é': -3.5 },
        at: DATE_SAMPLES[0] as Date,
      });
      const bare = prediction('t1', {
        unit: null,
        features: null,
        confidence: null,
        shadow: null,
        at: DATE_SAMPLES[3] as Date,
      });
      await ab().appendPredictions([full, bare]);
      expect(await ab().getPrediction(full.id)).toEqual(full);
      expect(await ab().getPrediction(bare.id)).toEqual(bare);
      expect(await ab().getPrediction('missing')).toBeUndefined();
      await ab().appendPredictions([]);
    });

    it('counts the predictions marked firstOfUnit as $units, without storing the mark', async () => {
      const first = prediction('t1', { variant: 'control', unit: 'acct-1', firstOfUnit: true });
      await ab().appendPredictions([
        first,
        prediction('t1', { variant: 'control', unit: 'acct-1' }),
        prediction('t1', { variant: 'challenger', unit: 'acct-2', firstOfUnit: true }),
        prediction('t1', { variant: 'control', unit: 'acct-3', firstOfUnit: false }),
      ]);
      expect(await ab().aggregates('t1')).toEqual([
        predictionsCount('challenger', 1),
        { variant: 'challenger', metric: '$units', n: 1, sum: 0, sumOfSquares: 0 },
        predictionsCount('control', 3),
        { variant: 'control', metric: '$units', n: 1, sum: 0, sumOfSquares: 0 },
      ]);
      const { firstOfUnit: _mark, ...stored } = first;
      expect(await ab().getPrediction(first.id)).toEqual(stored);
      const bad = { ...prediction('t1'), firstOfUnit: 'yes' } as unknown as PredictionRecord;
      expect(await caught(ab().appendPredictions([bad]))).toBeInstanceOf(ValidationError);
    });

    it('counts predictions per variant, shadow variants included, as $predictions', async () => {
      await ab().appendPredictions([
        prediction('t1', { variant: 'control' }),
        prediction('t1', { variant: 'control', shadow: { challenger: 0.1, shadow2: 0.2 } }),
        prediction('t1', { variant: 'challenger' }),
      ]);
      await ab().appendPredictions([prediction('t1', { variant: 'control' })]);
      expect(await ab().aggregates('t1')).toEqual([
        predictionsCount('challenger', 2),
        predictionsCount('control', 3),
        predictionsCount('shadow2', 1),
      ]);
      // Rows count only the prediction's own variant.
      expect(await ab().countRows('t1')).toEqual([
        { variant: 'challenger', predictions: 1, outcomes: 0 },
        { variant: 'control', predictions: 3, outcomes: 0 },
      ]);
    });

    it('refuses a batch repeating a stored id with ConflictError and keeps nothing of it', async () => {
      const first = prediction('t1');
      await ab().appendPredictions([first]);
      const fresh = prediction('t1', { variant: 'challenger' });
      const error = await caught(
        ab().appendPredictions([fresh, { ...first, prediction: 9 }, prediction('t1')]),
      );
      expect(error).toBeInstanceOf(ConflictError);
      expect(await ab().getPrediction(fresh.id)).toBeUndefined();
      expect(await ab().getPrediction(first.id)).toEqual(first);
      expect(await ab().aggregates('t1')).toEqual([predictionsCount('control', 1)]);
      expect(await ab().countRows('t1')).toEqual([
        { variant: 'control', predictions: 1, outcomes: 0 },
      ]);
    });

    it('refuses a batch repeating an id within itself and keeps nothing of it', async () => {
      const p = prediction('t1');
      const other = prediction('t1');
      expect(await caught(ab().appendPredictions([other, p, { ...p }]))).toBeInstanceOf(
        ConflictError,
      );
      expect(await ab().getPrediction(p.id)).toBeUndefined();
      expect(await ab().getPrediction(other.id)).toBeUndefined();
      expect(await ab().aggregates('t1')).toEqual([]);
    });

    it('refuses a batch with a bad value with ValidationError and keeps nothing of it', async () => {
      const good = prediction('t1');
      const bad = [
        { prediction: Number.NaN },
        { confidence: Number.POSITIVE_INFINITY },
        { shadow: { challenger: 'high' } },
        { features: [1, 2] },
        { unit: 'a\u0000b' },
        { at: new Date(Number.NaN) },
      ];
      for (const overrides of bad) {
        const error = await caught(
          ab().appendPredictions([good, prediction('t1', overrides as Partial<PredictionRecord>)]),
        );
        expect(error).toBeInstanceOf(ValidationError);
        expect((error as ValidationError).field).toMatch(/^predictions\[1\]\./);
      }
      expect(await ab().getPrediction(good.id)).toBeUndefined();
      expect(await ab().aggregates('t1')).toEqual([]);
    });

    it('is not changed by mutating what was passed in or returned', async () => {
      const p = prediction('t1', { features: { a: { b: 1 } }, shadow: { x: 1 } });
      await ab().appendPredictions([p]);
      (p.features as { a: { b: number } }).a.b = 2;
      (p.shadow as Record<string, number>).x = 2;
      const got = (await ab().getPrediction(p.id)) as PredictionRecord;
      (got.features as { a: { b: number } }).a.b = 3;
      (got.shadow as Record<string, number>).x = 3;
      const again = await ab().getPrediction(p.id);
      expect(again?.features).toEqual({ a: { b: 1 } });
      expect(again?.shadow).toEqual({ x: 1 });
    });
  });

  describe('abTests store: outcomes and aggregates', () => {
    it('adds every value to its aggregate exactly, negative values included', async () => {
      const values = [1.5, -2.25, 0, 4, -0.5, 1024, -1e-3];
      const first = values.slice(0, 4);
      const second = values.slice(4);
      const make = (vs: readonly number[]) =>
        vs.map((v) =>
          outcome(`pred-${randomUUID()}`, 't1', {
            actual: v,
            values: { actual: v, absolute_error: Math.abs(v) },
          }),
        );
      expect(await ab().appendOutcomes(make(first))).toEqual({ duplicates: [] });
      expect(await ab().appendOutcomes(make(second))).toEqual({ duplicates: [] });
      const expected = [
        aggregateOf('control', 'absolute_error', [...first.map(Math.abs), ...second.map(Math.abs)]),
        aggregateOf('control', 'actual', [...first, ...second]),
      ];
      // Batches add their own sums, so compare with per-batch sums added (the store's order).
      const batchwise = (f: (v: number) => number, metric: string): AbAggregate => {
        const a = aggregateOf('control', metric, first.map(f));
        const b = aggregateOf('control', metric, second.map(f));
        return {
          variant: 'control',
          metric,
          n: a.n + b.n,
          sum: a.sum + b.sum,
          sumOfSquares: a.sumOfSquares + b.sumOfSquares,
        };
      };
      expect(await ab().aggregates('t1')).toEqual([
        batchwise(Math.abs, 'absolute_error'),
        batchwise((v) => v, 'actual'),
      ]);
      // With these values the order of addition makes no difference.
      expect(await ab().aggregates('t1')).toEqual(expected);
      await ab().appendOutcomes([]);
    });

    it('adds a batch of 2,500 outcomes in one call', async () => {
      const values = Array.from({ length: 2500 }, (_, i) => i - 1250);
      const records = outcomesOf('t1', values, 'challenger', 'error');
      expect(await ab().appendOutcomes(records)).toEqual({ duplicates: [] });
      expect(await ab().aggregates('t1')).toEqual([aggregateOf('challenger', 'error', values)]);
      expect(await ab().countRows('t1')).toEqual([
        { variant: 'challenger', predictions: 0, outcomes: 2500 },
      ]);
      const sample = records[1777] as OutcomeRecord;
      expect(await ab().listOutcomes(sample.predictionId)).toEqual([sample]);
    });

    it('stores an outcome exactly and lists the outcomes of a prediction by variant', async () => {
      const p = prediction('t1', { shadow: { zeta: 0.1, alpha: 0.2, é: 0.3 } });
      await ab().appendPredictions([p]);
      const records = ['zeta', 'control', 'é', 'alpha'].map((variant, i) =>
        outcome(p.id, 't1', {
          variant,
          actual: 0.1 + i,
          values: { actual: 0.1 + i, tiny: 5e-324, big: 1e150, neg: -2.5, 'ключ 🚀': i },
          at: DATE_SAMPLES[i] as Date,
        }),
      );
      await ab().appendOutcomes(records);
      const listed = await ab().listOutcomes(p.id);
      expect(listed.map((o) => o.variant)).toEqual(['alpha', 'control', 'zeta', 'é']);
      expect(listed).toEqual([...records].sort((a, b) => byCodePoint(a.variant, b.variant)));
      expect(await ab().listOutcomes('missing')).toEqual([]);
    });

    it('skips an outcome stored already, reports it and counts it once', async () => {
      const [first, ...rest] = outcomesOf('t1', [1, 2, 3]);
      await ab().appendOutcomes([first as OutcomeRecord]);
      const again = { ...(first as OutcomeRecord), actual: 100, values: { pnl: 100 } };
      const result = await ab().appendOutcomes([
        rest[0] as OutcomeRecord,
        again,
        rest[1] as OutcomeRecord,
      ]);
      expect(result).toEqual({
        duplicates: [{ predictionId: again.predictionId, variant: again.variant }],
      });
      expect(await ab().aggregates('t1')).toEqual([aggregateOf('control', 'pnl', [1, 2, 3])]);
      expect(await ab().listOutcomes(again.predictionId)).toEqual([first]);
      expect(await ab().countRows('t1')).toEqual([
        { variant: 'control', predictions: 0, outcomes: 3 },
      ]);
    });

    it('with assumeNew, stores new outcomes and never counts a stored one twice', async () => {
      const [first, second, third] = outcomesOf('t1', [1, 2, 3]) as [
        OutcomeRecord,
        OutcomeRecord,
        OutcomeRecord,
      ];
      expect(await ab().appendOutcomes([first, second], { assumeNew: true })).toEqual({
        duplicates: [],
      });
      const again = { ...first, actual: 100, values: { pnl: 100 } };
      // A stored key: skipped as without the option, or refused whole with ConflictError.
      const outcome = await ab()
        .appendOutcomes([third, again], { assumeNew: true })
        .then(
          (result) => ({ result }),
          (error: unknown) => ({ error }),
        );
      if ('error' in outcome) {
        expect(outcome.error).toBeInstanceOf(ConflictError);
        expect(await ab().aggregates('t1')).toEqual([aggregateOf('control', 'pnl', [1, 2])]);
        await ab().appendOutcomes([third, again]);
      } else {
        expect(outcome.result.duplicates).toEqual([
          { predictionId: first.predictionId, variant: first.variant },
        ]);
      }
      expect(await ab().aggregates('t1')).toEqual([aggregateOf('control', 'pnl', [1, 2, 3])]);
      expect(await ab().listOutcomes(first.predictionId)).toEqual([first]);
    });

    it('keeps the first of outcomes repeated within one batch and reports the others', async () => {
      const [a, b] = outcomesOf('t1', [1, 2]) as [OutcomeRecord, OutcomeRecord];
      const aAgain = { ...a, actual: 10, values: { pnl: 10 } };
      const aThird = { ...a, actual: 20, values: { pnl: 20 } };
      // Same prediction, another variant: not a duplicate.
      const aShadow = { ...a, variant: 'challenger', values: { pnl: 5 } };
      const result = await ab().appendOutcomes([a, aAgain, b, aShadow, aThird]);
      expect(result.duplicates).toEqual([
        { predictionId: a.predictionId, variant: 'control' },
        { predictionId: a.predictionId, variant: 'control' },
      ]);
      expect(await ab().aggregates('t1')).toEqual([
        aggregateOf('challenger', 'pnl', [5]),
        aggregateOf('control', 'pnl', [1, 2]),
      ]);
      expect(await ab().listOutcomes(a.predictionId)).toEqual([aShadow, a]);
    });

    it('counts rows per variant from both tables, ordered by variant', async () => {
      const control = prediction('t1', { variant: 'control', shadow: { 'shadow é': 0.5 } });
      const challenger = prediction('t1', { variant: 'challenger' });
      const unanswered = prediction('t1', { variant: 'b' });
      await ab().appendPredictions([control, challenger, unanswered]);
      await ab().appendOutcomes([
        outcome(control.id, 't1', { variant: 'control' }),
        outcome(control.id, 't1', { variant: 'shadow é' }),
        outcome(challenger.id, 't1', { variant: 'challenger' }),
      ]);
      expect(await ab().countRows('t1')).toEqual([
        { variant: 'b', predictions: 1, outcomes: 0 },
        { variant: 'challenger', predictions: 1, outcomes: 1 },
        { variant: 'control', predictions: 1, outcomes: 1 },
        { variant: 'shadow é', predictions: 0, outcomes: 1 },
      ]);
      expect(await ab().countRows('missing')).toEqual([]);
    });

    it('leaves the aggregates and rows of another test untouched', async () => {
      await ab().appendPredictions([prediction('t2', { variant: 'control' })]);
      await ab().appendOutcomes(outcomesOf('t2', [7, 8]));
      await ab().appendPredictions([prediction('t1', { variant: 'control' })]);
      await ab().appendOutcomes(outcomesOf('t1', [1, 2, 3]));
      expect(await ab().aggregates('t2')).toEqual([
        predictionsCount('control', 1),
        aggregateOf('control', 'pnl', [7, 8]),
      ]);
      expect(await ab().countRows('t2')).toEqual([
        { variant: 'control', predictions: 1, outcomes: 2 },
      ]);
      expect(await ab().aggregates('missing')).toEqual([]);
    });

    it('orders aggregates by variant, then metric', async () => {
      await ab().appendOutcomes([
        ...outcomesOf('t1', [1], 'zeta', 'b'),
        ...outcomesOf('t1', [1], 'é', 'a'),
        ...outcomesOf('t1', [1], 'alpha', 'z'),
        ...outcomesOf('t1', [1], 'alpha', 'a'),
        ...outcomesOf('t1', [1], 'Zeta', 'a'),
      ]);
      const order = (await ab().aggregates('t1')).map((a) => `${a.variant}/${a.metric}`);
      expect(order).toEqual(['Zeta/a', 'alpha/a', 'alpha/z', 'zeta/b', 'é/a']);
    });

    it('refuses a bad outcome with ValidationError and keeps nothing of the batch', async () => {
      const good = outcomesOf('t1', [1]);
      const bad = [
        { actual: Number.NaN },
        { values: { pnl: Number.POSITIVE_INFINITY } },
        { values: { pnl: '1' } },
        { values: [1] },
        { values: { $predictions: 1 } },
        { variant: 'a\u0000b' },
        { at: 'yesterday' },
      ];
      for (const overrides of bad) {
        const record = outcome('p-bad', 't1', overrides as Partial<OutcomeRecord>);
        const error = await caught(ab().appendOutcomes([...good, record]));
        expect(error).toBeInstanceOf(ValidationError);
        expect((error as ValidationError).field).toMatch(/^outcomes\[1\]\./);
      }
      expect(await ab().aggregates('t1')).toEqual([]);
      expect(await ab().countRows('t1')).toEqual([]);
    });

    it('keeps nothing of predictions and outcomes written in a transaction that throws', async () => {
      const p = prediction('t1', { shadow: { challenger: 0.5 } });
      const records = [
        outcome(p.id, 't1', { values: { pnl: 2 } }),
        outcome(p.id, 't1', { variant: 'challenger', values: { pnl: 3 } }),
      ];
      await ab().appendOutcomes(outcomesOf('t1', [1]));
      const before = await ab().aggregates('t1');
      const error = await caught(
        backend().transaction(async (tx) => {
          await tx.abTests.appendPredictions([p]);
          expect(await tx.abTests.appendOutcomes(records)).toEqual({ duplicates: [] });
          // Inside, the transaction sees its own writes.
          expect(await tx.abTests.getPrediction(p.id)).toEqual(p);
          expect(await tx.abTests.countRows('t1')).toEqual([
            { variant: 'challenger', predictions: 0, outcomes: 1 },
            { variant: 'control', predictions: 1, outcomes: 2 },
          ]);
          throw new Error('boom');
        }),
      );
      expect((error as Error).message).toBe('boom');
      expect(await ab().getPrediction(p.id)).toBeUndefined();
      expect(await ab().listOutcomes(p.id)).toEqual([]);
      expect(await ab().aggregates('t1')).toEqual(before);
      // Nothing stayed behind to make the same outcomes duplicates now.
      expect(await ab().appendOutcomes(records)).toEqual({ duplicates: [] });
    });

    it('accepts outcomes after the first outcomes ever written were rolled back', async () => {
      const records = outcomesOf('t1', [2, 3]);
      await caught(
        backend().transaction(async (tx) => {
          await tx.abTests.appendOutcomes(records);
          throw new Error('boom');
        }),
      );
      // Again inside a transaction, which goes on and commits.
      await backend().transaction(async (tx) => {
        expect(await tx.abTests.appendOutcomes(records)).toEqual({ duplicates: [] });
        expect(await tx.abTests.countRows('t1')).toEqual([
          { variant: 'control', predictions: 0, outcomes: 2 },
        ]);
        await tx.abTests.appendPredictions([prediction('t1')]);
      });
      expect(await ab().appendOutcomes(records)).toEqual({ duplicates: records.map(keyOf) });
      expect(await ab().aggregates('t1')).toEqual([
        predictionsCount('control', 1),
        aggregateOf('control', 'pnl', [2, 3]),
      ]);
    });

    it('commits predictions, outcomes and aggregates of a transaction together', async () => {
      const p = prediction('t1');
      await ab().appendOutcomes(outcomesOf('t1', [1]));
      await backend().transaction(async (tx) => {
        await tx.abTests.appendPredictions([p]);
        await tx.abTests.appendOutcomes([outcome(p.id, 't1', { values: { pnl: 4 } })]);
        // A second batch in the same transaction adds to the same aggregate rows.
        await tx.abTests.appendPredictions([prediction('t1')]);
        await tx.abTests.appendOutcomes(outcomesOf('t1', [6]));
        // The transaction reads its own aggregates; others do not see them yet.
        expect(await tx.abTests.aggregates('t1')).toEqual([
          predictionsCount('control', 2),
          aggregateOf('control', 'pnl', [1, 4, 6]),
        ]);
        await tx.abTests.appendOutcomes(outcomesOf('t1', [-3]));
        await tx.abTests.appendOutcomes(outcomesOf('t1', [5], 'challenger'));
      });
      expect(await ab().aggregates('t1')).toEqual([
        aggregateOf('challenger', 'pnl', [5]),
        predictionsCount('control', 2),
        aggregateOf('control', 'pnl', [1, 4, 6, -3]),
      ]);
    });

    it('counts both of two concurrent batches of disjoint outcomes', async () => {
      const a = outcomesOf(
        't1',
        Array.from({ length: 300 }, (_, i) => i),
      );
      const b = outcomesOf(
        't1',
        Array.from({ length: 300 }, (_, i) => -i),
      );
      const results = await Promise.all([ab().appendOutcomes(a), ab().appendOutcomes(b)]);
      expect(results).toEqual([{ duplicates: [] }, { duplicates: [] }]);
      const [aggregate] = await ab().aggregates('t1');
      expect(aggregate?.n).toBe(600);
      expect(aggregate?.sum).toBe(0);
      expect(aggregate?.sumOfSquares).toBe(
        2 *
          aggregateOf(
            'control',
            'pnl',
            a.map((o) => o.actual),
          ).sumOfSquares,
      );
    });

    it('counts an outcome once when concurrent batches carry it', async () => {
      const shared = outcomesOf(
        't1',
        Array.from({ length: 50 }, (_, i) => i + 1),
      );
      const results = await Promise.all(
        Array.from({ length: 4 }, () => ab().appendOutcomes([...shared])),
      );
      const duplicates = results.reduce((n, r) => n + r.duplicates.length, 0);
      expect(duplicates).toBe(150);
      expect(await ab().aggregates('t1')).toEqual([
        aggregateOf(
          'control',
          'pnl',
          shared.map((o) => o.actual),
        ),
      ]);
    });
  });
}
