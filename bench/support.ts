/**
 * What every benchmark that touches a database needs: the PostgreSQL URL, whether a server
 * answers there, and temporary database files with their WAL and journal siblings.
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** The PostgreSQL server benchmarks use: `QUANTLAB_PG_URL`, else the local test database. */
export const PG_URL = process.env.QUANTLAB_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A path in the temp dir, unique to this process and benchmark: `quantlab-bench-<bench>-<pid>-<name>`. */
export function benchFile(bench: string, name: string): string {
  return join(tmpdir(), `quantlab-bench-${bench}-${process.pid}-${name}`);
}

/** Removes database files and their `-wal`, `-shm` (SQLite) and `.wal` (DuckDB) siblings. */
export function removeDatabaseFiles(...files: string[]): void {
  for (const f of files)
    for (const suffix of ['', '-wal', '-shm', '.wal']) rmSync(f + suffix, { force: true });
}

const answers = new Map<string, Promise<boolean>>();

/** Whether a PostgreSQL server answers at `url` within 3 s (asked once per URL). */
export function postgresAnswers(url = PG_URL): Promise<boolean> {
  let answer = answers.get(url);
  if (answer === undefined) {
    answer = (async () => {
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
      try {
        await client.connect();
        await client.query('select 1');
        return true;
      } catch {
        return false;
      } finally {
        await client.end().catch(() => {});
      }
    })();
    answers.set(url, answer);
  }
  return answer;
}
