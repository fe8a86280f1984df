/**
 * The model registry's invariants with many processes on one database (DESIGN.md, "Many
 * processes"): eight real child processes register versions of one model at the same moment,
 * then promote their versions to production at the same moment, against a SQLite file and a
 * PostgreSQL schema. One set of children does both, to keep the process start-up cost (the bulk
 * of the time) to one round.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { postgres } from '../backends/postgres/index.js';
import { sqlite } from '../backends/sqlite/index.js';
import { createLab, type Lab } from '../src/index.js';
import type { ModelEventRecord } from '../src/storage/records.js';
import type { ModelsChildResult } from './support/models-child.js';
import { runChild } from './support/processes.js';
import { tempDatabases } from './support/temp.js';

const CHILDREN = 8;
const MODEL = 'shared';
const VERSIONS = Array.from({ length: CHILDREN }, (_, i) => `1.0.${i}`);
/** Child start-up under load dominates; the work itself takes well under a second. */
const TIMEOUT_MS = 90_000;

/** How a child reaches the database: `<sqlite|postgres> <filename|url> <schema|->`. */
type Target = [kind: 'sqlite' | 'postgres', location: string, schema: string];

/**
 * Children that run `steps` in lock step: before each step every child signals ready and waits
 * for the parent's go, so all of them run the step at the same moment.
 */
