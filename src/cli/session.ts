/**
 * What every command that reads the database shares: the `--db` and `--json` options (given
 * before or after the command), opening and closing the lab, the progress line, and printing a
 * result as JSON or as text.
 *
 * @module
 */
import type { Command } from 'commander';
import type { Lab } from '../lab.js';
import { DEFAULT_DATABASE, parseDatabaseUrl, resolveDatabaseUrl } from './database.js';
import type { CliIo } from './io.js';
import { openLab } from './open.js';
import { formatJson } from './output.js';
import type { Progress } from './progress.js';

/** What the command definitions are built with. */
export interface CliContext {
  readonly io: CliIo;
  readonly progress: Progress;
}

/** What a command's task gets: the open lab, the progress line and the printer. */
export interface Session {
  readonly lab: Lab;
  readonly progress: Progress;
  /** Prints `value` as JSON with `--json`, else as `render(value)`. */
  print<T>(value: T, render: (value: T) => string): void;
}

/** The options every command takes. */
export interface CommonOptions {
  db?: string;
  json?: boolean;
}

/**
 * Adds `--db` and `--json` to a command (the root, and every command that opens the database, so
 * they may be given before or after the command name).
 *
 * @example
 * ```ts
 * withCommonOptions(program.command('list'));
 * ```
 */
export function withCommonOptions(command: Command): Command {
  return command
    .option(
      '--db <url>',
      `database: a SQLite file, duckdb:<file> or postgres://…[?schema=name] (default: $QUANTLAB_DB, else ${DEFAULT_DATABASE})`,
    )
    .option('--json', 'print the result as JSON (for scripts)');
}

/**
 * The `--db` and `--json` values in effect for a command: the command's own, else those of the
 * nearest ancestor that has them.
 *
 * @example
 * ```ts
 * commonOptions(command).json; // true after `quantlab --json experiments list`
 * ```
 */
export function commonOptions(command: Command): CommonOptions {
  const found: CommonOptions = {};
  for (let c: Command | null = command; c !== null; c = c.parent) {
    const own = c.opts<CommonOptions>();
    if (found.db === undefined && own.db !== undefined) found.db = own.db;
    if (found.json === undefined && own.json !== undefined) found.json = own.json;
  }
  return found;
}

/**
 * Opens the lab of the command's `--db`, runs `task` with it and closes it, also when the task
 * throws.
 *
 * @throws what `openLab` and the task throw.
 * @example
 * ```ts
 * await withLab(command, context, async ({ lab, print }) => {
 *   print(await lab.models.history(name), renderHistory);
 * });
 * ```
 */
export async function withLab(
  command: Command,
  context: CliContext,
  task: (session: Session) => Promise<void>,
): Promise<void> {
  const { io, progress } = context;
  const options = commonOptions(command);
  const target = parseDatabaseUrl(resolveDatabaseUrl(options.db, io.env));
  const lab = await openLab(target, { cwd: io.cwd, progress });
  const session: Session = {
    lab,
    progress,
    print(value, render) {
      progress.clear();
      io.stdout(options.json === true ? formatJson(value) : render(value));
    },
  };
  let failed = true;
  try {
    progress.clear();
    await task(session);
    failed = false;
  } finally {
    const closing = lab.close();
    // The task's own error is the one to report.
    if (failed) await closing.catch(() => {});
    else await closing;
  }
}
