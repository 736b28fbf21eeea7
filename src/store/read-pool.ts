/**
 * Reads of the customers list on SQLite, off the main thread: a few read-only connections, each on a
 * worker thread (read-worker.ts), behind a Kysely dialect. WAL lets them read while the main
 * connection writes. Two lanes, each with threads of its own: `heavy` (searches, filters without an
 * index) runs on heavyReadsAtOnce threads at the lowest OS priority, `light` (a page by an index, a
 * contact) on the others, so a light read never queues behind a slow search, and while both want the
 * cores the searches yield them to the pages and to the main thread that serves every request. A light
 * read may borrow an idle heavy thread when no heavy read waits. Within a lane the oldest work goes
 * first: reads made on one connection (Kysely's `connection()`, e.g. a page of the list: its ids, then
 * its contacts) queue by when that connection was taken, so a request already under way finishes
 * before requests that came after it start; a single read by when it was asked. A query past the time
 * limit is aborted in the thread (kith_deadline) and answers QueryTimeoutError; should a thread not
 * answer even then, the caller is answered anyway.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import {
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  Kysely,
  type QueryResult,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';
import { BULK_THREAD_NICENESS, startWorkerThread } from './worker-thread.js';
import { QueryTimeoutError } from './query-timeout.js';
import type { KithDatabase } from './schema.js';

export type ReadLane = 'light' | 'heavy';

interface Pending {
  /** When its work began (its connection was taken): the lane's queue is in this order. */
  since: number;
  sql: string;
  parameters: unknown[];
  resolve(rows: unknown[]): void;
  reject(error: Error): void;
}

/** Which reads a thread serves: a pool of one thread serves both lanes at the normal priority. */
type ThreadRole = ReadLane | 'both';

interface Thread {
  role: ThreadRole;
  worker: Worker;
  ready: Promise<void>;
  /** The read it runs (kept past a timeout until the thread answers); null when idle. */
  current: { id: number; pending: Pending; timer: NodeJS.Timeout | undefined } | null;
}

export interface ReadPool {
  db(lane: ReadLane): Kysely<KithDatabase>;
  close(): Promise<void>;
}

/**
 * How many heavy reads may run at once: one fewer than the machine's cores (at least one), and fewer
 * than `readers` so that a light read always finds a reader. On two cores a search then has one core
 * and the pages of the list the other, whatever the number of searches waiting.
 */
export function heavyReadsAtOnce(readers: number): number {
  return Math.max(1, Math.min(readers - 1, availableParallelism() - 1));
}

/** Extra wait, past the time limit, for a thread to answer before its caller is answered anyway. */
const GRACE_MS = 2000;

/** The roles of a pool of `count` threads: heavyReadsAtOnce heavy ones, the others light. */
export function readThreadRoles(count: number): ThreadRole[] {
  if (count <= 1) return ['both'];
  const heavy = heavyReadsAtOnce(count);
  return Array.from({ length: count }, (_, i) => (i < heavy ? 'heavy' : 'light'));
}

