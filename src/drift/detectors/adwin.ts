/**
 * ADWIN (ADaptive WINdowing; Bifet and Gavaldà 2007), a port of River's `river.drift.ADWIN`
 * (`river/drift/adwin.py` and its Cython helper `adwin_c.pyx`, River 0.21+) that gives the same
 * detections on the same stream.
 *
 * The window is kept as exponential histograms: row r holds up to `maxBuckets` buckets of 2^r
 * values, each a (total, variance) pair; a row that reaches `maxBuckets + 1` buckets merges its
 * two oldest into one bucket of the next row. Every `clock` values (once the window is longer
 * than `gracePeriod`) the cut points between buckets are scanned from the oldest: for a cut
 * into W0 (older, n0 values) and W1 (newer, n1 values), both at least `minWindowLength` long,
 * with W the window's length and σ² its variance,
 *
 *   δ' = ln(2 ln(W) / δ),  m = 1 / (n0 − mwl + 1) + 1 / (n1 − mwl + 1),
 *   ε = sqrt(2 m σ² δ') + (2/3) δ' m,
 *
 * and |mean(W0) − mean(W1)| > ε is a change: the oldest bucket is dropped and the scan restarts,
 * until no cut fires. An update that dropped anything reports a drift, and (River's wrapper) the
 * next update starts from an empty window.
 *
 * The cut scan visits every bucket of every row, as MOA's Java ADWIN does and as River's current
 * ADWIN does (River issue #1539): River's current test expects the drift of its stream 1 at
 * index 1023, which only this full scan reproduces. Earlier River releases skipped the newest
 * bucket of each row (`range(bucket.current_idx - 1)` in `adwin_c.pyx`) and found that drift at
 * 1055. As in River, the σ² in ε is the whole window's variance, and the 2/3 is a true division.
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
 * const options: AdwinOptions = { delta: 0.001, clock: 16 };
 * ```
 */
export interface AdwinOptions {
  /** Confidence δ in (0, 1): the smaller, the fewer false alarms and the later a detection. Default 0.002. */
  readonly delta?: number;
  /** Check for a change every `clock` values (1 = every value). Whole number ≥ 1; default 32. */
  readonly clock?: number;
  /** Buckets of each size kept before two are merged. Whole number ≥ 1; default 5. */
  readonly maxBuckets?: number;
  /** Minimum length of each sub-window of a cut. Whole number ≥ 1; default 5. */
  readonly minWindowLength?: number;
  /** No check until the window holds more than this many values. Whole number ≥ 0; default 10. */
  readonly gracePeriod?: number;
}

/**
 * The serialisable state of an ADWIN detector (see {@link AdwinDetector.state}).
 *
 * @example
 * ```ts
 * const state: AdwinState = createAdwin().state();
 * // { kind: 'adwin', version: 1, options: { delta: 0.002, ... }, driftDetected: false,
 * //   tick: 0, width: 0, total: 0, variance: 0, rows: [{ total: [], variance: [] }] }
 * ```
 */
export interface AdwinState {
  readonly kind: 'adwin';
  readonly version: 1;
  readonly options: Required<AdwinOptions>;
  /** The last update reported a drift: the next one starts from an empty window. */
  readonly driftDetected: boolean;
  /** Values seen since the last reset (the clock counts on it). */
  readonly tick: number;
  /** Number of values in the window: the sum over rows r of 2^r × the row's bucket count. */
  readonly width: number;
  /** Sum of the values in the window. */
  readonly total: number;
  /** Sum of squared deviations from the mean over the window (not divided by the width). */
  readonly variance: number;
  /**
   * The bucket rows, row r holding buckets of 2^r values, oldest bucket first; at least one row
   * (row 0), and no empty row after the first.
   */
  readonly rows: readonly AdwinRowState[];
}

