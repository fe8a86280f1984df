/**
 * `lab.abTests`: route live predictions between model versions, record predictions and their
 * outcomes, and decide with sound statistics when a challenger wins or must be stopped.
 *
 * @module
 */
import { z } from 'zod';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { ClosedError, ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { parseInput } from '../experiments/parse.js';
import type { BackgroundErrorReporter } from '../experiments/recorder.js';
import type { IdGenerator } from '../ids.js';
import type { Logger } from '../logger.js';
import type { ModelRegistry } from '../models/manager.js';
import type { StorageBackend } from '../storage/backend.js';
import type { AbTestRecord, AbTestStatus, ModelVersionRecord } from '../storage/records.js';
import type { ArmStats } from './bandits.js';
import { getEqualWeights } from './buckets.js';
import {
  type AbTestDefinition,
  type AbTestDefinitionInput,
  abTestDefinitionSchema,
  defaultHigherIsBetter,
  secondaryMetricSpecs,
} from './definition.js';
import { AB_TEST_STATUSES, assertAbTransition, sourcesOf } from './lifecycle.js';
import type { ResolvedAbTestOptions } from './options.js';
import {
  definitionToJson,
  INITIAL_STATE,
  type StoredDefinition,
  stateOf,
  stateToJson,
  type TestState,
  testFromRecord,
} from './record.js';
import { AbRecorder } from './recorder.js';
import { AggregateTable, buildResults } from './results.js';
import { defaultMinWeight, type LoadedModel, TestRouter } from './router.js';
import type {
  AbTest,
  AbTestFilter,
  AbTestPage,
  AbTestResults,
  MonitorAction,
  OutcomeOptions,
  PredictionInput,
  Route,
  RouteInput,
} from './types.js';

/** What the manager needs from the lab. @internal */
export interface AbTestManagerContext {
  backend: StorageBackend;
  models: ModelRegistry;
  now: () => Date;
  random: () => number;
  nextId: IdGenerator;
  logger: Logger;
  reportError: BackgroundErrorReporter;
  options: ResolvedAbTestOptions;
}

/** Options of `complete`. */
export interface CompleteOptions {
  /** Complete below the minimum samples per variant (the results are kept as they are). */
  force?: boolean;
  /** Why, recorded as the end reason (default `completed`, or `forced` with `force`). */
  reason?: string;
}

const ACTOR = 'quantlab.abTests';

const filterSchema = z.strictObject({
  status: z
    .union([
      z.enum(AB_TEST_STATUSES as [AbTestStatus]),
      z.array(z.enum(AB_TEST_STATUSES as [AbTestStatus])).min(1),
    ])
    .optional(),
  name: z.string().min(1).optional(),
  limit: z.number().int().min(1).max(1000).default(100),
  cursor: z.string().optional(),
});

const completeSchema = z.strictObject({
  force: z.boolean().default(false),
  reason: z.string().min(1).max(1000).optional(),
});

/**
 * The A/B testing facade, available as `lab.abTests`.
 *
 * A test routes each unit to a variant (a pinned model version), the bot records the prediction
 * it made and later the realised outcome, and `results` compares the variants from aggregates
 * the database keeps. `route` is synchronous and does no I/O: a test is routable in a process
 * once `create` or `get` has loaded it there.
 *
 * @example
 * ```ts
 * const test = await lab.abTests.create({
 *   name: 'direction 2.0 vs 1.4',
 *   variants: [
 *     { name: 'control', model: 'direction', stage: 'production' },
 *     { name: 'challenger', model: 'direction', version: '2.0.0' },
 *   ],
 *   primaryMetric: 'pnl',
 *   maxLoss: 5,
 * });
 * const { variant, artifact } = lab.abTests.route(test.id, { unit: 'acct-42' });
 * const id = lab.abTests.recordPrediction(test.id, { variant, unit: 'acct-42', prediction: 0.8 });
 * await lab.abTests.recordOutcome(id, 0.3, { metrics: { pnl: 12.5 } });
 * (await lab.abTests.results(test.id)).recommendation;
 * ```
 */
export class AbTestManager {
  readonly #backend: StorageBackend;
  readonly #models: ModelRegistry;
  readonly #now: () => Date;
  readonly #random: () => number;
  readonly #nextId: IdGenerator;
  readonly #logger: Logger;
  readonly #reportError: BackgroundErrorReporter;
  readonly #routers = new Map<string, TestRouter>();
  readonly #recorder: AbRecorder;
  #closed = false;

  /** @internal */
  constructor(context: AbTestManagerContext) {
    this.#backend = context.backend;
    this.#models = context.models;
    this.#now = context.now;
    this.#random = context.random;
    this.#nextId = context.nextId;
    this.#logger = context.logger;
    this.#reportError = context.reportError;
    this.#recorder = new AbRecorder({
      backend: context.backend,
      now: context.now,
      nextId: context.nextId,
      logger: context.logger,
      reportError: context.reportError,
      options: context.options,
      routerOf: (id) => this.#routers.get(id),
      loadRouter: async (id) => {
        await this.get(id);
        return this.#routers.get(id) as TestRouter;
      },
    });
  }

  /**
   * Creates a test and loads it for routing in this process. Each variant's model reference
   * (version, stage or alias) is resolved now and pinned: the test keeps using that version even
   * if the stage or alias moves later. The test starts at once (`running`) unless `start: false`.
   *
   * Defaults: `allocation: 'hash'` (GrowthBook-compatible, seed = the test id), equal weights,
   * `coverage: 1`, `primaryMetric: 'actual'`, `metricKind: 'continuous'`, `higherIsBetter` true
   * (false for `absolute_error` and `squared_error`), `confidenceLevel: 0.95`,
   * `minSamplesPerVariant: 1000`, `sequential: true`, epsilon 0.1 for epsilon-greedy and a floor
   * of min(0.05, 1 / variants) per arm for Thompson sampling.
   *
   * @throws ValidationError naming the field; NotFoundError when a model version does not exist;
   *   ConflictError when the id is taken.
   * @example
   * ```ts
   * const test = await lab.abTests.create({
   *   name: 'hit rate: v2 vs v1',
   *   variants: [
   *     { name: 'control', model: 'direction', version: '1.0.0', weight: 0.8 },
   *     { name: 'v2', model: 'direction', version: '2.0.0', weight: 0.2 },
   *   ],
   *   primaryMetric: 'hit',
   *   metricKind: 'binary',
   *   minimumDetectableEffect: 0.02,
   * });
   * ```
   */
  async create(definition: AbTestDefinitionInput): Promise<AbTest> {
    this.#open();
    const d = parseInput(abTestDefinitionSchema, definition, 'definition');
    const models = await this.#resolveModels(d);
    const id = d.id ?? this.#nextId();
    const stored = storedDefinition(d, id, models);
    const now = this.#now();
    const record: AbTestRecord = {
      id,
      name: d.name,
      status: d.start ? 'running' : 'created',
      definition: definitionToJson(stored),
      state: stateToJson(INITIAL_STATE),
      createdAt: now,
      updatedAt: now,
      startedAt: d.start ? now : null,
      endedAt: null,
    };
    await this.#backend.abTests.insertTest(record);
    const test = testFromRecord(record);
    this.#routers.set(id, new TestRouter(test, models, this.#random));
    return test;
  }

  /**
   * The test, read from the database, and loaded (or refreshed) for routing in this process:
   * call it once in each process that routes a test it did not create.
   *
   * @throws NotFoundError when there is no such test.
   * @example
   * ```ts
   * const test = await lab.abTests.get(testId); // now lab.abTests.route(testId, ...) works here
   * ```
   */
  async get(testId: string): Promise<AbTest> {
    this.#open();
    checkTestId(testId);
    const record = await this.#backend.abTests.getTest(testId);
    if (record === undefined) throw new NotFoundError('A/B test', testId);
    const test = testFromRecord(record);
    const router = this.#routers.get(testId);
    if (router !== undefined) router.update(test);
    else {
      const models = await this.#loadModels(test);
      const loaded = new TestRouter(test, models, this.#random);
      this.#routers.set(testId, loaded);
      await this.#refreshBandit(loaded);
    }
    return test;
  }

  /**
   * Tests, newest first, filtered by status and name, one page at a time.
   *
   * @example
   * ```ts
   * const { tests, nextCursor } = await lab.abTests.list({ status: 'running' });
   * ```
   */
  async list(filter: AbTestFilter = {}): Promise<AbTestPage> {
    this.#open();
    const f = parseInput(filterSchema, filter ?? {}, 'filter');
    const status =
      f.status === undefined ? undefined : Array.isArray(f.status) ? f.status : [f.status];
    const records = await this.#backend.abTests.listTests({
      ...(status === undefined ? {} : { status }),
      ...(f.name === undefined ? {} : { name: f.name }),
      ...(f.cursor === undefined ? {} : { after: decodeCursor(f.cursor) }),
      limit: f.limit + 1,
    });
    const more = records.length > f.limit;
    const page = more ? records.slice(0, f.limit) : records;
    const last = page[page.length - 1];
    return {
      tests: page.map(testFromRecord),
      nextCursor: more && last !== undefined ? encodeCursor(last) : null,
    };
  }

  /**
   * The variant for one unit, with its model version and artifact bytes: synchronous, no I/O,
   * no allocation (the returned objects are precomputed and frozen).
   *
   * - `hash`: GrowthBook's `run()` for attribute `id = unit` (FNV-1a 32 hash version 2, the
   *   test's seed, weights and coverage); the same unit always gets the same variant, in every
   *   process. `unit` is required.
   * - `random` / `weighted`: a draw from the lab's random source (uniform / by weight).
   * - `epsilon-greedy` / `thompson`: the bandit's choice from in-memory statistics, updated by
   *   every outcome recorded in this process (and from the database every `refreshMs`).
   * - Units outside `coverage`, units of a stopped variant, and every unit while the test is not
   *   running get the control with `inTest: false`: do not record their predictions.
   * - Shadow mode: every unit gets the control, and `shadows` lists the other variants to
   *   predict with and record beside it.
   *
   * @throws NotFoundError when the test is not loaded in this process (`create` or `get` it
   *   first); ValidationError for a missing unit with hash allocation.
   * @example
   * ```ts
   * const route = lab.abTests.route(testId, { unit: 'acct-42' });
   * const prediction = predict(route.artifact, features);
   * ```
   */
  route(testId: string, input?: RouteInput): Route {
    const router = this.#routers.get(testId);
    if (router === undefined) throw notLoaded(testId);
    return router.route(input === undefined ? undefined : input.unit);
  }

  /**
   * Records the prediction a variant made and returns its id at once (no I/O): keep it to report
   * the outcome. Persisted through the write-behind buffer (`flush()` makes it durable).
   *
   * @throws ValidationError for an unknown variant, a non-finite prediction, bad features;
   *   NotFoundError when the test is not loaded in this process; BackpressureError when the
   *   buffer is full (nothing recorded).
   * @example
   * ```ts
   * const id = lab.abTests.recordPrediction(testId, { variant: route.variant, unit: 'acct-42', prediction: 0.012, features: { rsi: 61 } });
   * ```
   */
  recordPrediction(testId: string, input: PredictionInput): string {
    const router = this.#routers.get(testId);
    if (router === undefined) throw notLoaded(testId);
    return this.#recorder.recordPrediction(router, input);
  }

  /**
   * Records the realised outcome of a prediction: the derived metrics (`actual`, `error`,
   * `absolute_error`, `squared_error`, `hit`) and the caller's own `metrics` are added to the
   * test's aggregates (in shadow mode, one outcome per shadow prediction too). For a prediction
   * recorded in this process the call accepts the outcome into the buffer and resolves at once;
   * for one recorded elsewhere (or long ago) it first looks the prediction up in the database.
   *
   * @throws ValidationError at once for a bad actual or metric; the promise rejects with
   *   NotFoundError for an unknown prediction id and ConflictError when it already has an
   *   outcome (nothing is dropped silently).
   * @example
   * ```ts
   * await lab.abTests.recordOutcome(id, 0.004, { metrics: { pnl: 18.2 } });
   * ```
   */
  recordOutcome(
    predictionId: string,
    actual: number | boolean,
    options?: OutcomeOptions,
  ): Promise<void> {
    this.#open();
    return this.#recorder.recordOutcome(predictionId, actual, options);
  }

  /**
   * Resolves when every prediction and outcome accepted so far is durable.
   *
   * @example
   * ```ts
   * await lab.abTests.flush();
   * ```
   */
  flush(): Promise<void> {
    return this.#recorder.flush();
  }

  /**
   * The analysis of a test from the database's per-variant aggregates (after flushing this
   * process's buffer): per variant n, mean, sd or rate, MAE/MSE/RMSE; each treatment against the
   * control with Welch's test or, with `sequential`, an always-valid p-value and confidence
   * sequence (safe to look at any time); Cohen's d, power and required sample size for the MDE,
   * chance to beat control for binary metrics, Holm across treatments, Benjamini-Hochberg across
   * secondary metrics, the SRM check, a winner and a plain-words recommendation.
   *
   * @throws NotFoundError when there is no such test.
   * @example
   * ```ts
   * const r = await lab.abTests.results(testId);
   * console.log(r.recommendation); // "challenger better by 0.12 (always-valid 95% CI 0.05..0.19), p = 0.001, n = 5,000 vs 5,000"
   * ```
   */
  async results(testId: string): Promise<AbTestResults> {
    this.#open();
    checkTestId(testId);
    await this.#recorder.flush();
    const record = await this.#backend.abTests.getTest(testId);
    if (record === undefined) throw new NotFoundError('A/B test', testId);
    const test = testFromRecord(record);
    return buildResults(test, await this.#backend.abTests.aggregates(testId));
  }

  /**
   * Starts a test created with `start: false`.
   *
   * @throws InvalidTransitionError unless the test is `created`.
   * @example
   * ```ts
   * await lab.abTests.start(testId);
   * ```
   */
  start(testId: string): Promise<AbTest> {
    return this.#move(testId, 'running', (test) => ({ startedAt: test.startedAt ?? this.#now() }));
  }

  /**
   * Pauses a running test: every unit gets the control (`inTest: false`) until `resume`.
   *
   * @example
   * ```ts
   * await lab.abTests.pause(testId);
   * ```
   */
  pause(testId: string): Promise<AbTest> {
    return this.#move(testId, 'paused');
  }

  /**
   * Resumes a paused test.
   *
   * @example
   * ```ts
   * await lab.abTests.resume(testId);
   * ```
   */
  resume(testId: string): Promise<AbTest> {
    return this.#move(testId, 'running');
  }

  /**
   * Ends a running or paused test, recording the winner of the final results. Refused while a
   * variant has fewer outcomes than the minimum (`minSamplesPerVariant` raised to what the MDE
   * needs), unless `force`. With `autoPromote`, a winner's model version is promoted to
   * production through `lab.models` (recorded in its history), but only when every variant has
   * the minimum samples: a forced completion never promotes on too little evidence.
   *
   * @throws ConflictError below the minimum samples; InvalidTransitionError from another status.
   * @example
   * ```ts
   * const { results } = await lab.abTests.complete(testId);
   * await lab.abTests.complete(otherId, { force: true, reason: 'strategy retired' });
   * ```
   */
  async complete(
    testId: string,
    options: CompleteOptions = {},
  ): Promise<{ test: AbTest; results: AbTestResults }> {
    this.#open();
    checkTestId(testId);
    const o = parseInput(completeSchema, options ?? {}, 'options', { prefix: true });
    const results = await this.results(testId);
    const current = await this.#require(testId);
    assertAbTransition(testId, current.status, 'completed');
    if (!o.force && !results.enoughSamples) {
      const counts = results.variants.map((v) => `${v.name} ${v.n}`).join(', ');
      throw new ConflictError(
        'A/B test',
        testId,
        `needs ${results.minimumSamplesPerVariant} outcomes per variant to complete (${counts}); pass { force: true } to end it anyway`,
      );
    }
    const reason = o.reason ?? (o.force && !results.enoughSamples ? 'forced' : 'completed');
    const test = await this.#finish(current, results, reason, current.autoPromote);
    return { test, results: { ...results, status: test.status } };
  }

  /**
   * Marks a running test failed (something outside the statistics went wrong), with the reason.
   *
   * @example
   * ```ts
   * await lab.abTests.fail(testId, 'feature pipeline broke');
   * ```
   */
  async fail(testId: string, reason: string): Promise<AbTest> {
    if (typeof reason !== 'string' || reason.length === 0) {
      throw new ValidationError('reason', 'must be a non-empty string', { received: reason });
    }
    return this.#move(testId, 'failed', (test) => ({
      endedAt: this.#now(),
      state: stateToJson({ ...stateOf(test), endReason: reason }),
    }));
  }

  /**
   * One pass of the decision rules over every running test:
   * - past `endAt`: complete it (with its winner, if any);
   * - with `maxLoss`: stop each treatment the one-sided, always-valid check finds worse than the
   *   control by more than `maxLoss` (its units get the control); when every treatment is
   *   stopped, complete the test with the control kept;
   * - with `autoPromote`: once every variant has the minimum samples and a treatment wins
   *   significantly (no sample ratio mismatch), complete the test and promote the winner's model
   *   version to production through `lab.models`.
   * Every change is a compare-and-set on the test's status, so two processes monitoring at once
   * act once. Run it on a timer with `createLab(..., { abTests: { monitor: { intervalMs } } })`.
   *
   * @returns what it did, one entry per action.
   * @example
   * ```ts
   * for (const action of await lab.abTests.monitor()) console.log(action.testId, action.action, action.reason);
   * ```
   */
  async monitor(): Promise<MonitorAction[]> {
    this.#open();
    await this.#recorder.flush();
    const actions: MonitorAction[] = [];
    let after: { createdAt: Date; id: string } | undefined;
    for (;;) {
      const page = await this.#backend.abTests.listTests({
        status: ['running'],
        limit: 100,
        ...(after === undefined ? {} : { after }),
      });
      for (const record of page) {
        try {
          actions.push(...(await this.#monitorOne(testFromRecord(record))));
        } catch (error) {
          // Another process moved the test first (it monitors too): nothing to report.
          if (error instanceof ConflictError) continue;
          this.#reportError(error, {
            source: 'abTests.monitor',
            attempt: 1,
            final: false,
            items: 0,
          });
        }
      }
      if (page.length < 100) break;
      const last = page[page.length - 1] as AbTestRecord;
      after = { createdAt: last.createdAt, id: last.id };
    }
    return actions;
  }

  /**
   * Reloads the tests routed in this process (status, stopped variants) and their bandits'
   * statistics from the database. `createLab(..., { abTests: { refreshMs } })` runs it on a timer.
   *
   * @example
   * ```ts
   * await lab.abTests.refresh();
   * ```
   */
  async refresh(): Promise<void> {
    this.#open();
    for (const router of this.#routers.values()) {
      const record = await this.#backend.abTests.getTest(router.test.id);
      if (record !== undefined) router.update(testFromRecord(record));
      await this.#refreshBandit(router);
    }
  }

  /** Flushes and refuses further writes. @internal */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#recorder.close();
  }

  async #monitorOne(test: AbTest): Promise<MonitorAction[]> {
    const now = this.#now();
    const results = buildResults(test, await this.#backend.abTests.aggregates(test.id));
    if (test.endAt !== null && test.endAt.getTime() <= now.getTime()) {
      const done = await this.#finish(test, results, 'end_at', test.autoPromote);
      return [completedAction(test, done, 'end_at: the test reached its end time')];
    }
    const actions: MonitorAction[] = [];
    let current = test;
    if (test.maxLoss !== null) {
      const stop = results.comparisons
        .filter((c) => c.exceedsMaxLoss === true && !current.stoppedVariants.includes(c.variant))
        .map((c) => c.variant);
      if (stop.length > 0) {
        const stopped = [...current.stoppedVariants, ...stop];
        const updated = await this.#backend.abTests.updateTest(
          test.id,
          { state: stateToJson({ ...stateOf(current), stoppedVariants: stopped }), updatedAt: now },
          { expectStatus: ['running'] },
        );
        if (updated === undefined) return actions; // another process moved it first
        current = testFromRecord(updated);
        this.#routers.get(test.id)?.update(current);
        for (const variant of stop) {
          actions.push({
            testId: test.id,
            action: 'stopped_variant',
            variant,
            reason: `max_loss: ${variant} is worse than the control by more than ${test.maxLoss} (one-sided, always-valid)`,
          });
        }
        if (stopped.length === test.variants.length - 1) {
          const done = await this.#finish(current, results, 'max_loss', false);
          actions.push(
            completedAction(
              current,
              done,
              'max_loss: every treatment was stopped; the control is kept',
            ),
          );
          return actions;
        }
      }
    }
    if (
      current.autoPromote &&
      results.enoughSamples &&
      results.winner !== null &&
      !current.stoppedVariants.includes(results.winner)
    ) {
      const done = await this.#finish(current, results, 'auto_promote', true);
      actions.push(completedAction(current, done, `auto_promote: ${results.recommendation}`));
      if (done.promoted !== null) {
        actions.push({
          testId: test.id,
          action: 'promoted',
          variant: done.winner,
          reason: `${done.promoted.model}@${done.promoted.version} promoted to production`,
        });
      }
    }
    return actions;
  }

  /** Completes `test` (compare-and-set), then promotes the winner when asked. */
  async #finish(
    test: AbTest,
    results: AbTestResults,
    reason: string,
    promote: boolean,
  ): Promise<AbTest> {
    const now = this.#now();
    const winner = reason === 'max_loss' ? null : results.winner;
    const state: TestState = { ...stateOf(test), endReason: reason, winner };
    const updated = await this.#backend.abTests.updateTest(
      test.id,
      { status: 'completed', state: stateToJson(state), updatedAt: now, endedAt: now },
      { expectStatus: sourcesOf('completed') },
    );
    if (updated === undefined) {
      const fresh = await this.#require(test.id);
      throw new ConflictError('A/B test', test.id, `was ${fresh.status} before it could complete`);
    }
    let done = testFromRecord(updated);
    this.#routers.get(test.id)?.update(done);
    // Never promote on too little evidence, even when the test ends early (forced, endAt).
    if (promote && winner !== null && results.enoughSamples) {
      const variant = test.variants.find((v) => v.name === winner);
      if (variant !== undefined) {
        try {
          await this.#promote(
            variant.model,
            variant.version,
            `A/B test ${test.name} (${test.id}): ${results.recommendation}`,
          );
          const promoted = { model: variant.model, version: variant.version };
          const again = await this.#backend.abTests.updateTest(test.id, {
            state: stateToJson({ ...state, promoted }),
            updatedAt: this.#now(),
          });
          if (again !== undefined) done = testFromRecord(again);
          this.#routers.get(test.id)?.update(done);
        } catch (error) {
          this.#logger.error('quantlab could not promote an A/B test winner', {
            testId: test.id,
            error,
          });
          this.#reportError(error, {
            source: 'abTests.promote',
            attempt: 1,
            final: true,
            items: 1,
          });
        }
      }
    }
    return done;
  }

  /** Promotes a version to production through the stage machine (development → staging first). */
  async #promote(model: string, version: string, reason: string): Promise<void> {
    const current = await this.#models.get(model, { version });
    if (current.stage === 'production') return;
    if (current.stage === 'development' || current.stage === 'archived') {
      if (current.stage === 'archived') {
        await this.#models.promote(model, version, 'development', { actor: ACTOR, reason });
      }
      await this.#models.promote(model, version, 'staging', { actor: ACTOR, reason });
    }
    await this.#models.promote(model, version, 'production', { actor: ACTOR, reason });
  }

  async #move(
    testId: string,
    to: AbTestStatus,
    patch: (
      test: AbTest,
    ) => Partial<Pick<AbTestRecord, 'startedAt' | 'endedAt' | 'state'>> = () => ({}),
  ): Promise<AbTest> {
    this.#open();
    checkTestId(testId);
    const current = await this.#require(testId);
    assertAbTransition(testId, current.status, to);
    const updated = await this.#backend.abTests.updateTest(
      testId,
      { status: to, updatedAt: this.#now(), ...patch(current) },
      { expectStatus: [current.status] },
    );
    if (updated === undefined) {
      const fresh = await this.#require(testId);
      assertAbTransition(testId, fresh.status, to);
      throw new ConflictError('A/B test', testId, 'changed while moving it; try again');
    }
    const test = testFromRecord(updated);
    this.#routers.get(testId)?.update(test);
    return test;
  }

  async #require(testId: string): Promise<AbTest> {
    const record = await this.#backend.abTests.getTest(testId);
    if (record === undefined) throw new NotFoundError('A/B test', testId);
    return testFromRecord(record);
  }

  async #resolveModels(d: AbTestDefinition): Promise<LoadedModel[]> {
    const versions: ModelVersionRecord[] = [];
    for (const v of d.variants) {
      const selector =
        v.version !== undefined
          ? { version: v.version }
          : v.stage !== undefined
            ? { stage: v.stage }
            : { alias: v.alias as string };
      versions.push(await this.#models.get(v.model, selector));
    }
    return this.#loadArtifacts(versions);
  }

  async #loadModels(test: AbTest): Promise<LoadedModel[]> {
    const versions: ModelVersionRecord[] = [];
    for (const v of test.variants)
      versions.push(await this.#models.get(v.model, { version: v.version }));
    return this.#loadArtifacts(versions);
  }

  /** Loads each artifact once (verified), shared by variants of the same version. */
  async #loadArtifacts(versions: readonly ModelVersionRecord[]): Promise<LoadedModel[]> {
    const bytes = new Map<string, Uint8Array>();
    const loaded: LoadedModel[] = [];
    for (const model of versions) {
      let artifact = bytes.get(model.artifactId);
      if (artifact === undefined) {
        artifact = await this.#models.loadArtifact(model.name, { version: model.version });
        bytes.set(model.artifactId, artifact);
      }
      loaded.push({ model: Object.freeze({ ...model }), artifact });
    }
    return loaded;
  }

  async #refreshBandit(router: TestRouter): Promise<void> {
    if (router.bandit === undefined) return;
    const test = router.test;
    const table = new AggregateTable(await this.#backend.abTests.aggregates(test.id));
    const stats: ArmStats[] = table
      .sums(test, test.primaryMetric)
      .map((s) =>
        test.metricKind === 'binary'
          ? { n: s.n, successes: s.sum }
          : { n: s.n, sum: s.sum, sumOfSquares: s.sumOfSquares },
      );
    router.replaceStats(stats);
  }

  #open(): void {
    if (this.#closed) throw new ClosedError('lab.abTests');
  }
}

