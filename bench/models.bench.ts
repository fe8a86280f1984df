/**
 * `lab.models` with a large artifact on every backend, each figure beside a baseline measured in
 * the same run.
 *
 *   npm run bench:models                        # PostgreSQL from QUANTLAB_PG_URL or 127.0.0.1:5432/test
 *   SIZE_MB=10 REPS=3 npm run bench:models
 *   BACKENDS=sqlite,sqlite+directory DUCKDB_REPS=3 npm run bench:models
 *
 * Backends: memory, sqlite (file), postgres (fresh schema, dropped after; skipped when nothing
 * answers), duckdb (file), and sqlite + `createLab(backend, { artifacts: { directory } })`, which
 * keeps the bytes as files. SIZE_MB is in MiB (2^20 bytes); "MB/s" below means MiB/s.
 *
 * 1. Deploy a SIZE_MB model, REPS times (DUCKDB_REPS for DuckDB), each a new version with
 *    different random bytes: `register({ name, artifact, modelType: 'custom' })`, then
 *    `promote(→ staging)`, `promote(→ production)` and `loadArtifact(name, { stage: 'production' })`,
 *    each timed; their sum is the deploy time. Interleaved with each registration, on the same
 *    bytes: sha256 alone (node:crypto, the floor of any content-addressed store) and the raw
 *    write of the bytes (better-sqlite3 INSERT into a BLOB column; pg INSERT with a Buffer
 *    parameter into BYTEA; DuckDB INSERT with a BLOB parameter; `fs.writeFile` for directory mode,
 *    and `writeFile` + `fsync` beside it; a copy of the bytes for memory). Raw tables live in a
 *    separate database (file, schema) with the backend's own settings (SQLite: WAL, synchronous
 *    NORMAL).
 * 2. With VERSIONS versions of the model (the large ones plus small 1 KiB ones) and one in
 *    production: `get(name, { stage: 'production' })`, median and p95 of GETS calls after 100
 *    warm-ups, beside the same backend's `lab.experiments.get(id)` and the raw driver's
 *    primary-key SELECT of the same version row from quantlab's own table (a second connection:
 *    better-sqlite3 prepared `get`, pg query, DuckDB connection on the lab's instance).
 *    `loadArtifact(name, { stage: 'production' })`, median of REPS, beside the raw driver reading
 *    the same row's bytes from quantlab's table (directory mode: `fs.readFile` of the file).
 *    `promote(→ production)`, median and p95 of 20 promotions alternating two versions, beside
 *    the raw driver running the same transaction on a raw table (SELECT the version, UPDATE the
 *    production one to staging, UPDATE the new one to production, INSERT an event).
 *
 * Files go to the OS temp dir and are removed; PostgreSQL work happens in fresh schemas that are
 * dropped.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { open, readFile, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { BLOB, blobValue, DuckDBBlobValue, DuckDBInstance, VARCHAR } from '@duckdb/node-api';
import Database from 'better-sqlite3';
import pg from 'pg';
import { createLab, type LabOptions, type StorageBackend } from 'quantlab';
import { duckdb } from 'quantlab/duckdb';
import { memory } from 'quantlab/memory';
import { postgres } from 'quantlab/postgres';
import { sqlite } from 'quantlab/sqlite';
import { benchFile, PG_URL, postgresAnswers, removeDatabaseFiles } from './support.js';

const SIZE_MB = Number(process.env.SIZE_MB ?? 50);
const SIZE = Math.round(SIZE_MB * 2 ** 20);
const REPS = Number(process.env.REPS ?? 5);
const DUCKDB_REPS = Number(process.env.DUCKDB_REPS ?? REPS);
const VERSIONS = Number(process.env.VERSIONS ?? 50);
const GETS = Number(process.env.GETS ?? 1_000);
const GET_WARMUPS = 100;
const PROMOTIONS = 20;
const BACKENDS = (process.env.BACKENDS ?? 'memory,sqlite,postgres,duckdb,sqlite+directory').split(
  ',',
);
const MODEL = 'bench-model';
const LAB_OPTIONS = { experiments: { provenance: { capture: false } } } as const;

// ------------------------------------------------------------------------------- helpers

const now = () => process.hrtime.bigint();
const seconds = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e9;
const fmt = (n: number) => Math.round(n).toLocaleString('en');

async function timed<T>(fn: () => Promise<T> | T): Promise<[number, T]> {
  const start = now();
  const result = await fn();
  return [seconds(start), result];
}

function median(samples: readonly number[]): number {
  const s = [...samples].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? Number.NaN : ((s[(n - 1) >> 1] as number) + (s[n >> 1] as number)) / 2;
}

function p95(samples: readonly number[]): number {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil(0.95 * s.length) - 1)] as number;
}

/** Milliseconds with sensible precision. */
function ms(s: number): string {
  const m = s * 1000;
  if (!Number.isFinite(m)) return '—';
  return m < 0.1 ? m.toFixed(3) : m < 10 ? m.toFixed(2) : m < 100 ? m.toFixed(1) : m.toFixed(0);
}

