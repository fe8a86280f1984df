/**
 * A child process for the multi-process tests: waits until a shared start time so that several
 * children call createLab at the same moment, then migrates and reports the result as JSON.
 * Usage: node --import tsx migrate-child.ts <sqlite|postgres> <filename|url> <schema|-> <startAtMs>
 */
import { postgres } from '../../backends/postgres/index.js';
import { sqlite } from '../../backends/sqlite/index.js';
import { createLab } from '../../src/index.js';

const [kind, target, schema, startAt] = process.argv.slice(2);
const backend =
  kind === 'sqlite'
    ? sqlite({ filename: target as string })
    : postgres(
        { connectionString: target as string },
        schema === '-' ? {} : { schema: schema as string },
      );
const wait = Number(startAt) - Date.now();
if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
try {
  const lab = await createLab(backend);
  process.stdout.write(JSON.stringify({ ok: true, version: lab.info.schemaVersion }));
  await lab.close();
} catch (error) {
  process.stdout.write(JSON.stringify({ ok: false, error: String(error) }));
  process.exitCode = 1;
}
