import { ValidationError } from '../errors.js';

/**
 * Bandit allocation for A/B tests: epsilon-greedy and Thompson sampling over per-arm sufficient
 * statistics. Pure and synchronous: `choose()` reads in-memory state, does no I/O and allocates
 * nothing (the per-arm posterior parameters live in typed arrays made once). Every random draw
 * comes from the injected uniform source, so the same source gives the same choices.
 *
 * The state of each arm is `{ n, sum, sumOfSquares }` (continuous metric) or `{ n, successes }`
 * (binary metric): `observe(arm, value)` adds one outcome in O(1), and `replaceStats(stats)`
 * replaces all arms at once with aggregates read from the database (the facade does this every
 * `refreshMs`; outcomes observed afterwards are added on top).
 *
 * @internal
 * @module
 */

/**
 * The kind of the metric a bandit optimises: `binary` outcomes are 0/1 (or booleans),
 * `continuous` outcomes any finite number.
 *
 * @example
 * ```ts
 * const kind: MetricKind = 'binary'; // a hit rate
 * ```
 */
export type MetricKind = 'binary' | 'continuous';

/**
 * Sufficient statistics of one arm for a continuous metric: the number of outcomes, their sum
 * and the sum of their squares (what the database aggregates per variant).
 *
 * @example
 * ```ts
 * const arm: ContinuousArmStats = { n: 3, sum: 0.6, sumOfSquares: 0.14 }; // outcomes 0.1, 0.2, 0.3
 * ```
 */
export interface ContinuousArmStats {
  /** Number of outcomes, a whole number ≥ 0. */
  readonly n: number;
  /** Sum of the outcomes, finite (0 when `n` is 0). */
  readonly sum: number;
  /** Sum of the squared outcomes, finite and ≥ 0 (0 when `n` is 0). */
  readonly sumOfSquares: number;
}

/**
 * Sufficient statistics of one arm for a binary metric.
 *
 * @example
 * ```ts
 * const arm: BinaryArmStats = { n: 200, successes: 113 };
 * ```
 */
export interface BinaryArmStats {
  /** Number of outcomes, a whole number ≥ 0. */
  readonly n: number;
  /** Number of outcomes equal to 1, a whole number from 0 to `n`. */
  readonly successes: number;
}

/**
 * The statistics of one arm, in either shape. Both shapes are accepted by every bandit: for a
 * binary metric `{ n, sum, sumOfSquares }` is read with `successes = sum` (a whole number from 0
 * to n), and for a continuous metric `{ n, successes }` is read as 0/1 outcomes
 * (`sum = sumOfSquares = successes`).
 *
 * @example
 * ```ts
 * const stats: ArmStats[] = [{ n: 100, successes: 48 }, { n: 100, sum: 55, sumOfSquares: 55 }];
 * ```
 */
export type ArmStats = ContinuousArmStats | BinaryArmStats;

/**
 * A bandit allocation strategy: picks the arm (variant index) for the next unit and learns from
 * outcomes.
 *
 * @example
 * ```ts
 * const bandit: Bandit = createThompson({ arms: 2, metricKind: 'binary', random: Math.random });
 * const arm = bandit.choose();
 * bandit.observe(arm, true);
 * ```
 */
export interface Bandit {
  /** The number of arms, k ≥ 2. */
  readonly arms: number;
  /** The metric kind outcomes are validated against. */
  readonly metricKind: MetricKind;
  /** The arm for the next unit, in [0, arms). Synchronous, no allocation. */
  choose(): number;
  /**
   * Adds one outcome to an arm in O(1).
   *
   * @throws ValidationError naming `arm` (not a whole number in [0, arms)) or `value` (binary:
   *   not 0, 1, true or false; continuous: not a finite number).
   */
  observe(arm: number, value: number | boolean): void;
  /**
   * Replaces every arm's statistics at once (for example with database aggregates). Atomic: on
   * a validation error nothing changes.
   *
   * @throws ValidationError naming the bad field, such as `stats[1].successes`.
   */
  replaceStats(stats: readonly ArmStats[]): void;
  /** A snapshot of the statistics: `{ n, successes }` (binary) or `{ n, sum, sumOfSquares }`. */
  stats(): ArmStats[];
  /**
   * Each arm's probability of being chosen by the next `choose()`, summing to 1, for reports.
   * Epsilon-greedy computes it exactly (`samples` is ignored); Thompson estimates it by Monte
   * Carlo and advances the random source.
   */
  weights(samples?: number): number[];
}

