import { userInfo } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlite } from '../../backends/sqlite/index.js';
import { type Seeded, seedLab } from '../../test/support/cli-seed.js';
import { removeDatabaseFile, tempPath } from '../../test/support/temp.js';
import type { CliIo } from './io.js';
import { runCli } from './main.js';

// The command run in this process against a SQLite file: what each command prints and which exit
// code each failure gets. test/cli.test.ts runs the built executable on every backend.

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const path = tempPath('cli-main', '.db');
let seeded: Seeded;
beforeAll(async () => {
  seeded = await seedLab(sqlite({ filename: path }));
});
afterAll(() => removeDatabaseFile(path, ['-wal', '-shm']));

async function run(...args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: {
      isTTY: false,
      write: (text: string) => {
        stderr += text;
      },
    },
    env: { QUANTLAB_DB: path },
    cwd: process.cwd(),
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}

/** The actor the command records without --actor: the OS user name. */
function osUser(): string | null {
  try {
    return userInfo().username || null;
  } catch {
    return null;
  }
}

function ok(result: Run): string {
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return result.stdout;
}

describe('runCli', () => {
  it('prints the facade results as JSON, Dates as ISO strings', async () => {
    const [a] = seeded.experiments;
    const summary = JSON.parse(ok(await run('experiments', 'show', a, '--json'))) as {
      experiment: { id: string; createdAt: string };
      metrics: { equity: { count: number; latest: number } };
      trading: { periods: number };
    };
    expect(summary.experiment).toMatchObject({ id: a, createdAt: '2026-03-02T09:01:00.000Z' });
    expect(summary.metrics.equity).toMatchObject({ count: 10, latest: 10_900 });
    expect(summary.trading.periods).toBe(10);
    const version = JSON.parse(
      ok(await run('models', 'show', 'direction', '--version', '1.0.1', '--json')),
    ) as { version: string; stage: string };
    expect(version).toMatchObject({ version: '1.0.1', stage: 'staging' });
    const history = JSON.parse(
      ok(await run('models', 'history', 'direction', '--limit', '2', '--json')),
    ) as { kind: string }[];
    expect(history.map((e) => e.kind)).toEqual(['registered', 'registered']);
  });

  it('prints tables: comparison, metric points, a model version', async () => {
    const [a, b] = seeded.experiments;
    const compared = ok(await run('experiments', 'compare', a, b));
    expect(compared).toContain(`#1  ${a}  ma-cross 10/50  completed\n`);
    expect(compared).toMatch(/\nparams\.fast +10 +20 +yes\n/);
    expect(compared).toMatch(/\nequity +10900 +9100 +#1\n/);
    const points = ok(await run('experiments', 'metrics', a, '--name', 'equity,returns')).split(
      '\n',
    );
    expect(points[0]).toMatch(/^METRIC +STEP +VALUE +AT$/);
    expect(points[1]).toMatch(/^equity +0 +10000 +2026-03-02 09:01:00Z$/);
    expect(points).toHaveLength(1 + 20 + 1);
    const version = ok(await run('models', 'show', 'direction'));
    expect(version).toMatch(/^name +direction\nversion +1\.0\.1\nstage +staging\n/);
    expect(version).toMatch(/\nmetrics +auc=0\.64\n/);
  });

  it('pages with --limit and --cursor', async () => {
    const [a, b] = seeded.experiments;
    const first = ok(await run('experiments', 'list', '--limit', '1'));
    expect(first).toContain(b);
    const cursor = /\nnext page: --cursor (\S+)\n$/.exec(first)?.[1];
    expect(cursor).toBeDefined();
    const second = JSON.parse(
      ok(await run('experiments', 'list', '--limit', '1', '--json', '--cursor', `${cursor}`)),
    ) as unknown;
    expect(second).toMatchObject({ experiments: [{ id: a }], nextCursor: null });
  });

  it('exits 1 for what the facade refuses and 2 for bad input, with one line', async () => {
    // One after the other: in one process, a second SQLite connection waiting for the first's
    // write lock (createLab migrates) would block the thread the first one needs.
    const failures: string[] = [];
    for (const args of [
      ['models', 'show', 'direction', '--alias', 'champion'],
      ['ab', 'results', 'no-such-test'],
      ['models', 'history', 'no-such-model'],
      ['models', 'promote', 'direction', '1.0.0', 'development'],
      ['models', 'rollback', 'direction'],
      ['models', 'show', 'direction', '--version', '1.0.0', '--stage', 'staging'],
      ['experiments', 'list', '--cursor', 'bogus'],
      ['experiments', 'list', '--from', '2026-03-01T12:00'],
      ['drift', 'reports', '--version', '1.0.0'],
    ]) {
      const result = await run(...args);
      expect(result.stdout).toBe('');
      failures.push(`${result.code} ${result.stderr}`);
    }
    expect(failures).toEqual([
      '1 quantlab: model alias "direction@champion" not found\n',
      '1 quantlab: A/B test "no-such-test" not found\n',
      '1 quantlab: model "no-such-model" not found\n',
      '1 quantlab: model version "direction@1.0.0" cannot move from production to development\n',
      '1 quantlab: model "direction": has no earlier production version (not archived) to roll back to from 1.0.0\n',
      "2 quantlab: option '--version <version>' cannot be used with option '--stage <stage>'\n",
      '2 quantlab: filter.cursor: must be a cursor returned by list() (received "bogus")\n',
      "2 quantlab: option '--from <time>' argument '2026-03-01T12:00' is invalid. must be an ISO 8601 date (2026-03-01) or date-time with a zone (2026-03-01T12:00:00Z)\n",
      '2 quantlab: --version needs --model: name the model it is a version of\n',
    ]);
  });

  it('promotes and rolls back, recording the actor (default: the OS user) and reason', async () => {
    expect(
      ok(await run('models', 'promote', 'direction', '1.0.1', 'production', '--actor', 'ana')),
    ).toBe('direction 1.0.1 is now in production.\n');
    expect(ok(await run('models', 'rollback', 'direction', '--reason', 'hit rate fell'))).toBe(
      'direction 1.0.0 is back in production.\n',
    );
    const history = JSON.parse(ok(await run('models', 'history', 'direction', '--json'))) as {
      kind: string;
      version: string;
      actor: string | null;
      reason: string | null;
    }[];
    expect(history.slice(-4).map((e) => [e.kind, e.version, e.actor, e.reason])).toEqual([
      ['stage_changed', '1.0.0', 'ana', 'demoted: 1.0.1 promoted to production'],
      ['stage_changed', '1.0.1', 'ana', null],
      ['stage_changed', '1.0.1', osUser(), 'demoted: 1.0.0 restored to production'],
      ['rolled_back', '1.0.0', osUser(), 'hit rate fell'],
    ]);
  });
});
