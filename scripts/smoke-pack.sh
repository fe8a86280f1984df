#!/usr/bin/env bash
# Packs quantlab, installs the tarball into a scratch project and uses it there by `require` and by
# `import`, with the driver packages the scratch project would install itself. The drivers are
# linked from this checkout's node_modules so their native parts are not built a second time.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
tarball="$(cd "$repo" && npm pack --silent --pack-destination "$scratch" | tail -n 1)"
cd "$scratch"
npm init -y >/dev/null
npm install --no-audit --no-fund --ignore-scripts "./$tarball" >/dev/null
for dep in better-sqlite3 bindings file-uri-to-path pg pg-pool pg-protocol pg-types pg-connection-string pgpass \
  pg-int8 postgres-array postgres-bytea postgres-date postgres-interval split2 xtend pg-cloudflare @duckdb vitest; do
  if [ -e "$repo/node_modules/$dep" ] && [ ! -e "node_modules/$dep" ]; then
    ln -s "$repo/node_modules/$dep" "node_modules/$dep"
  fi
done

node -e "
const { createLab, LabError } = require('quantlab');
const { sqlite } = require('quantlab/sqlite');
const { memory } = require('quantlab/memory');
const { postgres } = require('quantlab/postgres');
const { duckdb } = require('quantlab/duckdb');
const { summarize } = require('quantlab/stats');
(async () => {
  const lab = await createLab(sqlite({ filename: ':memory:' }));
  if (lab.info.backend.kind !== 'sqlite') throw new Error('wrong backend');
  const done = await lab.experiments.run(
    { name: 'cjs', type: 'backtest', strategy: 's', symbols: ['A'], timeframe: '1d',
      dateRange: { from: '2025-01-01', to: '2025-02-01' }, seed: 1 },
    (run) => run.logMetric('returns', run.random.normal(0, 0.01)),
  );
  if (done.status !== 'completed') throw new Error('experiments.run (cjs)');
  if (done.provenance.quantlabVersion !== require('quantlab/package.json').version)
    throw new Error('provenance must find quantlab\'s own version in the CJS build: ' + done.provenance.quantlabVersion);
  await lab.close();
  const m = memory();
  await m.close();
  const err = await m.experiments.list().catch((e) => e);
  if (!(err instanceof LabError)) throw new Error('instanceof LabError must hold across subpaths (cjs)');
  if (typeof postgres !== 'function' || typeof duckdb !== 'function') throw new Error('missing backend');
  if (summarize([1, 2, 3]).mean !== 2) throw new Error('stats');
  console.log('require: ok');
})().catch((e) => { console.error(e); process.exit(1); });
"

node --input-type=module -e "
import { createLab, LabError, ClosedError } from 'quantlab';
import { duckdb } from 'quantlab/duckdb';
import { sqlite } from 'quantlab/sqlite';
import { describeConformance } from 'quantlab/testing';
if (typeof describeConformance !== 'function') throw new Error('quantlab/testing');
const lab = await createLab(duckdb({ path: ':memory:' }));
if (lab.info.backend.kind !== 'duckdb') throw new Error('wrong backend');
const done = await lab.experiments.run(
  { name: 'esm', type: 'backtest', strategy: 's', symbols: ['A'], timeframe: '1d',
    dateRange: { from: '2025-01-01', to: '2025-02-01' } },
  (run) => run.logMetrics({ equity: 100, returns: 0.01 }),
);
const { metrics } = await lab.experiments.summary(done.id);
if (done.status !== 'completed' || metrics.equity?.count !== 1) throw new Error('experiments.run (esm)');
if (typeof done.provenance.quantlabVersion !== 'string') throw new Error('provenance must find quantlab\'s version in the ESM build');
await lab.close();
const backend = sqlite({ filename: ':memory:' });
await backend.close();
const err = await backend.experiments.list().catch((e) => e);
if (!(err instanceof LabError) || !(err instanceof ClosedError)) throw new Error('instanceof must hold across subpaths (esm)');
console.log('import: ok');
"

# The `quantlab` bin npm linked from the tarball: shebang, executable bit, its own dependencies.
node --input-type=module -e "
import { createLab } from 'quantlab';
import { sqlite } from 'quantlab/sqlite';
const lab = await createLab(sqlite({ filename: 'cli.db' }));
await lab.experiments.run(
  { name: 'bin', type: 'backtest', strategy: 's', symbols: ['A'], timeframe: '1d',
    dateRange: { from: '2025-01-01', to: '2025-02-01' } },
  (run) => run.logMetric('returns', 0.01),
);
await lab.close();
"
listed="$(./node_modules/.bin/quantlab experiments list --db cli.db --json)"
node -e "
const page = JSON.parse(process.argv[1]);
if (page.experiments.length !== 1 || page.experiments[0].name !== 'bin') throw new Error('quantlab experiments list: ' + process.argv[1]);
" "$listed"
code=0
./node_modules/.bin/quantlab models list --db missing.db 2>/dev/null || code=$?
if [ "$code" -ne 3 ]; then
  echo "quantlab on a missing database file exited $code, expected 3" >&2
  exit 1
fi
echo "bin: ok"
