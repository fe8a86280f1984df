/**
 * KSWIN, Kolmogorov-Smirnov WINdowing (Raab, Heusinger and Schleif 2020), a port of River's
 * `river.drift.KSWIN` (`river/drift/kswin.py`, River 0.21+).
 *
 * A sliding window Ψ of the last `windowSize` values is kept. Once it is full, every update
 * draws `statSize` distinct positions uniformly from the older `windowSize − statSize` values
 * (the sample W) and compares them with the `statSize` most recent values (R) by a two-sample
 * two-sided Kolmogorov-Smirnov test (`ksTwoSample`, SciPy's `ks_2samp(method='auto')`, as River
 * calls it). A drift is a p-value ≤ `alpha` together with a statistic D > 0.1 (River's extra
 * condition). After a drift the next update starts from an empty window and re-seeds the
 * sampler, as River's `_reset` does.
 *
 * Differences from River: the positions are drawn with quantlab's seeded generator
 * (`createRandom(seed)`, a partial Fisher-Yates shuffle) instead of Python's
 * `random.Random(seed).sample`, so on a given stream the detections can differ from River's by
 * a few values (they agree in distribution); and the seed defaults to 0 instead of River's
 * `None` (fresh entropy), so a run can be replayed.
 *
 * Each update with a full window copies and sorts two samples of `statSize` values (O(statSize
 * log statSize)); KSWIN is the one detector here whose `update` allocates.
 *
 * @internal
 * @module
 */
import { ValidationError } from '../../errors.js';
import { ksTwoSample } from '../../stats/ks.js';
import {
  createRandom,
  type Random,
  type RandomState,
  randomFromState,
} from '../../stats/random.js';
import { checkCount, checkFiniteNumber } from '../../stats/validate.js';
import type { DriftDetector, DriftSignal } from './index.js';
import { checkStateFlag, checkStateHeader } from './state.js';

/**
 * Options of {@link createDetector} (River's names in camelCase; River's defaults but the seed).
 *
 * @example
 * ```ts
 * const options: KswinOptions = { alpha: 0.0001, windowSize: 200, statSize: 100, seed: 42 };
 * ```
 */
export interface KswinOptions {
  /** Significance level of the KS test, in (0, 1); River advises below 0.01. Default 0.005. */
  readonly alpha?: number;
  /** Length of the sliding window. Whole number ≥ 2 × statSize; default 100. */
  readonly windowSize?: number;
  /** Size of the recent sample R and of the drawn sample W. Whole number ≥ 1; default 30. */
  readonly statSize?: number;
  /** Seed of the sampler (a safe integer or a string, as `createRandom`). Default 0. */
  readonly seed?: number | string;
  /**
   * Values already collected, to avoid a cold start (River's `window`): the last `windowSize` of
   * them fill the window at creation. A reset (and so a drift) empties it, as in River. Not
   * part of the state's options.
   */
  readonly window?: ArrayLike<number>;
}

/**
 * The resolved options of a KSWIN detector, as its state stores them (no initial `window`).
 *
 * @example
 * ```ts
 * const settings: KswinSettings = { alpha: 0.005, windowSize: 100, statSize: 30, seed: 0 };
 * ```
 */
export type KswinSettings = Required<Omit<KswinOptions, 'window'>>;

/**
 * The serialisable state of a KSWIN detector (see {@link KswinDetector.state}).
 *
 * @example
 * ```ts
 * const state: KswinState = createKswin().state();
 * // { kind: 'kswin', version: 1, options: {...}, driftDetected: false, n: 0, pValue: 0,
 * //   window: [], random: { algorithm: 'xoshiro128**', s: [...], spare: null } }
 * ```
 */
export interface KswinState {
  readonly kind: 'kswin';
  readonly version: 1;
  readonly options: KswinSettings;
  /** The last update reported a drift: the next one starts from an empty window. */
  readonly driftDetected: boolean;
  /** Values seen since the last reset. */
  readonly n: number;
  /** p-value of the last KS test (0 before the first, as in River). */
  readonly pValue: number;
  /** The window's values, oldest first; at most `windowSize`. */
  readonly window: readonly number[];
  /** The sampler's state. */
  readonly random: RandomState;
}

const DEFAULTS: KswinSettings = Object.freeze({
  alpha: 0.005,
  windowSize: 100,
  statSize: 30,
  seed: 0,
});

const OPTION_KEYS = Object.keys(DEFAULTS);
const QUIET: DriftSignal = Object.freeze({ drift: false, warning: false });
const DRIFT: DriftSignal = Object.freeze({ drift: true, warning: false });
/** River fires only when the KS statistic also exceeds this. */
const MIN_STATISTIC = 0.1;

