/**
 * A file's records in batches, read on a worker thread one batch ahead of the caller, or in-process for
 * a small file. Reading (decoding and CSV parsing) is a fifth to a third of an order import's main
 * thread; on the thread it overlaps the writes. A batch crosses as one JSON text: copying one string
 * and `JSON.parse` on this side cost about a seventh of parsing the CSV here, where a structured clone
 * of thousands of cell arrays would cost more than the reading it saves.
 */
import type { Worker } from 'node:worker_threads';
import { BULK_THREAD_NICENESS, nextWorkerMessage, startWorkerThread } from '../../store/worker-thread.js';
import type { XlsxLimits } from './read-limits.js';
import { readSourceRecords, type SourceInfo, type SourceRecord } from './source-reader.js';
import { errorFromThread, type ThreadError } from './thread-error.js';

export interface RecordBatchInput {
  path: string;
  source: SourceInfo;
  xlsxLimits?: XlsxLimits;
  /** Records up to and including this spreadsheet row number are skipped (a resumed job's checkpoint). */
  afterRow: number;
  batchRows: number;
}

/** A batch also ends at this much cell text: rows may hold up to a megabyte each. */
const MAX_BATCH_CHARS = 4 * 1024 * 1024;

/** The batches as plain records, on this thread. */
export async function* recordBatches(input: RecordBatchInput): AsyncGenerator<SourceRecord[]> {
  let batch: SourceRecord[] = [];
  let chars = 0;
  for await (const record of readSourceRecords(input.path, input.source, { xlsxLimits: input.xlsxLimits })) {
    if (record.rowNumber <= input.afterRow) continue;
    batch.push(record);
    for (const cell of record.cells) chars += cell.length;
    if (batch.length >= input.batchRows || chars >= MAX_BATCH_CHARS) {
      yield batch;
      batch = [];
      chars = 0;
    }
  }
  if (batch.length > 0) yield batch;
}

export type RecordBatchRequest = { type: 'next'; request: number };

/** `rows`: the batch as JSON, `[rowNumber, cells][]`. */
export type RecordBatchReply = { request: number } & (
  { rows: string } | { done: true } | { error: ThreadError }
);

/**
 * The batches of `input`, read on a worker thread (at a lower priority: in a server the requests come
 * first) when `thread`, else here. The thread is stopped when the caller stops, early or not.
 */
export async function* readRecordBatches(
  input: RecordBatchInput,
  options: { thread: boolean },
): AsyncGenerator<SourceRecord[]> {
  if (!options.thread) {
    yield* recordBatches(input);
    return;
  }
  const worker = startWorkerThread(import.meta.url, 'record-batch-worker', input, {
    niceness: BULK_THREAD_NICENESS,
  });
  let requests = 0;
  const request = (w: Worker): Promise<RecordBatchReply> => {
    const number = ++requests;
    const reply = nextWorkerMessage<RecordBatchReply>(
      w,
      'the file reading thread',
      (r) => r.request === number,
    );
    w.postMessage({ type: 'next', request: number } satisfies RecordBatchRequest);
    return reply;
  };
  let pending = request(worker);
  try {
    for (;;) {
      const reply = await pending;
      if ('done' in reply) return;
      if ('error' in reply) throw errorFromThread(reply.error);
      // Ask for the next batch first: the thread reads it while this one is used here.
      pending = request(worker);
      const rows = JSON.parse(reply.rows) as [number, string[]][];
      yield rows.map(([rowNumber, cells]) => ({ rowNumber, cells }));
    }
  } finally {
    pending.catch(() => undefined);
    await worker.terminate();
  }
}
