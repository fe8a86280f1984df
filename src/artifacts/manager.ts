/**
 * `lab.artifacts`: the content-addressed artifact store and its lineage.
 *
 * @module
 */
import { z } from 'zod';
import { BackendError, NotFoundError, ValidationError } from '../errors.js';
import { jsonObjectSchema } from '../experiments/json.js';
import { parseInput } from '../experiments/parse.js';
import type { StorageBackend, StorageOperations } from '../storage/backend.js';
import type { ArtifactHead, ArtifactRecord, JsonObject } from '../storage/records.js';
import { ARTIFACT_ID, type ArtifactContent, encodeContent, sha256Hex } from './content.js';
import { ArtifactDirectory } from './directory.js';

/** Options of `put`. */
export interface PutArtifactOptions {
  /** What the artifact is: `model`, `dataset`, `trades`, `report`, ... */
  type: string;
  /** A human name, such as a file name. */
  name?: string;
  /** Artifacts this one was made from; each must exist. */
  inputs?: readonly string[];
  /** Plain JSON data about the artifact. */
  metadata?: JsonObject;
}

/** What `put` stored (or found already stored). */
export interface PutArtifactResult {
  /** The sha256 of the bytes. */
  id: string;
  size: number;
  type: string;
  /** False when the same bytes were stored before (then nothing was written again). */
  created: boolean;
}

/** An artifact with its bytes, as `get` returns it (hash verified). */
export type Artifact = ArtifactRecord;

/** An input found by `lineage`, with how many steps away it is (1: a direct input). */
export interface LineageInput extends ArtifactHead {
  depth: number;
}

/** Where an artifact came from and what used it. */
export interface ArtifactLineage {
  artifact: ArtifactHead;
  /** Inputs, transitively, breadth first (nearest first), each once. */
  inputs: LineageInput[];
  /** Artifacts made from this one. */
  consumers: ArtifactHead[];
  /** Experiments that read it (`inputs`) or produced it (`storeResults`). */
  experiments: { id: string; name: string; status: string; role: 'input' | 'output' }[];
  /** Model versions whose artifact it is. */
  modelVersions: { name: string; version: string; stage: string }[];
}

/** The result of `verify`. */
export interface ArtifactVerification {
  id: string;
  /** The bytes still hash to the id. */
  ok: boolean;
  /** sha256 of the bytes read now (null when they could not be read). */
  actual: string | null;
  size: number | null;
}

/** Options of the artifact store, given as `createLab(backend, { artifacts: { ... } })`. */
export interface ArtifactOptions {
  /**
   * Keep artifact bytes as files under this directory (content-addressed paths, written
   * atomically) instead of in the database: for large models. Every process sharing the lab's
   * database must see the same directory.
   */
  directory?: string;
}

const text = () =>
  z
    .string()
    .min(1, 'must not be empty')
    .refine((s) => !s.includes('\u0000'), 'must not contain a NUL character');

const putOptionsSchema = z.strictObject({
  type: text().max(200, 'must be at most 200 characters'),
  name: text().optional(),
  inputs: z
    .array(z.string().regex(ARTIFACT_ID, 'must be an artifact id (64 hex digits)'))
    .optional(),
  metadata: jsonObjectSchema().optional(),
});

const EMPTY = new Uint8Array(0);

/** A put checked, hashed and (in directory mode) written, not yet stored. @internal */
export interface PreparedArtifact {
  record: ArtifactRecord;
  inputs: string[];
  /** This put wrote the file (directory mode). */
  wrote: boolean;
}

/** What the artifact store needs from the lab. @internal */
export interface ArtifactManagerContext {
  backend: StorageBackend;
  now: () => Date;
  options: ArtifactOptions;
}

/**
 * The content-addressed artifact store: models, datasets, trade logs and reports, each addressed
 * by the sha256 of its bytes, with lineage to what it was made from and what used it. Get it as
 * `lab.artifacts`.
 *
 * @example
 * ```ts
 * const dataset = await lab.artifacts.put(csvText, { type: 'dataset', name: 'btc-1h.csv' });
 * const model = await lab.artifacts.put(modelBytes, { type: 'model', inputs: [dataset.id] });
 * (await lab.artifacts.lineage(model.id)).inputs; // [{ id: dataset.id, depth: 1, ... }]
 * ```
 */
export class ArtifactManager {
  readonly #backend: StorageBackend;
  readonly #now: () => Date;
  readonly #directory: ArtifactDirectory | undefined;

  /** @internal Built by `createLab`; use `lab.artifacts`. */
  constructor(context: ArtifactManagerContext) {
    this.#backend = context.backend;
    this.#now = context.now;
    const directory = context.options.directory;
    this.#directory = directory === undefined ? undefined : new ArtifactDirectory(directory);
  }

