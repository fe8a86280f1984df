import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'tsup';
import type { ChildResult } from './processes.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** A build of the `quantlab` command for the tests. */
export interface BuiltCli {
  /** Path of the executable (`cli.js`). */
  bin: string;
  /** Removes the build. */
  remove(): void;
}

/**
 * Builds `src/cli/index.ts` as `npm run build` does (tsup, ESM, code splitting, drivers
 * external) but alone and without type declarations, into a fresh directory under `.tmp/`, so
 * the repository's `dist/` is left alone and the packages resolve from its `node_modules`.
 */
export async function buildCli(): Promise<BuiltCli> {
  const outDir = join(root, '.tmp', `cli-${randomUUID()}`);
  await build({
    config: false,
    entry: { cli: 'src/cli/index.ts' },
    format: ['esm'],
    outDir,
    splitting: true,
    target: 'node20',
    external: ['better-sqlite3', 'pg', '@duckdb/node-api'],
    silent: true,
  });
  return {
    bin: join(outDir, 'cli.js'),
    remove: () => rmSync(outDir, { recursive: true, force: true }),
  };
}

/** Options of {@link runBin}. */
export interface RunOptions {
  /** Working directory (default: the repository root). */
  cwd?: string;
  /** Environment added to the test's own (`QUANTLAB_DB` is removed unless given here). */
  env?: Record<string, string>;
  /** Node options before the script, such as `--import`. */
  node?: string[];
}

/** Runs the built command with `args` and collects what it printed and its exit code. */
export function runBin(
  bin: string,
  args: string[],
  options: RunOptions = {},
): Promise<ChildResult> {
  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  if (options.env?.QUANTLAB_DB === undefined) delete env.QUANTLAB_DB;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...(options.node ?? []), bin, ...args],
      { cwd: options.cwd ?? root, env, timeout: 30_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

/**
 * Node options that make `import(packageName)` fail as it does when the package is not
 * installed (`ERR_MODULE_NOT_FOUND`, "Cannot find package '…' imported from …"), through a
 * module resolve hook.
 */
export function hidePackage(packageName: string): string[] {
  const hooks = `export async function resolve(specifier, context, next) {
    if (specifier === ${JSON.stringify(packageName)}) {
      const error = new Error("Cannot find package '" + specifier + "' imported from " + context.parentURL);
      error.code = 'ERR_MODULE_NOT_FOUND';
      throw error;
    }
    return next(specifier, context);
  }`;
  const register = `import { register } from 'node:module';
    register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)});`;
  return ['--import', `data:text/javascript,${encodeURIComponent(register)}`];
}
