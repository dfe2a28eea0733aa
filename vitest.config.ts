import { defineConfig } from 'vitest/config'

// Unit tests are pure and fast; e2e tests each build a sandbox namespace, spawn the CLI many
// times and send real packets, so on a 2-core machine at most two files run at once.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/e2e/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: true,
    poolOptions: {
      forks: { minForks: 1, maxForks: 2 },
    },
    testTimeout: 60_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
    reporters: ['default', './test/summary-reporter.ts'],
  },
})
