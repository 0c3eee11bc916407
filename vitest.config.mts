import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // the end-to-end tests spawn regenerates; two cores, so two forks
    pool: 'forks',
  },
});
