import { migrations } from '../../src/storage/migrations/index.js';

/** Every migration name, in order, and the schema version a fresh database ends at. */
export const MIGRATION_NAMES = migrations.map((m) => m.name);
export const SCHEMA_VERSION = MIGRATION_NAMES.at(-1) as string;
