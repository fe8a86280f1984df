import { type Kysely, type SelectQueryBuilder, sql } from 'kysely';
import {
  type AggregateDelta,
  aggregateKey,
  byAggregateKey,
  firstOfEachKey,
  outcomeDeltas,
  outcomeKey,
  predictionDeltas,
} from '../ab-deltas.js';
import type { AbTestStore } from '../backend.js';
import type { AbRowCount, OutcomeKey } from '../records.js';
import { compareText } from '../text-order.js';
import {
  checkAbTest,
  checkAbTestPatch,
  checkAbTestQuery,
  checkAbTestStatuses,
  checkOutcomes,
  checkPredictions,
} from '../validate.js';
import { atomically, chunkRows, type SqlContext } from './context.js';
import { pastRow } from './keyset.js';
import {
  abTestPatchToRow,
  abTestToRow,
  outcomeToRow,
  predictionToRow,
  rowToAbAggregate,
  rowToAbTest,
  rowToOutcome,
  rowToPrediction,
} from './rows.js';
import type {
  AbAggregatesTable,
  AbOutcomesTable,
  AbPredictionsTable,
  AbTestsTable,
  QuantlabSchema,
} from './schema.js';
import { decodeNumber } from './traits.js';

const DEFAULT_LIMIT = 100;
const PREDICTION_COLUMNS = 9;
const OUTCOME_COLUMNS = 6;
const AGGREGATE_COLUMNS = 6;
const tests = 'quantlab_ab_tests' as const;
const predictions = 'quantlab_ab_predictions' as const;
const outcomes = 'quantlab_ab_outcomes' as const;
const aggregates = 'quantlab_ab_aggregates' as const;

type TestQuery = SelectQueryBuilder<QuantlabSchema, typeof tests, AbTestsTable>;

/** Newest first: created_at, then id, descending. */
const newestFirst = (q: TestQuery): TestQuery =>
  q.orderBy('created_at', 'desc').orderBy('id', 'desc');

/** The SQL A/B store, with the hook `backend.transaction` calls before it commits. @internal */
export interface SqlAbTestStore extends AbTestStore {
  /** Writes the aggregate deltas deferred inside the transaction (nothing outside one). */
  writeDeferred(): Promise<void>;
}

/**
 * A/B tests on SQL. Predictions and outcomes go through the dialect's bulk path (SQLite: one
 * cached prepared INSERT per row; PostgreSQL: multi-row INSERTs; DuckDB: its appender) and, in
 * the same transaction, add to `quantlab_ab_aggregates` with one multi-row
 * `INSERT ... ON CONFLICT DO UPDATE SET n = n + excluded.n, ...` whose rows are sorted by
 * (test, variant, metric), so concurrent PostgreSQL writers lock them in one order and never
 * deadlock. The per-call sums are computed in JS from the rows actually inserted; inside
 * `backend.transaction` they are summed over the transaction and written once, before it commits.
 * An outcome whose (prediction, variant) is stored is skipped by the primary key (`ON CONFLICT DO
 * NOTHING`; outcome rows are inserted in key order for the same reason as above), so it is
 * counted once even when two processes record it at once.
 *
 * @internal
 */
