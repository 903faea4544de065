import { defineConfig } from 'vitest/config';

/**
 * The runner's browser tests: real server, real Chromium. Run from the
 * repository root: `pnpm vitest run --config packages/runner-python/vitest.config.ts`.
 * (Unit tests in src/ run with the root config's "unit" project.)
 */
export default defineConfig({
  resolve: { conditions: ['source'] },
  test: {
    name: 'runner-python-browser',
    root: import.meta.dirname,
    include: ['test/**/*.test.ts'],
    testTimeout: 90_000,
    hookTimeout: 90_000,
    // One Chromium at a time: two cores are shared with the server.
    fileParallelism: false,
  },
});
