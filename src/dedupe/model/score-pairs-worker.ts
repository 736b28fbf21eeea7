/** Worker-thread side of `scorePairs`: scores its range of the pairs into shared memory. */
import { parentPort, workerData } from 'node:worker_threads';
import { scoreRange, type ScorePairsTask } from './score-pairs.js';

const task = (workerData as { data: ScorePairsTask }).data;
try {
  scoreRange(task.table, task.pairs, task.from, task.to, task.scores);
  parentPort!.postMessage({});
} catch (e) {
  parentPort!.postMessage({ error: (e as Error).stack ?? String(e) });
}
