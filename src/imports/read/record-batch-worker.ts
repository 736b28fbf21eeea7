/**
 * Worker-thread side of `readRecordBatches`: reads the file given as its data and answers each request
 * with the next batch as JSON, so it reads at most one batch ahead of the caller.
 */
import { parentPort, workerData } from 'node:worker_threads';
import {
  type RecordBatchInput,
  type RecordBatchReply,
  type RecordBatchRequest,
  recordBatches,
} from './record-batches.js';
import { errorForThread } from './thread-error.js';

const port = parentPort!;
const batches = recordBatches((workerData as { data: RecordBatchInput }).data);

port.on('message', (message: RecordBatchRequest) => {
  const { request } = message;
  batches.next().then(
    (next) =>
      port.postMessage(
        (next.done
          ? { request, done: true }
          : {
              request,
              rows: JSON.stringify(next.value.map((r) => [r.rowNumber, r.cells])),
            }) satisfies RecordBatchReply,
      ),
    (e: unknown) => port.postMessage({ request, error: errorForThread(e) } satisfies RecordBatchReply),
  );
});
