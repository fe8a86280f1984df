import { describe, expect, it } from 'vitest';
import { ConflictError, ValidationError } from '../../errors.js';
import type { StorageBackend } from '../../storage/backend.js';
import type { ExperimentRecord } from '../../storage/records.js';
import {
  artifact,
  DATE_SAMPLES,
  experiment,
  log,
  metric,
  NESTED_JSON,
  T0,
  UNICODE_SAMPLES,
} from '../fixtures.js';

/** Round-trips of every column type, and the value rules. @internal */
export function recordCases(backend: () => StorageBackend): void {
  describe('experiments round-trip', () => {
    it('stores and returns a record unchanged', async () => {
      const record = experiment({
        description: 'a description',
        tags: ['a', 'b'],
        parentId: 'parent-1',
        gitCommit: 'abc123',
        provenance: { node: 'v20', dirty: false },
        metadata: NESTED_JSON,
        startedAt: DATE_SAMPLES[2] as Date,
        error: 'boom',
        errorCount: 3,
      });
      await backend().experiments.insert(record);
      expect(await backend().experiments.get(record.id)).toEqual(record);
    });

    it.each(UNICODE_SAMPLES)('keeps text %j exactly', async (text) => {
      const record = experiment({ name: text, description: text, strategy: text, tags: [text] });
      await backend().experiments.insert(record);
      const got = await backend().experiments.get(record.id);
      expect(got?.name).toBe(text);
      expect(got?.description).toBe(text);
      expect(got?.tags).toEqual([text]);
    });

    it('keeps nested JSON with large, negative and tiny numbers', async () => {
      const record = experiment({ config: NESTED_JSON });
      await backend().experiments.insert(record);
      expect((await backend().experiments.get(record.id))?.config).toEqual(NESTED_JSON);
    });

    it.each(DATE_SAMPLES.map((d) => [d.toISOString(), d] as const))(
      'keeps the date %s to the millisecond',
      async (_, date) => {
        const record = experiment({ createdAt: date, updatedAt: date, completedAt: date });
        await backend().experiments.insert(record);
        const got = await backend().experiments.get(record.id);
        expect(got?.createdAt.getTime()).toBe(date.getTime());
        expect(got?.completedAt?.getTime()).toBe(date.getTime());
      },
    );

    it('keeps the extremes of integer columns', async () => {
      const record = experiment({ priority: 2 ** 31 - 1, errorCount: -(2 ** 31) });
      await backend().experiments.insert(record);
      const got = await backend().experiments.get(record.id);
      expect(got?.priority).toBe(2 ** 31 - 1);
      expect(got?.errorCount).toBe(-(2 ** 31));
    });

    it('returns undefined for an unknown id', async () => {
      expect(await backend().experiments.get('missing')).toBeUndefined();
    });

    it('refuses a duplicate id with ConflictError and keeps the first', async () => {
      const record = experiment();
      await backend().experiments.insert(record);
      await expect(
        backend().experiments.insert({ ...record, name: 'second' }),
      ).rejects.toBeInstanceOf(ConflictError);
      expect((await backend().experiments.get(record.id))?.name).toBe(record.name);
    });

    it('is not changed by mutating what was passed in or returned', async () => {
      const record = experiment({ tags: ['x'], config: { a: { b: 1 } } });
      await backend().experiments.insert(record);
      record.tags.push('mutated');
      (record.config.a as { b: number }).b = 2;
      const got = (await backend().experiments.get(record.id)) as ExperimentRecord;
      got.tags.push('again');
      const again = await backend().experiments.get(record.id);
      expect(again?.tags).toEqual(['x']);
      expect(again?.config).toEqual({ a: { b: 1 } });
    });
  });

  describe('value rules: refused, never silently changed', () => {
    const bad: Array<[string, Partial<ExperimentRecord>]> = [
      ['NaN in JSON', { config: { x: Number.NaN } }],
      ['Infinity in JSON', { metadata: { deep: [1, Number.POSITIVE_INFINITY] } }],
      ['a Date inside JSON', { config: { when: new Date() as never } }],
      ['a bigint inside JSON', { config: { n: 1n as never } }],
      ['undefined inside a JSON array', { config: { list: [1, undefined as never] } }],
      ['a NUL character in text', { name: 'a\u0000b' }],
      ['a NUL character in a JSON key', { config: { 'a\u0000': 1 } }],
      ['an invalid Date', { createdAt: new Date(Number.NaN) }],
      ['a fractional priority', { priority: 1.5 }],
      ['a priority beyond 32 bits', { priority: 2 ** 31 }],
      ['a non-array tags value', { tags: 'a' as never }],
    ];
    it.each(bad)('refuses %s with ValidationError', async (_, overrides) => {
      const record = experiment(overrides);
      const error = await backend()
        .experiments.insert(record)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field).toMatch(/^experiment\./);
      expect(await backend().experiments.get(record.id)).toBeUndefined();
    });

    it('refuses a cyclic JSON value', async () => {
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      const record = experiment({ metadata: cyclic as never });
      await expect(backend().experiments.insert(record)).rejects.toBeInstanceOf(ValidationError);
    });

    it('drops an undefined object property, as JSON does', async () => {
      const record = experiment({ metadata: { kept: 1, dropped: undefined as never } });
      await backend().experiments.insert(record);
      expect((await backend().experiments.get(record.id))?.metadata).toStrictEqual({ kept: 1 });
    });

    it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
      'refuses a whole metric batch containing %d',
      async (value) => {
        const exp = experiment();
        const batch = [
          metric(exp.id, { step: 0 }),
          metric(exp.id, { step: 1, value }),
          metric(exp.id, { step: 2 }),
        ];
        const error = await backend()
          .metrics.append(batch)
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ValidationError);
        expect((error as ValidationError).field).toBe('metrics[1].value');
        expect(await backend().metrics.list(exp.id)).toEqual([]);
      },
    );
  });

  describe('experiments update and list', () => {
    it('applies a patch and returns the updated record', async () => {
      const record = experiment();
      await backend().experiments.insert(record);
      const later = new Date(T0.getTime() + 1000);
      const updated = await backend().experiments.update(record.id, {
        status: 'running',
        startedAt: later,
        updatedAt: later,
        metadata: { note: 'ß' },
      });
      expect(updated).toEqual({
        ...record,
        status: 'running',
        startedAt: later,
        updatedAt: later,
        metadata: { note: 'ß' },
      });
      expect(await backend().experiments.get(record.id)).toEqual(updated);
    });

    it('clears a nullable column with null', async () => {
      const record = experiment({ error: 'x', startedAt: T0 });
      await backend().experiments.insert(record);
      const updated = await backend().experiments.update(record.id, {
        error: null,
        startedAt: null,
      });
      expect(updated?.error).toBeNull();
      expect(updated?.startedAt).toBeNull();
    });

    it('updates only when the status is one of expectStatus', async () => {
      const record = experiment({ status: 'queued' });
      await backend().experiments.insert(record);
      expect(
        await backend().experiments.update(
          record.id,
          { status: 'running' },
          { expectStatus: ['created'] },
        ),
      ).toBeUndefined();
      expect((await backend().experiments.get(record.id))?.status).toBe('queued');
      const moved = await backend().experiments.update(
        record.id,
        { status: 'running' },
        { expectStatus: ['created', 'queued'] },
      );
      expect(moved?.status).toBe('running');
    });

    it('returns undefined when updating an unknown id', async () => {
      expect(await backend().experiments.update('missing', { status: 'running' })).toBeUndefined();
    });

    it('refuses to change id or createdAt', async () => {
      const record = experiment();
      await backend().experiments.insert(record);
      await expect(
        backend().experiments.update(record.id, { id: 'other' } as never),
      ).rejects.toBeInstanceOf(ValidationError);
    });

    it('lists newest first and filters by every field', async () => {
      const at = (s: number) => new Date(T0.getTime() + s * 1000);
      const a = experiment({
        createdAt: at(1),
        status: 'queued',
        strategy: 'mean-reversion',
        parentId: 'p',
      });
      const b = experiment({
        createdAt: at(2),
        status: 'running',
        type: 'model_training',
        configHash: 'b'.repeat(64),
      });
      const c = experiment({ createdAt: at(3), status: 'queued' });
      for (const r of [a, b, c]) await backend().experiments.insert(r);
      const ids = (rs: ExperimentRecord[]) => rs.map((r) => r.id);
      expect(ids(await backend().experiments.list())).toEqual([c.id, b.id, a.id]);
      expect(ids(await backend().experiments.list({ status: ['queued'] }))).toEqual([c.id, a.id]);
      expect(ids(await backend().experiments.list({ status: [] }))).toEqual([]);
      expect(ids(await backend().experiments.list({ type: 'model_training' }))).toEqual([b.id]);
      expect(ids(await backend().experiments.list({ strategy: 'mean-reversion' }))).toEqual([a.id]);
      expect(ids(await backend().experiments.list({ configHash: 'b'.repeat(64) }))).toEqual([b.id]);
      expect(ids(await backend().experiments.list({ parentId: 'p' }))).toEqual([a.id]);
      expect(
        ids(await backend().experiments.list({ createdFrom: at(2), createdTo: at(3) })),
      ).toEqual([b.id]);
      expect(ids(await backend().experiments.list({ limit: 2 }))).toEqual([c.id, b.id]);
    });
  });

  describe('experiments list: name, completion, auto-cleanup, resources, order and pages', () => {
    const time = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
    const idsOf = (rs: readonly ExperimentRecord[]) => rs.map((r) => r.id);
    const demand = (cpuCores: number, memoryGb: number, gpuUnits: number, diskGb: number) => ({
      cpuCores,
      memoryGb,
      gpuUnits,
      diskGb,
    });
    /** Code point order (the byte order of UTF-8), the order every backend sorts text in. */
    const byCodePoint = (a: string, b: string) =>
      Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
    const oldestFirst = (a: ExperimentRecord, b: ExperimentRecord) =>
      a.createdAt.getTime() - b.createdAt.getTime() || byCodePoint(a.id, b.id);

    it('filters by exact name: case, accents and normalization count', async () => {
      const names = [
        'momentum backtest',
        'Momentum backtest',
        'MOMENTUM BACKTEST',
        'momentum backtest ',
        'café 🚀 モメンタム',
        'cafe\u0301 🚀 モメンタム',
      ];
      const records = names.map((name, i) => experiment({ name, createdAt: time(i) }));
      for (const r of records) await backend().experiments.insert(r);
      for (const r of records) {
        expect(idsOf(await backend().experiments.list({ name: r.name }))).toEqual([r.id]);
      }
      const twin = experiment({ name: 'café 🚀 モメンタム', createdAt: time(10) });
      await backend().experiments.insert(twin);
      expect(
        idsOf(await backend().experiments.list({ name: 'café 🚀 モメンタム', order: 'oldest' })),
      ).toEqual([records[4]?.id, twin.id]);
      expect(await backend().experiments.list({ name: 'momentum' })).toEqual([]);
      expect(await backend().experiments.list({ name: '' })).toEqual([]);
    });

    it('filters by completion strictly before an instant, leaving out the never completed', async () => {
      const one = experiment({ completedAt: time(1), createdAt: time(1) });
      const two = experiment({ completedAt: time(2), createdAt: time(2) });
      const three = experiment({ completedAt: time(3), createdAt: time(3) });
      const never = experiment({ completedAt: null, createdAt: time(4) });
      for (const r of [one, two, three, never]) await backend().experiments.insert(r);
      const completedBefore = async (instant: Date) =>
        idsOf(await backend().experiments.list({ completedBefore: instant, order: 'oldest' }));
      expect(await completedBefore(time(2))).toEqual([one.id]);
      expect(await completedBefore(new Date(time(2).getTime() + 1))).toEqual([one.id, two.id]);
      expect(await completedBefore(time(1))).toEqual([]);
      expect(await completedBefore(new Date('2999-12-31T23:59:59.999Z'))).toEqual([
        one.id,
        two.id,
        three.id,
      ]);
      expect(
        idsOf(await backend().experiments.list({ completedBefore: time(3), status: ['created'] })),
      ).toEqual([two.id, one.id]);
    });

    it('filters by the auto-cleanup flag', async () => {
      const on = experiment({ autoCleanup: true, createdAt: time(1) });
      const off = experiment({ autoCleanup: false, createdAt: time(2) });
      const on2 = experiment({ autoCleanup: true, createdAt: time(3) });
      for (const r of [on, off, on2]) await backend().experiments.insert(r);
      expect(idsOf(await backend().experiments.list({ autoCleanup: true }))).toEqual([
        on2.id,
        on.id,
      ]);
      expect(idsOf(await backend().experiments.list({ autoCleanup: false }))).toEqual([off.id]);
      await backend().experiments.update(off.id, { autoCleanup: true });
      expect(await backend().experiments.list({ autoCleanup: false })).toEqual([]);
      expect(idsOf(await backend().experiments.list({}))).toEqual([on2.id, off.id, on.id]);
    });

    it('filters by resource demand within given capacities, boundaries included', async () => {
      const zero = experiment({ resources: demand(0, 0, 0, 0), createdAt: time(1) });
      const small = experiment({ resources: demand(1, 0.25, 0, 10), createdAt: time(2) });
      const big = experiment({ resources: demand(4, 16, 1, 100), createdAt: time(3) });
      const gpu = experiment({ resources: demand(0, 0, 2, 0), createdAt: time(4) });
      const odd = experiment({ resources: demand(0.1 + 0.2, 1e-9, 0, 1e300), createdAt: time(5) });
      for (const r of [zero, small, big, gpu, odd]) await backend().experiments.insert(r);
      const fits = async (capacity: Parameters<typeof demand> | Record<string, number>) =>
        idsOf(
          await backend().experiments.list({
            fitsWithin: Array.isArray(capacity) ? demand(...capacity) : capacity,
            order: 'oldest',
          }),
        );
      expect(await fits({ cpuCores: 1 })).toEqual([zero.id, small.id, gpu.id, odd.id]);
      expect(await fits({ cpuCores: 0.999 })).toEqual([zero.id, gpu.id, odd.id]);
      expect(await fits({ cpuCores: 0.3 })).toEqual([zero.id, gpu.id]);
      expect(await fits({ cpuCores: 0.1 + 0.2 })).toEqual([zero.id, gpu.id, odd.id]);
      expect(await fits({ memoryGb: 0.25 })).toEqual([zero.id, small.id, gpu.id, odd.id]);
      expect(await fits({ memoryGb: 0 })).toEqual([zero.id, gpu.id]);
      expect(await fits({ gpuUnits: 0 })).toEqual([zero.id, small.id, odd.id]);
      expect(await fits({ gpuUnits: 1 })).toEqual([zero.id, small.id, big.id, odd.id]);
      expect(await fits({ diskGb: 100 })).toEqual([zero.id, small.id, big.id, gpu.id]);
      expect(await fits({ diskGb: 1e300 })).toEqual([zero.id, small.id, big.id, gpu.id, odd.id]);
      expect(await fits([4, 16, 1, 100])).toEqual([zero.id, small.id, big.id]);
      expect(await fits([4, 16, 2, 99.5])).toEqual([zero.id, small.id, gpu.id]);
      expect(await fits({ cpuCores: 1, gpuUnits: 0 })).toEqual([zero.id, small.id, odd.id]);
      expect(await fits([0, 0, 0, 0])).toEqual([zero.id]);
      expect(await fits([-1, 0, 0, 0])).toEqual([]);
      expect(await fits({})).toEqual([zero.id, small.id, big.id, gpu.id, odd.id]);
      expect(
        idsOf(
          await backend().experiments.list({
            fitsWithin: { cpuCores: 1 },
            autoCleanup: true,
            name: zero.name,
            limit: 2,
            order: 'oldest',
          }),
        ),
      ).toEqual([zero.id, small.id]);
    });

    it('lists oldest first: created_at, then id ascending', async () => {
      const records = [3, 1, 2, 1, 3].map((s, i) =>
        experiment({ id: `tie-${['b', 'a', 'c', 'é', 'B'][i]}`, createdAt: time(s) }),
      );
      for (const r of records) await backend().experiments.insert(r);
      expect(idsOf(await backend().experiments.list({ order: 'oldest' }))).toEqual([
        'tie-a',
        'tie-é',
        'tie-c',
        'tie-B',
        'tie-b',
      ]);
      expect(idsOf(await backend().experiments.list({}))).toEqual([
        'tie-b',
        'tie-B',
        'tie-c',
        'tie-é',
        'tie-a',
      ]);
    });

    it.each(['newest', 'oldest'] as const)(
      'pages %s first through 25 rows with tied created_at, 10 at a time',
      async (order) => {
        // Ids whose code point order differs from UTF-16 order and from numeric order.
        const suffixes = ['\uff5a', '😀', 'Z', 'z', 'é', '10', '2', '1'];
        const records = Array.from({ length: 25 }, (_, i) =>
          experiment({
            id: `page-${suffixes[i % suffixes.length]}-${(i * 7) % 25}`,
            name: 'paged',
            createdAt: time(Math.floor(i / 4)),
          }),
        );
        // Rows of another name interleaved in time, which the name filter must skip.
        const others = [0, 2, 4, 6].map((s) => experiment({ name: 'other', createdAt: time(s) }));
        for (const r of [...records.slice(13), ...others, ...records.slice(0, 13)]) {
          await backend().experiments.insert(r);
        }
        const ascending = idsOf([...records].sort(oldestFirst));
        const expected = order === 'oldest' ? ascending : [...ascending].reverse();
        expect(idsOf(await backend().experiments.list({ name: 'paged', order }))).toEqual(expected);

        const pages: string[][] = [];
        let page = await backend().experiments.list({ name: 'paged', order, limit: 10 });
        while (page.length > 0) {
          pages.push(idsOf(page));
          const last = page.at(-1) as ExperimentRecord;
          page = await backend().experiments.list({
            name: 'paged',
            order,
            limit: 10,
            after: { createdAt: last.createdAt, id: last.id },
          });
        }
        expect(pages.map((p) => p.length)).toEqual([10, 10, 5]);
        expect(pages.flat()).toEqual(expected);
        expect(new Set(pages.flat()).size).toBe(25);
      },
    );

    it('continues after a cursor that is not a stored row, in both directions', async () => {
      const records = ['a', 'c', 'e'].map((id) => experiment({ id, createdAt: time(1) }));
      const early = experiment({ id: 'z', createdAt: time(0) });
      const late = experiment({ id: 'y', createdAt: time(2) });
      for (const r of [...records, early, late]) await backend().experiments.insert(r);
      const after = { createdAt: time(1), id: 'b' };
      expect(idsOf(await backend().experiments.list({ order: 'oldest', after }))).toEqual([
        'c',
        'e',
        'y',
      ]);
      expect(idsOf(await backend().experiments.list({ order: 'newest', after }))).toEqual([
        'a',
        'z',
      ]);
    });

    it('ignores the cursor in queue order', async () => {
      const records = [3, 7, 5].map((priority, i) =>
        experiment({ status: 'queued', priority, queuedAt: time(i), createdAt: time(i) }),
      );
      for (const r of records) await backend().experiments.insert(r);
      const expected = idsOf([records[1], records[2], records[0]] as ExperimentRecord[]);
      const first = records[0] as ExperimentRecord;
      for (const after of [
        { createdAt: new Date(0), id: '' },
        { createdAt: first.createdAt, id: first.id },
        { createdAt: new Date('2999-01-01T00:00:00.000Z'), id: '\uffff' },
      ]) {
        expect(idsOf(await backend().experiments.list({ order: 'queue', after }))).toEqual(
          expected,
        );
      }
      expect(
        await backend().experiments.list({ order: 'newest', after: { createdAt: T0, id: '' } }),
      ).toEqual([]);
    });

    const badQueries: Array<[string, Record<string, unknown>, string]> = [
      ['a NaN capacity', { fitsWithin: { cpuCores: Number.NaN } }, 'query.fitsWithin.cpuCores'],
      [
        'an infinite capacity',
        { fitsWithin: { diskGb: Number.POSITIVE_INFINITY } },
        'query.fitsWithin.diskGb',
      ],
      ['a string capacity', { fitsWithin: { gpuUnits: '1' } }, 'query.fitsWithin.gpuUnits'],
      ['an unknown resource', { fitsWithin: { cpu: 1 } }, 'query.fitsWithin.cpu'],
      [
        'an invalid completedBefore',
        { completedBefore: new Date(Number.NaN) },
        'query.completedBefore',
      ],
      ['a non-boolean autoCleanup', { autoCleanup: 1 }, 'query.autoCleanup'],
      ['a non-string name', { name: 42 }, 'query.name'],
      ['a NUL in the name', { name: 'a\u0000' }, 'query.name'],
      ['an unknown order', { order: 'random' }, 'query.order'],
      ['a cursor without a date', { after: { id: 'x' } }, 'query.after.createdAt'],
      ['a negative limit', { limit: -1 }, 'query.limit'],
    ];
    it.each(badQueries)('refuses %s with ValidationError', async (_, query, field) => {
      await backend().experiments.insert(experiment());
      const error = await backend()
        .experiments.list(query as never)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field).toBe(field);
    });
  });

  describe('metrics', () => {
    it('round-trips large, negative and tiny values and 53-bit steps', async () => {
      const exp = experiment();
      const values = [0, -1, 1e300, -1e300, 5e-324, -123456.789, 0.1 + 0.2];
      const rows = values.map((value, i) =>
        metric(exp.id, { step: i, value, at: DATE_SAMPLES[i % 4] as Date }),
      );
      rows.push(metric(exp.id, { step: Number.MAX_SAFE_INTEGER, value: 7 }));
      await backend().metrics.append(rows);
      expect(await backend().metrics.list(exp.id)).toEqual(rows);
    });

    it('lists by name, step and time with name and time filters', async () => {
      const exp = experiment();
      const at = (s: number) => new Date(T0.getTime() + s * 1000);
      await backend().metrics.append([
        metric(exp.id, { name: 'sharpe', step: 1, value: 1, at: at(1) }),
        metric(exp.id, { name: 'pnl', step: 2, value: 2, at: at(2) }),
        metric(exp.id, { name: 'pnl', step: 1, value: 3, at: at(3) }),
        metric('other', { name: 'pnl', step: 1, value: 4, at: at(1) }),
      ]);
      const list = await backend().metrics.list(exp.id);
      expect(list.map((m) => [m.name, m.step])).toEqual([
        ['pnl', 1],
        ['pnl', 2],
        ['sharpe', 1],
      ]);
      expect(
        (await backend().metrics.list(exp.id, { names: ['sharpe'] })).map((m) => m.value),
      ).toEqual([1]);
      expect(
        (await backend().metrics.list(exp.id, { from: at(2), to: at(3) })).map((m) => m.value),
      ).toEqual([2]);
      expect(await backend().metrics.list(exp.id, { names: [] })).toEqual([]);
    });

    it('aggregates count, sum, sum of squares, min, max and latest per name', async () => {
      const exp = experiment();
      const at = (s: number) => new Date(T0.getTime() + s * 1000);
      const values = [3, -1.5, 10, 2.25];
      await backend().metrics.append(
        values.map((value, step) => metric(exp.id, { name: 'pnl', step, value, at: at(step) })),
      );
      await backend().metrics.append([
        metric(exp.id, { name: 'dd', step: 5, value: 0.1, at: at(1) }),
        metric(exp.id, { name: 'dd', step: 5, value: 0.3, at: at(2) }),
        metric(exp.id, { name: 'dd', step: 4, value: 0.9, at: at(9) }),
      ]);
      const [dd, pnl] = await backend().metrics.aggregate(exp.id);
      expect(pnl?.name).toBe('pnl');
      expect(pnl?.count).toBe(4);
      expect(pnl?.sum).toBeCloseTo(13.75, 12);
      expect(pnl?.sumOfSquares).toBeCloseTo(9 + 2.25 + 100 + 5.0625, 10);
      expect(pnl?.min).toBe(-1.5);
      expect(pnl?.max).toBe(10);
      expect(pnl?.latest).toBe(2.25);
      expect(pnl?.latestStep).toBe(3);
      expect(pnl?.latestAt.getTime()).toBe(at(3).getTime());
      // Highest step wins; among equal steps, the latest time.
      expect(dd).toMatchObject({ name: 'dd', count: 3, latest: 0.3, latestStep: 5 });
      expect(await backend().metrics.aggregate('nothing')).toEqual([]);
    });

    it('appends a batch larger than one statement can carry', async () => {
      const exp = experiment();
      const rows = Array.from({ length: 20_000 }, (_, step) =>
        metric(exp.id, { step, value: step / 7 }),
      );
      await backend().metrics.append(rows);
      const [agg] = await backend().metrics.aggregate(exp.id);
      expect(agg?.count).toBe(20_000);
      expect(agg?.latestStep).toBe(19_999);
    });
  });

  describe('logs', () => {
    it('round-trips levels, unicode messages and JSON context in time order', async () => {
      const exp = experiment();
      const rows = [
        log(exp.id, {
          level: 'error',
          message: 'ошибка 🚨',
          context: NESTED_JSON,
          at: DATE_SAMPLES[3] as Date,
        }),
        log(exp.id, { level: 'debug', message: '', at: DATE_SAMPLES[0] as Date }),
        log(exp.id, { level: 'warn', at: DATE_SAMPLES[2] as Date }),
      ];
      await backend().logs.append(rows);
      expect(await backend().logs.list(exp.id)).toEqual([rows[1], rows[2], rows[0]]);
      expect(await backend().logs.list(exp.id, { limit: 1 })).toEqual([rows[1]]);
    });

    it('refuses an unknown level and a duplicate id, writing none of the batch', async () => {
      const exp = experiment();
      await expect(
        backend().logs.append([log(exp.id), log(exp.id, { level: 'fatal' as never })]),
      ).rejects.toBeInstanceOf(ValidationError);
      const first = log(exp.id);
      await backend().logs.append([first]);
      await expect(backend().logs.append([log(exp.id), { ...first }])).rejects.toBeInstanceOf(
        ConflictError,
      );
      expect(await backend().logs.list(exp.id)).toEqual([first]);
    });
  });

  describe('artifacts', () => {
    it('round-trips every byte value, and metadata without bytes through head()', async () => {
      const bytes = new Uint8Array(512).map((_, i) => i % 256);
      const record = artifact(bytes, {
        name: 'modèle.onnx',
        metadata: { framework: 'onnx', shape: [1, 3] },
      });
      expect(await backend().artifacts.put(record)).toEqual({ created: true });
      const got = await backend().artifacts.get(record.id);
      expect(got).toEqual(record);
      expect(got?.bytes).toBeInstanceOf(Uint8Array);
      const { bytes: _bytes, ...head } = record;
      expect(await backend().artifacts.head(record.id)).toEqual(head);
    });

    it('stores the same id once', async () => {
      const record = artifact(new Uint8Array([1, 2, 3]));
      expect(await backend().artifacts.put(record)).toEqual({ created: true });
      expect(await backend().artifacts.put({ ...record, name: 'again' })).toEqual({
        created: false,
      });
      expect((await backend().artifacts.head(record.id))?.name).toBeNull();
    });

    it('round-trips empty and 1 MiB payloads', async () => {
      const empty = artifact(new Uint8Array(0));
      const big = artifact(new Uint8Array(1 << 20).map((_, i) => (i * 31) % 251));
      await backend().artifacts.put(empty);
      await backend().artifacts.put(big);
      expect((await backend().artifacts.get(empty.id))?.bytes.byteLength).toBe(0);
      expect((await backend().artifacts.get(big.id))?.bytes).toEqual(big.bytes);
      expect(await backend().artifacts.get('missing')).toBeUndefined();
      expect(await backend().artifacts.head('missing')).toBeUndefined();
    });

    it('refuses a size that does not match the bytes', async () => {
      const record = artifact(new Uint8Array([1, 2]), { size: 3 });
      await expect(backend().artifacts.put(record)).rejects.toBeInstanceOf(ValidationError);
      expect(await backend().artifacts.head(record.id)).toBeUndefined();
    });
  });
}
