/**
 * `abTests.results()`: the analysis of a test from the database's per-variant aggregates
 * (count, sum, sum of squares of each metric), never from outcome rows.
 *
 * @internal
 * @module
 */
import { benjaminiHochberg } from '../stats/multiple-testing.js';
import type { AbAggregate } from '../storage/records.js';
import { PREDICTIONS_METRIC, UNITS_METRIC } from '../storage/validate.js';
import { type AnalysisResult, analyzeTest, type VariantAggregate } from './analysis.js';
import type { MetricSpec } from './definition.js';
import type {
  AbTest,
  AbTestResults,
  SecondaryComparison,
  VariantComparison,
  VariantResult,
} from './types.js';

/** Lookup of aggregates by variant and metric. @internal */
export class AggregateTable {
  readonly #byKey = new Map<string, AbAggregate>();

  constructor(aggregates: readonly AbAggregate[]) {
    for (const a of aggregates) this.#byKey.set(`${a.variant}\u0000${a.metric}`, a);
  }

  get(variant: string, metric: string): AbAggregate | undefined {
    return this.#byKey.get(`${variant}\u0000${metric}`);
  }

  /** n, sum, sumOfSquares of a metric per variant (zeros where nothing was recorded). */
  sums(test: AbTest, metric: string): VariantAggregate[] {
    return test.variants.map((v) => {
      const a = this.get(v.name, metric);
      return { name: v.name, n: a?.n ?? 0, sum: a?.sum ?? 0, sumOfSquares: a?.sumOfSquares ?? 0 };
    });
  }
}

/**
 * The split `results` checks the predictions against, or null when there is no fixed split:
 * bandits and shadow mode, and a test with a stopped variant (its units went to the control
 * from the stop on, so the counts no longer follow the configured weights).
 */
function expectedWeights(test: AbTest): number[] | null {
  if (test.mode === 'shadow' || test.stoppedVariants.length > 0) return null;
  if (test.allocation === 'epsilon-greedy' || test.allocation === 'thompson') return null;
  return test.variants.map((v) => v.weight);
}

/**
 * Builds the results of `test` from its aggregates.
 *
 * @internal
 */
