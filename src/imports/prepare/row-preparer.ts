/**
 * The prepared rows of an import file, batch by batch, for each pass of the pipeline. With a thread
 * (worth it for files large enough to pay for starting one), one worker thread prepares the next batch
 * while the main thread writes the current one; in pass 1, where the main thread has nothing to write,
 * it keys every other batch itself (`prepareSharedKeyBatches`). Without a thread, the same batches come
 * from this thread. A file the thread cannot read fails with the same error either way.
 */
import type { Worker } from 'node:worker_threads';
import { type ErrorDetails, KithError } from '../../domain/errors.js';
import { BULK_THREAD_NICENESS, nextWorkerMessage, startWorkerThread } from '../../store/worker-thread.js';
import { ImportFileError } from '../read/import-file-error.js';
import {
  keyColumnsOf,
  keyRecords,
  type PreparedBatch,
  prepareRowBatches,
  type RowPreparation,
  type RowPreparationInput,
  type SharedKeyBatch,
} from './prepare-rows.js';
import type { RowPreparationReply, RowPreparationRequest } from './row-preparation-worker.js';

type ReplyError = Extract<RowPreparationReply, { error: unknown }>['error'];

export class RowPreparer {
  private readonly worker: Worker | null;
  private requests = 0;

  constructor(options: { thread: boolean }) {
    // At a lower OS priority: in a server, the requests (and this import's writes) come first.
    this.worker = options.thread
      ? startWorkerThread(import.meta.url, 'row-preparation-worker', null, { niceness: BULK_THREAD_NICENESS })
      : null;
  }

  async *batches<K extends RowPreparation>(
    kind: K,
    input: RowPreparationInput,
  ): AsyncGenerator<PreparedBatch[K]> {
    const worker = this.worker;
    if (!worker) {
      yield* prepareRowBatches(kind, input);
      return;
    }
    const shared = kind === 'keys';
    const keyColumns = keyColumnsOf(input.mapping);
    worker.postMessage({
      type: 'start',
      kind: shared ? 'shared-keys' : 'validated',
      input,
    } satisfies RowPreparationRequest);
    let pending = this.request(worker);
    try {
      for (;;) {
        const reply = await pending;
        if ('done' in reply) return;
        if ('error' in reply) throw rebuildError(reply.error);
        // Ask for the next batch first: the thread reads it while this one is keyed here.
        pending = this.request(worker);
        if (!shared) {
          yield reply.batch as PreparedBatch[K];
          continue;
        }
        const batch = reply.batch as SharedKeyBatch;
        yield (
          'keyed' in batch ? batch.keyed : keyRecords(batch.records, keyColumns, input)
        ) as PreparedBatch[K];
      }
    } finally {
      // A consumer that stops early leaves a request open; close() may then end it with an error.
      pending.catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
  }

  private request(worker: Worker): Promise<RowPreparationReply> {
    const request = ++this.requests;
    // A reply with another number answers an abandoned pass.
    const reply = nextWorkerMessage<RowPreparationReply>(
      worker,
      'the row preparation thread',
      (r) => r.request === request,
    );
    worker.postMessage({ type: 'next', request } satisfies RowPreparationRequest);
    return reply;
  }
}

function rebuildError(error: ReplyError): Error {
  const details = (error.details ?? undefined) as ErrorDetails;
  if (error.code === 'unreadable_file')
    return new ImportFileError(error.message, details as Record<string, unknown> | undefined);
  if (error.code !== null) return new KithError(error.code, error.message, error.status ?? 500, details);
  return new Error(error.message);
}
