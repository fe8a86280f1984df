import { sql } from 'kysely';
import type { Migration } from './migration.js';

/**
 * The model registry and artifact lineage:
 *
 * - `quantlab_model_versions`: one row per registered version, unique per (name, version), with
 *   indexes for the highest version of a model (name, major, minor, patch), the versions in a
 *   stage (name, stage), the versions of an artifact and the newest-first listing (created_at,
 *   id). Where the dialect has partial indexes (PostgreSQL, SQLite) a unique index on (name)
 *   over the production rows makes the database itself refuse a second production version of a
 *   model, across processes; DuckDB, which has none, has one writer process anyway.
 * - `quantlab_model_version_tags`: the tags of each version as indexed rows (like
 *   `quantlab_experiment_tags`), so listing by tag needs no per-dialect JSON function.
 * - `quantlab_model_aliases`: named pointers, one per (name, alias).
 * - `quantlab_model_events`: the append-only audit trail, read per model in (at, id) order.
 * - `quantlab_artifact_inputs`: what each artifact was made from, walkable both ways.
 * - `quantlab_artifacts.storage`: where the bytes are; nullable (DuckDB cannot add NOT NULL
 *   columns), and rows written before this migration read back as `backend`. Added last, and no
 *   index on quantlab_artifacts here: DuckDB refuses to commit a transaction that alters a
 *   populated table and then does more to it.
 */
export const modelRegistry: Migration = {
  name: '0005_model_registry',
  async up(db, t, traits) {
    const versions = 'quantlab_model_versions';
    await db.schema
      .createTable(versions)
      .addColumn('id', sql.raw(t.text), (c) => c.primaryKey())
      .addColumn('name', sql.raw(t.text), (c) => c.notNull())
      .addColumn('version', sql.raw(t.text), (c) => c.notNull())
      .addColumn('major', sql.raw(t.integer), (c) => c.notNull())
      .addColumn('minor', sql.raw(t.integer), (c) => c.notNull())
      .addColumn('patch', sql.raw(t.integer), (c) => c.notNull())
      .addColumn('stage', sql.raw(t.text), (c) => c.notNull())
      .addColumn('artifact_id', sql.raw(t.text), (c) => c.notNull())
      .addColumn('model_type', sql.raw(t.text), (c) => c.notNull())
      .addColumn('features', sql.raw(t.json), (c) => c.notNull())
      .addColumn('target', sql.raw(t.text))
      .addColumn('hyperparameters', sql.raw(t.json), (c) => c.notNull())
      .addColumn('preprocessing', sql.raw(t.json), (c) => c.notNull())
      .addColumn('feature_importance', sql.raw(t.json), (c) => c.notNull())
      .addColumn('metrics', sql.raw(t.json), (c) => c.notNull())
      .addColumn('validation_metrics', sql.raw(t.json), (c) => c.notNull())
      .addColumn('test_metrics', sql.raw(t.json), (c) => c.notNull())
      .addColumn('training_data', sql.raw(t.json))
      .addColumn('training_duration_seconds', sql.raw(t.double))
      .addColumn('experiment_id', sql.raw(t.text))
      .addColumn('tags', sql.raw(t.json), (c) => c.notNull())
      .addColumn('description', sql.raw(t.text))
      .addColumn('trained_by', sql.raw(t.text))
      .addColumn('created_at', sql.raw(t.timestamp), (c) => c.notNull())
      .addColumn('updated_at', sql.raw(t.timestamp), (c) => c.notNull())
      .addUniqueConstraint('quantlab_model_versions_name_version_key', ['name', 'version'])
      .execute();
    const indexes: [string, string[]][] = [
      ['number', ['name', 'major', 'minor', 'patch']],
      ['stage', ['name', 'stage']],
      ['artifact', ['artifact_id']],
      ['created_at', ['created_at', 'id']],
    ];
    for (const [suffix, columns] of indexes) {
      await db.schema
        .createIndex(`${versions}_${suffix}_idx`)
        .on(versions)
        .columns(columns)
        .execute();
    }
    if (traits.partialIndexes) {
      await db.schema
        .createIndex(`${versions}_production_idx`)
        .unique()
        .on(versions)
        .column('name')
        .where(sql.ref('stage'), '=', sql.lit('production'))
        .execute();
    }

    await db.schema
      .createTable('quantlab_model_version_tags')
      .addColumn('version_id', sql.raw(t.text), (c) => c.notNull())
      .addColumn('tag', sql.raw(t.text), (c) => c.notNull())
      .addPrimaryKeyConstraint('quantlab_model_version_tags_pk', ['version_id', 'tag'])
      .execute();
    await db.schema
      .createIndex('quantlab_model_version_tags_tag_idx')
      .on('quantlab_model_version_tags')
      .columns(['tag', 'version_id'])
      .execute();

    await db.schema
      .createTable('quantlab_model_aliases')
      .addColumn('name', sql.raw(t.text), (c) => c.notNull())
      .addColumn('alias', sql.raw(t.text), (c) => c.notNull())
      .addColumn('version', sql.raw(t.text), (c) => c.notNull())
      .addColumn('updated_at', sql.raw(t.timestamp), (c) => c.notNull())
      .addPrimaryKeyConstraint('quantlab_model_aliases_pk', ['name', 'alias'])
      .execute();

    await db.schema
      .createTable('quantlab_model_events')
      .addColumn('id', sql.raw(t.text), (c) => c.primaryKey())
      .addColumn('name', sql.raw(t.text), (c) => c.notNull())
      .addColumn('version', sql.raw(t.text))
      .addColumn('kind', sql.raw(t.text), (c) => c.notNull())
      .addColumn('from_value', sql.raw(t.text))
      .addColumn('to_value', sql.raw(t.text))
      .addColumn('alias', sql.raw(t.text))
      .addColumn('actor', sql.raw(t.text))
      .addColumn('reason', sql.raw(t.text))
      // Kysely quotes every identifier, so DuckDB's reserved word `at` is safe here.
      .addColumn('at', sql.raw(t.timestamp), (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('quantlab_model_events_name_idx')
      .on('quantlab_model_events')
      .columns(['name', 'at', 'id'])
      .execute();

    await db.schema
      .createTable('quantlab_artifact_inputs')
      .addColumn('artifact_id', sql.raw(t.text), (c) => c.notNull())
      .addColumn('input_id', sql.raw(t.text), (c) => c.notNull())
      .addPrimaryKeyConstraint('quantlab_artifact_inputs_pk', ['artifact_id', 'input_id'])
      .execute();
    // (input_id, artifact_id): finds the consumers of an input, already in artifact order.
    await db.schema
      .createIndex('quantlab_artifact_inputs_input_idx')
      .on('quantlab_artifact_inputs')
      .columns(['input_id', 'artifact_id'])
      .execute();

    await db.schema
      .alterTable('quantlab_artifacts')
      .addColumn('storage', sql.raw(t.text))
      .execute();
  },
};
