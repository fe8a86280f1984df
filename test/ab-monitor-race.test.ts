import { describe, expect, it, vi } from 'vitest';
import { memory } from '../backends/memory/index.js';
import { createLab } from '../src/index.js';

describe('abTests.monitor in two labs over one store', () => {
  it('completes a test past its end time once, and the lab that lost the race reports nothing', async () => {
    const backend = memory();
    let now = new Date('2026-03-01T00:00:00Z').getTime();
    const clock = () => new Date(now);
    const errors = vi.fn();
    const a = await createLab(backend, { clock, onError: errors });
    const b = await createLab(backend, { clock, onError: errors, migrate: false });
    for (const label of ['x', 'y']) {
      await a.models.register({
        name: 'm',
        artifact: new TextEncoder().encode(label),
        modelType: 'custom',
      });
    }
    const test = await a.abTests.create({
      name: 'race',
      variants: [
        { name: 'control', model: 'm', version: '1.0.0' },
        { name: 'challenger', model: 'm', version: '1.0.1' },
      ],
      endAt: new Date(now + 1000),
    });
    now += 1000;
    const [fromA, fromB] = await Promise.all([a.abTests.monitor(), b.abTests.monitor()]);
    expect([...fromA, ...fromB].filter((x) => x.action === 'completed')).toHaveLength(1);
    expect(errors).not.toHaveBeenCalled();
    expect((await b.abTests.get(test.id)).status).toBe('completed');
    await a.close();
  });
});
