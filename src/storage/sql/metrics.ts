import { type Expression, sql } from 'kysely';
import type { MetricStore } from '../backend.js';
import { checkMetrics } from '../validate.js';
import { atomically, chunkRows, type SqlContext } from './context.js';
import { metricToRow, rowToMetric } from './rows.js';
import { decodeNumber } from './traits.js';

const METRIC_COLUMNS = 5;

/** @internal */
export function sqlMetricStore(ctx: SqlContext): MetricStore {
  const { db, traits: t, guard } = ctx;
  const table = 'quantlab_metrics' as const;
  return {
    append: (records) =>
      guard.run('metrics.append', async () => {
        checkMetrics(records);
        if (records.length === 0) return;
        const rows = records.map((r) => metricToRow(t, r));
        // The dialect's bulk path (DuckDB: its appender) is all or nothing on its own.
        if (t.appendMetricRows) return t.appendMetricRows(db, rows);
        const chunks = chunkRows(rows, METRIC_COLUMNS, t.maxParameters);
        if (chunks.length === 1) {
          await db.insertInto(table).values(rows).execute();
          return;
        }
        await atomically(ctx, async (trx) => {
          for (const chunk of chunks) await trx.insertInto(table).values(chunk).execute();
        });
      }),

    list: (experimentId, query = {}) =>
      guard.run('metrics.list', async () => {
        let q = db.selectFrom(table).selectAll().where('experiment_id', '=', experimentId);
        if (query.names !== undefined) {
          if (query.names.length === 0) return [];
          q = q.where('name', 'in', query.names);
        }
        if (query.from) q = q.where('at', '>=', t.encodeDate(query.from));
        if (query.to) q = q.where('at', '<', t.encodeDate(query.to));
        const rows = await q.orderBy('name').orderBy('step').orderBy('at').execute();
        return rows.map((row) => rowToMetric(t, row));
      }),

    aggregate: (experimentId) =>
      guard.run('metrics.aggregate', async () => {
        const sumType = t.overflowSafeSumType;
        const wide = (value: Expression<number>): Expression<number> =>
          sumType === undefined
            ? value
            : sql<number>`cast(cast(${value} as text) as ${sql.raw(sumType)})`;
        const ranked = db
          .selectFrom(table)
          .select(['name', 'value', 'step', 'at'])
          .select((eb) =>
            eb.fn
              .agg<number>('row_number')
              .over((over) =>
                over.partitionBy('name').orderBy('step', 'desc').orderBy('at', 'desc'),
              )
              .as('rn'),
          )
          .where('experiment_id', '=', experimentId);
        const rows = await db
          .selectFrom(ranked.as('r'))
          .select((eb) => {
            const latest = <C extends 'r.value' | 'r.step' | 'r.at'>(column: C) =>
              eb.fn.max(eb.case().when('r.rn', '=', 1).then(eb.ref(column)).end());
            return [
              'r.name',
              eb.fn.countAll().as('count'),
              eb.fn.sum(wide(eb.ref('r.value'))).as('sum'),
              eb.fn
                .sum(eb(wide(eb.ref('r.value')), '*', wide(eb.ref('r.value'))))
                .as('sum_of_squares'),
              eb.fn.min('r.value').as('min'),
              eb.fn.max('r.value').as('max'),
              latest('r.value').as('latest'),
              latest('r.step').as('latest_step'),
              latest('r.at').as('latest_at'),
            ];
          })
          .groupBy('r.name')
          .orderBy('r.name')
          .execute();
        return rows.map((row) => ({
          name: row.name,
          count: decodeNumber(row.count),
          sum: decodeNumber(row.sum),
          sumOfSquares: decodeNumber(row.sum_of_squares),
          min: decodeNumber(row.min),
          max: decodeNumber(row.max),
          latest: decodeNumber(row.latest),
          latestStep: decodeNumber(row.latest_step),
          latestAt: t.decodeDate(row.latest_at),
        }));
      }),
  };
}
