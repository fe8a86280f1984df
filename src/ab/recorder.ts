/**
 * The write side of `lab.abTests`: predictions and outcomes go through one write-behind buffer
 * (so a prediction is always committed no later than its outcome, in the same or an earlier
 * transaction), and the predictions awaiting their outcome are kept in a bounded map so
 * `recordOutcome` derives its values without a database read.
 *
 * @internal
 * @module
 */
import { WriteBehindBuffer } from '../buffer/index.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { copyJsonObject, type JsonIssue } from '../experiments/json.js';
import type { BackgroundErrorReporter } from '../experiments/recorder.js';
import type { IdGenerator } from '../ids.js';
import type { Logger } from '../logger.js';
import type { StorageBackend } from '../storage/backend.js';
import type { OutcomeKey, OutcomeRecord, PredictionRecord } from '../storage/records.js';
import { isPlainObject } from '../storage/validate.js';
import type { ResolvedAbTestOptions } from './options.js';
import { addCustomMetrics, checkActual, derivedValues } from './outcomes.js';
import type { TestRouter } from './router.js';
import type { OutcomeOptions, PredictionInput } from './types.js';

/** A prediction awaiting its outcome. */
interface PendingPrediction {
  readonly testId: string;
  readonly variant: string;
  readonly prediction: number;
  readonly shadow: { readonly [variant: string]: number } | null;
}

type AbWrite = PredictionRecord | OutcomeRecord;

/** What the recorder needs. @internal */
export interface AbRecorderContext {
  backend: StorageBackend;
  now: () => Date;
  nextId: IdGenerator;
  logger: Logger;
  reportError: BackgroundErrorReporter;
  options: ResolvedAbTestOptions;
  /** The router of a test loaded in this process, or undefined. */
  routerOf: (testId: string) => TestRouter | undefined;
  /** Loads a test's router (from the database when needed); NotFoundError when it does not exist. */
  loadRouter: (testId: string) => Promise<TestRouter>;
}

const RESOLVED: Promise<void> = Promise.resolve();

/** Units per hash test whose first prediction is counted for the SRM check (see #firstOfUnit). */
const UNITS_TRACKED = 100_000;

/**
 * Accepts predictions and outcomes and persists them in batches.
 *
 * @internal
 */
export class AbRecorder {
  readonly #backend: StorageBackend;
  readonly #now: () => Date;
  readonly #nextId: IdGenerator;
  readonly #sync: boolean;
  readonly #maxPending: number;
  readonly #buffer: WriteBehindBuffer<AbWrite>;
  readonly #pending = new Map<string, PendingPrediction>();
  /** Per hash test, the units this process has recorded a prediction of (at most UNITS_TRACKED). */
  readonly #units = new Map<string, Set<string>>();
  /** The last `maxPendingPredictions` prediction ids, oldest at `#ringNext` once full. */
  readonly #ring: (string | undefined)[] = [];
  #ringNext = 0;
  /** Predictions whose outcome is being looked up in the database (a second call must wait its turn). */
  readonly #lookingUp = new Set<string>();
  readonly #context: AbRecorderContext;
  readonly #reportError: BackgroundErrorReporter;
  readonly #logger: Logger;

