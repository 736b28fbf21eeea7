/** Worker-thread side of `generateCandidatePairsOnThreads`: lists the pairs of its share of the rules. */
import { parentPort, workerData } from 'node:worker_threads';
import { type ListedPairViews, type ListPairsTask, pairsOfRules } from './blocking-plan.js';

const task = (workerData as { data: ListPairsTask }).data;
try {
  // Handed over (transferred), not shared: the other thread appends them to its own and drops them,
  // and their memory goes back at its next collection.
  const found = pairsOfRules(task, 'own');
  const lists: ListedPairViews = {
    a: found.a.view(),
    b: found.b.view(),
    rulesMatched: found.rulesMatched.view(),
  };
  parentPort!.postMessage(
    lists,
    [lists.a, lists.b, lists.rulesMatched].map((x) => x.buffer as ArrayBuffer),
  );
} catch (e) {
  parentPort!.postMessage({ error: (e as Error).stack ?? String(e) });
}
