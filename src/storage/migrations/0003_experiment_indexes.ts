import type { Migration } from './migration.js';

/**
 * Indexes for the scheduler's queue order and for listing by git commit. A migration of its own
 * (its own transaction) because DuckDB refuses to commit a transaction that both alters a
 * populated table (0002) and indexes it.
 */
export const experimentIndexes: Migration = {
  name: '0003_experiment_indexes',
  async up(db) {
    await db.schema
      .createIndex('quantlab_experiments_queue_idx')
      .on('quantlab_experiments')
      .columns(['status', 'priority', 'created_at'])
      .execute();
    await db.schema
      .createIndex('quantlab_experiments_git_commit_idx')
      .on('quantlab_experiments')
      .columns(['git_commit', 'created_at'])
      .execute();
  },
};
