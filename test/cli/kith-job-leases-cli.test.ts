/**
 * After a crash: `kith imports show` says nothing works on a running import until its lease runs out
 * (and when that is), and `kith worker --once` says why it ran nothing; once the lease has run out the
 * next worker takes the import over and finishes it. The crashed worker is a real process that exited.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimJob } from '../../src/jobs/job-queue.js';
import { openKith } from '../../src/services.js';
import { ADMIN, fixture } from '../support/import-helpers.js';
import { runCli } from '../support/run-cli.js';
import { createTestDatabase, TEST_DIALECT, type TestDatabase } from '../support/test-kith.js';

describe(`job leases in the CLI on ${TEST_DIALECT}`, () => {
  let database: TestDatabase;
  const kith = (...args: string[]) => runCli(args, database.env);
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  // Five runs of the real command: seconds when the machine is idle, room for a busy one.
  it(
    'shows a crashed import has no live worker until its lease runs out, then a worker finishes it',
    { timeout: 120_000 },
    async () => {
      const crashed = `${os.hostname()}:${spawnSync(process.execPath, ['-e', '']).pid}:crash1`;
      const services = await openKith(database.config);
      let importId: string;
      let leaseUntil: string;
      try {
        const started = await services.imports.start(
          {
            filePath: fixture('crashed.csv', 'name,email\nAnn,ann@lease.example\n'),
            fileName: 'crashed.csv',
          },
          ADMIN,
        );
        importId = started.id;
        // A worker took the import and died before its first batch.
        const job = await claimJob(services.store.db, crashed);
        expect(job?.subject_id).toBe(importId);
        leaseUntil = job!.lease_until!;
        await services.store.db
          .updateTable('imports')
          .set({ status: 'running', started_at: new Date().toISOString() })
          .where('id', '=', importId)
          .execute();
      } finally {
        await services.close();
      }

      const shown = await kith('imports', 'show', importId);
      expect(shown.code, shown.stderr).toBe(0);
      expect(shown.stdout).toContain('status: running\n');
      expect(shown.stdout).toContain(
        `worker: no live worker: ${crashed} is gone from this machine; nothing works on it until its lease runs out at ${leaseUntil}`,
      );
      const json = JSON.parse((await kith('imports', 'show', importId, '--json')).stdout);
      expect(json).toMatchObject({
        id: importId,
        status: 'running',
        job: { state: 'running', worker: crashed, worker_status: 'worker_gone', takeover_at: leaseUntil },
      });

      const idle = await kith('worker', '--once');
      expect(idle.code, idle.stderr).toBe(0);
      expect(idle.stderr).toContain(
        `ran 0 jobs: no queued jobs; 1 job running under other workers' leases (contact_import ${importId} by ${crashed} until ${leaseUntil}, gone from this machine)`,
      );

      // The lease runs out: the next worker takes the import over and finishes it.
      const later = await openKith(database.config);
      try {
        await later.store.db
          .updateTable('jobs')
          .set({ lease_until: new Date(Date.now() - 1000).toISOString() })
          .where('subject_id', '=', importId)
          .execute();
      } finally {
        await later.close();
      }
      const resumed = await kith('worker', '--once');
      expect(resumed.stderr).toContain('ran 1 job, then: no queued jobs');
      const done = JSON.parse((await kith('imports', 'show', importId, '--json')).stdout);
      expect(done).toMatchObject({
        status: 'completed',
        created: 1,
        job: { state: 'done', worker_status: null },
      });
    },
  );
});
