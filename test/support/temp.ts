import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh path in the OS temp directory, for one test's database file. */
export function tempPath(prefix: string, suffix: string): string {
  const dir = join(tmpdir(), 'quantlab-tests');
  mkdirSync(dir, { recursive: true });
  return join(dir, `${prefix}-${randomUUID()}${suffix}`);
}