/**
 * One row of an {@link AdwinState}: per bucket its total and its sum of squared deviations.
 *
 * @example
 * ```ts
 * const row: AdwinRowState = { total: [3, 1], variance: [0.5, 0] };
 * ```
 */
export interface AdwinRowState {
  readonly total: readonly number[];
  readonly variance: readonly number[];
}

const DEFAULTS: Required<AdwinOptions> = Object.freeze({
  delta: 0.002,
  clock: 32,
  maxBuckets: 5,
  minWindowLength: 5,
  gracePeriod: 10,
});

const OPTION_KEYS = Object.keys(DEFAULTS);
const QUIET: DriftSignal = Object.freeze({ drift: false, warning: false });
const DRIFT: DriftSignal = Object.freeze({ drift: true, warning: false });

/** 2^r for every row a double-precision width can need. */
const POW2 = Float64Array.from({ length: 1024 }, (_, i) => 2 ** i);
const INITIAL_ROWS = 8;

/**
 * An ADWIN detector (create it with {@link createDetector} or `createDetector('adwin')`).
 *
 * @example
 * ```ts
 * const adwin = createAdwin();
 * for (let i = 0; i < 2000; i++) adwin.update(i < 1000 ? Math.random() : 4 + Math.random());
 * adwin.width; // the values kept since the change
 * ```
 */
export class AdwinDetector implements DriftDetector {
  /** Always `'adwin'`. */
  readonly kind = 'adwin' as const;
  /** The resolved options. */
  readonly options: Readonly<Required<AdwinOptions>>;

  private readonly delta: number;
  private readonly clock: number;
  private readonly maxBuckets: number;
  private readonly minWindowLength: number;
  private readonly gracePeriod: number;
  /** Slots per row: `maxBuckets + 1` (a row overflows by one before it is compressed). */
  private readonly cap: number;

  private rowTotal: Float64Array;
  private rowVariance: Float64Array;
  private rowCount: Int32Array;
  private nRows = 1;
  private windowWidth = 0;
  private total = 0;
  private variance = 0;
  private tick = 0;
  private driftDetected = false;

  /** @internal Use {@link createDetector}. */
  constructor(options: Required<AdwinOptions>) {
    this.options = Object.freeze({ ...options });
    this.delta = options.delta;
    this.clock = options.clock;
    this.maxBuckets = options.maxBuckets;
    this.minWindowLength = options.minWindowLength;
    this.gracePeriod = options.gracePeriod;
    this.cap = options.maxBuckets + 1;
    this.rowTotal = new Float64Array(INITIAL_ROWS * this.cap);
    this.rowVariance = new Float64Array(INITIAL_ROWS * this.cap);
    this.rowCount = new Int32Array(INITIAL_ROWS);
  }

  /** Number of values in the adaptive window. */
  get width(): number {
    return this.windowWidth;
  }

  /** Mean of the values in the window (River's `estimation`); 0 when the window is empty. */
  get estimation(): number {
    return this.windowWidth === 0 ? 0 : this.total / this.windowWidth;
  }

  /**
   * Adds one value; `drift` is true when the window was cut at this value.
   *
   * @throws `ValidationError` (field `x`) when `x` is not a finite number.
   */
  update(x: number): DriftSignal {
    if (typeof x !== 'number' || x - x !== 0) {
      throw new ValidationError('x', 'must be a finite number', { received: x });
    }
    if (this.driftDetected) this.reset();
    this.insert(x);
    this.driftDetected = this.detectChange();
    return this.driftDetected ? DRIFT : QUIET;
  }

  /** Empties the window (River's `_reset`). */
  reset(): void {
    this.rowCount.fill(0);
    this.nRows = 1;
    this.windowWidth = 0;
    this.total = 0;
    this.variance = 0;
    this.tick = 0;
    this.driftDetected = false;
  }