const mbps = (s: number) => fmt(SIZE / 2 ** 20 / s);
const ratio = (a: number, b: number) =>
  Number.isFinite(a) && Number.isFinite(b) ? (a / b).toFixed(a / b < 10 ? 2 : 1) : '—';
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** The large payloads: different random bytes for every registration (shared by all backends). */
const maxReps = Math.max(REPS, DUCKDB_REPS);
const payloads = Array.from({ length: maxReps }, () => new Uint8Array(randomBytes(SIZE)));
/** Small distinct payloads for the other versions. */
const smallPayloads = Array.from({ length: VERSIONS }, () => new Uint8Array(randomBytes(1024)));

/** A Buffer over the same memory (no copy), for the drivers. */
const asBuffer = (bytes: Uint8Array) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

// ------------------------------------------------------------------- raw driver baselines

/**
 * The raw driver side of one backend: SQL on a separate raw database (writes, the promotion
 * transaction) and reads of quantlab's own tables through a second connection.
 */
interface Raw {
  describeWrite: string;
  /** Writes the bytes once under `key`. */
  write(key: string, bytes: Uint8Array): Promise<void>;
  /** Other write variants worth showing beside the main one (directory mode: + fsync). */
  extraWrites?: Array<{ describe: string; write(key: string, bytes: Uint8Array): Promise<void> }>;
  describeRead: string;
  /** Reads the bytes of quantlab's artifact `id`. */
  read(id: string): Promise<Uint8Array>;
  describeGet?: string;
  /** Selects quantlab's model version row by primary key. */
  getVersion?(id: string): Promise<unknown>;
  describePromote?: string;
  /** Seeds the raw versions table with `count` versions, the last in production, the one before in staging. */
  seedVersions?(count: number): Promise<void>;
  /** The promotion transaction on the raw tables. */
  promote?(version: string, event: number): Promise<void>;
  close(): Promise<void>;
}

/** The raw tables (blob type per dialect; times as epoch milliseconds). */
function rawSchema(blob: string): string[] {
  return [
    `create table raw_artifacts (id varchar primary key, bytes ${blob} not null)`,
    'create table raw_versions (id varchar primary key, name varchar not null, version varchar not null, stage varchar not null, updated_at bigint not null)',
    'create index raw_versions_stage on raw_versions (name, stage)',
    'create table raw_events (id varchar primary key, name varchar not null, version varchar not null, from_stage varchar, to_stage varchar not null, happened_at bigint not null)',
  ];
}

const rawVersionRows = (count: number) =>
  Array.from({ length: count }, (_, i) => {
    const stage = i === count - 1 ? 'production' : i === count - 2 ? 'staging' : 'development';
    return [`v-${i}`, MODEL, `1.0.${i}`, stage, Date.now()] as const;
  });

/** Which raw version is promoted at step `i` of the promotion loop (alternating the last two). */
const rawPromoted = (i: number) => `1.0.${VERSIONS - 2 + (i % 2)}`;

