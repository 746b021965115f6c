import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // CI lists every test, so its log shows each one ran on "pglite:" and on "postgres:".
    reporters: [process.env.CI ? 'verbose' : 'default', './test/summary-reporter.ts'],
  },
});
