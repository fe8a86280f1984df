import type { LogStore } from '../backend.js';
import { checkLogs } from '../validate.js';
import { atomically, chunkRows, type SqlContext } from './context.js';
import { logToRow, rowToLog } from './rows.js';

const LOG_COLUMNS = 6;

/** @internal */
export function sqlLogStore(ctx: SqlContext): LogStore {
  const { db, traits: t, guard } = ctx;
  const table = 'quantlab_logs' as const;
  return {
    append: (records) =>
      guard.run(
        'logs.append',
        async () => {
          checkLogs(records);
          if (records.length === 0) return;
          const chunks = chunkRows(
            records.map((r) => logToRow(t, r)),
            LOG_COLUMNS,
            t.maxParameters,
          );
          await atomically(ctx, async (trx) => {
            for (const chunk of chunks) await trx.insertInto(table).values(chunk).execute();
          });
        },
        { entity: 'log entry' },
      ),

    list: (experimentId, options = {}) =>
      guard.run('logs.list', async () => {
        let q = db
          .selectFrom(table)
          .selectAll()
          .where('experiment_id', '=', experimentId)
          .orderBy('at')
          .orderBy('id');
        if (options.limit !== undefined) q = q.limit(options.limit);
        return (await q.execute()).map((row) => rowToLog(t, row));
      }),
  };
}
