import { describe, expect, it } from 'vitest';
import { smirnovSf } from './kolmogorov.js';

/**
 * The log-space lower sum (used above 2000 terms) against the double-double sum that ports
 * SciPy's xsf exactly: they must agree to 1e-11 relative (measured worst: 6e-13 up to n = 1e6).
 */
const LOG_SPACE_TOLERANCE = 1e-11;

describe('smirnovSf log-space fast path', () => {
  it.each([3000, 20000, 100000])('agrees with the double-double sum for n = %i', (n) => {
    for (const k of [1.2, 2, 3, 5, 8]) {
      const x = (k / Math.sqrt(2 * n)) * 1.01;
      const fast = smirnovSf(n, x);
      const exact = smirnovSf(n, x, Number.POSITIVE_INFINITY);
      expect(exact).toBeGreaterThan(0);
      expect(Math.abs(fast - exact) / exact, `n=${n} x=${x}`).toBeLessThan(LOG_SPACE_TOLERANCE);
    }
  });
});
