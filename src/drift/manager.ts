import { type AbTestDefinitionInput, abTestDefinitionSchema } from '../ab/definition.js';
import type { AbTestManager } from '../ab/manager.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { ClosedError, NotFoundError, ValidationError } from '../errors.js';
import { parseInput } from '../experiments/parse.js';
import type { BackgroundErrorReporter } from '../experiments/recorder.js';
import type { IdGenerator } from '../ids.js';
import type { ModelRegistration } from '../models/definition.js';
import type { ModelRegistry, ModelVersion } from '../models/manager.js';
import { createRandom } from '../stats/random.js';
import type { StorageBackend } from '../storage/backend.js';
import type { DriftBaselineRecord, JsonObject } from '../storage/records.js';
import { decodeSketch, encodeSketch } from './codec.js';
import { checkConcept } from './concept.js';
import { checkFeatures, type DataDrift } from './data-drift.js';
import {
  type BaselineInput,
  baselineInputSchema,
  type CheckInput,
  checkInputSchema,
  modelSelectorSchema,
  reportFilterSchema,
  retrainInputSchema,
} from './definition.js';
import {
  createDetector,
  type DetectorByKind,
  type DetectorKind,
  type DetectorOptionsByKind,
  type DetectorState,
  type DriftDetector,
  restoreDetector,
} from './detectors/index.js';
import { checkPerformance } from './performance.js';
import {
  encodeErrorBaseline,
  errorBaselineOf,
  errorSampleOf,
  summarizePredictions,
} from './predictions.js';
import { reportFromRecord, reportToRecord } from './report.js';
import { buildSketch, type FeatureSketch } from './sketch.js';
import type {
  DriftBaseline,
  DriftHandler,
  DriftReport,
  DriftReportFilter,
  DriftReportPage,
  ModelRef,
  ModelSelector,
  RetrainResult,
} from './types.js';

/** What the drift facade is built from. @internal */
export interface DriftManagerContext {
  backend: StorageBackend;
  models: ModelRegistry;
  abTests: AbTestManager;
  now: () => Date;
  nextId: IdGenerator;
  reportError: BackgroundErrorReporter;
}

/** The tag a retrained version carries: `drift-report:<report id>`. */
export const DRIFT_REPORT_TAG_PREFIX = 'drift-report:';

/**
 * What the train function of {@link DriftManager.retrainAndValidate} returns: a model
 * registration without the name (the champion's), and optionally the new version's baseline.
 */
export type RetrainedModel = Omit<ModelRegistration, 'name'> & {
  /** The champion's name, if given (anything else is refused). */
  name?: string;
  /** The challenger's drift baseline, set right after it is registered. */
  baseline?: Omit<BaselineInput, 'model'>;
};

/** What {@link DriftManager.retrainAndValidate} takes. */
export interface RetrainInput {
  /** The model version that drifted: the champion of the validation test. */
  model: ModelSelector;
  /** Trains the challenger; called once, with the champion and the report. */
  train: (context: {
    champion: ModelVersion;
    report: DriftReport;
  }) => RetrainedModel | Promise<RetrainedModel>;
  /** The report the retraining answers; default the champion's latest report that found drift. */
  report?: string;
  /**
   * Share of units routed to the challenger in a split test with hash or weighted allocation
   * (default: an even split).
   */
  challengerWeight?: number;
  /**
   * The validation test's definition without `variants` (added: `champion` as the control, then
   * `challenger`). Default name `<model> <champion> vs <challenger> (drift)`; in `mode: 'shadow'`
   * the primary metric defaults to `absolute_error`. Checked before `train` runs.
   */
  test?: Omit<AbTestDefinitionInput, 'variants' | 'name'> & { name?: string };
}

/**
 * The drift facade, available as `lab.drift`: baselines per model version, checks that compare
 * live data, performance and prediction errors with them, stored reports, streaming detectors,
 * and the loop back to retraining.
 *
 * @example
 * ```ts
 * const model = { name: 'direction', version: '1.4.0' };
 * await lab.drift.setBaseline({ model, features: { spread: trainSpreads }, metrics: { sharpe: 1.7 } });
 * const report = await lab.drift.check({ model, features: { spread: liveSpreads }, metrics: { sharpe: 1.2 } });
 * report.drifted; // true: the Sharpe ratio fell by 29%
 * ```
 */
