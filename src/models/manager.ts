/**
 * `lab.models`: the model registry facade.
 *
 * @module
 */
import { z } from 'zod';
import type { ArtifactManager, PreparedArtifact } from '../artifacts/manager.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { parseInput } from '../experiments/parse.js';
import type { IdGenerator } from '../ids.js';
import type { StorageBackend, StorageOperations } from '../storage/backend.js';
import type {
  ModelAliasRecord,
  ModelEventKind,
  ModelEventRecord,
  ModelStage,
  ModelVersionRecord,
} from '../storage/records.js';
import {
  ALIAS_NAME,
  type ChangeOptions,
  changeOptionsSchema,
  type ModelRegistration,
  modelNameSchema,
  modelRegistrationSchema,
} from './definition.js';
import { assertStageMove, isModelStage, MODEL_STAGES } from './stages.js';
import { formatVersion, nextVersion, parseVersion } from './version.js';

/** A registered model version, as `lab.models` returns it. */
export type ModelVersion = ModelVersionRecord;

/** One entry of a model's audit trail. */
export type ModelEvent = ModelEventRecord;

/** An alias of a model. */
export type ModelAlias = ModelAliasRecord;

/** Which version `get` and `loadArtifact` mean: one of these, or the latest when none. */
export type VersionSelector =
  | { version: string; stage?: never; alias?: never }
  | { stage: ModelStage; version?: never; alias?: never }
  | { alias: string; version?: never; stage?: never };

/** Filter of `list`. */
export interface ModelFilter {
  name?: string;
  /** One stage or several. */
  stage?: ModelStage | readonly ModelStage[];
  tag?: string;
  modelType?: string;
  /** Page size, 1 to 1000 (default 100). */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

/** One page of versions from `list`, newest first. */
export interface ModelVersionPage {
  versions: ModelVersion[];
  nextCursor: string | null;
}

/** Options of `archive`. */
export interface ArchiveOptions extends ChangeOptions {
  /** Archive even a production version (the model then has none). */
  force?: boolean;
  /** Delete the version's artifact too, if no other version, artifact or experiment uses it. */
  deleteArtifacts?: boolean;
}

/** The result of `verify`. */
export interface ModelVerification {
  name: string;
  version: string;
  artifactId: string;
  /** The artifact's bytes still hash to its id. */
  ok: boolean;
  /** sha256 of the bytes read now (null when they could not be read). */
  actual: string | null;
  size: number | null;
}

/** What the registry needs from the lab. @internal */
export interface ModelRegistryContext {
  backend: StorageBackend;
  artifacts: ArtifactManager;
  now: () => Date;
  nextId: IdGenerator;
}

const lockOf = (name: string) => `quantlab.models.${name}`;

const filterSchema = z.strictObject({
  name: modelNameSchema.optional(),
  stage: z
    .union([
      z.enum(MODEL_STAGES as [ModelStage, ...ModelStage[]]),
      z.array(z.enum(MODEL_STAGES as [ModelStage, ...ModelStage[]])).min(1),
    ])
    .optional(),
  tag: z.string().min(1).optional(),
  modelType: z.string().min(1).optional(),
  limit: z.number().int().min(1).max(1000).default(100),
  cursor: z.string().optional(),
});

/**
 * The model registry: versioned model artifacts with metadata and metrics, stages
 * (development, staging, production, archived) and aliases, promotion with an append-only audit
 * trail, and one-call rollback. Exactly one production version per model at any moment, even
 * with many processes. Get it as `lab.models`.
 *
 * @example
 * ```ts
 * const v = await lab.models.register({ name: 'direction', artifact: bytes, modelType: 'xgboost',
 *   features: ['rsi_14', 'vol_1h'], metrics: { auc: 0.61 } });
 * await lab.models.promote('direction', v.version, 'staging');
 * await lab.models.promote('direction', v.version, 'production', { reason: 'beats 1.0.3 on AUC' });
 * const live = await lab.models.loadArtifact('direction', { stage: 'production' });
 * ```
 */
export class ModelRegistry {
  readonly #backend: StorageBackend;
  readonly #artifacts: ArtifactManager;
  readonly #now: () => Date;
  readonly #nextId: IdGenerator;

