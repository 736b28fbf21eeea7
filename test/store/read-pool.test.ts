/**
 * SQLite's read pool on a real store file: heavy reads on threads of their own at a lower OS priority,
 * light reads never queued behind them, work already under way served first, and a light read
 * borrowing an idle heavy thread.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  heavyReadsAtOnce,
  openSqliteReadPool,
  type ReadPool,
  readThreadRoles,
} from '../../src/store/read-pool.js';

/** A read that keeps its thread busy for a while (a recursive count; no table needed). */
const slow = sql<{
  n: number;
}>`with recursive r(i) as (select 1 union all select i + 1 from r where i < 3000000)
  select count(*) as n from r`;
const quick = sql<{ one: number }>`select 1 as one`;

/** Each thread of this process: its nice value and user CPU ticks (/proc/self/task/<tid>/stat). */
function threads(): { tid: string; nice: number; ticks: number }[] {
  return fs.readdirSync('/proc/self/task').map((tid) => {
    const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { tid, nice: Number(fields[16]), ticks: Number(fields[11]) };
  });
}
const niced = () => threads().filter((t) => t.nice >= 10);
/** Niced threads there before the pool started its own (another test file's, in the same process). */
let nicedBefore = new Set<string>();
const nicedByPool = () => niced().filter((t) => !nicedBefore.has(t.tid));

describe('SQLite read pool', () => {
  let dir: string;
  let pool: ReadPool;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kith-read-pool-'));
    const file = path.join(dir, 'store.sqlite');
    const db = new SqliteDatabase(file);
    db.pragma('journal_mode = WAL');
    db.exec('create table t (x integer)');
    db.close();
    if (process.platform === 'linux') nicedBefore = new Set(niced().map((t) => t.tid));
    // Its threads start with its first read.
    pool = openSqliteReadPool(file, { threads: 2, timeoutMs: 30_000 });
  });
  afterAll(async () => {
    await pool.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('gives heavy reads at most one fewer than the cores and always leaves a light thread', () => {
    expect(readThreadRoles(1)).toEqual(['both']);
    for (const count of [2, 3, 8]) {
      const roles = readThreadRoles(count);
      expect(roles).toHaveLength(count);
      expect(roles.filter((r) => r === 'heavy')).toHaveLength(heavyReadsAtOnce(count));
      expect(roles.filter((r) => r === 'light').length).toBeGreaterThanOrEqual(1);
    }
  });

  it('answers a light read while a heavy one runs, and runs the heavy thread at a lower priority', async () => {
    const heavy = slow.execute(pool.db('heavy')).then(() => performance.now());
    await new Promise((resolve) => setTimeout(resolve, 50));
    const light = await quick.execute(pool.db('light'));
    const lightAt = performance.now();
    expect(light.rows).toEqual([{ one: 1 }]);
    expect(lightAt).toBeLessThan(await heavy);
    // (Under tsx the thread's module-loader thread inherits its priority: at least one.)
    if (process.platform === 'linux') expect(nicedByPool().length).toBeGreaterThanOrEqual(1);
  });

  it("counts a read's time limit from when its thread can start it, not from the thread's own start", async () => {
    // A new pool's thread starts with this read; the process is busy for longer than the limit and its
    // grace meanwhile (as a loaded machine starting the thread's modules was): the read is not stopped.
    const fresh = openSqliteReadPool(path.join(dir, 'store.sqlite'), { threads: 1, timeoutMs: 1 });
    try {
      const read = quick.execute(fresh.db('light'));
      // Kysely hands the read to the pool a few promise steps later.
      await new Promise((resolve) => setImmediate(resolve));
      const until = performance.now() + 2_500;
      while (performance.now() < until);
      expect((await read).rows).toEqual([{ one: 1 }]);
    } finally {
      await fresh.close();
    }
  });

  it('serves the next read of work already under way before reads asked after that work began', async () => {
    const finished: string[] = [];
    const note = (name: string) => () => void finished.push(name);
    // The heavy thread is busy; a request takes a connection and queues its first read; three single
    // reads queue after it.
    const busy = slow.execute(pool.db('heavy')).then(note('busy'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const request = pool
      .db('heavy')
      .connection()
      .execute(async (db) => {
        await quick.execute(db).then(note('first read'));
        await quick.execute(db).then(note('second read'));
      });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const later = ['later 1', 'later 2', 'later 3'].map((name) =>
      quick.execute(pool.db('heavy')).then(note(name)),
    );
    await Promise.all([busy, request, ...later]);
    expect(finished.slice(0, 2)).toEqual(['busy', 'first read']);
    // First come, first served would have put it last. (The thread is handed on as soon as the first
    // read is answered, before the request asks its second: at most one later read may go first.)
    expect(finished.indexOf('second read')).toBeLessThanOrEqual(3);
    expect(finished.at(-1)).toBe('later 3');
  });

  it.runIf(process.platform === 'linux')('lets light reads borrow the idle heavy thread', async () => {
    const pooled = nicedByPool().map((t) => t.tid);
    const ticks = () =>
      threads()
        .filter((t) => pooled.includes(t.tid))
        .reduce((sum, t) => sum + t.ticks, 0);
    const before = ticks();
    await Promise.all([slow.execute(pool.db('light')), slow.execute(pool.db('light'))]);
    // The second light read ran on the heavy thread (the only other one): its CPU time grew.
    expect(ticks()).toBeGreaterThan(before + 5);
  });
});
