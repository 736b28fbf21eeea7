/**
 * Runs a duplicate scan on a thread of its own (`duplicate-scan-thread.ts`), so that the process that
 * runs it — a server's job runner — goes on answering requests: the scan's stages are long synchronous
 * loops on whichever thread runs them.
 */
import type { Actor } from '../../domain/actor.js';
import type { StoreOptions } from '../../store/database.js';
import { BULK_THREAD_NICENESS, startWorkerThread } from '../../store/worker-thread.js';
import { type ScanStage, ScanStoppedError, type ScanSummary } from './scan-summary.js';

export interface ScanThreadTask {
  store: StoreOptions;
  incremental: boolean;
  actor: Actor;
  /**
   * One Int32 the caller sets to 1 to stop the scan: the thread reads it at each stage, in the middle
   * of synchronous work that no message could reach.
   */
  stop?: SharedArrayBuffer;
}

type ScanThreadOutcome = { summary: ScanSummary } | { error: string } | { stopped: true };
export type ScanThreadMessage = { stage: ScanStage } | ScanThreadOutcome;

/**
 * The scan's summary once its thread has finished and closed its connection; its error if it failed;
 * ScanStoppedError when `signal` stopped it before it saved.
 */
export function scanOnThread(
  task: ScanThreadTask,
  onStage: (stage: ScanStage) => void = () => undefined,
  signal?: AbortSignal,
): Promise<ScanSummary> {
  const stop = new SharedArrayBuffer(4);
  const raise = () => Atomics.store(new Int32Array(stop), 0, 1);
  if (signal?.aborted) raise();
  signal?.addEventListener('abort', raise, { once: true });
  // At a lower OS priority, as the server's other bulk threads: requests first (its compare thread,
  // started from it, inherits the priority).
  const worker = startWorkerThread(
    import.meta.url,
    'duplicate-scan-thread',
    { ...task, stop },
    { niceness: BULK_THREAD_NICENESS },
  );
  let outcome: ScanThreadOutcome | null = null;
  return new Promise<ScanSummary>((resolve, reject) => {
    worker.on('message', (message: ScanThreadMessage) => {
      if ('stage' in message) onStage(message.stage);
      else outcome = message;
    });
    worker.once('error', (error) => (outcome ??= { error: error.message }));
    worker.once('exit', (code) => {
      const ended = outcome as ScanThreadOutcome | null;
      if (ended && 'summary' in ended) resolve(ended.summary);
      else if (ended && 'stopped' in ended) reject(new ScanStoppedError());
      else reject(new Error(ended?.error ?? `the duplicate scan's thread stopped (exit code ${code})`));
    });
  }).finally(() => signal?.removeEventListener('abort', raise));
}
