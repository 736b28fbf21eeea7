/**
 * Starting a worker thread on one of our own modules, so CPU-heavy stages of bulk work (reading,
 * mapping and validating import rows) run on the second core while the main thread writes. Built code
 * runs the `.js` module directly; under tsx or Vitest (sources, `.ts`) the thread registers tsx first,
 * since loader hooks and Vitest's transforms do not reach a new thread.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type ResourceLimits, Worker } from 'node:worker_threads';

// A thread of bulk work may take a lower OS priority first (Linux keeps a nice value per thread, which
// a thread may raise without privileges): then it yields the cores to the requests the main thread
// serves. Elsewhere it keeps the process's priority.
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
if (workerData.niceness > 0) {
  try {
    const os = require('node:os');
    const tid = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop());
    os.setPriority(tid, Math.min(19, os.getPriority(tid) + workerData.niceness));
  } catch {}
}
(async () => {
  if (workerData.tsxApi) (await import(workerData.tsxApi)).register();
  await import(workerData.entry);
})();
`;

/**
 * How much lower a thread of long work runs (an import's row preparation, an export's slices, a
 * duplicate scan, the customers list's searches): the lowest priority there is. At nice 19 it gets
 * about 1.5 % of a core against a busy thread of the normal priority, and whole cores when nothing else
 * wants them, so the requests the main thread serves come first. Every kind of long work shares it:
 * at 10 for bulk work and 19 for searches, a search beside an import ran below the import's row
 * preparation (docs/BENCHMARKS.md).
 */
export const BULK_THREAD_NICENESS = 19;

/**
 * The module `name` (without extension) next to `siblingUrl`, started as a worker thread that receives
 * `data` as `workerData.data`, with V8's `resourceLimits` when given, `niceness` lower in priority.
 */
export function startWorkerThread(
  siblingUrl: string,
  name: string,
  data: unknown,
  options: { resourceLimits?: ResourceLimits; niceness?: number } = {},
): Worker {
  const extension = path.extname(fileURLToPath(siblingUrl));
  const entry = new URL(`./${name}${extension}`, siblingUrl).href;
  const tsxApi = extension === '.ts' ? tsxEsmApiUrl(siblingUrl) : null;
  return new Worker(BOOTSTRAP, {
    eval: true,
    workerData: { entry, tsxApi, data, niceness: options.niceness ?? 0 },
    resourceLimits: options.resourceLimits,
  });
}

/** tsx's ESM entry (`require.resolve` would give its CommonJS one, which cannot register ESM hooks). */
function tsxEsmApiUrl(fromUrl: string): string {
  const manifest = createRequire(fromUrl).resolve('tsx/package.json');
  const exported = (
    JSON.parse(fs.readFileSync(manifest, 'utf8')) as {
      exports: Record<string, { import: { default: string } }>;
    }
  ).exports['./esm/api']!.import.default;
  return pathToFileURL(path.join(path.dirname(manifest), exported)).href;
}

/**
 * The next message from `worker` that `accept` takes, or the thread's failure: an error thrown there, or
 * the thread stopping first (`name` says which thread). Its listeners are removed once it settles.
 */
export function nextWorkerMessage<T>(
  worker: Worker,
  name: string,
  accept: (message: T) => boolean = () => true,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: T) => {
      if (!accept(message)) return;
      settle();
      resolve(message);
    };
    const onError = (error: Error) => {
      settle();
      reject(error);
    };
    const onExit = (code: number) => {
      settle();
      reject(new Error(`${name} stopped (exit code ${code})`));
    };
    const settle = () => void worker.off('message', onMessage).off('error', onError).off('exit', onExit);
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
  });
}

/**
 * Half of a job on a worker thread, the other half here: starts the module `name` on `data`, runs
 * `here` meanwhile, and gives both results. The module answers once, `{ error }` when it failed
 * (`doing` names the job in that error). The thread is stopped whatever happens.
 */
export async function alongsideWorkerThread<Here, There extends object>(
  siblingUrl: string,
  name: string,
  data: unknown,
  doing: string,
  here: () => Here,
): Promise<[Here, There]> {
  const worker = startWorkerThread(siblingUrl, name, data);
  const reply = nextWorkerMessage<There | { error: string }>(worker, `the thread ${doing}`);
  try {
    const ours = here();
    const theirs = await reply;
    if ('error' in theirs) throw new Error(`${doing} on a thread failed: ${theirs.error}`);
    return [ours, theirs];
  } finally {
    // A failure arriving after ours is not left unhandled.
    reply.catch(() => undefined);
    await worker.terminate();
  }
}