const PROMOTE_SQL = {
  select: 'select id, stage from raw_versions where name = ? and version = ?',
  demote:
    "update raw_versions set stage = 'staging', updated_at = ? where name = ? and stage = 'production'",
  promote:
    "update raw_versions set stage = 'production', updated_at = ? where name = ? and version = ?",
  event: "insert into raw_events values (?, ?, ?, ?, 'production', ?)",
};

/** `?` placeholders to `$1, $2, ...` (pg). */
const numbered = (text: string) => {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
};

function sqliteRaw(rawFile: string, labFile: string | undefined, directory?: string): Raw {
  const db = new Database(rawFile);
  // The sqlite backend's own settings for a file.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  for (const statement of rawSchema('blob')) db.exec(statement);
  const insert = db.prepare('insert into raw_artifacts values (?, ?)');
  const lab = labFile === undefined ? undefined : new Database(labFile);
  const readBytes = lab?.prepare('select bytes from quantlab_artifacts where id = ?').pluck();
  const readVersion = lab?.prepare('select * from quantlab_model_versions where id = ?');
  const select = db.prepare(PROMOTE_SQL.select);
  const demote = db.prepare(PROMOTE_SQL.demote);
  const promote = db.prepare(PROMOTE_SQL.promote);
  const event = db.prepare(PROMOTE_SQL.event);
  const promoteTx = db.transaction((version: string, n: number) => {
    const current = select.get(MODEL, version) as { stage: string } | undefined;
    if (current === undefined) throw new Error(`raw version ${version} missing`);
    const at = Date.now();
    demote.run(at, MODEL);
    promote.run(at, MODEL, version);
    event.run(`e-${n}`, MODEL, version, current.stage, at);
  });
  const fileOf = (id: string) => join(directory as string, id.slice(0, 2), id);
  return {
    describeWrite:
      directory === undefined ? 'better-sqlite3 INSERT into a BLOB column' : 'fs.writeFile',
    write: async (key, bytes) => {
      if (directory === undefined) insert.run(key, asBuffer(bytes));
      else await writeFile(`${rawFile}.${key}`, bytes);
    },
    ...(directory !== undefined && {
      extraWrites: [
        {
          describe: 'open + write + fsync + close',
          write: async (key: string, bytes: Uint8Array) => {
            const handle = await open(`${rawFile}.${key}.sync`, 'w');
            try {
              await handle.writeFile(bytes);
              await handle.sync();
            } finally {
              await handle.close();
            }
          },
        },
      ],
    }),
    describeRead:
      directory === undefined
        ? 'better-sqlite3 SELECT of the BLOB (second connection)'
        : 'fs.readFile of the artifact file',
    read: async (id) => {
      if (directory !== undefined) return readFile(fileOf(id));
      return readBytes?.get(id) as Uint8Array;
    },
    describeGet: 'better-sqlite3 prepared get by primary key (second connection)',
    getVersion: async (id) => readVersion?.get(id),
    describePromote: 'better-sqlite3 transaction: SELECT, 2 UPDATEs, INSERT event',
    seedVersions: async (count) => {
      const add = db.prepare('insert into raw_versions values (?, ?, ?, ?, ?)');
      db.transaction(() => {
        for (const row of rawVersionRows(count)) add.run(...row);
      })();
    },
    promote: async (version, n) => promoteTx(version, n),
    close: async () => {
      db.close();
      lab?.close();
      if (directory !== undefined) {
        for (let i = 0; i < maxReps + 1; i++) {
          rmSync(`${rawFile}.raw-${i}`, { force: true });
          rmSync(`${rawFile}.raw-${i}.sync`, { force: true });
        }
        rmSync(`${rawFile}.raw-warmup`, { force: true });
        rmSync(`${rawFile}.raw-warmup.sync`, { force: true });
      }
    },
  };
}