/**
 * A KSWIN detector (create it with {@link createDetector} or `createDetector('kswin')`).
 *
 * @example
 * ```ts
 * const kswin = createKswin({ alpha: 0.001, seed: 'feature-7' });
 * kswin.update(spread);
 * kswin.pValue; // of the last test
 * ```
 */
export class KswinDetector implements DriftDetector {
  /** Always `'kswin'`. */
  readonly kind = 'kswin' as const;
  /** The resolved options. */
  readonly options: Readonly<KswinSettings>;

  private readonly alpha: number;
  private readonly windowSize: number;
  private readonly statSize: number;
  /** Ring buffer of the window: logical position i is `buffer[(head + i) % windowSize]`. */
  private readonly buffer: Float64Array;
  private readonly pool: Int32Array;
  private readonly drawn: Float64Array;
  private readonly recent: Float64Array;
  private head = 0;
  private length = 0;
  private n = 0;
  private lastPValue = 0;
  private driftDetected = false;
  private random: Random;

  /** @internal Use {@link createDetector}. */
  constructor(options: KswinSettings) {
    this.options = Object.freeze({ ...options });
    this.alpha = options.alpha;
    this.windowSize = options.windowSize;
    this.statSize = options.statSize;
    this.buffer = new Float64Array(options.windowSize);
    this.pool = new Int32Array(options.windowSize - options.statSize);
    this.drawn = new Float64Array(options.statSize);
    this.recent = new Float64Array(options.statSize);
    this.random = createRandom(options.seed);
  }

  /** p-value of the last KS test (0 before the first, as River's `p_value`). */
  get pValue(): number {
    return this.lastPValue;
  }

  /**
   * Adds one value; `drift` is true when the recent values' distribution differs from the older
   * ones'.
   *
   * @throws `ValidationError` (field `x`) when `x` is not a finite number.
   */
  update(x: number): DriftSignal {
    if (typeof x !== 'number' || x - x !== 0) {
      throw new ValidationError('x', 'must be a finite number', { received: x });
    }
    if (this.driftDetected) this.reset();
    this.n += 1;
    this.push(x);
    this.driftDetected = false;
    if (this.length >= this.windowSize) {
      this.draw();
      const { statistic, pValue } = ksTwoSample(this.drawn, this.recent);
      this.lastPValue = pValue;
      if (pValue <= this.alpha && statistic > MIN_STATISTIC) {
        this.driftDetected = true;
        // River keeps only the recent values (its reset at the next update empties them anyway).
        this.buffer.set(this.recent);
        this.head = 0;
        this.length = this.statSize;
      }
    }
    return this.driftDetected ? DRIFT : QUIET;
  }

  /** Empties the window and re-seeds the sampler (River's `_reset`). */
  reset(): void {
    this.head = 0;
    this.length = 0;
    this.n = 0;
    this.lastPValue = 0;
    this.driftDetected = false;
    this.random = createRandom(this.options.seed);
  }

  /** A JSON-safe snapshot; `restoreKswin` (or `restoreDetector`) resumes from it. */
  state(): KswinState {
    const window: number[] = new Array(this.length);
    for (let i = 0; i < this.length; i++) window[i] = this.at(i);
    return {
      kind: 'kswin',
      version: 1,
      options: { ...this.options },
      driftDetected: this.driftDetected,
      n: this.n,
      pValue: this.lastPValue,
      window,
      random: this.random.state(),
    };
  }

  /** @internal Fills the window with `values` (their last `windowSize`), oldest first. */
  fill(values: ArrayLike<number>): void {
    const start = Math.max(0, values.length - this.windowSize);
    this.head = 0;
    this.length = values.length - start;
    for (let i = start; i < values.length; i++) this.buffer[i - start] = values[i] as number;
  }

  /** @internal Loads a validated state (see {@link restoreKswin}). */
  load(state: KswinState, random: Random): void {
    this.fill(state.window);
    this.n = state.n;
    this.lastPValue = state.pValue;
    this.driftDetected = state.driftDetected;
    this.random = random;
  }

  private at(i: number): number {
    return this.buffer[(this.head + i) % this.windowSize] as number;
  }

  private push(x: number): void {
    if (this.length < this.windowSize) {
      this.buffer[(this.head + this.length) % this.windowSize] = x;
      this.length++;
    } else {
      this.buffer[this.head] = x;
      this.head = (this.head + 1) % this.windowSize;
    }
  }

