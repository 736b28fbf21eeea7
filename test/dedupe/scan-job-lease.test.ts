/**
 * A duplicate scan runs as one long step on a thread of its own (tens of seconds at a million
 * contacts). Its job never renewed its lease meanwhile, so past KITH_JOB_LEASE_SECONDS any other
 * worker (`kith worker`, a second `kith serve`) took it over and ran a second full scan alongside the
 * first: twice the work, twice the memory.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/domain/actor.js';
import { runDuplicateScanJob } from '../../src/dedupe/duplicate-jobs.js';
import { DUPLICATE_SCAN_JOB_KIND, queueDuplicateScan } from '../../src/dedupe/duplicate-scan-schedule.js';
import type { DuplicateScanService } from '../../src/dedupe/duplicate-scan-service.js';
import { claimJob, readJob } from '../../src/jobs/job-queue.js';
import { JobRunner } from '../../src/jobs/job-runner.js';
import { createTestKith, TEST_DIALECT, type TestKith } from '../support/test-kith.js';

const actor: Actor = { userId: null, channel: 'system' };
const LEASE_MS = 400;

describe(`a duplicate scan job on ${TEST_DIALECT}`, () => {
  let kith: TestKith;
  beforeAll(async () => {
    kith = await createTestKith();
    await kith.contacts.create({ name: 'Ann Lee', email: 'ann@lease.example' }, actor);
    await kith.contacts.create({ name: 'Ann Lee', email: 'ann.lee@lease.example' }, actor);
  });
  afterAll(async () => kith.destroy());

  it('keeps its lease while the scan runs, so no other worker starts the same scan', async () => {
    const scans = kith.duplicateScans;
    // The real scan, after a while: a scan of a large base, whose single step outlasts the lease.
    const slow = Object.create(scans) as DuplicateScanService;
    slow.scanOnOwnThread = async (options) => {
      await new Promise((resolve) => setTimeout(resolve, LEASE_MS * 4));
      return scans.scanOnOwnThread(options);
    };
    const jobId = await queueDuplicateScan(kith.store, false);
    const runner = new JobRunner(
      kith.store,
      { [DUPLICATE_SCAN_JOB_KIND]: (ctx) => runDuplicateScanJob(slow, ctx, actor) },
      { leaseMs: LEASE_MS },
    );
    const running = runner.runOnce();
    await new Promise((resolve) => setTimeout(resolve, LEASE_MS * 2.5));
    const intruder = await claimJob(kith.store.db, 'another-worker', {
      kinds: [DUPLICATE_SCAN_JOB_KIND],
      leaseMs: LEASE_MS,
    });
    expect(intruder).toBeNull();
    expect(await running).toBe(true);
    expect(await readJob(kith.store.db, jobId, DUPLICATE_SCAN_JOB_KIND)).toMatchObject({
      state: 'done',
      attempts: 1,
      last_error: null,
    });
  });
});
