import { afterAll, describe, expect, it } from 'vitest';
import { runScript } from './support/processes.js';
import { SCHEMA_VERSION } from './support/schema.js';
import { removeDatabaseFile, tempPath } from './support/temp.js';

const db = tempPath('demo', '.db');
const backtestDb = tempPath('backtest-tracking', '.db');
const abDb = tempPath('ab-testing', '.db');
const driftDb = tempPath('drift-monitoring', '.db');
afterAll(() => {
  removeDatabaseFile(abDb, ['-wal', '-shm']);
  removeDatabaseFile(driftDb, ['-wal', '-shm']);
  removeDatabaseFile(db, ['-wal', '-shm']);
  removeDatabaseFile(backtestDb, ['-wal', '-shm']);
});

describe('examples', () => {
  it('npm run demo records a backtest, aggregates it in the database and survives a crashing run', async () => {
    const first = await runScript('examples/demo.ts', [], { QUANTLAB_DEMO_DB: db });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`schema ${SCHEMA_VERSION}`);
    expect(first.stdout).toMatch(
      /equity curve: 1000 points, min 9550\.93, max 17665\.69, final 17665\.69/,
    );
    expect(first.stdout).toContain('left nothing behind');
    expect(first.stdout).toContain('1 run(s) stored');
    const second = await runScript('examples/demo.ts', [], { QUANTLAB_DEMO_DB: db });
    expect(second.stdout).toContain('2 run(s) stored');
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

  it('examples/ab-testing.ts routes a bot through an A/B test that ends with the challenger promoted', async () => {
    const run = await runScript('examples/ab-testing.ts', [], { QUANTLAB_EXAMPLE_DB: abDb });
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
  });

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