  constructor(context: AbRecorderContext) {
    this.#context = context;
    this.#backend = context.backend;
    this.#now = context.now;
    this.#nextId = context.nextId;
    this.#sync = context.options.durability === 'sync';
    this.#maxPending = context.options.maxPendingPredictions;
    this.#reportError = context.reportError;
    this.#logger = context.logger;
    const { buffer } = context.options;
    this.#buffer = new WriteBehindBuffer<AbWrite>({
      name: 'A/B predictions and outcomes',
      maxBatch: buffer.maxBatch,
      flushIntervalMs: buffer.flushIntervalMs,
      capacity: buffer.capacity,
      maxRetries: buffer.maxRetries,
      logger: context.logger,
      write: (batch) => this.#write(batch),
      onError: (error, batch, attempt, final) =>
        context.reportError(error, { source: 'abTests', attempt, final, items: batch.length }),
    });
  }

  /** Items accepted and not yet durable. */
  get pending(): number {
    return this.#buffer.pending;
  }

  /** Predictions awaiting an outcome in memory. */
  get awaitingOutcome(): number {
    return this.#pending.size;
  }

  recordPrediction(router: TestRouter, input: PredictionInput): string {
    if (typeof input !== 'object' || input === null) {
      throw new ValidationError('input', 'must be { variant, prediction, ... }', {
        received: input,
      });
    }
    const test = router.test;
    const variant = input.variant;
    if (typeof variant !== 'string' || router.indexOf(variant) < 0) {
      throw new ValidationError(
        'input.variant',
        `must be one of the test's variants (${test.variants.map((v) => v.name).join(', ')})`,
        { received: variant },
      );
    }
    const prediction = input.prediction;
    if (typeof prediction !== 'number' || !Number.isFinite(prediction)) {
      throw new ValidationError('input.prediction', 'must be a finite number', {
        received: prediction,
      });
    }
    const unit = input.unit;
    if (unit !== undefined && typeof unit !== 'string') {
      throw new ValidationError('input.unit', 'must be a string', { received: unit });
    }
    const confidence = input.confidence;
    if (
      confidence !== undefined &&
      (typeof confidence !== 'number' || !Number.isFinite(confidence))
    ) {
      throw new ValidationError('input.confidence', 'must be a finite number', {
        received: confidence,
      });
    }
    let features: PredictionRecord['features'] = null;
    if (input.features !== undefined) {
      const issues: JsonIssue[] = [];
      features = copyJsonObject(input.features, issues) ?? null;
      const issue = issues[0];
      if (issue !== undefined) {
        const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('');
        throw new ValidationError(`input.features${path}`, issue.message, {
          received: issue.input,
        });
      }
    }
    const shadow = checkShadow(router, variant, input.shadowPredictions);
    const at = this.#now();
    const id = this.#nextId(at);
    const firstOfUnit = unit !== undefined && this.#firstOfUnit(router, unit);
    const record: PredictionRecord = {
      id,
      testId: test.id,
      variant,
      unit: unit ?? null,
      features,
      prediction,
      confidence: confidence ?? null,
      shadow,
      at,
      ...(firstOfUnit ? { firstOfUnit } : {}),
    };
    this.#buffer.add(record); // throws BackpressureError / ClosedError: nothing accepted
    this.#remember(id, { testId: test.id, variant, prediction, shadow });
    return id;
  }

  /**
   * Whether this is the first prediction of `unit` in a hash test that this process records, so
   * the store counts the unit for the SRM check (hashing assigns units, and a bot predicts for
   * the same account many times). The first UNITS_TRACKED units of each test are tracked; the
   * units after them are not counted at all, which keeps the count a fair sample (a unit's
   * arrival order does not depend on its variant) and memory bounded. Units seen by several
   * processes, or again after a restart, are counted by each.
   */
  #firstOfUnit(router: TestRouter, unit: string): boolean {
    const test = router.test;
    if (test.allocation !== 'hash' || test.mode !== 'split') return false;
    let seen = this.#units.get(test.id);
    if (seen === undefined) {
      seen = new Set();
      this.#units.set(test.id, seen);
    }
    if (seen.size >= UNITS_TRACKED || seen.has(unit)) return false;
    seen.add(unit);
    return true;
  }

  /**
   * Keeps a prediction for its outcome, forgetting the one made `maxPendingPredictions` calls
   * ago if it is still waiting (its outcome is still accepted, after a database lookup). A ring
   * of ids does it in O(1): evicting through the Map's own order would walk past the deleted
   * entries V8 keeps until a rehash, quadratic once the limit is reached.
   */
  #remember(id: string, prediction: PendingPrediction): void {
    if (this.#maxPending === 0) return;
    const slot = this.#ringNext;
    const oldest = this.#ring[slot];
    if (oldest !== undefined) this.#pending.delete(oldest);
    this.#ring[slot] = id;
    this.#ringNext = slot + 1 === this.#maxPending ? 0 : slot + 1;
    this.#pending.set(id, prediction);
  }

  recordOutcome(predictionId: string, actual: unknown, options?: OutcomeOptions): Promise<void> {
    if (typeof predictionId !== 'string' || predictionId.length === 0) {
      throw new ValidationError('predictionId', 'must be a prediction id from recordPrediction', {
        received: predictionId,
      });
    }
    if (options !== undefined && (typeof options !== 'object' || options === null)) {
      throw new ValidationError('options', 'must be an object', { received: options });
    }
    const pending = this.#pending.get(predictionId);
    if (pending === undefined) return this.#recordLateOutcome(predictionId, actual, options);
    const router = this.#context.routerOf(pending.testId);
    if (router === undefined) return this.#recordLateOutcome(predictionId, actual, options);
    const records = this.#outcomes(router, predictionId, pending, actual, options);
    this.#buffer.addMany(records); // all or none; on refusal the prediction stays pending
    this.#pending.delete(predictionId);
    this.#observe(router, records);
    return this.#sync ? this.#buffer.flush() : RESOLVED;
  }

  async flush(): Promise<void> {
    await this.#buffer.flush();
  }

  close(): Promise<void> {
    return this.#buffer.close();
  }

  /** The outcome of a prediction this process does not hold: look it up, then accept. */
  async #recordLateOutcome(
    predictionId: string,
    actual: unknown,
    options: OutcomeOptions | undefined,
  ): Promise<void> {
    if (this.#lookingUp.has(predictionId)) {
      throw new ConflictError('prediction', predictionId, 'an outcome for it is being recorded');
    }
    this.#lookingUp.add(predictionId);
    try {
      await this.#acceptLateOutcome(predictionId, actual, options);
    } finally {
      this.#lookingUp.delete(predictionId);
    }
  }

  async #acceptLateOutcome(
    predictionId: string,
    actual: unknown,
    options: OutcomeOptions | undefined,
  ): Promise<void> {
    // Our own earlier writes first: the prediction, or an outcome already given for it.
    await this.#buffer.flush();
    const stored = await this.#backend.abTests.getPrediction(predictionId);
    if (stored === undefined) throw new NotFoundError('prediction', predictionId);
    const existing = await this.#backend.abTests.listOutcomes(predictionId);
    if (existing.length > 0) {
      throw new ConflictError('prediction', predictionId, 'already has an outcome');
    }
    const router = await this.#context.loadRouter(stored.testId);
    const pending: PendingPrediction = {
      testId: stored.testId,
      variant: stored.variant,
      prediction: stored.prediction,
      shadow: stored.shadow,
    };
    const records = this.#outcomes(router, predictionId, pending, actual, options);
    this.#buffer.addMany(records);
    this.#pending.delete(predictionId);
    this.#observe(router, records);
    if (this.#sync) await this.#buffer.flush();
  }

  #outcomes(
    router: TestRouter,
    predictionId: string,
    pending: PendingPrediction,
    actual: unknown,
    options: OutcomeOptions | undefined,
  ): OutcomeRecord[] {
    const test = router.test;
    const binary = test.metricKind === 'binary';
    const value = checkActual(actual, binary);
    const at = this.#now();
    const values = derivedValues(pending.prediction, value, binary);
    addCustomMetrics(values, options?.metrics);
    const primary = values[test.primaryMetric];
    if (primary === undefined) {
      throw new ValidationError(
        `options.metrics.${test.primaryMetric}`,
        'is required: it is the primary metric of the test',
      );
    }
    if (binary && primary !== 0 && primary !== 1) {
      throw new ValidationError(
        `options.metrics.${test.primaryMetric}`,
        'must be 0, 1, true or false: the primary metric is binary',
        { received: primary },
      );
    }
    const records: OutcomeRecord[] = [
      { predictionId, testId: test.id, variant: pending.variant, actual: value, values, at },
    ];
    if (pending.shadow !== null) {
      for (const variant of Object.keys(pending.shadow)) {
        const prediction = pending.shadow[variant] as number;
        records.push({
          predictionId,
          testId: test.id,
          variant,
          actual: value,
          values: derivedValues(prediction, value, binary),
          at,
        });
      }
    }
    return records;
  }

  /** Feeds the bandit the primary metric of each outcome. */
  #observe(router: TestRouter, records: readonly OutcomeRecord[]): void {
    if (router.bandit === undefined) return;
    const metric = router.test.primaryMetric;
    for (const record of records) {
      const value = record.values[metric];
      const index = router.indexOf(record.variant);
      if (value !== undefined && index >= 0) router.observe(index, value);
    }
  }

  async #write(batch: readonly AbWrite[]): Promise<void> {
    const predictions: PredictionRecord[] = [];
    const outcomes: OutcomeRecord[] = [];
    for (const item of batch) {
      if ('prediction' in item) predictions.push(item);
      else outcomes.push(item);
    }
    // This process hands an outcome to the buffer only after checking no outcome of that
    // prediction exists (in memory, or in the database for one it no longer holds), so the
    // store may skip its own check. Another process may still have recorded one: then the
    // batch is written again with the check, which skips and reports it.
    const write = (assumeNew: boolean) =>
      this.#backend.transaction(async (tx) => {
        if (predictions.length > 0) await tx.abTests.appendPredictions(predictions);
        return outcomes.length > 0
          ? tx.abTests.appendOutcomes(outcomes, { assumeNew })
          : { duplicates: [] };
      });
    let duplicates: readonly OutcomeKey[];
    try {
      ({ duplicates } = await write(true));
    } catch (error) {
      if (!(error instanceof ConflictError) || outcomes.length === 0) throw error;
      ({ duplicates } = await write(false));
    }
    if (duplicates.length > 0) {
      // Another process recorded these outcomes first: they are counted once, never twice.
      const first = duplicates[0] as { predictionId: string; variant: string };
      const error = new ConflictError(
        'prediction',
        first.predictionId,
        `already had an outcome for ${first.variant}; ${duplicates.length} duplicate outcome(s) skipped`,
      );
      this.#logger.warn('quantlab skipped duplicate A/B outcomes', { count: duplicates.length });
      this.#reportError(error, {
        source: 'abTests.duplicates',
        attempt: 1,
        final: true,
        items: duplicates.length,
      });
    }
  }
}