function startChildren(target: Target, count: number, steps: string[]) {
  const syncDir = mkdtempSync(join(tmpdir(), 'quantlab-models-sync-'));
  let ended = 0;
  const runs = Array.from({ length: count }, (_, index) =>
    runChild('./models-child.ts', [...target, syncDir, String(index), ...steps]).finally(() => {
      ended++;
    }),
  );
  const ready = (step: string) =>
    readdirSync(syncDir).filter((f) => f.startsWith(`ready-${step}-`)).length;
  return {
    /** Resolves when every child still running is ready for `step` (a failed child reports at the end). */
    async ready(step: string): Promise<void> {
      const deadline = Date.now() + TIMEOUT_MS / 2;
      while (ready(step) + ended < count && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    /** Whether a child has exited already. */
    anyEnded: () => ended > 0,
    go(step: string): void {
      writeFileSync(join(syncDir, `go-${step}`), '');
    },
    /** Lets every remaining step go and returns the children's reports, in their order. */
    async results(): Promise<ModelsChildResult[]> {
      for (const step of steps) this.go(step);
      try {
        return (await Promise.all(runs)).map((r, index) => {
          try {
            return JSON.parse(r.stdout) as ModelsChildResult;
          } catch {
            return {
              ok: false,
              index,
              steps: [],
              error: `exit ${r.code}: ${r.stderr.slice(0, 2000)}`,
            };
          }
        });
      } finally {
        rmSync(syncDir, { recursive: true, force: true });
      }
    },
  };
}

/** Registering and promoting at the same moment from eight processes. */
async function registerThenPromote(target: Target, open: () => Promise<Lab>): Promise<void> {
  // The parent migrates first: this test is about registering and promoting at once.
  const lab = await open();
  try {
    await registerThenPromoteWith(target, lab);
  } finally {
    await lab.close();
  }
}

async function registerThenPromoteWith(target: Target, lab: Lab): Promise<void> {
  const children = startChildren(target, CHILDREN, ['register', 'promote']);
  let results: ModelsChildResult[] | undefined;
  try {
    await children.ready('register');
    children.go('register');
    await children.ready('promote');
    if (children.anyEnded()) {
      // A child failed before promoting: show why, rather than the missing version.
      results = await children.results();
      expect(results.filter((r) => !r.ok)).toEqual([]);
    }

    // Registration: eight distinct versions, 1.0.0 to 1.0.7, each recorded once.
    const { versions: registered } = await lab.models.list({ name: MODEL });
    expect(registered.map((v) => v.version).sort()).toEqual(VERSIONS);
    expect(registered.every((v) => v.stage === 'development')).toBe(true);
    expect(new Set(registered.map((v) => v.artifactId)).size).toBe(CHILDREN);
    expect((await lab.models.get(MODEL)).version).toBe('1.0.7');
    const registrations = await lab.models.history(MODEL);
    expect(registrations).toHaveLength(CHILDREN);
    expect(registrations.every((e) => e.kind === 'registered' && e.to === 'development')).toBe(
      true,
    );
    expect(registrations.map((e) => e.version).sort()).toEqual(VERSIONS);

    // Then every version to staging, here, and the children promote theirs at once.
    for (const version of VERSIONS) {
      await lab.models.promote(MODEL, version, 'staging', { actor: 'parent' });
    }
    results = await children.results();
  } finally {
    results ??= await children.results();
  }
  expect(results.filter((r) => !r.ok)).toEqual([]);
  const step = (r: ModelsChildResult, name: string) =>
    r.steps.find((s) => s.step === name) as ModelsChildResult['steps'][number];

  // Each child registered its own version, holding its own bytes, recorded as trained by it.
  const byVersion = new Map(results.map((r) => [step(r, 'register').version, r.index]));
  expect([...byVersion.keys()].sort()).toEqual(VERSIONS);
  for (const [version, index] of byVersion) {
    const bytes = await lab.models.loadArtifact(MODEL, { version });
    expect(new TextDecoder().decode(bytes)).toBe(`model bytes of child ${index}`);
  }
  const history = await lab.models.history(MODEL);
  expect(new Set(history.map((e) => e.id)).size).toBe(history.length);
  expect(
    Object.fromEntries(
      history.filter((e) => e.kind === 'registered').map((e) => [e.version, e.actor]),
    ),
  ).toEqual(Object.fromEntries([...byVersion].map(([v, i]) => [v, `child-${i}`])));

  // Every promotion succeeded (each found its version in staging, under the model's lock)
  // and exactly one version is in production afterwards.
  expect(results.every((r) => step(r, 'promote').stage === 'production')).toBe(true);
  const { versions } = await lab.models.list({ name: MODEL });
  const production = versions.filter((v) => v.stage === 'production');
  expect(production).toHaveLength(1);
  expect(versions.filter((v) => v.stage === 'staging')).toHaveLength(CHILDREN - 1);
  const live = (production[0] as { version: string }).version;
  expect((await lab.models.get(MODEL, { stage: 'production' })).version).toBe(live);

  const changes = history.filter((e) => e.kind === 'stage_changed' && e.actor !== 'parent');
  const promotions = changes.filter((e) => e.from === 'staging' && e.to === 'production');
  const demotions = changes.filter((e) => e.from === 'production' && e.to === 'staging');
  expect(promotions).toHaveLength(CHILDREN);
  expect(demotions).toHaveLength(CHILDREN - 1);
  expect(changes).toHaveLength(promotions.length + demotions.length);
  expect(promotions.map((e) => e.version).sort()).toEqual(VERSIONS);
  expect(Object.fromEntries(promotions.map((e) => [e.version, e.actor]))).toEqual(
    Object.fromEntries([...byVersion].map(([v, i]) => [v, `child-${i}`])),
  );

  // Each promotion but the first demoted the version then in production, in the same
  // transaction (same actor, same time). Following "who replaced whom" from the first
  // promotion must visit every version once and end at the one in production: the
  // promotions ran one after another and none saw a stale production version.
  const demotionBy = new Map<string, ModelEventRecord>();
  for (const d of demotions) {
    expect(demotionBy.has(d.actor as string)).toBe(false);
    demotionBy.set(d.actor as string, d);
  }
  const replacedBy = new Map<string, string>();
  const firsts: string[] = [];
  for (const p of promotions) {
    const demotion = demotionBy.get(p.actor as string);
    if (demotion === undefined) {
      firsts.push(p.version as string);
      continue;
    }
    expect(demotion.at.getTime()).toBe(p.at.getTime());
    expect(demotion.version).not.toBe(p.version);
    expect(demotion.reason).toBe(`demoted: ${p.version} promoted to production`);
    expect(replacedBy.has(demotion.version as string)).toBe(false);
    replacedBy.set(demotion.version as string, p.version as string);
  }
  expect(firsts).toHaveLength(1);
  const chain = [firsts[0] as string];
  while (replacedBy.has(chain.at(-1) as string)) {
    chain.push(replacedBy.get(chain.at(-1) as string) as string);
  }
  expect(chain).toHaveLength(CHILDREN);
  expect(new Set(chain).size).toBe(CHILDREN);
  expect(chain.at(-1)).toBe(live);
  // The trail's times follow that order.
  const promotedAt = new Map(promotions.map((p) => [p.version, p.at.getTime()]));
  const times = chain.map((v) => promotedAt.get(v) as number);
  expect(times).toEqual([...times].sort((a, b) => a - b));
}

describe('model registry across processes: sqlite', () => {
  const tempDb = tempDatabases('models-multiprocess', '.db', ['-wal', '-shm']);

  it(
    'gives eight processes registering at once distinct versions, then one production version when they all promote at once',
    async () => {
      const filename = tempDb();
      await registerThenPromote(['sqlite', filename, '-'], () => createLab(sqlite({ filename })));
    },
    TIMEOUT_MS,
  );
});

describe('model registry across processes: postgres', () => {
  const url = inject('pgUrl');
  const admin = new pg.Pool({ connectionString: url, max: 2 });
  const schemas: string[] = [];
  afterEach(async () => {
    for (const schema of schemas.splice(0)) {
      await admin.query(`drop schema if exists "${schema}" cascade`);
    }
  });
  afterAll(() => admin.end());

  it(
    'gives eight processes registering at once distinct versions, then one production version when they all promote at once',
    async () => {
      const schema = `qlt_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
      schemas.push(schema);
      await registerThenPromote(['postgres', url, schema], () =>
        createLab(postgres({ connectionString: url, max: 2 }, { schema })),
      );
    },
    TIMEOUT_MS,
  );
});
