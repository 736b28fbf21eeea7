/**
 * What the list's search structures (migration 0009: name FTS5/pg_trgm index, reversed-phone index,
 * sort indexes; 0026/0027: the attribute index) cost the import's bulk writer: two stores, one with them and one
 * with them dropped, receive the same generated contacts in alternating batches (so both see the same
 * machine load), through insertContactsBulk as an import batch writes them. Reports each store's time.
 *
 * Usage: npx tsx bench/search-index-cost.bench.ts [N]     (default 200,000; SQLite, or
 *        KITH_BENCH_DATABASE_URL=postgres://… for PostgreSQL)
 *        npx tsx bench/search-index-cost.bench.ts N import [ROUNDS]: the real import instead, through the
 *        built CLI (npm run build first) in a process of its own, of the same generated file of N rows
 *        into each store, alternately, ROUNDS times each (default 2); reports each run's CPU seconds.
 *        Each store first holds N contacts, 30% of which the file updates, as in bench:import
 *        (KITH_BENCH_PRELOAD=0: empty stores). KITH_BENCH_INSTRUCTIONS=1: instruction counts (below).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { sql } from 'kysely';
import pg from 'pg';
import { insertContactsBulk, type NewContact } from '../src/contacts/contact-repository.js';
import { emptyContactState } from '../src/domain/contact/contact-fields.js';
import { applyContactPatch, normalizeContactInput } from '../src/domain/contact/contact-patch.js';
import { newId } from '../src/domain/ids.js';
import { mapRecord, resolveMapping, suggestMapping } from '../src/imports/map/column-mapping.js';
import { SYSTEM_ACTOR } from '../src/domain/actor.js';
import type { KithServices } from '../src/services.js';
import { openBenchKith } from './bench-kith.js';
import { preloadMatchedContacts } from './preload-contacts.js';
import {
  GENERATED_ATTRIBUTES,
  GENERATED_HEADER,
  generateRow,
  writeGeneratedCsv,
} from './generate-contacts.js';

const N = Number(process.argv[2] ?? 200_000);
const BATCH = 1000;

async function dropSearchStructures(kith: KithServices): Promise<void> {
  const db = kith.store.db;
  const only = process.env.KITH_BENCH_DROP_ONLY;
  if (only) {
    for (const statement of only.split(';')) await sql.raw(statement).execute(db);
    return;
  }
  if (kith.store.dialect === 'sqlite') {
    for (const t of [
      'contacts_search_insert',
      'contacts_search_update',
      'contacts_search_delete',
      'contacts_attribute_search_insert',
      'contacts_attribute_search_update',
      'contacts_attribute_search_delete',
    ])
      await sql.raw(`drop trigger ${t}`).execute(db);
    await sql`drop table contact_name_search`.execute(db);
    await sql`drop table contact_attribute_search`.execute(db);
  } else {
    await sql`drop index contacts_live_names_trgm`.execute(db);
    await sql`drop index contacts_live_attributes`.execute(db);
  }
  for (const index of ['contact_phones_live_reversed', 'contacts_live_name', 'contacts_live_created'])
    await sql.raw(`drop index ${index}`).execute(db);
}

/**
 * KITH_BENCH_INSTRUCTIONS=1 runs each import under valgrind's callgrind, which counts the instructions
 * the process (all its threads) executes, and those executed in SQLite itself (better-sqlite3's addon,
 * which links it in). Unlike CPU seconds, the counts do not move with the machine's load; the whole
 * process's still varies by a few per cent between runs (the JIT and the collector follow timing), but
 * SQLite's share, where the search structures' cost lies, is the same statements each time. ~40× slower.
 */
const COUNT_INSTRUCTIONS = process.env.KITH_BENCH_INSTRUCTIONS === '1';
/** KITH_BENCH_PRELOAD=0 imports into empty stores (the figures before the thirty-ninth session). */
const PRELOAD = process.env.KITH_BENCH_PRELOAD !== '0';

/**
 * KITH_BENCH_CACHE_SIM=1 (with KITH_BENCH_INSTRUCTIONS=1) also simulates the caches and counts in
 * callgrind's estimated cycles instead (an instruction 1, a first-level miss 10, a last-level miss 100),
 * so that work that waits on memory (B-tree pages) weighs what it costs. About twice as slow again.
 */