  /**
   * Stores content and returns its id (sha256). The same bytes stored twice are stored once:
   * the second `put` writes nothing and returns `created: false` (its inputs are still linked).
   * Strings are stored as UTF-8; plain objects and arrays as canonical JSON.
   *
   * @throws ValidationError for unsupported content, a bad option, or an input that does not exist.
   * @example
   * ```ts
   * const { id, created } = await lab.artifacts.put(bytes, { type: 'model', name: 'xgb.json' });
   * ```
   */
  async put(content: ArtifactContent, options: PutArtifactOptions): Promise<PutArtifactResult> {
    const prepared = await this.prepare(content, options);
    try {
      return await this.#backend.transaction((tx) => this.storeIn(tx, prepared));
    } catch (error) {
      await this.discard(prepared);
      throw error;
    }
  }

  /**
   * First half of a put: checks the content and options (inputs must exist), hashes, and in
   * directory mode writes the file. Then `storeIn(tx, prepared)` inside the caller's
   * transaction, and `discard(prepared)` if that transaction fails.
   *
   * @internal Used by `put` and by `models.register` (one transaction for the artifact and the
   *   version).
   */
  async prepare(content: unknown, options: PutArtifactOptions): Promise<PreparedArtifact> {
    const { bytes } = encodeContent(content);
    const parsed = parseInput(putOptionsSchema, options, 'options', { prefix: true });
    const id = sha256Hex(bytes);
    const inputs = [...new Set(parsed.inputs ?? [])];
    const self = inputs.indexOf(id);
    if (self >= 0) {
      throw new ValidationError(`options.inputs[${self}]`, 'must not be the artifact itself', {
        received: id,
      });
    }
    // Refuse missing inputs before a file is written (checked again inside the transaction).
    await this.#requireInputs(this.#backend, inputs);
    const wrote = (await this.#directory?.write(id, bytes)) ?? false;
    const record: ArtifactRecord = {
      id,
      type: parsed.type,
      name: parsed.name ?? null,
      size: bytes.byteLength,
      metadata: parsed.metadata ?? {},
      createdAt: this.#now(),
      storage: this.#directory === undefined ? 'backend' : 'directory',
      bytes: this.#directory === undefined ? bytes : EMPTY,
    };
    return { record, inputs, wrote };
  }

  /** Second half of a put, inside a transaction. @internal */
  async storeIn(tx: StorageOperations, prepared: PreparedArtifact): Promise<PutArtifactResult> {
    const { record, inputs } = prepared;
    await this.#requireInputs(tx, inputs);
    const { created } = await tx.artifacts.put(record);
    if (inputs.length > 0) await tx.artifacts.linkInputs(record.id, inputs);
    if (created) return { id: record.id, size: record.size, type: record.type, created };
    const stored = (await tx.artifacts.head(record.id)) as ArtifactHead;
    return { id: record.id, size: stored.size, type: stored.type, created };
  }

  /**
   * After a failed `storeIn`: removes the file `prepare` wrote, unless a row (stored by another
   * put meanwhile) points at it. @internal
   */
  async discard(prepared: PreparedArtifact): Promise<void> {
    if (!prepared.wrote) return;
    const id = prepared.record.id;
    if ((await this.#backend.artifacts.head(id).catch(() => undefined)) === undefined) {
      await this.#directory?.remove(id).catch(() => {});
    }
  }

  /**
   * The artifact with its bytes, after checking that they still hash to its id.
   *
   * @throws NotFoundError; BackendError when the bytes are missing or do not match the hash
   *   (corrupted or tampered with).
   * @example
   * ```ts
   * const { bytes, metadata } = await lab.artifacts.get(id);
   * ```
   */
  async get(id: string): Promise<Artifact> {
    checkId(id);
    const record = await this.#backend.artifacts.get(id);
    if (record === undefined) throw new NotFoundError('artifact', id);
    const bytes = await this.#bytesOf(record);
    const actual = sha256Hex(bytes);
    if (actual !== id) {
      throw new BackendError(
        this.#backend.info.kind,
        'artifacts.get',
        `artifact ${id} is corrupted: its ${bytes.byteLength} bytes hash to ${actual}`,
      );
    }
    return { ...record, bytes };
  }

  /**
   * The artifact's bytes as UTF-8 text, verified like `get`.
   *
   * @example
   * ```ts
   * const csv = await lab.artifacts.text(datasetId);
   * ```
   */
  async text(id: string): Promise<string> {
    return new TextDecoder().decode((await this.get(id)).bytes);
  }

  /**
   * The artifact's bytes parsed as JSON (as stored by `put(object)`), verified like `get`.
   *
   * @example
   * ```ts
   * const report = await lab.artifacts.json<{ sharpe: number }>(reportId);
   * ```
   */
  async json<T = unknown>(id: string): Promise<T> {
    return JSON.parse(await this.text(id)) as T;
  }

  /**
   * The artifact's metadata, without its bytes.
   *
   * @throws NotFoundError.
   * @example
   * ```ts
   * const { size, type, createdAt } = await lab.artifacts.head(id);
   * ```
   */
  async head(id: string): Promise<ArtifactHead> {
    checkId(id);
    const head = await this.#backend.artifacts.head(id);
    if (head === undefined) throw new NotFoundError('artifact', id);
    return head;
  }

  /**
   * Where an artifact came from and what used it: its inputs transitively (up to `maxDepth`
   * steps, default 32), the artifacts made from it, the experiments that read or produced it,
   * and the model versions stored in it.
   *
   * @throws NotFoundError.
   * @example
   * ```ts
   * const { inputs, experiments, modelVersions } = await lab.artifacts.lineage(datasetId);
   * ```
   */
  async lineage(id: string, options: { maxDepth?: number } = {}): Promise<ArtifactLineage> {
    const maxDepth = options.maxDepth ?? 32;
    if (!Number.isInteger(maxDepth) || maxDepth < 0) {
      throw new ValidationError('options.maxDepth', 'must be an integer >= 0', {
        received: maxDepth,
      });
    }
    const artifact = await this.head(id);
    const store = this.#backend.artifacts;
    const seen = new Set([id]);
    const inputs: LineageInput[] = [];
    let frontier = [id];
    for (let depth = 1; depth <= maxDepth && frontier.length > 0; depth++) {
      const next = (await store.inputsOf(frontier))
        .map((link) => link.inputId)
        .filter((input) => !seen.has(input) && seen.add(input));
      const heads = new Map((await store.heads(next)).map((h) => [h.id, h]));
      for (const input of next) {
        const head = heads.get(input);
        if (head !== undefined) inputs.push({ ...head, depth });
      }
      frontier = next;
    }
    const consumerIds = [...new Set((await store.consumersOf([id])).map((l) => l.artifactId))];
    const consumers = await store.heads(consumerIds);
    consumers.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const experiments: ArtifactLineage['experiments'] = [];
    for (const role of ['input', 'output'] as const) {
      for (const e of await this.#backend.experiments.listByArtifacts([id], role)) {
        experiments.push({ id: e.id, name: e.name, status: e.status, role });
      }
    }
    const modelVersions = (await this.#backend.models.versionsByArtifacts([id])).map((v) => ({
      name: v.name,
      version: v.version,
      stage: v.stage,
    }));
    return { artifact, inputs, consumers, experiments, modelVersions };
  }