/**
 * Options of {@link createEpsilonGreedy}.
 *
 * @example
 * ```ts
 * const options: EpsilonGreedyOptions = { arms: 3, epsilon: 0.1, random: createRandom(7).uniform };
 * ```
 */
export interface EpsilonGreedyOptions {
  /** Number of arms, a whole number ≥ 2. */
  readonly arms: number;
  /** Probability of exploring (a uniform arm), in [0, 1]. */
  readonly epsilon: number;
  /** Whether a higher mean is better (default `true`). */
  readonly higherIsBetter?: boolean;
  /** How outcomes are validated (default `'continuous'`); the mean is the same either way. */
  readonly metricKind?: MetricKind;
  /** Uniform source in [0, 1), such as the lab's `random` or `createRandom(seed).uniform`. */
  readonly random: () => number;
  /** Initial statistics, one per arm (default all empty). */
  readonly stats?: readonly ArmStats[];
}

/**
 * Prior of a binary arm's rate: Beta(alpha, beta). The default Beta(1, 1) is uniform, so the
 * posterior is Beta(1 + successes, 1 + failures).
 *
 * @example
 * ```ts
 * const jeffreys: BetaPrior = { alpha: 0.5, beta: 0.5 };
 * ```
 */
export interface BetaPrior {
  /** Prior successes, finite and > 0 (default 1). */
  readonly alpha?: number;
  /** Prior failures, finite and > 0 (default 1). */
  readonly beta?: number;
}

/**
 * Prior of a continuous arm's mean, as `weight` pseudo-outcomes with mean `mean` and standard
 * deviation `sd` added to every arm (see {@link createThompson} for the exact posterior). By
 * default `mean` and `sd` are those of all outcomes of all arms pooled (an empirical-Bayes prior
 * in the metric's own units), and `weight` is 1, so the prior is worth one outcome.
 *
 * @example
 * ```ts
 * const prior: NormalPrior = { mean: 0, sd: 0.02, weight: 2 }; // daily PnL around 0, sd 2 %
 * ```
 */
export interface NormalPrior {
  /** Prior mean, finite (default: the pooled mean of all outcomes; 0 when there are none). */
  readonly mean?: number;
  /**
   * Prior standard deviation of one outcome, finite and > 0 (default: the pooled standard
   * deviation of all outcomes; 1 while fewer than 2 outcomes or all equal).
   */
  readonly sd?: number;
  /** Number of pseudo-outcomes the prior is worth, finite and > 0 (default 1). */
  readonly weight?: number;
}

interface ThompsonCommonOptions {
  /** Number of arms, a whole number ≥ 2. */
  readonly arms: number;
  /** Whether a higher rate or mean is better (default `true`). */
  readonly higherIsBetter?: boolean;
  /**
   * Floor of each arm's share of choices, in [0, 1 / arms] (default 0). See
   * {@link createThompson} for the mixing.
   */
  readonly minWeight?: number;
  /** Uniform source in [0, 1), such as the lab's `random` or `createRandom(seed).uniform`. */
  readonly random: () => number;
  /** Initial statistics, one per arm (default all empty). */
  readonly stats?: readonly ArmStats[];
}

/**
 * Options of {@link createThompson}: the common options plus `metricKind` and the matching
 * `prior`.
 *
 * @example
 * ```ts
 * const options: ThompsonOptions = {
 *   arms: 2,
 *   metricKind: 'binary',
 *   minWeight: 0.05,
 *   prior: { alpha: 1, beta: 1 },
 *   random: createRandom('test-1').uniform,
 * };
 * ```
 */
