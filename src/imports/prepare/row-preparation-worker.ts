/**
 * Worker-thread side of `RowPreparer`: runs `prepareRowBatches` for the pass the main thread starts and
 * answers each of its requests with the next batch, so the thread works at most one batch ahead of the
 * writer. Replies carry their request's number: a reply to an abandoned pass is recognisable.
 */
import { parentPort } from 'node:worker_threads';
import { KithError } from '../../domain/errors.js';
import {
  type PreparedBatch,
  prepareRowBatches,
  prepareSharedKeyBatches,
  type RowPreparation,
  type RowPreparationInput,
  type SharedKeyBatch,
} from './prepare-rows.js';

/** Pass 1 (`keys`) comes shared: see `prepareSharedKeyBatches`. */
export type ThreadPreparation = Exclude<RowPreparation, 'keys'> | 'shared-keys';

export interface ThreadBatch {
  validated: PreparedBatch['validated'];
  'shared-keys': SharedKeyBatch;
}

export type RowPreparationRequest =
  { type: 'start'; kind: ThreadPreparation; input: RowPreparationInput } | { type: 'next'; request: number };

export type RowPreparationReply = { request: number } & (
  | { batch: ThreadBatch[ThreadPreparation] }
  | { done: true }
  | { error: { message: string; code: string | null; status: number | null; details: unknown } }
);

const port = parentPort!;
let batches: AsyncGenerator<ThreadBatch[ThreadPreparation]> | null = null;

port.on('message', (message: RowPreparationRequest) => {
  if (message.type === 'start') {
    batches =
      message.kind === 'shared-keys'
        ? prepareSharedKeyBatches(message.input)
        : prepareRowBatches(message.kind, message.input);
    return;
  }
  const { request } = message;
  const current = batches;
  if (!current) {
    port.postMessage({ request, done: true } satisfies RowPreparationReply);
    return;
  }
  current.next().then(
    (next) =>
      port.postMessage(
        (next.done ? { request, done: true } : { request, batch: next.value }) satisfies RowPreparationReply,
      ),
    (e: unknown) => {
      const error = e instanceof Error ? e : new Error(String(e));
      const kithError = error instanceof KithError ? error : null;
      port.postMessage({
        request,
        error: {
          message: error.message,
          code: kithError?.code ?? null,
          status: kithError?.status ?? null,
          details: kithError?.details ?? null,
        },
      } satisfies RowPreparationReply);
    },
  );
});