async function postgresRaw(rawSchemaName: string, labSchema: string): Promise<Raw> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  await client.query(`create schema ${rawSchemaName}`);
  await client.query(`set search_path to ${rawSchemaName}`);
  for (const statement of rawSchema('bytea')) await client.query(statement);
  const q = (text: string, values: unknown[] = []) => client.query(numbered(text), values);
  return {
    describeWrite: 'pg INSERT with a Buffer parameter into BYTEA',
    write: async (key, bytes) => {
      await q('insert into raw_artifacts values (?, ?)', [key, asBuffer(bytes)]);
    },
    describeRead: 'pg SELECT of the BYTEA (default Buffer parser)',
    read: async (id) => {
      const { rows } = await q(`select bytes from ${labSchema}.quantlab_artifacts where id = ?`, [
        id,
      ]);
      return rows[0].bytes as Buffer;
    },
    describeGet: 'pg query by primary key',
    getVersion: async (id) =>
      (await q(`select * from ${labSchema}.quantlab_model_versions where id = ?`, [id])).rows[0],
    describePromote: 'pg transaction: SELECT, 2 UPDATEs, INSERT event',
    seedVersions: async (count) => {
      for (const row of rawVersionRows(count))
        await q('insert into raw_versions values (?, ?, ?, ?, ?)', [...row]);
    },
    promote: async (version, n) => {
      await client.query('begin');
      try {
        const { rows } = await q(PROMOTE_SQL.select, [MODEL, version]);
        const at = Date.now();
        await q(PROMOTE_SQL.demote, [at, MODEL]);
        await q(PROMOTE_SQL.promote, [at, MODEL, version]);
        await q(PROMOTE_SQL.event, [`e-${n}`, MODEL, version, rows[0].stage, at]);
        await client.query('commit');
      } catch (error) {
        await client.query('rollback');
        throw error;
      }
    },
    close: async () => {
      await client.query(`drop schema if exists ${rawSchemaName} cascade`);
      await client.end();
    },
  };
}

async function duckdbRaw(rawFile: string, labInstance: DuckDBInstance): Promise<Raw> {
  const instance = await DuckDBInstance.create(rawFile);
  const raw = await instance.connect();
  for (const statement of rawSchema('BLOB')) await raw.run(statement);
  const lab = await labInstance.connect();
  return {
    describeWrite: 'DuckDB INSERT with a BLOB parameter',
    write: async (key, bytes) => {
      await raw.run(
        'insert into raw_artifacts values ($1, $2)',
        [key, blobValue(bytes)],
        [VARCHAR, BLOB],
      );
    },
    describeRead: 'DuckDB SELECT of the BLOB (second connection on the lab instance)',
    read: async (id) => {
      const reader = await lab.runAndReadAll('select bytes from quantlab_artifacts where id = $1', [
        id,
      ]);
      const value = reader.getRows()[0]?.[0];
      if (!(value instanceof DuckDBBlobValue)) throw new Error('no BLOB read');
      return value.bytes;
    },
    describeGet: 'DuckDB SELECT by primary key (second connection on the lab instance)',
    getVersion: async (id) =>
      (
        await lab.runAndReadAll('select * from quantlab_model_versions where id = $1', [id])
      ).getRowObjects()[0],
    describePromote: 'DuckDB transaction: SELECT, 2 UPDATEs, INSERT event',
    seedVersions: async (count) => {
      for (const row of rawVersionRows(count))
        await raw.run('insert into raw_versions values ($1, $2, $3, $4, $5)', [...row]);
    },
    promote: async (version, n) => {
      await raw.run('begin');
      try {
        const reader = await raw.runAndReadAll(PROMOTE_SQL.select, [MODEL, version]);
        const stage = reader.getRowObjects()[0]?.stage as string;
        const at = Date.now();
        await raw.run(PROMOTE_SQL.demote, [at, MODEL]);
        await raw.run(PROMOTE_SQL.promote, [at, MODEL, version]);
        await raw.run(PROMOTE_SQL.event, [`e-${n}`, MODEL, version, stage, at]);
        await raw.run('commit');
      } catch (error) {
        await raw.run('rollback');
        throw error;
      }
    },
    close: async () => {
      raw.closeSync();
      lab.closeSync();
      instance.closeSync();
    },
  };
}

