import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { duckdb } from '../backends/duckdb/index.js';
import { postgres } from '../backends/postgres/index.js';
import { sqlite } from '../backends/sqlite/index.js';
import { createLab } from '../src/index.js';
import type { StorageBackend } from '../src/storage/backend.js';
import { type BuiltCli, buildCli, hidePackage, type RunOptions, runBin } from './support/cli.js';
import { type Seeded, seedLab } from './support/cli-seed.js';
import { type ChildResult, runScript } from './support/processes.js';
import { removeDatabaseFile, tempPath } from './support/temp.js';

// The `quantlab` command, built as `npm run build` builds it and run as a child process against
// databases the test fills through the facades. A memory backend cannot be shared with a child
// process, so the command is tested on SQLite, DuckDB and PostgreSQL.

let cli: BuiltCli | undefined;
beforeAll(async () => {
  cli = await buildCli();
});
afterAll(() => cli?.remove());

function quantlab(args: string[], options?: RunOptions): Promise<ChildResult> {
  if (cli === undefined) throw new Error('the command was not built');
  return runBin(cli.bin, args, options);
}

/** The JSON a command printed, after checking it succeeded and printed nothing on stderr. */
function json<T>(result: ChildResult | undefined): T {
  if (result === undefined) throw new Error('no such result');
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as T;
}

/** Its table output, after checking it succeeded and printed nothing on stderr. */
function text(result: ChildResult | undefined): string {
  if (result === undefined) throw new Error('no such result');
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return result.stdout;
}

interface Database {
  /** The `--db` value. */
  db: string;
  backend: StorageBackend;
  drop(): Promise<void>;
}

const pgUrl = inject('pgUrl');
const admin = new pg.Pool({ connectionString: pgUrl, max: 1 });
afterAll(() => admin.end());

