/**
 * One read-only SQLite connection on a thread of its own (see read-pool.ts). better-sqlite3 runs a
 * query synchronously, so on the main thread one slow search would stop every other request; here it
 * stops only this thread. Every list query calls kith_deadline() on the rows it examines (one in 64,
 * by rowid): past the query's time limit it throws, which aborts the statement.
 */
import { parentPort, workerData } from 'node:worker_threads';
import SqliteDatabase from 'better-sqlite3';
import { QUERY_TIMEOUT_MESSAGE, registerSqliteFunctions } from './sqlite-functions.js';

interface ReadRequest {
  id: number;
  sql: string;
  parameters: unknown[];
}

const { file, timeoutMs } = (workerData as { data: { file: string; timeoutMs: number } }).data;
const sqlite = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
sqlite.pragma('busy_timeout = 10000');
// A list's reads jump around a store of gigabytes: map it (the OS's page cache, shared by the threads,
// instead of a read call per page) and keep more pages than SQLite's 2 MB default.
sqlite.pragma(`mmap_size = ${4 * 1024 * 1024 * 1024}`);
sqlite.pragma('cache_size = -32768');
let deadline = Infinity;
registerSqliteFunctions(sqlite, () => deadline);

const statements = new Map<string, SqliteDatabase.Statement>();
function prepared(text: string): SqliteDatabase.Statement {
  let statement = statements.get(text);
  if (!statement) {
    statement = sqlite.prepare(text);
    statements.set(text, statement);
    if (statements.size > 300) statements.delete(statements.keys().next().value!);
  }
  return statement;
}

parentPort!.on('message', (request: ReadRequest) => {
  deadline = Date.now() + timeoutMs;
  try {
    const statement = prepared(request.sql);
    if (!statement.reader) throw new Error('the read pool runs queries that return rows only');
    const rows = statement.all(request.parameters);
    parentPort!.postMessage({ id: request.id, rows });
  } catch (e) {
    const error = e as Error & { code?: string };
    parentPort!.postMessage({
      id: request.id,
      error: { message: error.message, code: error.code, timeout: error.message === QUERY_TIMEOUT_MESSAGE },
    });
  } finally {
    deadline = Infinity;
  }
});
parentPort!.postMessage({ ready: true });
