/**
 * The routing hot path of one loaded test: everything `route` needs precomputed in memory (the
 * hash assigner, cumulative weights, the bandit, and one frozen {@link Route} per variant), so a
 * call does no I/O and allocates nothing.
 *
 * @internal
 * @module
 */
import { ValidationError } from '../errors.js';
import type { ModelVersionRecord } from '../storage/records.js';
import { type ArmStats, type Bandit, createEpsilonGreedy, createThompson } from './bandits.js';
import { createHashAssigner, type HashAssigner } from './buckets.js';
import type { AbTest, Route, ShadowRoute } from './types.js';

/** A variant's model version and artifact bytes, loaded once. @internal */
export interface LoadedModel {
  readonly model: ModelVersionRecord;
  readonly artifact: Uint8Array;
}

/** Default per-arm floor of Thompson sampling: keeps every arm learning. @internal */
export function defaultMinWeight(arms: number): number {
  return Math.min(0.05, 1 / arms);
}

/**
 * The in-memory routing state of one test.
 *
 * @internal
 */
export class TestRouter {
  readonly #hash: HashAssigner | undefined;
  readonly #cumulative: Float64Array;
  readonly #random: () => number;
  readonly #coverage: number;
  readonly #shadow: boolean;
  /** Per variant: the route in the test, and the route of a unit sent to the control outside it. */
  readonly #inTest: Route[];
  readonly #control: Route;
  /** Stopped variants (their units get the control, not in the test). */
  readonly #stopped: Uint8Array;
  readonly bandit: Bandit | undefined;
  #running: boolean;
  test: AbTest;

  constructor(test: AbTest, models: readonly LoadedModel[], random: () => number) {
    this.test = test;
    this.#random = random;
    this.#coverage = test.coverage;
    this.#shadow = test.mode === 'shadow';
    const k = test.variants.length;
    const weights = test.variants.map((v) => v.weight);
    this.#hash =
      test.allocation === 'hash' && !this.#shadow
        ? createHashAssigner({ seed: test.hashSeed, weights, coverage: test.coverage })
        : undefined;
    this.#cumulative = new Float64Array(k);
    let total = 0;
    for (let i = 0; i < k; i++) {
      total += test.allocation === 'random' ? 1 / k : (weights[i] as number);
      this.#cumulative[i] = total;
    }
    const shadows: ShadowRoute[] = this.#shadow
      ? test.variants.slice(1).map((v, i) => {
          const loaded = models[i + 1] as LoadedModel;
          return Object.freeze({ variant: v.name, model: loaded.model, artifact: loaded.artifact });
        })
      : [];
    Object.freeze(shadows);
    const EMPTY: readonly ShadowRoute[] = Object.freeze([]);
    const route = (i: number, inTest: boolean): Route => {
      const loaded = models[i] as LoadedModel;
      return Object.freeze({
        variant: (test.variants[i] as { name: string }).name,
        variantIndex: i,
        model: loaded.model,
        artifact: loaded.artifact,
        inTest,
        shadows: i === 0 && inTest ? shadows : EMPTY,
      });
    };
    this.#inTest = test.variants.map((_, i) => route(i, true));
    this.#control = route(0, false);
    this.#stopped = new Uint8Array(k);
    this.bandit = createBandit(test, random);
    this.#running = test.status === 'running';
    this.update(test);
  }

  /** Takes a newer state of the same test (status, stopped variants). */
  update(test: AbTest): void {
    this.test = test;
    this.#running = test.status === 'running';
    this.#stopped.fill(0);
    for (const name of test.stoppedVariants) {
      const i = test.variants.findIndex((v) => v.name === name);
      if (i > 0) this.#stopped[i] = 1;
    }
  }

  /** The route of one unit; see `AbTestManager.route`. */
  route(unit: string | undefined): Route {
    if (!this.#running) return this.#control;
    if (this.#shadow) return this.#inTest[0] as Route;
    let index: number;
    if (this.#hash !== undefined) {
      if (typeof unit !== 'string' || unit.length === 0) {
        throw new ValidationError(
          'input.unit',
          'is required with hash allocation (a non-empty string: the same unit gets the same variant everywhere)',
          { received: unit },
        );
      }
      index = this.#hash(unit);
      if (index < 0) return this.#control;
    } else {
      if (unit !== undefined && typeof unit !== 'string') {
        throw new ValidationError('input.unit', 'must be a string', { received: unit });
      }
      if (this.#coverage < 1 && !(this.#random() < this.#coverage)) return this.#control;
      index = this.bandit !== undefined ? this.bandit.choose() : this.#draw();
    }
    if (this.#stopped[index] === 1) return this.#control;
    return this.#inTest[index] as Route;
  }

  /** Weighted or uniform draw from the cumulative weights. */
  #draw(): number {
    const u = this.#random() * (this.#cumulative[this.#cumulative.length - 1] as number);
    const cumulative = this.#cumulative;
    const last = cumulative.length - 1;
    for (let i = 0; i < last; i++) if (u < (cumulative[i] as number)) return i;
    return last;
  }

  /** Adds one outcome of the primary metric to the bandit (no-op for fixed splits). */
  observe(variantIndex: number, value: number): void {
    this.bandit?.observe(variantIndex, value);
  }

  /** Replaces the bandit's statistics with database aggregates. */
  replaceStats(stats: readonly ArmStats[]): void {
    this.bandit?.replaceStats(stats);
  }

  /** Index of a variant by name, or -1. */
  indexOf(variant: string): number {
    const variants = this.test.variants;
    for (let i = 0; i < variants.length; i++) {
      if ((variants[i] as { name: string }).name === variant) return i;
    }
    return -1;
  }
}

function createBandit(test: AbTest, random: () => number): Bandit | undefined {
  const arms = test.variants.length;
  if (test.mode === 'shadow') return undefined;
  if (test.allocation === 'epsilon-greedy') {
    return createEpsilonGreedy({
      arms,
      epsilon: test.epsilon ?? 0.1,
      higherIsBetter: test.higherIsBetter,
      metricKind: test.metricKind,
      random,
    });
  }
  if (test.allocation === 'thompson') {
    const common = {
      arms,
      higherIsBetter: test.higherIsBetter,
      minWeight: test.minWeight ?? defaultMinWeight(arms),
      random,
    };
    return test.metricKind === 'binary'
      ? createThompson({ ...common, metricKind: 'binary' })
      : createThompson({ ...common, metricKind: 'continuous' });
  }
  return undefined;
}
