/**
 * A job whose process dies every time it runs (killed, out of memory) is taken over when its lease runs
 * out — three times at most: then it is failed instead of crash-looping every worker, and its owner ends
 * what people see (an import, an export, a scan) with the reason. A job its worker put back (Ctrl-C, a
 * server stopping: releaseJob) is not counted. A process dying is played by a runner that stops right
 * after committing work, leaving the job under its lease, and by the lease then running out.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../src/domain/actor.js';
import { DUPLICATE_SCAN_JOB_KIND } from '../../src/dedupe/duplicate-scan-schedule.js';
import { duplicateJob } from '../../src/dedupe/duplicate-jobs.js';
import { ContactImportPipeline } from '../../src/imports/contact-import-pipeline.js';
import { IMPORT_JOB_KIND } from '../../src/imports/import-service.js';
import { abandonJobs, claimJob, enqueueJob } from '../../src/jobs/job-queue.js';
import { JobRunner, LeaseLostError } from '../../src/jobs/job-runner.js';
import { ADMIN, fixture } from '../support/import-helpers.js';
import { createTestKith, TEST_DIALECT, type TestKith } from '../support/test-kith.js';

describe(`jobs whose process keeps dying on ${TEST_DIALECT}`, () => {
  let kith: TestKith;
  beforeAll(async () => {
    kith = await createTestKith();
  });
  afterAll(async () => {
    await kith.destroy();
  });

  const jobOf = (subjectId: string) =>
    kith.store.db
      .selectFrom('jobs')
      .selectAll()
      .where('subject_id', '=', subjectId)
      .executeTakeFirstOrThrow();
  /** The dead process's lease runs out. */
  const leaseRunsOut = (jobId: string) =>
    kith.store.db
      .updateTable('jobs')
      .set({ lease_until: new Date(Date.now() - 1000).toISOString() })
      .where('id', '=', jobId)
      .execute();
  /** A worker takes the job over and its process dies at once (the job stays under its lease). */
  const dieHolding = async (subjectId: string, worker: string) => {
    const job = await claimJob(kith.store.db, worker, { subjectId });
    expect(job?.subject_id).toBe(subjectId);
    await leaseRunsOut(job!.id);
  };

  async function startImport(rows: number, domain: string) {
    const lines = Array.from({ length: rows }, (_, i) => `Person ${i},p${i}@${domain}`);
    const file = fixture('poison.csv', `name,email\n${lines.join('\n')}\n`);
    return kith.imports.start({ filePath: file, fileName: path.basename(file) }, ADMIN);
  }

  it('fails an import whose process died 3 times, keeping the rows its batches committed', async () => {
    const started = await startImport(10, 'died.example');
    // Two rows a batch; the process dies right after each batch it commits.
    const pipeline = new ContactImportPipeline(kith.store, kith.contacts.writer, kith.config, null, {
      batchRows: 2,
    });
    const dying = new JobRunner(kith.store, {
      [IMPORT_JOB_KIND]: async (ctx) => {
        const before = (await kith.imports.get(started.id)).rows;
        await pipeline.run(ctx.job.subject_id, {
          renewLease: async () => {
            if ((await kith.imports.get(started.id)).rows > before) throw new LeaseLostError(ctx.job.id);
          },
        });
      },
    });
    for (let death = 1; death <= 3; death++) {
      expect(await dying.runOnce({ subjectId: started.id })).toBe(true);
      const job = await jobOf(started.id);
      expect(job).toMatchObject({ state: 'running', takeovers: death - 1 });
      await leaseRunsOut(job.id);
    }
    expect(await kith.imports.get(started.id)).toMatchObject({ status: 'running', rows: 6, created: 6 });

    const worker = kith.jobs.runner();
    expect(await worker.runOnce()).toBe(true);
    const reason =
      'the process running this import stopped 3 times before it finished (killed, or out of memory); it was not retried again; the import stopped after 6 of 10 rows, so the 4 rows after row 7 were not imported (import the file again to bring them in: rows already imported come out unchanged)';
    expect(await kith.imports.get(started.id)).toMatchObject({
      status: 'failed',
      error: reason,
      rows: 6,
      created: 6,
      failed: 0,
    });
    expect(await jobOf(started.id)).toMatchObject({
      state: 'failed',
      takeovers: 3,
      attempts: 4,
      last_error: reason,
      lease_until: null,
    });
    // Ended as any failed import: its report files are there, and nothing runs it again.
    expect(await kith.imports.failureFile(started.id)).toMatch(/failures\.csv$/);
    expect(await worker.runOnce()).toBe(false);
  });

  it('does not count a job its worker put back (Ctrl-C, a server stopping)', async () => {
    const started = await startImport(3, 'released.example');
    for (let stop = 0; stop < 4; stop++) {
      const stopping = kith.jobs.runner();
      stopping.pause();
      expect(await stopping.runOnce({ subjectId: started.id })).toBe(true);
      expect(stopping.pausedJob?.subject_id).toBe(started.id);
    }
    expect(await jobOf(started.id)).toMatchObject({ state: 'queued', takeovers: 0, attempts: 4 });
    // One death after those stops is still taken over, and the import finishes.
    await dieHolding(started.id, 'gone:1:a');
    expect(await kith.jobs.runner().runOnce({ subjectId: started.id })).toBe(true);
    expect(await kith.imports.get(started.id)).toMatchObject({ status: 'completed', created: 3 });
    expect(await jobOf(started.id)).toMatchObject({ state: 'done', takeovers: 1 });
  });

  it('does not count a job its worker was told to stop at once (a second Ctrl-C), though it waits for the lease', async () => {
    const started = await startImport(3, 'abandoned.example');
    for (let stop = 1; stop <= 4; stop++) {
      // A worker holds it; its person presses Ctrl-C twice: the job is marked, the process exits.
      const job = await claimJob(kith.store.db, `here:${stop}:a`, { subjectId: started.id });
      expect(job).toMatchObject({ abandoned_at: null, takeovers: 0 });
      await abandonJobs(kith.store.db, `here:${stop}:a`);
      // Nobody takes it over while the lease holds: the batch under way may still commit.
      expect(await claimJob(kith.store.db, 'eager:1:a', { subjectId: started.id })).toBeNull();
      expect((await jobOf(started.id)).abandoned_at).not.toBeNull();
      await leaseRunsOut(job!.id);
    }
    // Four stops at once, none counted; the next worker finishes the import.
    expect(await kith.jobs.runner().runOnce({ subjectId: started.id })).toBe(true);
    expect(await kith.imports.get(started.id)).toMatchObject({ status: 'completed', created: 3 });
    expect(await jobOf(started.id)).toMatchObject({ state: 'done', takeovers: 0, abandoned_at: null });
    // Only its own worker's jobs are marked, and only running ones.
    expect(await abandonJobs(kith.store.db, 'here:1:a')).toBe(0);
  });

  it('fails an export whose process died 3 times, with the reason its requester sees', async () => {
    await kith.contacts.upsertMany([{ name: 'Exported', email: 'x@poison.example' }], SYSTEM_ACTOR);
    const viewer = { id: 'usr_poison', role: 'admin' };
    const started = await kith.exportJobs.start({ format: 'csv' }, viewer, ADMIN);
    for (let death = 1; death <= 3; death++) await dieHolding(started.id, `gone:${death}:e`);
    expect(await kith.jobs.runner().runOnce({ subjectId: started.id })).toBe(true);
    expect(await kith.exportJobs.get(started.id, viewer)).toMatchObject({
      state: 'failed',
      error:
        'the process writing this export stopped 3 times before it finished (killed, or out of memory); it was not retried again',
      download_url: null,
    });
    expect((await kith.exportJobs.get(started.id, viewer)).finished_at).not.toBeNull();
  });

  it('fails a duplicate scan whose process died 3 times, saying the queue keeps the last scan', async () => {
    const jobId = await enqueueJob(kith.store.db, DUPLICATE_SCAN_JOB_KIND, 'full');
    for (let death = 1; death <= 3; death++) await dieHolding('full', `gone:${death}:s`);
    expect(await kith.jobs.runner().runOnce({ subjectId: 'full' })).toBe(true);
    expect(await duplicateJob(kith.store, DUPLICATE_SCAN_JOB_KIND, jobId)).toMatchObject({
      state: 'failed',
      last_error:
        'the process running this scan stopped 3 times before it finished (killed, or out of memory); it was not retried again, and the review queue keeps the pairs of the last scan that finished',
    });
  });

  it('gives the job up again after its lease when the owner could not end its record', async () => {
    const jobId = await enqueueJob(kith.store.db, 'poison_test', 'subject-1');
    for (let death = 1; death <= 3; death++) await dieHolding('subject-1', `gone:${death}:h`);
    const handlers = { poison_test: async () => undefined };
    const failing = new JobRunner(kith.store, handlers, {
      givenUp: {
        poison_test: async () => {
          throw new Error('the owner could not write');
        },
      },
    });
    await expect(failing.runOnce({ subjectId: 'subject-1' })).rejects.toThrow('the owner could not write');
    expect(await jobOf('subject-1')).toMatchObject({ state: 'running', takeovers: 3 });
    await leaseRunsOut(jobId);
    // Without words of its owner, the job's error says what happened in general terms.
    expect(await new JobRunner(kith.store, handlers).runOnce({ subjectId: 'subject-1' })).toBe(true);
    expect(await jobOf('subject-1')).toMatchObject({
      state: 'failed',
      takeovers: 4,
      last_error:
        'the process running this job stopped 4 times before it finished (killed, or out of memory); it was not retried again',
    });
  });
});
