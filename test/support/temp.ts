import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

/** A fresh path in the OS temp directory, for one test's database file. */
export function tempPath(prefix: string, suffix: string): string {
  const dir = join(tmpdir(), 'quantlab-tests');
  mkdirSync(dir, { recursive: true });
  return join(dir, `${prefix}-${randomUUID()}${suffix}`);
}

/** Removes a database file and its companions (`-wal`, `-shm`, `.wal`, ...). */
export function removeDatabaseFile(path: string, companions: readonly string[]): void {
  for (const suffix of ['', ...companions]) rmSync(path + suffix, { force: true });
}

/**
 * Returns a maker of temp database paths; every path it made is removed, with its companion
 * files, after each test.
 */
export function tempDatabases(
  prefix: string,
  extension: string,
  companions: readonly string[],
): () => string {
  const made: string[] = [];
  afterEach(() => {
    for (const path of made.splice(0)) removeDatabaseFile(path, companions);
  });
  return () => {
    const path = tempPath(prefix, extension);
    made.push(path);
    return path;
  };
}