function memoryRaw(): Raw {
  const kept = new Map<string, Uint8Array>();
  let last: Uint8Array | undefined;
  return {
    describeWrite: 'a copy of the bytes (Uint8Array.slice)',
    write: async (key, bytes) => {
      last = bytes.slice();
      kept.set(key, last);
    },
    describeRead: 'a copy of the last bytes written (Uint8Array.slice)',
    read: async () => (last as Uint8Array).slice(),
    close: async () => kept.clear(),
  };
}

// ------------------------------------------------------------------------- the measurement

interface Result {
  backend: string;
  reps: number;
  note: string;
  sha: number[];
  raw: number[];
  rawDescribe: string;
  extraWrites: Array<{ describe: string; samples: number[] }>;
  register: number[];
  toStaging: number[];
  toProduction: number[];
  load: number[];
  deploy: number[];
  get: number[];
  experimentGet: number[];
  rawGet: number[];
  rawGetDescribe: string;
  loadAgain: number[];
  rawRead: number[];
  rawReadDescribe: string;
  promote: number[];
  rawPromote: number[];
  rawPromoteDescribe: string;
  seedSeconds: number;
}
const results: Result[] = [];

async function measure(
  label: string,
  reps: number,
  backend: StorageBackend,
  labOptions: LabOptions,
  openRaw: () => Promise<Raw>,
  note: string,
): Promise<void> {
  console.log(`${label}: ${reps} × ${SIZE_MB} MiB`);
  const lab = await createLab(backend, { ...LAB_OPTIONS, ...labOptions });
  const raw = await openRaw();
  const r: Result = {
    backend: label,
    reps,
    note,
    sha: [],
    raw: [],
    rawDescribe: raw.describeWrite,
    extraWrites: (raw.extraWrites ?? []).map((e) => ({ describe: e.describe, samples: [] })),
    register: [],
    toStaging: [],
    toProduction: [],
    load: [],
    deploy: [],
    get: [],
    experimentGet: [],
    rawGet: [],
    rawGetDescribe: raw.describeGet ?? '—',
    loadAgain: [],
    rawRead: [],
    rawReadDescribe: raw.describeRead,
    promote: [],
    rawPromote: [],
    rawPromoteDescribe: raw.describePromote ?? '—',
    seedSeconds: 0,
  };
  try {
    const models = lab.models;
    // Warm-up: every statement once, on a small model of another name.
    const small = smallPayloads[0] as Uint8Array<ArrayBuffer>;
    const w = await models.register({ name: 'warmup', artifact: small, modelType: 'custom' });
    await models.promote('warmup', w.version, 'staging');
    await models.promote('warmup', w.version, 'production');
    await models.loadArtifact('warmup', { stage: 'production' });
    await raw.write('raw-warmup', small);
    for (const extra of raw.extraWrites ?? []) await extra.write('raw-warmup', small);

    // 1. deploy: register, promote to staging, promote to production, load; baselines interleaved.
    const registered: string[] = [];
    for (let i = 0; i < reps; i++) {
      const bytes = payloads[i] as Uint8Array<ArrayBuffer>;
      const [sha] = await timed(() => sha256(bytes));
      r.sha.push(sha);
      r.raw.push((await timed(() => raw.write(`raw-${i}`, bytes)))[0]);
      for (const [j, extra] of (raw.extraWrites ?? []).entries())
        r.extraWrites[j]?.samples.push((await timed(() => extra.write(`raw-${i}`, bytes)))[0]);
      const [register, v] = await timed(() =>
        models.register({ name: MODEL, artifact: bytes, modelType: 'custom' }),
      );
      const [toStaging] = await timed(() => models.promote(MODEL, v.version, 'staging'));
      const [toProduction] = await timed(() => models.promote(MODEL, v.version, 'production'));
      const [load, loaded] = await timed(() => models.loadArtifact(MODEL, { stage: 'production' }));
      if (
        loaded.byteLength !== SIZE ||
        loaded[0] !== bytes[0] ||
        loaded[SIZE - 1] !== bytes[SIZE - 1]
      )
        throw new Error(`${label}: loadArtifact returned other bytes`);
      r.register.push(register);
      r.toStaging.push(toStaging);
      r.toProduction.push(toProduction);
      r.load.push(load);
      r.deploy.push(register + toStaging + toProduction + load);
      registered.push(v.version);
      console.log(
        `  ${v.version}: register ${ms(register)} ms (sha256 ${ms(sha)}, raw ${ms(r.raw.at(-1) as number)}), staging ${ms(toStaging)}, production ${ms(toProduction)}, load ${ms(load)}`,
      );
    }

    // The other versions, small, so that the model has VERSIONS versions.
    const seedStart = now();
    for (let i = reps; i < VERSIONS; i++) {
      await models.register({
        name: MODEL,
        artifact: smallPayloads[i] as Uint8Array<ArrayBuffer>,
        modelType: 'custom',
      });
    }
    r.seedSeconds = seconds(seedStart);
    const production = await models.get(MODEL, { stage: 'production' });
    const expected = registered.at(-1) as string;
    if (production.version !== expected)
      throw new Error(`${label}: production is ${production.version}, expected ${expected}`);
    const total = (await models.list({ name: MODEL, limit: 1000 })).versions.length;
    if (total !== VERSIONS) throw new Error(`${label}: ${total} versions, expected ${VERSIONS}`);

    // 2a. get by stage, beside experiments.get and the raw primary-key SELECT.
    const experiment = await lab.experiments.create({
      name: 'baseline',
      type: 'backtest',
      strategy: 'bench',
      symbols: ['BTC/USD'],
      timeframe: '1h',
      dateRange: { from: '2025-01-01', to: '2025-06-30' },
    });
    const loop = async (fn: () => Promise<unknown>, into: number[]) => {
      for (let i = 0; i < GET_WARMUPS; i++) await fn();
      for (let i = 0; i < GETS; i++) {
        const start = now();
        await fn();
        into.push(seconds(start));
      }
    };
    await loop(() => models.get(MODEL, { stage: 'production' }), r.get);
    await loop(() => lab.experiments.get(experiment.id), r.experimentGet);
    if (raw.getVersion) {
      const row = await raw.getVersion(production.id);
      if (row === undefined) throw new Error(`${label}: raw get found no row`);
      await loop(() => raw.getVersion?.(production.id) as Promise<unknown>, r.rawGet);
    }

    // 2b. loadArtifact of the production model again, beside the raw read of the same bytes.
    for (let i = 0; i < reps; i++) {
      const [load, bytes] = await timed(() => models.loadArtifact(MODEL, { stage: 'production' }));
      if (bytes.byteLength !== SIZE) throw new Error(`${label}: loadArtifact size`);
      r.loadAgain.push(load);
      const [read, rawBytes] = await timed(() => raw.read(production.artifactId));
      if (rawBytes.byteLength !== SIZE) throw new Error(`${label}: raw read size`);
      r.rawRead.push(read);
    }

    // 2c. promote to production, alternating the last two large versions.
    // With REPS=1 the other is the newest small version, moved to staging first (untimed).
    const pair = registered.slice(-2);
    if (pair.length < 2) {
      const other = (await models.get(MODEL)).version;
      await models.promote(MODEL, other, 'staging');
      pair.unshift(other);
    }
    const [a, b] = pair as [string, string];
    for (let i = 0; i < PROMOTIONS; i++) {
      const version = i % 2 === 0 ? a : b;
      r.promote.push((await timed(() => models.promote(MODEL, version, 'production')))[0]);
    }
    if (raw.seedVersions && raw.promote) {
      await raw.seedVersions(VERSIONS);
      await raw.promote(rawPromoted(0), -1); // warm-up
      for (let i = 1; i <= PROMOTIONS; i++)
        r.rawPromote.push((await timed(() => raw.promote?.(rawPromoted(i), i)))[0]);
    }
    results.push(r);
  } finally {
    await lab.close();
    await raw.close();
  }
}

