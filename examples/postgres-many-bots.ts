/**
 * Many bots sharing one PostgreSQL database, the scale-out path of quantlab:
 *
 * 1. The parent registers two versions of a model and creates an A/B test between them.
 * 2. It starts four bot processes (this same file, forked with `bot <n> <testId>`). Each opens
 *    its own lab on the shared database, loads the test with `lab.abTests.get`, and once all are
 *    ready they trade at the same moment: route each decision, record the prediction and the
 *    trade's PnL, flush, close. Several bots trade the same accounts.
 * 3. The parent checks that what the database reports adds up exactly to what the bots say they
 *    recorded (every prediction and outcome counted once, none lost), that every process routed
 *    each account to the same variant, and prints the test's results.
 *
 * On many machines it is the same code: each bot only needs the connection string and the
 * test's id. The market is simulated with seeded generators, and PnL is settled in whole dollars
 * so the sums are exact; every run prints the same numbers.
 *
 *   npx tsx examples/postgres-many-bots.ts      # postgres://postgres@127.0.0.1:5432/test
 *   QUANTLAB_PG_URL=postgres://user:secret@db:5432/trading npx tsx examples/postgres-many-bots.ts
 *
 * The example keeps its tables in a schema of its own (QUANTLAB_EXAMPLE_SCHEMA, default
 * `quantlab_many_bots`), dropped at the start and again at the end.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createLab } from 'quantlab';
import { postgres } from 'quantlab/postgres';
import { createRandom } from 'quantlab/stats';

const connectionString = process.env.QUANTLAB_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = process.env.QUANTLAB_EXAMPLE_SCHEMA ?? 'quantlab_many_bots';
const BOTS = 4;
const TRADES_PER_BOT = 1_000;
const ACCOUNTS = 1_000; // 4,000 trades over 1,000 accounts: bots share accounts

/** What one bot recorded for one variant. */
interface Tally {
  predictions: number;
  outcomes: number;
  /** Total PnL in whole dollars. */
  pnl: number;
}

/** What a bot reports to the parent when it is done. */
interface BotReport {
  bot: number;
  byVariant: Record<string, Tally>;
  /** The variant each account it traded was routed to. */
  assignments: Record<string, string>;
}

/** The tally of one variant, created at zero on first use. */
function tallyOf(tallies: Record<string, Tally>, variant: string): Tally {
  tallies[variant] ??= { predictions: 0, outcomes: 0, pnl: 0 };
  return tallies[variant];
}

const predict = (artifact: Uint8Array) =>
  (JSON.parse(new TextDecoder().decode(artifact)) as { edge: number }).edge;

// ------------------------------------------------------------------------------------- a bot

async function bot(index: number, testId: string): Promise<BotReport> {
  // Each bot has its own lab on the shared database; a small pool is plenty for one bot.
  await using lab = await createLab(postgres({ connectionString, max: 2 }, { schema }));
  await lab.abTests.get(testId); // loads the test and its models' artifacts into this process

  // Wait until every bot is ready, so they all write at the same moment.
  await new Promise<void>((resolve, reject) => {
    process.once('message', () => resolve());
    process.once('disconnect', () => reject(new Error('the parent process went away')));
    process.send?.('ready');
  });

  const market = createRandom(`bot ${index}`);
  const byVariant: Record<string, Tally> = {};
  const assignments: Record<string, string> = {};
  for (let trade = 1; trade <= TRADES_PER_BOT; trade++) {
    const unit = `acct-${market.int(ACCOUNTS)}`;
    const route = lab.abTests.route(testId, { unit });
    const edge = predict(route.artifact);
    const id = lab.abTests.recordPrediction(testId, {
      variant: route.variant,
      unit,
      prediction: edge,
    });
    const pnl = Math.round(market.normal(edge, 20)); // settled in whole dollars
    await lab.abTests.recordOutcome(id, pnl > 0 ? 1 : -1, { metrics: { pnl } });

    const tally = tallyOf(byVariant, route.variant);
    tally.predictions++;
    tally.outcomes++;
    tally.pnl += pnl;
    assignments[unit] = route.variant;
    if (trade % 100 === 0) await sleep(5); // the market moves on; buffered batches commit
  }
  await lab.abTests.flush(); // everything this bot recorded is durable (close() would flush too)
  return { bot: index, byVariant, assignments };
}

// ---------------------------------------------------------------------------------- the parent