export type ThompsonOptions = ThompsonCommonOptions &
  (
    | { readonly metricKind: 'binary'; readonly prior?: BetaPrior }
    | { readonly metricKind: 'continuous'; readonly prior?: NormalPrior }
  );

/** Tolerance on `minWeight · arms ≤ 1`, so `minWeight: 1 / 3` with 3 arms is accepted. */
const MIX_TOLERANCE = 1e-12;

/**
 * Creates an epsilon-greedy bandit. `choose()`: with probability `epsilon` (one draw
 * `u < epsilon`) a uniform arm (a second draw); otherwise the first arm with no outcome yet, in
 * index order, or, when every arm has outcomes, the arm with the best mean (`sum / n`, highest or
 * lowest by `higherIsBetter`; ties go to the lowest index). So the best arm is chosen with
 * probability 1 − ε + ε / k. With `epsilon` 0 no random draw is made at all.
 *
 * @param options - see {@link EpsilonGreedyOptions}.
 * @returns the bandit; its `weights()` is exact: ε / k for every arm plus 1 − ε for the arm
 *   the exploit step would pick.
 * @throws ValidationError naming `options`, `arms`, `epsilon`, `higherIsBetter`, `metricKind`,
 *   `random` or `stats[i].field` for a value outside its rule.
 *
 * @example
 * ```ts
 * const bandit = createEpsilonGreedy({ arms: 2, epsilon: 0.1, random: createRandom(1).uniform });
 * bandit.observe(0, 0.4);
 * bandit.observe(1, 0.7);
 * bandit.choose(); // 1 with probability 0.95, 0 with probability 0.05
 * ```
 */
export function createEpsilonGreedy(options: EpsilonGreedyOptions): Bandit {
  checkOptions(options);
  const { epsilon, higherIsBetter = true, metricKind = 'continuous' } = options;
  const k = checkArms(options.arms);
  if (typeof epsilon !== 'number' || !(epsilon >= 0 && epsilon <= 1)) {
    throw new ValidationError('epsilon', 'must be a number in [0, 1]', { received: epsilon });
  }
  checkBoolean(higherIsBetter, 'higherIsBetter');
  checkMetricKind(metricKind);
  const uniform = checkedUniform(options.random);
  const table = new ArmTable(k, metricKind);
  if (options.stats !== undefined) table.replace(options.stats);
  const sign = higherIsBetter ? 1 : -1;

  const exploit = (): number => {
    const { n, sum } = table;
    for (let i = 0; i < k; i++) if ((n[i] as number) === 0) return i;
    let best = 0;
    let bestValue = (sign * (sum[0] as number)) / (n[0] as number);
    for (let i = 1; i < k; i++) {
      const value = (sign * (sum[i] as number)) / (n[i] as number);
      if (value > bestValue) {
        best = i;
        bestValue = value;
      }
    }
    return best;
  };

  return {
    arms: k,
    metricKind,
    choose: () => {
      if (epsilon > 0 && uniform() < epsilon) return uniformArm(uniform(), k);
      return exploit();
    },
    observe: (arm, value) => table.observe(arm, value),
    replaceStats: (stats) => table.replace(stats),
    stats: () => table.snapshot(),
    weights: () => {
      const weights = new Array<number>(k).fill(epsilon / k);
      const best = exploit();
      weights[best] = (weights[best] as number) + (1 - epsilon);
      return weights;
    },
  };
}

