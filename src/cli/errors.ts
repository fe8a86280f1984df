/**
 * Exit codes of the `quantlab` command, the error that carries one, and the mapping from any
 * thrown value to an exit code and a one-line message.
 *
 * @module
 */
import { CommanderError } from 'commander';
import { LabError } from '../errors.js';

/**
 * The exit codes scripts can rely on.
 *
 * - `ok` 0: done.
 * - `failed` 1: the operation failed (not found, conflict, refused transition, a backend error
 *   after the database was opened, anything unexpected).
 * - `usage` 2: usage error or bad input (unknown command or option, bad option value, bad
 *   `--db` URL, a value the facade refused with a `ValidationError`).
 * - `database` 3: the database cannot be opened (missing file, connection refused, missing
 *   driver package, not a quantlab database).
 */
export const EXIT = Object.freeze({ ok: 0, failed: 1, usage: 2, database: 3 } as const);

/** One of the {@link EXIT} codes. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * An expected failure of the command, with the exit code it ends the process with. Its message
 * is printed on one line, without a stack trace.
 *
 * @example
 * ```ts
 * throw new CliError(EXIT.usage, '--version needs --model');
 * ```
 */
export class CliError extends Error {
  readonly exitCode: ExitCode;

  constructor(exitCode: ExitCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/**
 * The exit code for a thrown value: a {@link CliError}'s own; 0 for commander's help and
 * version output, 2 for its other errors (usage); 2 for a `ValidationError`, 1 for any other
 * `LabError` and for anything unexpected.
 *
 * @example
 * ```ts
 * exitCodeOf(new NotFoundError('experiment', 'x')); // 1
 * ```
 */
export function exitCodeOf(error: unknown): ExitCode {
  if (error instanceof CliError) return error.exitCode;
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  if (error instanceof LabError) return error.code === 'VALIDATION' ? EXIT.usage : EXIT.failed;
  return EXIT.failed;
}

/**
 * What to print on stderr for a thrown value: one line for an expected error, the stack for an
 * unexpected one, nothing for commander's errors (commander printed them already).
 *
 * @example
 * ```ts
 * errorReport(new NotFoundError('experiment', 'x')); // 'quantlab: experiment "x" not found'
 * ```
 */
export function errorReport(error: unknown): string | undefined {
  if (error instanceof CommanderError) return undefined;
  if (error instanceof CliError || error instanceof LabError) {
    return `quantlab: ${oneLine(error.message)}`;
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return `quantlab: unexpected error (please report it): ${detail}`;
}

/**
 * A message on one line: line breaks and the indentation after them become one space.
 *
 * @example
 * ```ts
 * oneLine('IO Error:\n  cannot open'); // 'IO Error: cannot open'
 * ```
 */
export function oneLine(message: string): string {
  return message.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

/** The message of a thrown value, on one line. */
export function messageOf(error: unknown): string {
  return oneLine(error instanceof Error ? error.message : String(error));
}
