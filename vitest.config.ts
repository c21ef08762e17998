import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two cores: end-to-end files start servers and workers of their own.
    maxWorkers: 2,
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
