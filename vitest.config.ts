import { defineConfig } from 'vitest/config';

// Tests run the TypeScript sources of workspace packages (the "source"
// export condition); integration and browser tests run the built server.
const resolve = { conditions: ['source'] };

export default defineConfig({
  test: {
    projects: [
      {
        resolve,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts'],
        },
      },
      {
        resolve,
        test: {
          name: 'integration',
          include: ['apps/server/test/**/*.test.ts'],
          testTimeout: 30000,
          hookTimeout: 30000,
        },
      },
      {
        resolve,
        test: {
          name: 'browser',
          include: ['apps/web/e2e/**/*.test.ts', 'packages/runner-*/test/**/*.test.ts'],
          testTimeout: 60000,
          hookTimeout: 60000,
          // One Chromium at a time: two cores are shared with the server.
          fileParallelism: false,
        },
      },
    ],
  },
});
