import { sql } from 'kysely';
import type { Migration } from './migration.js';

/** Experiments, their metric series and logs, and content-addressed artifacts. */
export const initial: Migration = {
  name: '0001_initial',
  async up(db, t) {
    await db.schema
      .createTable('quantlab_experiments')
      .addColumn('id', sql.raw(t.text), (c) => c.primaryKey())
      .addColumn('name', sql.raw(t.text), (c) => c.notNull())
      .addColumn('description', sql.raw(t.text))
      .addColumn('type', sql.raw(t.text), (c) => c.notNull())
      .addColumn('strategy', sql.raw(t.text), (c) => c.notNull())
      .addColumn('status', sql.raw(t.text), (c) => c.notNull())
      .addColumn('priority', sql.raw(t.integer), (c) => c.notNull())
      .addColumn('config_hash', sql.raw(t.text), (c) => c.notNull())
      .addColumn('config', sql.raw(t.json), (c) => c.notNull())
      .addColumn('tags', sql.raw(t.json), (c) => c.notNull())
      .addColumn('parent_id', sql.raw(t.text))
      .addColumn('git_commit', sql.raw(t.text))
      .addColumn('provenance', sql.raw(t.json), (c) => c.notNull())
      .addColumn('metadata', sql.raw(t.json), (c) => c.notNull())
      .addColumn('error', sql.raw(t.text))
      .addColumn('error_count', sql.raw(t.integer), (c) => c.notNull())
      .addColumn('created_at', sql.raw(t.timestamp), (c) => c.notNull())
      .addColumn('updated_at', sql.raw(t.timestamp), (c) => c.notNull())
      .addColumn('started_at', sql.raw(t.timestamp))
      .addColumn('completed_at', sql.raw(t.timestamp))
      .execute();
    for (const column of ['created_at', 'status', 'config_hash', 'parent_id', 'strategy']) {
      await db.schema
        .createIndex(`quantlab_experiments_${column}_idx`)
        .on('quantlab_experiments')
        .columns(column === 'created_at' ? ['created_at', 'id'] : [column, 'created_at'])
        .execute();
    }

    await db.schema
      .createTable('quantlab_metrics')
      .addColumn('experiment_id', sql.raw(t.text), (c) => c.notNull())
      .addColumn('name', sql.raw(t.text), (c) => c.notNull())
      .addColumn('step', sql.raw(t.bigint), (c) => c.notNull())
      .addColumn('value', sql.raw(t.double), (c) => c.notNull())
      .addColumn('at', sql.raw(t.timestamp), (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('quantlab_metrics_series_idx')
      .on('quantlab_metrics')
      .columns(['experiment_id', 'name', 'step'])
      .execute();

    await db.schema
      .createTable('quantlab_logs')
      .addColumn('id', sql.raw(t.text), (c) => c.primaryKey())
      .addColumn('experiment_id', sql.raw(t.text), (c) => c.notNull())
      .addColumn('level', sql.raw(t.text), (c) => c.notNull())
      .addColumn('message', sql.raw(t.text), (c) => c.notNull())
      .addColumn('context', sql.raw(t.json), (c) => c.notNull())
      .addColumn('at', sql.raw(t.timestamp), (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('quantlab_logs_experiment_idx')
      .on('quantlab_logs')
      .columns(['experiment_id', 'at'])
      .execute();

    await db.schema
      .createTable('quantlab_artifacts')
      .addColumn('id', sql.raw(t.text), (c) => c.primaryKey())
      .addColumn('type', sql.raw(t.text), (c) => c.notNull())
      .addColumn('name', sql.raw(t.text))
      .addColumn('size', sql.raw(t.bigint), (c) => c.notNull())
      .addColumn('metadata', sql.raw(t.json), (c) => c.notNull())
      .addColumn('bytes', sql.raw(t.blob), (c) => c.notNull())
      .addColumn('created_at', sql.raw(t.timestamp), (c) => c.notNull())
      .execute();
  },
};