async function main(): Promise<void> {
  // The parent brings its own pg pool, used by its lab and to drop the example's schema.
  const pool = new pg.Pool({ connectionString, max: 4 });
  const dropSchema = () => pool.query(`drop schema if exists "${schema}" cascade`);
  const bots: ChildProcess[] = [];
  try {
    await dropSchema(); // start clean
    await using lab = await createLab(postgres({ pool }, { schema }));
    console.log(`schema "${schema}" created, quantlab schema version ${lab.info.schemaVersion}`);

    // 1. Two versions of a model and a 50/50 test between them.
    for (const edge of [0, 2]) {
      await lab.models.register({
        name: 'sizing',
        artifact: new TextEncoder().encode(JSON.stringify({ edge })),
        modelType: 'custom',
      });
    }
    const test = await lab.abTests.create({
      name: 'sizing 1.0.1 vs 1.0.0',
      variants: [
        { name: 'control', model: 'sizing', version: '1.0.0' },
        { name: 'challenger', model: 'sizing', version: '1.0.1' },
      ],
      hashSeed: 'sizing-ab-example', // fixed, so every run splits accounts alike
      primaryMetric: 'pnl',
    });
    console.log(`test ${test.name}: ${BOTS} bots start`);

    // 2. The bots: this file again, in child processes (on many machines, the same code).
    const file = fileURLToPath(import.meta.url);
    for (let i = 1; i <= BOTS; i++) {
      bots.push(
        fork(file, ['bot', String(i), test.id], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
      );
    }
    await Promise.all(bots.map((b) => nextMessage(b)));
    const reports = Promise.all(bots.map((b) => nextMessage<BotReport>(b)));
    for (const b of bots) b.send('go');
    const done = (await reports).sort((a, b) => a.bot - b.bot);
    await Promise.all(bots.map((b) => b.exitCode ?? once(b, 'exit')));

    // 3. Does the database agree with the bots?
    const recorded: Record<string, Tally> = {};
    for (const report of done) {
      const split = test.variants
        .map((v) => `${v.name} ${report.byVariant[v.name]?.outcomes ?? 0}`)
        .join(', ');
      console.log(
        `bot ${report.bot}: ${TRADES_PER_BOT.toLocaleString('en-US')} trades on ` +
          `${Object.keys(report.assignments).length} accounts (${split})`,
      );
      for (const [variant, t] of Object.entries(report.byVariant)) {
        const sum = tallyOf(recorded, variant);
        sum.predictions += t.predictions;
        sum.outcomes += t.outcomes;
        sum.pnl += t.pnl;
      }
    }

    const results = await lab.abTests.results(test.id);
    const same = (a: Tally, b: Tally) =>
      a.predictions === b.predictions && a.outcomes === b.outcomes && a.pnl === b.pnl;
    let exact = true;
    for (const v of results.variants) {
      const byBots = tallyOf(recorded, v.name);
      const database = {
        predictions: v.predictions,
        outcomes: v.n,
        pnl: Math.round((v.mean ?? 0) * v.n), // the database keeps the sum; mean × n gives it back
      };
      exact &&= same(byBots, database);
      const show = (t: Tally) =>
        `${t.predictions.toLocaleString('en-US')} predictions, ` +
        `${t.outcomes.toLocaleString('en-US')} outcomes, pnl $${t.pnl.toLocaleString('en-US')}`;
      console.log(`${v.name}: bots recorded ${show(byBots)}; database has ${show(database)}`);
    }
    const total = results.variants.reduce((s, v) => s + v.n, 0);
    if (!exact || total !== BOTS * TRADES_PER_BOT) throw new Error('the database does not add up');
    console.log(
      `adds up exactly: ${total.toLocaleString('en-US')} outcomes from ${BOTS} processes, each counted once`,
    );

    // Hash routing is deterministic: every process gave each account the same variant.
    const seen = new Map<string, Set<string>>();
    for (const report of done) {
      for (const [unit, variant] of Object.entries(report.assignments)) {
        seen.set(unit, (seen.get(unit) ?? new Set()).add(variant));
      }
    }
    const shared = [...seen].filter(
      ([unit]) => done.filter((r) => unit in r.assignments).length > 1,
    );
    const agreed = shared.every(
      ([unit, variants]) =>
        variants.size === 1 && variants.has(lab.abTests.route(test.id, { unit }).variant),
    );
    if (!agreed) throw new Error('bots routed an account differently');
    console.log(
      `${shared.length} accounts traded by several bots: each got one variant everywhere`,
    );
    console.log(`results: ${results.recommendation}`);
  } finally {
    for (const b of bots) if (b.exitCode === null) b.kill(); // only after a failure
    try {
      await dropSchema();
      console.log(`schema "${schema}" dropped`);
    } finally {
      await pool.end();
    }
  }
}

/** The next message from a bot; rejects if the bot exits first (its error is on stderr). */
function nextMessage<T = unknown>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`a bot exited with code ${code}`));
    child.once('exit', onExit);
    child.once('message', (message) => {
      child.off('exit', onExit);
      resolve(message as T);
    });
  });
}

if (process.argv[2] === 'bot') {
  if (process.send === undefined)
    throw new Error('bots are started by the parent: run me with no arguments');
  const report = await bot(Number(process.argv[3]), process.argv[4] as string);
  process.send?.(report, () => process.disconnect());
} else {
  await main();
}
