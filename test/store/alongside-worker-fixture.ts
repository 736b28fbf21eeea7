/** A worker module for worker-thread.test.ts: doubles a number, or fails as asked. */
import { parentPort, workerData } from 'node:worker_threads';

const task = (workerData as { data: { value: number; fail?: 'error' | 'exit' } }).data;
if (task.fail === 'exit') process.exit(3);
if (task.fail === 'error') parentPort!.postMessage({ error: 'no doubling today' });
else parentPort!.postMessage({ doubled: task.value * 2 });
