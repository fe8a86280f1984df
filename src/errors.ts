/**
 * The errors quantlab throws. Every error is a {@link LabError} with a stable `code`, so callers
 * can branch on `err.code` or on `instanceof` (which holds across every `quantlab/*` subpath,
 * because they share one build chunk). A raw driver error never reaches the caller: it arrives
 * as the `cause` of a {@link BackendError}.
 *
 * @module
 */

/** The stable codes of {@link LabError} subclasses. */
export type LabErrorCode =
  | 'VALIDATION'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'INVALID_TRANSITION'
  | 'BACKPRESSURE'
  | 'BACKEND'
  | 'CLOSED';

/**
 * Base class of every error quantlab throws.
 *
 * @example
 * ```ts
 * try {
 *   await lab.close();
 * } catch (err) {
 *   if (err instanceof LabError) console.error(err.code, err.message);
 * }
 * ```
 */
export class LabError extends Error {
  /** A stable, machine-readable code. */
  readonly code: LabErrorCode;

  constructor(code: LabErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = new.target.name;
  }
}

/**
 * Input broke a rule. `field` names the offending field (a dotted path such as
 * `records[3].value`) and `rule` the rule it broke, so the message can be acted on.
 *
 * @example
 * ```ts
 * throw new ValidationError('value', 'must be a finite number', { received: Number.NaN });
 * ```
 */
export class ValidationError extends LabError {
  readonly field: string;
  readonly rule: string;

  constructor(field: string, rule: string, options?: { received?: unknown; cause?: unknown }) {
    const received =
      options && 'received' in options ? ` (received ${describe(options.received)})` : '';
    super('VALIDATION', `${field}: ${rule}${received}`, options);
    this.field = field;
    this.rule = rule;
  }
}

/**
 * The thing asked for does not exist.
 *
 * @example
 * ```ts
 * throw new NotFoundError('experiment', 'exp-1');
 * ```
 */
export class NotFoundError extends LabError {
  readonly entity: string;
  readonly id: string;

  constructor(entity: string, id: string, options?: { cause?: unknown }) {
    super('NOT_FOUND', `${entity} ${JSON.stringify(id)} not found`, options);
    this.entity = entity;
    this.id = id;
  }
}

/**
 * The change would break a uniqueness or consistency rule (a duplicate id, a version that exists,
 * a row another process changed first). Nothing was written.
 *
 * @example
 * ```ts
 * throw new ConflictError('experiment', 'exp-1', 'an experiment with this id exists');
 * ```
 */
export class ConflictError extends LabError {
  readonly entity: string;
  readonly id: string | undefined;

  constructor(
    entity: string,
    id: string | undefined,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      'CONFLICT',
      `${entity}${id === undefined ? '' : ` ${JSON.stringify(id)}`}: ${reason}`,
      options,
    );
    this.entity = entity;
    this.id = id;
  }
}

/**
 * A state machine refused a move (for example a completed experiment cannot start again).
 * Nothing was changed.
 *
 * @example
 * ```ts
 * throw new InvalidTransitionError('experiment', 'exp-1', 'completed', 'running');
 * ```
 */
export class InvalidTransitionError extends LabError {
  readonly entity: string;
  readonly id: string;
  readonly from: string;
  readonly to: string;

  constructor(entity: string, id: string, from: string, to: string, options?: { cause?: unknown }) {
    super(
      'INVALID_TRANSITION',
      `${entity} ${JSON.stringify(id)} cannot move from ${from} to ${to}`,
      options,
    );
    this.entity = entity;
    this.id = id;
    this.from = from;
    this.to = to;
  }
}

/**
 * A write-behind buffer is full: the call was refused at once and nothing was accepted. Slow
 * down, or `flush()` and retry.
 *
 * @example
 * ```ts
 * throw new BackpressureError('metrics', 10_000);
 * ```
 */
export class BackpressureError extends LabError {
  readonly buffer: string;
  readonly capacity: number;

  constructor(buffer: string, capacity: number) {
    super('BACKPRESSURE', `${buffer} buffer is full (${capacity} pending); retry after flush()`);
    this.buffer = buffer;
    this.capacity = capacity;
  }
}

/**
 * The storage backend failed. `backend` and `operation` say where; the driver's own error is the
 * `cause`.
 *
 * @example
 * ```ts
 * throw new BackendError('sqlite', 'experiments.insert', 'disk I/O error', { cause: driverError });
 * ```
 */
export class BackendError extends LabError {
  readonly backend: string;
  readonly operation: string;

  constructor(backend: string, operation: string, message: string, options?: { cause?: unknown }) {
    super('BACKEND', `${backend} backend: ${operation} failed: ${message}`, options);
    this.backend = backend;
    this.operation = operation;
  }
}

/**
 * The lab or backend was closed; it cannot be used any more.
 *
 * @example
 * ```ts
 * throw new ClosedError('sqlite backend');
 * ```
 */
export class ClosedError extends LabError {
  constructor(what: string) {
    super('CLOSED', `${what} is closed`);
  }
}

function describe(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
    return String(value);
  }
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  }
  if (value instanceof Date)
    return `Date(${Number.isNaN(value.getTime()) ? 'invalid' : value.toISOString()})`;
  if (Array.isArray(value)) return `array(${value.length})`;
  return typeof value;
}