export class DriftManager {
  readonly #backend: StorageBackend;
  readonly #models: ModelRegistry;
  readonly #abTests: AbTestManager;
  readonly #now: () => Date;
  readonly #nextId: IdGenerator;
  readonly #reportError: BackgroundErrorReporter;
  readonly #handlers = new Set<DriftHandler>();
  #closed = false;

  /** @internal */
  constructor(context: DriftManagerContext) {
    this.#backend = context.backend;
    this.#models = context.models;
    this.#abTests = context.abTests;
    this.#now = context.now;
    this.#nextId = context.nextId;
    this.#reportError = context.reportError;
  }

  /**
   * Stores the baseline of a model version, replacing any it had: a compact sketch of each
   * feature (numeric: a sorted uniform sample of at most `maxSamples` values, 10,000 by default,
   * with quantile bins and their exact counts; categorical: category counts), the reference
   * metrics, and from `predictions` the metrics `mae`, `rmse` and `hit_rate` (given metrics win)
   * and an order-preserving sample of the errors for concept-drift checks. A check never needs
   * the training data again, and a baseline of millions of rows stays a few hundred kB.
   *
   * The sample is drawn with a fixed seed: the same data always gives the same baseline.
   *
   * @throws ValidationError naming the field (`features.spread[12]`, `predictions.actual`,
   *   `model.version`, `maxSamples`); NotFoundError when `model` names a stage or alias the
   *   registry does not have.
   * @example
   * ```ts
   * await lab.drift.setBaseline({
   *   model: { name: 'direction', version: '1.4.0' },
   *   features: { spread: trainSpreads, venue: trainVenues },
   *   predictions: { predicted: validationPredictions, actual: validationReturns },
   *   metrics: { sharpe: 1.7 },
   * });
   * ```
   */
  async setBaseline(input: BaselineInput): Promise<DriftBaseline> {
    this.#open();
    const b = parseInput(baselineInputSchema, input, 'baseline');
    const model = await this.#resolve(b.model);
    // Object.fromEntries defines own properties: a feature named `__proto__` stays a feature.
    const features: Record<string, FeatureSketch> = Object.fromEntries(
      Object.entries(b.features ?? {}).map(([name, values]) => [
        name,
        buildSketch(values, {
          maxSamples: b.maxSamples,
          bins: b.bins,
          maxCategories: b.maxCategories,
          name: `features.${name}`,
        }),
      ]),
    );
    const extra: JsonObject = { features: Object.keys(features) };
    let metrics: Record<string, number> = { ...b.metrics };
    if (b.predictions !== undefined) {
      const summary = summarizePredictions(b.predictions, 'predictions');
      metrics = { ...summary.metrics, ...b.metrics };
      extra.errors = encodeErrorBaseline(summary, b.maxSamples, sampleRandom());
    }
    const record: DriftBaselineRecord = {
      modelName: model.name,
      modelVersion: model.version,
      features: Object.entries(features).map(([feature, sketch]) => ({
        feature,
        sketch: encodeSketch(sketch),
      })),
      metrics,
      extra,
      createdAt: this.#now(),
    };
    await this.#backend.drift.putBaseline(record);
    return {
      model,
      features,
      metrics,
      errors: extra.errors === undefined ? null : errorBaselineOf(extra.errors as JsonObject),
      createdAt: record.createdAt,
    };
  }

