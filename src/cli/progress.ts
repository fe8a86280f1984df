/**
 * A progress line for steps that may take a while ("opening …", "computing results …"), on
 * stderr and only when stderr is a terminal: pipes, files and scripts see nothing of it.
 *
 * @module
 */

/** Where progress goes: a stream that says whether it is a terminal. */
export interface ProgressStream {
  readonly isTTY?: boolean | undefined;
  write(text: string): unknown;
}

/** Shows what the command is doing now, on one line that the next message replaces. */
export interface Progress {
  /** Shows `message` in place of the previous one. */
  update(message: string): void;
  /** Removes the line (before the result or an error is printed). */
  clear(): void;
}

const CLEAR_LINE = '\r\u001b[2K';

/**
 * A progress line on `stream`: the message with a trailing ` …`, rewritten in place; a no-op
 * when `stream` is not a terminal.
 *
 * @example
 * ```ts
 * const progress = createProgress(process.stderr);
 * progress.update('opening sqlite lab.db');
 * progress.clear();
 * ```
 */
export function createProgress(stream: ProgressStream): Progress {
  if (stream.isTTY !== true) return { update() {}, clear() {} };
  let shown = false;
  return {
    update(message) {
      stream.write(`${CLEAR_LINE}${message} …`);
      shown = true;
    },
    clear() {
      if (!shown) return;
      stream.write(CLEAR_LINE);
      shown = false;
    },
  };
}
