/**
 * A/B outcomes from four processes on one PostgreSQL database add up exactly (DESIGN.md, "Many
 * processes": no lost or duplicated outcomes). Each child routes its own units through one test
 * and records a prediction and an outcome for each, in small batches, all four at the same
 * moment; the database's aggregates must equal the sums the children report, and the rows
 * counted from the tables must equal the aggregates' counts.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { postgres } from '../backends/postgres/index.js';
import { createLab } from '../src/index.js';
import type { AbChildResult, AbChildTotals } from './support/ab-child.js';
import { runChild } from './support/processes.js';

const CHILDREN = 4;
const PER_CHILD = 1500;
const TIMEOUT_MS = 120_000;

describe('A/B outcomes across processes: postgres', () => {
  const url = inject('pgUrl');
  const admin = new pg.Pool({ connectionString: url, max: 2 });
  afterAll(() => admin.end());

  it(
    'adds up the outcomes of four processes recording at once, exactly',
    async () => {
      const schema = `qlt_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
      const backend = postgres({ connectionString: url, max: 2 }, { schema });
      const lab = await createLab(backend);
      const syncDir = mkdtempSync(join(tmpdir(), 'quantlab-ab-sync-'));
      try {
        for (const label of ['a', 'b']) {
          await lab.models.register({
            name: 'm',
            artifact: new TextEncoder().encode(label),
            modelType: 'custom',
          });
        }
        const test = await lab.abTests.create({
          name: 'four bots',
          variants: [
            { name: 'control', model: 'm', version: '1.0.0' },
            { name: 'challenger', model: 'm', version: '1.0.1' },
          ],
        });
        const runs = Array.from({ length: CHILDREN }, (_, index) =>
          runChild('./ab-child.ts', [
            url,
            schema,
            syncDir,
            String(index),
            test.id,
            String(PER_CHILD),
          ]),
        );
        const deadline = Date.now() + TIMEOUT_MS / 2;
        while (readdirSync(syncDir).length < CHILDREN && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        writeFileSync(join(syncDir, 'go'), '');
        const results = (await Promise.all(runs)).map((r, index): AbChildResult => {
          try {
            return JSON.parse(r.stdout) as AbChildResult;
          } catch {
            return {
              ok: false,
              index,
              totals: {},
              error: `exit ${r.code}: ${r.stderr.slice(0, 2000)}`,
            };
          }
        });
        expect(results.filter((r) => !r.ok)).toEqual([]);

        const expected = new Map<string, AbChildTotals>();
        for (const r of results) {
          for (const [variant, t] of Object.entries(r.totals)) {
            const e = expected.get(variant) ?? { n: 0, sum: 0, sumOfSquares: 0 };
            expected.set(variant, {
              n: e.n + t.n,
              sum: e.sum + t.sum,
              sumOfSquares: e.sumOfSquares + t.sumOfSquares,
            });
          }
        }
        const total = [...expected.values()].reduce((s, t) => s + t.n, 0);
        expect(total).toBe(CHILDREN * PER_CHILD);

        const aggregates = await backend.abTests.aggregates(test.id);
        for (const [variant, t] of expected) {
          const actual = aggregates.find((a) => a.variant === variant && a.metric === 'actual');
          expect(actual).toEqual({ variant, metric: 'actual', ...t });
          const predictions = aggregates.find(
            (a) => a.variant === variant && a.metric === '$predictions',
          );
          expect(predictions?.n).toBe(t.n);
        }
        const rows = await backend.abTests.countRows(test.id);
        expect(rows).toEqual(
          [...expected]
            .sort(([a], [b]) => (a < b ? -1 : 1))
            .map(([variant, t]) => ({ variant, predictions: t.n, outcomes: t.n })),
        );
        const report = await lab.abTests.results(test.id);
        expect(report.variants.reduce((s, v) => s + v.n, 0)).toBe(CHILDREN * PER_CHILD);
      } finally {
        await lab.close();
        rmSync(syncDir, { recursive: true, force: true });
        await admin.query(`drop schema if exists "${schema}" cascade`);
      }
    },
    TIMEOUT_MS,
  );
});
