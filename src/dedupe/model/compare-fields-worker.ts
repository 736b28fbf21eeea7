/**
 * Worker-thread side of `compareCandidatePairs`: works through its share of the fields (`SharedFieldWork`,
 * which the main thread also takes from once done with its own) into shared memory.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type ComparableField, decodeComparableField } from './comparable-field.js';
import {
  type CompareFieldsReply,
  type CompareFieldsTask,
  takeSharedWork,
} from './compare-candidate-pairs.js';

const task = (workerData as { data: CompareFieldsTask }).data;
try {
  const decoded = new Map(task.fields.map((f) => [f.column, decodeComparableField(f.encoded)]));
  for (const f of task.fields) {
    // Name halves travel together (splitByCost keeps them in one group).
    if (f.partner !== null) decoded.get(f.column)!.swapPartner = decoded.get(f.partner) ?? null;
  }
  // The encoded copies (a dictionary and codes per field) are garbage once decoded.
  for (const f of task.fields) f.encoded = undefined!;
  const reply: CompareFieldsReply = { randomPairLevels: [] };
  takeSharedWork(
    task.work,
    (column) => decoded.get(column) as ComparableField,
    task,
    task.gamma,
    task.width,
    (column, levels) => reply.randomPairLevels.push([column, levels]),
  );
  parentPort!.postMessage(reply);
} catch (e) {
  parentPort!.postMessage({ error: (e as Error).stack ?? String(e) });
}
