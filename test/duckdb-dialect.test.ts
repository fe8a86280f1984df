import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { Kysely, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { DuckDBDialect, type DuckDBDialectConfig } from '../backends/duckdb/dialect/index.js';
import { duckdbTraits } from '../backends/duckdb/traits.js';

interface SampleTable {
  id: string;
  label: string | null;
  n: number | null;
  big: number | bigint | null;
  x: number | null;
  at: unknown;
  doc: unknown;
  bytes: unknown;
  flag: boolean | null;
}

interface TestDb {
  sample: SampleTable;
}

type Db = Kysely<TestDb>;

const t = duckdbTraits.types;

async function createSample(db: Db): Promise<void> {
  await db.schema
    .createTable('sample')
    .addColumn('id', sql.raw(t.text), (c) => c.primaryKey())
    .addColumn('label', sql.raw(t.text))
    .addColumn('n', sql.raw(t.integer))
    .addColumn('big', sql.raw(t.bigint))
    .addColumn('x', sql.raw(t.double))
    .addColumn('at', sql.raw(t.timestamp))
    .addColumn('doc', sql.raw(t.json))
    .addColumn('bytes', sql.raw(t.blob))
    .addColumn('flag', sql.raw('BOOLEAN'))
    .execute();
}

/** Runs `fn` against a fresh in-memory database with the sample table, then destroys it. */
async function withDb<T>(fn: (db: Db) => Promise<T>, config: DuckDBDialectConfig = {}): Promise<T> {
  const db = new Kysely<TestDb>({ dialect: new DuckDBDialect(config) });
  try {
    await createSample(db);
    return await fn(db);
  } finally {
    await db.destroy();
  }
}

async function ids(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('sample').select('id').orderBy('id').execute();
  return rows.map((row) => row.id);
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

describe('DuckDBDialect: value round trips', () => {
  it('round-trips unicode text and the empty string', async () => {
    const labels = [
      '😀🚀 emoji 👩‍👩‍👧‍👦',
      '中文字符 日本語 한국어',
      'e\u0301 combining: a\u0308o\u0308',
      '',
      'tab\tnew\nline "double" \'single\' \\ back',
    ];
    await withDb(async (db) => {
      await db
        .insertInto('sample')
        .values(labels.map((label, i) => ({ id: `r${i}`, label })))
        .execute();
      const rows = await db.selectFrom('sample').select(['id', 'label']).orderBy('id').execute();
      expect(rows.map((row) => row.label)).toEqual(labels);
      const found = await db
        .selectFrom('sample')
        .select('id')
        .where('label', '=', 'e\u0301 combining: a\u0308o\u0308')
        .execute();
      expect(found).toEqual([{ id: 'r2' }]);
      // VARCHAR sorts bytewise (by code point), as on the other backends.
      const sorted = await db.selectFrom('sample').select('label').orderBy('label').execute();
      expect(sorted.map((row) => row.label)).toEqual(
        [...labels].sort((a, b) => (Buffer.from(a) < Buffer.from(b) ? -1 : 1)),
      );
    });
  });

  it('round-trips Dates to the millisecond, before 1970 and far ahead', async () => {
    const dates = [
      new Date('1969-07-20T20:17:40.123Z'),
      new Date('1900-01-01T00:00:00.001Z'),
      new Date(-1),
      new Date(0),
      new Date('2024-02-29T23:59:59.999Z'),
      new Date('2999-12-31T23:59:59.999Z'),
    ];
    await withDb(async (db) => {
      await db
        .insertInto('sample')
        .values(dates.map((date, i) => ({ id: `d${i}`, at: duckdbTraits.encodeDate(date) })))
        .execute();
      const rows = await db.selectFrom('sample').select(['id', 'at']).orderBy('id').execute();
      for (const row of rows) expect(row.at).toBeInstanceOf(Date);
      expect(rows.map((row) => duckdbTraits.decodeDate(row.at).getTime())).toEqual(
        dates.map((date) => date.getTime()),
      );
      // Stored as the UTC wall time, and comparable with a bound Date.
      const text = await sql<{ s: string }>`
        select strftime("at", '%Y-%m-%d %H:%M:%S.%g') as s from sample where id = 'd0'`.execute(db);
      expect(text.rows).toEqual([{ s: '1969-07-20 20:17:40.123' }]);
      const before = await db
        .selectFrom('sample')
        .select('id')
        .where('at', '<', new Date(0))
        .orderBy('id')
        .execute();
      expect(before.map((row) => row.id)).toEqual(['d0', 'd1', 'd2']);
    });
  });

  it('rounds sub-millisecond timestamps down, also before 1970, and maps infinities', async () => {
    await withDb(async (db) => {
      const { rows } = await sql<{ a: Date; b: Date; c: Date }>`
        select '1969-12-31 23:59:59.9995'::timestamp as a,
          '1970-01-01 00:00:00.0005'::timestamp as b,
          '1969-12-31 23:59:59.9995+00'::timestamptz as c`.execute(db);
      expect(rows[0]?.a.getTime()).toBe(-1);
      expect(rows[0]?.b.getTime()).toBe(0);
      expect(rows[0]?.c.getTime()).toBe(-1);
      const { rows: infinite } = await sql<{ a: unknown; b: unknown }>`
        select 'infinity'::timestamp as a, '-infinity'::timestamptz as b`.execute(db);
      expect(infinite).toEqual([{ a: Number.POSITIVE_INFINITY, b: Number.NEGATIVE_INFINITY }]);
    });
  });

  it('round-trips extreme doubles and 64-bit integers', async () => {
    const doubles = [1e300, -1e-300, -1.5, 0.1 + 0.2, Number.MAX_VALUE, Number.MIN_VALUE];
    await withDb(async (db) => {
      await db
        .insertInto('sample')
        .values(doubles.map((x, i) => ({ id: `x${i}`, x })))
        .execute();
      const rows = await db.selectFrom('sample').select('x').orderBy('id').execute();
      expect(rows.map((row) => row.x)).toEqual(doubles);

      await db
        .insertInto('sample')
        .values([
          { id: 'b0', big: Number.MAX_SAFE_INTEGER, n: 2_147_483_647 },
          { id: 'b1', big: -Number.MAX_SAFE_INTEGER, n: -2_147_483_648 },
          { id: 'b2', big: 2n ** 62n, n: 0 },
        ])
        .execute();
      const big = await db
        .selectFrom('sample')
        .select(['big', 'n'])
        .where('id', 'like', 'b%')
        .orderBy('id')
        .execute();
      expect(big).toEqual([
        { big: Number.MAX_SAFE_INTEGER, n: 2_147_483_647 },
        { big: -Number.MAX_SAFE_INTEGER, n: -2_147_483_648 },
        { big: 2n ** 62n, n: 0 },
      ]);
      expect(typeof big[0]?.big).toBe('number');

      const { rows: sums } = await sql<{ total: unknown; count: unknown }>`
        select sum(n) as total, count(*) as count from sample where id like 'b%'`.execute(db);
      expect(sums).toEqual([{ total: -1, count: 3 }]);
    });
  });

  it('binds integers for LIMIT and OFFSET', async () => {
    await withDb(async (db) => {
      await db
        .insertInto('sample')
        .values(['a', 'b', 'c', 'd'].map((id) => ({ id })))
        .execute();
      const rows = await db
        .selectFrom('sample')
        .select('id')
        .orderBy('id')
        .limit(2)
        .offset(1)
        .execute();
      expect(rows).toEqual([{ id: 'b' }, { id: 'c' }]);
    });
  });

  it('round-trips nested JSON through the traits', async () => {
    const docs = [
      { a: [1, { b: null, c: 'ü 😀' }], d: true, e: -1.5e-7, f: {}, g: [] },
      ['x', 2, false, null, [[]]],
      'plain string',
      42,
      null,
    ];
    await withDb(async (db) => {
      await db
        .insertInto('sample')
        .values(docs.map((doc, i) => ({ id: `j${i}`, doc: duckdbTraits.encodeJson(doc) })))
        .execute();
      const rows = await db.selectFrom('sample').select('doc').orderBy('id').execute();
      for (const row of rows) expect(typeof row.doc).toBe('string');
      expect(rows.map((row) => duckdbTraits.decodeJson(row.doc))).toEqual(docs);
      // Stored as DuckDB JSON: the json functions see the structure.
      const { rows: probe } = await sql<{ kind: string; c: string }>`
        select json_type(doc) as kind, doc->'a'->1->>'c' as c from sample where id = 'j0'`.execute(
        db,
      );
      expect(probe).toEqual([{ kind: 'OBJECT', c: 'ü 😀' }]);
    });
  });

  it('rejects text that is not JSON in a JSON column', async () => {
    await withDb(async (db) => {
      const error = await rejection(
        db.insertInto('sample').values({ id: 'bad', doc: '{not json' }).execute(),
      );
      expect(String(error)).toMatch(/json/i);
    });
  });

  it('round-trips bytes, booleans and nulls', async () => {
    const big = new Uint8Array(70_000).map((_, i) => (i * 31) % 256);
    const blobs = [new Uint8Array([0, 1, 2, 254, 255, 0]), new Uint8Array(0), big];
    await withDb(async (db) => {
      await db
        .insertInto('sample')
        .values([
          ...blobs.map((bytes, i) => ({
            id: `y${i}`,
            bytes: duckdbTraits.encodeBytes(bytes),
            flag: i === 0,
          })),
          { id: 'y3', bytes: Buffer.from('buffer ✓'), flag: null },
          { id: 'y4' },
        ])
        .execute();
      const rows = await db.selectFrom('sample').selectAll().orderBy('id').execute();
      const decoded = rows.slice(0, 4).map((row) => duckdbTraits.decodeBytes(row.bytes));
      for (const bytes of decoded) expect(Object.getPrototypeOf(bytes)).toBe(Uint8Array.prototype);
      expect(decoded.slice(0, 3)).toEqual(blobs);
      expect(Buffer.from(decoded[3] ?? []).toString('utf8')).toBe('buffer ✓');
      expect(rows.map((row) => row.flag)).toEqual([true, false, false, null, null]);
      expect(rows[4]).toEqual({
        id: 'y4',
        label: null,
        n: null,
        big: null,
        x: null,
        at: null,
        doc: null,
        bytes: null,
        flag: null,
      });
    });
  });

  it('refuses to bind values it has no DuckDB type for', async () => {
    await withDb(async (db) => {
      const error = await rejection(sql`select ${{ a: 1 }} as v`.execute(db));
      expect(error).toBeInstanceOf(TypeError);
      expect(String(error)).toMatch(/parameter \$1.*object/);
      const invalid = await rejection(sql`select ${new Date(Number.NaN)} as v`.execute(db));
      expect(String(invalid)).toMatch(/invalid Date/);
    });
  });
});

describe('DuckDBDialect: writes and transactions', () => {
  it('inserts several rows at once and returns them with RETURNING', async () => {
    await withDb(async (db) => {
      const result = await db
        .insertInto('sample')
        .values([
          { id: 'a', n: 1 },
          { id: 'b', n: 2 },
          { id: 'c', n: 3 },
        ])
        .executeTakeFirstOrThrow();
      expect(result.numInsertedOrUpdatedRows).toBe(3n);
      const returned = await db
        .insertInto('sample')
        .values([
          { id: 'd', n: 4, x: 0.5 },
          { id: 'e', n: 5, x: -0.5 },
        ])
        .returning(['id', 'n', 'x'])
        .execute();
      expect(returned).toEqual([
        { id: 'd', n: 4, x: 0.5 },
        { id: 'e', n: 5, x: -0.5 },
      ]);
      const upserted = await db
        .insertInto('sample')
        .values({ id: 'a', n: 10 })
        .onConflict((oc) => oc.column('id').doUpdateSet({ n: (eb) => eb.ref('excluded.n') }))
        .returningAll()
        .executeTakeFirstOrThrow();
      expect(upserted).toMatchObject({ id: 'a', n: 10 });
      expect(await ids(db)).toEqual(['a', 'b', 'c', 'd', 'e']);
    });
  });

  it('reports the rows an UPDATE or DELETE affected', async () => {
    await withDb(async (db) => {
      await db
        .insertInto('sample')
        .values([1, 2, 3, 4].map((n) => ({ id: `u${n}`, n })))
        .execute();
      const updated = await db
        .updateTable('sample')
        .set({ label: 'big' })
        .where('n', '>=', 3)
        .executeTakeFirstOrThrow();
      expect(updated.numUpdatedRows).toBe(2n);
      const none = await db
        .updateTable('sample')
        .set({ label: 'x' })
        .where('id', '=', 'missing')
        .executeTakeFirstOrThrow();
      expect(none.numUpdatedRows).toBe(0n);
      const deleted = await db
        .deleteFrom('sample')
        .where('label', '=', 'big')
        .executeTakeFirstOrThrow();
      expect(deleted.numDeletedRows).toBe(2n);
      const returned = await db.deleteFrom('sample').where('n', '=', 1).returning('id').execute();
      expect(returned).toEqual([{ id: 'u1' }]);
      expect(await ids(db)).toEqual(['u2']);
    });
  });

  it('commits a transaction and rolls one back when its callback throws', async () => {
    await withDb(async (db) => {
      const value = await db.transaction().execute(async (trx) => {
        await trx.insertInto('sample').values({ id: 'kept' }).execute();
        return (await trx.selectFrom('sample').select('id').execute()).length;
      });
      expect(value).toBe(1);

      const error = await rejection(
        db.transaction().execute(async (trx) => {
          await trx.insertInto('sample').values({ id: 'dropped' }).execute();
          await trx.schema.createTable('dropped_table').addColumn('a', 'integer').execute();
          expect(await ids(trx)).toEqual(['dropped', 'kept']);
          throw new Error('boom');
        }),
      );
      expect(error).toEqual(new Error('boom'));
      expect(await ids(db)).toEqual(['kept']);
      const { rows } = await sql<{ c: number }>`
        select count(*) as c from information_schema.tables
        where table_name = 'dropped_table'`.execute(db);
      expect(rows).toEqual([{ c: 0 }]);
    });
  });

  it('rolls back everything when a statement inside the transaction fails', async () => {
    await withDb(async (db) => {
      await db.insertInto('sample').values({ id: 'dup' }).execute();
      const error = await rejection(
        db.transaction().execute(async (trx) => {
          await trx.insertInto('sample').values({ id: 'first' }).execute();
          await trx.insertInto('sample').values({ id: 'dup' }).execute();
        }),
      );
      expect(duckdbTraits.isUniqueViolation(error)).toBe(true);
      expect(await ids(db)).toEqual(['dup']);
    });
  });

  it('runs a read-only transaction and refuses isolation levels and savepoints', async () => {
    await withDb(async (db) => {
      const writeError = await rejection(
        db
          .transaction()
          .setAccessMode('read only')
          .execute((trx) => trx.insertInto('sample').values({ id: 'ro' }).execute()),
      );
      expect(String(writeError)).toMatch(/read-only/);
      const isolation = await rejection(
        db
          .transaction()
          .setIsolationLevel('serializable')
          .execute((trx) => trx.selectFrom('sample').selectAll().execute()),
      );
      expect(String(isolation)).toMatch(/isolation level/);
      const trx = await db.startTransaction().execute();
      const savepoint = await rejection(trx.savepoint('sp').execute());
      await trx.rollback().execute();
      expect(String(savepoint)).toMatch(/savepoint/);
      expect(await ids(db)).toEqual([]);
    });
  });

  it('serialises concurrent queries and transactions on its one connection', async () => {
    await withDb(async (db) => {
      const work = Array.from({ length: 20 }, async (_, i) => {
        if (i % 2 === 1) {
          const { rows } = await sql<{ v: number }>`select ${i} * 2 as v`.execute(db);
          return rows[0]?.v;
        }
        return db.transaction().execute(async (trx) => {
          await trx
            .insertInto('sample')
            .values({ id: `t${i}-a`, n: i })
            .execute();
          await new Promise((resolve) => setTimeout(resolve, 1));
          await trx
            .insertInto('sample')
            .values({ id: `t${i}-b`, n: i })
            .execute();
          const own = await trx
            .selectFrom('sample')
            .select('id')
            .where('id', 'like', `t${i}-%`)
            .execute();
          if (i === 4) throw new Error('rolled back on purpose');
          return own.length;
        });
      });
      const results = await Promise.allSettled(work);
      const values = results.map((result) =>
        result.status === 'fulfilled' ? result.value : String(result.reason),
      );
      expect(values).toEqual(
        Array.from({ length: 20 }, (_, i) => {
          if (i === 4) return 'Error: rolled back on purpose';
          return i % 2 === 1 ? i * 2 : 2;
        }),
      );
      const { rows } = await sql<{ c: number; s: number }>`
        select count(*) as c, sum(n) as s from sample`.execute(db);
      // Nine committed transactions (i = 0, 2, …, 18 except 4), two rows each.
      expect(rows).toEqual([{ c: 18, s: 2 * (0 + 2 + 6 + 8 + 10 + 12 + 14 + 16 + 18) }]);
    });
  });

  it('streams the rows of a query', async () => {
    await withDb(async (db) => {
      let count = 0;
      let last: unknown;
      for await (const row of db
        .selectFrom(sql<{ range: number }>`range(5000)`.as('r'))
        .selectAll()
        .stream()) {
        count += 1;
        last = row;
      }
      expect(count).toBe(5000);
      expect(last).toEqual({ range: 4999 });
    });
  });

  it('binds as many parameters as maxParameters allows in one statement', async () => {
    const perRow = 3;
    const count = Math.floor(duckdbTraits.maxParameters / perRow);
    await withDb(async (db) => {
      const rows = Array.from({ length: count }, (_, i) => ({ id: `p${i}`, n: i, x: i / 2 }));
      const result = await db.insertInto('sample').values(rows).executeTakeFirstOrThrow();
      expect(result.numInsertedOrUpdatedRows).toBe(BigInt(count));
      const { rows: summary } = await sql<{ c: number; s: number }>`
        select count(*) as c, sum(n) as s from sample`.execute(db);
      expect(summary).toEqual([{ c: count, s: (count * (count - 1)) / 2 }]);
    });
  });
});

describe('duckdbTraits.isUniqueViolation', () => {
  it('recognises duplicate primary and unique keys, and nothing else', async () => {
    await withDb(async (db) => {
      await db.schema.createIndex('sample_label').unique().on('sample').column('label').execute();
      const child = sql`
        create table child (id varchar references sample (id), v integer check (v > 0))`;
      await child.execute(db);
      await db.insertInto('sample').values({ id: 'a', label: 'one' }).execute();

      const primary = await rejection(db.insertInto('sample').values({ id: 'a' }).execute());
      expect(String(primary)).toMatch(/Duplicate key "id: a" violates primary key constraint/);
      const unique = await rejection(
        db.insertInto('sample').values({ id: 'b', label: 'one' }).execute(),
      );
      const batch = await rejection(
        db
          .insertInto('sample')
          .values([{ id: 'c' }, { id: 'c' }])
          .execute(),
      );
      for (const error of [primary, unique, batch]) {
        expect(duckdbTraits.isUniqueViolation(error)).toBe(true);
      }

      const notNull = await rejection(sql`insert into sample (id) values (null)`.execute(db));
      const foreign = await rejection(sql`insert into child values ('zz', 1)`.execute(db));
      const check = await rejection(sql`insert into child values ('a', -1)`.execute(db));
      const syntax = await rejection(sql`insert into nowhere values (1)`.execute(db));
      for (const error of [notNull, foreign, check, syntax]) {
        expect(error).toBeInstanceOf(Error);
        expect(duckdbTraits.isUniqueViolation(error)).toBe(false);
      }
      expect(duckdbTraits.isUniqueViolation('Constraint Error: Duplicate key')).toBe(false);
      expect(duckdbTraits.isUniqueViolation(undefined)).toBe(false);
    });
  });
});

describe('DuckDBDialect: lifecycle', () => {
  it('closes an instance it opened itself on destroy', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const db = new Kysely<TestDb>({
      dialect: new DuckDBDialect({ instance: async () => instance }),
    });
    await createSample(db);
    await db.destroy();
    await expect(instance.connect()).rejects.toThrow(/instance closed/);
    await expect(db.selectFrom('sample').selectAll().execute()).rejects.toThrow(/destroyed/);
  });

  it('leaves a caller-supplied instance open and usable on destroy', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    try {
      const db = new Kysely<TestDb>({ dialect: new DuckDBDialect({ instance }) });
      await createSample(db);
      await db.insertInto('sample').values({ id: 'survivor', n: 7 }).execute();
      await db.destroy();

      const connection = await instance.connect();
      const reader = await connection.runAndReadAll('select id, n from sample');
      expect(reader.getRowObjectsJS()).toEqual([{ id: 'survivor', n: 7 }]);
      connection.closeSync();

      const again = new Kysely<TestDb>({ dialect: new DuckDBDialect({ instance }) });
      expect(await ids(again)).toEqual(['survivor']);
      await again.destroy();
    } finally {
      instance.closeSync();
    }
  });

  it('persists a file-backed database across destroy and reopen', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'quantlab-duckdb-'));
    const path = join(dir, 'lab.duckdb');
    try {
      const when = new Date('2001-09-09T01:46:40.123Z');
      const first = new Kysely<TestDb>({ dialect: new DuckDBDialect({ path }) });
      await createSample(first);
      await first
        .insertInto('sample')
        .values({ id: 'p', label: 'persisted ✓', at: when, bytes: new Uint8Array([9, 8, 7]) })
        .execute();
      await first.destroy();

      const second = new Kysely<TestDb>({ dialect: new DuckDBDialect({ path }) });
      try {
        const row = await second
          .selectFrom('sample')
          .select(['id', 'label', 'at', 'bytes'])
          .executeTakeFirstOrThrow();
        expect(row).toEqual({
          id: 'p',
          label: 'persisted ✓',
          at: when,
          bytes: new Uint8Array([9, 8, 7]),
        });
      } finally {
        await second.destroy();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('DuckDBDialect: introspection', () => {
  it('lists the schema, the table and its columns', async () => {
    await withDb(async (db) => {
      await sql`create view sample_view as select id, n from sample`.execute(db);
      expect(await db.introspection.getSchemas()).toContainEqual({ name: 'main' });
      const tables = await db.introspection.getTables();
      expect(tables.map((table) => [table.name, table.isView, table.schema])).toEqual([
        ['sample', false, 'main'],
        ['sample_view', true, 'main'],
      ]);
      const sample = tables[0];
      expect(
        sample?.columns.map((column) => [column.name, column.dataType, column.isNullable]),
      ).toEqual([
        ['id', 'VARCHAR', false],
        ['label', 'VARCHAR', true],
        ['n', 'INTEGER', true],
        ['big', 'BIGINT', true],
        ['x', 'DOUBLE', true],
        ['at', 'TIMESTAMP', true],
        ['doc', 'JSON', true],
        ['bytes', 'BLOB', true],
        ['flag', 'BOOLEAN', true],
      ]);
      expect(sample?.columns.every((column) => !column.hasDefaultValue)).toBe(true);
      const { tables: meta } = await db.introspection.getMetadata();
      expect(meta.map((table) => table.name)).toEqual(['sample', 'sample_view']);
    });
  });

  it('reports defaults, sequences and comments, and hides Kysely tables unless asked', async () => {
    await withDb(async (db) => {
      await sql`create sequence counter`.execute(db);
      await sql`
        create table counted (
          id integer primary key default nextval('counter'),
          state varchar not null default 'new'
        )`.execute(db);
      await sql`comment on column counted.state is 'lifecycle'`.execute(db);
      await sql`create table kysely_migration (name varchar)`.execute(db);

      const tables = await db.introspection.getTables();
      expect(tables.map((table) => table.name)).toEqual(['counted', 'sample']);
      expect(tables[0]?.columns).toEqual([
        {
          name: 'id',
          dataType: 'INTEGER',
          isNullable: false,
          hasDefaultValue: true,
          isAutoIncrementing: true,
        },
        {
          name: 'state',
          dataType: 'VARCHAR',
          isNullable: false,
          hasDefaultValue: true,
          isAutoIncrementing: false,
          comment: 'lifecycle',
        },
      ]);
      const all = await db.introspection.getTables({ withInternalKyselyTables: true });
      expect(all.map((table) => table.name)).toEqual(['counted', 'kysely_migration', 'sample']);
    });
  });
});
