import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ArtifactDirectory } from './directory.js';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});
const fresh = () => {
  const root = mkdtempSync(join(tmpdir(), 'quantlab-artifacts-'));
  roots.push(root);
  return root;
};
const ID = 'ab'.repeat(32);

describe('ArtifactDirectory', () => {
  it('writes under the first two hex digits, reads back, and leaves no temporary file', async () => {
    const root = fresh();
    const directory = new ArtifactDirectory(root);
    await directory.write(ID, new Uint8Array([1, 2, 3]));
    expect(directory.path(ID)).toBe(join(root, 'ab', ID));
    expect([...((await directory.read(ID)) ?? [])]).toEqual([1, 2, 3]);
    expect(readdirSync(join(root, 'ab'))).toEqual([ID]);
  });

  it('writes the same artifact concurrently without error', async () => {
    const directory = new ArtifactDirectory(fresh());
    const bytes = new Uint8Array(1 << 20).fill(9);
    await Promise.all(Array.from({ length: 8 }, () => directory.write(ID, bytes)));
    expect((await directory.read(ID))?.byteLength).toBe(bytes.byteLength);
  });

  it('reads a missing file as undefined and removes idempotently', async () => {
    const directory = new ArtifactDirectory(fresh());
    expect(await directory.read(ID)).toBeUndefined();
    await directory.remove(ID);
    await directory.write(ID, new Uint8Array([1]));
    await directory.remove(ID);
    expect(await directory.read(ID)).toBeUndefined();
  });
});
