import { newId } from '../domain/ids.js';
import type { JobsTable } from '../store/schema.js';
import { nowIso, type Queryable } from '../store/transaction.js';

export type Job = JobsTable;

/** How long a lease lasts unless the runner is told otherwise (KITH_JOB_LEASE_SECONDS in the config). */
export const DEFAULT_LEASE_MS = 60_000;

const leaseUntil = (ms: number) => new Date(Date.now() + ms).toISOString();

export async function enqueueJob(db: Queryable, kind: string, subjectId: string): Promise<string> {
  const id = newId('job');
  const at = nowIso();
  await db
    .insertInto('jobs')
    .values({
      id,
      kind,
      subject_id: subjectId,
      state: 'queued',
      attempts: 0,
      takeovers: 0,
      abandoned_at: null,
      locked_by: null,
      lease_until: null,
      last_error: null,
      progress: null,
      created_at: at,
      updated_at: at,
    })
    .execute();
  return id;
}

/**
 * Takes the oldest queued job, or a running one whose lease expired (its process died), counting that
 * takeover in `takeovers` (the runner gives a job up at its limit). Optimistic: the conditional update
 * succeeds for exactly one of several workers racing for the same job.
 */
export async function claimJob(
  db: Queryable,
  workerId: string,
  options: { kinds?: string[]; subjectId?: string; leaseMs?: number } = {},
): Promise<Job | null> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const now = nowIso();
    let query = db
      .selectFrom('jobs')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb('state', '=', 'queued'),
          eb.and([eb('state', '=', 'running'), eb('lease_until', '<', now)]),
        ]),
      );
    if (options.kinds) query = query.where('kind', 'in', options.kinds);
    if (options.subjectId) query = query.where('subject_id', '=', options.subjectId);
    const candidate = await query.orderBy('created_at').orderBy('id').limit(1).executeTakeFirst();
    if (!candidate) return null;
    const lease = leaseUntil(options.leaseMs ?? DEFAULT_LEASE_MS);
    // Queued is a fresh start or a job put back by its worker; running means its process died — unless
    // its worker was told to stop at once and said so (abandonJobs): a person's Ctrl-C is no crash.
    const takeovers =
      candidate.takeovers + (candidate.state === 'running' && candidate.abandoned_at === null ? 1 : 0);
    const result = await db
      .updateTable('jobs')
      .set({
        state: 'running',
        locked_by: workerId,
        lease_until: lease,
        attempts: candidate.attempts + 1,
        takeovers,
        abandoned_at: null,
        updated_at: now,
      })
      .where('id', '=', candidate.id)
      .where('state', '=', candidate.state)
      .where('attempts', '=', candidate.attempts)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 1) {
      return {
        ...candidate,
        state: 'running',
        locked_by: workerId,
        lease_until: lease,
        attempts: candidate.attempts + 1,
        takeovers,
        abandoned_at: null,
      };
    }
  }
  return null;
}

/** Extends the lease; false when another worker took the job over (this one must stop). */
export async function renewLease(
  db: Queryable,
  jobId: string,
  workerId: string,
  leaseMs = DEFAULT_LEASE_MS,
): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({ lease_until: leaseUntil(leaseMs), updated_at: nowIso() })
    .where('id', '=', jobId)
    .where('locked_by', '=', workerId)
    .where('state', '=', 'running')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Puts a running job back in the queue, unleased: its worker stopped it between batches (Ctrl-C, a
 * server shutting down), so the next worker resumes it at once instead of after its lease.
 */
export async function releaseJob(db: Queryable, jobId: string, workerId: string): Promise<void> {
  await db
    .updateTable('jobs')
    .set({ state: 'queued', locked_by: null, lease_until: null, updated_at: nowIso() })
    .where('id', '=', jobId)
    .where('locked_by', '=', workerId)
    .where('state', '=', 'running')
    .execute();
}

/**
 * Marks the jobs `workerId` runs as left by a stop asked for at once (a second Ctrl-C): they keep their
 * lease — the batch under way may still commit, and nobody may start it twice — and the takeover once
 * it runs out is not counted as a crash. Returns how many were marked.
 */
export async function abandonJobs(db: Queryable, workerId: string): Promise<number> {
  const result = await db
    .updateTable('jobs')
    .set({ abandoned_at: nowIso() })
    .where('locked_by', '=', workerId)
    .where('state', '=', 'running')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Ends a job: `done` when its handler finished, `failed` with the error when it gave up, so that a job
 * whose work was cut short never looks finished.
 */
export async function finishJob(
  db: Queryable,
  jobId: string,
  workerId: string,
  error?: string,
): Promise<void> {
  await db
    .updateTable('jobs')
    .set({
      state: error === undefined ? 'done' : 'failed',
      lease_until: null,
      last_error: error ?? null,
      updated_at: nowIso(),
    })
    .where('id', '=', jobId)
    .where('locked_by', '=', workerId)
    .execute();
}

/**
 * Records how far a job got (any JSON value), only while this worker holds it; false when another worker
 * took it over.
 */
export async function recordJobProgress(
  db: Queryable,
  jobId: string,
  workerId: string,
  progress: unknown,
): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({ progress: JSON.stringify(progress), updated_at: nowIso() })
    .where('id', '=', jobId)
    .where('locked_by', '=', workerId)
    .where('state', '=', 'running')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** A job as people see it: its state, attempts, error and last reported progress. */
export interface JobView {
  id: string;
  kind: string;
  state: string;
  attempts: number;
  last_error: string | null;
  progress: unknown;
  created_at: string;
  updated_at: string;
}

export async function readJob(db: Queryable, jobId: string, kind: string): Promise<JobView | undefined> {
  const job = await db
    .selectFrom('jobs')
    .select(['id', 'kind', 'state', 'attempts', 'last_error', 'progress', 'created_at', 'updated_at'])
    .where('id', '=', jobId)
    .where('kind', '=', kind)
    .executeTakeFirst();
  if (!job) return undefined;
  return {
    ...job,
    attempts: Number(job.attempts),
    progress: job.progress === null ? null : (JSON.parse(job.progress) as unknown),
  };
}
