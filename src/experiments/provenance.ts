/**
 * Where an experiment came from: git commit and dirty flag of the working directory, quantlab's
 * and the caller's package versions, Node version and platform. Captured without ever failing:
 * what cannot be found (no git, not a repository, no package.json) is `null`.
 *
 * @module
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The provenance of an experiment. */
export interface Provenance {
  /** `HEAD` of the repository around the working directory; null outside one or without git. */
  gitCommit: string | null;
  /** Whether `git status` shows changes, untracked files included; null when unknown. */
  gitDirty: boolean | null;
  /** quantlab's own package version; null if its package.json cannot be found (bundled). */
  quantlabVersion: string | null;
  /** The nearest named package.json above the working directory. */
  callerPackage: { name: string; version: string | null } | null;
  /** `process.version`, such as `v20.19.0`. */
  nodeVersion: string;
  /** `process.platform`, such as `linux`. */
  platform: string;
  capturedAt: Date;
}

/** Provenance fields a caller already knows; each one given (even as null) wins. */
export type ProvenanceInput = { [K in keyof Provenance]?: Provenance[K] | undefined };

/** Options of {@link captureProvenance}. */
export interface CaptureProvenanceOptions {
  /** Where git runs and the caller's package.json is looked for. Default: `process.cwd()`. */
  cwd?: string | undefined;
  /** Where to look for the caller's package.json instead of `cwd` (and the folders above). */
  callerPackageDir?: string | undefined;
  /** The capture time, from the lab's clock. */
  now: Date;
  /** Time limit of each git command in ms. Default 2000. */
  gitTimeoutMs?: number | undefined;
}

const DEFAULT_GIT_TIMEOUT_MS = 2000;
const COMMIT = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/**
 * Captures the provenance of a run started now. Never throws.
 *
 * @example
 * ```ts
 * const provenance = await captureProvenance({ now: new Date() });
 * provenance.gitCommit; // 'a94a8fe5cc...' or null outside a repository
 * ```
 */
export async function captureProvenance(options: CaptureProvenanceOptions): Promise<Provenance> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const timeout = options.gitTimeoutMs ?? DEFAULT_GIT_TIMEOUT_MS;
  const [gitCommit, gitDirty, quantlabVersion, callerPackage] = await Promise.all([
    gitHead(cwd, timeout),
    gitIsDirty(cwd, timeout),
    readQuantlabVersion(),
    findPackage(options.callerPackageDir ?? cwd),
  ]);
  return {
    gitCommit,
    gitDirty,
    quantlabVersion,
    callerPackage: callerPackage && { name: callerPackage.name, version: callerPackage.version },
    nodeVersion: process.version,
    platform: process.platform,
    capturedAt: new Date(options.now.getTime()),
  };
}

/**
 * Captured provenance with the caller's fields laid over it: a field given (null included)
 * replaces the captured one; an `undefined` or missing field keeps it.
 *
 * @example
 * ```ts
 * mergeProvenance(captured, { gitCommit: 'abc123', gitDirty: false }).gitCommit; // 'abc123'
 * ```
 */
export function mergeProvenance(captured: Provenance, given?: ProvenanceInput): Provenance {
  const merged: Provenance = { ...captured };
  if (given === undefined) return merged;
  const target = merged as Record<keyof Provenance, unknown>;
  for (const key of Object.keys(merged) as (keyof Provenance)[]) {
    if (given[key] !== undefined) target[key] = given[key];
  }
  return merged;
}

/**
 * quantlab's version, read from its own package.json: the nearest one named `quantlab` above
 * this module (`src/experiments/` in development, `dist/` when built). Null if there is none.
 *
 * @example
 * ```ts
 * await readQuantlabVersion(); // '0.1.0'
 * ```
 */
export async function readQuantlabVersion(): Promise<string | null> {
  const here = moduleDir();
  if (here === null) return null;
  const found = await findPackage(here, (pkg) => pkg.name === 'quantlab');
  return found?.version ?? null;
}

/** A package.json found by {@link findPackage}. */
export interface FoundPackage {
  name: string;
  version: string | null;
  /** The folder holding it. */
  dir: string;
}

/**
 * The nearest package.json with a `name` in `start` or a folder above it that `accept`s (all by
 * default). Nameless ones (such as `{ "type": "module" }` markers) and unreadable ones are
 * skipped. Null when the file system root is reached.
 *
 * @example
 * ```ts
 * await findPackage(process.cwd()); // { name: 'my-bot', version: '1.2.0', dir: '/srv/my-bot' }
 * ```
 */
export async function findPackage(
  start: string,
  accept: (pkg: FoundPackage) => boolean = () => true,
): Promise<FoundPackage | null> {
  let dir = resolve(start);
  for (;;) {
    const pkg = await readPackage(dir);
    if (pkg !== null && accept(pkg)) return pkg;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

async function readPackage(dir: string): Promise<FoundPackage | null> {
  try {
    const parsed: unknown = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
    if (typeof parsed !== 'object' || parsed === null) return null;
    const { name, version } = parsed as { name?: unknown; version?: unknown };
    if (typeof name !== 'string' || name === '') return null;
    return { name, version: typeof version === 'string' ? version : null, dir };
  } catch {
    return null;
  }
}

/** The folder of this module, in the ESM build (`import.meta.url`) or the CJS one (`__dirname`). */
function moduleDir(): string | null {
  try {
    const url: unknown = import.meta.url;
    if (typeof url === 'string' && url.startsWith('file:')) return dirname(fileURLToPath(url));
  } catch {
    // import.meta is emptied in a CJS build; __dirname below covers it.
  }
  return typeof __dirname === 'string' ? __dirname : null;
}

async function gitHead(cwd: string, timeout: number): Promise<string | null> {
  const result = await git(['rev-parse', '--verify', '--quiet', 'HEAD'], cwd, timeout);
  const commit = result.ok ? result.stdout.trim() : '';
  return COMMIT.test(commit) ? commit : null;
}

async function gitIsDirty(cwd: string, timeout: number): Promise<boolean | null> {
  const result = await git(['status', '--porcelain', '--untracked-files=normal'], cwd, timeout);
  if (result.ok) return result.stdout.trim() !== '';
  // So many changes that the output overflowed the buffer: certainly dirty.
  return result.overflow ? true : null;
}

type GitResult = { ok: true; stdout: string } | { ok: false; overflow: boolean };

/** Runs git read-only; resolves (never rejects) with its output or the failure. */
function git(args: readonly string[], cwd: string, timeout: number): Promise<GitResult> {
  return new Promise((done) => {
    try {
      execFile(
        'git',
        args,
        {
          cwd,
          timeout,
          maxBuffer: 1024 * 1024,
          windowsHide: true,
          encoding: 'utf8',
          // No optional locks: `git status` must not take index.lock from a concurrent git user.
          env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0' },
        },
        (error, stdout) => {
          if (error === null) done({ ok: true, stdout });
          else {
            const code = (error as { code?: unknown }).code;
            done({ ok: false, overflow: code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER' });
          }
        },
      );
    } catch {
      done({ ok: false, overflow: false });
    }
  });
}
