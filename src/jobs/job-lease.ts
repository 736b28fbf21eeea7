/**
 * Who works on a job, read from its lease, for people: `kith imports show` tells a job being worked on
 * from one whose process died (nothing happens to it until its lease runs out), and `kith worker --once`
 * says why it ran nothing. A worker id is `<host>:<pid>:<tag>`, so a holder on this machine can be
 * checked for life; one on another machine is judged by its lease alone.
 */
import os from 'node:os';
import type { Queryable } from '../store/transaction.js';
import { MAX_JOB_STOPS } from './job-runner.js';

export interface JobLease {
  job_id: string;
  kind: string;
  subject_id: string;
  /** queued, running, or how it ended (done, failed). */
  state: string;
  /** The worker holding the lease (`host:pid:tag`), while running. */
  worker: string | null;
  lease_until: string | null;
  /**
   * `working`: the lease holds and its worker is alive (or on another machine, where it cannot be told);
   * `worker_gone`: the lease holds but its process on this machine no longer exists;
   * `lease_expired`: nobody holds it, the next worker to look takes it over; null unless running.
   */
  worker_status: 'working' | 'worker_gone' | 'lease_expired' | null;
  /** When another worker may take the job over (now, once the lease ran out); null unless running. */
  takeover_at: string | null;
  /** The same in one sentence. */
  note: string;
}

type JobRow = {
  id: string;
  kind: string;
  subject_id: string;
  state: string;
  locked_by: string | null;
  lease_until: string | null;
  /** Times it was taken over after its process died (job-queue.ts); at MAX_JOB_STOPS it is given up. */
  takeovers?: number | string;
};

/** True, false, or null when the worker runs on another machine (or its id is not ours to read). */
export function isWorkerAlive(workerId: string, host = os.hostname()): boolean | null {
  const parts = workerId.split(':');
  const pid = Number(parts.at(-2));
  if (parts.length < 3 || parts.slice(0, -2).join(':') !== host || !Number.isInteger(pid) || pid <= 0)
    return null;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function seconds(ms: number): string {
  const s = Math.max(1, Math.ceil(ms / 1000));
  return s < 120 ? `${s} s` : `${Math.ceil(s / 60)} min`;
}

/** What a job's row says about who works on it, at `now` (pure but for the liveness check). */
export function describeJobLease(job: JobRow, now = new Date()): JobLease {
  const base = {
    job_id: job.id,
    kind: job.kind,
    subject_id: job.subject_id,
    state: job.state,
    worker: job.state === 'running' ? job.locked_by : null,
    lease_until: job.state === 'running' ? job.lease_until : null,
  };
  if (job.state === 'queued')
    return {
      ...base,
      worker_status: null,
      takeover_at: null,
      note: 'queued: the next `kith worker` or `kith serve` to look takes it',
    };
  if (job.state !== 'running')
    return { ...base, worker_status: null, takeover_at: null, note: `${job.state}: no worker needed` };
  const until = job.lease_until ? new Date(job.lease_until) : now;
  const worker = job.locked_by ?? 'an unknown worker';
  // This stop counts too: at the limit the next worker fails the job instead of running it again.
  const stops = Number(job.takeovers ?? 0) + 1;
  const next =
    stops >= MAX_JOB_STOPS
      ? `fails it instead of running it again: its process has stopped ${stops} times before it finished (killed, or out of memory)`
      : 'takes it over';
  if (until <= now)
    return {
      ...base,
      worker_status: 'lease_expired',
      takeover_at: now.toISOString(),
      note: `no live worker: the lease of ${worker} ran out at ${until.toISOString()}; the next \`kith worker\` or \`kith serve\` to look ${next} (\`kith worker --once\` does it now)`,
    };
  const left = seconds(until.getTime() - now.getTime());
  if (isWorkerAlive(worker) === false)
    return {
      ...base,
      worker_status: 'worker_gone',
      takeover_at: until.toISOString(),
      note: `no live worker: ${worker} is gone from this machine; nothing works on it until its lease runs out at ${until.toISOString()} (in ${left}), then the next worker to look ${next}`,
    };
  return {
    ...base,
    worker_status: 'working',
    takeover_at: until.toISOString(),
    note: `running under ${worker}, whose lease runs until ${until.toISOString()} (in ${left}; renewed while it works): should it have died, another worker may take it over then`,
  };
}

/** The latest job for a subject (e.g. an import), or null when it never had one. */
export async function jobLeaseOf(db: Queryable, kind: string, subjectId: string): Promise<JobLease | null> {
  const job = await db
    .selectFrom('jobs')
    .select(['id', 'kind', 'subject_id', 'state', 'locked_by', 'lease_until', 'takeovers'])
    .where('kind', '=', kind)
    .where('subject_id', '=', subjectId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return job ? describeJobLease(job) : null;
}

/**
 * Why a worker that runs `kinds` found nothing (more) to claim: no queued jobs, jobs held under other
 * workers' leases (until when, and whether those workers are gone), jobs of kinds it does not run.
 */
export async function whyNoJobRan(db: Queryable, kinds: string[], now = new Date()): Promise<string> {
  const open = await db
    .selectFrom('jobs')
    .select(['id', 'kind', 'subject_id', 'state', 'locked_by', 'lease_until', 'takeovers'])
    .where('state', 'in', ['queued', 'running'])
    .orderBy('lease_until')
    .orderBy('id')
    .execute();
  const ours = open.filter((j) => kinds.includes(j.kind));
  const others = open.filter((j) => !kinds.includes(j.kind));
  const queued = ours.filter((j) => j.state === 'queued').length;
  const held = ours
    .filter((j) => j.state === 'running')
    .map((j) => describeJobLease(j, now))
    .filter((l) => l.worker_status !== 'lease_expired');
  const reasons: string[] = [];
  reasons.push(
    queued === 0
      ? 'no queued jobs'
      : `${plural(queued, 'queued job')} arrived or went to another worker while it looked: run again`,
  );
  if (held.length > 0) {
    const shown = held
      .slice(0, 3)
      .map(
        (l) =>
          `${l.kind} ${l.subject_id} by ${l.worker} until ${l.lease_until}${l.worker_status === 'worker_gone' ? ', gone from this machine' : ''}`,
      );
    if (held.length > shown.length) shown.push('…');
    const gone = held.filter((l) => l.worker_status === 'worker_gone').length;
    reasons.push(
      `${plural(held.length, 'job')} running under other workers' leases (${shown.join('; ')})` +
        (gone > 0 ? `; run again after a gone worker's lease ends to take its job over` : ''),
    );
  }
  if (others.length > 0)
    reasons.push(
      `${plural(others.length, 'job')} of kinds this worker does not run (${[...new Set(others.map((j) => j.kind))].join(', ')})`,
    );
  return reasons.join('; ');
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