/**
 * Creates a Thompson-sampling bandit. `choose()` draws one sample from each arm's posterior and
 * picks the arm with the best sample (highest, or lowest when `higherIsBetter` is false; ties go
 * to the lowest index).
 *
 * Posteriors:
 * - **binary**: the rate of an arm is Beta(α₀ + successes, β₀ + failures), with the prior
 *   Beta(α₀, β₀) of {@link BetaPrior}, default Beta(1, 1) (uniform): Beta(1 + successes,
 *   1 + failures).
 * - **continuous**: the mean of an arm is Normal(m, s / √(n + w)), where the prior adds `w`
 *   pseudo-outcomes with mean m₀ and variance v₀ (see {@link NormalPrior}; by default m₀ and v₀
 *   are the mean and variance of all outcomes of all arms pooled, and w = 1):
 *   m = (sum + w·m₀) / (n + w) and s² = (SS + w·v₀) / (max(n − 1, 0) + w), where
 *   SS = sumOfSquares − sum² / n (clamped at 0) is the arm's sum of squared deviations.
 *   For large n this is Normal(mean, sd / √n). An arm with no outcome draws from
 *   Normal(m₀, √v₀) and one with a single outcome from Normal((x + m₀) / 2, √(v₀ / 2)): as wide
 *   as one outcome, far wider than the posterior of an arm with data, so arms with n < 2 are
 *   explored often, yet at random rather than all in a row (outcomes arrive late in live trading).
 *
 * Floor: with `minWeight` m > 0 and k arms, `choose()` first draws u and, when u < m·k, returns
 * a uniform arm (a second draw); otherwise it samples the posteriors. So arm i is chosen with
 * probability m·k · (1 / k) + (1 − m·k) · pᵢ = m + (1 − m·k) · pᵢ ≥ m, where pᵢ is the
 * probability that arm i has the best posterior sample. With m = 0 that draw is skipped.
 *
 * `weights(samples = 2000)` returns m + (1 − m·k) · p̂ᵢ, with p̂ᵢ the share of `samples`
 * posterior draws (from the same random source, which it advances) in which arm i is best.
 *
 * @param options - see {@link ThompsonOptions}.
 * @returns the bandit.
 * @throws ValidationError naming `options`, `arms`, `metricKind`, `higherIsBetter`, `minWeight`
 *   (not in [0, 1 / arms]), `random`, `prior.alpha`, `prior.beta`, `prior.mean`, `prior.sd`,
 *   `prior.weight` or `stats[i].field` for a value outside its rule.
 *
 * @example
 * ```ts
 * const bandit = createThompson({
 *   arms: 2,
 *   metricKind: 'binary',
 *   minWeight: 0.05,
 *   random: createRandom('ab-test-7').uniform,
 * });
 * bandit.replaceStats([{ n: 1000, successes: 500 }, { n: 1000, successes: 560 }]);
 * bandit.choose();  // 1 about 95 % of the time: 0.05 + 0.9 · P(arm 1 best ≈ 0.996)
 * bandit.weights(); // about [0.053, 0.947]: the floor keeps arm 0 at ≥ 5 %
 * ```
 */
