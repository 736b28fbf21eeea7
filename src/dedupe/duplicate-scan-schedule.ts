/**
 * The incremental scan schedule: when the duplicate policy sets `incremental_scan_minutes`, every
 * process running jobs (`kith worker`, `kith serve`) checks once a minute whether the last scan is
 * older than that and, if no scan job is already waiting or running, queues one. The job queue makes
 * sure one worker runs it, even with several workers on PostgreSQL.
 */
import { enqueueJob } from '../jobs/job-queue.js';
import { startPeriodicTask } from '../jobs/periodic-task.js';
import type { Store } from '../store/database.js';
import { DuplicateSettingsService } from './duplicate-settings-service.js';

export const DUPLICATE_SCAN_JOB_KIND = 'duplicate_scan';

/** Queues an incremental scan when one is due; returns whether it did. */
export async function queueScheduledScan(store: Store, now = new Date()): Promise<boolean> {
  const db = store.db;
  const { incremental_scan_minutes: minutes } = await new DuplicateSettingsService(db).policy();
  if (minutes === null) return false;
  const last = await db
    .selectFrom('duplicate_scans')
    .select('started_at')
    .orderBy('started_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (last && new Date(last.started_at).getTime() + minutes * 60_000 > now.getTime()) return false;
  const pending = await db
    .selectFrom('jobs')
    .select('id')
    .where('kind', '=', DUPLICATE_SCAN_JOB_KIND)
    .where('state', 'in', ['queued', 'running'])
    .executeTakeFirst();
  if (pending) return false;
  await enqueueJob(db, DUPLICATE_SCAN_JOB_KIND, 'incremental');
  return true;
}

/** Queues a scan for a worker (the API's default: a scan of a large base outlasts an HTTP request). */
export async function queueDuplicateScan(store: Store, incremental: boolean): Promise<string> {
  return enqueueJob(store.db, DUPLICATE_SCAN_JOB_KIND, incremental ? 'incremental' : 'full');
}

/** Checks the schedule now and every minute; call the returned function to stop. */
export function startDuplicateScanSchedule(
  store: Store,
  log: (message: string, error?: unknown) => void,
): () => void {
  return startPeriodicTask(
    async () => {
      if (await queueScheduledScan(store)) log('queued the scheduled incremental duplicate scan');
    },
    60_000,
    (e) => log('could not check the duplicate scan schedule', e),
  );
}
