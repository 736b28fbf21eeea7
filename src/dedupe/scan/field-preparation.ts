/**
 * Prepares a scan's fields as they are read, on two cores: the costliest fields (names, addresses …)
 * travel raw in batches to a thread of their own (`prepare-fields-thread.ts`) while the reading thread
 * reads and prepares the rest. At a million contacts preparing is two thirds of the load stage and
 * names alone a third; the compare thread only starts later, so the second core idled through it.
 */
import type { Worker } from 'node:worker_threads';
import type { ComparatorKind } from '../compare/comparator.js';
import type { FieldRule } from '../model/matching-rules.js';
import { PreparedField, PreparedFieldBuilder, type PreparedFieldParts } from '../model/prepared-records.js';
import { nextWorkerMessage, startWorkerThread } from '../../store/worker-thread.js';

export interface PrepareFieldsTask {
  rules: FieldRule[];
}

export type PrepareFieldsMessage =
  { batch: { field: number; records: Int32Array; raws: string[] } } | { finish: number };

export type PrepareFieldsReply = { parts: PreparedFieldParts[] } | { error: string };

/**
 * Microseconds to prepare one value, by comparator (measured on a million generated contacts, built
 * code): only their proportions matter, to split the work. Reading costs about `READ_COST` a contact.
 */
const PREPARE_COST: Record<ComparatorKind, number> = {
  name: 3.7,
  address: 1.15,
  date: 0.85,
  email: 0.8,
  phone: 0.45,
  text: 0.35,
  exact: 0.3,
  number: 0.3,
  identifier: 0.3,
};
const READ_COST = 4;
/**
 * E-mails, phones and identifiers differ from record to record, so their prepared values would come
 * back one object per record: copying a million of them back between threads cost more (2.5 s) than
 * preparing them (0.8 s). Values that repeat (names, addresses, dates) come back once each.
 */
const PREPARED_WHERE_READ: ReadonlySet<ComparatorKind> = new Set(['email', 'phone', 'identifier']);
/** Share of a value's preparation that sending it raw to the thread costs the reading thread. */
const SEND_SHARE = 0.15;
/** Raw values per message. */
const BATCH = 8192;
/** Below this many records the fields are prepared where they are read (a thread costs tens of ms). */
const PREPARE_ON_THREAD_FROM = 50_000;

/**
 * Which fields the preparing thread takes: the costliest first, while the thread's share stays below
 * what is left to the reading thread (which reads every contact and sends the raw values).
 */
export function fieldsToPrepareOnThread(rules: readonly FieldRule[]): number[] {
  const cost = (k: number) => PREPARE_COST[rules[k]!.comparator];
  const order = rules.map((_, k) => k).sort((x, y) => cost(y) - cost(x));
  let thread = 0;
  let reader = READ_COST + rules.reduce((sum, _, k) => sum + cost(k), 0);
  const taken: number[] = [];
  for (const k of order) {
    const c = cost(k);
    if (PREPARED_WHERE_READ.has(rules[k]!.comparator)) continue;
    if (thread + c >= reader - c * (1 - SEND_SHARE)) continue;
    thread += c;
    reader -= c * (1 - SEND_SHARE);
    taken.push(k);
  }
  return taken.sort((x, y) => x - y);
}

/** A field prepared on the thread: its raw values wait in `records` / `raws` until sent. */
interface Sent {
  /** The field's index in the thread's task. */
  index: number;
  records: number[];
  raws: string[];
}

/**
 * Takes each raw value as `readDedupeValues` reads it (`add`), and gives the prepared fields once every
 * value is read (`finish`). The thread starts once the reading passes `PREPARE_ON_THREAD_FROM` records;
 * a smaller scan prepares everything where it reads.
 */
export class FieldPreparation {
  private readonly builders: (PreparedFieldBuilder | null)[];
  private readonly sent: (Sent | null)[];
  private readonly onThread: FieldRule[];
  private worker: Worker | null = null;
  private failure: Promise<never> | null = null;
  private readonly threadFrom: number;
  private readonly batch: number;

