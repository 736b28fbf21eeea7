/** Worker-thread side of `compareCandidatePairs`: compares its share of the fields into shared memory. */
import { parentPort, workerData } from 'node:worker_threads';
import { type ComparableField, decodeComparableField, type EncodedField } from './comparable-field.js';
import { compareFieldsInto } from './compare-candidate-pairs.js';

export interface CompareFieldsTask {
  /** `column`: the field's index in the levels rows; `partner`: its name half's index, if any. */
  fields: { column: number; encoded: EncodedField; partner: number | null }[];
  a: Int32Array;
  b: Int32Array;
  count: number;
  /** Shared with the main thread, which fills the other columns at the same time. */
  gamma: Int8Array;
  width: number;
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
  const fields: ComparableField[] = task.fields.map((f) => decoded.get(f.column)!);
  compareFieldsInto(
    fields,
    task.fields.map((f) => f.column),
    task,
    task.gamma,
    task.width,
  );
  parentPort!.postMessage({});
} catch (e) {
  parentPort!.postMessage({ error: (e as Error).stack ?? String(e) });
}
