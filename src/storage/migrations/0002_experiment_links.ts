import { sql } from 'kysely';
import type { Migration } from './migration.js';

/**
 * Experiment tags and artifact links as their own indexed tables (list by tag, find by input
 * artifact, lineage), and the columns scheduling and housekeeping query: resources, maximum
 * runtime, auto-cleanup and the time an experiment was queued. The new columns are nullable with
 * defaults because DuckDB cannot add NOT NULL columns; rows written before this migration read
 * back with the defaults. The new indexes on quantlab_experiments are in 0003: DuckDB refuses to
 * commit a transaction that both alters a populated table and indexes it.
 */
export const experimentLinks: Migration = {
  name: '0002_experiment_links',
  async up(db, t) {
    const table = 'quantlab_experiments';
    for (const column of ['cpu_cores', 'memory_gb', 'gpu_units', 'disk_gb']) {
      await db.schema
        .alterTable(table)
        .addColumn(column, sql.raw(t.double), (c) => c.defaultTo(0))
        .execute();
    }
    await db.schema
      .alterTable(table)
      .addColumn('max_runtime_hours', sql.raw(t.double), (c) => c.defaultTo(24))
      .execute();
    await db.schema.alterTable(table).addColumn('queued_at', sql.raw(t.timestamp)).execute();
    // Last on purpose: DuckDB 1.5 cannot commit a transaction in which another ALTER follows
    // ADD COLUMN ... BOOLEAN DEFAULT true ("another transaction has altered this table").
    await db.schema
      .alterTable(table)
      .addColumn('auto_cleanup', sql.raw(t.boolean), (c) =>
        c.defaultTo(t.boolean === 'integer' ? 1 : sql.raw('true')),
      )
      .execute();

    await db.schema
      .createTable('quantlab_experiment_tags')
      .addColumn('experiment_id', sql.raw(t.text), (c) => c.notNull())
      .addColumn('tag', sql.raw(t.text), (c) => c.notNull())
      .addPrimaryKeyConstraint('quantlab_experiment_tags_pk', ['experiment_id', 'tag'])
      .execute();
    await db.schema
      .createIndex('quantlab_experiment_tags_tag_idx')
      .on('quantlab_experiment_tags')
      .columns(['tag', 'experiment_id'])
      .execute();

    await db.schema
      .createTable('quantlab_experiment_artifacts')
      .addColumn('experiment_id', sql.raw(t.text), (c) => c.notNull())
      .addColumn('role', sql.raw(t.text), (c) => c.notNull())
      .addColumn('kind', sql.raw(t.text), (c) => c.notNull())
      .addColumn('artifact_id', sql.raw(t.text), (c) => c.notNull())
      .addPrimaryKeyConstraint('quantlab_experiment_artifacts_pk', [
        'experiment_id',
        'role',
        'kind',
        'artifact_id',
      ])
      .execute();
    await db.schema
      .createIndex('quantlab_experiment_artifacts_artifact_idx')
      .on('quantlab_experiment_artifacts')
      .columns(['artifact_id', 'role'])
      .execute();
  },
};
