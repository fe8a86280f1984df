import { defineConfig } from 'tsup';

/**
 * One build for every subpath, with code splitting on, so the shared chunks (errors, storage
 * types) exist once and `instanceof LabError` holds across `quantlab`, `quantlab/sqlite`, ...
 */
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    stats: 'src/stats/index.ts',
    testing: 'src/testing/index.ts',
    memory: 'backends/memory/index.ts',
    sqlite: 'backends/sqlite/index.ts',
    postgres: 'backends/postgres/index.ts',
    duckdb: 'backends/duckdb/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  splitting: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  treeshake: true,
  external: ['better-sqlite3', 'pg', '@duckdb/node-api', 'vitest'],
});
