/**
 * Page-Hinkley test (Page 1954), a port of River's `river.drift.PageHinkley`
 * (`river/drift/page_hinkley.py`, River 0.21+) that gives the same detections on the same stream.
 *
 * With x̄ₙ the running mean of the values so far (x̄ includes xₙ) and dₙ = xₙ − x̄ₙ, two fading
 * cumulative sums are kept,
 *
 *   Uₙ = α Uₙ₋₁ + dₙ − δ   (an increase of the mean pushes it up),
 *   Lₙ = α Lₙ₋₁ + dₙ + δ   (a decrease pushes it down),
 *
 * with min U and max L tracked (River starts them at +∞ and −1). From the `minInstances`-th value
 * on, a drift is an increase Uₙ − min U > λ (mode `'up'`), a decrease max L − Lₙ > λ (mode
 * `'down'`), or either (mode `'both'`, the default), λ being `threshold`. After a drift the next
 * update starts afresh. Page-Hinkley never signals a warning.
 *
 * `delta` and `threshold` are in the units of the input. River's defaults suit error-rate-sized
 * inputs (0/1 errors, or values with a standard deviation around 0.3: no false alarm in 1,000
 * stationary Bernoulli(0.1) streams of 2,000 values). On unit-variance data they fire on most
 * stationary streams of that length (73% of N(0, 1) streams; Siegmund's Brownian approximation
 * of the in-control run length, (e^a − a − 1) σ² / (2δ²) with a = 2δλ/σ², is about 3,000 values
 * per side there); scale `threshold` with the data's spread (200 for σ = 1: none of 1,000).
 *
 * @internal
 * @module
 */
import { ValidationError } from '../../errors.js';
import { checkCount, checkFiniteNumber } from '../../stats/validate.js';
import type { DriftDetector, DriftSignal } from './index.js';
import { checkStateFlag, checkStateHeader } from './state.js';

/**
 * Which change of the mean fires: an increase, a decrease or both.
 *
 * @example
 * ```ts
 * const mode: PageHinkleyMode = 'up'; // only a rising error level is a drift
 * ```
 */
export type PageHinkleyMode = 'up' | 'down' | 'both';

/**
 * Options of {@link createDetector} (River's names in camelCase; River's defaults).
 *
 * @example
 * ```ts
 * const options: PageHinkleyOptions = { threshold: 25, mode: 'up' };
 * ```
 */
export interface PageHinkleyOptions {
  /** No drift before this many values. Whole number ≥ 1; default 30. */
  readonly minInstances?: number;
  /** Magnitude of change tolerated per value, δ ≥ 0. Default 0.005. */
  readonly delta?: number;
  /** Detection threshold λ > 0. Default 50. */
  readonly threshold?: number;
  /** Forgetting factor α of the cumulative sums, in (0, 1]. Default 0.9999 (River's 1 − 0.0001). */
  readonly alpha?: number;
  /** `'up'`, `'down'` or `'both'` (default). */
  readonly mode?: PageHinkleyMode;
}

/**
 * The serialisable state of a Page-Hinkley detector (see {@link PageHinkleyDetector.state}).
 *
 * @example
 * ```ts
 * const state: PageHinkleyState = createPageHinkley().state();
 * // { kind: 'page-hinkley', version: 1, options: {...}, driftDetected: false, n: 0, mean: 0,
 * //   sumIncrease: 0, sumDecrease: 0, minIncrease: null, maxDecrease: -1 }
 * ```
 */
export interface PageHinkleyState {
  readonly kind: 'page-hinkley';
  readonly version: 1;
  readonly options: Required<PageHinkleyOptions>;
  /** The last update reported a drift: the next one starts afresh. */
  readonly driftDetected: boolean;
  /** Values seen since the last reset. */
  readonly n: number;
  /** Their running mean. */
  readonly mean: number;
  /** U, the fading cumulative sum for increases. */
  readonly sumIncrease: number;
  /** L, the fading cumulative sum for decreases. */
  readonly sumDecrease: number;
  /** min U so far; `null` before the first value (+∞ in River). */
  readonly minIncrease: number | null;
  /** max L so far (starts at −1, as in River). */
  readonly maxDecrease: number;
}

