import type { Summary } from '../../src/stats/summary.js';

/**
 * Welford's running mean and sum of squared deviations, O(1) per outcome and no arrays: the
 * per-arm state of the A/B simulations that look at the data after every few outcomes.
 */
export class RunningSummary {
  n = 0;
  mean = 0;
  m2 = 0;

  push(x: number): void {
    this.n++;
    const delta = x - this.mean;
    this.mean += delta / this.n;
    this.m2 += delta * (x - this.mean);
  }

  summary(): Summary {
    return { n: this.n, mean: this.mean, variance: this.m2 / (this.n - 1) };
  }
}
