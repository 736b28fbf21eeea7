/**
 * The duplicates' background jobs and what people see of them: a scan (queued by the API or the
 * schedule) reports its stage and, once done, its summary; an automatic merge of the match band reports
 * clusters merged of clusters to merge and, once done, its outcome. A merge job cut short resumes by
 * running again: clusters merged before the cut are no longer open, so none is merged twice.
 */
import type { Actor } from '../domain/actor.js';
import { NotFoundError } from '../domain/errors.js';
import { enqueueJob, readJob } from '../jobs/job-queue.js';
import { type JobContext, JobPausedError } from '../jobs/job-runner.js';
import type { Store } from '../store/database.js';
import type { ContactMergeService } from './contact-merge-service.js';
import { DUPLICATE_SCAN_JOB_KIND } from './duplicate-scan-schedule.js';
import type { DuplicateScanService } from './duplicate-scan-service.js';
import { type ScanStage, ScanStoppedError, type ScanSummary } from './scan/scan-summary.js';
import { mergeMatches, type MergeMatchesResult } from './merge-matches.js';

export const MERGE_MATCHES_JOB_KIND = 'duplicate_merge_matches';

/** The scan's stages in the order it goes through them (a full scan trains; an incremental one may not). */
export const SCAN_STAGES: readonly ScanStage[] = [
  'load',
  'block',
  'compare',
  'train',
  'score',
  'cluster',
  'save',
];

export type ScanProgress =
  | { stage: ScanStage; step: number; steps: number }
  | { stage: 'done'; step: number; steps: number; summary: Omit<ScanSummary, 'blocking' | 'model_check'> };

/** How often a running scan renews its lease (renewLease writes only once a quarter of it has passed). */
const SCAN_HEARTBEAT_MS = 250;

export async function runDuplicateScanJob(scans: DuplicateScanService, ctx: JobContext, actor: Actor) {
  const steps = SCAN_STAGES.length;
  let reporting: Promise<void> = Promise.resolve();
  // A failed report or renewal (lease lost) is kept and surfaces at the end: left as a rejected promise
  // nobody awaits yet, it would end the whole process (an unhandled rejection) while the scan runs.
  let failure: unknown = null;
  const keep = (e: unknown) => {
    if (!(e instanceof JobPausedError)) failure ??= e;
  };
  // A pause (its process stopping) stops the scan at its next stage, before it saves: the job goes back
  // to the queue and the next worker scans again from the start (a scan's work is all in memory).
  const stopping = new AbortController();
  const checkStop = () => {
    if (ctx.stopRequested()) stopping.abort();
  };
  checkStop();
  // The scan's stages can each outlast the lease: renewed meanwhile, another server does not take it
  // over and run it a second time.
  const heartbeat = setInterval(() => {
    checkStop();
    void ctx.renewLease().catch(keep);
  }, SCAN_HEARTBEAT_MS);
  let summary: ScanSummary;
  try {
    // On a thread of its own where the service can open one: the runner's process (a server) goes on.
    summary = await scans.scanOnOwnThread({
      incremental: ctx.job.subject_id === 'incremental',
      actor,
      signal: stopping.signal,
      onStage: (stage) => {
        checkStop();
        // Each stage is reported once and in order.
        const progress: ScanProgress = { stage, step: SCAN_STAGES.indexOf(stage) + 1, steps };
        reporting = reporting.then(() => ctx.reportProgress(progress, { final: true })).catch(keep);
      },
    });
  } catch (e) {
    if (e instanceof ScanStoppedError) {
      await reporting;
      throw new JobPausedError(ctx.job.id);
    }
    throw e;
  } finally {
    clearInterval(heartbeat);
  }
  await reporting;
  if (failure) throw failure;
  const { blocking: _blocking, model_check: _check, ...counts } = summary;
  const done: ScanProgress = { stage: 'done', step: steps, steps, summary: counts };
  await ctx.reportProgress(done, { final: true });
}