  /**
   * The stored baseline of a model version (every feature's sketch).
   *
   * @throws NotFoundError when the version has no baseline.
   * @example
   * ```ts
   * const { features, metrics } = await lab.drift.getBaseline({ name: 'direction', version: '1.4.0' });
   * ```
   */
  async getBaseline(model: ModelSelector): Promise<DriftBaseline> {
    this.#open();
    const ref = await this.#resolve(
      parseInput(modelSelectorSchema, model, 'model', { prefix: true }),
    );
    const record = await this.#requireBaseline(ref);
    return baselineFromRecord(record);
  }

  /**
   * Deletes the baseline of a model version; its reports stay.
   *
   * @returns Whether there was one.
   * @example
   * ```ts
   * await lab.drift.deleteBaseline({ name: 'direction', version: '1.4.0' }); // true
   * ```
   */
  async deleteBaseline(model: ModelSelector): Promise<boolean> {
    this.#open();
    const ref = await this.#resolve(
      parseInput(modelSelectorSchema, model, 'model', { prefix: true }),
    );
    return this.#backend.drift.deleteBaseline(ref.name, ref.version);
  }

  /**
   * Compares live data with the model version's baseline, stores the report and returns it:
   *
   * - **data drift** (with `features`): each feature with its test (automatic: KS or chi-square
   *   when either side has at most 1,000 rows, else the normalised Wasserstein or the
   *   Jensen-Shannon distance; override per feature in `methods`). A feature drifts when its
   *   effect size is over its threshold *and*, for tests with a p-value, the Benjamini-Hochberg
   *   adjusted p-value is at most `alpha`; the dataset drifts when the share of drifted features
   *   reaches `driftShare` (0.5). Loads only the sketches of the features given.
   * - **performance drift** (with `metrics` or `predictions`): each metric against the
   *   baseline's, drifted when it got worse by more than `performanceThreshold` (5%) relative to
   *   it. `predictions` add `mae`, `rmse` and `hit_rate`.
   * - **concept drift** (with `predictions`): a streaming detector (`concept.detector`, ADWIN by
   *   default; DDM watches wrong calls instead of absolute errors) is warmed up on the baseline's
   *   error sample, then fed the current errors in order; drift signalled within them is concept
   *   drift.
   *
   * The report has drifted when any part has. Then every `onDrift` handler is called with it
   * (in order, awaited; a handler that throws is reported to the lab's `onError` and logger,
   * source `drift.onDrift`, and does not fail the check).
   *
   * @throws ValidationError naming the field; NotFoundError when the version has no baseline.
   * @example
   * ```ts
   * const report = await lab.drift.check({
   *   model: { name: 'direction', stage: 'production' },
   *   features: { spread: todaysSpreads, venue: todaysVenues },
   *   predictions: { predicted: todaysPredictions, actual: todaysReturns },
   * });
   * if (report.drifted) console.warn(report.data?.features.filter((f) => f.drifted));
   * ```
   */
  async check(input: CheckInput): Promise<DriftReport> {
    this.#open();
    const c = parseInput(checkInputSchema, input, 'check');
    const model = await this.#resolve(c.model);
    const current = c.features ?? {};
    const record = await this.#requireBaseline(model, Object.keys(current));
    const baseline = baselineFromRecord(record);

    let data: DataDrift | null = null;
    if (c.features !== undefined) {
      const checked = checkFeatures(baseline.features, current, {
        alpha: c.alpha,
        driftShare: c.driftShare,
        ...(c.methods === undefined ? {} : { methods: c.methods }),
        ...(c.thresholds === undefined ? {} : { thresholds: c.thresholds }),
      });
      // Only the sketches of the current features were loaded: the baseline's own list says
      // which of its features the current data lacks.
      const stored = (record.extra.features as string[] | undefined) ?? [];
      data = {
        ...checked,
        missing: {
          fromCurrent: stored.filter((f) => !Object.hasOwn(current, f)),
          fromBaseline: checked.missing.fromBaseline,
        },
      };
    }

    const summary =
      c.predictions === undefined ? undefined : summarizePredictions(c.predictions, 'predictions');
    const performance =
      c.metrics === undefined && summary === undefined
        ? null
        : checkPerformance(
            baseline.metrics,
            { ...summary?.metrics, ...c.metrics },
            {
              threshold: c.performanceThreshold,
              ...(c.higherIsBetter === undefined ? {} : { higherIsBetter: c.higherIsBetter }),
            },
          );
    const storedErrors = record.extra.errors as JsonObject | undefined;
    const concept =
      summary === undefined
        ? null
        : checkConcept(
            storedErrors === undefined ? undefined : errorSampleOf(storedErrors),
            summary,
            {
              detector: c.concept?.detector ?? 'adwin',
              ...(c.concept?.options === undefined
                ? {}
                : { options: c.concept.options as DetectorOptionsByKind[DetectorKind] }),
            },
          );

    const createdAt = this.#now();
    const report: DriftReport = {
      id: this.#nextId(createdAt),
      model,
      createdAt,
      baselineCreatedAt: baseline.createdAt,
      drifted:
        (data?.drifted ?? false) || (performance?.drifted ?? false) || (concept?.drift ?? false),
      data,
      performance,
      concept,
    };
    await this.#backend.drift.insertReport(reportToRecord(report));
    if (report.drifted) await this.#notify(report);
    return report;
  }

  /**
   * One stored report.
   *
   * @throws NotFoundError when there is no such report.
   * @example
   * ```ts
   * const report = await lab.drift.report(reportId);
   * ```
   */
  async report(id: string): Promise<DriftReport> {
    this.#open();
    if (typeof id !== 'string' || id.length === 0) {
      throw new ValidationError('id', 'must be a non-empty string', { received: id });
    }
    const record = await this.#backend.drift.getReport(id);
    if (record === undefined) throw new NotFoundError('drift report', id);
    return reportFromRecord(record);
  }

  /**
   * Stored reports, newest first, filtered by model (or version), time and verdict, one page at
   * a time.
   *
   * @example
   * ```ts
   * const { reports, nextCursor } = await lab.drift.reports({
   *   model: { name: 'direction' }, from: new Date('2026-11-01'), driftedOnly: true,
   * });
   * ```
   */
  async reports(filter: DriftReportFilter = {}): Promise<DriftReportPage> {
    this.#open();
    const f = parseInput(reportFilterSchema, filter ?? {}, 'filter');
    const records = await this.#backend.drift.listReports({
      ...(f.model === undefined ? {} : { modelName: f.model.name }),
      ...(f.model?.version === undefined ? {} : { modelVersion: f.model.version }),
      ...(f.from === undefined ? {} : { from: f.from }),
      ...(f.to === undefined ? {} : { to: f.to }),
      driftedOnly: f.driftedOnly,
      ...(f.cursor === undefined ? {} : { after: decodeCursor(f.cursor) }),
      limit: f.limit + 1,
    });
    const more = records.length > f.limit;
    const page = more ? records.slice(0, f.limit) : records;
    const last = page[page.length - 1];
    return {
      reports: page.map(reportFromRecord),
      nextCursor: more && last !== undefined ? encodeCursor(last) : null,
    };
  }

  /**
   * A streaming drift detector for a value stream the bot watches itself (an error per trade, a
   * loss per batch), with River's defaults for the options not given: ADWIN (delta 0.002),
   * Page-Hinkley (minInstances 30, delta 0.005, threshold 50, alpha 0.9999), DDM (warmStart 30,
   * warning 2, drift 3; input 1 = error) or KSWIN. `update(x)` is allocation-free and returns
   * `{ drift, warning }`; `state()` is JSON that {@link restoreDetector} resumes from after a
   * restart.
   *
   * @throws ValidationError naming the option.
   * @example
   * ```ts
   * const adwin = lab.drift.detector('adwin', { delta: 0.002 });
   * for (const error of errors) if (adwin.update(error).drift) await retrain();
   * await fs.writeFile('adwin.json', JSON.stringify(adwin.state()));
   * ```
   */
  detector<K extends DetectorKind>(kind: K, options?: DetectorOptionsByKind[K]): DetectorByKind[K] {
    return createDetector(kind, options);
  }

  /**
   * A detector resumed from `detector.state()` (possibly after a JSON round trip): fed the same
   * values, it signals exactly what the original would have.
   *
   * @throws ValidationError naming the bad field of the state.
   * @example
   * ```ts
   * const adwin = lab.drift.restoreDetector(JSON.parse(await fs.readFile('adwin.json', 'utf8')));
   * ```
   */
  restoreDetector(state: DetectorState): DriftDetector {
    return restoreDetector(state);
  }

  /**
   * Calls `handler` with every report of this lab's `check` that found drift, after the report is
   * stored; `check` waits for it. Returns a function that removes the handler.
   *
   * @example
   * ```ts
   * const off = lab.drift.onDrift(async (report) => {
   *   await lab.drift.retrainAndValidate({ model: report.model, report: report.id, train });
   * });
   * off(); // later
   * ```
   */
  onDrift(handler: DriftHandler): () => void {
    if (typeof handler !== 'function') {
      throw new ValidationError('handler', 'must be a function', { received: handler });
    }
    const own = (report: DriftReport) => handler(report);
    this.#handlers.add(own);
    return () => {
      this.#handlers.delete(own);
    };
  }

  /**
   * Closes the loop after drift: calls `train` for a new version of the model, registers it
   * (development stage, tagged `drift-report:<report id>`, so
   * `lab.models.list({ tag: 'drift-report:' + report.id })` finds it) and starts an A/B test,
   * champion (control) vs challenger, whose metadata names the report. Promotion then happens
   * only on the test's evidence (`autoPromote`, or `lab.models.promote` after `results`).
   *
   * The test definition is checked before `train` runs. If the test cannot be created after
   * registration, the new version stays registered and the error is thrown.
   *
   * @throws ValidationError for a bad input, a report of another model or no report with drift;
   *   NotFoundError when the champion is not in the registry or the report does not exist.
   * @example
   * ```ts
   * const { challenger, test } = await lab.drift.retrainAndValidate({
   *   model: { name: 'direction', stage: 'production' },
   *   train: async ({ champion, report }) => ({
   *     artifact: await fit(recentData),
   *     modelType: champion.modelType,
   *     features: champion.features,
   *   }),
   *   test: { mode: 'shadow' },
   * });
   * ```
   */
  async retrainAndValidate(input: RetrainInput): Promise<RetrainResult> {
    this.#open();
    const r = parseInput(retrainInputSchema, input, 'retrain');
    const train = input.train;
    const ref = await this.#resolve(r.model);
    const champion = await this.#models.get(ref.name, { version: ref.version });
    const report = await this.#reportFor(ref, r.report);
    const definition = (challengerVersion: string): AbTestDefinitionInput => {
      const test = (r.test ?? {}) as Partial<AbTestDefinitionInput>;
      const shadow = test.mode === 'shadow';
      const allocation = test.allocation ?? 'hash';
      const weighted = !shadow && (allocation === 'hash' || allocation === 'weighted');
      const weight = r.challengerWeight;
      const weights =
        weighted && weight !== undefined ? [1 - weight, weight] : [undefined, undefined];
      return {
        ...test,
        name: test.name ?? `${ref.name} ${ref.version} vs ${challengerVersion} (drift)`,
        ...(shadow && test.primaryMetric === undefined ? { primaryMetric: 'absolute_error' } : {}),
        metadata: {
          ...test.metadata,
          driftReportId: report.id,
          champion: ref.version,
          challenger: challengerVersion,
        },
        variants: [
          { name: 'champion', model: ref.name, version: ref.version, ...weightOf(weights[0]) },
          {
            name: 'challenger',
            model: ref.name,
            version: challengerVersion,
            ...weightOf(weights[1]),
          },
        ],
      };
    };
    if (r.challengerWeight !== undefined) {
      const test = (r.test ?? {}) as Partial<AbTestDefinitionInput>;
      const allocation = test.allocation ?? 'hash';
      if (test.mode === 'shadow' || (allocation !== 'hash' && allocation !== 'weighted')) {
        throw new ValidationError(
          'challengerWeight',
          'is only used in a split test with hash or weighted allocation',
        );
      }
    }
    // A typo in the test definition must not cost a training run.
    parseInput(abTestDefinitionSchema, definition('0.0.0'), 'test', { prefix: true });

    const trained = await train({ champion, report });
    if (trained === null || typeof trained !== 'object') {
      throw new ValidationError('train', 'must return a model registration (without the name)', {
        received: trained,
      });
    }
    const { baseline, name, ...registration } = trained as RetrainedModel;
    if (name !== undefined && name !== ref.name) {
      throw new ValidationError('train', `must return a registration of model ${ref.name}`, {
        received: name,
      });
    }
    const tag = `${DRIFT_REPORT_TAG_PREFIX}${report.id}`;
    const challenger = await this.#models.register({
      ...registration,
      name: ref.name,
      tags: [...(registration.tags ?? []), tag],
      description: registration.description ?? `Retrained after drift report ${report.id}`,
    });
    if (baseline !== undefined) {
      await this.setBaseline({
        ...baseline,
        model: { name: ref.name, version: challenger.version },
      } as BaselineInput);
    }
    const test = await this.#abTests.create(definition(challenger.version));
    return { report, champion, challenger, test };
  }

  /** Marks the facade closed: later calls throw `ClosedError`. @internal */
  close(): void {
    this.#closed = true;
    this.#handlers.clear();
  }

  async #notify(report: DriftReport): Promise<void> {
    for (const handler of [...this.#handlers]) {
      try {
        await handler(report);
      } catch (error) {
        this.#reportError(error, { source: 'drift.onDrift', attempt: 1, final: true, items: 0 });
      }
    }
  }

  async #reportFor(model: ModelRef, id: string | undefined): Promise<DriftReport> {
    if (id !== undefined) {
      const report = await this.report(id);
      if (report.model.name !== model.name || report.model.version !== model.version) {
        throw new ValidationError(
          'report',
          `must be a report on ${model.name}@${model.version} (it is on ${report.model.name}@${report.model.version})`,
          { received: id },
        );
      }
      return report;
    }
    const [latest] = await this.#backend.drift.listReports({
      modelName: model.name,
      modelVersion: model.version,
      driftedOnly: true,
      limit: 1,
    });
    if (latest === undefined) {
      throw new ValidationError(
        'report',
        `is required: ${model.name}@${model.version} has no report that found drift`,
      );
    }
    return reportFromRecord(latest);
  }

  async #requireBaseline(
    model: ModelRef,
    features?: readonly string[],
  ): Promise<DriftBaselineRecord> {
    const record = await this.#backend.drift.getBaseline(
      model.name,
      model.version,
      features === undefined ? undefined : { features },
    );
    if (record === undefined) {
      throw new NotFoundError('drift baseline', `${model.name}@${model.version}`);
    }
    return record;
  }

  /** The version a selector names: given directly, or looked up in the registry. */
  async #resolve(selector: {
    name: string;
    version?: string | undefined;
    stage?: ModelSelector['stage'];
    alias?: string | undefined;
  }): Promise<ModelRef> {
    if (selector.version !== undefined) return { name: selector.name, version: selector.version };
    const version = await this.#models.get(
      selector.name,
      selector.stage !== undefined
        ? { stage: selector.stage }
        : { alias: selector.alias as string },
    );
    return { name: version.name, version: version.version };
  }

  #open(): void {
    if (this.#closed) throw new ClosedError('lab.drift');
  }
}

function weightOf(weight: number | undefined): { weight?: number } {
  return weight === undefined ? {} : { weight };
}

/** A deterministic random source for the error sample: the same data, the same baseline. */
function sampleRandom(): () => number {
  return createRandom('quantlab:drift:errors').uniform;
}

function baselineFromRecord(record: DriftBaselineRecord): DriftBaseline {
  const features: Record<string, FeatureSketch> = Object.fromEntries(
    record.features.map((f) => [f.feature, decodeSketch(f.sketch, f.feature)]),
  );
  const errors = record.extra.errors as JsonObject | undefined;
  return {
    model: { name: record.modelName, version: record.modelVersion },
    features,
    metrics: record.metrics,
    errors: errors === undefined ? null : errorBaselineOf(errors),
    createdAt: record.createdAt,
  };
}