function checkShadow(
  router: TestRouter,
  variant: string,
  shadow: unknown,
): { [variant: string]: number } | null {
  const test = router.test;
  if (test.mode !== 'shadow') {
    if (shadow !== undefined) {
      throw new ValidationError('input.shadowPredictions', 'is only recorded in shadow mode', {
        received: shadow,
      });
    }
    return null;
  }
  const control = (test.variants[0] as { name: string }).name;
  if (variant !== control) {
    throw new ValidationError(
      'input.variant',
      `must be the control (${control}) in shadow mode: the others are recorded in shadowPredictions`,
      { received: variant },
    );
  }
  if (shadow === undefined) return null;
  if (!isPlainObject(shadow)) {
    throw new ValidationError(
      'input.shadowPredictions',
      'must be an object of variant names to predictions',
      {
        received: shadow,
      },
    );
  }
  const copy: { [variant: string]: number } = {};
  for (const name of Object.keys(shadow)) {
    const value = shadow[name];
    if (name === control || router.indexOf(name) < 0) {
      throw new ValidationError(
        'input.shadowPredictions',
        `has a key that is not a shadow variant`,
        {
          received: name,
        },
      );
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new ValidationError(`input.shadowPredictions.${name}`, 'must be a finite number', {
        received: value,
      });
    }
    copy[name] = value;
  }
  return Object.keys(copy).length === 0 ? null : copy;
}
