import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DATABASE,
  describeTarget,
  parseDatabaseUrl,
  resolveDatabaseUrl,
} from './database.js';
import { CliError, EXIT } from './errors.js';

function usageError(value: string): CliError {
  try {
    parseDatabaseUrl(value);
  } catch (error) {
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(EXIT.usage);
    return error as CliError;
  }
  throw new Error(`expected ${value} to be refused`);
}

describe('parseDatabaseUrl', () => {
  it('reads a plain path, sqlite: and duckdb: as files', () => {
    expect(parseDatabaseUrl('./lab.db')).toEqual({ kind: 'sqlite', path: './lab.db' });
    expect(parseDatabaseUrl('/srv/lab.db')).toEqual({ kind: 'sqlite', path: '/srv/lab.db' });
    expect(parseDatabaseUrl('sqlite:lab.db')).toEqual({ kind: 'sqlite', path: 'lab.db' });
    expect(parseDatabaseUrl('duckdb:data/lab.duckdb')).toEqual({
      kind: 'duckdb',
      path: 'data/lab.duckdb',
    });
    expect(parseDatabaseUrl('DuckDB:///srv/lab.duckdb')).toEqual({
      kind: 'duckdb',
      path: '/srv/lab.duckdb',
    });
    expect(parseDatabaseUrl('sqlite:with:colon.db')).toEqual({
      kind: 'sqlite',
      path: 'with:colon.db',
    });
  });

  it('does not take a Windows drive letter for a scheme', () => {
    expect(parseDatabaseUrl('C:\\labs\\lab.db')).toEqual({
      kind: 'sqlite',
      path: 'C:\\labs\\lab.db',
    });
  });

  it('reads postgres:// and postgresql:// URLs, taking the schema parameter out', () => {
    expect(parseDatabaseUrl('postgres://ana:secret@db.internal:6543/lab?schema=quant')).toEqual({
      kind: 'postgres',
      connectionString: 'postgres://ana:secret@db.internal:6543/lab',
      schema: 'quant',
      connectTimeoutMs: 10_000,
      display: 'db.internal:6543/lab',
    });
    expect(parseDatabaseUrl('postgresql://db/lab?sslmode=require&schema=q')).toEqual({
      kind: 'postgres',
      connectionString: 'postgresql://db/lab?sslmode=require',
      schema: 'q',
      connectTimeoutMs: 10_000,
      display: 'db:5432/lab',
    });
    expect(parseDatabaseUrl('postgres://db/lab')).toMatchObject({ schema: undefined });
  });

  it('takes connect_timeout (seconds, as libpq) out of the URL; 10 s by default', () => {
    expect(parseDatabaseUrl('postgres://db/lab?connect_timeout=3&sslmode=require')).toMatchObject({
      connectionString: 'postgres://db/lab?sslmode=require',
      connectTimeoutMs: 3000,
    });
    expect(parseDatabaseUrl('postgres://db/lab?connect_timeout=0')).toMatchObject({
      connectTimeoutMs: 0,
    });
    for (const bad of ['-1', '1.5', 'soon', '']) {
      expect(usageError(`postgres://db/lab?connect_timeout=${bad}`).message).toContain(
        'connect_timeout must be a whole number of seconds',
      );
    }
  });

  it('refuses other schemes, naming the scheme and the forms it takes', () => {
    const error = usageError('mysql://root@db/lab');
    expect(error.message).toContain('unsupported database URL scheme "mysql:"');
    expect(error.message).toContain('postgres://');
    expect(usageError('file:lab.db').message).toContain('"file:"');
    expect(usageError('postgres:db/lab').message).toContain('starts with postgres://');
  });

  it('refuses empty values, empty paths, in-memory databases and bad PostgreSQL URLs', () => {
    expect(usageError('').message).toContain('must not be empty');
    expect(usageError('duckdb:').message).toContain('needs a file path');
    expect(usageError(':memory:').message).toContain('give a file');
    expect(usageError('duckdb::memory:').message).toContain('give a file');
    expect(usageError('postgres://db/lab?schema=').message).toContain('schema');
    expect(usageError('postgres://db/lab?schema=a&schema=b').message).toContain('once');
    const bad = usageError('postgres://ana:secret@[oops/lab');
    expect(bad.message).toContain('not a valid PostgreSQL URL');
    expect(bad.message).not.toContain('secret');
  });
});

describe('resolveDatabaseUrl', () => {
  it('takes the option, else QUANTLAB_DB, else the demo database', () => {
    expect(resolveDatabaseUrl('a.db', { QUANTLAB_DB: 'b.db' })).toBe('a.db');
    expect(resolveDatabaseUrl(undefined, { QUANTLAB_DB: 'b.db' })).toBe('b.db');
    expect(resolveDatabaseUrl(undefined, { QUANTLAB_DB: '' })).toBe(DEFAULT_DATABASE);
    expect(resolveDatabaseUrl(undefined, {})).toBe('./quantlab-demo.db');
  });
});

describe('describeTarget', () => {
  it('names the backend and the place, never the password', () => {
    expect(describeTarget(parseDatabaseUrl('lab.db'))).toBe('sqlite lab.db');
    expect(describeTarget(parseDatabaseUrl('postgres://ana:secret@db/lab?schema=q'))).toBe(
      'postgres db:5432/lab (schema q)',
    );
  });
});
