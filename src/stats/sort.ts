/**
 * Sorted copies of samples, for the order statistics (KS, Wasserstein, PSI). Large inputs use
 * an LSD radix sort on the IEEE-754 bit patterns (four 16-bit passes, O(n)), about four times
 * faster than `Float64Array.prototype.sort` on 1e6 values; small ones use the built-in sort.
 * Both give the same order: numeric, with -0 before +0. Inputs are finite (callers validate).
 *
 * @internal
 */

/** Below this size the comparison sort is faster than four counting passes. */
const RADIX_THRESHOLD = 2048;
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** A sorted Float64Array copy of `values`. */
export function sortedCopy(values: ArrayLike<number>): Float64Array {
  const out = new Float64Array(values.length);
  out.set(values);
  if (out.length < RADIX_THRESHOLD || !LITTLE_ENDIAN) return out.sort();
  radixSort(out);
  return out;
}

function radixSort(data: Float64Array): void {
  const n = data.length;
  const words = new Uint32Array(data.buffer, data.byteOffset, n * 2);
  // Map each double to an unsigned key that sorts in numeric order: negative numbers have all
  // bits flipped, non-negative ones only the sign bit.
  for (let i = 0; i < n; i++) {
    const lo = 2 * i;
    const hi = words[lo + 1] as number;
    if (hi & 0x80000000) {
      words[lo] = ~(words[lo] as number);
      words[lo + 1] = ~hi;
    } else {
      words[lo + 1] = hi ^ 0x80000000;
    }
  }
  let source: Uint32Array = words;
  let target: Uint32Array = new Uint32Array(n * 2);
  const counts = new Uint32Array(65536);
  for (let pass = 0; pass < 4; pass++) {
    const word = pass >> 1;
    const shift = (pass & 1) * 16;
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const digit = ((source[2 * i + word] as number) >>> shift) & 0xffff;
      counts[digit] = (counts[digit] as number) + 1;
    }
    // A pass where every key has the same digit changes nothing.
    if (counts[((source[word] as number) >>> shift) & 0xffff] === n) continue;
    let total = 0;
    for (let d = 0; d < 65536; d++) {
      const c = counts[d] as number;
      counts[d] = total;
      total += c;
    }
    for (let i = 0; i < n; i++) {
      const lo = source[2 * i] as number;
      const hi = source[2 * i + 1] as number;
      const digit = ((word === 0 ? lo : hi) >>> shift) & 0xffff;
      const at = 2 * (counts[digit] as number);
      counts[digit] = (counts[digit] as number) + 1;
      target[at] = lo;
      target[at + 1] = hi;
    }
    const swap = source;
    source = target;
    target = swap;
  }
  if (source !== words) words.set(source);
  for (let i = 0; i < n; i++) {
    const lo = 2 * i;
    const hi = words[lo + 1] as number;
    if (hi & 0x80000000) {
      words[lo + 1] = hi ^ 0x80000000;
    } else {
      words[lo] = ~(words[lo] as number);
      words[lo + 1] = ~hi;
    }
  }
}
