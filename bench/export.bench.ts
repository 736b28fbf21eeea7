/**
 * Contacts export on a large store (issue 18): every format of every contact to a file, each in a
 * process of its own so that its peak RSS is the export's. Goals: CSV and NDJSON ≥ 100,000 rows/s,
 * XLSX ≥ 20,000 rows/s, peak RSS ≤ 300 MB, at 1,000,000 contacts on SQLite.
 *
 * The store is built once (N contacts from bench/generate-contacts.ts, bulk-inserted through the
 * import's writer, with tags and typed attributes) and kept under KITH_BENCH_EXPORT_DIR (default
 * /tmp/kith-bench-export-<N>), or in the schema kith_bench_export_<N> of KITH_BENCH_DATABASE_URL.
 *
 * Exports written for people are cases of their own, FORMAT:NAMES[:ZONE] (`csv:zh:Asia/Shanghai`:
 * Chinese column names, the moments in Shanghai's local time; `csv:zh` writes them in UTC), so the cost
 * of the local times shows beside the plain export of the same format.
 *
 * Usage: npm run bench:export [-- N [CASE…]]     (default 1,000,000, every format and the cases for
 * people: CSV and XLSX with zh names in UTC, Asia/Shanghai and America/New_York, a zone with DST)
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { insertContactsBulk, type NewContact } from '../src/contacts/contact-repository.js';
import { loadConfig } from '../src/config.js';
import type { Actor } from '../src/domain/actor.js';
import { emptyContactState } from '../src/domain/contact/contact-fields.js';
import { applyContactPatch, normalizeContactInput } from '../src/domain/contact/contact-patch.js';
import { newId } from '../src/domain/ids.js';
import { EXPORT_FORMATS } from '../src/exports/contact-export-service.js';
import { mapRecord } from '../src/imports/map/column-mapping.js';
import { type KithServices, openKith } from '../src/services.js';
import { generateRow } from './generate-contacts.js';
import { generatedMapping } from './preload-contacts.js';

const N = Number(process.argv[2] ?? 1_000_000);
const actor: Actor = { userId: null, channel: 'system' };

function storeEnv(): Record<string, string> {
  const baseUrl = process.env.KITH_BENCH_DATABASE_URL;
  const dir = process.env.KITH_BENCH_EXPORT_DIR ?? `/tmp/kith-bench-export-${N}`;
  fs.mkdirSync(dir, { recursive: true });
  const env: Record<string, string> = { KITH_DATA_DIR: dir };
  if (baseUrl) {
    const url = new URL(baseUrl);
    url.searchParams.set('options', `-c search_path=kith_bench_export_${N}`);
    env.DATABASE_URL = url.toString();
  }
  return env;
}

async function build(kith: KithServices): Promise<void> {
  const live = Number(
    (
      await kith.store.db
        .selectFrom('contacts')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirst()
    )?.n ?? 0,
  );
  if (live >= N) return;
  if (live > 0) throw new Error(`the kept store holds ${live} contacts, fewer than ${N}: remove it first`);
  for (const [key, type, options] of [
    ['tier', 'list', ['Gold', 'Silver', 'Bronze']],
    ['points', 'number'],
    ['vip', 'boolean'],
    ['joined', 'date'],
    ['note', 'text'],
  ] as const)
    await kith.attributes.create({ key, type, options: options ? [...options] : null }, actor);
  const { ctx, mappingCtx, mapping } = await generatedMapping(kith);
  const t = performance.now();
  let batch: NewContact[] = [];
  let inserted = 0;
  const flush = async () => {
    const rows = batch;
    batch = [];
    await kith.store.db
      .transaction()
      .execute((trx) =>
        insertContactsBulk(trx, rows, { at: new Date().toISOString(), by: null }, kith.store.rowWriter(trx)),
      );
    inserted += rows.length;
    if (inserted % 100_000 < rows.length)
      console.error(`  built ${inserted} contacts, ${((performance.now() - t) / 1000).toFixed(0)} s`);
  };
  for (let i = 0; inserted + batch.length < N; i++) {
    const cells = generateRow(i, 42);
    cells[1] = String(13_000_000_000 + i * 7 + 1_000_000);
    cells[2] = `user${i}@example${i % 7}.com`;
    cells[9] = '2020-01-01';
    try {
      const patch = normalizeContactInput(mapRecord(cells, mapping, mappingCtx).input, ctx);
      batch.push({ id: newId('contact'), state: applyContactPatch(emptyContactState(), patch) });
    } catch {
      continue;
    }
    if (batch.length >= 2000) await flush();
  }
  if (batch.length > 0) await flush();
}

/** Exports for people beside the plain ones: zh names, moments in UTC, a zone without DST and one with. */
const FOR_PEOPLE = ['zh', 'zh:Asia/Shanghai', 'zh:America/New_York'];

function runChild(env: Record<string, string>, exportCase: string): Promise<Record<string, number | string>> {
  const format = exportCase.split(':')[0]!;
  const out = path.join(os.tmpdir(), `kith-export-bench-${process.pid}.${format}`);
  return new Promise((resolve, reject) => {
    const built = process.env.KITH_BENCH_BUILT === '1';
    const child = path.join(import.meta.dirname, 'export-child.mjs');
    const p = spawn(process.execPath, [...(built ? [] : ['--import', 'tsx']), child, exportCase, out], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(stdout.trim().split('\n').at(-1)!))
        : reject(new Error(`child ${exportCase} exited ${code}`)),
    );
  });
}

async function main(): Promise<void> {
  const env = storeEnv();
  if (env.DATABASE_URL) {
    const client = new pg.Client({ connectionString: process.env.KITH_BENCH_DATABASE_URL });
    await client.connect();
    await client.query(`create schema if not exists kith_bench_export_${N}`);
    await client.end();
  }
  const kith = await openKith(loadConfig(env));
  try {
    await build(kith);
  } finally {
    await kith.close();
  }
  const cases =
    process.argv.length > 3
      ? process.argv.slice(3)
      : [
          ...EXPORT_FORMATS,
          ...['csv', 'xlsx'].flatMap((format) => FOR_PEOPLE.map((people) => `${format}:${people}`)),
        ];
  const goals: Record<string, number> = { csv: 100_000, ndjson: 100_000, xlsx: 20_000 };
  console.log(
    `export of ${N} contacts on ${env.DATABASE_URL ? 'PostgreSQL' : 'SQLite'}` +
      `${process.env.KITH_BENCH_BUILT === '1' ? ', built code' : ''}; load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
  );
  for (const exportCase of cases) {
    const r = await runChild(env, exportCase);
    const rate = Math.round(Number(r.rows) / Number(r.seconds));
    const goal = goals[exportCase.split(':')[0]!];
    console.log(
      `${exportCase.padEnd(7)} ${r.rows} rows in ${Number(r.seconds).toFixed(1)} s ` +
        `(${Number(r.cpu_seconds).toFixed(1)} CPU s, ${Math.round(Number(r.rows) / Number(r.cpu_seconds))} rows per CPU s): ${rate} rows/s` +
        `${goal ? ` (goal ${goal}: ${rate >= goal ? 'met' : 'NOT met'})` : ''}, ` +
        `${(Number(r.bytes) / 1e6).toFixed(0)} MB, peak RSS ${Number(r.peak_rss_mb).toFixed(0)} MB` +
        ` (goal 300: ${Number(r.peak_rss_mb) <= 300 ? 'met' : 'NOT met'})`,
    );
  }
}

await main();
