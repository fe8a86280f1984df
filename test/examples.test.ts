import { afterAll, describe, expect, it } from 'vitest';
import { runScript } from './support/processes.js';
import { SCHEMA_VERSION } from './support/schema.js';
import { removeDatabaseFile, tempPath } from './support/temp.js';

const db = tempPath('demo', '.db');
afterAll(() => removeDatabaseFile(db, ['-wal', '-shm']));

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
});
