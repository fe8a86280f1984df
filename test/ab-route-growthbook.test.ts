import { type Experiment, GrowthBook } from '@growthbook/growthbook';
import { describe, expect, it } from 'vitest';
import { memory } from '../backends/memory/index.js';
import { createLab, type Lab } from '../src/index.js';
import { createRandom } from '../src/stats/random.js';

/**
 * `lab.abTests.route` end to end against the `@growthbook/growthbook` package: for thousands of
 * units (ASCII, accented, CJK, emoji), the variant a hash test routes a unit to is the variation
 * GrowthBook's `run()` picks for attribute `id = unit` with the same key (the test id, or the
 * hash seed), weights, coverage and hash version 2; units GrowthBook leaves out of the
 * experiment get the control with `inTest: false`.
 */

const random = createRandom('quantlab/ab route vs growthbook');

function units(count: number): string[] {
  const pools: [number, number][] = [
    [0x30, 0x7a],
    [0xc0, 0x24f],
    [0x4e00, 0x9fff],
    [0x1f300, 0x1faff],
  ];
  const out = new Set<string>(['acct-1', '用户-7', '😀', 'ñandú', 'a'.repeat(300)]);
  while (out.size < count) {
    let unit = '';
    const length = 1 + random.int(24);
    for (let i = 0; i < length; i++) {
      const [lo, hi] = pools[random.int(pools.length)] as [number, number];
      unit += String.fromCodePoint(lo + random.int(hi - lo + 1));
    }
    out.add(unit);
  }
  return [...out];
}

async function labWithModels(): Promise<Lab> {
  const lab = await createLab(memory(), { random: createRandom(1).uniform });
  for (let i = 0; i < 3; i++) {
    await lab.models.register({
      name: 'm',
      artifact: new TextEncoder().encode(`weights ${i}`),
      modelType: 'custom',
    });
  }
  return lab;
}

const configs = [
  { weights: [0.5, 0.5], coverage: 1, hashSeed: undefined },
  { weights: [0.2, 0.3, 0.5], coverage: 0.99, hashSeed: undefined },
  { weights: [0.34, 0.33, 0.33], coverage: 0.5, hashSeed: 'shared-seed' },
  { weights: [0.9, 0.1], coverage: 0.25, hashSeed: 'another seed ✓' },
] as const;

describe('abTests.route agrees with the GrowthBook SDK', () => {
  const all = units(5000);

  for (const config of configs) {
    it(`weights ${config.weights.join('/')}, coverage ${config.coverage}${config.hashSeed ? `, seed ${config.hashSeed}` : ''}`, async () => {
      const lab = await labWithModels();
      const test = await lab.abTests.create({
        name: 'agreement',
        variants: config.weights.map((weight, i) => ({
          name: `v${i}`,
          model: 'm',
          version: `1.0.${i}`,
          weight,
        })),
        coverage: config.coverage,
        ...(config.hashSeed === undefined ? {} : { hashSeed: config.hashSeed }),
      });
      const gb = new GrowthBook({ attributes: {} });
      const experiment: Experiment<number> = {
        key: test.id,
        variations: config.weights.map((_, i) => i) as [number, number, ...number[]],
        weights: [...config.weights],
        coverage: config.coverage,
        hashVersion: 2,
        ...(config.hashSeed === undefined ? {} : { seed: config.hashSeed }),
      };
      let inTest = 0;
      for (const unit of all) {
        await gb.setAttributes({ id: unit });
        const expected = gb.run(experiment);
        const route = lab.abTests.route(test.id, { unit });
        expect(route.inTest, unit).toBe(expected.inExperiment);
        expect(route.variantIndex, unit).toBe(expected.inExperiment ? expected.variationId : 0);
        expect(route.model.version).toBe(`1.0.${route.variantIndex}`);
        if (route.inTest) inTest++;
      }
      // Coverage is honoured (binomial bounds, 5000 units).
      const share = inTest / all.length;
      expect(Math.abs(share - config.coverage)).toBeLessThan(
        4 * Math.sqrt((config.coverage * (1 - config.coverage)) / all.length) + 1e-9,
      );
      await lab.close();
    });
  }
});