export function buildResults(test: AbTest, aggregates: readonly AbAggregate[]): AbTestResults {
  const table = new AggregateTable(aggregates);
  const primary = table.sums(test, test.primaryMetric);
  const predictions = test.variants.map((v) => table.get(v.name, PREDICTIONS_METRIC)?.n ?? 0);
  // Hashing assigns units, not predictions: the SRM check counts distinct units when known.
  const units = test.variants.map((v) => table.get(v.name, UNITS_METRIC)?.n ?? 0);
  const assignments = units.some((n) => n > 0) ? units : predictions;
  const ready = primary.every((v) => v.n >= 2);
  let analysis: AnalysisResult | undefined;
  if (ready) {
    analysis = analyzeTest({
      metricKind: test.metricKind,
      higherIsBetter: test.higherIsBetter,
      confidenceLevel: test.confidenceLevel,
      sequential: test.sequential,
      expectedWeights: expectedWeights(test),
      assignmentCounts: assignments,
      variants: primary,
      ...(test.minimumDetectableEffect === null
        ? {}
        : { minimumDetectableEffect: test.minimumDetectableEffect }),
      ...(test.maxLoss === null ? {} : { maxLoss: test.maxLoss }),
    });
  }
  const variants: VariantResult[] = test.variants.map((v, i) => {
    const p = primary[i] as VariantAggregate;
    const n = p.n;
    const mean = n > 0 ? p.sum / n : null;
    const sd =
      test.metricKind === 'continuous' && n > 1
        ? Math.sqrt(Math.max(0, p.sumOfSquares - p.sum * (p.sum / n)) / (n - 1))
        : null;
    const abs = table.get(v.name, 'absolute_error');
    const sq = table.get(v.name, 'squared_error');
    const mse = sq !== undefined && sq.n > 0 ? sq.sum / sq.n : null;
    return {
      name: v.name,
      model: v.model,
      version: v.version,
      predictions: predictions[i] as number,
      n,
      mean,
      sd,
      rate: test.metricKind === 'binary' ? mean : null,
      mae: abs !== undefined && abs.n > 0 ? abs.sum / abs.n : null,
      mse,
      rmse: mse === null ? null : Math.sqrt(mse),
      stopped: test.stoppedVariants.includes(v.name),
    };
  });
  const required = Math.max(
    0,
    ...(analysis?.comparisons ?? []).map((c) => c.requiredSampleSizePerVariant ?? 0),
  );
  const minimumSamplesPerVariant = Math.max(test.minSamplesPerVariant, required);
  const comparisons: VariantComparison[] = (analysis?.comparisons ?? []).map((c) => ({
    variant: c.variant,
    n: c.n,
    mean: c.mean,
    difference: c.difference,
    relativeDifference: c.relativeDifference,
    ci: c.ci,
    pValue: c.pValue,
    adjustedPValue: c.adjustedPValue,
    cohensD: c.cohensD,
    achievedPower: c.achievedPower ?? null,
    requiredSampleSizePerVariant: c.requiredSampleSizePerVariant ?? null,
    chanceToBeatControl: c.chanceToBeatControl ?? null,
    significant: c.significant,
    direction: c.direction,
    exceedsMaxLoss: c.lossCheck?.exceedsMaxLoss ?? null,
  }));
  const enoughSamples = variants.every((v) => v.stopped || v.n >= minimumSamplesPerVariant);
  return {
    testId: test.id,
    name: test.name,
    status: test.status,
    primaryMetric: test.primaryMetric,
    metricKind: test.metricKind,
    higherIsBetter: test.higherIsBetter,
    confidenceLevel: test.confidenceLevel,
    sequential: test.sequential,
    variants,
    minimumSamplesPerVariant,
    enoughSamples,
    comparisons,
    secondary: secondaryComparisons(test, table),
    srm: analysis?.srm ?? null,
    winner: analysis?.winner ?? null,
    losers: analysis?.losers ?? [],
    recommendation:
      analysis?.recommendation ??
      `not enough outcomes yet: ${variants.map((v) => `${v.name} ${v.n}`).join(', ')} (at least 2 per variant are needed to compare)`,
  };
}

/** Every secondary metric, each treatment against the control, BH-adjusted across them all. */
function secondaryComparisons(test: AbTest, table: AggregateTable): SecondaryComparison[] {
  const raw: Omit<SecondaryComparison, 'adjustedPValue' | 'significant' | 'direction'>[] = [];
  const specs: MetricSpec[] = [];
  for (const spec of test.secondaryMetrics) {
    const sums = table.sums(test, spec.name);
    if (!sums.every((v) => v.n >= 2)) continue;
    if (spec.metricKind === 'binary' && !sums.every(isBinarySums)) continue;
    const analysis = analyzeTest({
      metricKind: spec.metricKind,
      higherIsBetter: spec.higherIsBetter,
      confidenceLevel: test.confidenceLevel,
      sequential: test.sequential,
      expectedWeights: null,
      variants: sums,
    });
    for (const c of analysis.comparisons) {
      raw.push({
        metric: spec.name,
        variant: c.variant,
        difference: c.difference,
        ci: c.ci,
        pValue: c.pValue,
      });
      specs.push(spec);
    }
  }
  if (raw.length === 0) return [];
  const adjusted = benjaminiHochberg(raw.map((r) => r.pValue));
  const alpha = 1 - test.confidenceLevel;
  return raw.map((r, i) => {
    const adjustedPValue = adjusted[i] as number;
    const significant = adjustedPValue < alpha;
    const sign = (specs[i] as MetricSpec).higherIsBetter ? 1 : -1;
    const direction =
      !significant || r.difference === 0 ? 'none' : sign * r.difference > 0 ? 'better' : 'worse';
    return { ...r, adjustedPValue, significant, direction };
  });
}

function isBinarySums(v: VariantAggregate): boolean {
  return Number.isSafeInteger(v.sum) && v.sum >= 0 && v.sum <= v.n && v.sumOfSquares === v.sum;
}
