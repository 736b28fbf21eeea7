import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    // Generous: CLI and multi-process tests run real processes, and a 2-core CI machine is busy.
    testTimeout: 90_000,
    hookTimeout: 90_000,
  },
});