export function openSqliteReadPool(file: string, options: { threads: number; timeoutMs: number }): ReadPool {
  const threads: Thread[] = [];
  const queues: Record<ReadLane, Pending[]> = { light: [], heavy: [] };
  let nextId = 1;
  let closed = false;

  const start = (role: ThreadRole): Thread => {
    const worker = startWorkerThread(
      import.meta.url,
      'read-worker',
      { file, timeoutMs: options.timeoutMs },
      // The lowest priority (19) rather than 10: beside 20 clients paging the list, 20 searching got as
      // many answers, and the pages' p99 fell from 97–118 to 85–90 ms (docs/BENCHMARKS.md).
      { niceness: role === 'heavy' ? BULK_THREAD_NICENESS : 0 },
    );
    worker.unref();
    const thread: Thread = { role, worker, current: null, ready: Promise.resolve() };
    thread.ready = new Promise((resolve, reject) => {
      const onFirst = (message: { ready?: boolean }) => {
        if (message.ready) {
          worker.off('message', onFirst);
          resolve();
        }
      };
      worker.on('message', onFirst);
      worker.once('error', reject);
    });
    worker.on(
      'message',
      (message: {
        id?: number;
        rows?: unknown[];
        error?: { message: string; code?: string; timeout: boolean };
      }) => {
        if (message.id === undefined || thread.current?.id !== message.id) return;
        const { pending, timer } = thread.current;
        clearTimeout(timer);
        thread.current = null;
        if (message.error) {
          pending.reject(
            message.error.timeout
              ? new QueryTimeoutError(options.timeoutMs)
              : Object.assign(new Error(message.error.message), { code: message.error.code }),
          );
        } else pending.resolve(message.rows ?? []);
        dispatch();
      },
    );
    worker.on('error', (error) => {
      // A thread that died answers its caller and is replaced.
      const current = thread.current;
      threads.splice(threads.indexOf(thread), 1);
      if (current) {
        clearTimeout(current.timer);
        current.pending.reject(error);
      }
      if (!closed) threads.push(start(thread.role));
      dispatch();
    });
    return thread;
  };

  const run = (thread: Thread, pending: Pending) => {
    const id = nextId++;
    thread.current = { id, pending, timer: undefined };
    // The time limit runs from when the thread can start the read: a new thread's start (its modules,
    // its connection) took seconds on a busy machine, and a search of two contacts was stopped as slow.
    void thread.ready.then(
      () => {
        const current = thread.current;
        if (current?.id !== id) return;
        current.timer = setTimeout(() => {
          // The thread has not answered in time: answer the caller; the thread stays busy until it does.
          if (thread.current?.id !== id) return;
          pending.reject(new QueryTimeoutError(options.timeoutMs));
          thread.current = { ...current, pending: { ...pending, resolve: () => {}, reject: () => {} } };
        }, options.timeoutMs + GRACE_MS);
        current.timer.unref();
        thread.worker.postMessage({ id, sql: pending.sql, parameters: pending.parameters });
      },
      // A thread that fails to start answers its read through its 'error' listener.
      () => {},
    );
  };

  const idle = (role: ThreadRole) => threads.find((t) => t.current === null && t.role === role);
  // Each lane first come, first served on its own threads; a single thread serves both lanes in the
  // order the reads came. A light read borrows an idle heavy thread only when no heavy read waits.
  const dispatch = () => {
    for (;;) {
      const light = queues.light[0];
      const heavy = queues.heavy[0];
      if (!light && !heavy) return;
      const shared = idle('both');
      if (shared) {
        const lane = heavy && (!light || heavy.since <= light.since) ? 'heavy' : 'light';
        run(shared, queues[lane].shift()!);
        continue;
      }
      const heavyThread = idle('heavy');
      if (heavy && heavyThread) {
        run(heavyThread, queues.heavy.shift()!);
        continue;
      }
      const lightThread = idle('light') ?? (queues.heavy.length === 0 ? heavyThread : undefined);
      if (light && lightThread) {
        run(lightThread, queues.light.shift()!);
        continue;
      }
      return;
    }
  };

  const submit = (lane: ReadLane, since: number, query: CompiledQuery): Promise<unknown[]> => {
    if (closed) return Promise.reject(new Error('the store is closed'));
    if (threads.length === 0) for (const role of readThreadRoles(options.threads)) threads.push(start(role));
    return new Promise((resolve, reject) => {
      const queue = queues[lane];
      // After every read that began no later (new work goes last; a request's next read near the front).
      let at = queue.length;
      while (at > 0 && queue[at - 1]!.since > since) at--;
      queue.splice(at, 0, { since, sql: query.sql, parameters: [...query.parameters], resolve, reject });
      dispatch();
    });
  };

  const kyselyFor = (lane: ReadLane) => {
    // A connection is only the time its work began: Kysely takes one per query, or one for a whole
    // `connection()` block.
    const connection = (): DatabaseConnection => {
      const since = performance.now();
      return {
        async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
          return { rows: (await submit(lane, since, query)) as R[] };
        },
        // eslint-disable-next-line require-yield
        async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
          throw new Error('the read pool does not stream');
        },
      };
    };
    const driver: Driver = {
      init: async () => {},
      acquireConnection: async () => connection(),
      beginTransaction: async () => {
        throw new Error('the read pool runs single reads, not transactions');
      },
      commitTransaction: async () => {},
      rollbackTransaction: async () => {},
      releaseConnection: async () => {},
      destroy: async () => {},
    };
    const dialect: Dialect = {
      createAdapter: () => new SqliteAdapter(),
      createDriver: () => driver,
      createQueryCompiler: () => new SqliteQueryCompiler(),
      createIntrospector: (db) => new SqliteIntrospector(db),
    };
    return new Kysely<KithDatabase>({ dialect });
  };
  const lanes = { light: kyselyFor('light'), heavy: kyselyFor('heavy') };

  return {
    db: (lane) => lanes[lane],
    close: async () => {
      closed = true;
      for (const lane of ['light', 'heavy'] as const)
        for (const pending of queues[lane].splice(0)) pending.reject(new Error('the store is closed'));
      await Promise.all(threads.splice(0).map((t) => t.worker.terminate()));
    },
  };
}
