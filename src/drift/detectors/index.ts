/**
 * Streaming concept-drift detectors: ADWIN, Page-Hinkley, DDM and KSWIN, ports of River's
 * (`river.drift`, River 0.21+) with the same defaults, the same arithmetic and the same reset
 * rules, so a stream gives the detection indexes River gives. Each detector is fed one value at
 * a time through `update(x)`, costs no I/O and allocates nothing per call (KSWIN excepted: its
 * KS test sorts two small copies), and its whole state is a plain JSON object, so a bot can save
 * it with its checkpoint and resume after a restart exactly where it stopped.
 *
 * Which detector for which stream:
 * - `'adwin'`: any bounded numeric stream (errors, losses, returns); keeps an adaptive window and
 *   fires when two sub-windows' means differ by more than a Hoeffding-style bound.
 * - `'page-hinkley'`: a shift of the mean of a numeric stream, up, down or both.
 * - `'ddm'`: a 0/1 error stream (1 = the model was wrong); signals a warning before a drift.
 * - `'kswin'`: any change of distribution of a numeric stream (a two-sample KS test between the
 *   most recent values and a sample of older ones).
 *
 * @example
 * ```ts
 * const detector = createDetector('adwin', { delta: 0.002 });
 * for (const error of errors) {
 *   if (detector.update(error).drift) console.log('drift');
 * }
 * const saved = JSON.stringify(detector.state());
 * // ... after a restart:
 * const resumed = restoreDetector(JSON.parse(saved));
 * ```
 *
 * @internal
 * @module
 */
import { ValidationError } from '../../errors.js';
import {
  type AdwinDetector,
  type AdwinOptions,
  type AdwinState,
  createAdwin,
  restoreAdwin,
} from './adwin.js';
import { createDdm, type DdmDetector, type DdmOptions, type DdmState, restoreDdm } from './ddm.js';
import {
  createKswin,
  type KswinDetector,
  type KswinOptions,
  type KswinState,
  restoreKswin,
} from './kswin.js';
import {
  createPageHinkley,
  type PageHinkleyDetector,
  type PageHinkleyOptions,
  type PageHinkleyState,
  restorePageHinkley,
} from './page-hinkley.js';

export type { AdwinDetector, AdwinOptions, AdwinRowState, AdwinState } from './adwin.js';
export type { DdmDetector, DdmOptions, DdmState } from './ddm.js';
export type { KswinDetector, KswinOptions, KswinSettings, KswinState } from './kswin.js';
export type {
  PageHinkleyDetector,
  PageHinkleyMode,
  PageHinkleyOptions,
  PageHinkleyState,
} from './page-hinkley.js';

/**
 * The detector algorithms.
 *
 * @example
 * ```ts
 * const kind: DetectorKind = 'page-hinkley';
 * ```
 */
export type DetectorKind = 'adwin' | 'page-hinkley' | 'ddm' | 'kswin';

/** Every {@link DetectorKind}, in a fixed order. */
export const DETECTOR_KINDS: readonly DetectorKind[] = Object.freeze([
  'adwin',
  'page-hinkley',
  'ddm',
  'kswin',
]);

/**
 * What one `update` found. Detectors return one of a few frozen constants (never a fresh
 * object), so the result may be kept but not mutated.
 *
 * - `drift`: a change was detected at this value. As in River, the detector then resets itself
 *   at the start of the next `update`, so the value after a drift starts a new concept.
 * - `warning`: the stream is in the warning zone (DDM only; the others always say `false`).
 *   Never `true` together with `drift`.
 *
 * @example
 * ```ts
 * const { drift, warning } = detector.update(error);
 * ```
 */
export interface DriftSignal {
  readonly drift: boolean;
  readonly warning: boolean;
}

/**
 * A streaming drift detector (see {@link createDetector}).
 *
 * @example
 * ```ts
 * const detector: DriftDetector = createDetector('ddm');
 * detector.update(1); // { drift: false, warning: false }
 * detector.reset();
 * ```
 */
export interface DriftDetector {
  /** Which algorithm this is. */
  readonly kind: DetectorKind;
  /**
   * Feeds one value and says whether it completed a drift (or, for DDM, a warning).
   *
   * @throws `ValidationError` (field `x`) when `x` is not a finite number, or, for DDM, not 0 or
   *   1; the detector's state is left unchanged.
   */
  update(x: number): DriftSignal;
  /** Forgets everything seen (River's `_reset`); the options stay. */
  reset(): void;
  /** A JSON-safe snapshot of the whole state; {@link restoreDetector} resumes from it. */
  state(): DetectorState;
}

