/**
 * An export of every contact on SQLite, on worker threads (export-worker.ts): the main thread cuts the
 * contacts' ids into slices of SLICE ids (walking the primary key's index alone, which is cheap),
 * hands them to the threads as they come free, and writes the slices' results in id order, waiting
 * when the output is slow. At most three slices per thread are out at any time, so memory stays flat.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { RowReader } from '../store/row-reader.js';
import { nextWorkerMessage, startWorkerThread } from '../store/worker-thread.js';
import type { ExportSliceRequest, ExportSliceResult, ExportWorkerData } from './export-worker.js';

/** Contacts (ids, deleted ones included) per slice: about 200 KB; small slices keep the threads' objects young (cheap to collect). */
export const SLICE = 1000;
const IN_FLIGHT_PER_THREAD = 3;
/**
 * A thread's young generation, in MB. A slice's objects die young; V8's default nursery lets each
 * thread grow by tens of MB before collecting it. Measured at 1M contacts (peak RSS of the process,
 * NDJSON / CSV): 4 MB 294 / 272 MB but a fifth of the threads' time in collections; 8 MB 256 / 239 MB;
 * 16 MB 290 / 261 MB; 32 MB a tenth of their time collecting at about 35 MB more.
 */
const THREAD_YOUNG_GENERATION_MB = 8;

/** Where the slice after `afterId` ends: the id SLICE ids on, or null when fewer remain (the last slice). */
const SLICE_END_SQL = 'select id from contacts where id > ? order by id limit 1 offset ?';

export interface SliceSink {
  /** Receives each slice's result, in id order. */
  write(result: Exclude<ExportSliceResult, { error: string }>): Promise<void>;
}

export async function exportSlicesInParallel(options: {
  reader: RowReader;
  worker: ExportWorkerData;
  threads: number;
  sink: SliceSink;
}): Promise<void> {
  const { reader, sink } = options;
  const sliceEnd = (afterId: string): string | null => {
    for (const row of reader.rows({ sql: SLICE_END_SQL, parameters: [afterId, SLICE - 1] }))
      return row[0] as string;
    return null;
  };
  const workers = Array.from({ length: options.threads }, () =>
    startWorkerThread(import.meta.url, 'export-worker', options.worker, {
      maxYoungGenerationSizeMb: THREAD_YOUNG_GENERATION_MB,
    }),
  );
  try {
    const results = new Map<number, Promise<ExportSliceResult>>();
    let nextSlice = 0;
    let nextToWrite = 0;
    let after: string | null = '';
    // The highest possible id: the last slice runs to the end of the table.
    const END = '\uffff';
    const send = () => {
      if (after === null) return false;
      const upTo: string | null = sliceEnd(after);
      const slice = nextSlice++;
      const worker = workers[slice % workers.length]!;
      const request: ExportSliceRequest = { slice, afterId: after, upToId: upTo ?? END };
      results.set(
        slice,
        nextWorkerMessage<ExportSliceResult>(worker, 'an export thread', (m) => m.slice === slice),
      );
      worker.postMessage(request);
      after = upTo;
      return true;
    };
    for (let i = 0; i < options.threads * IN_FLIGHT_PER_THREAD; i++) if (!send()) break;
    while (nextToWrite < nextSlice) {
      const result = await results.get(nextToWrite)!;
      results.delete(nextToWrite);
      nextToWrite++;
      if ('error' in result) throw new Error(`an export thread failed: ${result.error}`);
      send();
      await sink.write(result);
    }
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** Writes text, waiting when the stream's buffer is full (a slow reader slows the export, not memory). */
export async function writeText(out: Writable, text: string | Uint8Array): Promise<void> {
  if (text.length > 0 && !out.write(text)) await once(out, 'drain');
}
