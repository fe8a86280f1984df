/**
 * The `quantlab` program: its global options, help text and command groups, defined with
 * commander. Parsing errors throw (`exitOverride`) instead of exiting, so `runCli` decides the
 * exit code.
 *
 * @module
 */
import { Command } from 'commander';
import { version } from '../../package.json';
import { registerAbCommands } from './commands/ab.js';
import { registerDriftCommands } from './commands/drift.js';
import { registerExperimentCommands } from './commands/experiments.js';
import { registerModelCommands } from './commands/models.js';
import { type CliContext, withCommonOptions } from './session.js';

const FOOTER = `
Database (--db, else $QUANTLAB_DB, else ./quantlab-demo.db):
  ./lab.db, sqlite:./lab.db                 SQLite file (must exist)
  duckdb:./lab.duckdb                       DuckDB file (must exist)
  postgres://user@host:5432/db?schema=name  PostgreSQL (also postgresql://); schema optional

Exit codes:
  0  ok
  1  the operation failed (not found, conflict, refused transition, backend error)
  2  usage error or bad input (unknown command or option, bad value, bad --db URL)
  3  the database cannot be opened (missing file, connection refused, driver not installed)`;

/**
 * The `quantlab` command with every command group, writing through `context.io`.
 *
 * @example
 * ```ts
 * await createProgram({ io: processIo(), progress }).parseAsync(['models', 'list'], { from: 'user' });
 * ```
 */
export function createProgram(context: CliContext): Command {
  const { io } = context;
  const program = new Command('quantlab')
    .description(
      'Inspect a quantlab database: experiments, models, A/B tests and drift reports; promote and roll back models.',
    )
    .version(version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout(text),
      writeErr: (text) => {
        io.stderr.write(text);
      },
      // Every error line starts the same way: `quantlab: ...`.
      outputError: (text, write) => write(text.replace(/^error: /, 'quantlab: ')),
    })
    .showSuggestionAfterError()
    .addHelpText('after', FOOTER);
  withCommonOptions(program);
  registerExperimentCommands(program, context);
  registerModelCommands(program, context);
  registerAbCommands(program, context);
  registerDriftCommands(program, context);
  return program;
}
