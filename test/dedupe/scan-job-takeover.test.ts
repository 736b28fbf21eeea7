/**
 * A duplicate scan run as a job by one of several servers: it keeps its lease while it runs (no other
 * server takes it over and scans a second time), and a lease lost meanwhile ends the job quietly
 * instead of an unhandled rejection that ended the whole server process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../src/domain/actor.js';
import { DUPLICATE_SCAN_JOB_KIND } from '../../src/dedupe/duplicate-scan-schedule.js';
import { enqueueJob } from '../../src/jobs/job-queue.js';
import { JobRunner } from '../../src/jobs/job-runner.js';
import { createTestKith, TEST_DIALECT, type TestKith } from '../support/test-kith.js';

describe(`a duplicate scan job's lease on ${TEST_DIALECT}`, () => {
  let kith: TestKith;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(async () => {
    kith = await createTestKith();
    const records = Array.from({ length: 300 }, (_, i) => ({
      name: `Person ${i % 150}`,
      email: `p${i}@lease.example`,
      city: `City ${i % 7}`,
    }));
    await kith.contacts.upsertMany(records, SYSTEM_ACTOR);
    process.on('unhandledRejection', onUnhandled);
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await kith.destroy();
  });

  const jobRow = (id: string) =>
    kith.store.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it('ends quietly when another worker took the job over while it scanned', async () => {
    const jobId = await enqueueJob(kith.store.db, DUPLICATE_SCAN_JOB_KIND, 'full');
    const runner = new JobRunner(kith.store, kith.jobHandlers);
    const running = runner.runOnce();
    while ((await jobRow(jobId)).state !== 'running') await new Promise((r) => setTimeout(r, 5));
    await kith.store.db.updateTable('jobs').set({ locked_by: 'thief' }).where('id', '=', jobId).execute();
    expect(await running).toBe(true);
    await new Promise((r) => setTimeout(r, 100));
    expect(unhandled).toEqual([]);
    expect(await jobRow(jobId)).toMatchObject({ state: 'running', locked_by: 'thief' });
  });

  it('renews its lease while it scans, so a second worker polling meanwhile never runs it again', async () => {
    const jobId = await enqueueJob(kith.store.db, DUPLICATE_SCAN_JOB_KIND, 'full');
    const leaseMs = 1500;
    const first = new JobRunner(kith.store, kith.jobHandlers, { leaseMs });
    const second = new JobRunner(kith.store, kith.jobHandlers, { leaseMs });
    let done = false;
    const running = first.runOnce().finally(() => (done = true));
    let secondRan = false;
    while (!done) {
      await new Promise((r) => setTimeout(r, 20));
      if (!done && (await jobRow(jobId)).state === 'running') secondRan ||= await second.runOnce();
    }
    await running;
    expect(secondRan).toBe(false);
    expect(await jobRow(jobId)).toMatchObject({ state: 'done', attempts: 1 });
    expect(unhandled).toEqual([]);
  });
});