  /** @internal Built by `createLab`; use `lab.models`. */
  constructor(context: ModelRegistryContext) {
    this.#backend = context.backend;
    this.#artifacts = context.artifacts;
    this.#now = context.now;
    this.#nextId = context.nextId;
  }

  /**
   * Registers a new version of a model (stage `development`). The version is the one given
   * (`major.minor.patch`) or the next patch after the highest registered (`1.0.0` first),
   * assigned inside a transaction holding the model's lock: concurrent registrations, in any
   * number of processes, get distinct versions. Bytes are stored as a `model` artifact
   * (content-addressed: registering the same bytes twice stores them once).
   *
   * @throws ValidationError for a bad field, an unknown artifact id or experiment id;
   *   ConflictError when the version exists.
   * @example
   * ```ts
   * const v = await lab.models.register({
   *   name: 'direction', artifact: modelBytes, modelType: 'lightgbm', features, target: 'up_1h',
   *   metrics: { auc: 0.62 }, trainingData: { from: '2024-01-01', to: '2025-01-01', samples: 812_000 },
   *   experimentId: run.id, trainedBy: 'ci',
   * });
   * v.version; // '1.0.0' for the first
   * ```
   */
  async register(registration: ModelRegistration): Promise<ModelVersion> {
    const input = parseInput(modelRegistrationSchema, registration, 'registration');
    const given = input.version === undefined ? undefined : parseVersion(input.version, 'version');
    let artifactId: string;
    let prepared: PreparedArtifact | undefined;
    if (typeof input.artifact === 'string') {
      artifactId = input.artifact;
      if ((await this.#backend.artifacts.head(artifactId)) === undefined) {
        throw new ValidationError('artifact', 'must name an existing artifact', {
          received: artifactId,
        });
      }
    } else {
      prepared = await this.#artifacts.prepare(input.artifact, {
        type: 'model',
        name: input.name,
        metadata: { modelType: input.modelType },
      });
      artifactId = prepared.record.id;
    }
    const now = this.#now();
    try {
      return await this.#backend.transaction(
        async (tx) => {
          if (
            input.experimentId !== undefined &&
            (await tx.experiments.get(input.experimentId)) === undefined
          ) {
            throw new ValidationError('experimentId', 'must name an existing experiment', {
              received: input.experimentId,
            });
          }
          // The artifact row commits with the version, or not at all.
          if (prepared !== undefined) await this.#artifacts.storeIn(tx, prepared);
          const latest = await tx.models.latestVersion(input.name);
          const number = given ?? nextVersion(latest);
          const version = formatVersion(number);
          if (given !== undefined && (await tx.models.getVersion(input.name, version))) {
            throw new ConflictError('model version', `${input.name}@${version}`, 'already exists');
          }
          const record: ModelVersionRecord = {
            id: this.#nextId(),
            name: input.name,
            version,
            ...number,
            stage: 'development',
            artifactId,
            modelType: input.modelType,
            features: input.features,
            target: input.target ?? null,
            hyperparameters: input.hyperparameters,
            preprocessing: input.preprocessing,
            featureImportance: input.featureImportance,
            metrics: input.metrics,
            validationMetrics: input.validationMetrics,
            testMetrics: input.testMetrics,
            trainingData:
              input.trainingData === undefined
                ? null
                : {
                    from: input.trainingData.from.toISOString(),
                    to: input.trainingData.to.toISOString(),
                    samples: input.trainingData.samples,
                  },
            trainingDurationSeconds: input.trainingDurationSeconds ?? null,
            experimentId: input.experimentId ?? null,
            tags: input.tags,
            description: input.description ?? null,
            trainedBy: input.trainedBy ?? null,
            createdAt: now,
            updatedAt: now,
          };
          await tx.models.insertVersion(record);
          await tx.models.appendEvents([
            this.#event(record.name, version, 'registered', null, 'development', now, {
              actor: input.trainedBy,
            }),
          ]);
          return record;
        },
        { lock: lockOf(input.name) },
      );
    } catch (error) {
      if (prepared !== undefined) await this.#artifacts.discard(prepared);
      throw error;
    }
  }

  /**
   * One version of a model: by `version`, by `stage` (the highest version in it; production has
   * exactly one), by `alias`, or the highest version when no selector is given.
   *
   * @throws NotFoundError when there is no such version.
   * @example
   * ```ts
   * const live = await lab.models.get('direction', { stage: 'production' });
   * const champion = await lab.models.get('direction', { alias: 'champion' });
   * ```
   */
  async get(name: string, selector?: VersionSelector): Promise<ModelVersion> {
    return this.#resolve(this.#backend, checkName(name), selector);
  }

  /**
   * The bytes of a version's artifact, hash-verified (see `get` for the selector).
   *
   * @throws NotFoundError; BackendError when the bytes no longer match their hash.
   * @example
   * ```ts
   * const bytes = await lab.models.loadArtifact('direction', { stage: 'production' });
   * ```
   */
  async loadArtifact(name: string, selector?: VersionSelector): Promise<Uint8Array> {
    const version = await this.get(name, selector);
    return (await this.#artifacts.get(version.artifactId)).bytes;
  }

  /**
   * Versions matching the filter, newest first, a page at a time.
   *
   * @example
   * ```ts
   * const { versions, nextCursor } = await lab.models.list({ name: 'direction', stage: ['staging', 'production'] });
   * ```
   */
  async list(filter: ModelFilter = {}): Promise<ModelVersionPage> {
    const parsed = parseInput(filterSchema, filter ?? {}, 'filter', { prefix: true });
    const after = parsed.cursor === undefined ? undefined : decodeCursor(parsed.cursor);
    const rows = await this.#backend.models.listVersions({
      ...(parsed.name !== undefined && { name: parsed.name }),
      ...(parsed.stage !== undefined && {
        stage: typeof parsed.stage === 'string' ? [parsed.stage] : parsed.stage,
      }),
      ...(parsed.tag !== undefined && { tag: parsed.tag }),
      ...(parsed.modelType !== undefined && { modelType: parsed.modelType }),
      ...(after !== undefined && { after }),
      limit: parsed.limit + 1,
    });
    const more = rows.length > parsed.limit;
    const versions = more ? rows.slice(0, parsed.limit) : rows;
    const last = versions.at(-1);
    return { versions, nextCursor: more && last ? encodeCursor(last) : null };
  }

  /**
   * Moves a version to another stage, following the stage machine (development → staging →
   * production, and back). Promoting to production demotes the current production version to
   * staging in the same transaction, so there is exactly one production version at any moment.
   * Every change is recorded in the history with `actor` and `reason`. Moving to `archived` is
   * `archive(name, version)` without `force` (a production version is refused).
   *
   * @throws NotFoundError; InvalidTransitionError for a move the stage machine refuses.
   * @example
   * ```ts
   * await lab.models.promote('direction', '1.4.0', 'production', { actor: 'ana', reason: 'A/B test won' });
   * ```
   */
  async promote(
    name: string,
    version: string,
    stage: ModelStage,
    options: ChangeOptions = {},
  ): Promise<ModelVersion> {
    checkName(name);
    parseVersion(version);
    if (!isModelStage(stage)) {
      throw new ValidationError('stage', `must be one of ${MODEL_STAGES.join(', ')}`, {
        received: stage,
      });
    }
    // Archiving has its own rules (the production guard): the same as archive() without force.
    if (stage === 'archived') return this.archive(name, version, options);
    const change = parseInput(changeOptionsSchema, options ?? {}, 'options', { prefix: true });
    return this.#backend.transaction(
      async (tx) => {
        const current = await this.#requireVersion(tx, name, version);
        assertStageMove(`${name}@${version}`, current.stage, stage);
        return this.#moveTo(tx, current, stage, 'stage_changed', change);
      },
      { lock: lockOf(name) },
    );
  }

  /**
   * Points an alias (`champion`, `challenger`, ...) at a version, creating or moving it; the move
   * is recorded in the history.
   *
   * @throws ValidationError for a bad alias name; NotFoundError when the version does not exist.
   * @example
   * ```ts
   * await lab.models.setAlias('direction', 'champion', '1.4.0');
   * ```
   */
  async setAlias(
    name: string,
    alias: string,
    version: string,
    options: ChangeOptions = {},
  ): Promise<ModelAlias> {
    checkName(name);
    checkAlias(alias);
    parseVersion(version);
    const change = parseInput(changeOptionsSchema, options ?? {}, 'options', { prefix: true });
    return this.#backend.transaction(
      async (tx) => {
        await this.#requireVersion(tx, name, version);
        const before = await tx.models.getAlias(name, alias);
        const now = this.#now();
        const record: ModelAliasRecord = { name, alias, version, updatedAt: now };
        await tx.models.setAlias(record);
        await tx.models.appendEvents([
          {
            ...this.#event(
              name,
              version,
              'alias_set',
              before?.version ?? null,
              version,
              now,
              change,
            ),
            alias,
          },
        ]);
        return record;
      },
      { lock: lockOf(name) },
    );
  }

  /**
   * Removes an alias; recorded in the history.
   *
   * @throws NotFoundError when the alias does not exist.
   * @example
   * ```ts
   * await lab.models.deleteAlias('direction', 'challenger');
   * ```
   */
  async deleteAlias(name: string, alias: string, options: ChangeOptions = {}): Promise<void> {
    checkName(name);
    checkAlias(alias);
    const change = parseInput(changeOptionsSchema, options ?? {}, 'options', { prefix: true });
    await this.#backend.transaction(
      async (tx) => {
        const before = await tx.models.getAlias(name, alias);
        if (before === undefined) throw new NotFoundError('model alias', `${name}@${alias}`);
        await tx.models.deleteAlias(name, alias);
        await tx.models.appendEvents([
          {
            ...this.#event(
              name,
              before.version,
              'alias_deleted',
              before.version,
              null,
              this.#now(),
              change,
            ),
            alias,
          },
        ]);
      },
      { lock: lockOf(name) },
    );
  }

  /**
   * The aliases of a model, by alias name.
   *
   * @example
   * ```ts
   * await lab.models.aliases('direction'); // [{ alias: 'champion', version: '1.4.0', ... }]
   * ```
   */
  aliases(name: string): Promise<ModelAlias[]> {
    return this.#backend.models.listAliases(checkName(name));
  }

  /**
   * The audit trail of a model, oldest first: registrations, stage changes, alias moves,
   * rollbacks and archives, each with who, when, from, to and why. Append-only.
   *
   * @throws NotFoundError when the model has no versions.
   * @example
   * ```ts
   * for (const e of await lab.models.history('direction')) console.log(e.at, e.kind, e.version, e.from, '→', e.to, e.reason);
   * ```
   */
  async history(name: string, options: { limit?: number } = {}): Promise<ModelEvent[]> {
    checkName(name);
    const limit = options?.limit;
    if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 1)) {
      throw new ValidationError('options.limit', 'must be a positive integer', { received: limit });
    }
    if ((await this.#backend.models.latestVersion(name)) === undefined) {
      throw new NotFoundError('model', name);
    }
    return this.#backend.models.listEvents(name, limit === undefined ? {} : { limit });
  }

  /**
   * Puts back the previous production version, in one transaction: the most recent version that
   * was in production before the current one and is not archived goes back to production
   * (straight from staging or development: a rollback is an emergency move, outside the stage
   * table), the current one to staging. Recorded as `rolled_back` with the reason.
   *
   * @throws NotFoundError when the model does not exist; ConflictError when it has no
   *   production version or no earlier one to return to.
   * @example
   * ```ts
   * await lab.models.rollback('direction', { reason: 'live hit rate fell below 50 %', actor: 'drift-monitor' });
   * ```
   */
  async rollback(name: string, options: ChangeOptions = {}): Promise<ModelVersion> {
    checkName(name);
    const change = parseInput(changeOptionsSchema, options ?? {}, 'options', { prefix: true });
    return this.#backend.transaction(
      async (tx) => {
        if ((await tx.models.latestVersion(name)) === undefined) {
          throw new NotFoundError('model', name);
        }
        const [current] = await tx.models.versionsInStage(name, 'production');
        if (current === undefined) {
          throw new ConflictError('model', name, 'has no production version to roll back from');
        }
        const events = await tx.models.listEvents(name);
        for (let i = events.length - 1; i >= 0; i--) {
          const event = events[i] as ModelEventRecord;
          if (event.to !== 'production' || event.version === null) continue;
          if (event.version === current.version) continue;
          if (event.kind !== 'stage_changed' && event.kind !== 'rolled_back') continue;
          const candidate = await tx.models.getVersion(name, event.version);
          if (candidate === undefined || candidate.stage === 'archived') continue;
          return this.#moveTo(tx, candidate, 'production', 'rolled_back', {
            ...change,
            reason: change.reason ?? `rollback from ${current.version}`,
          });
        }
        throw new ConflictError(
          'model',
          name,
          `has no earlier production version (not archived) to roll back to from ${current.version}`,
        );
      },
      { lock: lockOf(name) },
    );
  }

  /**
   * Archives a version. A production version is refused unless `force: true` (the model then
   * has no production version). With `deleteArtifacts: true` the version's artifact is deleted
   * too when nothing else (another version, an artifact made from it, an experiment) uses it.
   *
   * @throws NotFoundError; ConflictError for a production version without `force`;
   *   InvalidTransitionError when it is already archived.
   * @example
   * ```ts
   * await lab.models.archive('direction', '1.0.0', { reason: 'superseded' });
   * ```
   */
  async archive(
    name: string,
    version: string,
    options: ArchiveOptions = {},
  ): Promise<ModelVersion> {
    checkName(name);
    parseVersion(version);
    const { force, deleteArtifacts, ...rest } = options ?? {};
    if (force !== undefined && typeof force !== 'boolean') {
      throw new ValidationError('options.force', 'must be a boolean', { received: force });
    }
    if (deleteArtifacts !== undefined && typeof deleteArtifacts !== 'boolean') {
      throw new ValidationError('options.deleteArtifacts', 'must be a boolean', {
        received: deleteArtifacts,
      });
    }
    const change = parseInput(changeOptionsSchema, rest, 'options', { prefix: true });
    const archived = await this.#backend.transaction(
      async (tx) => {
        const current = await this.#requireVersion(tx, name, version);
        if (current.stage === 'production' && force !== true) {
          throw new ConflictError(
            'model version',
            `${name}@${version}`,
            'is in production; archive it with { force: true }, or promote another version first',
          );
        }
        assertStageMove(`${name}@${version}`, current.stage, 'archived');
        return this.#moveTo(tx, current, 'archived', 'archived', change);
      },
      { lock: lockOf(name) },
    );
    if (deleteArtifacts === true) {
      await this.#artifacts.deleteIfUnreferenced(archived.artifactId, { name, version });
    }
    return archived;
  }

  /**
   * Re-reads a version's artifact and checks that it still hashes to its id.
   *
   * @throws NotFoundError.
   * @example
   * ```ts
   * const { ok } = await lab.models.verify('direction', '1.4.0');
   * if (!ok) await lab.models.rollback('direction', { reason: 'artifact corrupted' });
   * ```
   */
  async verify(name: string, version: string): Promise<ModelVerification> {
    const record = await this.get(name, { version });
    const check = await this.#artifacts.verify(record.artifactId).catch((error: unknown) => {
      if (error instanceof NotFoundError) return { ok: false, actual: null, size: null };
      throw error;
    });
    return {
      name,
      version: record.version,
      artifactId: record.artifactId,
      ok: check.ok,
      actual: check.actual,
      size: check.size,
    };
  }

  // ---------------------------------------------------------------- internals

  async #resolve(
    ops: StorageOperations,
    name: string,
    selector: VersionSelector | undefined,
  ): Promise<ModelVersionRecord> {
    if (
      selector === undefined ||
      (typeof selector === 'object' && selector !== null && Object.keys(selector).length === 0)
    ) {
      const latest = await ops.models.latestVersion(name);
      if (latest === undefined) throw new NotFoundError('model', name);
      return latest;
    }
    if (typeof selector !== 'object' || selector === null || Object.keys(selector).length !== 1) {
      throw new ValidationError('selector', 'must be one of { version }, { stage } or { alias }', {
        received: selector,
      });
    }
    if (selector.version !== undefined) {
      parseVersion(selector.version, 'selector.version');
      return this.#requireVersion(ops, name, selector.version);
    }
    if (selector.stage !== undefined) {
      if (!isModelStage(selector.stage)) {
        throw new ValidationError('selector.stage', `must be one of ${MODEL_STAGES.join(', ')}`, {
          received: selector.stage,
        });
      }
      const [found] = await ops.models.versionsInStage(name, selector.stage);
      if (found === undefined)
        throw new NotFoundError('model version', `${name}@${selector.stage}`);
      return found;
    }
    if (selector.alias !== undefined) {
      checkAlias(selector.alias, 'selector.alias');
      const alias = await ops.models.getAlias(name, selector.alias);
      if (alias === undefined) throw new NotFoundError('model alias', `${name}@${selector.alias}`);
      return this.#requireVersion(ops, name, alias.version);
    }
    throw new ValidationError('selector', 'must be one of { version }, { stage } or { alias }', {
      received: selector,
    });
  }

  async #requireVersion(
    ops: StorageOperations,
    name: string,
    version: string,
  ): Promise<ModelVersionRecord> {
    const record = await ops.models.getVersion(name, version);
    if (record === undefined) throw new NotFoundError('model version', `${name}@${version}`);
    return record;
  }

  /**
   * Moves `current` to `stage` (inside the model's lock). Into production, the current
   * production version is demoted to staging first, in the same transaction.
   */
  async #moveTo(
    tx: StorageOperations,
    current: ModelVersionRecord,
    stage: ModelStage,
    kind: ModelEventKind,
    change: { actor?: string | undefined; reason?: string | undefined },
  ): Promise<ModelVersionRecord> {
    const now = this.#now();
    const events: ModelEventRecord[] = [];
    if (stage === 'production') {
      for (const live of await tx.models.versionsInStage(current.name, 'production')) {
        if (live.version === current.version) continue;
        await this.#update(tx, live, 'staging', now);
        events.push(
          this.#event(current.name, live.version, 'stage_changed', 'production', 'staging', now, {
            actor: change.actor,
            reason: `demoted: ${current.version} ${kind === 'rolled_back' ? 'restored' : 'promoted'} to production`,
          }),
        );
      }
    }
    const updated = await this.#update(tx, current, stage, now);
    events.push(
      this.#event(current.name, current.version, kind, current.stage, stage, now, change),
    );
    await tx.models.appendEvents(events);
    return updated;
  }

  async #update(
    tx: StorageOperations,
    current: ModelVersionRecord,
    stage: ModelStage,
    now: Date,
  ): Promise<ModelVersionRecord> {
    const updated = await tx.models.updateVersion(
      current.name,
      current.version,
      { stage, updatedAt: now },
      { expectStage: [current.stage] },
    );
    if (updated === undefined) {
      throw new ConflictError(
        'model version',
        `${current.name}@${current.version}`,
        'was changed by someone else meanwhile; try again',
      );
    }
    return updated;
  }

  #event(
    name: string,
    version: string | null,
    kind: ModelEventKind,
    from: string | null,
    to: string | null,
    at: Date,
    change: { actor?: string | undefined; reason?: string | undefined },
  ): ModelEventRecord {
    return {
      id: this.#nextId(),
      name,
      version,
      kind,
      from,
      to,
      alias: null,
      actor: change.actor ?? null,
      reason: change.reason ?? null,
      at,
    };
  }
}

function checkName(name: unknown): string {
  const result = modelNameSchema.safeParse(name);
  if (!result.success) {
    throw new ValidationError('name', result.error.issues[0]?.message ?? 'is invalid', {
      received: name,
    });
  }
  return result.data;
}

function checkAlias(alias: unknown, field = 'alias'): asserts alias is string {
  if (typeof alias !== 'string' || !ALIAS_NAME.test(alias)) {
    throw new ValidationError(
      field,
      'must start with a letter and hold letters, digits, _ . or - (at most 64)',
      { received: alias },
    );
  }
}
