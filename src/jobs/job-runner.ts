/**
 * Runs jobs: claims one, hands it to the handler of its kind, marks it done (or failed, with the error,
 * when the handler threw; a job whose lease was taken over is left to its new worker). `kith serve` and
 * `kith worker` keep one runner polling; the CLI uses `runJobNow` to run the job it just queued.
 */
import os from 'node:os';
import type { Store } from '../store/database.js';
import { failureReason } from '../domain/errors.js';
import {
  abandonJobs,
  claimJob,
  DEFAULT_LEASE_MS,
  finishJob,
  type Job,
  recordJobProgress,
  releaseJob,
  renewLease,
} from './job-queue.js';

export interface JobContext {
  job: Job;
  workerId: string;
  /**
   * Extends the lease once a quarter of it has passed since the last renewal (call it as often as is
   * convenient); throws LeaseLostError when another worker took the job over.
   */
  renewLease(): Promise<void>;
  /**
   * Whether the runner was asked to pause (its process is stopping): a job that writes between its
   * checkpoints (an export's pages) stops at once, without waiting for its next renewal.
   */
  stopRequested(): boolean;
  /**
   * Records how far the job got for people following it (`jobs.progress`): at most twice a second unless
   * `final` (the outcome, kept once the job is done).
   */
  reportProgress(progress: unknown, options?: { final?: boolean }): Promise<void>;
}

export type JobHandler = (ctx: JobContext) => Promise<void>;

export class LeaseLostError extends Error {
  constructor(jobId: string) {
    super(`job ${jobId} was taken over by another worker`);
  }
}

/**
 * The runner was asked to pause: thrown from `renewLease`, so a job stops between batches as it does
 * when its lease was lost (every handler already lets that through), and goes back to the queue.
 */
export class JobPausedError extends LeaseLostError {
  constructor(jobId: string) {
    super(jobId);
    this.message = `job ${jobId} was paused`;
  }
}

/**
 * How many times a job's process may stop before the job finished (killed, out of memory: its lease ran
 * out) before the job is failed rather than taken over again: a job that kills its process every time
 * would otherwise crash-loop every `kith serve` and `kith worker` for good.
 */
export const MAX_JOB_STOPS = 3;

/**
 * Told by the runner that a job of the owner's kind was given up after its process stopped `stops`
 * times, before the job is marked failed: the owner ends the record people follow (an import, an export)
 * with the reason and answers the reason in its own words, kept as the job's error. The runner holds the
 * job's lease meanwhile; should it throw (or its process die), the next worker gives the job up again.
 */
export type JobGivenUpHook = (job: Job, stops: number) => Promise<string>;

export interface JobRunnerOptions {
  pollMs?: number;
  /** How long a claimed job's lease lasts (the config's jobLeaseMs); default 60 s. */
  leaseMs?: number;
  log?: (message: string, error?: unknown) => void;
  /** Per job kind, what its owner does when one is given up (registered with the handlers). */
  givenUp?: Readonly<Record<string, JobGivenUpHook>>;
  /** MAX_JOB_STOPS unless told otherwise. */
  maxStops?: number;
}

/** A given-up job's error when its kind's owner registered no words of its own. */
export function jobStoppedReason(stops: number): string {
  return `the process running this job stopped ${stops} times before it finished (killed, or out of memory); it was not retried again`;
}

