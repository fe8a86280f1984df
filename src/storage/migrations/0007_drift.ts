import { sql } from 'kysely';
import type { Migration } from './migration.js';

/**
 * Drift baselines and reports:
 *
 * - `quantlab_drift_baselines`: one row per model version, its performance metrics and extra
 *   facade data as JSON.
 * - `quantlab_drift_baseline_features`: one row per (model version, feature), the feature's
 *   sketch as JSON and its position in the caller's order; a check that names a few features
 *   loads only theirs.
 * - `quantlab_drift_reports`: one row per check, the report as JSON beside the verdicts a listing
 *   filters on; indexed by (model_name, created_at, id) for the newest-first listing of a model
 *   and by (created_at, id) for a listing of every model.
 */
export const drift: Migration = {
  name: '0007_drift',
  async up(db, t) {
    await db.schema
      .createTable('quantlab_drift_baselines')
      .addColumn('model_name', sql.raw(t.text), (c) => c.notNull())
      .addColumn('model_version', sql.raw(t.text), (c) => c.notNull())
      .addColumn('metrics', sql.raw(t.json), (c) => c.notNull())
      .addColumn('extra', sql.raw(t.json), (c) => c.notNull())
      .addColumn('created_at', sql.raw(t.timestamp), (c) => c.notNull())
      .addPrimaryKeyConstraint('quantlab_drift_baselines_pk', ['model_name', 'model_version'])
      .execute();

    await db.schema
      .createTable('quantlab_drift_baseline_features')
      .addColumn('model_name', sql.raw(t.text), (c) => c.notNull())
      .addColumn('model_version', sql.raw(t.text), (c) => c.notNull())
      .addColumn('feature', sql.raw(t.text), (c) => c.notNull())
      .addColumn('position', sql.raw(t.integer), (c) => c.notNull())
      .addColumn('sketch', sql.raw(t.json), (c) => c.notNull())
      .addPrimaryKeyConstraint('quantlab_drift_baseline_features_pk', [
        'model_name',
        'model_version',
        'feature',
      ])
      .execute();

    const reports = 'quantlab_drift_reports';
    await db.schema
      .createTable(reports)
      .addColumn('id', sql.raw(t.text), (c) => c.primaryKey())
      .addColumn('model_name', sql.raw(t.text), (c) => c.notNull())
      .addColumn('model_version', sql.raw(t.text), (c) => c.notNull())
      .addColumn('drifted', sql.raw(t.boolean), (c) => c.notNull())
      .addColumn('data_drifted', sql.raw(t.boolean), (c) => c.notNull())
      .addColumn('performance_drifted', sql.raw(t.boolean), (c) => c.notNull())
      .addColumn('concept_drifted', sql.raw(t.boolean), (c) => c.notNull())
      .addColumn('report', sql.raw(t.json), (c) => c.notNull())
      .addColumn('created_at', sql.raw(t.timestamp), (c) => c.notNull())
      .execute();
    const indexes: [string, string[]][] = [
      ['model_idx', ['model_name', 'created_at', 'id']],
      ['created_at_idx', ['created_at', 'id']],
    ];
    for (const [suffix, columns] of indexes) {
      await db.schema.createIndex(`${reports}_${suffix}`).on(reports).columns(columns).execute();
    }
  },
};
