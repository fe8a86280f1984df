import { BackendError, ClosedError, ConflictError, LabError, ValidationError } from '../errors.js';
import type { TransactionOptions } from './backend.js';

/** What a unique-key clash means for the caller of one operation. @internal */
export interface ConflictTarget {
  readonly entity: string;
  readonly id?: string;
}

/**
 * Runs backend operations so that only {@link LabError}s come out: a closed backend answers with
 * `ClosedError`, a unique-key clash with `ConflictError`, any other driver error with a
 * `BackendError` naming the backend and the operation, with the driver's error as `cause`.
 *
 * @internal
 */
export class OperationGuard {
  #closed = false;

  constructor(
    private readonly kind: string,
    private readonly isUniqueViolation: (error: unknown) => boolean = () => false,
  ) {}

  get closed(): boolean {
    return this.#closed;
  }

  /** Marks the backend closed; returns false when it already was. */
  close(): boolean {
    if (this.#closed) return false;
    this.#closed = true;
    return true;
  }

  assertOpen(): void {
    if (this.#closed) throw new ClosedError(`${this.kind} backend`);
  }

  async run<T>(operation: string, fn: () => Promise<T>, conflict?: ConflictTarget): Promise<T> {
    this.assertOpen();
    try {
      return await fn();
    } catch (error) {
      throw this.wrap(error, operation, conflict);
    }
  }

  wrap(error: unknown, operation: string, conflict?: ConflictTarget): LabError {
    if (error instanceof LabError) return error;
    if (conflict && this.isUniqueViolation(error)) {
      return new ConflictError(conflict.entity, conflict.id, 'already exists', { cause: error });
    }
    if (this.#closed) return new ClosedError(`${this.kind} backend`);
    const message = error instanceof Error ? error.message : String(error);
    return new BackendError(this.kind, operation, message, { cause: error });
  }

  /**
   * Runs a transaction body: an error thrown by the caller's own code comes out unchanged, an
   * error of the driver (BEGIN, COMMIT) is wrapped.
   */
  async transaction<T>(
    run: (body: <R>(fn: () => Promise<R>) => Promise<R>) => Promise<T>,
  ): Promise<T> {
    this.assertOpen();
    let thrownByBody: { error: unknown } | undefined;
    const body = async <R>(fn: () => Promise<R>): Promise<R> => {
      try {
        return await fn();
      } catch (error) {
        thrownByBody = { error };
        throw error;
      }
    };
    try {
      return await run(body);
    } catch (error) {
      if (thrownByBody && thrownByBody.error === error) throw error;
      throw this.wrap(error, 'transaction');
    }
  }
}

/** The lock name of transaction options, checked: a non-empty string or absent. @internal */
export function checkLockName(options: TransactionOptions | undefined): string | undefined {
  const lock = options?.lock;
  if (lock !== undefined && (typeof lock !== 'string' || lock.length === 0)) {
    throw new ValidationError('options.lock', 'must be a non-empty string', { received: lock });
  }
  return lock;
}
