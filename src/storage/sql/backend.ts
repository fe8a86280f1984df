import type { Kysely } from 'kysely';
import { BackendError } from '../../errors.js';
import type {
  BackendCapabilities,
  BackendInfo,
  StorageBackend,
  StorageOperations,
} from '../backend.js';
import { checkLockName, OperationGuard } from '../guard.js';
import { migrations, runMigrations } from '../migrations/index.js';
import { sqlAbTestStore } from './ab-tests.js';
import { sqlArtifactStore } from './artifacts.js';
import type { SqlContext } from './context.js';
import { sqlDriftStore } from './drift.js';
import { sqlExperimentStore } from './experiments.js';
import { sqlLogStore } from './logs.js';
import { sqlMetricStore } from './metrics.js';
import { sqlModelStore } from './models.js';
import type { QuantlabSchema } from './schema.js';
import type { DialectTraits } from './traits.js';

/** What a SQL backend module hands to {@link createSqlBackend}. @internal */
export interface SqlBackendOptions {
  readonly db: Kysely<QuantlabSchema>;
  readonly traits: DialectTraits;
  readonly info: BackendInfo;
  readonly capabilities: BackendCapabilities;
  /** Releases what the backend opened; never a driver instance the caller passed in. */
  readonly release: () => Promise<void>;
}

/**
 * The one Kysely implementation of {@link StorageBackend}, shared by SQLite, PostgreSQL and
 * DuckDB. Dialect differences come only through `traits`.
 *
 * @internal
 */
export function createSqlBackend(options: SqlBackendOptions): StorageBackend {
  const { db, traits, info, capabilities, release } = options;
  const guard = new OperationGuard(traits.kind, (error) => traits.isUniqueViolation(error));
  /** The stores over a connection or a transaction, and what to write before it commits. */
  const operations = (
    executor: Kysely<QuantlabSchema>,
    inTransaction: boolean,
  ): { stores: StorageOperations; beforeCommit: () => Promise<void> } => {
    const ctx: SqlContext = { db: executor, traits, guard, inTransaction };
    const abTests = sqlAbTestStore(ctx);
    return {
      stores: {
        experiments: sqlExperimentStore(ctx),
        metrics: sqlMetricStore(ctx),
        logs: sqlLogStore(ctx),
        artifacts: sqlArtifactStore(ctx),
        models: sqlModelStore(ctx),
        abTests,
        drift: sqlDriftStore(ctx),
      },
      beforeCommit: () => abTests.writeDeferred(),
    };
  };
  return {
    info,
    capabilities,
    ...operations(db, false).stores,
    migrate: () => guard.run('migrate', () => runMigrations(db, traits, migrations)),
    transaction: async (fn, options) => {
      const lock = checkLockName(options);
      return guard.transaction((body) =>
        db.transaction().execute(async (trx) => {
          if (lock !== undefined) await traits.lockTransaction(trx, lock);
          const { stores, beforeCommit } = operations(trx, true);
          const result = await body(() => fn(stores));
          // Writes the stores deferred to the end of the transaction (the A/B aggregates).
          await beforeCommit();
          return result;
        }),
      );
    },
    async close() {
      if (!guard.close()) return;
      try {
        await release();
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        throw new BackendError(traits.kind, 'close', message, { cause: error });
      }
    },
  };
}
