/**
 * Scheduling arithmetic: whether one more experiment fits beside the running ones, and how much
 * capacity is left for `next()` to fill.
 *
 * @module
 */
import type { ResourceDemand, RunningTotals } from '../storage/records.js';

/** The resource dimensions, in the order they are reported. */
export const RESOURCE_DIMENSIONS = ['cpuCores', 'memoryGb', 'gpuUnits', 'diskGb'] as const;

/** The lab's limits: at most `maxConcurrent` running, and a capacity per dimension. @internal */
export interface Limits {
  maxConcurrent: number;
  capacity: ResourceDemand;
}

/** Slack for sums of fractional demands (0.1 + 0.2 fits in 0.3). */
const EPSILON = 1e-9;

/**
 * Why starting an experiment with `demand` beside the `running` ones would break a limit, or
 * `undefined` when it fits.
 *
 * @example
 * ```ts
 * shortfall({ count: 2, cpuCores: 6, memoryGb: 0, gpuUnits: 0, diskGb: 0 },
 *   { cpuCores: 4, memoryGb: 0, gpuUnits: 0, diskGb: 0 },
 *   { maxConcurrent: 8, capacity: { cpuCores: 8, memoryGb: Infinity, gpuUnits: Infinity, diskGb: Infinity } });
 * // 'cpuCores: 6 running + 4 requested exceeds the capacity of 8'
 * ```
 * @internal
 */
export function shortfall(
  running: RunningTotals,
  demand: ResourceDemand,
  limits: Limits,
): string | undefined {
  if (running.count + 1 > limits.maxConcurrent) {
    return `${running.count} experiments are running, the limit is maxConcurrent ${limits.maxConcurrent}`;
  }
  for (const dimension of RESOURCE_DIMENSIONS) {
    const capacity = limits.capacity[dimension];
    if (running[dimension] + demand[dimension] > capacity + EPSILON) {
      return `${dimension}: ${running[dimension]} running + ${demand[dimension]} requested exceeds the capacity of ${capacity}`;
    }
  }
  return undefined;
}

/**
 * The capacity left per limited dimension (unlimited ones left out), or `undefined` when no
 * further experiment may start at all (the concurrency limit is reached).
 *
 * @example
 * ```ts
 * freeCapacity(totals, limits); // { cpuCores: 2 } when 6 of 8 cores are taken
 * ```
 * @internal
 */
export function freeCapacity(
  running: RunningTotals,
  limits: Limits,
): Partial<ResourceDemand> | undefined {
  if (running.count >= limits.maxConcurrent) return undefined;
  const free: Partial<ResourceDemand> = {};
  for (const dimension of RESOURCE_DIMENSIONS) {
    const capacity = limits.capacity[dimension];
    if (Number.isFinite(capacity)) {
      free[dimension] = Math.max(0, capacity - running[dimension]) + EPSILON;
    }
  }
  return free;
}

/**
 * The first dimension where `demand` alone exceeds the capacity (it could never start), or
 * `undefined`.
 *
 * @example
 * ```ts
 * exceedsCapacity({ cpuCores: 32, memoryGb: 0, gpuUnits: 0, diskGb: 0 }, limits); // 'cpuCores'
 * ```
 * @internal
 */
export function exceedsCapacity(
  demand: ResourceDemand,
  limits: Limits,
): (typeof RESOURCE_DIMENSIONS)[number] | undefined {
  return RESOURCE_DIMENSIONS.find((d) => demand[d] > limits.capacity[d] + EPSILON);
}
