import type { Migration } from './migration.js';

/**
 * An index for listing experiments by exact name, newest or oldest first. A migration of its
 * own (its own transaction), like 0003: DuckDB indexes a populated table only in a transaction
 * that does nothing else to it.
 */
export const experimentNameIndex: Migration = {
  name: '0004_experiment_name_index',
  async up(db) {
    await db.schema
      .createIndex('quantlab_experiments_name_idx')
      .on('quantlab_experiments')
      .columns(['name', 'created_at'])
      .execute();
  },
};
