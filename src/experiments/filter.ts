/**
 * The filter of `lab.experiments.list`: what may be asked for, and the opaque cursor that
 * continues a listing where the previous page ended.
 *
 * @module
 */
import { z } from 'zod';
import { ValidationError } from '../errors.js';
import type { ExperimentQuery, ExperimentRecord } from '../storage/records.js';
import { EXPERIMENT_TYPES, type ExperimentType, instant } from './definition.js';
import { EXPERIMENT_STATUSES, type ExperimentStatus } from './lifecycle.js';
import { parseInput } from './parse.js';

/** Largest page `list` returns. */
export const MAX_PAGE_SIZE = 1000;

const text = () =>
  z
    .string()
    .min(1, 'must not be empty')
    .refine((s) => !s.includes('\u0000'), 'must not contain a NUL character');
const status = z.enum(EXPERIMENT_STATUSES, {
  error: `must be one of ${EXPERIMENT_STATUSES.join(', ')}`,
});

const filterSchema = z.strictObject({
  status: z.union([status, z.array(status).min(1, 'must list at least one status')]).optional(),
  type: z
    .enum(EXPERIMENT_TYPES, { error: `must be one of ${EXPERIMENT_TYPES.join(', ')}` })
    .optional(),
  strategy: text().optional(),
  name: text().optional(),
  tag: text().optional(),
  gitCommit: text().optional(),
  configHash: text().optional(),
  parentId: text().optional(),
  createdFrom: instant().optional(),
  createdTo: instant().optional(),
  order: z
    .enum(['newest', 'oldest', 'queue'], { error: 'must be "newest", "oldest" or "queue"' })
    .default('newest'),
  limit: z
    .number()
    .int('must be an integer')
    .min(1, 'must be at least 1')
    .max(MAX_PAGE_SIZE, `must be at most ${MAX_PAGE_SIZE}`)
    .default(100),
  cursor: z.string().optional(),
});

/**
 * What `list` filters by. Every field is optional; given fields must all match.
 *
 * @example
 * ```ts
 * const filter: ExperimentFilter = { status: ['completed', 'failed'], strategy: 'rsi', limit: 50 };
 * ```
 */
export interface ExperimentFilter {
  /** One status or several. */
  status?: ExperimentStatus | readonly ExperimentStatus[];
  type?: ExperimentType;
  strategy?: string;
  /** Exact name. */
  name?: string;
  /** Experiments carrying this tag. */
  tag?: string;
  gitCommit?: string;
  configHash?: string;
  parentId?: string;
  /** Created at or after (a Date or an ISO 8601 string with a zone). */
  createdFrom?: Date | string;
  /** Created strictly before. */
  createdTo?: Date | string;
  /** `newest` first (default), `oldest` first, or the scheduler's `queue` order. */
  order?: 'newest' | 'oldest' | 'queue';
  /** Page size, 1 to 1000 (default 100). */
  limit?: number;
  /** `nextCursor` of the previous page (same filter and order). */
  cursor?: string;
}

/** A validated filter as a store query plus the page size. @internal */
export interface ParsedFilter {
  query: ExperimentQuery;
  limit: number;
  order: 'newest' | 'oldest' | 'queue';
}

/**
 * Validates a `list` filter and turns it into a store query (cursor decoded into `after`).
 *
 * @throws ValidationError naming the field (`filter.limit`, `filter.cursor`, ...).
 * @example
 * ```ts
 * parseFilter({ status: 'running' }).query.status; // ['running']
 * ```
 * @internal
 */
export function parseFilter(input: unknown = {}): ParsedFilter {
  const filter = parseInput(filterSchema, input ?? {}, 'filter', { prefix: true });
  const query: ExperimentQuery = { order: filter.order, limit: filter.limit };
  if (filter.status !== undefined) {
    query.status =
      typeof filter.status === 'string' ? [filter.status] : [...new Set(filter.status)];
  }
  if (filter.type !== undefined) query.type = filter.type;
  if (filter.strategy !== undefined) query.strategy = filter.strategy;
  if (filter.name !== undefined) query.name = filter.name;
  if (filter.tag !== undefined) query.tag = filter.tag;
  if (filter.gitCommit !== undefined) query.gitCommit = filter.gitCommit;
  if (filter.configHash !== undefined) query.configHash = filter.configHash;
  if (filter.parentId !== undefined) query.parentId = filter.parentId;
  if (filter.createdFrom !== undefined) query.createdFrom = filter.createdFrom;
  if (filter.createdTo !== undefined) query.createdTo = filter.createdTo;
  if (filter.cursor !== undefined) {
    if (filter.order === 'queue') {
      throw new ValidationError('filter.cursor', 'cannot continue the "queue" order', {
        received: filter.cursor,
      });
    }
    query.after = decodeCursor(filter.cursor, filter.order);
  }
  return { query, limit: filter.limit, order: filter.order };
}

/**
 * The cursor of the page after `last` in the given order: base64url of its creation time and id.
 *
 * @example
 * ```ts
 * encodeCursor(page.at(-1), 'newest'); // 'eyJvIjoibmV3ZXN0Ii…'
 * ```
 * @internal
 */
export function encodeCursor(
  last: Pick<ExperimentRecord, 'createdAt' | 'id'>,
  order: 'newest' | 'oldest',
): string {
  const payload = JSON.stringify({ o: order, t: last.createdAt.getTime(), i: last.id });
  return Buffer.from(payload, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, order: 'newest' | 'oldest'): { createdAt: Date; id: string } {
  const refuse = (rule: string) => new ValidationError('filter.cursor', rule, { received: cursor });
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw refuse('must be a cursor returned by list()');
  }
  if (typeof payload !== 'object' || payload === null) {
    throw refuse('must be a cursor returned by list()');
  }
  const { o, t, i } = payload as { o?: unknown; t?: unknown; i?: unknown };
  if (typeof t !== 'number' || !Number.isSafeInteger(t) || typeof i !== 'string' || i === '') {
    throw refuse('must be a cursor returned by list()');
  }
  if (o !== order) throw refuse(`was made for order "${String(o)}", not "${order}"`);
  return { createdAt: new Date(t), id: i };
}
