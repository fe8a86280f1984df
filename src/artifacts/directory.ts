/**
 * Artifact bytes kept as files: `<directory>/<first two hex digits>/<sha256>`, written to a
 * temporary file in the same folder, flushed, then renamed into place (atomic on POSIX), so a
 * reader never sees a half-written model and a crash leaves at most a temporary file behind.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256Hex } from './content.js';

/** Where artifact files live. @internal */
export class ArtifactDirectory {
  readonly #root: string;

  constructor(root: string) {
    this.#root = root;
  }

  /** The file of artifact `id`. */
  path(id: string): string {
    return join(this.#root, id.slice(0, 2), id);
  }

  /**
   * Writes the bytes of `id` unless its file already holds exactly them (a damaged file is
   * replaced). Returns whether it wrote.
   */
  async write(id: string, bytes: Uint8Array): Promise<boolean> {
    const target = this.path(id);
    const existing = await stat(target).catch(() => undefined);
    if (existing?.isFile() && existing.size === bytes.byteLength) {
      const current = await this.read(id);
      if (current !== undefined && sha256Hex(current) === id) return false;
    }
    await mkdir(join(this.#root, id.slice(0, 2)), { recursive: true });
    const temporary = `${target}.${randomBytes(6).toString('hex')}.tmp`;
    const handle = await open(temporary, 'wx');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    return true;
  }

  /** The bytes of `id`, or `undefined` when its file is missing. */
  async read(id: string): Promise<Uint8Array | undefined> {
    try {
      const buffer = await readFile(this.path(id));
      return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /** Removes the file of `id` if it exists. */
  async remove(id: string): Promise<void> {
    await rm(this.path(id), { force: true });
  }
}
