import { describe, expect, it } from 'vitest';
import type { RunningTotals } from '../storage/records.js';
import { exceedsCapacity, freeCapacity, type Limits, shortfall } from './capacity.js';

const none = { cpuCores: 0, memoryGb: 0, gpuUnits: 0, diskGb: 0 };
const running = (overrides: Partial<RunningTotals>): RunningTotals => ({
  count: 0,
  ...none,
  ...overrides,
});
const limits = (overrides: Partial<Limits['capacity']> = {}, maxConcurrent = Infinity): Limits => ({
  maxConcurrent,
  capacity: {
    cpuCores: Infinity,
    memoryGb: Infinity,
    gpuUnits: Infinity,
    diskGb: Infinity,
    ...overrides,
  },
});

describe('shortfall', () => {
  it('lets anything start without limits', () => {
    expect(
      shortfall(running({ count: 1000, cpuCores: 1e6 }), { ...none, cpuCores: 64 }, limits()),
    ).toBeUndefined();
  });

  it('refuses the experiment past maxConcurrent and names the limit', () => {
    expect(shortfall(running({ count: 1 }), none, limits({}, 2))).toBeUndefined();
    expect(shortfall(running({ count: 2 }), none, limits({}, 2))).toBe(
      '2 experiments are running, the limit is maxConcurrent 2',
    );
  });

  it('fills a dimension exactly, fractions included, and refuses beyond it', () => {
    const cap = limits({ cpuCores: 8, memoryGb: 0.3 });
    expect(
      shortfall(
        running({ count: 1, cpuCores: 6, memoryGb: 0.1 }),
        { ...none, cpuCores: 2, memoryGb: 0.2 },
        cap,
      ),
    ).toBeUndefined();
    expect(shortfall(running({ count: 1, cpuCores: 6 }), { ...none, cpuCores: 3 }, cap)).toBe(
      'cpuCores: 6 running + 3 requested exceeds the capacity of 8',
    );
  });
});

describe('freeCapacity', () => {
  it('reports what is left in the limited dimensions only', () => {
    const free = freeCapacity(
      running({ count: 1, cpuCores: 6 }),
      limits({ cpuCores: 8, gpuUnits: 1 }),
    );
    expect(Object.keys(free ?? {}).sort()).toEqual(['cpuCores', 'gpuUnits']);
    expect(free?.cpuCores).toBeCloseTo(2, 6);
  });

  it('is undefined at the concurrency limit', () => {
    expect(freeCapacity(running({ count: 3 }), limits({}, 3))).toBeUndefined();
  });
});

describe('exceedsCapacity', () => {
  it('names the first dimension no running set could ever fit', () => {
    expect(exceedsCapacity({ ...none, gpuUnits: 2 }, limits({ gpuUnits: 1 }))).toBe('gpuUnits');
    expect(exceedsCapacity({ ...none, gpuUnits: 1 }, limits({ gpuUnits: 1 }))).toBeUndefined();
  });
});
