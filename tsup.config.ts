import { defineConfig } from 'tsup';

/** The library's entry points: each a subpath export, with type declarations. */
const library = {
  index: 'src/index.ts',
  stats: 'src/stats/index.ts',
  testing: 'src/testing/index.ts',
  memory: 'backends/memory/index.ts',
  sqlite: 'backends/sqlite/index.ts',
  postgres: 'backends/postgres/index.ts',
  duckdb: 'backends/duckdb/index.ts',
};

/**
 * One build for every subpath, with code splitting on, so the shared chunks (errors, storage
 * types) exist once and `instanceof LabError` holds across `quantlab`, `quantlab/sqlite`, ...
 * The `quantlab` command (`cli`: the package's bin is the ESM `dist/cli.js`, its shebang kept and
 * the file made executable by tsup) shares those chunks and imports a backend entry only when
 * `--db` names that backend; it has no type declarations and no subpath export (the CJS twin
 * `dist/cli.cjs` comes with the shared build and works, but nothing points at it).
 */
export default defineConfig({
  entry: { ...library, cli: 'src/cli/index.ts' },
  format: ['esm', 'cjs'],
  dts: { entry: library },
  splitting: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  treeshake: true,
  external: ['better-sqlite3', 'pg', '@duckdb/node-api', 'vitest'],
});
