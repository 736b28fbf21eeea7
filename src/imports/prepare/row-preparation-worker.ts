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
  type RowPreparation,
  type RowPreparationInput,
} from './prepare-rows.js';

export type RowPreparationRequest =
  { type: 'start'; kind: RowPreparation; input: RowPreparationInput } | { type: 'next'; request: number };

export type RowPreparationReply = { request: number } & (
  | { batch: PreparedBatch[RowPreparation] }
  | { done: true }
  | { error: { message: string; code: string | null; status: number | null; details: unknown } }
);

const port = parentPort!;
let batches: AsyncGenerator<PreparedBatch[RowPreparation]> | null = null;

port.on('message', (message: RowPreparationRequest) => {
  if (message.type === 'start') {
    batches = prepareRowBatches(message.kind, message.input);
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