export function createThompson(options: ThompsonOptions): Bandit {
  checkOptions(options);
  const { metricKind, higherIsBetter = true, minWeight = 0 } = options;
  const k = checkArms(options.arms);
  checkMetricKind(metricKind);
  checkBoolean(higherIsBetter, 'higherIsBetter');
  if (typeof minWeight !== 'number' || !(minWeight >= 0) || minWeight * k > 1 + MIX_TOLERANCE) {
    throw new ValidationError('minWeight', `must be a number in [0, 1 / arms] (arms = ${k})`, {
      received: minWeight,
    });
  }
  const mix = Math.min(1, minWeight * k);
  const uniform = checkedUniform(options.random);
  const sampler = createSampler(uniform);
  const table = new ArmTable(k, metricKind);
  const sign = higherIsBetter ? 1 : -1;

  const prior: unknown = options.prior;
  if (prior !== undefined && (prior === null || typeof prior !== 'object')) {
    throw new ValidationError('prior', 'must be an object', { received: prior });
  }
  const p = (prior ?? {}) as BetaPrior & NormalPrior;

  // The posterior parameters of each arm (binary: alpha, beta; continuous: location, scale),
  // recomputed only after the statistics change.
  const first = new Float64Array(k);
  const second = new Float64Array(k);
  let dirty = true;
  let refresh: () => void;
  let draw: (i: number) => number;

  if (metricKind === 'binary') {
    const alpha0 = p.alpha ?? 1;
    const beta0 = p.beta ?? 1;
    checkPositiveFinite(alpha0, 'prior.alpha');
    checkPositiveFinite(beta0, 'prior.beta');
    refresh = () => {
      const { n, sum } = table;
      for (let i = 0; i < k; i++) {
        first[i] = alpha0 + (sum[i] as number);
        second[i] = beta0 + (n[i] as number) - (sum[i] as number);
      }
    };
    draw = (i) => sampler.beta(first[i] as number, second[i] as number);
  } else {
    const { mean: fixedMean, sd: fixedSd, weight = 1 } = p;
    if (fixedMean !== undefined && (typeof fixedMean !== 'number' || !Number.isFinite(fixedMean))) {
      throw new ValidationError('prior.mean', 'must be a finite number', { received: fixedMean });
    }
    if (fixedSd !== undefined) checkPositiveFinite(fixedSd, 'prior.sd');
    checkPositiveFinite(weight, 'prior.weight');
    refresh = () => {
      const { n, sum, sumOfSquares } = table;
      let totalN = 0;
      let totalSum = 0;
      let totalSquares = 0;
      for (let i = 0; i < k; i++) {
        totalN += n[i] as number;
        totalSum += sum[i] as number;
        totalSquares += sumOfSquares[i] as number;
      }
      const m0 = fixedMean ?? (totalN > 0 ? totalSum / totalN : 0);
      let v0 = 1;
      if (fixedSd !== undefined) v0 = fixedSd * fixedSd;
      else if (totalN >= 2) {
        const pooled = (totalSquares - (totalSum * totalSum) / totalN) / (totalN - 1);
        if (pooled > 0 && Number.isFinite(pooled)) v0 = pooled;
      }
      for (let i = 0; i < k; i++) {
        const ni = n[i] as number;
        const si = sum[i] as number;
        const ss = ni > 0 ? Math.max(0, (sumOfSquares[i] as number) - (si * si) / ni) : 0;
        const variance = (ss + weight * v0) / (Math.max(ni - 1, 0) + weight);
        first[i] = (si + weight * m0) / (ni + weight);
        second[i] = Math.sqrt(variance / (ni + weight));
      }
    };
    draw = (i) => (first[i] as number) + (second[i] as number) * sampler.standardNormal();
  }
  if (options.stats !== undefined) table.replace(options.stats);

  /** The arm with the best posterior sample. */
  const sampleBest = (): number => {
    if (dirty) {
      refresh();
      dirty = false;
    }
    let best = 0;
    let bestValue = sign * draw(0);
    for (let i = 1; i < k; i++) {
      const value = sign * draw(i);
      if (value > bestValue) {
        best = i;
        bestValue = value;
      }
    }
    return best;
  };

  return {
    arms: k,
    metricKind,
    choose: () => {
      if (mix > 0 && uniform() < mix) return uniformArm(uniform(), k);
      return sampleBest();
    },
    observe: (arm, value) => {
      table.observe(arm, value);
      dirty = true;
    },
    replaceStats: (stats) => {
      table.replace(stats);
      dirty = true;
    },
    stats: () => table.snapshot(),
    weights: (samples = 2000) => {
      if (typeof samples !== 'number' || !Number.isSafeInteger(samples) || samples < 1) {
        throw new ValidationError('samples', 'must be a whole number of at least 1', {
          received: samples,
        });
      }
      const counts = new Array<number>(k).fill(0);
      for (let s = 0; s < samples; s++) {
        const best = sampleBest();
        counts[best] = (counts[best] as number) + 1;
      }
      return counts.map((c) => mix / k + ((1 - mix) * c) / samples);
    },
  };
}