/** The stored definition of a parsed one, with defaults resolved and models pinned. */
function storedDefinition(
  d: AbTestDefinition,
  id: string,
  models: readonly LoadedModel[],
): StoredDefinition {
  const k = d.variants.length;
  const fixedSplit = d.mode === 'split' && (d.allocation === 'hash' || d.allocation === 'weighted');
  const equal = getEqualWeights(k);
  return {
    description: d.description,
    variants: d.variants.map((v, i) => {
      const model = (models[i] as LoadedModel).model;
      return {
        name: v.name,
        model: model.name,
        version: model.version,
        artifactId: model.artifactId,
        weight: fixedSplit && v.weight !== undefined ? v.weight : (equal[i] as number),
      };
    }),
    allocation: d.allocation,
    epsilon: d.allocation === 'epsilon-greedy' ? (d.epsilon ?? 0.1) : null,
    minWeight: d.allocation === 'thompson' ? (d.minWeight ?? defaultMinWeight(k)) : null,
    coverage: d.coverage,
    hashSeed: d.hashSeed ?? id,
    mode: d.mode,
    primaryMetric: d.primaryMetric,
    metricKind: d.metricKind,
    higherIsBetter: d.higherIsBetter ?? defaultHigherIsBetter(d.primaryMetric),
    secondaryMetrics: secondaryMetricSpecs(d),
    confidenceLevel: d.confidenceLevel,
    minimumDetectableEffect: d.minimumDetectableEffect ?? null,
    minSamplesPerVariant: d.minSamplesPerVariant,
    maxLoss: d.maxLoss ?? null,
    endAt: d.endAt ?? null,
    sequential: d.sequential,
    autoPromote: d.autoPromote,
    metadata: d.metadata,
  };
}

function completedAction(before: AbTest, done: AbTest, reason: string): MonitorAction {
  return { testId: before.id, action: 'completed', variant: done.winner, reason };
}

function checkTestId(testId: unknown): asserts testId is string {
  if (typeof testId !== 'string' || testId.length === 0) {
    throw new ValidationError('testId', 'must be a non-empty string', { received: testId });
  }
}

function notLoaded(testId: string): NotFoundError {
  if (typeof testId !== 'string') {
    return new NotFoundError('A/B test', String(testId));
  }
  return new NotFoundError(
    'A/B test (not loaded in this process: await lab.abTests.get(testId) once before routing)',
    testId,
  );
}