export class JobRunner {
  readonly workerId = `${os.hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  private stopped = false;
  private pausing = false;
  private releasedJob: Job | null = null;
  private idle: Promise<void> = Promise.resolve();
  private wake: (() => void) | null = null;

  constructor(
    private readonly store: Store,
    private readonly handlers: Record<string, JobHandler>,
    private readonly options: JobRunnerOptions = {},
  ) {}

  /** Claims and runs one job; false when there was none. */
  async runOnce(filter: { subjectId?: string } = {}): Promise<boolean> {
    const leaseMs = this.options.leaseMs ?? DEFAULT_LEASE_MS;
    const job = await claimJob(this.store.db, this.workerId, {
      kinds: Object.keys(this.handlers),
      subjectId: filter.subjectId,
      leaseMs,
    });
    if (!job) return false;
    const maxStops = this.options.maxStops ?? MAX_JOB_STOPS;
    if (job.takeovers >= maxStops) {
      await this.giveUp(job, job.takeovers);
      return true;
    }
    const handler = this.handlers[job.kind]!;
    let renewedAt = Date.now();
    let reportedAt = 0;
    const ctx: JobContext = {
      job,
      workerId: this.workerId,
      stopRequested: () => this.pausing,
      renewLease: async () => {
        if (this.pausing) throw new JobPausedError(job.id);
        // Batch jobs call this after every batch: renewing each time would add a commit per batch,
        // while a quarter of the lease still leaves three quarters of it to spare.
        if (Date.now() - renewedAt < leaseMs / 4) return;
        if (!(await renewLease(this.store.db, job.id, this.workerId, leaseMs)))
          throw new LeaseLostError(job.id);
        renewedAt = Date.now();
      },
      reportProgress: async (progress, { final = false } = {}) => {
        if (!final && Date.now() - reportedAt < 500) return;
        reportedAt = Date.now();
        if (!(await recordJobProgress(this.store.db, job.id, this.workerId, progress)))
          throw new LeaseLostError(job.id);
      },
    };
    try {
      await handler(ctx);
      await finishJob(this.store.db, job.id, this.workerId);
    } catch (e) {
      if (e instanceof JobPausedError) {
        await releaseJob(this.store.db, job.id, this.workerId);
        this.releasedJob = job;
        return true;
      }
      if (e instanceof LeaseLostError) return true;
      this.options.log?.(`job ${job.id} (${job.kind}) failed`, e);
      await finishJob(this.store.db, job.id, this.workerId, failureReason(e));
    }
    return true;
  }

  /**
   * Fails a job whose process kept dying instead of running it again, once its owner has ended the
   * record people see. A hook that throws leaves the job under this worker's lease, to be given up
   * again by the next worker once the lease runs out.
   */
  private async giveUp(job: Job, stops: number): Promise<void> {
    const hook = this.options.givenUp?.[job.kind];
    const reason = hook ? await hook(job, stops) : jobStoppedReason(stops);
    this.options.log?.(`job ${job.id} (${job.kind} ${job.subject_id}) given up: ${reason}`);
    await finishJob(this.store.db, job.id, this.workerId, reason);
  }

  /** Polls until stop(); a `poke()` (a job was just queued) skips the wait. */
  start(): void {
    const pollMs = this.options.pollMs ?? 1000;
    this.idle = (async () => {
      while (!this.stopped) {
        let ran = false;
        try {
          ran = await this.runOnce();
        } catch (e) {
          this.options.log?.('job runner error', e);
        }
        if (!ran && !this.stopped) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, pollMs);
            this.wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          this.wake = null;
        }
      }
    })();
  }

  poke(): void {
    this.wake?.();
  }

  /**
   * Stops the running job at its next lease renewal (after its current batch) and puts it back in the
   * queue, where the next worker resumes it from its checkpoint; a job that never renews runs to its
   * end.
   */
  pause(): void {
    this.pausing = true;
  }

  /**
   * For a process about to exit at once (a second Ctrl-C): its running job keeps its lease, and the
   * takeover once the lease runs out is not counted as a crash.
   */
  async abandon(): Promise<void> {
    await abandonJobs(this.store.db, this.workerId);
  }

  /** The job a pause put back in the queue, if one was. */
  get pausedJob(): Job | null {
    return this.releasedJob;
  }

  /** Stops polling; the running job is paused between batches rather than waited for to the end. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.pausing = true;
    this.wake?.();
    await this.idle;
  }
}
