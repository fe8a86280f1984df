/**
 * Concept drift on a check's prediction errors: a streaming detector is warmed up on the
 * baseline's error sample, then fed the current errors in order; a drift signalled within the
 * current errors is concept drift.
 *
 * @module
 * @internal
 */

import { quantileLinear } from '../stats/psi.js';
import {
  createDetector,
  type DetectorKind,
  type DetectorOptionsByKind,
} from './detectors/index.js';
import type { ErrorStreams } from './predictions.js';
import type { ConceptDrift } from './types.js';

/** At most this many detection positions are listed in a report. */
const MAX_LISTED = 100;

/** Options of {@link checkConcept}. */
export interface ConceptOptions {
  /** Default `adwin` (about 0.1% false alarms on stationary streams; see docs/drift.md). */
  readonly detector?: DetectorKind;
  /** The detector's options (River's defaults otherwise). */
  readonly options?: DetectorOptionsByKind[DetectorKind];
}

/**
 * Runs the detector over the reference errors (when there are any), then over the current
 * errors, and reports what it signalled within the current ones. DDM watches the `miss` stream
 * (it models an error rate); the others the absolute errors divided by their scale (see
 * {@link errorScale}).
 *
 * @throws ValidationError (field `options.<name>`) for a bad detector option.
 */
export function checkConcept(
  reference: ErrorStreams | undefined,
  current: ErrorStreams,
  { detector = 'adwin', options }: ConceptOptions = {},
): ConceptDrift {
  const stream = detector === 'ddm' ? 'miss' : 'absolute_error';
  const pick = (s: ErrorStreams): ArrayLike<number> => (stream === 'miss' ? s.miss : s.absolute);
  const d = createDetector(detector, options as never);
  const hasReference = reference !== undefined && reference.absolute.length > 0;
  const scale =
    stream === 'miss' ? 1 : errorScale(hasReference ? reference.absolute : current.absolute);
  let referenceMean: number | null = null;
  if (hasReference) {
    const xs = pick(reference);
    let sum = 0;
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i] as number;
      sum += x;
      d.update(x / scale);
    }
    referenceMean = sum / xs.length;
  }
  const xs = pick(current);
  const detections: number[] = [];
  let detectionCount = 0;
  let warned = false;
  let sum = 0;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i] as number;
    sum += x;
    const signal = d.update(x / scale);
    if (signal.drift) {
      detectionCount++;
      warned = false;
      if (detections.length < MAX_LISTED) detections.push(i);
    } else if (signal.warning) warned = true;
  }
  return {
    detector,
    stream,
    referenceCount: reference === undefined ? 0 : pick(reference).length,
    count: xs.length,
    drift: detectionCount > 0,
    warning: warned,
    detections,
    detectionCount,
    referenceMean,
    currentMean: sum / xs.length,
    scale,
  };
}

/**
 * What absolute errors are divided by before the detector sees them: the 99th percentile of the
 * reference errors (of the current ones without a reference), so they lie mostly in [0, 1].
 * ADWIN's cut bound (Bernstein's inequality, as River implements it) assumes values of range
 * about 1; on errors of size 0.004 its range term would need thousands of values to notice a
 * doubling. Scaling leaves KSWIN's verdicts unchanged and makes Page-Hinkley's threshold a
 * multiple of the typical error. 1 when the errors are all 0.
 */
function errorScale(errors: Float64Array): number {
  const sorted = Float64Array.from(errors).sort();
  const q = quantileLinear(sorted, 0.99);
  return q > 0
    ? q
    : (sorted[sorted.length - 1] as number) > 0
      ? (sorted[sorted.length - 1] as number)
      : 1;
}
