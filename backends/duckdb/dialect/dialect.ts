import { DuckDBInstance } from '@duckdb/node-api';
import type {
  DatabaseIntrospector,
  Dialect,
  DialectAdapter,
  Driver,
  Kysely,
  QueryCompiler,
} from 'kysely';
import { DuckDBAdapter } from './adapter.js';
import { DuckDBQueryCompiler } from './compiler.js';
import { DuckDBDriver, type DuckDBDriverConfig } from './driver.js';
import { DuckDBIntrospector } from './introspector.js';

/** Use an instance the caller opened (or a function that opens one on first use). */
export interface DuckDBInstanceDialectConfig {
  readonly instance: DuckDBInstance | (() => Promise<DuckDBInstance>);
  /**
   * True when `Kysely.destroy()` should close the instance too. Defaults to false for an
   * instance and true for a function (the instance it returns is the dialect's alone).
   */
  readonly ownsInstance?: boolean;
}

/** Let the dialect open (and, on destroy, close) an instance itself. */
export interface DuckDBPathDialectConfig {
  /** The database file; `':memory:'` (the default) for an in-memory database. */
  readonly path?: string;
  /** DuckDB configuration options passed to `DuckDBInstance.create`. */
  readonly options?: Readonly<Record<string, string>>;
}

/** How {@link DuckDBDialect} gets its DuckDB instance. */
export type DuckDBDialectConfig = DuckDBInstanceDialectConfig | DuckDBPathDialectConfig;

/**
 * A Kysely dialect for DuckDB over `@duckdb/node-api`: one pinned connection behind a mutex,
 * PostgreSQL-style SQL, explicit parameter types and JS result values (see the driver,
 * `parameters.ts` and `results.ts` for the mappings). Nothing is opened until the first query.
 *
 * @example
 * ```ts
 * const db = new Kysely<Schema>({ dialect: new DuckDBDialect({ path: 'lab.duckdb' }) });
 * const shared = new Kysely<Schema>({ dialect: new DuckDBDialect({ instance }) });
 * ```
 *
 * @internal
 */
export class DuckDBDialect implements Dialect {
  readonly #driverConfig: DuckDBDriverConfig;

  constructor(config: DuckDBDialectConfig = {}) {
    this.#driverConfig = driverConfig(config);
  }

  createDriver(): Driver {
    return new DuckDBDriver(this.#driverConfig);
  }

  createQueryCompiler(): QueryCompiler {
    return new DuckDBQueryCompiler();
  }

  createAdapter(): DialectAdapter {
    return new DuckDBAdapter();
  }

  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new DuckDBIntrospector(db);
  }
}

function driverConfig(config: DuckDBDialectConfig): DuckDBDriverConfig {
  if ('instance' in config) {
    const { instance } = config;
    if (typeof instance === 'function') {
      return { instance, ownsInstance: config.ownsInstance ?? true };
    }
    return { instance: async () => instance, ownsInstance: config.ownsInstance ?? false };
  }
  const { path = ':memory:', options } = config;
  return {
    instance: () => DuckDBInstance.create(path, options === undefined ? undefined : { ...options }),
    ownsInstance: true,
  };
}