  /** A JSON-safe snapshot; `restoreAdwin` (or `restoreDetector`) resumes from it. */
  state(): AdwinState {
    const rows: AdwinRowState[] = [];
    for (let r = 0; r < this.nRows; r++) {
      const start = r * this.cap;
      const end = start + (this.rowCount[r] as number);
      rows.push({
        total: Array.from(this.rowTotal.subarray(start, end)),
        variance: Array.from(this.rowVariance.subarray(start, end)),
      });
    }
    return {
      kind: 'adwin',
      version: 1,
      options: { ...this.options },
      driftDetected: this.driftDetected,
      tick: this.tick,
      width: this.windowWidth,
      total: this.total,
      variance: this.variance,
      rows,
    };
  }

  /** @internal Loads a validated state (see {@link restoreAdwin}). */
  load(state: AdwinState): void {
    this.reset();
    this.ensureRows(state.rows.length);
    for (let r = 0; r < state.rows.length; r++) {
      const row = state.rows[r] as AdwinRowState;
      const start = r * this.cap;
      for (let k = 0; k < row.total.length; k++) {
        this.rowTotal[start + k] = row.total[k] as number;
        this.rowVariance[start + k] = row.variance[k] as number;
      }
      this.rowCount[r] = row.total.length;
    }
    this.nRows = state.rows.length;
    this.windowWidth = state.width;
    this.total = state.total;
    this.variance = state.variance;
    this.tick = state.tick;
    this.driftDetected = state.driftDetected;
  }

  /** River's `_insert_element(value, 0.0)`: a new bucket of one value, then compression. */
  private insert(value: number): void {
    const count0 = this.rowCount[0] as number;
    this.rowTotal[count0] = value;
    this.rowVariance[count0] = 0;
    this.rowCount[0] = count0 + 1;
    this.windowWidth += 1;
    let incrementalVariance = 0;
    if (this.windowWidth > 1) {
      const d = value - this.total / (this.windowWidth - 1);
      incrementalVariance = ((this.windowWidth - 1) * d * d) / this.windowWidth;
    }
    this.variance += incrementalVariance;
    this.total += value;
    this.compressBuckets();
  }

  /** River's `_compress_buckets`: merges the two oldest buckets of each overflowing row. */
  private compressBuckets(): void {
    const cap = this.cap;
    for (let idx = 0; idx < this.nRows; idx++) {
      const count = this.rowCount[idx] as number;
      if (count !== this.maxBuckets + 1) break;
      if (idx + 1 === this.nRows) {
        this.ensureRows(this.nRows + 1);
        this.rowCount[this.nRows] = 0;
        this.nRows++;
      }
      const base = idx * cap;
      const n1 = POW2[idx] as number;
      const total0 = this.rowTotal[base] as number;
      const total1 = this.rowTotal[base + 1] as number;
      const mu1 = total0 / n1;
      const mu2 = total1 / n1;
      const total12 = total0 + total1;
      // n1 n2 / (n1 + n2) with n1 = n2 is n1 / 2 (exact: n1 is a power of 2).
      const temp = n1 * 0.5 * (mu1 - mu2) * (mu1 - mu2);
      const v12 =
        (this.rowVariance[base] as number) + (this.rowVariance[base + 1] as number) + temp;
      const next = idx + 1;
      const nextCount = this.rowCount[next] as number;
      this.rowTotal[next * cap + nextCount] = total12;
      this.rowVariance[next * cap + nextCount] = v12;
      this.rowCount[next] = nextCount + 1;
      for (let i = base + 2; i < base + count; i++) {
        this.rowTotal[i - 2] = this.rowTotal[i] as number;
        this.rowVariance[i - 2] = this.rowVariance[i] as number;
      }
      this.rowCount[idx] = count - 2;
      if (nextCount + 1 <= this.maxBuckets) break;
    }
  }

