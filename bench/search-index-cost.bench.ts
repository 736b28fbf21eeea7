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

/** Self instructions per object file in a callgrind output file (name compression and `calls=` lines). */
function instructionsByObject(file: string): Map<string, number> {
  const names = new Map<string, string>();
  const totals = new Map<string, number>();
  let object = '';
  let skipNext = false;
  const named = (spec: string) => {
    const m = /^\((\d+)\)(?: (.*))?$/.exec(spec);
    if (!m) return spec;
    if (m[2] !== undefined) names.set(m[1]!, m[2]);
    return names.get(m[1]!) ?? spec;
  };
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (line.startsWith('ob=')) object = named(line.slice(3));
    else if (line.startsWith('cob=')) named(line.slice(4));
    else if (line.startsWith('calls=')) skipNext = true;
    else if (/^[+\-*\d]/.test(line)) {
      if (skipNext) skipNext = false;
      else {
        const cost = Number(line.split(' ')[1] ?? 0);
        totals.set(object, (totals.get(object) ?? 0) + cost);
      }
    }
  }
  return totals;
}

/** The built CLI's import of `file` into the store `env` names: CPU seconds and wall seconds. */
function importOnce(
  env: Record<string, string>,
  file: string,
): { cpu: number; wall: number; created: number; instructions?: number; sqlite?: number } {
  const cli = path.resolve('dist/cli/main.js');
  const wrapper = `
    process.on('exit', () => {
      const u = process.resourceUsage();
      require('node:fs').writeSync(3, JSON.stringify({ cpu: (u.userCPUTime + u.systemCPUTime) / 1e6 }));
    });
    process.argv.splice(1, 0, ${JSON.stringify(cli)});
    import(${JSON.stringify(pathToFileURL(cli).href)});`;
  const t = performance.now();
  const log = path.join(path.dirname(file), `callgrind-${process.pid}-${t}.log`);
  const out = `${log}.out`;
  const command = [process.execPath, '-e', wrapper, 'import', 'contacts', file, '--json'];
  const [program, ...args] = COUNT_INSTRUCTIONS
    ? ['valgrind', '--tool=callgrind', `--callgrind-out-file=${out}`, `--log-file=${log}`, ...command]
    : command;
  const child = spawnSync(program!, args, {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit', 'pipe'],
    maxBuffer: 16 * 1024 * 1024,
  });
  if (child.status !== 0) throw new Error(`kith import exited with ${child.status}: ${child.stdout}`);
  const wall = (performance.now() - t) / 1000;
  let counts: { instructions: number; sqlite: number } | undefined;
  if (COUNT_INSTRUCTIONS) {
    const collected = /Collected : (\d+)/.exec(fs.readFileSync(log, 'utf8'));
    if (!collected) throw new Error(`no instruction count in ${log}`);
    let sqlite = 0;
    for (const [object, n] of instructionsByObject(out)) if (object.includes('better_sqlite3')) sqlite += n;
    counts = { instructions: Number(collected[1]), sqlite };
    fs.rmSync(log);
    fs.rmSync(out);
  }
  return {
    cpu: (JSON.parse(child.output[3]!) as { cpu: number }).cpu,
    wall,
    created: JSON.parse(child.stdout).created,
    ...counts,
  };
}

async function importMode(): Promise<void> {
  const rounds = Number(process.argv[4] ?? 2);
  const stores = {
    with: [] as Awaited<ReturnType<typeof openBenchKith>>[],
    without: [] as Awaited<ReturnType<typeof openBenchKith>>[],
  };
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kith-bench-file-')), 'contacts.csv');
  await writeGeneratedCsv(file, N);
  type Run = { cpu: number; wall: number; instructions?: number; sqlite?: number };
  const runs: Record<'with' | 'without', Run[]> = { with: [], without: [] };
  try {
    for (let r = 0; r < rounds; r++) {
      for (const which of r % 2 === 0 ? (['with', 'without'] as const) : (['without', 'with'] as const)) {
        const store = await openBenchKith();
        stores[which].push(store);
        // The file's attribute columns are imported (as a customer's would be), not left out.
        for (const { key, type, options } of GENERATED_ATTRIBUTES)
          await store.kith.attributes.create(
            { key, type, options: options ? [...options] : null },
            SYSTEM_ACTOR,
          );
        if (which === 'without') await dropSearchStructures(store.kith);
        // As bench:import: the store already holds N contacts, 30% of which the file updates.
        if (PRELOAD) await preloadMatchedContacts(store.kith, N);
        await store.kith.close();
        const run = importOnce(store.env, file);
        runs[which].push({
          cpu: +run.cpu.toFixed(1),
          wall: +run.wall.toFixed(1),
          ...(run.instructions === undefined ? {} : { instructions: run.instructions, sqlite: run.sqlite }),
        });
        console.error(`${which}: ${JSON.stringify(run)}`);
      }
    }
  } finally {
    for (const s of [...stores.with, ...stores.without]) await s.dispose().catch(() => undefined);
  }
  const mean = (xs: Run[], of: (run: Run) => number) => xs.reduce((a, x) => a + of(x), 0) / xs.length;
  const extra = (of: (run: Run) => number) =>
    `${(((mean(runs.with, of) - mean(runs.without, of)) / mean(runs.without, of)) * 100).toFixed(1)} %`;
  console.log(
    JSON.stringify({
      rows: N,
      runs,
      cpu_with: +mean(runs.with, (r) => r.cpu).toFixed(1),
      cpu_without: +mean(runs.without, (r) => r.cpu).toFixed(1),
      extra: extra((r) => r.cpu),
      ...(COUNT_INSTRUCTIONS
        ? {
            extra_instructions: extra((r) => r.instructions!),
            // The structures' cost as a share of the whole import: SQLite's extra over the process's.
            sqlite_extra_of_import: `${(((mean(runs.with, (r) => r.sqlite!) - mean(runs.without, (r) => r.sqlite!)) / mean(runs.without, (r) => r.instructions!)) * 100).toFixed(1)} %`,
          }
        : {}),
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
