/**
 * The `--db` value: which database the command opens. A SQLite file path (or `sqlite:<path>`),
 * `duckdb:<path>`, or a `postgres://` / `postgresql://` URL whose optional `schema` query
 * parameter names the schema holding quantlab's tables.
 *
 * @module
 */
import { CliError, EXIT } from './errors.js';

/**
 * Seconds to wait for a PostgreSQL connection unless the URL's `connect_timeout` says otherwise:
 * a host that never answers fails with exit code 3 instead of hanging for the TCP timeout.
 */
export const DEFAULT_CONNECT_TIMEOUT_SECONDS = 10;

/** The database file the command opens when neither `--db` nor `QUANTLAB_DB` is given: the demo's. */
export const DEFAULT_DATABASE = './quantlab-demo.db';

/** A parsed `--db` value. */
export type DatabaseTarget =
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'duckdb'; readonly path: string }
  | {
      readonly kind: 'postgres';
      /** The URL to connect with, the `schema` parameter removed. */
      readonly connectionString: string;
      /** Schema holding quantlab's tables; undefined for the connection's search path. */
      readonly schema: string | undefined;
      /** How long to wait for a connection (the URL's `connect_timeout`, default 10 s); 0: no limit. */
      readonly connectTimeoutMs: number;
      /** `host:port/database`, never the password: safe to print. */
      readonly display: string;
    };

const FORMS = 'a SQLite file path, sqlite:<path>, duckdb:<path>, postgres://… or postgresql://…';

/**
 * The `--db` value in effect: the option when given, else the `QUANTLAB_DB` environment
 * variable when set and not empty, else {@link DEFAULT_DATABASE}.
 *
 * @example
 * ```ts
 * resolveDatabaseUrl(undefined, { QUANTLAB_DB: 'postgres://db/lab' }); // 'postgres://db/lab'
 * ```
 */
export function resolveDatabaseUrl(
  option: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): string {
  if (option !== undefined) return option;
  const fromEnv = env.QUANTLAB_DB;
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : DEFAULT_DATABASE;
}

/**
 * Parses a `--db` value. A value starting with a scheme of two or more letters (`name:`) must be
 * `sqlite:`, `duckdb:`, `postgres://` or `postgresql://`; anything else is a SQLite file path
 * (a drive letter such as `C:\` is not a scheme).
 *
 * @throws CliError with exit code 2 for an empty value, an unsupported scheme, a malformed
 *   PostgreSQL URL, an empty `schema` parameter or an in-memory database (which the command
 *   could not share with anything).
 * @example
 * ```ts
 * parseDatabaseUrl('duckdb:lab.duckdb'); // { kind: 'duckdb', path: 'lab.duckdb' }
 * parseDatabaseUrl('postgres://u@db:5432/lab?schema=quant');
 * // { kind: 'postgres', connectionString: 'postgres://u@db:5432/lab', schema: 'quant', connectTimeoutMs: 10000, display: 'db:5432/lab' }
 * ```
 */
export function parseDatabaseUrl(value: string): DatabaseTarget {
  if (value.trim() === '') throw usage(`--db must not be empty: give ${FORMS}`);
  if (/^postgres(ql)?:\/\//i.test(value)) return parsePostgres(value);
  const scheme = /^([a-z][a-z0-9+.-]+):/i.exec(value)?.[1];
  if (scheme === undefined) return { kind: 'sqlite', path: filePath('sqlite', value) };
  const rest = value.slice(scheme.length + 1);
  switch (scheme.toLowerCase()) {
    case 'sqlite':
      return { kind: 'sqlite', path: filePath('sqlite', rest) };
    case 'duckdb':
      return { kind: 'duckdb', path: filePath('duckdb', rest) };
    case 'postgres':
    case 'postgresql':
      throw usage(`--db: a PostgreSQL URL starts with ${scheme}://, as in ${scheme}://host/db`);
    default:
      throw usage(`unsupported database URL scheme "${scheme}:" in --db: give ${FORMS}`);
  }
}

/**
 * What a target is, for messages: `sqlite /path/lab.db`, `postgres db:5432/lab (schema quant)`.
 *
 * @example
 * ```ts
 * describeTarget({ kind: 'duckdb', path: 'lab.duckdb' }); // 'duckdb lab.duckdb'
 * ```
 */
export function describeTarget(target: DatabaseTarget): string {
  if (target.kind !== 'postgres') return `${target.kind} ${target.path}`;
  return target.schema === undefined
    ? `postgres ${target.display}`
    : `postgres ${target.display} (schema ${target.schema})`;
}

function filePath(kind: 'sqlite' | 'duckdb', raw: string): string {
  // `duckdb:///srv/lab.duckdb` and `duckdb://data/lab.duckdb` read as URLs do.
  const path = raw.startsWith('//') ? raw.slice(2) : raw;
  if (path === '') throw usage(`--db ${kind}: needs a file path, as in ${kind}:./lab.db`);
  if (path === ':memory:') {
    throw usage(
      `--db ${kind}::memory: would open an empty database private to this command: give a file`,
    );
  }
  return path;
}

function parsePostgres(value: string): DatabaseTarget {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // The value may hold a password: never echo it.
    throw usage('--db is not a valid PostgreSQL URL: expected postgres://user@host:5432/database');
  }
  const schemas = url.searchParams.getAll('schema');
  if (schemas.length > 1) throw usage('--db: give the schema parameter once');
  const schema = schemas[0];
  if (schema !== undefined && schema.trim() === '') {
    throw usage('--db: the schema parameter must not be empty');
  }
  url.searchParams.delete('schema');
  // libpq's connect_timeout (seconds), which pg's own URL parsing ignores: applied here.
  const timeouts = url.searchParams.getAll('connect_timeout');
  if (timeouts.length > 1) throw usage('--db: give the connect_timeout parameter once');
  const timeout = timeouts[0] === undefined ? DEFAULT_CONNECT_TIMEOUT_SECONDS : Number(timeouts[0]);
  if (!Number.isSafeInteger(timeout) || timeout < 0 || timeouts[0]?.trim() === '') {
    throw usage('--db: connect_timeout must be a whole number of seconds (0: wait forever)');
  }
  url.searchParams.delete('connect_timeout');
  const database = url.pathname.length > 1 ? url.pathname : '';
  return {
    kind: 'postgres',
    connectionString: url.toString(),
    schema,
    connectTimeoutMs: timeout * 1000,
    display: `${url.hostname || 'localhost'}:${url.port || '5432'}${database}`,
  };
}

function usage(message: string): CliError {
  return new CliError(EXIT.usage, message);
}
