/**
 * Checkpoints an SQLite store's write-ahead log from a thread of its own. Left to the writers, SQLite
 * runs a checkpoint inside whichever commit crosses the WAL's size threshold: that commit then copies
 * the log into the database and waits for two fsyncs (on this project's machines about half the commit
 * time of an import batch, and a stall of tens of milliseconds for a single write). A passive
 * checkpoint from another connection does the same work beside the writers, without blocking them.
 * Writers keep a high threshold of their own as a backstop, should this thread fall behind or stop.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** How often the thread copies the committed log into the database. */
const INTERVAL_MS = 250;

// Plain CommonJS (no TypeScript to load in the thread): open, checkpoint on a timer, close when told.
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy or briefly locked: the next tick tries again, and the writers' own threshold stays.
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export interface WalCheckpointer {
  close(): Promise<void>;
}

export function startWalCheckpointer(file: string): WalCheckpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(THREAD, { eval: true, workerData: { file, driver, intervalMs: INTERVAL_MS } });
  // The thread never keeps a process alive; a process ending mid-checkpoint leaves the log intact.
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.on('error', () => undefined);
  return {
    async close() {
      // Held again while it closes: a process with nothing else to do would not wait for its exit.
      worker.ref();
      worker.postMessage('close');
      await exited;
    },
  };
}