const targets: {
  kind: string;
  /** Several commands may run at once (DuckDB: one process at a time holds the file). */
  parallel: boolean;
  create(): Database;
}[] = [
  {
    kind: 'sqlite',
    parallel: true,
    create() {
      const path = tempPath('cli', '.db');
      return {
        db: path,
        backend: sqlite({ filename: path }),
        drop: async () => removeDatabaseFile(path, ['-wal', '-shm']),
      };
    },
  },
  {
    kind: 'duckdb',
    parallel: false,
    create() {
      const path = tempPath('cli', '.duckdb');
      return {
        db: `duckdb:${path}`,
        backend: duckdb({ path }),
        drop: async () => removeDatabaseFile(path, ['.wal']),
      };
    },
  },
  {
    kind: 'postgres',
    parallel: true,
    create() {
      const schema = `qlt_cli_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
      const url = new URL(pgUrl);
      url.searchParams.set('schema', schema);
      return {
        db: url.toString(),
        backend: postgres({ connectionString: pgUrl }, { schema }),
        drop: async () => {
          await admin.query(`drop schema if exists "${schema}" cascade`);
        },
      };
    },
  },
];

/** Runs commands against a database: at once where the backend allows, else one by one. */
async function runAll(
  db: string,
  parallel: boolean,
  ...commands: string[][]
): Promise<ChildResult[]> {
  const one = (args: string[]) => quantlab([...args, '--db', db]);
  if (parallel) return Promise.all(commands.map(one));
  const results: ChildResult[] = [];
  for (const args of commands) results.push(await one(args));
  return results;
}

describe.each(targets)('quantlab on $kind', (target) => {
  let database: Database;
  let seeded: Seeded;
  beforeAll(async () => {
    database = target.create();
    seeded = await seedLab(database.backend);
  });
  afterAll(() => database?.drop());
  const run = (...commands: string[][]) => runAll(database.db, target.parallel, ...commands);

  it('experiments list, show, compare and metrics', async () => {
    const [a, b] = seeded.experiments;
    const [list, filtered, show, compare, metrics] = await run(
      ['experiments', 'list'],
      ['experiments', 'list', '--json', '--name', 'ma-cross 10/50', '--status', 'completed'],
      ['experiments', 'show', a],
      ['experiments', 'compare', a, b, '--json'],
      ['experiments', 'metrics', a, '--name', 'equity', '--json'],
    );
    expect(text(list)).toBe(
      [
        'ID                                    NAME            STATUS     TYPE      STRATEGY      CREATED               DURATION',
        `${b}  ma-cross 20/50  completed  backtest  ma-crossover  2026-03-02 09:02:00Z       0ms`,
        `${a}  ma-cross 10/50  completed  backtest  ma-crossover  2026-03-02 09:01:00Z       0ms`,
        '',
      ].join('\n'),
    );
    const page = json<{ experiments: { id: string; createdAt: string }[]; nextCursor: null }>(
      filtered,
    );
    expect(page.experiments.map((e) => e.id)).toEqual([a]);
    expect(page.experiments[0]?.createdAt).toBe('2026-03-02T09:01:00.000Z');
    expect(page.nextCursor).toBeNull();

    const shown = text(show);
    expect(shown).toMatch(/^id +.+\nname +ma-cross 10\/50\nstatus +completed\n/);
    expect(shown).toMatch(/\nparams\.fast +10\n/);
    expect(shown).toMatch(/\nequity +10 +10900 +10450 +10000 +10900 +302\.765\n/);
    expect(shown).toMatch(/\nsharpe +-?\d/);

    const comparison = json<{ params: { path: string; differs: boolean }[] }>(compare);
    expect(comparison.params.filter((p) => p.differs).map((p) => p.path)).toEqual(['params.fast']);
    const series = json<Record<string, { step: number; value: number }[]>>(metrics);
    expect(Object.keys(series)).toEqual(['equity']);
    expect(series.equity?.map((p) => p.value)).toEqual(
      Array.from({ length: 10 }, (_, i) => 10_000 + 100 * i),
    );
  });

  it('models list and show', async () => {
    const [a, b] = seeded.experiments;
    const [list, production] = await run(
      ['models', 'list', '--name', 'direction'],
      ['models', 'show', 'direction', '--stage', 'production', '--json'],
    );
    expect(text(list)).toBe(
      [
        'NAME       VERSION  STAGE       TYPE      METRICS   EXPERIMENT                            CREATED',
        `direction  1.0.1    staging     lightgbm  auc=0.64  ${b}  2026-03-02 09:04:00Z`,
        `direction  1.0.0    production  lightgbm  auc=0.61  ${a}  2026-03-02 09:03:00Z`,
        '',
      ].join('\n'),
    );
    expect(json<{ version: string; stage: string }>(production)).toMatchObject({
      version: '1.0.0',
      stage: 'production',
    });
  });

  it('ab list and ab results', async () => {
    const [list, results, resultsJson] = await run(
      ['ab', 'list'],
      ['ab', 'results', seeded.testId],
      ['ab', 'results', seeded.testId, '--json'],
    );
    expect(text(list)).toContain(
      `${seeded.testId}  direction 1.0.1 vs 1.0.0  running  control=direction@1.0.0, challenger=direction@1.0.1  hash`,
    );
    const table = text(results);
    expect(table).toMatch(/^test +direction 1\.0\.1 vs 1\.0\.0 \(/);
    expect(table).toMatch(/\ncontrol +direction@1\.0\.0 +\d+ +\d+ /);
    expect(table).toMatch(/\nrecommendation +\S/);
    const analysis = json<{
      testId: string;
      variants: { name: string; n: number }[];
      recommendation: string;
    }>(resultsJson);
    expect(analysis.testId).toBe(seeded.testId);
    expect(analysis.variants.map((v) => v.name)).toEqual(['control', 'challenger']);
    expect(analysis.variants.reduce((sum, v) => sum + v.n, 0)).toBe(200);
  });

  it('drift reports, also filtered by model, version and verdict', async () => {
    const [calm, shifted] = seeded.reports;
    const [table, filtered] = await run(
      ['drift', 'reports'],
      ['drift', 'reports', '--model', 'direction', '--version', '1.0.0', '--drifted', '--json'],
    );
    expect(text(table)).toBe(
      [
        'ID                                    MODEL            CREATED               DRIFTED  DATA                   PERFORMANCE  CONCEPT',
        `${shifted}  direction@1.0.0  2026-03-02 09:09:00Z  yes      1/2 features (spread)  -            -`,
        `${calm}  direction@1.0.0  2026-03-02 09:08:00Z  no       0/2 features           -            -`,
        '',
      ].join('\n'),
    );
    const page = json<{ reports: { id: string; drifted: boolean }[] }>(filtered);
    expect(page.reports.map((r) => [r.id, r.drifted])).toEqual([[shifted, true]]);
  });

  it('promote then history shows it; a bad stage is exit 2, a missing experiment exit 1', async () => {
    const [badStage, missing] = await run(
      ['models', 'promote', 'direction', '1.0.1', 'prod'],
      ['experiments', 'show', 'no-such-id'],
    );
    expect(badStage?.code).toBe(2);
    expect(badStage?.stderr).toBe(
      "quantlab: command-argument value 'prod' is invalid for argument 'stage'. Allowed choices are development, staging, production, archived.\n",
    );
    expect(missing).toEqual({
      code: 1,
      stdout: '',
      stderr: 'quantlab: experiment "no-such-id" not found\n',
    });

    const [promoted] = await run(
      ['models', 'promote', 'direction', '1.0.1', 'production'].concat([
        '--reason',
        'won the A/B test',
        '--actor',
        'ci',
      ]),
    );
    expect(text(promoted)).toBe('direction 1.0.1 is now in production.\n');
    const [history] = await run(['models', 'history', 'direction']);
    const lines = text(history).trimEnd().split('\n');
    expect(lines[0]).toMatch(/^AT +EVENT +VERSION +FROM +TO +ALIAS +ACTOR +REASON$/);
    expect(lines.slice(1, -2).map((l) => l.split(/ {2,}/).slice(1, 5).join(' '))).toEqual([
      'registered 1.0.0 - development',
      'registered 1.0.1 - development',
      'stage_changed 1.0.0 development staging',
      'stage_changed 1.0.0 staging production',
      'stage_changed 1.0.1 development staging',
    ]);
    expect(lines.at(-2)).toMatch(
      /stage_changed +1\.0\.0 +production +staging +- +ci +demoted: 1\.0\.1 promoted to production$/,
    );
    expect(lines.at(-1)).toMatch(
      /stage_changed +1\.0\.1 +staging +production +- +ci +won the A\/B test$/,
    );
  });
});

describe('quantlab usage and database errors', () => {
  const dir = tempPath('cli-errors', '');
  const empty = join(dir, 'empty.db');
  beforeAll(async () => {
    mkdirSync(dir, { recursive: true });
    await (await createLab(sqlite({ filename: empty }))).close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints help and the version with exit 0, and a usage error for an unknown command', async () => {
    const [help, version, unknown, noSubcommand, unknownOption] = await Promise.all([
      quantlab(['--help']),
      quantlab(['--version']),
      quantlab(['experiment', 'list']),
      quantlab(['models']),
      quantlab(['models', 'list', '--colour']),
    ]);
    expect(text(help)).toContain('Usage: quantlab [options] [command]');
    expect(help.stdout).toContain('Exit codes:');
    expect(text(version)).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(
      "quantlab: unknown command 'experiment'\n(Did you mean experiments?)\n",
    );
    expect(noSubcommand.code).toBe(2);
    expect(noSubcommand.stderr).toContain('Usage: quantlab models [options] [command]');
    expect(unknownOption.code).toBe(2);
    expect(unknownOption.stderr).toBe("quantlab: unknown option '--colour'\n");
  });

  it('refuses a bad --db with exit 2 and a clear line', async () => {
    const [scheme, memoryDb] = await Promise.all([
      quantlab(['experiments', 'list', '--db', 'mysql://root@db/lab']),
      quantlab(['experiments', 'list', '--db', ':memory:']),
    ]);
    expect(scheme).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'quantlab: unsupported database URL scheme "mysql:" in --db: give a SQLite file path, sqlite:<path>, duckdb:<path>, postgres://… or postgresql://…\n',
    });
    expect(memoryDb.code).toBe(2);
  });

  it('never creates a database: a missing file is exit 3 naming the path', async () => {
    const missing = join(dir, 'missing.db');
    const [sqliteFile, duckdbFile, defaultFile] = await Promise.all([
      quantlab(['experiments', 'list', '--db', missing]),
      quantlab(['--db', `duckdb:${join(dir, 'missing.duckdb')}`, 'models', 'list']),
      quantlab(['experiments', 'list'], { cwd: dir }),
    ]);
    expect(sqliteFile.code).toBe(3);
    expect(sqliteFile.stderr).toBe(
      `quantlab: no SQLite database at ${missing} (give --db <file>, duckdb:<file> or postgres://…, or set QUANTLAB_DB)\n`,
    );
    expect(duckdbFile.code).toBe(3);
    expect(duckdbFile.stderr).toContain(`no DuckDB database at ${join(dir, 'missing.duckdb')}`);
    expect(defaultFile.code).toBe(3);
    expect(defaultFile.stderr).toContain(`no SQLite database at ${join(dir, 'quantlab-demo.db')}`);
    expect(readdirSync(dir)).toEqual(['empty.db']);
  });

  it('takes the database from QUANTLAB_DB, and --db before the command', async () => {
    const [fromEnv, before] = await Promise.all([
      quantlab(['experiments', 'list'], { env: { QUANTLAB_DB: empty } }),
      quantlab(['--db', empty, '--json', 'experiments', 'list']),
    ]);
    expect(text(fromEnv)).toBe('No experiments found.\n');
    expect(json(before)).toEqual({ experiments: [], nextCursor: null });
  });

  it('says which npm i to run when a driver package is missing', async () => {
    const result = await quantlab(['models', 'list', '--db', empty], {
      node: hidePackage('better-sqlite3'),
    });
    expect(result).toEqual({
      code: 3,
      stdout: '',
      stderr:
        'quantlab: the sqlite backend needs the better-sqlite3 package, which is not installed: run npm i better-sqlite3\n',
    });
  });

  it('a refused PostgreSQL connection is exit 3 with one line', async () => {
    const result = await quantlab([
      'models',
      'list',
      '--db',
      'postgres://ana:secret@127.0.0.1:1/lab',
    ]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(
      /^quantlab: cannot open postgres 127\.0\.0\.1:1\/lab: postgres backend: migrate failed: .*ECONNREFUSED.*\n$/,
    );
    expect(result.stderr).not.toContain('secret');
  });

  it('a PostgreSQL host that never answers is exit 3 after connect_timeout, not a hang', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const started = Date.now();
      const result = await quantlab([
        'models',
        'list',
        '--db',
        `postgres://postgres@127.0.0.1:${port}/lab?connect_timeout=1`,
      ]);
      expect(result.code).toBe(3);
      expect(result.stderr).toMatch(
        new RegExp(
          `^quantlab: cannot open postgres 127\\.0\\.0\\.1:${port}/lab: .*timeout.*\\n$`,
          'i',
        ),
      );
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describe('the commands the demo suggests', () => {
  const db = tempPath('demo-cli', '.db');
  afterAll(() => removeDatabaseFile(db, ['-wal', '-shm']));

  it('print what the demo says they print', async () => {
    const demo = await runScript('examples/demo.ts', [], { QUANTLAB_DEMO_DB: db });
    expect(demo.code).toBe(0);
    // "   npm run quantlab -- <args> --db <file>   <what it shows>"
    const suggested = [...demo.stdout.matchAll(/npm run quantlab -- (.+?) --db (\S+)\s+(.*)$/gm)];
    expect(suggested.map((m) => m[3])).toEqual([
      'the four backtests',
      'the two model runs side by side',
      'registrations and promotions',
      'per-variant results and the decision',
      'the two checks, newest first',
    ]);
    const [list, compare, history, results, reports] = await Promise.all(
      suggested.map((m) => quantlab([...(m[1] as string).split(' '), '--db', m[2] as string])),
    );
    const lines = (out: string) => out.trim().split('\n');

    const backtests = lines(text(list)).slice(1);
    expect(backtests).toHaveLength(4);
    for (const name of ['ma-crossover 10/50', 'ma-crossover 20/100', 'mean-reversion 20/1.5']) {
      expect(backtests.some((l) => l.includes(name) && l.includes('completed'))).toBe(true);
    }
    const compared = text(compare);
    expect(compared).toMatch(/#1\s+\S+\s+ma-crossover 10\/50\s+completed/);
    expect(compared).toMatch(/#2\s+\S+\s+ma-crossover 20\/100\s+completed/);
    expect(compared).toMatch(/params\.fast\s+10\s+20\s+yes/);
    expect(compared).toMatch(/equity\s+18470\.2\s+20736\.5\s+#2/);

    const events = lines(text(history)).slice(1);
    expect(events.filter((l) => /\bregistered\b/.test(l))).toHaveLength(2);
    expect(events.at(-1)).toMatch(
      /stage_changed\s+1\.0\.1\s+staging\s+production\s+-\s+demo\s+won A\/B test/,
    );

    const decided = text(results);
    expect(decided).toMatch(/control\s+direction@1\.0\.0\s+15120\s+15120/);
    expect(decided).toMatch(/challenger\s+direction@1\.0\.1\s+14880\s+14880/);
    expect(decided).toMatch(/winner\s+challenger/);
    expect(decided).toContain('challenger better by 0.058 (always-valid 95% CI 0.021..0.094)');

    const checks = lines(text(reports)).slice(1);
    expect(checks).toHaveLength(2);
    expect(checks[0]).toMatch(/direction@1\.0\.1 .* yes\s+2\/3 features \(spread, volatility\)/);
    expect(checks[1]).toMatch(/direction@1\.0\.1 .* no\s+0\/3 features/);
  });
});
