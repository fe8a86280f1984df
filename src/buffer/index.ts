/**
 * Internal: the bounded write-behind buffer the facades batch their hot-path writes through
 * (`logMetric`, `recordPrediction`, `recordOutcome`). Not part of the public API.
 *
 * @internal
 * @module
 */

export {
  type BufferTimers,
  WriteBehindBuffer,
  type WriteBehindOptions,
  type WriteBehindStats,
  type WriteErrorHandler,
} from './write-behind.js';