const CACHE_SIM = process.env.KITH_BENCH_CACHE_SIM === '1';
const EVENT_WEIGHTS: Record<string, number> = {
  Ir: 1,
  I1mr: 10,
  D1mr: 10,
  D1mw: 10,
  ILmr: 100,
  DLmr: 100,
  DLmw: 100,
};

/**
 * From a callgrind output file (name compression, `calls=` lines): the whole process's cost, and the
 * cost in object files whose name includes `part`, on their own (`self`) and with all they call, libc's
 * memcpy and malloc included (`inclusive`: the calls into them from other objects). The cost is
 * instructions, or estimated cycles when the caches were simulated.
 */
function costsIn(file: string, part: string): { total: number; self: number; inclusive: number } {
  const names = new Map<string, string>();
  let weights = [1];
  let object = '';
  let callee: string | undefined;
  let call = false;
  let self = 0;
  let inclusive = 0;
  let total = 0;
  const named = (spec: string) => {
    const m = /^\((\d+)\)(?: (.*))?$/.exec(spec);
    if (!m) return spec;
    if (m[2] !== undefined) names.set(m[1]!, m[2]);
    return names.get(m[1]!) ?? spec;
  };
  const weighed = (counts: string[]) => counts.reduce((sum, n, i) => sum + Number(n) * (weights[i] ?? 0), 0);
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (line.startsWith('ob=')) object = named(line.slice(3));
    else if (line.startsWith('cob=')) callee = named(line.slice(4));
    else if (line.startsWith('calls=')) call = true;
    else if (line.startsWith('events:'))
      weights = line
        .slice(7)
        .trim()
        .split(/\s+/)
        .map((event) => EVENT_WEIGHTS[event] ?? 0);
    else if (line.startsWith('totals:') || line.startsWith('summary:'))
      total = weighed(
        line
          .slice(line.indexOf(':') + 1)
          .trim()
          .split(/\s+/),
      );
    else if (/^[+\-*\d]/.test(line)) {
      const cost = weighed(line.split(' ').slice(1));
      if (call) {
        if (!object.includes(part) && (callee ?? object).includes(part)) inclusive += cost;
        call = false;
        callee = undefined;
      } else if (object.includes(part)) self += cost;
    }
  }
  return { total, self, inclusive };
}

/**
 * On PostgreSQL most of an import's index work is the server's: its CPU seconds so far, read from
 * /proc (the benchmark's database runs on this machine): the postmaster's own and its reaped
 * processes', and each live process it started.
 */
function databaseCpuSeconds(postmaster: number): number {
  const fields = (pid: string | number) => {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number); // [0] is field 3, the state
  };
  const main = fields(postmaster);
  let ticks = main[11]! + main[12]! + main[13]! + main[14]!;
  for (const pid of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const f = fields(pid);
      if (f[1] === postmaster) ticks += f[11]! + f[12]!;
    } catch {
      // the process ended meanwhile
    }
  }
  return ticks / 100; // USER_HZ
}

