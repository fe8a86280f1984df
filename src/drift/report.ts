/**
 * A drift report to and from its stored record. The report body is JSON; the few numbers that
 * may be infinite (a Wasserstein statistic between two different constants) are stored as
 * strings, which JSON has no number for.
 *
 * @module
 * @internal
 */
import type { DriftReportRecord, JsonObject, JsonValue } from '../storage/records.js';
import type { DataDrift, FeatureDrift } from './data-drift.js';
import type { DriftReport } from './types.js';

/** The stored record of a report. */
export function reportToRecord(report: DriftReport): DriftReportRecord {
  const body: JsonObject = {
    baselineCreatedAt: report.baselineCreatedAt.toISOString(),
    data:
      report.data === null
        ? null
        : ({
            ...report.data,
            features: report.data.features.map((f) => ({
              ...f,
              statistic: toJsonNumber(f.statistic),
              effect: toJsonNumber(f.effect),
            })),
          } as unknown as JsonObject),
    performance: report.performance as unknown as JsonValue,
    concept: report.concept as unknown as JsonValue,
  };
  return {
    id: report.id,
    modelName: report.model.name,
    modelVersion: report.model.version,
    drifted: report.drifted,
    dataDrifted: report.data?.drifted ?? false,
    performanceDrifted: report.performance?.drifted ?? false,
    conceptDrifted: report.concept?.drift ?? false,
    report: body,
    createdAt: report.createdAt,
  };
}

/** The report of a stored record written by {@link reportToRecord}. */
export function reportFromRecord(record: DriftReportRecord): DriftReport {
  const body = record.report as unknown as {
    baselineCreatedAt: string;
    data: (Omit<DataDrift, 'features'> & { features: StoredFeature[] }) | null;
    performance: DriftReport['performance'];
    concept: DriftReport['concept'];
  };
  return {
    id: record.id,
    model: { name: record.modelName, version: record.modelVersion },
    createdAt: record.createdAt,
    baselineCreatedAt: new Date(body.baselineCreatedAt),
    drifted: record.drifted,
    data:
      body.data === null
        ? null
        : {
            ...body.data,
            features: body.data.features.map((f) => ({
              ...f,
              statistic: fromJsonNumber(f.statistic),
              effect: fromJsonNumber(f.effect),
            })),
          },
    performance: body.performance,
    concept: body.concept,
  };
}

type StoredFeature = Omit<FeatureDrift, 'statistic' | 'effect'> & {
  statistic: number | string;
  effect: number | string;
};

function toJsonNumber(x: number): number | string {
  return Number.isFinite(x) ? x : String(x);
}

function fromJsonNumber(x: number | string): number {
  return typeof x === 'number' ? x : Number(x);
}
