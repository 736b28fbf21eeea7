/**
 * Worker-thread side of `generateCandidatePairsOnThreads`: fills the rules' columns it takes, says so,
 * then (told that every column is filled) lists the pairs of the rules it takes and hands them over.
 */
import { parentPort, workerData } from 'node:worker_threads';
import {
  type BlockingWork,
  fillRuleColumns,
  type ListedRules,
  listRulePairs,
  pairLists,
} from './blocking-plan.js';

const work = (workerData as { data: BlockingWork }).data;
try {
  fillRuleColumns(work);
  parentPort!.postMessage({ filled: true });
  parentPort!.once('message', () => {
    try {
      const lists = pairLists(1 << 20, false);
      const segments = listRulePairs(work, lists);
      // Handed over (transferred), not shared: the other thread copies them into its own lists and
      // drops them, and their memory goes back at its next collection.
      const listed: ListedRules = {
        a: lists.a.view(),
        b: lists.b.view(),
        rulesMatched: lists.rulesMatched.view(),
        segments,
      };
      parentPort!.postMessage(
        listed,
        [listed.a, listed.b, listed.rulesMatched].map((x) => x.buffer as ArrayBuffer),
      );
    } catch (e) {
      parentPort!.postMessage({ error: (e as Error).stack ?? String(e) });
    }
  });
} catch (e) {
  parentPort!.postMessage({ error: (e as Error).stack ?? String(e) });
}
