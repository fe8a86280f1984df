import { ConflictError } from '../../src/errors.js';
import {
  type AggregateDelta,
  aggregateKey,
  firstOfEachKey,
  outcomeDeltas,
  predictionDeltas,
} from '../../src/storage/ab-deltas.js';
import type { AbTestStore } from '../../src/storage/backend.js';
import type {
  AbAggregate,
  AbRowCount,
  AbTestPatch,
  AbTestRecord,
  OutcomeKey,
  OutcomeRecord,
  PredictionRecord,
} from '../../src/storage/records.js';
import {
  checkAbTest,
  checkAbTestPatch,
  checkAbTestQuery,
  checkAbTestStatuses,
  checkOutcomes,
  checkPredictions,
} from '../../src/storage/validate.js';
import type { Runner } from './models.js';
import { compareDates, compareText, firstInOrder } from './order.js';
import { KeyedTable, KeyedView } from './tables.js';
import { copy, DEFAULT_LIMIT, json } from './values.js';

/** One aggregate row; replaced, never changed in place, so a transaction's overlay holds it. */
interface StoredAggregate extends AbAggregate {
  readonly testId: string;
}

/**
 * The A/B tables. Outcomes are keyed by prediction id, each value the outcomes of that
 * prediction ordered by variant (one or a few): the (prediction, variant) key is a lookup, and
 * `listOutcomes` reads one entry. Aggregates are keyed by test, variant and metric. Rows are
 * replaced, never mutated, so a transaction's overlay (see tables.ts) can hold its versions.
 *
 * @internal
 */
export class AbData {
  readonly tests = new KeyedTable<AbTestRecord>();
  readonly predictions = new KeyedTable<PredictionRecord>();
  readonly outcomes = new KeyedTable<readonly OutcomeRecord[]>();
  readonly aggregates = new KeyedTable<StoredAggregate>();
}

/** @internal */
export class AbView {
  readonly tests: KeyedView<AbTestRecord>;
  readonly predictions: KeyedView<PredictionRecord>;
  readonly outcomes: KeyedView<readonly OutcomeRecord[]>;
  readonly aggregates: KeyedView<StoredAggregate>;

  constructor(data: AbData, transactional: boolean) {
    this.tests = new KeyedView(data.tests, transactional);
    this.predictions = new KeyedView(data.predictions, transactional);
    this.outcomes = new KeyedView(data.outcomes, transactional);
    this.aggregates = new KeyedView(data.aggregates, transactional);
  }

  commit(): void {
    this.tests.commit();
    this.predictions.commit();
    this.outcomes.commit();
    this.aggregates.commit();
  }
}

/** Newest first: created_at, then id, descending. */
const newestFirst = (a: { createdAt: Date; id: string }, b: { createdAt: Date; id: string }) =>
  compareDates(b.createdAt, a.createdAt) || compareText(b.id, a.id);

function storedTest(record: AbTestRecord): AbTestRecord {
  return { ...copy(record), definition: json(record.definition), state: json(record.state) };
}

/**
 * A copy of a map of finite numbers as JSON text would return it (`-0` reads back as `0`),
 * without a JSON round trip: these maps are on the hot path.
 */
function numberMap(map: { readonly [key: string]: number }): { [key: string]: number } {
  const out: { [key: string]: number } = {};
  for (const key of Object.keys(map)) {
    if (key === '__proto__') return json(map);
    out[key] = (map[key] as number) + 0;
  }
  return out;
}

/** A copy of a prediction: what `copy` would make, with JSON columns as SQL returns them. */
function predictionCopy(r: PredictionRecord, features = r.features): PredictionRecord {
  return {
    id: r.id,
    testId: r.testId,
    variant: r.variant,
    unit: r.unit,
    features,
    prediction: r.prediction,
    confidence: r.confidence,
    shadow: r.shadow === null ? null : numberMap(r.shadow),
    at: new Date(r.at.getTime()),
  };
}

const storedPrediction = (r: PredictionRecord): PredictionRecord =>
  predictionCopy(r, r.features === null ? null : json(r.features));

const predictionOut = (r: PredictionRecord): PredictionRecord =>
  predictionCopy(r, r.features === null ? null : copy(r.features));

function outcomeCopy(r: OutcomeRecord): OutcomeRecord {
  return {
    predictionId: r.predictionId,
    testId: r.testId,
    variant: r.variant,
    actual: r.actual,
    values: numberMap(r.values),
    at: new Date(r.at.getTime()),
  };
}

