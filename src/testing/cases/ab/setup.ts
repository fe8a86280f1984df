import type { AbTestDefinitionInput } from '../../../ab/definition.js';
import type { AbTest } from '../../../ab/types.js';
import type { Lab, LabOptions } from '../../../lab.js';
import { createRandom } from '../../../stats/random.js';
import type { LabFactory } from '../../labs.js';
import { manualClock } from '../../labs.js';

/** The model every A/B case routes between. @internal */
export const MODEL = 'direction';

/** A lab with `direction` 1.0.0 in production and 1.0.1 in staging, seeded random, manual clock. @internal */
export async function abLab(labs: LabFactory, options: LabOptions = {}) {
  const clock = manualClock();
  const lab = await labs({ clock, random: createRandom(42).uniform, ...options });
  const control = await lab.models.register({
    name: MODEL,
    artifact: new TextEncoder().encode('champion weights'),
    modelType: 'xgboost',
  });
  await lab.models.promote(MODEL, control.version, 'staging');
  await lab.models.promote(MODEL, control.version, 'production');
  const challenger = await lab.models.register({
    name: MODEL,
    artifact: new TextEncoder().encode('challenger weights'),
    modelType: 'xgboost',
  });
  await lab.models.promote(MODEL, challenger.version, 'staging');
  return { lab, clock, control, challenger };
}

let made = 0;

/** A valid two-variant definition (control = production, challenger = staging); override any field. @internal */
export function abDefinition(overrides: Record<string, unknown> = {}) {
  return {
    name: `ab test ${++made}`,
    variants: [
      { name: 'control', model: MODEL, stage: 'production' },
      { name: 'challenger', model: MODEL, stage: 'staging' },
    ],
    minSamplesPerVariant: 10,
    ...overrides,
  } as AbTestDefinitionInput;
}

/**
 * Records `values[i]` as the outcome of one prediction of `variant` (prediction 0 unless given)
 * and flushes. @internal
 */
export async function feed(
  lab: Lab,
  test: AbTest,
  variant: string,
  values: readonly number[],
  prediction = 0,
): Promise<string[]> {
  const ids: string[] = [];
  for (const value of values) {
    const id = lab.abTests.recordPrediction(test.id, { variant, prediction });
    await lab.abTests.recordOutcome(id, value);
    ids.push(id);
  }
  await lab.abTests.flush();
  return ids;
}