/** Per-arm sufficient statistics in typed arrays; binary arms keep successes in `sum`. */
class ArmTable {
  readonly n: Float64Array;
  readonly sum: Float64Array;
  readonly sumOfSquares: Float64Array;

  constructor(
    readonly k: number,
    readonly kind: MetricKind,
  ) {
    this.n = new Float64Array(k);
    this.sum = new Float64Array(k);
    this.sumOfSquares = new Float64Array(k);
  }

  observe(arm: number, value: number | boolean): void {
    if (typeof arm !== 'number' || !Number.isInteger(arm) || arm < 0 || arm >= this.k) {
      throw new ValidationError('arm', `must be a whole number in [0, ${this.k})`, {
        received: arm,
      });
    }
    const x = value === true ? 1 : value === false ? 0 : value;
    if (this.kind === 'binary') {
      if (x !== 0 && x !== 1) {
        throw new ValidationError('value', 'must be 0, 1, true or false (binary metric)', {
          received: value,
        });
      }
    } else if (typeof x !== 'number' || !Number.isFinite(x)) {
      throw new ValidationError('value', 'must be a finite number', { received: value });
    }
    this.n[arm] = (this.n[arm] as number) + 1;
    this.sum[arm] = (this.sum[arm] as number) + x;
    this.sumOfSquares[arm] = (this.sumOfSquares[arm] as number) + x * x;
  }

  /** Validates every entry first, then writes, so a bad entry changes nothing. */
  replace(stats: readonly ArmStats[]): void {
    if (!Array.isArray(stats) || stats.length !== this.k) {
      throw new ValidationError('stats', `must be an array of ${this.k} arm statistics`, {
        received: Array.isArray(stats) ? stats.length : stats,
      });
    }
    const n = new Float64Array(this.k);
    const sum = new Float64Array(this.k);
    const squares = new Float64Array(this.k);
    for (let i = 0; i < this.k; i++) {
      const entry: unknown = stats[i];
      const name = `stats[${i}]`;
      if (entry === null || typeof entry !== 'object') {
        throw new ValidationError(name, 'must be { n, successes } or { n, sum, sumOfSquares }', {
          received: entry,
        });
      }
      const e = entry as {
        n?: unknown;
        successes?: unknown;
        sum?: unknown;
        sumOfSquares?: unknown;
      };
      const count = e.n;
      if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0) {
        throw new ValidationError(`${name}.n`, 'must be a whole number of at least 0', {
          received: count,
        });
      }
      let s: number;
      let q: number;
      if (e.successes !== undefined) {
        s = checkSuccesses(e.successes, count, `${name}.successes`);
        q = s;
      } else if (this.kind === 'binary') {
        s = checkSuccesses(e.sum, count, `${name}.sum`);
        q = s;
      } else {
        const es = e.sum;
        const eq = e.sumOfSquares;
        if (typeof es !== 'number' || !Number.isFinite(es)) {
          throw new ValidationError(`${name}.sum`, 'must be a finite number', { received: es });
        }
        if (typeof eq !== 'number' || !Number.isFinite(eq) || eq < 0) {
          throw new ValidationError(`${name}.sumOfSquares`, 'must be a finite number ≥ 0', {
            received: eq,
          });
        }
        if (count === 0 && (es !== 0 || eq !== 0)) {
          throw new ValidationError(name, 'must have sum and sumOfSquares 0 when n is 0', {
            received: entry,
          });
        }
        s = es;
        q = eq;
      }
      n[i] = count;
      sum[i] = s;
      squares[i] = q;
    }
    this.n.set(n);
    this.sum.set(sum);
    this.sumOfSquares.set(squares);
  }

  snapshot(): ArmStats[] {
    const out: ArmStats[] = [];
    for (let i = 0; i < this.k; i++) {
      const n = this.n[i] as number;
      const sum = this.sum[i] as number;
      out.push(
        this.kind === 'binary'
          ? { n, successes: sum }
          : { n, sum, sumOfSquares: this.sumOfSquares[i] as number },
      );
    }
    return out;
  }
}

