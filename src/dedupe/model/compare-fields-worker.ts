/**
 * Worker-thread side of `compareCandidatePairs`: works through its share of the fields (`SharedFieldWork`,
 * which the main thread also takes from once done with its own) into shared memory.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type ComparableField, decodeComparableField, type EncodedField } from './comparable-field.js';
import { type SharedFieldWork, takeSharedWork } from './compare-candidate-pairs.js';
import type { RandomPairLevels } from './random-pair-levels.js';

export interface CompareFieldsTask {
  /** `column`: the field's index in the levels rows; `partner`: its name half's index, if any. */
  fields: { column: number; encoded: EncodedField; partner: number | null }[];
  a: Int32Array;
  b: Int32Array;
  /** Shared with the main thread, which fills the other columns at the same time. */
  gamma: Int8Array;
  width: number;
  /** These fields' pairs (and random pairs) in units, shared with the main thread. */
  work: SharedFieldWork;
}

export interface CompareFieldsReply {
  /** The random pairs' levels of the fields whose sample this thread took: [column, levels]. */
  randomPairLevels: [number, RandomPairLevels][];
}

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
