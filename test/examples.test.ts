import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { runScript } from './support/processes.js';
import { SCHEMA_VERSION } from './support/schema.js';
import { removeDatabaseFile, tempPath } from './support/temp.js';

const db = tempPath('demo', '.db');
const backtestDb = tempPath('backtest-tracking', '.db');
const abDb = tempPath('trading-bot-ab', '.db');
const driftDb = tempPath('drift-monitoring', '.db');
afterAll(() => {
  removeDatabaseFile(abDb, ['-wal', '-shm']);
  removeDatabaseFile(driftDb, ['-wal', '-shm']);
  removeDatabaseFile(db, ['-wal', '-shm']);
  removeDatabaseFile(backtestDb, ['-wal', '-shm']);
});

describe('examples', () => {
  it('npm run demo runs backtests, registers and promotes models, A/B tests them and finds a planted drift', async () => {
    const run = await runScript('examples/demo.ts', [], { QUANTLAB_DEMO_DB: db });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const out = run.stdout;
    expect(out).toContain(`schema ${SCHEMA_VERSION}`);
    expect(out).toContain(
      'ma-crossover 20/100    final equity  20736.51, Sharpe  5.13, max drawdown 0.196, 9 trades',
    );
    expect(out).toContain('direction@1.0.0 from run "ma-crossover 10/50" (Sharpe 4.40)');
    expect(out).toContain('direction@1.0.1 from run "ma-crossover 20/100" (Sharpe 5.13)');
    expect(out).toContain(
      '30,000 predictions routed by account (control 15,120, challenger 14,880)',
    );
    expect(out).toContain(
      'challenger better by 0.058 (always-valid 95% CI 0.021..0.094), p = 2.9e-5, n = 14,880 vs 15,120',
    );
    expect(out).toContain('promoted direction@1.0.1 to production');
    expect(out).toContain('a normal day: no drift');
    expect(out).toContain('a volatile day: drift (2 of 3 features)');
    expect(out).toMatch(/summary: 4 backtests, 2 model versions \(production: direction@1\.0\.1\)/);
    expect(out).toContain('npm run quantlab -- models history direction');
    // A second run starts from a fresh database: the same numbers again.
    const again = await runScript('examples/demo.ts', [], { QUANTLAB_DEMO_DB: db });
    expect(again.stdout.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, 'ID')).toBe(
      out.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, 'ID'),
    );
  });

  it('examples/backtest-tracking.ts tracks a sweep, summarises and compares it, and skips completed configs on a rerun', async () => {
    const env = { QUANTLAB_EXAMPLE_DB: backtestDb };
    const first = await runScript('examples/backtest-tracking.ts', [], env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(
      /ma-cross 10\/50: completed, config hash [0-9a-f]{12}…, 1 run\(s\) of this config/,
    );
    expect(first.stdout).toContain(
      'ma-cross 10/50: 1999 bars, final equity 11877.74, total return 0.188, Sharpe 1.61, max drawdown 0.251, 26 trades, win rate 0.35',
    );
    expect(first.stdout).toContain(
      'ma-cross 50/200: 1999 bars, final equity 7363.87, total return -0.264, Sharpe -1.79, max drawdown 0.380, 9 trades, win rate 0.22',
    );
    expect(first.stdout).toContain('params that differ: params.fast, params.slow');
    expect(first.stdout).toContain('best final equity: ma-cross 10/50 (11877.74)');
    expect(first.stdout).toMatch(/runs that used dataset [0-9a-f]{12}…: 3/);
    const second = await runScript('examples/backtest-tracking.ts', [], env);
    expect(second.code).toBe(0);
    expect(second.stdout.match(/already completed/g)).toHaveLength(3);
    expect(second.stdout).toMatch(/runs that used dataset [0-9a-f]{12}…: 3/);
  });

  it('examples/trading-bot-ab.ts routes a bot through an A/B test that ends with the challenger promoted', async () => {
    const run = await runScript('examples/trading-bot-ab.ts', [], { QUANTLAB_EXAMPLE_DB: abDb });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      'test direction 1.0.1 vs 1.0.0: control = direction@1.0.0, challenger = direction@1.0.1',
    );
    expect(run.stdout).toMatch(
      /after 500 trades: no significant difference yet: challenger − control = /,
    );
    expect(run.stdout).toContain(
      'after 2500 trades: challenger better by 0.26 (always-valid 95% CI 0.01..0.50), p = 0.03, n = 1,281 vs 1,219',
    );
    expect(run.stdout).toContain(
      'monitor: promoted challenger (direction@1.0.1 promoted to production)',
    );
    expect(run.stdout).toContain('test completed, winner challenger, promoted direction@1.0.1');
    expect(run.stdout).toContain(
      'history: stage_changed 1.0.1 staging → production by quantlab.abTests',
    );
    expect(run.stdout).toContain('control (direction@1.0.0): 1,219 trades, mean pnl 0.021');
    expect(run.stdout).toContain('challenger (direction@1.0.1): 1,281 trades, mean pnl 0.280');
    expect(run.stdout).toContain('after the test: 3,500 trades with direction@1.0.1, mean pnl');
  });

  it('examples/postgres-many-bots.ts: four bot processes share one PostgreSQL database and the results add up exactly', async () => {
    const url = inject('pgUrl');
    const schema = `qlt_example_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
    const admin = new pg.Pool({ connectionString: url, max: 1 });
    try {
      const run = await runScript('examples/postgres-many-bots.ts', [], {
        QUANTLAB_PG_URL: url,
        QUANTLAB_EXAMPLE_SCHEMA: schema,
      });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`schema "${schema}" created`);
      expect(run.stdout).toContain(
        'bot 1: 1,000 trades on 626 accounts (control 528, challenger 472)',
      );
      expect(run.stdout).toContain(
        'bot 4: 1,000 trades on 640 accounts (control 501, challenger 499)',
      );
      expect(run.stdout).toContain(
        'control: bots recorded 2,001 predictions, 2,001 outcomes, pnl $1,508; database has 2,001 predictions, 2,001 outcomes, pnl $1,508',
      );
      expect(run.stdout).toContain(
        'challenger: bots recorded 1,999 predictions, 1,999 outcomes, pnl $3,252; database has 1,999 predictions, 1,999 outcomes, pnl $3,252',
      );
      expect(run.stdout).toContain(
        'adds up exactly: 4,000 outcomes from 4 processes, each counted once',
      );
      expect(run.stdout).toContain(
        '856 accounts traded by several bots: each got one variant everywhere',
      );
      expect(run.stdout).toMatch(
        /results: no significant difference yet: challenger − control = 0\.9 /,
      );
      expect(run.stdout).toContain(`schema "${schema}" dropped`);
      const left = await admin.query(
        'select 1 from information_schema.schemata where schema_name = $1',
        [schema],
      );
      expect(left.rowCount).toBe(0);
    } finally {
      await admin.query(`drop schema if exists "${schema}" cascade`);
      await admin.end();
    }
  }, 120_000);

  it('examples/drift-monitoring.ts finds the planted volatility shift and retrains into a shadow test', async () => {
    const run = await runScript('examples/drift-monitoring.ts', [], {
      QUANTLAB_EXAMPLE_DB: driftDb,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      'baseline of direction@1.0.0: 3 features, mae 0.0040, hit rate 0.853, 10000 errors sampled of 50000',
    );
    for (const day of [1, 2, 3]) {
      expect(run.stdout).toMatch(
        new RegExp(`day ${day}: ok; features drifted: none \\(0 of 3\\); .*concept: none`),
      );
    }
    expect(run.stdout).toContain(
      'day 4: DRIFT; features drifted: volatility (1 of 3); mae 0.0081 (105%); concept: drift at trade 47',
    );
    expect(run.stdout).toMatch(
      /retrained: direction@1\.0\.1 \(tags drift-report:[0-9a-f-]{36}\), shadow test "direction 1\.0\.0 vs 1\.0\.1 \(drift\)" running/,
    );
    expect(run.stdout).toContain('3 drifted report(s) stored; the first on 2026-11-05');
    expect(run.stdout).toContain('production is still direction@1.0.0');
  });
});
