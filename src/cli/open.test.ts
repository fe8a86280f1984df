import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { memory } from '../../backends/memory/index.js';
import { tempPath } from '../../test/support/temp.js';
import { BackendError } from '../errors.js';
import type { StorageBackend } from '../storage/backend.js';
import type { DatabaseTarget } from './database.js';
import { CliError, EXIT } from './errors.js';
import { type BackendFactory, isMissingPackage, openLab } from './open.js';
import { createProgress } from './progress.js';

const dir = tempPath('cli-open', '');
mkdirSync(dir, { recursive: true });
const file = join(dir, 'lab.db');
writeFileSync(file, '');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function progressLog() {
  const written: string[] = [];
  return { written, progress: createProgress({ isTTY: true, write: (t) => written.push(t) }) };
}

function moduleNotFound(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

async function failure(target: DatabaseTarget, createBackend?: BackendFactory): Promise<CliError> {
  const error = await openLab(target, {
    cwd: dir,
    progress: createProgress({ write: () => {} }),
    ...(createBackend && { createBackend }),
  }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(CliError);
  expect((error as CliError).exitCode).toBe(EXIT.database);
  return error as CliError;
}

describe('openLab', () => {
  it('opens the lab of an existing file, resolved against cwd, showing progress', async () => {
    const { written, progress } = progressLog();
    const opened: DatabaseTarget[] = [];
    const lab = await openLab(
      { kind: 'sqlite', path: 'lab.db' },
      {
        cwd: dir,
        progress,
        createBackend: async (target) => {
          opened.push(target);
          return memory();
        },
      },
    );
    await lab.close();
    expect(opened).toEqual([{ kind: 'sqlite', path: file }]);
    expect(written).toEqual([`\r\u001b[2Kopening sqlite ${file} …`]);
  });

  it('refuses a missing file or a directory, naming the path, and never creates one', async () => {
    const never: BackendFactory = () => {
      throw new Error('must not open');
    };
    const missing = await failure({ kind: 'sqlite', path: 'missing.db' }, never);
    expect(missing.message).toContain(`no SQLite database at ${join(dir, 'missing.db')}`);
    const duck = await failure({ kind: 'duckdb', path: 'missing.duckdb' }, never);
    expect(duck.message).toContain('no DuckDB database at');
    expect((await failure({ kind: 'sqlite', path: '.' }, never)).message).toBe(
      `${dir} is not a SQLite database file`,
    );
  });

  it('names the npm i to run when the driver package is missing', async () => {
    const esm = await failure(
      {
        kind: 'postgres',
        connectionString: 'postgres://db/lab',
        schema: undefined,
        connectTimeoutMs: 10_000,
        display: 'db',
      },
      async () => {
        throw moduleNotFound('ERR_MODULE_NOT_FOUND', "Cannot find package 'pg' imported from x.js");
      },
    );
    expect(esm.message).toBe(
      'the postgres backend needs the pg package, which is not installed: run npm i pg',
    );
    const cjs = await failure({ kind: 'duckdb', path: 'lab.db' }, async () => {
      throw moduleNotFound('MODULE_NOT_FOUND', "Cannot find module '@duckdb/node-api'");
    });
    expect(cjs.message).toContain('run npm i @duckdb/node-api');
  });

  it('reports any other failure to open or migrate as "cannot open"', async () => {
    const nested = await failure({ kind: 'sqlite', path: 'lab.db' }, async () => {
      throw moduleNotFound(
        'ERR_MODULE_NOT_FOUND',
        "Cannot find package 'bindings' imported from y",
      );
    });
    expect(nested.message).toMatch(/^cannot open sqlite .*lab\.db: Cannot find package 'bindings'/);
    const refusing = memory();
    const broken: StorageBackend = Object.assign(Object.create(refusing) as StorageBackend, {
      migrate: () =>
        Promise.reject(new BackendError('sqlite', 'migrate', 'file is not a database')),
      close: () => refusing.close(),
    });
    const error = await failure({ kind: 'sqlite', path: 'lab.db' }, async () => broken);
    expect(error.message).toMatch(
      /^cannot open sqlite .*: sqlite backend: migrate failed: file is not a database$/,
    );
  });
});

describe('isMissingPackage', () => {
  it('matches only the package itself', () => {
    const error = moduleNotFound(
      'ERR_MODULE_NOT_FOUND',
      "Cannot find package 'pg' imported from x",
    );
    expect(isMissingPackage(error, 'pg')).toBe(true);
    expect(isMissingPackage(error, 'pg-pool')).toBe(false);
    expect(isMissingPackage(new Error("Cannot find package 'pg'"), 'pg')).toBe(false);
    expect(isMissingPackage('pg', 'pg')).toBe(false);
  });
});
