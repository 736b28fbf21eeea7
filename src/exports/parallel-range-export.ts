/**
 * An export of every contact on SQLite, on worker threads (export-worker.ts): the main thread cuts the
 * contacts' ids into slices of SLICE ids (walking the primary key's index alone, which is cheap),
 * hands them to the threads as they come free, and writes the slices' results in id order, waiting
 * when the output is slow. At most three slices per thread are out at any time, so memory stays flat.
 */
import type { RowReader } from '../store/row-reader.js';
import { BULK_THREAD_NICENESS, nextWorkerMessage, startWorkerThread } from '../store/worker-thread.js';
import type { ExportSliceRequest, ExportSliceResult, ExportWorkerData } from './export-worker.js';

/** Contacts (ids, deleted ones included) per slice: about 200 KB; small slices keep the threads' objects young (cheap to collect). */
export const SLICE = 1000;
const IN_FLIGHT_PER_THREAD = 3;
/**
 * A thread's young generation, in MB: a bound on how much garbage a thread lets grow before collecting
 * it (V8's own is larger). Measured at 1M contacts, alternated runs on one store (wall s, peak RSS of
 * the process): CSV 8 MB 14.9–18.8 s, 235–240 MB; 32 MB 12.0–13.4 s, 255–260 MB. NDJSON 16 MB
 * 14.3–16.2 s, 287–296 MB; 32 MB 12.6–12.9 s, 290–291 MB. 4 MB spent a fifth of the threads' time
 * collecting.
 */
const THREAD_YOUNG_GENERATION_MB = 32;

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
    // Bulk work: the slices yield the cores to the requests the server answers meanwhile.
    startWorkerThread(import.meta.url, 'export-worker', options.worker, {
      resourceLimits: { maxYoungGenerationSizeMb: THREAD_YOUNG_GENERATION_MB },
      niceness: BULK_THREAD_NICENESS,
    }),
  );
  const results = new Map<number, Promise<ExportSliceResult>>();
  try {
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
    // Stopped early (the file failed to take a write): the slices still out reject as their threads
    // stop, and left unhandled that rejection would end the process (a server with it).
    for (const pending of results.values()) pending.catch(() => undefined);
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
