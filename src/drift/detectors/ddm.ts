/**
 * DDM, the Drift Detection Method (Gama, Medas, Castillo and Rodrigues 2004), a port of River's
 * `river.drift.binary.DDM` (`river/drift/binary/ddm.py`, River 0.21+) that gives the same
 * warnings and drifts on the same stream.
 *
 * The input is a stream of bits, 1 for an error (a wrong prediction) and 0 for a correct one.
 * After n values, with pₙ the error rate (River's running mean) and sₙ = sqrt(pₙ(1 − pₙ)/n):
 * once n > `warmStart`, (p_min, s_min) are the (pₙ, sₙ) of the smallest pₙ + sₙ so far (ties
 * take the latest), and
 *
 *   pₙ + sₙ > p_min + `warningThreshold` × s_min  →  warning,
 *   pₙ + sₙ > p_min + `driftThreshold` × s_min    →  drift (and no warning).
 *
 * After a drift the next update starts afresh. Before the warm-up ends nothing fires.
 *
 * @internal
 * @module
 */
import { ValidationError } from '../../errors.js';
import { checkCount, checkFiniteNumber } from '../../stats/validate.js';
import type { DriftDetector, DriftSignal } from './index.js';
import { checkStateFlag, checkStateHeader } from './state.js';

/**
 * Options of {@link createDetector} (River's names in camelCase; River's defaults).
 *
 * @example
 * ```ts
 * const options: DdmOptions = { warmStart: 100, driftThreshold: 3 };
 * ```
 */
export interface DdmOptions {
  /** Values needed before a warning or drift can fire (River's `warm_start`). Whole number ≥ 0; default 30. */
  readonly warmStart?: number;
  /** Warning zone at p + s > p_min + warningThreshold × s_min. Finite, > 0; default 2. */
  readonly warningThreshold?: number;
  /** Drift at p + s > p_min + driftThreshold × s_min. Finite, > 0; default 3. */
  readonly driftThreshold?: number;
}

/**
 * The serialisable state of a DDM detector (see {@link DdmDetector.state}).
 *
 * @example
 * ```ts
 * const state: DdmState = createDdm().state();
 * // { kind: 'ddm', version: 1, options: {...}, driftDetected: false, warningDetected: false,
 * //   n: 0, errorRate: 0, pMin: null, sMin: null, psMin: null }
 * ```
 */
export interface DdmState {
  readonly kind: 'ddm';
  readonly version: 1;
  readonly options: Required<DdmOptions>;
  /** The last update reported a drift: the next one starts afresh. */
  readonly driftDetected: boolean;
  /** The last update was in the warning zone. */
  readonly warningDetected: boolean;
  /** Values seen since the last reset. */
  readonly n: number;
  /** Their error rate p (River's running mean). */
  readonly errorRate: number;
  /** p_min; `null` before the warm-up ends (+∞ in River). */
  readonly pMin: number | null;
  /** s_min; `null` before the warm-up ends (+∞ in River). */
  readonly sMin: number | null;
  /** p_min + s_min; `null` before the warm-up ends (+∞ in River). */
  readonly psMin: number | null;
}

const DEFAULTS: Required<DdmOptions> = Object.freeze({
  warmStart: 30,
  warningThreshold: 2,
  driftThreshold: 3,
});

const OPTION_KEYS = Object.keys(DEFAULTS);
const QUIET: DriftSignal = Object.freeze({ drift: false, warning: false });
const WARNING: DriftSignal = Object.freeze({ drift: false, warning: true });
const DRIFT: DriftSignal = Object.freeze({ drift: true, warning: false });
const INF = Number.POSITIVE_INFINITY;

/**
 * A DDM detector (create it with {@link createDetector} or `createDetector('ddm')`).
 *
 * @example
 * ```ts
 * const ddm = createDdm();
 * const { drift, warning } = ddm.update(prediction === actual ? 0 : 1);
 * ```
 */
export class DdmDetector implements DriftDetector {
  /** Always `'ddm'`. */
  readonly kind = 'ddm' as const;
  /** The resolved options. */
  readonly options: Readonly<Required<DdmOptions>>;

  private readonly warmStart: number;
  private readonly warningThreshold: number;
  private readonly driftThreshold: number;

  private n = 0;
  private p = 0;
  private pMin = INF;
  private sMin = INF;
  private psMin = INF;
  private driftDetected = false;
  private warningDetected = false;

  /** @internal Use {@link createDetector}. */
  constructor(options: Required<DdmOptions>) {
    this.options = Object.freeze({ ...options });
    this.warmStart = options.warmStart;
    this.warningThreshold = options.warningThreshold;
    this.driftThreshold = options.driftThreshold;
  }

  /** The error rate since the last reset (0 before any value). */
  get errorRate(): number {
    return this.p;
  }