const DEFAULTS: Required<PageHinkleyOptions> = Object.freeze({
  minInstances: 30,
  delta: 0.005,
  threshold: 50,
  alpha: 1 - 0.0001,
  mode: 'both',
});

const OPTION_KEYS = Object.keys(DEFAULTS);
const MODES: readonly PageHinkleyMode[] = ['up', 'down', 'both'];
const QUIET: DriftSignal = Object.freeze({ drift: false, warning: false });
const DRIFT: DriftSignal = Object.freeze({ drift: true, warning: false });

/**
 * A Page-Hinkley detector (create it with {@link createDetector} or
 * `createDetector('page-hinkley')`).
 *
 * @example
 * ```ts
 * const ph = createPageHinkley({ mode: 'up' });
 * ph.update(0.3); // { drift: false, warning: false }
 * ```
 */
export class PageHinkleyDetector implements DriftDetector {
  /** Always `'page-hinkley'`. */
  readonly kind = 'page-hinkley' as const;
  /** The resolved options. */
  readonly options: Readonly<Required<PageHinkleyOptions>>;

  private readonly minInstances: number;
  private readonly delta: number;
  private readonly threshold: number;
  private readonly alpha: number;
  private readonly testUp: boolean;
  private readonly testDown: boolean;

  private n = 0;
  private mean = 0;
  private sumIncrease = 0;
  private sumDecrease = 0;
  private minIncrease = Number.POSITIVE_INFINITY;
  private maxDecrease = -1;
  private driftDetected = false;

  /** @internal Use {@link createDetector}. */
  constructor(options: Required<PageHinkleyOptions>) {
    this.options = Object.freeze({ ...options });
    this.minInstances = options.minInstances;
    this.delta = options.delta;
    this.threshold = options.threshold;
    this.alpha = options.alpha;
    this.testUp = options.mode !== 'down';
    this.testDown = options.mode !== 'up';
  }

  /**
   * Adds one value; `drift` is true when the test statistic crossed the threshold.
   *
   * @throws `ValidationError` (field `x`) when `x` is not a finite number.
   */
  update(x: number): DriftSignal {
    if (typeof x !== 'number' || x - x !== 0) {
      throw new ValidationError('x', 'must be a finite number', { received: x });
    }
    if (this.driftDetected) this.reset();
    // River's stats.Mean: n += 1; mean += (1 / n) * (x - mean).
    this.n += 1;
    this.mean += (1 / this.n) * (x - this.mean);
    const dev = x - this.mean;
    this.sumIncrease = this.alpha * this.sumIncrease + dev - this.delta;
    this.sumDecrease = this.alpha * this.sumDecrease + dev + this.delta;
    if (this.sumIncrease < this.minIncrease) this.minIncrease = this.sumIncrease;
    if (this.sumDecrease > this.maxDecrease) this.maxDecrease = this.sumDecrease;
    if (this.n >= this.minInstances) {
      this.driftDetected =
        (this.testUp && this.sumIncrease - this.minIncrease > this.threshold) ||
        (this.testDown && this.maxDecrease - this.sumDecrease > this.threshold);
    }
    return this.driftDetected ? DRIFT : QUIET;
  }

  /** Forgets every value seen (River's `_reset`). */
  reset(): void {
    this.n = 0;
    this.mean = 0;
    this.sumIncrease = 0;
    this.sumDecrease = 0;
    this.minIncrease = Number.POSITIVE_INFINITY;
    this.maxDecrease = -1;
    this.driftDetected = false;
  }

  /** A JSON-safe snapshot; `restorePageHinkley` (or `restoreDetector`) resumes from it. */
  state(): PageHinkleyState {
    return {
      kind: 'page-hinkley',
      version: 1,
      options: { ...this.options },
      driftDetected: this.driftDetected,
      n: this.n,
      mean: this.mean,
      sumIncrease: this.sumIncrease,
      sumDecrease: this.sumDecrease,
      minIncrease: this.minIncrease === Number.POSITIVE_INFINITY ? null : this.minIncrease,
      maxDecrease: this.maxDecrease,
    };
  }