// ---------------------------------------------------------------------------- the backends

async function benchMemory(): Promise<void> {
  await measure('memory', REPS, memory(), {}, async () => memoryRaw(), 'In process.');
}

async function benchSqlite(): Promise<void> {
  const file = benchFile('models', 'lab.db');
  const rawFile = benchFile('models', 'raw.db');
  try {
    await measure(
      'sqlite (file)',
      REPS,
      sqlite({ filename: file }),
      {},
      async () => sqliteRaw(rawFile, file),
      'File in the temp dir, WAL, synchronous NORMAL (the backend’s defaults; the raw file too).',
    );
  } finally {
    removeDatabaseFiles(file, rawFile);
  }
}

async function benchSqliteDirectory(): Promise<void> {
  const file = benchFile('models', 'dir-lab.db');
  const directory = mkdtempSync(benchFile('models', 'artifacts-'));
  const rawFile = benchFile('models', 'dir-raw.db');
  try {
    await measure(
      'sqlite + directory',
      REPS,
      sqlite({ filename: file }),
      { artifacts: { directory } },
      async () => sqliteRaw(rawFile, file, directory),
      'SQLite file for the records, artifact bytes as files under a temp directory (written to a temporary file, fsynced, renamed).',
    );
  } finally {
    removeDatabaseFiles(file, rawFile);
    rmSync(directory, { recursive: true, force: true });
  }
}