  /** River's `_delete_element`: drops the oldest bucket; returns its number of values. */
  private deleteElement(): number {
    const last = this.nRows - 1;
    const base = last * this.cap;
    const n = POW2[last] as number;
    const u = this.rowTotal[base] as number;
    const mu = u / n;
    const v = this.rowVariance[base] as number;
    this.windowWidth -= n;
    this.total -= u;
    const muWindow = this.total / this.windowWidth;
    const incrementalVariance =
      v + (n * this.windowWidth * (mu - muWindow) * (mu - muWindow)) / (n + this.windowWidth);
    this.variance -= incrementalVariance;
    const count = (this.rowCount[last] as number) - 1;
    for (let i = base + 1; i <= base + count; i++) {
      this.rowTotal[i - 1] = this.rowTotal[i] as number;
      this.rowVariance[i - 1] = this.rowVariance[i] as number;
    }
    this.rowCount[last] = count;
    if (count === 0 && this.nRows > 1) this.nRows--;
    return n;
  }

  /** River's `_detect_change`. */
  private detectChange(): boolean {
    let changeDetected = false;
    this.tick++;
    if (this.tick % this.clock !== 0 || !(this.windowWidth > this.gracePeriod)) return false;
    const mwl = this.minWindowLength;
    let reduceWidth = true;
    while (reduceWidth) {
      reduceWidth = false;
      let exit = false;
      let n0 = 0;
      let n1 = this.windowWidth;
      let u0 = 0;
      let u1 = this.total;
      // Constant during one pass (the window only changes right before the pass ends).
      const deltaPrime = Math.log((2 * Math.log(this.windowWidth)) / this.delta);
      const varianceInWindow = this.variance / this.windowWidth;
      for (let idx = this.nRows - 1; idx >= 0 && !exit; idx--) {
        const base = idx * this.cap;
        const size = POW2[idx] as number;
        const count = this.rowCount[idx] as number;
        for (let k = 0; k < count; k++) {
          const t = this.rowTotal[base + k] as number;
          n0 += size;
          n1 -= size;
          u0 += t;
          u1 -= t;
          // The newest bucket ends the scan: W1 would be empty.
          if (idx === 0 && k === count - 1) {
            exit = true;
            break;
          }
          if (n1 >= mwl && n0 >= mwl) {
            const deltaMean = u0 / n0 - u1 / n1;
            const mRecip = 1 / (n0 - mwl + 1) + 1 / (n1 - mwl + 1);
            const epsilon =
              Math.sqrt(2 * mRecip * varianceInWindow * deltaPrime) + (2 / 3) * deltaPrime * mRecip;
            if (Math.abs(deltaMean) > epsilon) {
              reduceWidth = true;
              changeDetected = true;
              if (this.windowWidth > 0) {
                n0 -= this.deleteElement();
                exit = true;
                break;
              }
            }
          }
        }
      }
    }
    return changeDetected;
  }

  private ensureRows(rows: number): void {
    if (rows <= this.rowCount.length) return;
    let capacity = this.rowCount.length * 2;
    while (capacity < rows) capacity *= 2;
    const total = new Float64Array(capacity * this.cap);
    total.set(this.rowTotal);
    const variance = new Float64Array(capacity * this.cap);
    variance.set(this.rowVariance);
    const count = new Int32Array(capacity);
    count.set(this.rowCount);
    this.rowTotal = total;
    this.rowVariance = variance;
    this.rowCount = count;
  }
}

/**
 * Creates an ADWIN detector with River's defaults (delta 0.002, clock 32, maxBuckets 5,
 * minWindowLength 5, gracePeriod 10).
 *
 * @param options - See {@link AdwinOptions}; unknown keys are rejected.
 * @throws `ValidationError` naming the field (`options.delta`, ...) when an option is invalid.
 *
 * @example
 * ```ts
 * const adwin = createAdwin({ delta: 0.002 });
 * if (adwin.update(absError).drift) console.log('the error level changed');
 * ```
 */
export function createAdwin(options?: AdwinOptions): AdwinDetector {
  return new AdwinDetector(resolveOptions(options, 'options'));
}