/**
 * The serialisable state of any detector: plain JSON (no `Infinity`, no typed arrays), tagged
 * with its `kind` and a format `version` (1), with the resolved options.
 *
 * @example
 * ```ts
 * const state: DetectorState = createDetector('adwin').state();
 * state.kind; // 'adwin'
 * state.version; // 1
 * ```
 */
export type DetectorState = AdwinState | PageHinkleyState | DdmState | KswinState;

/**
 * The options of each {@link DetectorKind}.
 *
 * @example
 * ```ts
 * const options: DetectorOptionsByKind['ddm'] = { warmStart: 50 };
 * ```
 */
export interface DetectorOptionsByKind {
  readonly adwin: AdwinOptions;
  readonly 'page-hinkley': PageHinkleyOptions;
  readonly ddm: DdmOptions;
  readonly kswin: KswinOptions;
}

/**
 * The detector class of each {@link DetectorKind}.
 *
 * @example
 * ```ts
 * const adwin: DetectorByKind['adwin'] = createDetector('adwin');
 * adwin.width; // the adaptive window's length
 * ```
 */
export interface DetectorByKind {
  readonly adwin: AdwinDetector;
  readonly 'page-hinkley': PageHinkleyDetector;
  readonly ddm: DdmDetector;
  readonly kswin: KswinDetector;
}

/**
 * Creates a streaming drift detector with River's defaults for every option not given:
 *
 * | kind | defaults (River's names) |
 * | --- | --- |
 * | `'adwin'` | delta 0.002, clock 32, maxBuckets 5, minWindowLength 5, gracePeriod 10 |
 * | `'page-hinkley'` | minInstances 30, delta 0.005, threshold 50, alpha 0.9999, mode `'both'` |
 * | `'ddm'` | warmStart 30, warningThreshold 2, driftThreshold 3 (input: 1 = error, 0 = correct) |
 * | `'kswin'` | alpha 0.005, windowSize 100, statSize 30, seed 0 |
 *
 * @param kind - The algorithm.
 * @param options - Its options (see each kind's options type); unknown keys are rejected.
 * @throws `ValidationError` naming the field (`kind`, `options.delta`, ...) when an option is
 *   out of range.
 *
 * @example
 * ```ts
 * const ph = createDetector('page-hinkley', { threshold: 25, mode: 'up' });
 * for (const loss of losses) if (ph.update(loss).drift) retrain();
 * ```
 */
export function createDetector<K extends DetectorKind>(
  kind: K,
  options?: DetectorOptionsByKind[K],
): DetectorByKind[K];
export function createDetector(kind: DetectorKind, options?: object): DriftDetector {
  switch (kind) {
    case 'adwin':
      return createAdwin(options);
    case 'page-hinkley':
      return createPageHinkley(options);
    case 'ddm':
      return createDdm(options);
    case 'kswin':
      return createKswin(options);
    default:
      throw new ValidationError('kind', `must be one of ${DETECTOR_KINDS.join(', ')}`, {
        received: kind,
      });
  }
}

/**
 * Recreates a detector from a {@link DetectorState} taken with `detector.state()` (possibly after
 * a JSON round trip). The restored detector continues exactly as the original would have: fed
 * the same values, it returns the same signals.
 *
 * @param state - A state from {@link DriftDetector.state}.
 * @throws `ValidationError` naming the bad field (`state.kind`, `state.options.delta`,
 *   `state.rows[2].total[1]`, ...) when the state is malformed or its version unknown.
 *
 * @example
 * ```ts
 * await fs.writeFile('adwin.json', JSON.stringify(detector.state()));
 * // ... after a restart:
 * const detector = restoreDetector(JSON.parse(await fs.readFile('adwin.json', 'utf8')));
 * ```
 */
export function restoreDetector(state: DetectorState): DriftDetector {
  if (state === null || typeof state !== 'object') {
    throw new ValidationError('state', 'must be a state object from detector.state()', {
      received: state,
    });
  }
  const kind: unknown = state.kind;
  switch (kind) {
    case 'adwin':
      return restoreAdwin(state as AdwinState);
    case 'page-hinkley':
      return restorePageHinkley(state as PageHinkleyState);
    case 'ddm':
      return restoreDdm(state as DdmState);
    case 'kswin':
      return restoreKswin(state as KswinState);
    default:
      throw new ValidationError('state.kind', `must be one of ${DETECTOR_KINDS.join(', ')}`, {
        received: kind,
      });
  }
}