async function benchPostgres(): Promise<void> {
  if (!(await postgresAnswers())) {
    console.log(`postgres: skipped, nothing answers at ${PG_URL}`);
    return;
  }
  const schema = `qlbench_models_${process.pid}`;
  const rawSchemaName = `${schema}_raw`;
  try {
    await measure(
      'postgres',
      REPS,
      postgres({ connectionString: PG_URL, max: 2 }, { schema }),
      {},
      () => postgresRaw(rawSchemaName, schema),
      `PostgreSQL at ${PG_URL.replace(/\/\/[^@]*@/, '//')}, fresh schemas (dropped after).`,
    );
  } finally {
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    await client.query(`drop schema if exists ${schema} cascade`);
    await client.query(`drop schema if exists ${rawSchemaName} cascade`);
    await client.end();
  }
}

async function benchDuckdb(): Promise<void> {
  const file = benchFile('models', 'lab.duckdb');
  const rawFile = benchFile('models', 'raw.duckdb');
  // The bench opens the instance so that the raw reads can use a second connection on it; the
  // lab never closes a caller's instance, so it is closed here.
  const instance = await DuckDBInstance.create(file);
  try {
    await measure(
      'duckdb (file)',
      DUCKDB_REPS,
      duckdb({ instance }),
      {},
      () => duckdbRaw(rawFile, instance),
      'File in the temp dir (the raw file beside it).',
    );
  } finally {
    instance.closeSync();
    removeDatabaseFiles(file, rawFile);
  }
}

// ----------------------------------------------------------------------------------- main

const started = now();
console.log(
  `node ${process.version}, ${cpus().length} cores, SIZE_MB=${SIZE_MB}, REPS=${REPS}, DUCKDB_REPS=${DUCKDB_REPS}, VERSIONS=${VERSIONS}, GETS=${GETS}, backends ${BACKENDS.join(', ')}\n`,
);
const want = (b: string) => BACKENDS.includes(b);
if (want('memory')) await benchMemory();
if (want('sqlite')) await benchSqlite();
if (want('postgres')) await benchPostgres();
if (want('duckdb')) await benchDuckdb();
if (want('sqlite+directory')) await benchSqliteDirectory();

console.log(`\n## register a ${SIZE_MB} MiB model (median of the reps)\n`);
console.log(
  '| backend | reps | register ms | MB/s | sha256 ms | raw write ms | MB/s | register / raw | register / (sha256 + raw) | raw write |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---|');
