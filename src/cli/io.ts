/**
 * What the command reads and writes: stdout, stderr, the environment and the working directory,
 * gathered so the command can run against a fake in unit tests.
 *
 * @module
 */
import type { ProgressStream } from './progress.js';

/** The command's view of its process. */
export interface CliIo {
  /** Writes results: tables or JSON. */
  readonly stdout: (text: string) => void;
  /** Errors, help after a usage error, and the progress line when it is a terminal. */
  readonly stderr: ProgressStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Relative database paths are resolved against it. */
  readonly cwd: string;
}

/**
 * The real process: `process.stdout`, `process.stderr`, `process.env`, `process.cwd()`.
 *
 * @example
 * ```ts
 * const code = await runCli(process.argv.slice(2), processIo());
 * ```
 */
export function processIo(): CliIo {
  return {
    stdout: (text) => {
      process.stdout.write(text);
    },
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
  };
}
