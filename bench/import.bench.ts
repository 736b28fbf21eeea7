/**
 * Import throughput: generates N messy rows (bench/generate-contacts.ts) and imports them into a store
 * that already holds N contacts, 30% of which the file matches (by external_id). Also measures, in the
 * same run and the same store, the ceiling: reading the same file and bulk-inserting its raw rows into
 * a plain table, with no mapping, validation, matching or history. The import itself runs through the
 * built CLI (`kith import contacts FILE --json`) in a child process, so its peak RSS is its own.
 *
 * Usage: npm run bench:import [-- N]          (default 1,000,000; SQLite under a temporary folder)
 *        KITH_BENCH_DATABASE_URL=postgres://… npm run bench:import -- N
 *        KITH_BENCH_KEEP=1 npm run bench:import -- N   keeps the generated file and the store as they
 *          were before the import (SQLite: `before-import.db` beside them), to import again into copies
 *          with another build (A/B runs of the CLI without generating and pre-loading each time)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { sql } from 'kysely';
import type { Actor } from '../src/domain/actor.js';
import { inspectSource, readSourceRecords } from '../src/imports/read/source-reader.js';
import { openBenchKith } from './bench-kith.js';
import { preloadMatchedContacts } from './preload-contacts.js';
import { GENERATED_HEADER, writeGeneratedCsv } from './generate-contacts.js';

const N = Number(process.argv[2] ?? 1_000_000);
const KEEP = process.env.KITH_BENCH_KEEP === '1';
const actor: Actor = { userId: null, channel: 'system' };
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

async function main(): Promise<void> {
  const { kith, dir, env, dispose } = await openBenchKith();
  try {
    for (const [key, type, options] of [
      ['tier', 'list', ['Gold', 'Silver', 'Bronze']],
      ['points', 'number'],
      ['vip', 'boolean'],
      ['joined', 'date'],
      ['note', 'text'],
    ] as const) {
      await kith.attributes.create({ key, type, options: options ? [...options] : null }, actor);
    }
    const file = path.join(dir, 'contacts.csv');
    let t = performance.now();
    await writeGeneratedCsv(file, N);
    console.error(
      `generated ${N} rows (${mb(fs.statSync(file).size)} MB) in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );

    // Existing store: N clean contacts; those generated from rows 0.7N … N-1 share external_id with the file.
    t = performance.now();
    await preloadMatchedContacts(kith, N);
    // A second reference: the same store's rate for contacts written with no matching, history or
    // outcomes (generating and normalising them included).
    const preloadSeconds = (performance.now() - t) / 1000;
    console.error(`pre-loaded the store with ${N} contacts in ${preloadSeconds.toFixed(1)} s`);

    // The ceiling: read the file and bulk-insert raw rows, in the same store.
    await sql`create table bench_plain (row_number integer primary key, cells text not null)`.execute(
      kith.store.db,
    );
    t = performance.now();
    let rows: { row_number: number; cells: string }[] = [];
    const flushPlain = async () => {
      const chunk = rows;
      rows = [];
      await kith.store.db.transaction().execute(async (trx) => {
        for (let i = 0; i < chunk.length; i += 500)
          await sql`insert into bench_plain (row_number, cells) values ${sql.join(chunk.slice(i, i + 500).map((r) => sql`(${r.row_number}, ${r.cells})`))}`.execute(
            trx,
          );
      });
    };
    for await (const rec of readSourceRecords(file, await inspectSource(file))) {
      rows.push({ row_number: rec.rowNumber, cells: JSON.stringify(rec.cells) });
      if (rows.length >= 1000) await flushPlain();
    }
    await flushPlain();
    const plainSeconds = (performance.now() - t) / 1000;
    await sql`drop table bench_plain`.execute(kith.store.db);
    if (KEEP && kith.store.dialect === 'sqlite') {
      await sql`pragma wal_checkpoint(truncate)`.execute(kith.store.db);
      await sql`vacuum into ${path.join(dir, 'before-import.db')}`.execute(kith.store.db);
    }
    const rssBeforeImport = mb(process.resourceUsage().maxRSS * 1024);

    // The import runs as users run it: the built CLI, alone in its own process, so its peak RSS is its
    // own (not the generator's, nor a TypeScript loader's). A wrapper reports the process's resource
    // usage on file descriptor 3 as it exits.
    // The server and CLI only (not the web app): the import needs no more, and rebuilding the web app
    // in a shared checkout would pull it from under a browser test running there.
    execFileSync('npm', ['run', '--silent', 'build:server'], { stdio: 'inherit' });
    const cli = path.resolve('dist/cli/main.js');
    const wrapper = `
      process.on('exit', () => {
        const u = process.resourceUsage();
        require('node:fs').writeSync(3, JSON.stringify({
          cpuSeconds: (u.userCPUTime + u.systemCPUTime) / 1e6, peakRssMb: Math.round(u.maxRSS / 1024) }));
      });
      process.argv.splice(1, 0, ${JSON.stringify(cli)});
      import(${JSON.stringify(pathToFileURL(cli).href)});`;
    t = performance.now();
    const child = spawnSync(process.execPath, ['-e', wrapper, 'import', 'contacts', file, '--json'], {
      env: { ...process.env, ...env },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit', 'pipe'],
      maxBuffer: 16 * 1024 * 1024,
    });
    const importSeconds = (performance.now() - t) / 1000;
    if (child.status !== 0) throw new Error(`kith import exited with ${child.status}: ${child.stdout}`);
    const result = JSON.parse(child.stdout) as Record<string, number | string>;
    const usage = JSON.parse(child.output[3]!) as { cpuSeconds: number; peakRssMb: number };
    console.log(
      JSON.stringify(
        {
          database: kith.store.dialect,
          rows: N,
          status: result.status,
          created: result.created,
          updated: result.updated,
          unchanged: result.unchanged,
          failed: result.failed,
          import_seconds: +importSeconds.toFixed(1),
          import_cpu_seconds: +usage.cpuSeconds.toFixed(1),
          import_rows_per_second: Math.round(N / importSeconds),
          plain_insert_rows_per_second: Math.round(N / plainSeconds),
          share_of_ceiling: +(plainSeconds / importSeconds).toFixed(3),
          preload_contacts_per_second: Math.round(N / preloadSeconds),
          import_peak_rss_mb: usage.peakRssMb,
          generator_peak_rss_mb: rssBeforeImport,
          header: GENERATED_HEADER.length,
        },
        null,
        2,
      ),
    );
  } finally {
    if (KEEP) {
      await kith.close();
      console.error(`kept ${dir}`);
    } else await dispose();
  }
}

await main();