export function sqlAbTestStore(ctx: SqlContext): SqlAbTestStore {
  const { db, traits: t, guard } = ctx;

  /**
   * Inside `backend.transaction`: the deltas of every write, summed per aggregate row, written
   * by {@link SqlAbTestStore.writeDeferred} just before the commit (or before the transaction
   * reads aggregates). One statement per transaction instead of one per call, and on PostgreSQL
   * the hot aggregate rows stay locked only from that statement to the commit.
   */
  const deferred = ctx.inTransaction ? new Map<string, AggregateDelta>() : undefined;

  /** Adds the deltas to the aggregates now, or, inside a transaction, before it commits. */
  const addToAggregates = async (
    trx: Kysely<QuantlabSchema>,
    deltas: AggregateDelta[],
  ): Promise<void> => {
    if (deferred === undefined) return writeAggregates(trx, deltas);
    for (const d of deltas) {
      const key = aggregateKey(d.testId, d.variant, d.metric);
      const pending = deferred.get(key);
      if (pending === undefined) deferred.set(key, { ...d });
      else {
        pending.n += d.n;
        pending.sum += d.sum;
        pending.sumOfSquares += d.sumOfSquares;
      }
    }
  };

  const writeDeferred = async (): Promise<void> => {
    if (deferred === undefined || deferred.size === 0) return;
    const deltas = [...deferred.values()];
    deferred.clear();
    await writeAggregates(db, deltas);
  };

  /**
   * Adds the deltas to the aggregates: one multi-row upsert per chunk, rows in key order. With
   * one writer (DuckDB) an UPDATE ... FROM (VALUES ...) of the rows that exist, then an INSERT of
   * the others, instead: no other process can insert in between, and DuckDB's ON CONFLICT DO
   * UPDATE costs several milliseconds even for a few rows.
   */
  const writeAggregates = async (
    trx: Kysely<QuantlabSchema>,
    deltas: AggregateDelta[],
  ): Promise<void> => {
    if (deltas.length === 0) return;
    deltas.sort(byAggregateKey);
    const rows: AbAggregatesTable[] = deltas.map((d) => ({
      test_id: d.testId,
      variant: d.variant,
      metric: d.metric,
      n: d.n,
      sum: d.sum,
      sum_of_squares: d.sumOfSquares,
    }));
    for (const chunk of chunkRows(rows, AGGREGATE_COLUMNS, t.maxParameters)) {
      if (t.singleWriter) {
        await updateThenInsert(trx, chunk);
        continue;
      }
      await trx
        .insertInto(aggregates)
        .values(chunk)
        .onConflict((oc) =>
          oc.columns(['test_id', 'variant', 'metric']).doUpdateSet((eb) => ({
            n: eb(eb.ref(`${aggregates}.n`), '+', eb.ref('excluded.n')),
            sum: eb(eb.ref(`${aggregates}.sum`), '+', eb.ref('excluded.sum')),
            sum_of_squares: eb(
              eb.ref(`${aggregates}.sum_of_squares`),
              '+',
              eb.ref('excluded.sum_of_squares'),
            ),
          })),
        )
        .execute();
    }
  };

  /**
   * The single-writer path of {@link writeAggregates}: UPDATE ... FROM (VALUES ...) without
   * RETURNING (which costs DuckDB half as much again); only when it changed fewer rows than it
   * was given (a test's first outcomes of a variant or metric) are the missing rows looked up
   * and inserted.
   */
  const updateThenInsert = async (
    trx: Kysely<QuantlabSchema>,
    rows: readonly AbAggregatesTable[],
  ): Promise<void> => {
    const double = (value: number) => sql`cast(${value} as double precision)`;
    const values = sql.join(
      rows.map(
        (r) =>
          sql`(${r.test_id}, ${r.variant}, ${r.metric}, ${r.n}, ${double(r.sum)}, ${double(r.sum_of_squares)})`,
      ),
    );
    const table = sql.table(aggregates);
    const result = await sql`
      update ${table} set
        n = ${table}.n + d.n,
        "sum" = ${table}."sum" + d."sum",
        sum_of_squares = ${table}.sum_of_squares + d.sum_of_squares
      from (values ${values}) as d (test_id, variant, metric, n, "sum", sum_of_squares)
      where ${table}.test_id = d.test_id and ${table}.variant = d.variant
        and ${table}.metric = d.metric`.execute(trx);
    if (Number(result.numAffectedRows ?? 0) === rows.length) return;
    const testIds = [...new Set(rows.map((r) => r.test_id))];
    const stored = await trx
      .selectFrom(aggregates)
      .select(['test_id', 'variant', 'metric'])
      .where('test_id', 'in', testIds)
      .execute();
    const found = new Set(stored.map((r) => aggregateKey(r.test_id, r.variant, r.metric)));
    const missing = rows.filter((r) => !found.has(aggregateKey(r.test_id, r.variant, r.metric)));
    // Rows that existed were updated above; only those that did not are inserted.
    if (missing.length > 0) await trx.insertInto(aggregates).values(missing).execute();
  };

  const insertPredictionRows = async (
    trx: Kysely<QuantlabSchema>,
    rows: readonly AbPredictionsTable[],
  ): Promise<void> => {
    if (t.appendPredictionRows) return t.appendPredictionRows(trx, rows);
    for (const chunk of chunkRows(rows, PREDICTION_COLUMNS, t.maxParameters)) {
      await trx.insertInto(predictions).values(chunk).execute();
    }
  };

  /** Inserts outcome rows of distinct keys, skipping stored keys; returns the skipped indexes. */
  const insertNewOutcomeRows = async (
    trx: Kysely<QuantlabSchema>,
    rows: readonly AbOutcomesTable[],
  ): Promise<number[]> => {
    if (t.insertNewOutcomeRows) return t.insertNewOutcomeRows(trx, rows);
    // In key order, so two transactions inserting overlapping keys wait for each other in one
    // order (PostgreSQL makes a second inserter of a key wait for the first to end).
    const order = rows.map((_, index) => index);
    const key = (index: number) => {
      const row = rows[index] as AbOutcomesTable;
      return outcomeKey(row.prediction_id, row.variant);
    };
    const keys = order.map(key);
    order.sort((a, b) => compareText(keys[a] as string, keys[b] as string));
    const sorted = order.map((index) => rows[index] as AbOutcomesTable);
    const inserted = new Set<string>();
    for (const chunk of chunkRows(sorted, OUTCOME_COLUMNS, t.maxParameters)) {
      const returned = await trx
        .insertInto(outcomes)
        .values(chunk)
        .onConflict((oc) => oc.columns(['prediction_id', 'variant']).doNothing())
        .returning(['prediction_id', 'variant'])
        .execute();
      for (const row of returned) inserted.add(outcomeKey(row.prediction_id, row.variant));
    }
    if (inserted.size === rows.length) return [];
    const skipped: number[] = [];
    for (let index = 0; index < rows.length; index++) {
      if (!inserted.has(keys[index] as string)) skipped.push(index);
    }
    return skipped;
  };

  return {
    writeDeferred: () => guard.run('abTests.writeAggregates', writeDeferred),

    insertTest: (record) =>
      guard.run(
        'abTests.insertTest',
        async () => {
          checkAbTest(record);
          await db.insertInto(tests).values(abTestToRow(t, record)).execute();
        },
        { entity: 'A/B test', id: record.id },
      ),

    getTest: (id) =>
      guard.run('abTests.getTest', async () => {
        const row = await db.selectFrom(tests).selectAll().where('id', '=', id).executeTakeFirst();
        return row ? rowToAbTest(t, row) : undefined;
      }),

    listTests: (query = {}) =>
      guard.run('abTests.listTests', async () => {
        checkAbTestQuery(query);
        let q: TestQuery = db.selectFrom(tests).selectAll();
        if (query.status !== undefined) {
          if (query.status.length === 0) return [];
          q = q.where('status', 'in', query.status);
        }
        if (query.name !== undefined) q = q.where('name', '=', query.name);
        if (query.after) {
          q = q.where(pastRow(t.encodeDate(query.after.createdAt), query.after.id, 'desc'));
        }
        const rows = await newestFirst(q)
          .limit(query.limit ?? DEFAULT_LIMIT)
          .execute();
        return rows.map((row) => rowToAbTest(t, row));
      }),

    updateTest: (id, patch, options) =>
      guard.run('abTests.updateTest', async () => {
        checkAbTestPatch(patch);
        const expect = options?.expectStatus;
        if (expect !== undefined) {
          checkAbTestStatuses(expect);
          if (expect.length === 0) return undefined;
        }
        const row = abTestPatchToRow(t, patch);
        if (Object.keys(row).length === 0) {
          let q = db.selectFrom(tests).selectAll().where('id', '=', id);
          if (expect) q = q.where('status', 'in', expect);
          const found = await q.executeTakeFirst();
          return found ? rowToAbTest(t, found) : undefined;
        }
        let q = db.updateTable(tests).set(row).where('id', '=', id);
        if (expect) q = q.where('status', 'in', expect);
        const updated = await q.returningAll().executeTakeFirst();
        return updated ? rowToAbTest(t, updated) : undefined;
      }),

    appendPredictions: (records) =>
      guard.run(
        'abTests.appendPredictions',
        async () => {
          checkPredictions(records);
          if (records.length === 0) return;
          const rows = records.map((r) => predictionToRow(t, r));
          const deltas = predictionDeltas(records);
          await atomically(ctx, async (trx) => {
            await insertPredictionRows(trx, rows);
            await addToAggregates(trx, deltas);
          });
        },
        { entity: 'prediction' },
      ),

    getPrediction: (id) =>
      guard.run('abTests.getPrediction', async () => {
        const row = await db
          .selectFrom(predictions)
          .selectAll()
          .where('id', '=', id)
          .executeTakeFirst();
        return row ? rowToPrediction(t, row) : undefined;
      }),

    appendOutcomes: (records, options) =>
      guard.run(
        'abTests.appendOutcomes',
        async () => {
          checkOutcomes(records);
          if (records.length === 0) return { duplicates: [] };
          const { unique, indexes, repeated } = firstOfEachKey(records);
          const rows = unique.map((r) => outcomeToRow(t, r));
          const append = options?.assumeNew === true ? t.appendOutcomeRows : undefined;
          const skipped = await atomically(ctx, async (trx) => {
            let skippedRows: number[] = [];
            if (append !== undefined) await append(trx, rows);
            else skippedRows = await insertNewOutcomeRows(trx, rows);
            const skippedSet = new Set(skippedRows);
            const stored =
              skippedRows.length === 0 ? unique : unique.filter((_, i) => !skippedSet.has(i));
            await addToAggregates(trx, outcomeDeltas(stored));
            return skippedRows;
          });
          for (const i of skipped) repeated[indexes[i] as number] = true;
          const duplicates: OutcomeKey[] = [];
          records.forEach((r, index) => {
            if (repeated[index])
              duplicates.push({ predictionId: r.predictionId, variant: r.variant });
          });
          return { duplicates };
        },
        { entity: 'outcome' },
      ),

    listOutcomes: (predictionId) =>
      guard.run('abTests.listOutcomes', async () => {
        const rows = await db
          .selectFrom(outcomes)
          .selectAll()
          .where('prediction_id', '=', predictionId)
          .orderBy('variant')
          .execute();
        return rows.map((row) => rowToOutcome(t, row));
      }),

    aggregates: (testId) =>
      guard.run('abTests.aggregates', async () => {
        // Inside a transaction, its own deferred deltas first.
        await writeDeferred();
        const rows = await db
          .selectFrom(aggregates)
          .selectAll()
          .where('test_id', '=', testId)
          .orderBy('variant')
          .orderBy('metric')
          .execute();
        return rows.map(rowToAbAggregate);
      }),

    countRows: (testId) =>
      guard.run('abTests.countRows', async () => {
        const count = (table: typeof predictions | typeof outcomes) =>
          db
            .selectFrom(table)
            .select((eb) => ['variant', eb.fn.countAll().as('count')])
            .where('test_id', '=', testId)
            .groupBy('variant')
            .execute();
        const byVariant = new Map<string, AbRowCount>();
        const entry = (variant: string) => {
          let found = byVariant.get(variant);
          if (found === undefined) {
            found = { variant, predictions: 0, outcomes: 0 };
            byVariant.set(variant, found);
          }
          return found;
        };
        for (const row of await count(predictions)) {
          entry(row.variant).predictions = decodeNumber(row.count);
        }
        for (const row of await count(outcomes)) {
          entry(row.variant).outcomes = decodeNumber(row.count);
        }
        return [...byVariant.values()].sort((a, b) => compareText(a.variant, b.variant));
      }),
  };
}
