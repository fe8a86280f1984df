/**
 * Runs the `quantlab` command once: parses the arguments, runs the command, and turns every
 * outcome into an exit code and at most one line on stderr.
 *
 * @module
 */
import { EXIT, type ExitCode, errorReport, exitCodeOf } from './errors.js';
import type { CliIo } from './io.js';
import { createProgram } from './program.js';
import { createProgress } from './progress.js';

/**
 * Runs the command line `argv` (without `node` and the script) and resolves with the exit code:
 * 0 ok, 1 the operation failed, 2 usage error or bad input, 3 the database cannot be opened.
 * Never rejects.
 *
 * @example
 * ```ts
 * process.exitCode = await runCli(['models', 'history', 'direction', '--json'], processIo());
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const progress = createProgress(io.stderr);
  try {
    await createProgram({ io, progress }).parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    progress.clear();
    const report = errorReport(error);
    if (report !== undefined) io.stderr.write(`${report}\n`);
    return exitCodeOf(error);
  } finally {
    progress.clear();
  }
}
