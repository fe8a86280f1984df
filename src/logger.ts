/**
 * Where quantlab reports what the caller cannot see from return values: a write-behind batch that
 * failed and will be retried, a slow migration. `console` fits; the default says nothing.
 *
 * @example
 * ```ts
 * const lab = await createLab(memory(), { logger: console });
 * ```
 */
export interface Logger {
  debug(message: string, context?: Record<string, unknown>): void;
  info(message: string, context?: Record<string, unknown>): void;
  warn(message: string, context?: Record<string, unknown>): void;
  error(message: string, context?: Record<string, unknown>): void;
}

/** A logger that drops everything. @internal */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
