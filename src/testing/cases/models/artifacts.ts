import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ArtifactManager } from '../../../artifacts/manager.js';
import { BackendError, NotFoundError } from '../../../errors.js';
import type { Lab } from '../../../lab.js';
import type { ConformanceTarget } from '../../harness.js';
import { definition, expectInvalid, freshLabs, manualClock, rejection } from '../../labs.js';

const sha256 = (bytes: Uint8Array | string): string =>
  createHash('sha256').update(bytes).digest('hex');

const utf8 = (text: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(text);

/** The sha256 of the empty byte string. */
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** `size` deterministic, varied bytes (xorshift32 from `seed`). */
function pseudoRandomBytes(size: number, seed = 0x9e3779b9): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

/** Ids in byte order, for comparing lists whose order is not part of the contract. */
const sortedIds = (items: readonly { id: string }[]): string[] =>
  items.map((i) => i.id).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/** Puts a small text artifact of its own and returns its id. */
async function putText(
  lab: Lab,
  text: string,
  options: { type?: string; inputs?: string[] } = {},
): Promise<string> {
  return (await lab.artifacts.put(text, { type: options.type ?? 'dataset', ...options })).id;
}

/**
 * `lab.artifacts`: content addressing (sha256), bytes/text/JSON content, metadata, input links,
 * lineage through artifacts, experiments and model versions, and the `directory` mode that keeps
 * bytes as files. @internal
 */
export function artifactCases(target: ConformanceTarget): void {
  describe('artifacts', () => {
    const openLab = freshLabs(target);

    describe('content and addressing', () => {
      it('stores bytes under their sha256 and gives them back with their metadata', async () => {
        const clock = manualClock();
        const lab = await openLab({ clock });
        const bytes = utf8('open,high,low,close\n1,2,0.5,1.5\n');
        const put = await lab.artifacts.put(bytes, {
          type: 'dataset',
          name: 'btc-1h.csv',
          metadata: { symbol: 'BTC/USD', rows: 1 },
        });
        expect(put).toEqual({
          id: sha256(bytes),
          size: bytes.byteLength,
          type: 'dataset',
          created: true,
        });
        clock.advance(60_000);
        const got = await lab.artifacts.get(put.id);
        expect(got).toEqual({
          id: put.id,
          type: 'dataset',
          name: 'btc-1h.csv',
          size: bytes.byteLength,
          metadata: { symbol: 'BTC/USD', rows: 1 },
          createdAt: new Date('2026-03-01T12:00:00.000Z'),
          storage: 'backend',
          bytes,
        });
        expect(got.bytes).toBeInstanceOf(Uint8Array);
      });

      it('takes an ArrayBuffer as its bytes', async () => {
        const lab = await openLab();
        const bytes = new Uint8Array([0, 1, 2, 250, 255]);
        const buffer = bytes.buffer.slice(0);
        const put = await lab.artifacts.put(buffer, { type: 'model' });
        expect(put).toMatchObject({ id: sha256(bytes), size: 5, created: true });
        expect((await lab.artifacts.get(put.id)).bytes).toEqual(bytes);
        // The same bytes given as a Uint8Array are the same artifact.
        expect((await lab.artifacts.put(bytes, { type: 'model' })).created).toBe(false);
      });

      it('stores a string as UTF-8 and gives it back through text()', async () => {
        const lab = await openLab();
        const text = 'héllo, 世界 📈\n';
        const put = await lab.artifacts.put(text, { type: 'report' });
        expect(put).toMatchObject({ id: sha256(utf8(text)), size: utf8(text).byteLength });
        expect(await lab.artifacts.text(put.id)).toBe(text);
        expect((await lab.artifacts.get(put.id)).bytes).toEqual(utf8(text));
      });

      it('stores an object as canonical JSON: key order does not change the id', async () => {
        const lab = await openLab();
        const canonical = '{"a":"x","b":[1,{"c":null,"d":true}],"n":-1.5}';
        const first = await lab.artifacts.put(
          { n: -1.5, b: [1, { d: true, c: null }], a: 'x' },
          { type: 'report' },
        );
        expect(first).toMatchObject({
          id: sha256(canonical),
          size: canonical.length,
          created: true,
        });
        const second = await lab.artifacts.put(
          { a: 'x', b: [1, { c: null, d: true }], n: -1.5 },
          { type: 'report' },
        );
        expect(second).toMatchObject({ id: first.id, created: false });
        expect(await lab.artifacts.text(first.id)).toBe(canonical);
        expect(await lab.artifacts.json(first.id)).toEqual({
          a: 'x',
          b: [1, { c: null, d: true }],
          n: -1.5,
        });
        // A different value is a different artifact; so is an array.
        const other = await lab.artifacts.put({ a: 'y' }, { type: 'report' });
        expect(other.id).not.toBe(first.id);
        const array = await lab.artifacts.put([3, { z: 1, y: 2 }], { type: 'report' });
        expect(array.id).toBe(sha256('[3,{"y":2,"z":1}]'));
        expect(await lab.artifacts.json(array.id)).toEqual([3, { y: 2, z: 1 }]);
      });

      it('stores the same bytes once: a second put writes nothing and says created false', async () => {
        const clock = manualClock();
        const lab = await openLab({ clock });
        const bytes = utf8('same bytes');
        const first = await lab.artifacts.put(bytes, {
          type: 'dataset',
          name: 'first',
          metadata: { n: 1 },
        });
        clock.advance(1000);
        const second = await lab.artifacts.put(bytes, {
          type: 'report',
          name: 'second',
          metadata: { n: 2 },
        });
        // The second put reports what is stored: the first artifact, untouched.
        expect(second).toEqual({
          id: first.id,
          size: bytes.byteLength,
          type: 'dataset',
          created: false,
        });
        expect(await lab.artifacts.head(first.id)).toEqual({
          id: first.id,
          type: 'dataset',
          name: 'first',
          size: bytes.byteLength,
          metadata: { n: 1 },
          createdAt: new Date('2026-03-01T12:00:00.000Z'),
          storage: 'backend',
        });
      });

      it('creates an artifact once when the same bytes are put concurrently', async () => {
        const lab = await openLab();
        const bytes = utf8('raced bytes');
        const results = await Promise.all(
          Array.from({ length: 4 }, () => lab.artifacts.put(bytes, { type: 'dataset' })),
        );
        expect(results.filter((r) => r.created)).toHaveLength(1);
        expect(new Set(results.map((r) => r.id))).toEqual(new Set([sha256(bytes)]));
        expect((await lab.artifacts.get(sha256(bytes))).bytes).toEqual(bytes);
      });

      it('reports size and type in head, without the bytes', async () => {
        const lab = await openLab();
        const bytes = pseudoRandomBytes(1234);
        const { id } = await lab.artifacts.put(bytes, { type: 'model', name: 'xgb.json' });
        const head = await lab.artifacts.head(id);
        expect(head).toMatchObject({ id, size: 1234, type: 'model', name: 'xgb.json' });
        expect(head).not.toHaveProperty('bytes');
        expect(head.name).toBe('xgb.json');
        const unnamed = await lab.artifacts.head(await putText(lab, 'no name'));
        expect(unnamed.name).toBeNull();
        expect(unnamed.metadata).toEqual({});
      });

      it('round-trips nested metadata', async () => {
        const lab = await openLab();
        const metadata = {
          source: 'binance',
          symbols: ['BTC/USD', 'ETH/USD'],
          range: { from: '2025-01-01T00:00:00.000Z', to: '2025-07-01T00:00:00.000Z' },
          rows: 4344,
          ratio: 0.125,
          adjusted: false,
          note: null,
          unicode: 'ünïcødé 📈',
        };
        const { id } = await lab.artifacts.put(utf8('rows'), { type: 'dataset', metadata });
        expect((await lab.artifacts.head(id)).metadata).toEqual(metadata);
        expect((await lab.artifacts.get(id)).metadata).toEqual(metadata);
      });

      it('allows an empty artifact', async () => {
        const lab = await openLab();
        const put = await lab.artifacts.put(new Uint8Array(0), { type: 'marker' });
        expect(put).toEqual({ id: EMPTY_SHA256, size: 0, type: 'marker', created: true });
        const got = await lab.artifacts.get(EMPTY_SHA256);
        expect(got.bytes).toEqual(new Uint8Array(0));
        expect(got.size).toBe(0);
        expect(await lab.artifacts.text(EMPTY_SHA256)).toBe('');
        // The empty string is the same artifact.
        expect((await lab.artifacts.put('', { type: 'marker' })).created).toBe(false);
        expect(await lab.artifacts.verify(EMPTY_SHA256)).toEqual({
          id: EMPTY_SHA256,
          ok: true,
          actual: EMPTY_SHA256,
          size: 0,
        });
      });

      it('round-trips a 5 MB artifact', async () => {
        const lab = await openLab();
        const bytes = pseudoRandomBytes(5 * 1024 * 1024);
        const put = await lab.artifacts.put(bytes, { type: 'model', name: 'big.onnx' });
        expect(put).toMatchObject({ id: sha256(bytes), size: bytes.byteLength, created: true });
        const got = await lab.artifacts.get(put.id);
        expect(got.bytes.byteLength).toBe(bytes.byteLength);
        expect(Buffer.from(got.bytes).equals(Buffer.from(bytes))).toBe(true);
        expect((await lab.artifacts.verify(put.id)).ok).toBe(true);
      });

      it('keeps its own copy of the bytes: mutating the source or a result changes nothing', async () => {
        const lab = await openLab();
        const source = new Uint8Array([1, 2, 3, 4]);
        const { id } = await lab.artifacts.put(source, { type: 'model' });
        source[0] = 99;
        const got = await lab.artifacts.get(id);
        expect(Array.from(got.bytes)).toEqual([1, 2, 3, 4]);
        got.bytes[1] = 99;
        expect(Array.from((await lab.artifacts.get(id)).bytes)).toEqual([1, 2, 3, 4]);
      });

      it('verifies stored bytes against their id', async () => {
        const lab = await openLab();
        const bytes = utf8('verify me');
        const { id } = await lab.artifacts.put(bytes, { type: 'dataset' });
        expect(await lab.artifacts.verify(id)).toEqual({ id, ok: true, actual: id, size: 9 });
      });
    });

    describe('validation and lookups', () => {
      it('refuses content that is not bytes, text or plain JSON', async () => {
        const lab = await openLab();
        for (const content of [42, null, undefined, true, new Date(), new Map(), () => 1]) {
          await expectInvalid(lab.artifacts.put(content as never, { type: 'x' }), 'content');
        }
        await expectInvalid(lab.artifacts.put({ x: Number.NaN }, { type: 'x' }), 'content.x');
      });

      it('refuses bad options, naming the field', async () => {
        const lab = await openLab();
        const bytes = utf8('options');
        await expectInvalid(lab.artifacts.put(bytes, {} as never), 'options.type');
        await expectInvalid(lab.artifacts.put(bytes, { type: '' }), 'options.type');
        await expectInvalid(lab.artifacts.put(bytes, { type: 'x', name: '' }), 'options.name');
        await expectInvalid(
          lab.artifacts.put(bytes, { type: 'x', inputs: ['not-a-sha'] }),
          'options.inputs[0]',
        );
        await expectInvalid(
          lab.artifacts.put(bytes, { type: 'x', extra: 1 } as never),
          'options.extra',
        );
        await expectInvalid(
          lab.artifacts.put(bytes, { type: 'x', metadata: { bad: Number.NaN } }),
          'options.metadata.bad',
        );
        // Nothing was stored by the refused puts.
        await expect(lab.artifacts.head(sha256(bytes))).rejects.toBeInstanceOf(NotFoundError);
      });

      it('refuses inputs that do not exist, naming the first missing one, and stores nothing', async () => {
        const lab = await openLab();
        const raw = await putText(lab, 'raw');
        const missing = sha256('never stored');
        const bytes = utf8('features');
        const error = await expectInvalid(
          lab.artifacts.put(bytes, { type: 'features', inputs: [raw, missing] }),
          'options.inputs[1]',
        );
        expect(error.message).toMatch(/existing artifact/);
        await expect(lab.artifacts.head(sha256(bytes))).rejects.toBeInstanceOf(NotFoundError);
        expect((await lab.artifacts.lineage(raw)).consumers).toEqual([]);
      });

      it('throws NotFoundError for an unknown id and ValidationError for a malformed one', async () => {
        const lab = await openLab();
        const unknown = sha256('unknown');
        for (const call of [
          () => lab.artifacts.get(unknown),
          () => lab.artifacts.head(unknown),
          () => lab.artifacts.text(unknown),
          () => lab.artifacts.lineage(unknown),
          () => lab.artifacts.verify(unknown),
        ]) {
          const error = await rejection(call());
          expect(error).toBeInstanceOf(NotFoundError);
          expect((error as NotFoundError).id).toBe(unknown);
        }
        for (const bad of ['', 'abc', unknown.toUpperCase(), `${unknown}0`, 42]) {
          await expectInvalid(lab.artifacts.get(bad as never), 'id');
          await expectInvalid(lab.artifacts.head(bad as never), 'id');
          await expectInvalid(lab.artifacts.verify(bad as never), 'id');
          await expectInvalid(lab.artifacts.lineage(bad as never), 'id');
        }
      });

      it('refuses a bad lineage depth', async () => {
        const lab = await openLab();
        const id = await putText(lab, 'depth');
        for (const maxDepth of [-1, 1.5, Number.NaN]) {
          await expectInvalid(lab.artifacts.lineage(id, { maxDepth }), 'options.maxDepth');
        }
      });
    });

    describe('lineage', () => {
      it('links inputs: the input lists the artifact as a consumer', async () => {
        const lab = await openLab();
        const raw = await putText(lab, 'raw');
        const features = await putText(lab, 'features', { type: 'features', inputs: [raw] });
        const lineage = await lab.artifacts.lineage(features);
        expect(lineage.artifact).toEqual(await lab.artifacts.head(features));
        expect(lineage.inputs).toEqual([{ ...(await lab.artifacts.head(raw)), depth: 1 }]);
        expect(lineage.consumers).toEqual([]);
        const upstream = await lab.artifacts.lineage(raw);
        expect(upstream.inputs).toEqual([]);
        expect(upstream.consumers).toEqual([await lab.artifacts.head(features)]);
        expect(upstream.experiments).toEqual([]);
        expect(upstream.modelVersions).toEqual([]);
      });

      it('follows a chain raw → features → model, nearest first, and honours maxDepth', async () => {
        const lab = await openLab();
        const raw = await putText(lab, 'raw ohlcv');
        const features = await putText(lab, 'features', { type: 'features', inputs: [raw] });
        const model = await putText(lab, 'model', { type: 'model', inputs: [features] });
        const full = await lab.artifacts.lineage(model);
        expect(full.inputs.map((i) => [i.id, i.depth])).toEqual([
          [features, 1],
          [raw, 2],
        ]);
        expect(full.inputs[1]).toEqual({ ...(await lab.artifacts.head(raw)), depth: 2 });
        expect(
          (await lab.artifacts.lineage(model, { maxDepth: 1 })).inputs.map((i) => i.id),
        ).toEqual([features]);
        expect((await lab.artifacts.lineage(model, { maxDepth: 0 })).inputs).toEqual([]);
        // Consumers are the direct ones only.
        expect(sortedIds((await lab.artifacts.lineage(raw)).consumers)).toEqual([features]);
        expect(sortedIds((await lab.artifacts.lineage(features)).consumers)).toEqual([model]);
      });

      it('lists each input of a diamond once, at its nearest depth', async () => {
        const lab = await openLab();
        const raw = await putText(lab, 'raw');
        const left = await putText(lab, 'left', { type: 'features', inputs: [raw] });
        const right = await putText(lab, 'right', { type: 'features', inputs: [raw] });
        // `raw` is also a direct input of the model: depth 1 wins over depth 2.
        const model = await putText(lab, 'model', { type: 'model', inputs: [left, right] });
        const direct = await putText(lab, 'model 2', { type: 'model', inputs: [left, raw, right] });
        const lineage = await lab.artifacts.lineage(model);
        expect(lineage.inputs).toHaveLength(3);
        expect(sortedIds(lineage.inputs.filter((i) => i.depth === 1))).toEqual(
          sortedIds([{ id: left }, { id: right }]),
        );
        expect(lineage.inputs.filter((i) => i.depth === 2).map((i) => i.id)).toEqual([raw]);
        const second = await lab.artifacts.lineage(direct);
        expect(second.inputs).toHaveLength(3);
        expect(second.inputs.every((i) => i.depth === 1)).toBe(true);
        expect(sortedIds((await lab.artifacts.lineage(raw)).consumers)).toEqual(
          sortedIds([{ id: left }, { id: right }, { id: direct }]),
        );
      });

      it('links the inputs given when the same bytes are put again', async () => {
        const lab = await openLab();
        const a = await putText(lab, 'a');
        const b = await putText(lab, 'b');
        const first = await lab.artifacts.put('derived', { type: 'features', inputs: [a] });
        const again = await lab.artifacts.put('derived', { type: 'features', inputs: [b, a] });
        expect(again).toMatchObject({ id: first.id, created: false });
        const lineage = await lab.artifacts.lineage(first.id);
        expect(sortedIds(lineage.inputs)).toEqual(sortedIds([{ id: a }, { id: b }]));
        // A repeated input is linked once.
        await lab.artifacts.put('derived 2', { type: 'features', inputs: [a, a] });
        expect((await lab.artifacts.lineage(sha256('derived 2'))).inputs).toHaveLength(1);
      });

      it('lists the experiments that read or produced an artifact, with their role', async () => {
        const lab = await openLab();
        const ohlcv = await putText(lab, 'ohlcv');
        const read = await lab.experiments.create(definition({ inputs: { ohlcv: [ohlcv] } }));
        const unrelated = await lab.experiments.create(definition());
        const trades = await putText(lab, 'trades', { type: 'trades', inputs: [ohlcv] });
        await lab.experiments.storeResults(read.id, { trades });
        const input = await lab.artifacts.lineage(ohlcv);
        expect(input.experiments).toEqual([
          { id: read.id, name: read.name, status: 'created', role: 'input' },
        ]);
        const output = await lab.artifacts.lineage(trades);
        expect(output.experiments).toEqual([
          { id: read.id, name: read.name, status: 'created', role: 'output' },
        ]);
        expect(output.experiments.map((e) => e.id)).not.toContain(unrelated.id);
        // Status follows the experiment.
        await lab.experiments.cancel(read.id);
        expect((await lab.artifacts.lineage(ohlcv)).experiments[0]?.status).toBe('cancelled');
      });

      it('lists the model versions stored in an artifact, with their stage', async () => {
        const lab = await openLab();
        const { id } = await lab.artifacts.put(pseudoRandomBytes(64), { type: 'model' });
        const v1 = await lab.models.register({
          name: 'direction',
          artifact: id,
          modelType: 'custom',
        });
        expect(v1.artifactId).toBe(id);
        await lab.models.promote('direction', v1.version, 'staging');
        await lab.models.register({ name: 'sizing', artifact: id, modelType: 'linear' });
        const lineage = await lab.artifacts.lineage(id);
        expect([...lineage.modelVersions].sort((a, b) => (a.name < b.name ? -1 : 1))).toEqual([
          { name: 'direction', version: '1.0.0', stage: 'staging' },
          { name: 'sizing', version: '1.0.0', stage: 'development' },
        ]);
        // Registering bytes stores them as a `model` artifact.
        const bytes = pseudoRandomBytes(32, 7);
        const v2 = await lab.models.register({
          name: 'direction',
          artifact: bytes,
          modelType: 'custom',
        });
        expect(v2.artifactId).toBe(sha256(bytes));
        const own = await lab.artifacts.lineage(v2.artifactId);
        expect(own.artifact.type).toBe('model');
        expect(own.modelVersions).toEqual([
          { name: 'direction', version: '1.0.1', stage: 'development' },
        ]);
      });

      it('stops at a cycle of links and lists each artifact once', async () => {
        const lab = await openLab();
        const a = await putText(lab, 'cycle a');
        const b = await putText(lab, 'cycle b', { inputs: [a] });
        // Put a's bytes again naming b as an input: a ← b ← a.
        await lab.artifacts.put('cycle a', { type: 'dataset', inputs: [b] });
        const lineage = await lab.artifacts.lineage(a);
        expect(lineage.inputs.map((i) => [i.id, i.depth])).toEqual([[b, 1]]);
      });
    });

    describe('deleting unreferenced artifacts (models.archive deleteArtifacts)', () => {
      it('deletes the artifact of an archived version only when nothing else uses it', async () => {
        const lab = await openLab();
        const register = async (name: string, artifact: string | Uint8Array<ArrayBuffer>) =>
          (await lab.models.register({ name, artifact, modelType: 'custom' })).version;
        const lone = pseudoRandomBytes(16, 1);
        await lab.models.archive('lone', await register('lone', lone), { deleteArtifacts: true });
        await expect(lab.artifacts.head(sha256(lone))).rejects.toBeInstanceOf(NotFoundError);

        const shared = (await lab.artifacts.put(pseudoRandomBytes(16, 2), { type: 'model' })).id;
        const first = await register('shared', shared);
        await register('shared', shared);
        await lab.models.archive('shared', first, { deleteArtifacts: true });
        expect((await lab.artifacts.head(shared)).id).toBe(shared);

        const consumed = pseudoRandomBytes(16, 3);
        const consumedVersion = await register('consumed', consumed);
        await lab.artifacts.put('distilled', { type: 'model', inputs: [sha256(consumed)] });
        await lab.models.archive('consumed', consumedVersion, { deleteArtifacts: true });
        expect((await lab.artifacts.head(sha256(consumed))).id).toBe(sha256(consumed));

        const read = pseudoRandomBytes(16, 4);
        const readVersion = await register('read', read);
        await lab.experiments.create(definition({ inputs: { model: [sha256(read)] } }));
        await lab.models.archive('read', readVersion, { deleteArtifacts: true });
        expect((await lab.artifacts.head(sha256(read))).id).toBe(sha256(read));

        // Without deleteArtifacts the artifact stays.
        const kept = pseudoRandomBytes(16, 5);
        await lab.models.archive('kept', await register('kept', kept));
        expect((await lab.artifacts.head(sha256(kept))).id).toBe(sha256(kept));
      });
    });

    describe('directory mode', () => {
      const directories: string[] = [];
      afterEach(async () => {
        for (const dir of directories.splice(0)) await rm(dir, { recursive: true, force: true });
      });
      const newDirectory = async () => {
        const dir = await mkdtemp(join(tmpdir(), 'quantlab-artifacts-'));
        directories.push(dir);
        return dir;
      };
      const fileOf = (directory: string, id: string) => join(directory, id.slice(0, 2), id);
      /** Every file under the directory, relative to it. */
      const filesUnder = async (directory: string) =>
        (await readdir(directory, { recursive: true, withFileTypes: true }))
          .filter((entry) => entry.isFile())
          .map((entry) => join(entry.parentPath, entry.name).slice(directory.length + 1))
          .sort();

      it('keeps the bytes as a file at <dir>/<first two hex digits>/<sha256>', async () => {
        const directory = await newDirectory();
        const lab = await openLab({ artifacts: { directory } });
        const bytes = pseudoRandomBytes(4096);
        const put = await lab.artifacts.put(bytes, { type: 'model', name: 'lstm.bin' });
        expect(put).toEqual({ id: sha256(bytes), size: 4096, type: 'model', created: true });
        const file = await readFile(fileOf(directory, put.id));
        expect(file.equals(Buffer.from(bytes))).toBe(true);
        const head = await lab.artifacts.head(put.id);
        expect(head).toMatchObject({
          storage: 'directory',
          size: 4096,
          type: 'model',
          name: 'lstm.bin',
        });
        const got = await lab.artifacts.get(put.id);
        expect(got.storage).toBe('directory');
        expect(got.size).toBe(4096);
        expect(Buffer.from(got.bytes).equals(Buffer.from(bytes))).toBe(true);
        expect(await lab.artifacts.verify(put.id)).toEqual({
          id: put.id,
          ok: true,
          actual: put.id,
          size: 4096,
        });
        // Text, JSON and empty artifacts go to files too.
        const json = await lab.artifacts.put({ b: 1, a: 2 }, { type: 'report' });
        expect(await lab.artifacts.json(json.id)).toEqual({ a: 2, b: 1 });
        expect((await readFile(fileOf(directory, json.id))).toString('utf8')).toBe('{"a":2,"b":1}');
        const empty = await lab.artifacts.put(new Uint8Array(0), { type: 'marker' });
        expect((await stat(fileOf(directory, empty.id))).size).toBe(0);
        expect((await lab.artifacts.get(empty.id)).bytes).toEqual(new Uint8Array(0));
        expect(await filesUnder(directory)).toEqual(
          [put.id, json.id, empty.id].map((id) => join(id.slice(0, 2), id)).sort(),
        );
      });

      it('stores the same bytes once and leaves no temporary files behind', async () => {
        const directory = await newDirectory();
        const lab = await openLab({ artifacts: { directory } });
        const contents = Array.from({ length: 6 }, (_, i) => pseudoRandomBytes(2048 + i, i + 1));
        const first = await Promise.all(
          contents.map((c) => lab.artifacts.put(c, { type: 'model' })),
        );
        expect(first.every((r) => r.created)).toBe(true);
        const again = await lab.artifacts.put(contents[0] as Uint8Array, { type: 'model' });
        expect(again).toMatchObject({ id: first[0]?.id, created: false });
        const raced = await Promise.all(
          Array.from({ length: 3 }, () => lab.artifacts.put('raced', { type: 'report' })),
        );
        expect(raced.filter((r) => r.created)).toHaveLength(1);
        const files = await filesUnder(directory);
        expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
        expect(files).toEqual(
          [...first.map((r) => r.id), sha256('raced')].map((id) => join(id.slice(0, 2), id)).sort(),
        );
      });

      // A refused put writes no file: the inputs are checked first, and a file this put wrote is
      // removed when its transaction fails.
      it('leaves no file behind when a put is refused for a missing input', async () => {
        const directory = await newDirectory();
        const lab = await openLab({ artifacts: { directory } });
        const bytes = utf8('refused');
        await expectInvalid(
          lab.artifacts.put(bytes, { type: 'model', inputs: [sha256('never stored')] }),
          'options.inputs[0]',
        );
        await expect(lab.artifacts.head(sha256(bytes))).rejects.toBeInstanceOf(NotFoundError);
        expect(await filesUnder(directory)).toEqual([]);
      });

      it('refuses a tampered file with BackendError and verify reports it', async () => {
        const directory = await newDirectory();
        const lab = await openLab({ artifacts: { directory } });
        const bytes = utf8('the model as trained');
        const { id } = await lab.artifacts.put(bytes, { type: 'model' });
        const tampered = utf8('the model as TRAINED');
        await writeFile(fileOf(directory, id), tampered);
        const error = await rejection(lab.artifacts.get(id));
        expect(error).toBeInstanceOf(BackendError);
        expect((error as BackendError).message).toMatch(/corrupted/);
        await expect(lab.artifacts.text(id)).rejects.toBeInstanceOf(BackendError);
        expect(await lab.artifacts.verify(id)).toEqual({
          id,
          ok: false,
          actual: sha256(tampered),
          size: tampered.byteLength,
        });
        // head still answers: the metadata is intact.
        expect((await lab.artifacts.head(id)).size).toBe(bytes.byteLength);
      });

      it('reports a missing file with BackendError saying it is missing', async () => {
        const directory = await newDirectory();
        const lab = await openLab({ artifacts: { directory } });
        const { id } = await lab.artifacts.put(utf8('to be lost'), { type: 'model' });
        await unlink(fileOf(directory, id));
        const error = await rejection(lab.artifacts.get(id));
        expect(error).toBeInstanceOf(BackendError);
        expect((error as BackendError).message).toMatch(/missing/);
        expect(await lab.artifacts.verify(id)).toEqual({ id, ok: false, actual: null, size: null });
        // Putting the bytes again restores the file.
        const again = await lab.artifacts.put(utf8('to be lost'), { type: 'model' });
        expect(again.created).toBe(false);
        expect(await lab.artifacts.text(id)).toBe('to be lost');
      });

      it('removes the file when models.archive deletes an unreferenced artifact', async () => {
        const directory = await newDirectory();
        const lab = await openLab({ artifacts: { directory } });
        const bytes = pseudoRandomBytes(256);
        const v = await lab.models.register({
          name: 'direction',
          artifact: bytes,
          modelType: 'custom',
        });
        expect(await filesUnder(directory)).toEqual([join(v.artifactId.slice(0, 2), v.artifactId)]);
        expect(await lab.models.loadArtifact('direction')).toEqual(bytes);
        await lab.models.archive('direction', v.version, { deleteArtifacts: true });
        await expect(lab.artifacts.head(v.artifactId)).rejects.toBeInstanceOf(NotFoundError);
        expect(await filesUnder(directory)).toEqual([]);
      });

      it('refuses a file-stored artifact with BackendError when read without the directory', async () => {
        const directory = await newDirectory();
        // Two artifact stores over one backend, one with the directory and one without, as two
        // processes configured differently would be.
        const backend = await target.create();
        try {
          await backend.migrate();
          const now = () => new Date('2026-03-01T12:00:00.000Z');
          const withDirectory = new ArtifactManager({ backend, now, options: { directory } });
          const without = new ArtifactManager({ backend, now, options: {} });
          const { id } = await withDirectory.put(utf8('a large model'), { type: 'model' });
          const error = await rejection(without.get(id));
          expect(error).toBeInstanceOf(BackendError);
          expect((error as BackendError).message).toMatch(
            /stored as a file.*no artifacts\.directory/,
          );
          expect(await without.verify(id)).toEqual({ id, ok: false, actual: null, size: null });
          expect((await without.head(id)).storage).toBe('directory');
          // A store without the directory keeps new bytes in the backend, and both read those.
          const inline = await without.put(utf8('a small report'), { type: 'report' });
          expect(await withDirectory.text(inline.id)).toBe('a small report');
          expect((await withDirectory.head(inline.id)).storage).toBe('backend');
        } finally {
          await backend.close();
          await target.destroy?.(backend);
        }
      });
    });
  });
}
