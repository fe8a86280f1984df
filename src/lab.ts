import { z } from 'zod';
import { ValidationError } from './errors.js';
import { type Logger, silentLogger } from './logger.js';
import type { BackendInfo, StorageBackend } from './storage/backend.js';

/** Options of {@link createLab}. */
export interface LabOptions {
  /** The lab's clock; inject a fixed one in tests. Default: the system clock. */
  clock?: () => Date;
  /** Uniform random numbers in [0, 1); inject a seeded one in tests. Default: `Math.random`. */
  random?: () => number;
  /** Where background problems are reported. Default: silent. */
  logger?: Logger;
  /** Bring the schema up to date before returning (default true). */
  migrate?: boolean;
}

const optionsSchema = z.strictObject({
  clock: z
    .custom<() => Date>((v) => typeof v === 'function', 'must be a function returning a Date')
    .optional(),
  random: z
    .custom<() => number>((v) => typeof v === 'function', 'must be a function returning a number')
    .optional(),
  logger: z
    .custom<Logger>(
      (v) =>
        typeof v === 'object' &&
        v !== null &&
        ['debug', 'info', 'warn', 'error'].every(
          (m) => typeof (v as Record<string, unknown>)[m] === 'function',
        ),
      'must have debug, info, warn and error methods',
    )
    .optional(),
  migrate: z.boolean().optional(),
});

/** A running lab: the facades over one storage backend. Close it (or `await using` it) when done. */
export interface Lab extends AsyncDisposable {
  /** Which backend the lab stores into, and the schema version it found or migrated to. */
  readonly info: LabInfo;
  /**
   * Flushes every buffer and releases what the lab opened, including the backend's own
   * connections (never a driver instance the caller passed to the backend). Idempotent.
   */
  close(): Promise<void>;
}

/** Identity of a lab's storage. */
export interface LabInfo {
  readonly backend: BackendInfo;
  /** The last migration applied, or `'unmigrated'` with `migrate: false`. */
  readonly schemaVersion: string;
}

/**
 * Creates a lab over a storage backend, migrating its schema first (unless `migrate: false`).
 * The lab owns the backend from then on: `lab.close()` closes it. When migrating fails, the
 * backend is closed and the error is thrown.
 *
 * @example
 * ```ts
 * import { createLab } from 'quantlab';
 * import { sqlite } from 'quantlab/sqlite';
 *
 * await using lab = await createLab(sqlite({ filename: 'lab.db' }));
 * console.log(lab.info.backend.kind); // 'sqlite'
 * ```
 */
export async function createLab(backend: StorageBackend, options: LabOptions = {}): Promise<Lab> {
  if (typeof backend !== 'object' || backend === null || typeof backend.migrate !== 'function') {
    throw new ValidationError(
      'backend',
      'must be a StorageBackend such as memory() or sqlite({...})',
      {
        received: backend,
      },
    );
  }
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ValidationError(
      `options${issue?.path.length ? `.${issue.path.join('.')}` : ''}`,
      issue?.message ?? 'invalid',
    );
  }
  const logger = options.logger ?? silentLogger;
  let schemaVersion = 'unmigrated';
  if (options.migrate !== false) {
    try {
      const result = await backend.migrate();
      schemaVersion = result.version;
      if (result.applied.length > 0) {
        logger.info('quantlab migrated the schema', {
          backend: backend.info.kind,
          applied: result.applied,
        });
      }
    } catch (error) {
      await backend.close().catch(() => {});
      throw error;
    }
  }
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= backend.close();
    return closing;
  };
  return {
    info: { backend: backend.info, schemaVersion },
    close,
    [Symbol.asyncDispose]: close,
  };
}
