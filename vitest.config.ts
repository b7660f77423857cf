import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: the real Postgres, Redis and PGlite tests are I/O bound, so a small pool is fastest.
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
  },
});
