/**
 * A child process for the multi-process A/B test: it opens a lab on a PostgreSQL schema, loads
 * the test, signals ready (`<syncDir>/ready-<index>`), waits for `<syncDir>/go`, then routes
 * `count` units, records a prediction and an outcome for each (small batches, so the four
 * children's transactions interleave), flushes, and prints per variant what it recorded.
 *
 * Usage: node --import tsx ab-child.ts <url> <schema> <syncDir> <index> <testId> <count>
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { postgres } from '../../backends/postgres/index.js';
import { createLab } from '../../src/index.js';

/** What the child recorded for one variant: outcomes, their sum and sum of squares. */
export interface AbChildTotals {
  n: number;
  sum: number;
  sumOfSquares: number;
}

/** What the child prints. */
export interface AbChildResult {
  ok: boolean;
  index: number;
  totals: Record<string, AbChildTotals>;
  error?: string;
}

/** The outcome of unit `i` of child `index`: a whole number in [-100, 100], so sums are exact. */
export const outcomeOf = (index: number, i: number) => ((index * 7919 + i * 31) % 201) - 100;

const [url, schema, syncDir, indexText, testId, countText] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
  string,
];
const index = Number(indexText);
const count = Number(countText);

async function main(): Promise<AbChildResult> {
  const lab = await createLab(postgres({ connectionString: url, max: 2 }, { schema }), {
    migrate: false,
    abTests: { buffer: { maxBatch: 100, flushIntervalMs: 5 } },
  });
  const totals: Record<string, AbChildTotals> = {};
  try {
    await lab.abTests.get(testId as string);
    writeFileSync(join(syncDir as string, `ready-${index}`), '');
    const deadline = Date.now() + 45_000;
    while (!existsSync(join(syncDir as string, 'go'))) {
      if (Date.now() > deadline) throw new Error('no go signal from the parent');
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    for (let i = 0; i < count; i++) {
      const unit = `child-${index}-unit-${i}`;
      const route = lab.abTests.route(testId as string, { unit });
      const id = lab.abTests.recordPrediction(testId as string, {
        variant: route.variant,
        unit,
        prediction: 0,
      });
      const actual = outcomeOf(index, i);
      await lab.abTests.recordOutcome(id, actual);
      const t = totals[route.variant] ?? { n: 0, sum: 0, sumOfSquares: 0 };
      totals[route.variant] = t;
      t.n++;
      t.sum += actual;
      t.sumOfSquares += actual * actual;
      if (i % 250 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await lab.abTests.flush();
    return { ok: true, index, totals };
  } finally {
    await lab.close();
  }
}

main().then(
  (result) => process.stdout.write(JSON.stringify(result)),
  (error: unknown) => {
    process.stdout.write(
      JSON.stringify({
        ok: false,
        index,
        totals: {},
        error: String((error as Error)?.stack ?? error),
      }),
    );
  },
);
