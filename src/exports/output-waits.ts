/**
 * Waiting on an export's output without waiting forever: a stream that fails or is closed (a full
 * disk, a client that went away mid-download) emits neither `drain` nor `finish` again, so a writer
 * that waited only for those held its pages, threads and connections for good.
 */
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';

function closedEarly(out: Writable): Error {
  return out.errored ?? new Error('the output was closed before the export ended');
}

/** Resolves once `out` takes more (after a write it refused); rejects when it failed or closed first. */
export function drained(out: Writable): Promise<void> {
  if (out.destroyed) return Promise.reject(closedEarly(out));
  return new Promise((resolve, reject) => {
    const settle = () => void out.off('drain', onDrain).off('close', onClose).off('error', onClose);
    const onDrain = () => {
      settle();
      resolve();
    };
    const onClose = () => {
      settle();
      reject(closedEarly(out));
    };
    out.on('drain', onDrain).on('close', onClose).on('error', onClose);
  });
}

/** Writes `text`, waiting when the stream's buffer is full (a slow reader slows the export, not memory). */
export async function writeText(out: Writable, text: string | Uint8Array): Promise<void> {
  if (out.destroyed) throw closedEarly(out);
  if (text.length > 0 && !out.write(text)) await drained(out);
}

/** Ends `out` with `text` and waits until it has everything; rejects when it failed or closed first. */
export async function endWith(out: Writable, text: string): Promise<void> {
  if (out.destroyed) throw closedEarly(out);
  out.end(text);
  await finished(out, { readable: false });
}
