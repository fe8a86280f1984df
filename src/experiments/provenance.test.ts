import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  captureProvenance,
  findPackage,
  mergeProvenance,
  type Provenance,
  readQuantlabVersion,
} from './provenance.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ownPackage = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
};
const now = new Date('2025-03-01T10:00:00.000Z');

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'quantlab-provenance-'));
  temps.push(dir);
  return dir;
}

/** Runs git for a test fixture, isolated from the machine's global and system config. */
function git(cwd: string, ...args: string[]): Promise<{ ok: boolean; stdout: string }> {
  return new Promise((done) => {
    execFile(
      'git',
      ['-c', 'user.name=quantlab', '-c', 'user.email=quantlab@example.com', ...args],
      {
        cwd,
        env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
      },
      (error, stdout) => done({ ok: error === null, stdout }),
    );
  });
}

const gitAvailable = (await git(tmpdir(), '--version')).ok;

describe('captureProvenance', () => {
  it.runIf(gitAvailable)(
    'reads HEAD, the dirty flag and both versions inside this repo',
    async () => {
      const p = await captureProvenance({ cwd: root, now });
      expect(p.gitCommit).toMatch(/^[0-9a-f]{40}$/);
      expect(typeof p.gitDirty).toBe('boolean');
      expect(p.quantlabVersion).toBe(ownPackage.version);
      expect(p.callerPackage).toEqual({ name: ownPackage.name, version: ownPackage.version });
      expect(p.nodeVersion).toBe(process.version);
      expect(p.platform).toBe(process.platform);
      expect(p.capturedAt).toEqual(now);
      expect(p.capturedAt).not.toBe(now);
    },
  );

  it('finds the repository from a subfolder', async () => {
    const p = await captureProvenance({ cwd: join(root, 'src', 'experiments'), now });
    const top = await captureProvenance({ cwd: root, now });
    expect(p.gitCommit).toBe(top.gitCommit);
  });

  it('returns nulls outside any git repository, without throwing', async (ctx) => {
    const dir = tempDir();
    const inside = await git(dir, 'rev-parse', '--is-inside-work-tree');
    if (inside.ok) ctx.skip(); // this machine's temp dir is inside a work tree
    const p = await captureProvenance({ cwd: dir, now });
    expect(p.gitCommit).toBeNull();
    expect(p.gitDirty).toBeNull();
    expect(p.quantlabVersion).toBe(ownPackage.version);
    expect(p.nodeVersion).toBe(process.version);
  });

  it('returns nulls for a working directory that does not exist', async () => {
    const missing = join(tempDir(), 'missing');
    const p = await captureProvenance({ cwd: missing, callerPackageDir: missing, now });
    expect(p.gitCommit).toBeNull();
    expect(p.gitDirty).toBeNull();
  });

  it.runIf(gitAvailable)('flips the dirty flag when an untracked file appears', async () => {
    const dir = tempDir();
    expect((await git(dir, 'init', '--quiet')).ok).toBe(true);
    writeFileSync(join(dir, 'a.txt'), 'a\n');
    expect((await git(dir, 'add', 'a.txt')).ok).toBe(true);
    const commit = await git(
      dir,
      '-c',
      'commit.gpgsign=false',
      'commit',
      '--quiet',
      '--no-verify',
      '-m',
      'first',
    );
    expect(commit.ok).toBe(true);
    const head = (await git(dir, 'rev-parse', 'HEAD')).stdout.trim();

    const clean = await captureProvenance({ cwd: dir, now });
    expect(clean.gitCommit).toBe(head);
    expect(clean.gitDirty).toBe(false);

    writeFileSync(join(dir, 'b.txt'), 'untracked\n');
    const dirty = await captureProvenance({ cwd: dir, now });
    expect(dirty.gitCommit).toBe(head);
    expect(dirty.gitDirty).toBe(true);
  });

  it.runIf(gitAvailable)(
    'reports no commit but a dirty flag in a repository with no commits',
    async () => {
      const dir = tempDir();
      expect((await git(dir, 'init', '--quiet')).ok).toBe(true);
      writeFileSync(join(dir, 'a.txt'), 'a\n');
      const p = await captureProvenance({ cwd: dir, now });
      expect(p.gitCommit).toBeNull();
      expect(p.gitDirty).toBe(true);
    },
  );

  it('finds the caller package above cwd, skipping nameless package.json files', async () => {
    const dir = tempDir();
    const nested = join(dir, 'packages', 'bot', 'src');
    mkdirSync(nested, { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'desk', version: '1.2.3' }));
    writeFileSync(join(dir, 'packages', 'bot', 'package.json'), '{"type":"module"}');
    writeFileSync(join(dir, 'packages', 'package.json'), '{ not json');
    const p = await captureProvenance({ cwd: nested, now });
    expect(p.callerPackage).toEqual({ name: 'desk', version: '1.2.3' });

    writeFileSync(join(nested, 'package.json'), JSON.stringify({ name: 'bot' }));
    const fromDir = await captureProvenance({ cwd: root, callerPackageDir: nested, now });
    expect(fromDir.callerPackage).toEqual({ name: 'bot', version: null });
  });
});

describe('readQuantlabVersion', () => {
  it('reads the version of the package this module belongs to', async () => {
    expect(await readQuantlabVersion()).toBe(ownPackage.version);
  });
});

describe('findPackage', () => {
  it('returns null at the file system root when nothing is accepted', async () => {
    expect(await findPackage(root, () => false)).toBeNull();
    expect(await findPackage(root)).toEqual({
      name: ownPackage.name,
      version: ownPackage.version,
      dir: root,
    });
  });
});

describe('mergeProvenance', () => {
  const captured: Provenance = {
    gitCommit: 'a'.repeat(40),
    gitDirty: true,
    quantlabVersion: '0.1.0',
    callerPackage: { name: 'bot', version: '2.0.0' },
    nodeVersion: 'v20.0.0',
    platform: 'linux',
    capturedAt: now,
  };

  it('lets every given field win, null included, and keeps the rest', () => {
    const given = {
      gitCommit: 'b'.repeat(40),
      gitDirty: null,
      callerPackage: null,
      capturedAt: new Date(0),
      nodeVersion: undefined,
    };
    expect(mergeProvenance(captured, given)).toEqual({
      ...captured,
      gitCommit: 'b'.repeat(40),
      gitDirty: null,
      callerPackage: null,
      capturedAt: new Date(0),
    });
  });

  it('returns a copy of the captured provenance when nothing is given', () => {
    const merged = mergeProvenance(captured);
    expect(merged).toEqual(captured);
    expect(merged).not.toBe(captured);
    expect(mergeProvenance(captured, {})).toEqual(captured);
  });

  it('ignores keys that are not provenance fields', () => {
    const given = { host: 'x' } as unknown as Partial<Provenance>;
    expect(mergeProvenance(captured, given)).toEqual(captured);
  });
});