/**
 * Recreates an ADWIN detector from {@link AdwinDetector.state} (possibly after a JSON round
 * trip); it continues exactly as the original would have.
 *
 * @throws `ValidationError` naming the bad field when the state is malformed.
 *
 * @example
 * ```ts
 * const resumed = restoreAdwin(JSON.parse(JSON.stringify(adwin.state())));
 * ```
 */
export function restoreAdwin(state: AdwinState): AdwinDetector {
  checkStateHeader(state, 'adwin');
  const options = resolveOptions(state.options, 'state.options', true);
  checkStateFlag(state.driftDetected, 'state.driftDetected');
  checkCount(state.tick, 'state.tick');
  checkFiniteNumber(state.total, 'state.total');
  checkFiniteNumber(state.variance, 'state.variance');
  const rows: unknown = state.rows;
  if (!Array.isArray(rows) || rows.length === 0 || rows.length > POW2.length) {
    throw new ValidationError('state.rows', 'must be a non-empty array of bucket rows', {
      received: rows,
    });
  }
  let width = 0;
  for (let r = 0; r < rows.length; r++) {
    const row: unknown = rows[r];
    const name = `state.rows[${r}]`;
    if (row === null || typeof row !== 'object') {
      throw new ValidationError(name, 'must be an object { total, variance }', { received: row });
    }
    const { total, variance } = row as { total?: unknown; variance?: unknown };
    checkNumbers(total, `${name}.total`);
    checkNumbers(variance, `${name}.variance`);
    if (total.length !== variance.length) {
      throw new ValidationError(`${name}.variance`, 'must be as long as total', {
        received: variance.length,
      });
    }
    if (total.length > options.maxBuckets || (r > 0 && total.length === 0)) {
      throw new ValidationError(
        `${name}.total`,
        `must hold 1 to maxBuckets (${options.maxBuckets}) buckets (row 0 may be empty)`,
        { received: total.length },
      );
    }
    width += total.length * (POW2[r] as number);
  }
  if (state.width !== width) {
    throw new ValidationError('state.width', `must equal the rows' size (${width})`, {
      received: state.width,
    });
  }
  const detector = new AdwinDetector(options);
  detector.load(state);
  return detector;
}

function checkNumbers(value: unknown, name: string): asserts value is number[] {
  if (!Array.isArray(value)) {
    throw new ValidationError(name, 'must be an array of finite numbers', { received: value });
  }
  for (let i = 0; i < value.length; i++) checkFiniteNumber(value[i], `${name}[${i}]`);
}

function resolveOptions(
  options: AdwinOptions | undefined,
  name: string,
  complete = false,
): Required<AdwinOptions> {
  if (options === undefined && !complete) return DEFAULTS;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ValidationError(name, 'must be an options object', { received: options });
  }
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.includes(key)) {
      throw new ValidationError(
        `${name}.${key}`,
        `is not an ADWIN option (${OPTION_KEYS.join(', ')})`,
      );
    }
  }
  const given = options as Record<string, unknown>;
  const merged: Record<string, unknown> = { ...DEFAULTS };
  for (const key of OPTION_KEYS) {
    if (given[key] !== undefined) merged[key] = given[key];
    else if (complete) throw new ValidationError(`${name}.${key}`, 'is required');
  }
  const resolved = merged as Required<AdwinOptions>;
  const { delta } = resolved;
  if (typeof delta !== 'number' || !(delta > 0 && delta < 1)) {
    throw new ValidationError(`${name}.delta`, 'must be a number in (0, 1)', { received: delta });
  }
  checkCount(resolved.clock, `${name}.clock`, 1);
  checkCount(resolved.maxBuckets, `${name}.maxBuckets`, 1);
  checkCount(resolved.minWindowLength, `${name}.minWindowLength`, 1);
  checkCount(resolved.gracePeriod, `${name}.gracePeriod`, 0);
  return resolved;
}
