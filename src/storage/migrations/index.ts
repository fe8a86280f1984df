import { initial } from './0001_initial.js';
import { experimentLinks } from './0002_experiment_links.js';
import { experimentIndexes } from './0003_experiment_indexes.js';
import { experimentNameIndex } from './0004_experiment_name_index.js';
import { modelRegistry } from './0005_model_registry.js';
import { abTests } from './0006_ab_tests.js';
import { drift } from './0007_drift.js';
import type { Migration } from './migration.js';

/** Every migration, in the order it applies. @internal */
export const migrations: readonly Migration[] = [
  initial,
  experimentLinks,
  experimentIndexes,
  experimentNameIndex,
  modelRegistry,
  abTests,
  drift,
];

export type { Migration } from './migration.js';
export { runMigrations } from './runner.js';