  /** @internal Loads a validated state (see {@link restorePageHinkley}). */
  load(state: PageHinkleyState): void {
    this.n = state.n;
    this.mean = state.mean;
    this.sumIncrease = state.sumIncrease;
    this.sumDecrease = state.sumDecrease;
    this.minIncrease = state.minIncrease ?? Number.POSITIVE_INFINITY;
    this.maxDecrease = state.maxDecrease;
    this.driftDetected = state.driftDetected;
  }
}

/**
 * Creates a Page-Hinkley detector with River's defaults (minInstances 30, delta 0.005,
 * threshold 50, alpha 0.9999, mode `'both'`).
 *
 * @param options - See {@link PageHinkleyOptions}; unknown keys are rejected.
 * @throws `ValidationError` naming the field (`options.threshold`, ...) when an option is invalid.
 *
 * @example
 * ```ts
 * const ph = createPageHinkley({ threshold: 20, mode: 'up' });
 * if (ph.update(loss).drift) console.log('the loss went up');
 * ```
 */
export function createPageHinkley(options?: PageHinkleyOptions): PageHinkleyDetector {
  return new PageHinkleyDetector(resolveOptions(options, 'options'));
}

/**
 * Recreates a Page-Hinkley detector from {@link PageHinkleyDetector.state} (possibly after a
 * JSON round trip); it continues exactly as the original would have.
 *
 * @throws `ValidationError` naming the bad field when the state is malformed.
 *
 * @example
 * ```ts
 * const resumed = restorePageHinkley(JSON.parse(JSON.stringify(ph.state())));
 * ```
 */
export function restorePageHinkley(state: PageHinkleyState): PageHinkleyDetector {
  checkStateHeader(state, 'page-hinkley');
  const options = resolveOptions(state.options, 'state.options', true);
  checkStateFlag(state.driftDetected, 'state.driftDetected');
  checkCount(state.n, 'state.n');
  checkFiniteNumber(state.mean, 'state.mean');
  checkFiniteNumber(state.sumIncrease, 'state.sumIncrease');
  checkFiniteNumber(state.sumDecrease, 'state.sumDecrease');
  if (state.minIncrease !== null) checkFiniteNumber(state.minIncrease, 'state.minIncrease');
  if (state.n > 0 && state.minIncrease === null) {
    throw new ValidationError('state.minIncrease', 'must be a number once a value was seen', {
      received: null,
    });
  }
  checkFiniteNumber(state.maxDecrease, 'state.maxDecrease');
  const detector = new PageHinkleyDetector(options);
  detector.load(state);
  return detector;
}

function resolveOptions(
  options: PageHinkleyOptions | undefined,
  name: string,
  complete = false,
): Required<PageHinkleyOptions> {
  if (options === undefined && !complete) return DEFAULTS;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ValidationError(name, 'must be an options object', { received: options });
  }
  const given = options as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!OPTION_KEYS.includes(key)) {
      throw new ValidationError(
        `${name}.${key}`,
        `is not a Page-Hinkley option (${OPTION_KEYS.join(', ')})`,
      );
    }
  }
  const merged: Record<string, unknown> = { ...DEFAULTS };
  for (const key of OPTION_KEYS) {
    if (given[key] !== undefined) merged[key] = given[key];
    else if (complete) throw new ValidationError(`${name}.${key}`, 'is required');
  }
  const resolved = merged as Required<PageHinkleyOptions>;
  checkCount(resolved.minInstances, `${name}.minInstances`, 1);
  const { delta, threshold, alpha, mode } = resolved;
  if (typeof delta !== 'number' || !(delta >= 0) || !Number.isFinite(delta)) {
    throw new ValidationError(`${name}.delta`, 'must be a finite number of at least 0', {
      received: delta,
    });
  }
  if (typeof threshold !== 'number' || !(threshold > 0) || !Number.isFinite(threshold)) {
    throw new ValidationError(`${name}.threshold`, 'must be a finite number greater than 0', {
      received: threshold,
    });
  }
  if (typeof alpha !== 'number' || !(alpha > 0 && alpha <= 1)) {
    throw new ValidationError(`${name}.alpha`, 'must be a number in (0, 1]', { received: alpha });
  }
  if (!MODES.includes(mode)) {
    throw new ValidationError(`${name}.mode`, `must be one of ${MODES.join(', ')}`, {
      received: mode,
    });
  }
  return resolved;
}
