import os from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Rebuilds the CLI the tests run as a process when a source is newer; one temporary directory per run.
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    // Two files at once even on two cores: many tests spend their time waiting on a child process, a
    // lease, a throttle or a socket, and one file at a time left a core idle (616 s → 514 s on 2 cores).
    maxWorkers: Math.max(2, os.availableParallelism() - 1),
    // Files share their fork's module cache: importing the code base once per fork instead of once per
    // file took a third off the suite. Each test builds its own store, server and temp directories.
    isolate: false,
    // Generous: CLI and multi-process tests run real processes, and a 2-core CI machine is busy.
    testTimeout: 90_000,
    // A list read's time limit is for production; a test machine starved of CPU must not turn a
    // tiny query into a 503 (the time-limit test sets its own).
    env: { KITH_QUERY_TIMEOUT_MS: '30000' },
    hookTimeout: 90_000,
  },
});