  constructor(
    private readonly rules: readonly FieldRule[],
    options: {
      thread: boolean;
      threadFrom?: number;
      /** Raw values per message (tests send small batches). */
      batch?: number;
      /** Which fields go to the thread, instead of `fieldsToPrepareOnThread` (tests). */
      onThread?: number[];
    },
  ) {
    this.threadFrom = options.threadFrom ?? PREPARE_ON_THREAD_FROM;
    this.batch = options.batch ?? BATCH;
    const offloaded = new Set(options.thread ? (options.onThread ?? fieldsToPrepareOnThread(rules)) : []);
    this.onThread = rules.filter((_, k) => offloaded.has(k));
    this.builders = rules.map((rule, k) => (offloaded.has(k) ? null : new PreparedFieldBuilder(rule)));
    let index = 0;
    this.sent = rules.map((_, k) => (offloaded.has(k) ? { index: index++, records: [], raws: [] } : null));
  }

  readonly add = (field: number, record: number, raw: string): void => {
    const builder = this.builders[field];
    if (builder) {
      builder.add(record, raw);
      return;
    }
    const sent = this.sent[field]!;
    if (!this.worker && record >= this.threadFrom) this.startThread();
    // Before the thread starts, the batch grows: a small scan never sends it.
    if (this.worker && sent.raws.length >= this.batch) this.send(sent);
    sent.records.push(record);
    sent.raws.push(raw);
  };

  /** Stops the thread, if any: a scan whose reading failed calls it instead of `finish`. */
  async dispose(): Promise<void> {
    await this.worker?.terminate();
  }

  /** Every field of `size` records, prepared (the thread's once it has finished). */
  async finish(size: number): Promise<PreparedField[]> {
    const worker = this.worker;
    if (!worker) {
      // Never started: the waiting values are prepared here.
      return this.rules.map((rule, k) => {
        const builder = this.builders[k] ?? new PreparedFieldBuilder(rule);
        const sent = this.sent[k];
        if (sent) for (let i = 0; i < sent.raws.length; i++) builder.add(sent.records[i]!, sent.raws[i]!);
        return builder.finish(size);
      });
    }
    try {
      for (const sent of this.sent) if (sent && sent.raws.length > 0) this.send(sent);
      const reply = nextWorkerMessage<PrepareFieldsReply>(worker, 'the field preparation thread');
      worker.postMessage({ finish: size } satisfies PrepareFieldsMessage);
      // Ours are counted while the thread finishes its last batches.
      const local = this.builders.map((builder) => builder?.finish(size) ?? null);
      const answer = await Promise.race([reply, this.failure!]);
      if ('error' in answer) throw new Error(`preparing the fields failed: ${answer.error}`);
      return this.rules.map((rule, k) => {
        const sent = this.sent[k];
        if (!sent) return local[k]!;
        const parts = answer.parts[sent.index]!;
        if (parts.shared) {
          const { distinct, numbers } = parts.shared;
          const values = new Array<unknown>(size);
          for (let i = 0; i < size; i++) values[i] = numbers[i]! < 0 ? null : distinct[numbers[i]!];
          parts.values = values;
        }
        return PreparedField.fromParts(rule, parts);
      });
    } finally {
      await worker.terminate();
    }
  }

  private startThread(): void {
    const worker = startWorkerThread(import.meta.url, 'prepare-fields-thread', {
      rules: this.onThread,
    } satisfies PrepareFieldsTask);
    this.worker = worker;
    // A thread that dies early is reported by `finish`; sent batches then go nowhere.
    this.failure = new Promise<never>((_, reject) => {
      worker.once('error', reject);
      worker.once('exit', (code) =>
        reject(new Error(`the field preparation thread stopped (exit code ${code})`)),
      );
    });
    this.failure.catch(() => undefined);
  }

  private send(sent: Sent): void {
    const records = Int32Array.from(sent.records);
    this.worker!.postMessage(
      { batch: { field: sent.index, records, raws: sent.raws } } satisfies PrepareFieldsMessage,
      [records.buffer],
    );
    sent.records = [];
    sent.raws = [];
  }
}