/** The postmaster's process id, when the benchmark runs on PostgreSQL. */
async function postmasterPid(): Promise<number | undefined> {
  const url = process.env.KITH_BENCH_DATABASE_URL;
  if (!url) return undefined;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ setting: string }>(
      `select setting from pg_settings where name = 'data_directory'`,
    );
    return Number(fs.readFileSync(path.join(rows[0]!.setting, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } finally {
    await client.end();
  }
}

/** The built CLI's import of `file` into the store `env` names: CPU seconds and wall seconds. */
function importOnce(
  env: Record<string, string>,
  file: string,
  postmaster?: number,
): {
  cpu: number;
  databaseCpu?: number;
  written: number;
  wall: number;
  created: number;
  instructions?: number;
  sqlite?: number;
  sqliteInclusive?: number;
} {
  const cli = path.resolve('dist/cli/main.js');
  const wrapper = `
    process.on('exit', () => {
      const u = process.resourceUsage();
      const fs = require('node:fs');
      // Bytes handed to write(2): the structures' pages in the WAL and the checkpoint, kernel work
      // that instruction counts do not see.
      const written = Number(/wchar: (\\d+)/.exec(fs.readFileSync('/proc/self/io', 'utf8'))?.[1] ?? 0);
      fs.writeSync(3, JSON.stringify({ cpu: (u.userCPUTime + u.systemCPUTime) / 1e6, written }));
    });
    process.argv.splice(1, 0, ${JSON.stringify(cli)});
    import(${JSON.stringify(pathToFileURL(cli).href)});`;
  const databaseBefore = postmaster === undefined ? 0 : databaseCpuSeconds(postmaster);
  const t = performance.now();
  const log = path.join(path.dirname(file), `callgrind-${process.pid}-${t}.log`);
  const out = `${log}.out`;
  const command = [process.execPath, '-e', wrapper, 'import', 'contacts', file, '--json'];
  const [program, ...args] = COUNT_INSTRUCTIONS
    ? [
        'valgrind',
        '--tool=callgrind',
        ...(CACHE_SIM ? ['--cache-sim=yes'] : []),
        `--callgrind-out-file=${out}`,
        `--log-file=${log}`,
        ...command,
      ]
    : command;
  const child = spawnSync(program!, args, {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit', 'pipe'],
    maxBuffer: 16 * 1024 * 1024,
  });
  if (child.status !== 0) throw new Error(`kith import exited with ${child.status}: ${child.stdout}`);
  const wall = (performance.now() - t) / 1000;
  let counts: { instructions: number; sqlite: number; sqliteInclusive: number } | undefined;
  if (COUNT_INSTRUCTIONS) {
    const sqlite = costsIn(out, 'better_sqlite3');
    counts = { instructions: sqlite.total, sqlite: sqlite.self, sqliteInclusive: sqlite.inclusive };
    fs.rmSync(log);
    fs.rmSync(out);
  }
  return {
    ...(JSON.parse(child.output[3]!) as { cpu: number; written: number }),
    ...(postmaster === undefined
      ? {}
      : { databaseCpu: +(databaseCpuSeconds(postmaster) - databaseBefore).toFixed(2) }),
    wall,
    created: JSON.parse(child.stdout).created,
    ...counts,
  };
}

type ImportRun = ReturnType<typeof importOnce>;
type BenchStore = Awaited<ReturnType<typeof openBenchKith>>;

/** A store with the generated file's attributes defined, the structures dropped or not, pre-loaded. */
async function prepareStore(which: 'with' | 'without'): Promise<BenchStore> {
  const store = await openBenchKith();
  // The file's attribute columns are imported (as a customer's would be), not left out.
  for (const { key, type, options } of GENERATED_ATTRIBUTES)
    await store.kith.attributes.create({ key, type, options: options ? [...options] : null }, SYSTEM_ACTOR);
  if (which === 'without') await dropSearchStructures(store.kith);
  // As bench:import: the store already holds N contacts, 30% of which the file updates.
  if (PRELOAD) await preloadMatchedContacts(store.kith, N);
  await store.kith.close();
  return store;
}

async function importMode(): Promise<void> {
  const rounds = Number(process.argv[4] ?? 2);
  const stores: BenchStore[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kith-bench-file-'));
  const file = path.join(dir, 'contacts.csv');
  await writeGeneratedCsv(file, N);
  const runs: Record<'with' | 'without', ImportRun[]> = { with: [], without: [] };
  let fixed: ImportRun | undefined;
  const postmaster = await postmasterPid();
  try {
    if (COUNT_INSTRUCTIONS) {
      // What an import costs whatever its size (start-up, loading, the end): a one-row file into the
      // same pre-loaded store, so that the structures' share is of the work the rows bring.
      const oneRow = path.join(dir, 'one-row.csv');
      await writeGeneratedCsv(oneRow, 1);
      const store = await prepareStore('with');
      stores.push(store);
      fixed = importOnce(store.env, oneRow);
      console.error(`fixed: ${JSON.stringify(fixed)}`);
    }
    for (let r = 0; r < rounds; r++) {
      for (const which of r % 2 === 0 ? (['with', 'without'] as const) : (['without', 'with'] as const)) {
        const store = await prepareStore(which);
        stores.push(store);
        const run = importOnce(store.env, file, postmaster);
        runs[which].push({ ...run, cpu: +run.cpu.toFixed(1), wall: +run.wall.toFixed(1) });
        console.error(`${which}: ${JSON.stringify(run)}`);
      }
    }
  } finally {
    for (const s of stores) await s.dispose().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const mean = (xs: ImportRun[], of: (run: ImportRun) => number) =>
    xs.reduce((a, x) => a + of(x), 0) / xs.length;
  const percent = (x: number) => `${(x * 100).toFixed(1)} %`;
  const extra = (of: (run: ImportRun) => number) =>
    percent((mean(runs.with, of) - mean(runs.without, of)) / mean(runs.without, of));
  const instructionFigures = () => {
    const sqliteExtra =
      mean(runs.with, (r) => r.sqliteInclusive!) - mean(runs.without, (r) => r.sqliteInclusive!);
    const rowWork = mean(runs.without, (r) => r.instructions!) - fixed!.instructions!;
    return {
      fixed_instructions: fixed!.instructions,
      extra_instructions: extra((r) => r.instructions!),
      sqlite_inclusive_extra: sqliteExtra,
      // The structures' cost (all that runs under SQLite's calls, with them less without) as a share
      // of the import's work for its rows (the process's instructions without them, less the fixed part).
      structures_share_of_row_work: percent(sqliteExtra / rowWork),
    };
  };
  console.log(
    JSON.stringify({
      rows: N,
      runs,
      cpu_with: +mean(runs.with, (r) => r.cpu).toFixed(1),
      cpu_without: +mean(runs.without, (r) => r.cpu).toFixed(1),
      extra: extra((r) => r.cpu),
      ...(postmaster === undefined
        ? {}
        : {
            database_cpu_with: +mean(runs.with, (r) => r.databaseCpu!).toFixed(1),
            database_cpu_without: +mean(runs.without, (r) => r.databaseCpu!).toFixed(1),
            // The import's and the database's CPU together: what the import costs the machine.
            extra_with_database: extra((r) => r.cpu + r.databaseCpu!),
          }),
      extra_written: extra((r) => r.written),
      ...(COUNT_INSTRUCTIONS ? instructionFigures() : {}),
    }),
  );
}

async function main(): Promise<void> {
  if (process.argv[3] === 'import') return importMode();
  const withIndex = await openBenchKith();
  const without = await openBenchKith();
  try {
    await dropSearchStructures(without.kith);
    const ctx = await withIndex.kith.contacts.normalizeContext();
    const mappingCtx = {
      identityTypes: ctx.identityTypes,
      attributeTypes: new Map(),
      createAttributes: false,
    };
    const mapping = resolveMapping(
      GENERATED_HEADER,
      {},
      suggestMapping(GENERATED_HEADER, [], mappingCtx),
      mappingCtx,
    );
    const seconds = { with: 0, without: 0 };
    for (let start = 0; start < N; start += BATCH) {
      const batch: NewContact[] = [];
      for (let i = start; i < Math.min(N, start + BATCH); i++) {
        const cells = generateRow(i, 7);
        cells[1] = String(13_000_000_000 + i * 7 + 1_000_000);
        cells[2] = `user${i}@example${i % 7}.com`;
        try {
          const patch = normalizeContactInput(mapRecord(cells, mapping, mappingCtx).input, ctx);
          batch.push({ id: newId('contact'), state: applyContactPatch(emptyContactState(), patch) });
        } catch {
          // invalid generated values are skipped alike for both stores
        }
      }
      // Alternate which store goes first, so neither always meets a warmer cache.
      const order =
        (start / BATCH) % 2 === 0 ? (['with', 'without'] as const) : (['without', 'with'] as const);
      for (const which of order) {
        const { store } = (which === 'with' ? withIndex : without).kith;
        const t = performance.now();
        await store.db
          .transaction()
          .execute((trx) =>
            insertContactsBulk(trx, batch, { at: new Date().toISOString(), by: null }, store.rowWriter(trx)),
          );
        seconds[which] += (performance.now() - t) / 1000;
      }
    }
    console.log(
      JSON.stringify({
        database: withIndex.kith.store.dialect,
        contacts: N,
        seconds_with_search_structures: +seconds.with.toFixed(1),
        seconds_without: +seconds.without.toFixed(1),
        extra: `${(((seconds.with - seconds.without) / seconds.without) * 100).toFixed(1)} %`,
      }),
    );
  } finally {
    await withIndex.dispose();
    await without.dispose();
  }
}

await main();
