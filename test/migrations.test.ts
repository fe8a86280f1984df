import { randomUUID } from 'node:crypto';
import { DuckDBInstance } from '@duckdb/node-api';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { DuckDBDialect } from '../backends/duckdb/dialect/index.js';
import { duckdb } from '../backends/duckdb/index.js';
import { duckdbTraits } from '../backends/duckdb/traits.js';
import { postgres } from '../backends/postgres/index.js';
import { postgresTraits } from '../backends/postgres/traits.js';
import { ImmediateSqliteDialect } from '../backends/sqlite/driver.js';
import { sqlite } from '../backends/sqlite/index.js';
import { sqliteTraits } from '../backends/sqlite/traits.js';
import type { StorageBackend } from '../src/storage/backend.js';
import { migrations, runMigrations } from '../src/storage/migrations/index.js';
import type { QuantlabSchema } from '../src/storage/sql/schema.js';
import type { DialectTraits } from '../src/storage/sql/traits.js';
import { artifact, experiment } from '../src/testing/fixtures.js';
import { MIGRATION_NAMES, SCHEMA_VERSION } from './support/schema.js';

const url = inject('pgUrl');
const admin = new pg.Pool({ connectionString: url, max: 2 });
const schemas: string[] = [];
afterAll(async () => {
  for (const schema of schemas) await admin.query(`drop schema if exists "${schema}" cascade`);
  await admin.end();
});

interface Target {
  /** A Kysely over a fresh database and a backend over the same database, opened after it. */
  open(): Promise<{
    db: Kysely<QuantlabSchema>;
    traits: DialectTraits;
    backend: () => StorageBackend;
  }>;
}

const targets: Record<string, Target> = {
  sqlite: {
    async open() {
      const database = new Database(':memory:');
      const db = new Kysely<QuantlabSchema>({ dialect: new ImmediateSqliteDialect({ database }) });
      return { db, traits: sqliteTraits, backend: () => sqlite({ database }) };
    },
  },
  postgres: {
    async open() {
      const schema = `qlt_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
      schemas.push(schema);
      const pool = new pg.Pool({ connectionString: url, max: 2 });
      const db = new Kysely<QuantlabSchema>({ dialect: new PostgresDialect({ pool }) }).withSchema(
        schema,
      );
      return { db, traits: postgresTraits(schema), backend: () => postgres({ pool }, { schema }) };
    },
  },
  duckdb: {
    async open() {
      const instance = await DuckDBInstance.create(':memory:');
      const db = new Kysely<QuantlabSchema>({ dialect: new DuckDBDialect({ instance }) });
      return { db, traits: duckdbTraits, backend: () => duckdb({ instance }) };
    },
  },
};

describe.each(Object.keys(targets))(
  'upgrading a %s database from 0001 to the latest schema',
  (name) => {
    it('keeps rows written before and reads the new columns as their defaults', async () => {
      const { db, traits, backend } = await (targets[name] as Target).open();
      const [first] = migrations;
      expect(
        (await runMigrations(db, traits, [first as (typeof migrations)[number]])).applied,
      ).toEqual([MIGRATION_NAMES[0]]);
      const old = experiment({ tags: ['legacy'] });
      const { resources: _r, maxRuntimeHours: _m, autoCleanup: _a, queuedAt: _q, ...v1 } = old;
      await db
        .insertInto('quantlab_experiments')
        .values({
          id: v1.id,
          name: v1.name,
          description: v1.description,
          type: v1.type,
          strategy: v1.strategy,
          status: v1.status,
          priority: v1.priority,
          config_hash: v1.configHash,
          config: traits.encodeJson(v1.config),
          tags: traits.encodeJson(v1.tags),
          parent_id: v1.parentId,
          git_commit: v1.gitCommit,
          provenance: traits.encodeJson(v1.provenance),
          metadata: traits.encodeJson(v1.metadata),
          error: v1.error,
          error_count: v1.errorCount,
          created_at: traits.encodeDate(v1.createdAt),
          updated_at: traits.encodeDate(v1.updatedAt),
          started_at: null,
          completed_at: null,
        } as never)
        .execute();
      // An artifact written before 0005 added `storage` (DuckDB must alter the populated table).
      const bytes = new Uint8Array([0, 1, 2, 255]);
      const oldArtifact = { ...artifact(bytes), storage: 'backend' as const };
      await db
        .insertInto('quantlab_artifacts')
        .values({
          id: oldArtifact.id,
          type: oldArtifact.type,
          name: oldArtifact.name,
          size: oldArtifact.size,
          metadata: traits.encodeJson(oldArtifact.metadata),
          bytes: traits.encodeBytes(oldArtifact.bytes),
          created_at: traits.encodeDate(oldArtifact.createdAt),
        } as never)
        .execute();

      const upgraded = backend();
      const result = await upgraded.migrate();
      expect(result.applied).toEqual(MIGRATION_NAMES.slice(1));
      expect(result.version).toBe(SCHEMA_VERSION);
      expect(await upgraded.experiments.get(old.id)).toEqual(old);
      // NULL in the storage column 0005 added reads as `backend`; the new tables work.
      expect(await upgraded.artifacts.get(oldArtifact.id)).toEqual(oldArtifact);
      await upgraded.artifacts.linkInputs(oldArtifact.id, ['sha-input']);
      expect(await upgraded.artifacts.consumersOf(['sha-input'])).toEqual([
        { artifactId: oldArtifact.id, inputId: 'sha-input' },
      ]);
      expect(await upgraded.artifacts.delete(oldArtifact.id)).toBe(true);
      expect(await upgraded.artifacts.inputsOf([oldArtifact.id])).toEqual([]);
      // The new features work on the old row once it is written again.
      await upgraded.experiments.update(old.id, { tags: ['legacy', 'migrated'] });
      expect((await upgraded.experiments.list({ tag: 'migrated' })).map((r) => r.id)).toEqual([
        old.id,
      ]);
      // NULL in the columns 0002 added reads as their defaults in filters too: no demand, and
      // auto-cleanup on.
      await db
        .updateTable('quantlab_experiments')
        .set({ cpu_cores: null, memory_gb: null, gpu_units: null, disk_gb: null })
        .set({ auto_cleanup: null })
        .where('id', '=', old.id)
        .execute();
      const zero = { cpuCores: 0, memoryGb: 0, gpuUnits: 0, diskGb: 0 };
      expect(
        (
          await upgraded.experiments.list({ name: old.name, fitsWithin: zero, autoCleanup: true })
        ).map((r) => r.id),
      ).toEqual([old.id]);
      expect(await upgraded.experiments.list({ autoCleanup: false })).toEqual([]);
      expect((await upgraded.experiments.get(old.id))?.resources).toEqual(zero);
      expect((await upgraded.migrate()).applied).toEqual([]);
      await upgraded.close();
      await db.destroy().catch(() => {});
    });
  },
);
