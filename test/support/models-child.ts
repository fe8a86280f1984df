/**
 * A child process for the multi-process model registry tests. It opens a lab, then runs its
 * steps in order; before each step it signals ready by creating `<syncDir>/ready-<step>-<index>`
 * and waits until the parent creates `<syncDir>/go-<step>`, so that every child runs the step at
 * the same moment. At the end it prints what each step did as JSON.
 *
 * Usage: node --import tsx models-child.ts <sqlite|postgres> <filename|url> <schema|-> <syncDir>
 *   <index> <step>...
 * Steps:
 *   register   registers a version of the model `shared` with bytes of its own
 *              (`model bytes of child <index>`), trained by `child-<index>`
 *   promote    promotes the version it registered to production, as actor `child-<index>`
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { postgres } from '../../backends/postgres/index.js';
import { sqlite } from '../../backends/sqlite/index.js';
import { createLab, type Lab } from '../../src/index.js';

/** What one step did. */
export interface ModelsChildStep {
  step: string;
  /** The version registered or promoted. */
  version: string;
  /** The stage the version ended in. */
  stage: string;
  /** Wall-clock times (ms) around the call, to see how much the children overlapped. */
  startedAt: number;
  endedAt: number;
}

/** What the child prints. */
export interface ModelsChildResult {
  ok: boolean;
  index: number;
  /** The steps it completed. */
  steps: ModelsChildStep[];
  error?: string;
}

const [kind, target, schema, syncDir, indexText, ...steps] = process.argv.slice(2);
const index = Number(indexText);
const GO_TIMEOUT_MS = 45_000;

async function waitForGo(step: string): Promise<void> {
  writeFileSync(join(syncDir as string, `ready-${step}-${index}`), '');
  const deadline = Date.now() + GO_TIMEOUT_MS;
  while (!existsSync(join(syncDir as string, `go-${step}`))) {
    if (Date.now() > deadline) throw new Error(`no go signal for ${step} from the parent`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

let registered: string | undefined;

async function run(lab: Lab, step: string): Promise<{ version: string; stage: string }> {
  if (step === 'register') {
    const version = await lab.models.register({
      name: 'shared',
      artifact: new TextEncoder().encode(`model bytes of child ${index}`),
      modelType: 'custom',
      trainedBy: `child-${index}`,
    });
    registered = version.version;
    return { version: version.version, stage: version.stage };
  }
  if (step === 'promote') {
    if (registered === undefined) throw new Error('promote needs a register step first');
    const version = await lab.models.promote('shared', registered, 'production', {
      actor: `child-${index}`,
    });
    return { version: version.version, stage: version.stage };
  }
  throw new Error(`unknown step ${step}`);
}

const done: ModelsChildStep[] = [];
const backend =
  kind === 'sqlite'
    ? sqlite({ filename: target as string })
    : postgres(
        { connectionString: target as string, max: 2 },
        schema === '-' ? {} : { schema: schema as string },
      );
let lab: Lab | undefined;
try {
  lab = await createLab(backend);
  for (const step of steps) {
    await waitForGo(step);
    const startedAt = Date.now();
    const result = await run(lab, step);
    done.push({ step, ...result, startedAt, endedAt: Date.now() });
  }
  process.stdout.write(JSON.stringify({ ok: true, index, steps: done }));
} catch (error) {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  process.stdout.write(JSON.stringify({ ok: false, index, steps: done, error: message }));
  process.exitCode = 1;
} finally {
  await lab?.close();
}