/** The A/B store over a view; records are copied in and out. @internal */
export function memoryAbTestStore(view: AbView, run: Runner, runWrite: Runner): AbTestStore {
  /** Adds the deltas to the stored aggregates (each row replaced by its sum). */
  const addToAggregates = (deltas: readonly AggregateDelta[]) => {
    for (const d of deltas) {
      const key = aggregateKey(d.testId, d.variant, d.metric);
      const current = view.aggregates.get(key);
      view.aggregates.set(key, {
        testId: d.testId,
        variant: d.variant,
        metric: d.metric,
        n: (current?.n ?? 0) + d.n,
        sum: (current?.sum ?? 0) + d.sum,
        sumOfSquares: (current?.sumOfSquares ?? 0) + d.sumOfSquares,
      });
    }
  };

  return {
    insertTest: (record) =>
      runWrite('abTests.insertTest', () => {
        checkAbTest(record);
        if (view.tests.has(record.id)) {
          throw new ConflictError('A/B test', record.id, 'already exists');
        }
        view.tests.set(record.id, storedTest(record));
      }),

    getTest: (id) => run('abTests.getTest', () => copy(view.tests.get(id))),

    listTests: (query = {}) =>
      run('abTests.listTests', () => {
        checkAbTestQuery(query);
        const { status, name, after } = query;
        const wanted = (r: AbTestRecord) =>
          (status === undefined || status.includes(r.status)) &&
          (name === undefined || r.name === name) &&
          (after === undefined || newestFirst(r, after) > 0);
        const rows = [...view.tests.values()].filter(wanted);
        return copy(firstInOrder(rows, newestFirst, query.limit ?? DEFAULT_LIMIT));
      }),

    updateTest: (id, patch, options) =>
      runWrite('abTests.updateTest', () => {
        checkAbTestPatch(patch);
        const expect = options?.expectStatus;
        if (expect !== undefined) checkAbTestStatuses(expect);
        const current = view.tests.get(id);
        if (!current || (expect && !expect.includes(current.status))) return undefined;
        // The patch holds only updatable fields (checked); undefined keeps a field.
        const changes: AbTestPatch = {};
        if (patch.status !== undefined) changes.status = patch.status;
        if (patch.state !== undefined) changes.state = patch.state;
        if (patch.updatedAt !== undefined) changes.updatedAt = patch.updatedAt;
        if (patch.startedAt !== undefined) changes.startedAt = patch.startedAt;
        if (patch.endedAt !== undefined) changes.endedAt = patch.endedAt;
        const next = storedTest({ ...current, ...changes });
        view.tests.set(id, next);
        return copy(next);
      }),

    appendPredictions: (records) =>
      runWrite('abTests.appendPredictions', () => {
        checkPredictions(records);
        const seen = new Set<string>();
        for (const r of records) {
          if (seen.has(r.id) || view.predictions.has(r.id)) {
            throw new ConflictError('prediction', r.id, 'already exists');
          }
          seen.add(r.id);
        }
        for (const r of records) view.predictions.set(r.id, storedPrediction(r));
        addToAggregates(predictionDeltas(records));
      }),

    getPrediction: (id) =>
      run('abTests.getPrediction', () => {
        const found = view.predictions.get(id);
        return found && predictionOut(found);
      }),

    appendOutcomes: (records) =>
      runWrite('abTests.appendOutcomes', () => {
        checkOutcomes(records);
        const { unique, indexes, repeated } = firstOfEachKey(records);
        const stored: OutcomeRecord[] = [];
        unique.forEach((r, i) => {
          const existing = view.outcomes.get(r.predictionId);
          if (existing?.some((o) => o.variant === r.variant)) {
            repeated[indexes[i] as number] = true;
            return;
          }
          const outcome = outcomeCopy(r);
          const next = existing === undefined ? [outcome] : [...existing, outcome];
          if (next.length > 1) next.sort((a, b) => compareText(a.variant, b.variant));
          view.outcomes.set(r.predictionId, next);
          stored.push(r);
        });
        addToAggregates(outcomeDeltas(stored));
        const duplicates: OutcomeKey[] = [];
        records.forEach((r, index) => {
          if (repeated[index])
            duplicates.push({ predictionId: r.predictionId, variant: r.variant });
        });
        return { duplicates };
      }),

    listOutcomes: (predictionId) =>
      run('abTests.listOutcomes', () => (view.outcomes.get(predictionId) ?? []).map(outcomeCopy)),

    aggregates: (testId) =>
      run('abTests.aggregates', () => {
        const rows: AbAggregate[] = [];
        for (const a of view.aggregates.values()) {
          if (a.testId !== testId) continue;
          const { variant, metric, n, sum, sumOfSquares } = a;
          rows.push({ variant, metric, n, sum, sumOfSquares });
        }
        return rows.sort(
          (a, b) => compareText(a.variant, b.variant) || compareText(a.metric, b.metric),
        );
      }),

    countRows: (testId) =>
      run('abTests.countRows', () => {
        const byVariant = new Map<string, AbRowCount>();
        const entry = (variant: string) => {
          let found = byVariant.get(variant);
          if (found === undefined) {
            found = { variant, predictions: 0, outcomes: 0 };
            byVariant.set(variant, found);
          }
          return found;
        };
        for (const p of view.predictions.values()) {
          if (p.testId === testId) entry(p.variant).predictions += 1;
        }
        for (const list of view.outcomes.values()) {
          for (const o of list) if (o.testId === testId) entry(o.variant).outcomes += 1;
        }
        return [...byVariant.values()].sort((a, b) => compareText(a.variant, b.variant));
      }),
  };
}
