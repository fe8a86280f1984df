import { sql } from 'kysely';
import type { Migration } from './migration.js';

/**
 * A/B tests, their predictions and outcomes, and the running aggregates results are read from:
 *
 * - `quantlab_ab_tests`: one row per test; the validated definition and the mutable state as
 *   JSON. Indexed for the newest-first listing (created_at, id), by status and by name.
 * - `quantlab_ab_predictions`: one row per routed prediction, keyed by its id; indexed by
 *   (test_id, variant) for the per-variant row counts.
 * - `quantlab_ab_outcomes`: one row per (prediction, variant), the primary key that makes a
 *   second outcome for the same prediction and variant a no-op, across processes too. The
 *   metric values live in `metric_values` (`values` is a reserved word). Indexed by
 *   (test_id, variant).
 * - `quantlab_ab_aggregates`: count, sum and sum of squares per (test, variant, metric), kept by
 *   the store as rows arrive, so `results()` reads a few rows instead of every outcome. `n` is a
 *   BIGINT (PostgreSQL's INTEGER would overflow after 2^31 outcomes).
 *
 * Columns of predictions and outcomes are declared in the order DuckDB's appender fills them.
 */
export const abTests: Migration = {
  name: '0006_ab_tests',
  async up(db, t) {
    const tests = 'quantlab_ab_tests';
    await db.schema
      .createTable(tests)
      .addColumn('id', sql.raw(t.text), (c) => c.primaryKey())
      .addColumn('name', sql.raw(t.text), (c) => c.notNull())
      .addColumn('status', sql.raw(t.text), (c) => c.notNull())
      .addColumn('definition', sql.raw(t.json), (c) => c.notNull())
      .addColumn('state', sql.raw(t.json), (c) => c.notNull())
      .addColumn('created_at', sql.raw(t.timestamp), (c) => c.notNull())
      .addColumn('updated_at', sql.raw(t.timestamp), (c) => c.notNull())
      .addColumn('started_at', sql.raw(t.timestamp))
      .addColumn('ended_at', sql.raw(t.timestamp))
      .execute();
    const indexes: [string, string[]][] = [
      ['created_at', ['created_at', 'id']],
      ['status', ['status']],
      ['name', ['name']],
    ];
    for (const [suffix, columns] of indexes) {
      await db.schema.createIndex(`${tests}_${suffix}_idx`).on(tests).columns(columns).execute();
    }

    await db.schema
      .createTable('quantlab_ab_predictions')
      .addColumn('id', sql.raw(t.text), (c) => c.primaryKey())
      .addColumn('test_id', sql.raw(t.text), (c) => c.notNull())
      .addColumn('variant', sql.raw(t.text), (c) => c.notNull())
      .addColumn('unit', sql.raw(t.text))
      .addColumn('features', sql.raw(t.json))
      .addColumn('prediction', sql.raw(t.double), (c) => c.notNull())
      .addColumn('confidence', sql.raw(t.double))
      .addColumn('shadow', sql.raw(t.json))
      .addColumn('created_at', sql.raw(t.timestamp), (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('quantlab_ab_predictions_test_idx')
      .on('quantlab_ab_predictions')
      .columns(['test_id', 'variant'])
      .execute();

    await db.schema
      .createTable('quantlab_ab_outcomes')
      .addColumn('prediction_id', sql.raw(t.text), (c) => c.notNull())
      .addColumn('variant', sql.raw(t.text), (c) => c.notNull())
      .addColumn('test_id', sql.raw(t.text), (c) => c.notNull())
      .addColumn('actual', sql.raw(t.double), (c) => c.notNull())
      .addColumn('metric_values', sql.raw(t.json), (c) => c.notNull())
      .addColumn('created_at', sql.raw(t.timestamp), (c) => c.notNull())
      .addPrimaryKeyConstraint('quantlab_ab_outcomes_pk', ['prediction_id', 'variant'])
      .execute();
    await db.schema
      .createIndex('quantlab_ab_outcomes_test_idx')
      .on('quantlab_ab_outcomes')
      .columns(['test_id', 'variant'])
      .execute();

    await db.schema
      .createTable('quantlab_ab_aggregates')
      .addColumn('test_id', sql.raw(t.text), (c) => c.notNull())
      .addColumn('variant', sql.raw(t.text), (c) => c.notNull())
      .addColumn('metric', sql.raw(t.text), (c) => c.notNull())
      .addColumn('n', sql.raw(t.bigint), (c) => c.notNull())
      .addColumn('sum', sql.raw(t.double), (c) => c.notNull())
      .addColumn('sum_of_squares', sql.raw(t.double), (c) => c.notNull())
      .addPrimaryKeyConstraint('quantlab_ab_aggregates_pk', ['test_id', 'variant', 'metric'])
      .execute();
  },
};
