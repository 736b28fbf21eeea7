/**
 * Thread side of `FieldPreparation`: prepares the fields it was given from the raw values the reading
 * thread sends in batches, then hands back each field's parts (distinct values and numbers where records
 * share values, so that little is copied back).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { countFieldStats, PreparedFieldBuilder, type PreparedFieldParts } from '../model/prepared-records.js';
import type { PrepareFieldsMessage, PrepareFieldsReply, PrepareFieldsTask } from './field-preparation.js';

const task = (workerData as { data: PrepareFieldsTask }).data;
const builders = task.rules.map((rule) => new PreparedFieldBuilder(rule));
const reply = (message: PrepareFieldsReply, transfer: ArrayBuffer[] = []) =>
  parentPort!.postMessage(message, transfer);

/** The first failure: later batches are skipped and `finish` is answered with it. */
let failed: string | null = null;

parentPort!.on('message', (message: PrepareFieldsMessage) => {
  if (failed !== null) {
    if ('finish' in message) reply({ error: failed });
    return;
  }
  try {
    if ('batch' in message) {
      const { field, records, raws } = message.batch;
      const builder = builders[field]!;
      for (let k = 0; k < raws.length; k++) builder.add(records[k]!, raws[k]!);
      return;
    }
    const parts: PreparedFieldParts[] = builders.map((builder) => builder.finishParts(message.finish));
    // Counted here, where this thread would otherwise idle while the reading thread finishes its own
    // fields (the shares arrive on shared memory, without a copy).
    parts.forEach((p, k) => (p.stats = countFieldStats(task.rules[k]!, p.values, p.shared)));
    // Where records share values, the values per record are rebuilt from the numbers on the other side.
    for (const p of parts) if (p.shared) p.values = [];
    reply(
      { parts },
      parts.flatMap((p) => (p.shared ? [p.shared.numbers.buffer as ArrayBuffer] : [])),
    );
  } catch (e) {
    failed = e instanceof Error ? (e.stack ?? e.message) : String(e);
    if ('finish' in message) reply({ error: failed });
  }
});
