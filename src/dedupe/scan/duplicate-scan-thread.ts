/**
 * A duplicate scan on a thread of its own, with its own connection to the store (`scanOnThread`): at a
 * million contacts a scan reads, compares and saves for 40 s, and on the main thread of `kith serve`
 * that stalled every request for as long (a health check waited 39.6 s behind a scheduled scan).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openStore } from '../../store/database.js';
import { DuplicateScanService } from '../duplicate-scan-service.js';
import { ScanStoppedError } from './scan-summary.js';
import type { ScanThreadMessage, ScanThreadTask } from './scan-on-thread.js';

const task = (workerData as { data: ScanThreadTask }).data;
const send = (message: ScanThreadMessage) => parentPort!.postMessage(message);
// One read thread: the scan reads through the store's own connection, not the list's read pool.
const store = openStore({ ...task.store, readThreads: 1 });
// The caller's stop flag, set from its thread and read at each stage.
const stopFlag = task.stop ? new Int32Array(task.stop) : null;
try {
  const summary = await new DuplicateScanService(store).scan({
    incremental: task.incremental,
    actor: task.actor,
    onStage: (stage) => send({ stage }),
    stopRequested: () => stopFlag !== null && Atomics.load(stopFlag, 0) === 1,
  });
  send({ summary });
} catch (e) {
  if (e instanceof ScanStoppedError) send({ stopped: true });
  else send({ error: e instanceof Error ? e.message : String(e) });
} finally {
  await store.close();
}
