/**
 * Opens the lab a `--db` target names: checks that a database file exists (the command never
 * creates an empty database by accident), imports the backend module and its driver package on
 * demand (they are optional peer dependencies), and runs `createLab`, which migrates. Every
 * failure here is exit code 3, with one line saying what to do.
 *
 * @module
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { createLab, type Lab } from '../lab.js';
import type { StorageBackend } from '../storage/backend.js';
import { type DatabaseTarget, describeTarget } from './database.js';
import { CliError, EXIT, messageOf } from './errors.js';
import type { Progress } from './progress.js';

/** The driver package each backend needs. */
export const DRIVER_PACKAGES = Object.freeze({
  sqlite: 'better-sqlite3',
  postgres: 'pg',
  duckdb: '@duckdb/node-api',
} as const);

/** Makes the storage backend of a target; see {@link createBackend}. */
export type BackendFactory = (target: DatabaseTarget) => Promise<StorageBackend>;

/** Options of {@link openLab}. */
export interface OpenOptions {
  /** Relative file paths are resolved against it. */
  readonly cwd: string;
  readonly progress: Progress;
  /** Default {@link createBackend}; tests pass their own. */
  readonly createBackend?: BackendFactory;
}

/**
 * The storage backend of a target, its module (and so its driver package) imported only now,
 * so a missing `pg` never stops a SQLite user.
 *
 * @example
 * ```ts
 * const backend = await createBackend({ kind: 'sqlite', path: '/srv/lab.db' });
 * ```
 */
export async function createBackend(target: DatabaseTarget): Promise<StorageBackend> {
  switch (target.kind) {
    case 'sqlite': {
      const { sqlite } = await import('../../backends/sqlite/index.js');
      return sqlite({ filename: target.path });
    }
    case 'duckdb': {
      const { duckdb } = await import('../../backends/duckdb/index.js');
      return duckdb({ path: target.path });
    }
    case 'postgres': {
      const { postgres } = await import('../../backends/postgres/index.js');
      return postgres(
        {
          connectionString: target.connectionString,
          max: 4,
          connectTimeoutMs: target.connectTimeoutMs,
        },
        target.schema === undefined ? {} : { schema: target.schema },
      );
    }
  }
}

/**
 * Opens the lab of a target (relative file paths resolved against `cwd`), showing
 * `opening <target>` as progress.
 *
 * @throws CliError with exit code 3 when a database file does not exist or is not a file, when
 *   the driver package is not installed (naming the `npm i` to run), or when the backend cannot
 *   be opened or migrated (connection refused, not a database, locked by another process).
 * @example
 * ```ts
 * const lab = await openLab(parseDatabaseUrl('duckdb:lab.duckdb'), { cwd: process.cwd(), progress });
 * ```
 */
export async function openLab(target: DatabaseTarget, options: OpenOptions): Promise<Lab> {
  const resolved: DatabaseTarget =
    target.kind === 'postgres' ? target : { ...target, path: resolve(options.cwd, target.path) };
  if (resolved.kind !== 'postgres') requireFile(resolved.kind, resolved.path);
  const what = describeTarget(resolved);
  options.progress.update(`opening ${what}`);
  let backend: StorageBackend;
  try {
    backend = await (options.createBackend ?? createBackend)(resolved);
  } catch (error) {
    throw openFailure(resolved.kind, what, error);
  }
  try {
    return await createLab(backend);
  } catch (error) {
    throw openFailure(resolved.kind, what, error);
  }
}

/**
 * Whether `error` says that `packageName` itself cannot be found (not one of its own imports),
 * from Node's ESM (`ERR_MODULE_NOT_FOUND`) or CommonJS (`MODULE_NOT_FOUND`) loader.
 *
 * @example
 * ```ts
 * try { await import('pg'); } catch (e) { isMissingPackage(e, 'pg'); }
 * ```
 */
export function isMissingPackage(error: unknown, packageName: string): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return false;
  return error.message.includes(`'${packageName}'`) || error.message.includes(`"${packageName}"`);
}

function requireFile(kind: 'sqlite' | 'duckdb', path: string): void {
  const label = kind === 'sqlite' ? 'SQLite' : 'DuckDB';
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch {
    throw new CliError(
      EXIT.database,
      `no ${label} database at ${path} (give --db <file>, duckdb:<file> or postgres://…, or set QUANTLAB_DB)`,
    );
  }
  if (!isFile) throw new CliError(EXIT.database, `${path} is not a ${label} database file`);
}

function openFailure(kind: DatabaseTarget['kind'], what: string, error: unknown): CliError {
  const driver = DRIVER_PACKAGES[kind];
  if (isMissingPackage(error, driver)) {
    return new CliError(
      EXIT.database,
      `the ${kind} backend needs the ${driver} package, which is not installed: run npm i ${driver}`,
      { cause: error },
    );
  }
  return new CliError(EXIT.database, `cannot open ${what}: ${messageOf(error)}`, {
    cause: error,
  });
}