/**
 * The job runner gave a scan's job up: the process running it kept dying (killed, or out of memory: a
 * scan holds every contact's compared values) before it finished. A scan writes its pairs only at its
 * end, so the review queue still holds the last finished scan's; the job's error says so.
 */
export async function duplicateScanGivenUp(stops: number): Promise<string> {
  return `the process running this scan stopped ${stops} times before it finished (killed, or out of memory); it was not retried again, and the review queue keeps the pairs of the last scan that finished`;
}

/** The same for an automatic merge: clusters merged before it stopped stay merged (the merge history). */
export async function mergeMatchesGivenUp(stops: number): Promise<string> {
  return `the process running this automatic merge stopped ${stops} times before it finished (killed, or out of memory); it was not retried again, and the clusters it merged before that stay merged (see the merge history)`;
}

export interface MergeMatchesProgress {
  stage: 'merging' | 'done';
  /** Clusters looked at of those in the queue when the job (or its resumption) began. */
  done: number;
  total: number;
  merged_clusters: number;
  merged_contacts: number;
  failed: number;
  /** Clusters another run (or a person) merged before this one came to them. */
  already_merged: number;
  held_back: MergeMatchesResult['held_back'];
  /** Once done: the first merges and failures (the merge history has them all). */
  merges?: MergeMatchesResult['merges'];
  failures?: MergeMatchesResult['failed'];
}

const KEPT_IN_OUTCOME = 100;

export async function runMergeMatchesJob(
  scans: DuplicateScanService,
  merges: ContactMergeService,
  ctx: JobContext,
) {
  const actor = JSON.parse(ctx.job.subject_id) as Actor;
  // A resumed job adds to what its earlier attempt merged.
  const earlier = (ctx.job.progress ? JSON.parse(ctx.job.progress) : null) as MergeMatchesProgress | null;
  const base = {
    merged_clusters: earlier?.merged_clusters ?? 0,
    merged_contacts: earlier?.merged_contacts ?? 0,
  };
  const result = await mergeMatches(scans, merges, actor, {
    onCluster: async (done, total, sofar) => {
      await ctx.renewLease();
      await ctx.reportProgress({
        stage: 'merging',
        done,
        total,
        merged_clusters: base.merged_clusters + sofar.merges.length,
        merged_contacts: base.merged_contacts + sofar.merged_contacts,
        failed: sofar.failed.length,
        already_merged: sofar.already_merged,
        held_back: sofar.held_back,
      } satisfies MergeMatchesProgress);
    },
  });
  const outcome: MergeMatchesProgress = {
    stage: 'done',
    done: result.clusters,
    total: result.clusters,
    merged_clusters: base.merged_clusters + result.merges.length,
    merged_contacts: base.merged_contacts + result.merged_contacts,
    failed: result.failed.length,
    already_merged: result.already_merged,
    held_back: result.held_back,
    merges: result.merges.slice(0, KEPT_IN_OUTCOME),
    failures: result.failed.slice(0, KEPT_IN_OUTCOME),
  };
  await ctx.reportProgress(outcome, { final: true });
}

/** Queued for a worker; the job's subject is who asked, so the merges are theirs in the history. */
export async function queueMergeMatches(store: Store, actor: Actor): Promise<string> {
  return enqueueJob(store.db, MERGE_MATCHES_JOB_KIND, JSON.stringify(actor));
}

/** A duplicates job for people: state, error and its last progress. */
export async function duplicateJob(
  store: Store,
  kind: typeof DUPLICATE_SCAN_JOB_KIND | typeof MERGE_MATCHES_JOB_KIND,
  id: string,
) {
  const job = await readJob(store.db, id, kind);
  if (!job) throw new NotFoundError(kind === MERGE_MATCHES_JOB_KIND ? 'merge job' : 'scan job', id);
  const { kind: _kind, ...rest } = job;
  return rest;
}
