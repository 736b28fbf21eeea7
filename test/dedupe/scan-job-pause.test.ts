/**
 * Pausing a duplicate scan (its process stopping: Ctrl-C, a server or worker shutting down) stops it at
 * its next stage, before it saves anything, and puts its job back in the queue; the next worker scans
 * again from the start — a scan holds its work in memory and writes it in one transaction at its end —
 * and saves it once. Before, a paused scan ran on to its end regardless.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../src/domain/actor.js';
import { DUPLICATE_SCAN_JOB_KIND } from '../../src/dedupe/duplicate-scan-schedule.js';
import { DuplicateScanService } from '../../src/dedupe/duplicate-scan-service.js';
import { ScanStoppedError } from '../../src/dedupe/scan/scan-summary.js';
import { enqueueJob } from '../../src/jobs/job-queue.js';
import { createTestKith, TEST_DIALECT, type TestKith } from '../support/test-kith.js';

describe(`pausing a duplicate scan on ${TEST_DIALECT}`, () => {
  let kith: TestKith;
  beforeAll(async () => {
    kith = await createTestKith();
    const records = Array.from({ length: 300 }, (_, i) => ({
      name: `Person ${i % 150}`,
      email: `p${i}@pause.example`,
      city: `City ${i % 7}`,
    }));
    await kith.contacts.upsertMany(records, SYSTEM_ACTOR);
  });
  afterAll(async () => {
    await kith.destroy();
  });

  const scansSaved = async () =>
    Number(
      (
        await kith.store.db
          .selectFrom('duplicate_scans')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const jobRow = (id: string) =>
    kith.store.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it('stops between two stages, before it saves, when asked to', async () => {
    const stages: string[] = [];
    const scan = new DuplicateScanService(kith.store).scan({
      actor: SYSTEM_ACTOR,
      onStage: (stage) => stages.push(stage),
      stopRequested: () => stages.includes('compare'),
    });
    await expect(scan).rejects.toBeInstanceOf(ScanStoppedError);
    expect(stages).toEqual(['load', 'block', 'compare']);
    expect(await scansSaved()).toBe(0);
  });

  it('stops on its own thread too', async () => {
    const stopped = new AbortController();
    stopped.abort();
    await expect(
      kith.duplicateScans.scanOnOwnThread({ actor: SYSTEM_ACTOR, signal: stopped.signal }),
    ).rejects.toBeInstanceOf(ScanStoppedError);
    expect(await scansSaved()).toBe(0);
  });

  it('goes back to the queue when its runner pauses, and the next worker scans it from the start', async () => {
    const jobId = await enqueueJob(kith.store.db, DUPLICATE_SCAN_JOB_KIND, 'full');
    const stopping = kith.jobs.runner();
    // The process is stopping as the runner takes the scan.
    stopping.pause();
    expect(await stopping.runOnce({ subjectId: 'full' })).toBe(true);
    expect(stopping.pausedJob?.id).toBe(jobId);
    expect(await jobRow(jobId)).toMatchObject({
      state: 'queued',
      locked_by: null,
      last_error: null,
      takeovers: 0,
    });
    expect(await scansSaved()).toBe(0);

    expect(await kith.jobs.runner().runOnce({ subjectId: 'full' })).toBe(true);
    const done = await jobRow(jobId);
    expect(done).toMatchObject({ state: 'done', attempts: 2, takeovers: 0, last_error: null });
    expect(JSON.parse(done.progress!)).toMatchObject({ stage: 'done' });
    expect(await scansSaved()).toBe(1);
  });
});
