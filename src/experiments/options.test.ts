import { describe, expect, it } from 'vitest';
import { resolveExperimentOptions } from './options.js';

describe('resolveExperimentOptions', () => {
  it('applies the documented defaults', () => {
    expect(resolveExperimentOptions()).toEqual({
      maxConcurrent: Number.POSITIVE_INFINITY,
      capacity: {
        cpuCores: Number.POSITIVE_INFINITY,
        memoryGb: Number.POSITIVE_INFINITY,
        gpuUnits: Number.POSITIVE_INFINITY,
        diskGb: Number.POSITIVE_INFINITY,
      },
      uniqueNameWindowDays: 30,
      cleanupAfterDays: 30,
      durability: 'buffered',
      buffer: { maxBatch: 1000, flushIntervalMs: 200, capacity: 100_000, maxRetries: 10 },
      provenance: { capture: true, cwd: undefined },
    });
  });

  it('keeps what is given', () => {
    const options = resolveExperimentOptions({
      maxConcurrent: 3,
      resources: { cpuCores: 8, gpuUnits: 0 },
      uniqueNameWindowDays: 0,
      durability: 'sync',
      buffer: { maxRetries: Number.POSITIVE_INFINITY },
      provenance: { capture: false, cwd: '/srv/bot' },
    });
    expect(options.maxConcurrent).toBe(3);
    expect(options.capacity).toMatchObject({ cpuCores: 8, gpuUnits: 0 });
    expect(options.uniqueNameWindowDays).toBe(0);
    expect(options.durability).toBe('sync');
    expect(options.buffer.maxRetries).toBe(Number.POSITIVE_INFINITY);
    expect(options.provenance).toEqual({ capture: false, cwd: '/srv/bot' });
  });

  it.each([
    [{ maxConcurrent: 0 }, 'options.experiments.maxConcurrent'],
    [{ maxConcurrent: 1.5 }, 'options.experiments.maxConcurrent'],
    [{ resources: { cpuCores: -1 } }, 'options.experiments.resources.cpuCores'],
    [{ resources: { cores: 1 } }, 'options.experiments.resources.cores'],
    [{ durability: 'eventually' }, 'options.experiments.durability'],
    [{ buffer: { capacity: 0 } }, 'options.experiments.buffer.capacity'],
    [{ uniqueNameWindowDays: -1 }, 'options.experiments.uniqueNameWindowDays'],
    [{ colour: 'red' }, 'options.experiments.colour'],
  ])('refuses %j, naming %s', (input, field) => {
    expect(() => resolveExperimentOptions(input)).toThrow(expect.objectContaining({ field }));
  });
});
