import type { Lab, LabOptions } from '../../../lab.js';
import { createRandom } from '../../../stats/random.js';
import type { LabFactory } from '../../labs.js';
import { manualClock } from '../../labs.js';

/** The model every drift case checks. @internal */
export const DRIFT_MODEL = 'direction';

/** A lab with a manual clock and `direction` 1.0.0 registered and in production. @internal */
export async function driftLab(labs: LabFactory, options: LabOptions = {}) {
  const clock = manualClock();
  const lab: Lab = await labs({ clock, random: createRandom(7).uniform, ...options });
  const champion = await lab.models.register({
    name: DRIFT_MODEL,
    artifact: new TextEncoder().encode('champion weights'),
    modelType: 'lightgbm',
    features: ['spread', 'venue'],
  });
  await lab.models.promote(DRIFT_MODEL, champion.version, 'staging');
  await lab.models.promote(DRIFT_MODEL, champion.version, 'production');
  return { lab, clock, champion, model: { name: DRIFT_MODEL, version: champion.version } };
}

/** n draws of N(mean, sd) from a seeded source. @internal */
export function normals(n: number, mean: number, sd: number, seed: number): number[] {
  const random = createRandom(seed);
  return Array.from({ length: n }, () => random.normal(mean, sd));
}

/** n categories drawn with the given weights from a seeded source. @internal */
export function categories(
  n: number,
  weights: Readonly<Record<string, number>>,
  seed: number,
): string[] {
  const random = createRandom(seed);
  const entries = Object.entries(weights);
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  return Array.from({ length: n }, () => {
    let u = random.uniform() * total;
    for (const [name, w] of entries) {
      u -= w;
      if (u < 0) return name;
    }
    return (entries[entries.length - 1] as [string, number])[0];
  });
}

/**
 * Predictions with errors of N(0, sd): `predicted` is a seeded signal, `actual` the signal plus
 * the error. @internal
 */
export function predictionsWithError(n: number, sd: number, seed: number) {
  const random = createRandom(seed);
  const predicted: number[] = [];
  const actual: number[] = [];
  for (let i = 0; i < n; i++) {
    const p = random.normal(0, 1);
    predicted.push(p);
    actual.push(p + random.normal(0, sd));
  }
  return { predicted, actual };
}
