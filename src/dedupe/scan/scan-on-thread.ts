/**
 * Runs a duplicate scan on a thread of its own (`duplicate-scan-thread.ts`), so that the process that
 * runs it — a server's job runner — goes on answering requests: the scan's stages are long synchronous
 * loops on whichever thread runs them.
 */
import type { Actor } from '../../domain/actor.js';
import type { StoreOptions } from '../../store/database.js';
import { BULK_THREAD_NICENESS, startWorkerThread } from '../../store/worker-thread.js';
import type { ScanStage, ScanSummary } from '../duplicate-scan-service.js';

export interface ScanThreadTask {
  store: StoreOptions;
  incremental: boolean;
  actor: Actor;
}

export type ScanThreadMessage = { stage: ScanStage } | { summary: ScanSummary } | { error: string };

/** The scan's summary once its thread has finished and closed its connection; its error if it failed. */
export function scanOnThread(
  task: ScanThreadTask,
  onStage: (stage: ScanStage) => void = () => undefined,
): Promise<ScanSummary> {
  // At a lower OS priority, as the server's other bulk threads: requests first (its compare thread,
  // started from it, inherits the priority).
  const worker = startWorkerThread(import.meta.url, 'duplicate-scan-thread', task, {
    niceness: BULK_THREAD_NICENESS,
  });
  let outcome: { summary: ScanSummary } | { error: string } | null = null;
  return new Promise((resolve, reject) => {
    worker.on('message', (message: ScanThreadMessage) => {
      if ('stage' in message) onStage(message.stage);
      else outcome = message;
    });
    worker.once('error', (error) => (outcome ??= { error: error.message }));
    worker.once('exit', (code) => {
      const ended = outcome as { summary: ScanSummary } | { error: string } | null;
      if (ended && 'summary' in ended) resolve(ended.summary);
      else reject(new Error(ended?.error ?? `the duplicate scan's thread stopped (exit code ${code})`));
    });
  });
}
