import { ValidationError } from '../errors.js';
import { checkProbability } from './validate.js';

/**
 * Benjamini–Hochberg adjusted p-values (step-up false discovery rate control), returned as a new
 * array in the input order.
 *
 * With the m p-values sorted ascending as p₍₁₎ ≤ … ≤ p₍ₘ₎, the adjusted value of rank i is
 * `min(1, min_{j ≥ i} p₍ⱼ₎ · m / j)`: the running minimum taken from the largest rank down
 * (Benjamini & Hochberg, "Controlling the false discovery rate", JRSS B 57(1), 1995, 289–300).
 * Rejecting every hypothesis whose adjusted value is ≤ q controls the FDR at level q for
 * independent or positively dependent tests. Matches
 * `scipy.stats.false_discovery_control(ps, method='bh')`, including the order of the
 * floating-point operations (`p · (m / j)`).
 *
 * Tied p-values always get equal adjusted values, so the result does not depend on the order of
 * the input (adjusting a shuffled list gives the shuffled adjusted list).
 *
 * @param pValues - The raw p-values, each in [0, 1]; at least one.
 * @returns The adjusted p-values, `result[k]` belonging to `pValues[k]`.
 * @throws `ValidationError` when `pValues` is empty or a value is not in [0, 1].
 *
 * @example
 * ```ts
 * benjaminiHochberg([0.01, 0.04, 0.03, 0.2]);
 * // [0.04, 0.05333333333333333, 0.05333333333333333, 0.2]
 * ```
 */
export function benjaminiHochberg(pValues: ArrayLike<number>): number[] {
  const ps = checkPValues(pValues);
  const m = ps.length;
  const order = ascendingOrder(ps);
  const adjusted = new Array<number>(m);
  let running = 1;
  for (let rank = m; rank >= 1; rank--) {
    const k = order[rank - 1] as number;
    const candidate = (ps[k] as number) * (m / rank);
    if (candidate < running) running = candidate;
    adjusted[k] = running;
  }
  return adjusted;
}

/**
 * Holm–Bonferroni adjusted p-values (step-down family-wise error rate control), returned as a new
 * array in the input order.
 *
 * With the m p-values sorted ascending as p₍₁₎ ≤ … ≤ p₍ₘ₎, the adjusted value of rank i is
 * `max_{j ≤ i} min(1, (m − j + 1) · p₍ⱼ₎)`: the running maximum taken from the smallest rank up
 * (Holm, "A simple sequentially rejective multiple test procedure", Scand. J. Statist. 6(2),
 * 1979, 65–70). Rejecting every hypothesis whose adjusted value is ≤ α controls the FWER at α
 * under any dependence. Matches `statsmodels.stats.multitest.multipletests(ps, method='holm')`.
 * It is never smaller than the Benjamini–Hochberg value of the same p-value.
 *
 * Tied p-values always get equal adjusted values, so the result does not depend on the order of
 * the input.
 *
 * @param pValues - The raw p-values, each in [0, 1]; at least one.
 * @returns The adjusted p-values, `result[k]` belonging to `pValues[k]`.
 * @throws `ValidationError` when `pValues` is empty or a value is not in [0, 1].
 *
 * @example
 * ```ts
 * holmBonferroni([0.01, 0.04, 0.03, 0.2]); // [0.04, 0.09, 0.09, 0.2]
 * ```
 */
export function holmBonferroni(pValues: ArrayLike<number>): number[] {
  const ps = checkPValues(pValues);
  const m = ps.length;
  const order = ascendingOrder(ps);
  const adjusted = new Array<number>(m);
  let running = 0;
  for (let rank = 1; rank <= m; rank++) {
    const k = order[rank - 1] as number;
    const candidate = (ps[k] as number) * (m - rank + 1);
    if (candidate > running) running = Math.min(candidate, 1);
    adjusted[k] = running;
  }
  return adjusted;
}

function checkPValues(pValues: ArrayLike<number>): ArrayLike<number> {
  if (pValues === null || typeof pValues !== 'object' || typeof pValues.length !== 'number') {
    throw new ValidationError('pValues', 'must be an array or typed array of numbers', {
      received: pValues,
    });
  }
  if (pValues.length < 1) {
    throw new ValidationError('pValues', 'must contain at least 1 value', {
      received: pValues.length,
    });
  }
  for (let i = 0; i < pValues.length; i++) checkProbability(pValues[i], `pValues[${i}]`);
  return pValues;
}

/** Indices sorting `values` ascending; ties keep the input order (deterministic). */
function ascendingOrder(values: ArrayLike<number>): Uint32Array {
  const order = new Uint32Array(values.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  return order.sort((a, b) => (values[a] as number) - (values[b] as number) || a - b);
}
