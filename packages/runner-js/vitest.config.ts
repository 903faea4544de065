import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Local entry point for this package's tests until the root config lists
// them: `pnpm vitest run --config packages/runner-js/vitest.config.ts`.
// Browser tests need the server built and `pnpm --filter @interview/runner-js build`.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  resolve: { conditions: ['source'] },
  test: {
    projects: [
      {
        extends: true,
        test: { name: 'runner-js-unit', include: ['src/**/*.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'runner-js-browser',
          include: ['test/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // One Chromium at a time: two cores are shared with the server.
          fileParallelism: false,
        },
      },
    ],
  },
});
