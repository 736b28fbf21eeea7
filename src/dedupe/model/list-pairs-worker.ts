/** Worker-thread side of `generateCandidatePairsOnThreads`: lists the pairs of its share of the rules. */
import { parentPort, workerData } from 'node:worker_threads';
import { type ListPairsTask, pairsOfRules } from './blocking-plan.js';

const task = (workerData as { data: ListPairsTask }).data;
try {
  const found = pairsOfRules(task);
  // Views of shared memory: they reach the other thread without a copy.
  parentPort!.postMessage({ a: found.a.view(), b: found.b.view(), rulesMatched: found.rulesMatched.view() });
} catch (e) {
  parentPort!.postMessage({ error: (e as Error).stack ?? String(e) });
}
