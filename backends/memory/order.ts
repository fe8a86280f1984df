export { compareText } from '../../src/storage/text-order.js';

export function compareDates(a: Date, b: Date): number {
  return a.getTime() - b.getTime();
}

/**
 * The first `k` items of `items` in `compare` order, like `[...items].sort(compare).slice(0, k)`
 * but in O(n log k): a page of 100 from 100,000 rows needs no full sort. Stable: ties keep their
 * input order.
 *
 * @internal
 */
export function firstInOrder<T>(
  items: Iterable<T>,
  compare: (a: T, b: T) => number,
  k: number,
): T[] {
  const best: T[] = [];
  if (k <= 0) return best;
  for (const item of items) {
    if (best.length === k && compare(item, best[k - 1] as T) >= 0) continue;
    // Binary search for the first position whose item sorts after this one (stable insert).
    let lo = 0;
    let hi = best.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compare(item, best[mid] as T) < 0) hi = mid;
      else lo = mid + 1;
    }
    best.splice(lo, 0, item);
    if (best.length > k) best.pop();
  }
  return best;
}
