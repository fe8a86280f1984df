import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    // Examples and tests import `quantlab/...` as users do; here that means the source.
    alias: [
      { find: /^quantlab$/, replacement: source('./src/index.ts') },
      { find: /^quantlab\/(stats|testing)$/, replacement: source('./src/$1/index.ts') },
      {
        find: /^quantlab\/(memory|sqlite|postgres|duckdb)$/,
        replacement: source('./backends/$1/index.ts'),
      },
    ],
  },
  test: {
    include: [
      'test/**/*.test.ts',
      'src/**/*.test.ts',
      'backends/**/*.test.ts',
      'examples/**/*.test.ts',
    ],
    globalSetup: ['test/support/postgres-global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