  /**
   * Reads the artifact's bytes again and reports whether they still hash to its id (a tampered
   * or truncated file, or a corrupted row, shows as `ok: false`).
   *
   * @throws NotFoundError.
   * @example
   * ```ts
   * const { ok, actual } = await lab.artifacts.verify(id);
   * ```
   */
  async verify(id: string): Promise<ArtifactVerification> {
    checkId(id);
    const record = await this.#backend.artifacts.get(id);
    if (record === undefined) throw new NotFoundError('artifact', id);
    let bytes: Uint8Array;
    try {
      bytes = await this.#bytesOf(record);
    } catch {
      return { id, ok: false, actual: null, size: null };
    }
    const actual = sha256Hex(bytes);
    return { id, ok: actual === id, actual, size: bytes.byteLength };
  }

  /**
   * Deletes an artifact (and its file) if nothing references it: no artifact made from it, no
   * experiment link, no model version. Returns whether it was deleted.
   *
   * `except` names the model version being archived, whose own reference does not count.
   *
   * @internal Used by `models.archive(..., { deleteArtifacts: true })`.
   */
  async deleteIfUnreferenced(
    id: string,
    except?: { name: string; version: string },
  ): Promise<boolean> {
    const deleted = await this.#backend.transaction(async (tx) => {
      if ((await tx.artifacts.consumersOf([id])).length > 0) return false;
      if ((await tx.experiments.listByArtifacts([id])).length > 0) return false;
      const versions = await tx.models.versionsByArtifacts([id]);
      if (versions.some((v) => v.name !== except?.name || v.version !== except?.version)) {
        return false;
      }
      const head = await tx.artifacts.head(id);
      if (head === undefined) return false;
      await tx.artifacts.delete(id);
      return head.storage;
    });
    if (deleted === 'directory') await this.#directory?.remove(id);
    return deleted !== false;
  }

  async #requireInputs(tx: StorageOperations, inputs: readonly string[]): Promise<void> {
    if (inputs.length === 0) return;
    const found = new Set((await tx.artifacts.heads(inputs)).map((h) => h.id));
    const missing = inputs.findIndex((input) => !found.has(input));
    if (missing >= 0) {
      throw new ValidationError(`options.inputs[${missing}]`, 'must name an existing artifact', {
        received: inputs[missing],
      });
    }
  }

  async #bytesOf(record: ArtifactRecord): Promise<Uint8Array> {
    if (record.storage !== 'directory') return record.bytes;
    if (this.#directory === undefined) {
      throw new BackendError(
        this.#backend.info.kind,
        'artifacts.get',
        `artifact ${record.id} is stored as a file, but this lab has no artifacts.directory`,
      );
    }
    const bytes = await this.#directory.read(record.id);
    if (bytes === undefined) {
      throw new BackendError(
        this.#backend.info.kind,
        'artifacts.get',
        `the file of artifact ${record.id} is missing: ${this.#directory.path(record.id)}`,
      );
    }
    return bytes;
  }
}

function checkId(id: unknown): asserts id is string {
  if (typeof id !== 'string' || !ARTIFACT_ID.test(id)) {
    throw new ValidationError('id', 'must be an artifact id (64 hex digits)', { received: id });
  }
}
