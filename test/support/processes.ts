import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const tsxLoader = fileURLToPath(import.meta.resolve('tsx'));
const root = fileURLToPath(new URL('../../', import.meta.url));

/** What a child process printed and how it ended. */
export interface ChildResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a TypeScript file from test/support in a child Node process. */
export function runChild(script: string, args: string[]): Promise<ChildResult> {
  return runTypeScript(fileURLToPath(new URL(script, import.meta.url)), args, {});
}

/**
 * Runs a TypeScript file of the repository (path relative to its root) in a child Node process
 * from the repository root, as `npm run` would.
 */
export function runScript(
  path: string,
  args: string[],
  env: Record<string, string>,
): Promise<ChildResult> {
  return runTypeScript(join(root, path), args, env);
}

function runTypeScript(
  file: string,
  args: string[],
  env: Record<string, string>,
): Promise<ChildResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', tsxLoader, file, ...args],
      { timeout: 60_000, cwd: root, env: { ...process.env, ...env } },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

/** Starts `count` children that all call createLab at the same moment; returns their parsed outputs. */
export async function migrateConcurrently(
  count: number,
  args: (index: number) => string[],
): Promise<Array<{ ok: boolean; version?: string; error?: string }>> {
  // Far enough ahead that every child has loaded before the shared start time.
  const startAt = String(Date.now() + 4000);
  const results = await Promise.all(
    Array.from({ length: count }, (_, i) => runChild('./migrate-child.ts', [...args(i), startAt])),
  );
  return results.map((r) => {
    try {
      return JSON.parse(r.stdout) as { ok: boolean; version?: string; error?: string };
    } catch {
      return { ok: false, error: `exit ${r.code}: ${r.stderr.slice(0, 2000)}` };
    }
  });
}