for (const r of results) {
  const reg = median(r.register);
  const raw = median(r.raw);
  const sha = median(r.sha);
  console.log(
    `| ${r.backend} | ${r.reps} | ${ms(reg)} | ${mbps(reg)} | ${ms(sha)} | ${ms(raw)} | ${mbps(raw)} | ${ratio(reg, raw)} | ${ratio(reg, sha + raw)} | ${r.rawDescribe} |`,
  );
  for (const e of r.extraWrites) {
    const s = median(e.samples);
    console.log(
      `| ↳ ${r.backend}, other raw write | | | | | ${ms(s)} | ${mbps(s)} | ${ratio(reg, s)} | ${ratio(reg, sha + s)} | ${e.describe} |`,
    );
  }
}

console.log(
  `\n## deploy: register + promote → staging + promote → production + loadArtifact (ms, median of the reps)\n`,
);
console.log(
  '| backend | register | → staging | → production | loadArtifact | deploy median | deploy max | under 1 s? |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|---|');
for (const r of results) {
  const max = Math.max(...r.deploy);
  console.log(
    `| ${r.backend} | ${ms(median(r.register))} | ${ms(median(r.toStaging))} | ${ms(median(r.toProduction))} | ${ms(median(r.load))} | ${ms(median(r.deploy))} | ${ms(max)} | ${max < 1 ? 'yes, every rep' : median(r.deploy) < 1 ? 'median yes, not every rep' : 'no'} |`,
  );
}

console.log(
  `\n## get(name, { stage: 'production' }) with ${VERSIONS} versions: ${fmt(GETS)} calls after ${GET_WARMUPS} warm-ups (ms)\n`,
);
console.log(
  '| backend | get median | get p95 | experiments.get median | p95 | raw PK SELECT median | p95 | get / experiments.get | get / raw | raw baseline |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---|');
for (const r of results) {
  const g = median(r.get);
  const e = median(r.experimentGet);
  const raw = r.rawGet.length > 0 ? median(r.rawGet) : Number.NaN;
  console.log(
    `| ${r.backend} | ${ms(g)} | ${ms(p95(r.get))} | ${ms(e)} | ${ms(p95(r.experimentGet))} | ${ms(raw)} | ${r.rawGet.length > 0 ? ms(p95(r.rawGet)) : '—'} | ${ratio(g, e)} | ${ratio(g, raw)} | ${r.rawGetDescribe} |`,
  );
}

console.log(
  `\n## loadArtifact(name, { stage: 'production' }) of the ${SIZE_MB} MiB model (ms, median of the reps)\n`,
);
console.log(
  '| backend | loadArtifact (in deploy) | loadArtifact (again) | MB/s | raw read | MB/s | sha256 | load / raw | load / (raw + sha256) | raw read |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---|');
for (const r of results) {
  const load = median(r.loadAgain);
  const raw = median(r.rawRead);
  const sha = median(r.sha);
  console.log(
    `| ${r.backend} | ${ms(median(r.load))} | ${ms(load)} | ${mbps(load)} | ${ms(raw)} | ${mbps(raw)} | ${ms(sha)} | ${ratio(load, raw)} | ${ratio(load, raw + sha)} | ${r.rawReadDescribe} |`,
  );
}

console.log(`\n## promote(→ production), ${PROMOTIONS} promotions alternating two versions (ms)\n`);
console.log(
  '| backend | median | p95 | raw transaction median | p95 | promote / raw | raw baseline |',
);
console.log('|---|---:|---:|---:|---:|---:|---|');
for (const r of results) {
  const p = median(r.promote);
  const raw = r.rawPromote.length > 0 ? median(r.rawPromote) : Number.NaN;
  console.log(
    `| ${r.backend} | ${ms(p)} | ${ms(p95(r.promote))} | ${ms(raw)} | ${r.rawPromote.length > 0 ? ms(p95(r.rawPromote)) : '—'} | ${ratio(p, raw)} | ${r.rawPromoteDescribe} |`,
  );
}

console.log('\nNotes:');
for (const r of results)
  console.log(
    `- ${r.backend}: ${r.note} The other ${VERSIONS - r.reps} (1 KiB) versions registered in ${r.seedSeconds.toFixed(2)} s.`,
  );
console.log(`\ntotal ${seconds(started).toFixed(0)} s`);