  /**
   * Adds one outcome: 1 for an error, 0 for a correct prediction.
   *
   * @throws `ValidationError` (field `x`) when `x` is neither 0 nor 1.
   */
  update(x: number): DriftSignal {
    if (x !== 0 && x !== 1) {
      throw new ValidationError('x', 'must be 0 (correct) or 1 (error)', { received: x });
    }
    if (this.driftDetected) this.reset();
    // River's stats.Mean: n += 1; mean += (1 / n) * (x - mean).
    this.n += 1;
    this.p += (1 / this.n) * (x - this.p);
    const p = this.p;
    const s = Math.sqrt((p * (1 - p)) / this.n);
    if (this.n > this.warmStart) {
      if (p + s <= this.psMin) {
        this.pMin = p;
        this.sMin = s;
        this.psMin = this.pMin + this.sMin;
      }
      this.warningDetected = p + s > this.pMin + this.warningThreshold * this.sMin;
      if (p + s > this.pMin + this.driftThreshold * this.sMin) {
        this.driftDetected = true;
        this.warningDetected = false;
      }
    }
    return this.driftDetected ? DRIFT : this.warningDetected ? WARNING : QUIET;
  }

  /** Forgets every value seen (River's `_reset`). */
  reset(): void {
    this.n = 0;
    this.p = 0;
    this.pMin = INF;
    this.sMin = INF;
    this.psMin = INF;
    this.driftDetected = false;
    this.warningDetected = false;
  }

  /** A JSON-safe snapshot; `restoreDdm` (or `restoreDetector`) resumes from it. */
  state(): DdmState {
    return {
      kind: 'ddm',
      version: 1,
      options: { ...this.options },
      driftDetected: this.driftDetected,
      warningDetected: this.warningDetected,
      n: this.n,
      errorRate: this.p,
      pMin: this.pMin === INF ? null : this.pMin,
      sMin: this.sMin === INF ? null : this.sMin,
      psMin: this.psMin === INF ? null : this.psMin,
    };
  }

  /** @internal Loads a validated state (see {@link restoreDdm}). */
  load(state: DdmState): void {
    this.n = state.n;
    this.p = state.errorRate;
    this.pMin = state.pMin ?? INF;
    this.sMin = state.sMin ?? INF;
    this.psMin = state.psMin ?? INF;
    this.driftDetected = state.driftDetected;
    this.warningDetected = state.warningDetected;
  }
}

/**
 * Creates a DDM detector with River's defaults (warmStart 30, warningThreshold 2,
 * driftThreshold 3). Feed it 1 for each error and 0 for each correct prediction.
 *
 * @param options - See {@link DdmOptions}; unknown keys are rejected.
 * @throws `ValidationError` naming the field (`options.warmStart`, ...) when an option is invalid.
 *
 * @example
 * ```ts
 * const ddm = createDdm({ warmStart: 50 });
 * const signal = ddm.update(wrong ? 1 : 0);
 * if (signal.warning) startCollectingRetrainingData();
 * if (signal.drift) retrain();
 * ```
 */
export function createDdm(options?: DdmOptions): DdmDetector {
  return new DdmDetector(resolveOptions(options, 'options'));
}

/**
 * Recreates a DDM detector from {@link DdmDetector.state} (possibly after a JSON round trip); it
 * continues exactly as the original would have.
 *
 * @throws `ValidationError` naming the bad field when the state is malformed.
 *
 * @example
 * ```ts
 * const resumed = restoreDdm(JSON.parse(JSON.stringify(ddm.state())));
 * ```
 */
export function restoreDdm(state: DdmState): DdmDetector {
  checkStateHeader(state, 'ddm');
  const options = resolveOptions(state.options, 'state.options', true);
  checkStateFlag(state.driftDetected, 'state.driftDetected');
  checkStateFlag(state.warningDetected, 'state.warningDetected');
  checkCount(state.n, 'state.n');
  const { errorRate } = state;
  if (typeof errorRate !== 'number' || !(errorRate >= 0 && errorRate <= 1)) {
    throw new ValidationError('state.errorRate', 'must be a number in [0, 1]', {
      received: errorRate,
    });
  }
  const minima = [state.pMin, state.sMin, state.psMin];
  const known = minima.filter((m) => m !== null).length;
  if (known !== 0 && known !== 3) {
    throw new ValidationError(
      'state.pMin',
      'pMin, sMin and psMin must all be null or all numbers',
      {
        received: minima,
      },
    );
  }
  if (state.pMin !== null) checkFiniteNumber(state.pMin, 'state.pMin');
  if (state.sMin !== null) checkFiniteNumber(state.sMin, 'state.sMin');
  if (state.psMin !== null) checkFiniteNumber(state.psMin, 'state.psMin');
  const detector = new DdmDetector(options);
  detector.load(state);
  return detector;
}

function resolveOptions(
  options: DdmOptions | undefined,
  name: string,
  complete = false,
): Required<DdmOptions> {
  if (options === undefined && !complete) return DEFAULTS;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ValidationError(name, 'must be an options object', { received: options });
  }
  const given = options as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!OPTION_KEYS.includes(key)) {
      throw new ValidationError(
        `${name}.${key}`,
        `is not a DDM option (${OPTION_KEYS.join(', ')})`,
      );
    }
  }
  const merged: Record<string, unknown> = { ...DEFAULTS };
  for (const key of OPTION_KEYS) {
    if (given[key] !== undefined) merged[key] = given[key];
    else if (complete) throw new ValidationError(`${name}.${key}`, 'is required');
  }
  const resolved = merged as Required<DdmOptions>;
  checkCount(resolved.warmStart, `${name}.warmStart`, 0);
  for (const key of ['warningThreshold', 'driftThreshold'] as const) {
    const value = resolved[key];
    if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
      throw new ValidationError(`${name}.${key}`, 'must be a finite number greater than 0', {
        received: value,
      });
    }
  }
  return resolved;
}
