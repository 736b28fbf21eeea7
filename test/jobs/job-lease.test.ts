/**
 * What a job's lease tells people: a job whose worker died says so, with when another worker may take it
 * over, and a worker that found nothing to run says why. Liveness is checked against real processes.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeJobLease, isWorkerAlive, jobLeaseOf, whyNoJobRan } from '../../src/jobs/job-lease.js';
import { claimJob, enqueueJob } from '../../src/jobs/job-queue.js';
import { createTestKith, TEST_DIALECT, type TestKith } from '../support/test-kith.js';

const NOW = new Date('2026-11-22T10:00:00.000Z');
const HOST = os.hostname();
/** A process id that existed and is gone: a child that has exited. */
const DEAD_PID = spawnSync(process.execPath, ['-e', '']).pid;
const job = (over: Partial<Parameters<typeof describeJobLease>[0]>) => ({
  id: 'job_1',
  kind: 'contact_import',
  subject_id: 'imp_1',
  state: 'running',
  locked_by: `${HOST}:${process.pid}:abc123`,
  lease_until: '2026-11-22T10:00:45.000Z',
  ...over,
});

describe('job leases (pure, with real processes)', () => {
  it('tells a live worker on this machine from a gone one, and cannot tell for another machine', () => {
    expect(isWorkerAlive(`${HOST}:${process.pid}:abc123`)).toBe(true);
    expect(isWorkerAlive(`${HOST}:${DEAD_PID}:abc123`)).toBe(false);
    expect(isWorkerAlive(`elsewhere.example:${process.pid}:abc123`)).toBeNull();
    expect(isWorkerAlive('not a worker id')).toBeNull();
  });

  it('says a job is worked on while its worker lives and its lease holds', () => {
    expect(describeJobLease(job({}), NOW)).toMatchObject({
      worker_status: 'working',
      worker: `${HOST}:${process.pid}:abc123`,
      takeover_at: '2026-11-22T10:00:45.000Z',
      note: expect.stringContaining('(in 45 s; renewed while it works)'),
    });
    expect(describeJobLease(job({ locked_by: 'elsewhere.example:1:x' }), NOW).worker_status).toBe('working');
  });

  it('says nothing works on a job whose worker is gone, until when', () => {
    const lease = describeJobLease(job({ locked_by: `${HOST}:${DEAD_PID}:crash1` }), NOW);
    expect(lease).toMatchObject({ worker_status: 'worker_gone', takeover_at: '2026-11-22T10:00:45.000Z' });
    expect(lease.note).toBe(
      `no live worker: ${HOST}:${DEAD_PID}:crash1 is gone from this machine; nothing works on it until its lease runs out at 2026-11-22T10:00:45.000Z (in 45 s), then the next worker to look takes it over`,
    );
  });

  it('says a job whose process stopped for the last time allowed will be failed, not taken over', () => {
    expect(
      describeJobLease(job({ lease_until: '2026-11-22T09:59:00.000Z', takeovers: 1 }), NOW).note,
    ).toContain('to look takes it over');
    const lease = describeJobLease(job({ lease_until: '2026-11-22T09:59:00.000Z', takeovers: 2 }), NOW);
    expect(lease.note).toContain(
      'to look fails it instead of running it again: its process has stopped 3 times before it finished',
    );
    expect(
      describeJobLease(job({ locked_by: `${HOST}:${DEAD_PID}:crash1`, takeovers: '2' }), NOW).note,
    ).toContain('then the next worker to look fails it instead of running it again');
  });

  it('says a job whose lease ran out is taken over by the next worker', () => {
    const lease = describeJobLease(job({ lease_until: '2026-11-22T09:59:00.000Z' }), NOW);
    expect(lease).toMatchObject({ worker_status: 'lease_expired', takeover_at: NOW.toISOString() });
    expect(lease.note).toContain('no live worker: the lease of');
    expect(lease.note).toContain('ran out at 2026-11-22T09:59:00.000Z');
    expect(lease.note).toContain('`kith worker --once` does it now');
  });

  it('needs no worker for a queued or finished job', () => {
    expect(describeJobLease(job({ state: 'queued', locked_by: null, lease_until: null }), NOW)).toMatchObject(
      {
        worker_status: null,
        worker: null,
        note: expect.stringContaining('queued'),
      },
    );
    expect(describeJobLease(job({ state: 'done' }), NOW)).toMatchObject({
      worker_status: null,
      worker: null,
    });
  });
});

describe(`why a worker ran nothing, on ${TEST_DIALECT}`, () => {
  let kith: TestKith;
  beforeAll(async () => {
    kith = await createTestKith();
  });
  afterAll(async () => {
    await kith.destroy();
  });

  it('names held leases, gone workers and kinds it does not run', async () => {
    const db = kith.store.db;
    expect(await whyNoJobRan(db, ['contact_import'])).toBe('no queued jobs');

    await enqueueJob(db, 'contact_import', 'imp_crashed');
    const claimed = await claimJob(db, `${HOST}:${DEAD_PID}:crash1`);
    await enqueueJob(db, 'some_future_kind', 'x');
    const why = await whyNoJobRan(db, ['contact_import']);
    expect(why).toBe(
      `no queued jobs; 1 job running under other workers' leases (contact_import imp_crashed by ${HOST}:${DEAD_PID}:crash1 until ${claimed!.lease_until}, gone from this machine); run again after a gone worker's lease ends to take its job over; 1 job of kinds this worker does not run (some_future_kind)`,
    );
    expect(await jobLeaseOf(db, 'contact_import', 'imp_crashed')).toMatchObject({
      state: 'running',
      worker_status: 'worker_gone',
      lease_until: claimed!.lease_until,
      takeover_at: claimed!.lease_until,
    });
    expect(await jobLeaseOf(db, 'contact_import', 'imp_never')).toBeNull();
  });
});