  /**
   * W: `statSize` distinct positions drawn uniformly from the older `windowSize − statSize`
   * (a partial Fisher-Yates shuffle of 0..m−1); R: the `statSize` most recent values.
   */
  private draw(): void {
    const m = this.windowSize - this.statSize;
    const pool = this.pool;
    for (let i = 0; i < m; i++) pool[i] = i;
    for (let j = 0; j < this.statSize; j++) {
      const t = j + this.random.int(m - j);
      const picked = pool[t] as number;
      pool[t] = pool[j] as number;
      pool[j] = picked;
      this.drawn[j] = this.at(picked);
    }
    for (let j = 0; j < this.statSize; j++) this.recent[j] = this.at(m + j);
  }
}

/**
 * Creates a KSWIN detector with River's defaults (alpha 0.005, windowSize 100, statSize 30) and
 * seed 0.
 *
 * @param options - See {@link KswinOptions}; unknown keys are rejected.
 * @throws `ValidationError` naming the field (`options.statSize`, `options.window[3]`, ...) when
 *   an option is invalid.
 *
 * @example
 * ```ts
 * const kswin = createKswin({ alpha: 0.0001, windowSize: 200, statSize: 100, seed: 42 });
 * if (kswin.update(value).drift) console.log('the distribution changed');
 * ```
 */
export function createKswin(options?: KswinOptions): KswinDetector {
  const detector = new KswinDetector(resolveOptions(options, 'options'));
  const window = options?.window;
  if (window !== undefined) {
    if (window === null || typeof window !== 'object' || typeof window.length !== 'number') {
      throw new ValidationError('options.window', 'must be an array of finite numbers', {
        received: window,
      });
    }
    for (let i = 0; i < window.length; i++) checkFiniteNumber(window[i], `options.window[${i}]`);
    detector.fill(window);
  }
  return detector;
}

/**
 * Recreates a KSWIN detector from {@link KswinDetector.state} (possibly after a JSON round
 * trip); it continues exactly as the original would have, sampler included.
 *
 * @throws `ValidationError` naming the bad field when the state is malformed.
 *
 * @example
 * ```ts
 * const resumed = restoreKswin(JSON.parse(JSON.stringify(kswin.state())));
 * ```
 */
export function restoreKswin(state: KswinState): KswinDetector {
  checkStateHeader(state, 'kswin');
  const options = resolveOptions(state.options, 'state.options', true);
  checkStateFlag(state.driftDetected, 'state.driftDetected');
  checkCount(state.n, 'state.n');
  const { pValue } = state;
  if (typeof pValue !== 'number' || !(pValue >= 0 && pValue <= 1)) {
    throw new ValidationError('state.pValue', 'must be a number in [0, 1]', { received: pValue });
  }
  const window: unknown = state.window;
  if (!Array.isArray(window) || window.length > options.windowSize) {
    throw new ValidationError(
      'state.window',
      `must be an array of at most windowSize (${options.windowSize}) finite numbers`,
      { received: window },
    );
  }
  for (let i = 0; i < window.length; i++) checkFiniteNumber(window[i], `state.window[${i}]`);
  let random: Random;
  try {
    random = randomFromState(state.random);
  } catch (error) {
    if (error instanceof ValidationError) {
      throw new ValidationError(`state.random${error.field.replace(/^state/, '')}`, error.rule, {
        cause: error,
      });
    }
    throw error;
  }
  const detector = new KswinDetector(options);
  detector.load(state, random);
  return detector;
}

function resolveOptions(
  options: KswinOptions | KswinSettings | undefined,
  name: string,
  complete = false,
): KswinSettings {
  if (options === undefined && !complete) return DEFAULTS;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ValidationError(name, 'must be an options object', { received: options });
  }
  const given = options as Record<string, unknown>;
  const allowed = complete ? OPTION_KEYS : [...OPTION_KEYS, 'window'];
  for (const key of Object.keys(given)) {
    if (!allowed.includes(key)) {
      throw new ValidationError(`${name}.${key}`, `is not a KSWIN option (${allowed.join(', ')})`);
    }
  }
  const merged: Record<string, unknown> = { ...DEFAULTS };
  for (const key of OPTION_KEYS) {
    if (given[key] !== undefined) merged[key] = given[key];
    else if (complete) throw new ValidationError(`${name}.${key}`, 'is required');
  }
  const resolved = merged as KswinSettings;
  const { alpha, seed } = resolved;
  if (typeof alpha !== 'number' || !(alpha > 0 && alpha < 1)) {
    throw new ValidationError(`${name}.alpha`, 'must be a number in (0, 1)', { received: alpha });
  }
  checkCount(resolved.statSize, `${name}.statSize`, 1);
  checkCount(resolved.windowSize, `${name}.windowSize`, 2 * resolved.statSize);
  if (!(typeof seed === 'string' || Number.isSafeInteger(seed))) {
    throw new ValidationError(`${name}.seed`, 'must be a safe integer or a string', {
      received: seed,
    });
  }
  return resolved;
}