/**
 * Normal and beta deviates from a uniform source: Marsaglia–Bray polar method (the second
 * deviate of each pair kept) and Marsaglia–Tsang gamma ("A simple method for generating gamma
 * variables", ACM TOMS 26(3), 2000), with the boost G(a) = G(a + 1) · U^(1/a) for a < 1; a beta
 * deviate is X / (X + Y) for X ~ Gamma(a), Y ~ Gamma(b), formed from their logarithms.
 * The same algorithms as `createRandom`, which cannot take an injected uniform source.
 */
function createSampler(uniform: () => number): {
  standardNormal: () => number;
  beta: (a: number, b: number) => number;
} {
  let hasSpare = false;
  let spare = 0;

  const standardNormal = (): number => {
    if (hasSpare) {
      hasSpare = false;
      return spare;
    }
    let u: number;
    let v: number;
    let q: number;
    do {
      u = 2 * uniform() - 1;
      v = 2 * uniform() - 1;
      q = u * u + v * v;
    } while (q >= 1 || q === 0);
    const f = Math.sqrt((-2 * Math.log(q)) / q);
    spare = v * f;
    hasSpare = true;
    return u * f;
  };

  const marsagliaTsang = (shape: number): number => {
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = standardNormal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = uniform();
      const x2 = x * x;
      if (u < 1 - 0.0331 * x2 * x2) return d * v;
      if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v;
    }
  };

  const logGamma = (shape: number): number => {
    if (shape >= 1) return Math.log(marsagliaTsang(shape));
    return Math.log(marsagliaTsang(shape + 1)) + Math.log(1 - uniform()) / shape;
  };

  const beta = (a: number, b: number): number => {
    const d = logGamma(b) - logGamma(a);
    // Both logs −∞ (subnormal shapes): the limit law is Bernoulli(a / (a + b)).
    if (Number.isNaN(d)) return uniform() * (a + b) < a ? 1 : 0;
    return 1 / (1 + Math.exp(d));
  };

  return { standardNormal, beta };
}

/** Wraps the injected source so a broken one fails loudly instead of returning arm k or NaN. */
function checkedUniform(random: unknown): () => number {
  if (typeof random !== 'function') {
    throw new ValidationError('random', 'must be a function returning a number in [0, 1)', {
      received: random,
    });
  }
  const source = random as () => unknown;
  return () => {
    const u = source();
    if (typeof u !== 'number' || !(u >= 0 && u < 1)) {
      throw new ValidationError('random', 'must return a number in [0, 1)', { received: u });
    }
    return u;
  };
}

/** A uniform arm from u in [0, 1) (guarding u · k rounding up to k). */
function uniformArm(u: number, k: number): number {
  const i = Math.floor(u * k);
  return i < k ? i : k - 1;
}

function checkOptions(options: unknown): void {
  if (options === null || typeof options !== 'object') {
    throw new ValidationError('options', 'must be an object', { received: options });
  }
}

function checkArms(arms: unknown): number {
  if (typeof arms !== 'number' || !Number.isSafeInteger(arms) || arms < 2) {
    throw new ValidationError('arms', 'must be a whole number of at least 2', { received: arms });
  }
  return arms;
}

function checkMetricKind(kind: unknown): void {
  if (kind !== 'binary' && kind !== 'continuous') {
    throw new ValidationError('metricKind', "must be 'binary' or 'continuous'", {
      received: kind,
    });
  }
}

function checkBoolean(value: unknown, name: string): void {
  if (typeof value !== 'boolean') {
    throw new ValidationError(name, 'must be a boolean', { received: value });
  }
}

function checkPositiveFinite(value: unknown, name: string): void {
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
    throw new ValidationError(name, 'must be a finite number greater than 0', { received: value });
  }
}

function checkSuccesses(value: unknown, n: number, name: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > n) {
    throw new ValidationError(name, `must be a whole number from 0 to n (${n})`, {
      received: value,
    });
  }
  return value;
}
