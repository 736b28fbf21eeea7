/**
 * `npm run bench:orders [-- ORDERS]`: a Tmall import of ORDERS orders (default 1,000,000) with 1.6
 * items each, GBK like the seller centre's export, against ORDERS/2 existing customers: 70 % of the
 * orders are theirs (matched by phone), the rest come from about ORDERS/5 new buyers (created).
 * Prints the import's wall time, orders per second and the process's peak RSS, and before the import
 * the ceiling (see measureCeiling) and the import's share of it. Goal (issue 17):
 * ≥ 15,000 orders/s on SQLite, peak RSS ≤ 500 MB. KITH_BENCH_DATABASE_URL runs it on PostgreSQL.
 */
import os from 'node:os';
import { sql } from 'kysely';
import path from 'node:path';
import type { NewContact } from '../src/contacts/contact-repository.js';
import type { Actor } from '../src/domain/actor.js';
import { emptyContactState } from '../src/domain/contact/contact-fields.js';
import { newId } from '../src/domain/ids.js';
import { readSourceRecords } from '../src/imports/read/source-reader.js';
import type { TmallStoredSource } from '../src/orders/tmall-order-import.js';
import type { Store } from '../src/store/database.js';
import type { Queryable } from '../src/store/transaction.js';
import { openBenchKith } from './bench-kith.js';
import { writeLargeTmallFiles } from './tmall-files.js';

const ORDERS = Number(process.argv[2] ?? 1_000_000);
const CUSTOMERS = Math.floor(ORDERS / 2);
const NEW_BUYERS = Math.max(1, Math.floor(ORDERS / 5));
const actor: Actor = { userId: null, channel: 'system' };

const existingPhone = (k: number) => String(13_800_000_000 + k);
const phoneOf = (i: number) =>
  i % 10 < 7 ? existingPhone((i * 7919) % CUSTOMERS) : String(13_900_000_000 + (i % NEW_BUYERS));

const bench = await openBenchKith();
const { kith } = bench;
try {
  let t = performance.now();
  let batch: NewContact[] = [];
  const flush = async () => {
    const rows = batch;
    batch = [];
    // Through the contact writer, as every customer in Kith is: each has its `created` change-log
    // entry, whose content hash an order link reuses (a contact without one would be loaded instead).
    await kith.store.db.transaction().execute(async (trx) => {
      const session = kith.contacts.writer.session(trx, actor);
      await session.create(rows);
      await session.finish();
    });
  };
  for (let k = 0; k < CUSTOMERS; k++) {
    const state = emptyContactState();
    state.name = `客户${k}`;
    state.phone = `+86${existingPhone(k)}`;
    batch.push({ id: newId('contact'), state });
    if (batch.length >= 2000) await flush();
  }
  await flush();
  console.error(`seeded ${CUSTOMERS} customers in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  t = performance.now();
  const ordersFile = path.join(bench.dir, 'orders.csv');
  const itemsFile = path.join(bench.dir, 'items.csv');
  const { items } = writeLargeTmallFiles(ordersFile, itemsFile, ORDERS, phoneOf);
  console.error(
    `wrote ${ORDERS} orders and ${items} items (GBK) in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );

  const id = await kith.orders.startTmallImport(
    {
      ordersPath: ordersFile,
      ordersFileName: 'orders.csv',
      itemsPath: itemsFile,
      itemsFileName: 'items.csv',
      runAutomationRules: false,
    },
    actor,
  );
  const source = JSON.parse(
    (
      await kith.store.db
        .selectFrom('imports')
        .select('source')
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
    ).source,
  ) as TmallStoredSource;
  const ceiling = await measureCeiling(kith.store, source);
  console.error(`ceiling: ${JSON.stringify(ceiling)}`);

  const rssBefore = process.memoryUsage().rss;
  const cpuBefore = process.cpuUsage();
  const loadBefore = os.loadavg();
  t = performance.now();
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 200);
  await kith.jobs.runner().runOnce({ subjectId: id });
  clearInterval(sampler);
  const seconds = (performance.now() - t) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const record = await kith.imports.get(id);
  const result = {
    database: process.env.KITH_BENCH_DATABASE_URL ? 'postgresql' : 'sqlite',
    orders: ORDERS,
    items,
    customers: CUSTOMERS,
    status: record.status,
    created: record.created,
    failed: record.failed,
    summary: record.summary,
    seconds: Number(seconds.toFixed(1)),
    orders_per_second: Math.round(ORDERS / seconds),
    // The process's CPU (every thread: the import, the WAL checkpointer, the garbage collector).
    cpu_seconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(1)),
    orders_per_cpu_second: Math.round(ORDERS / ((cpu.user + cpu.system) / 1e6)),
    ceiling,
    // The import's speed as a share of the ceiling's, by wall time and by CPU time.
    share_of_ceiling: Number(
      (ceiling.orders_per_second > 0 ? ORDERS / seconds / ceiling.orders_per_second : 0).toFixed(3),
    ),
    share_of_ceiling_cpu: Number(
      (ORDERS / ((cpu.user + cpu.system) / 1e6) / ceiling.orders_per_cpu_second).toFixed(3),
    ),
    load_average: `${loadBefore.map((l) => l.toFixed(1)).join(' ')} → ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
    rss_before_import_mb: Math.round(rssBefore / 1024 / 1024),
    peak_rss_during_import_mb: Math.round(Math.max(peak, process.memoryUsage().rss) / 1024 / 1024),
    peak_rss_process_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, ${Math.round(os.totalmem() / 1024 ** 3)} GB, Node ${process.version}`,
  };
  console.log(JSON.stringify(result, null, 2));
  if (record.status !== 'completed') process.exitCode = 1;
} finally {
  await bench.dispose();
}

/**
 * The ceiling no import of these files can beat on this store: both files read through the import's
 * own reader (decoding and CSV parsing), and the least an order writes — its raw row, its items' raw
 * rows, a timeline event and an import row — bulk-inserted into plain tables (a primary key each, no
 * other index) through the store's row writer, 2,000 orders a transaction like the import. No
 * mapping, no matching, no customers, no change log, no purchase facts.
 */
async function measureCeiling(store: Store, source: TmallStoredSource) {
  const tables = {
    bench_ceiling_items: 'row_number integer primary key, cells text not null',
    bench_ceiling_orders: 'row_number integer primary key, cells text not null',
    bench_ceiling_events: 'row_number integer primary key, data text not null',
    bench_ceiling_outcomes: 'row_number integer primary key, action text not null, changes text not null',
  };
  for (const [name, columns] of Object.entries(tables))
    await sql.raw(`create table ${name} (${columns})`).execute(store.db);
  // Plain tables are not in the schema's types: the row writer takes any table by name.
  const plain = (trx: Queryable) => (table: string, rows: object[]) =>
    store.rowWriter(trx).insert(table as 'orders', rows as never);
  const insert = async (table: string, rows: object[]) =>
    store.db.transaction().execute((trx) => plain(trx)(table, rows));
  const cpuBefore = process.cpuUsage();
  const t = performance.now();
  let items = 0;
  let orders = 0;
  const batch: object[] = [];
  for await (const rec of readSourceRecords(source.items.path, source.items)) {
    batch.push({ row_number: rec.rowNumber, cells: JSON.stringify(rec.cells) });
    items++;
    if (batch.length >= 3200) await insert('bench_ceiling_items', batch.splice(0));
  }
  await insert('bench_ceiling_items', batch.splice(0));
  const flush = async () => {
    const rows = batch.splice(0) as { row_number: number; cells: string }[];
    await store.db.transaction().execute(async (trx) => {
      const write = plain(trx);
      await write('bench_ceiling_orders', rows);
      await write(
        'bench_ceiling_events',
        rows.map((r) => ({ row_number: r.row_number, data: `{"order":${r.row_number}}` })),
      );
      await write(
        'bench_ceiling_outcomes',
        rows.map((r) => ({
          row_number: r.row_number,
          action: 'created',
          changes: `{"order":${r.row_number}}`,
        })),
      );
    });
  };
  for await (const rec of readSourceRecords(source.path, source)) {
    batch.push({ row_number: rec.rowNumber, cells: JSON.stringify(rec.cells) });
    orders++;
    if (batch.length >= 2000) await flush();
  }
  await flush();
  const seconds = (performance.now() - t) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  for (const name of Object.keys(tables)) await sql.raw(`drop table ${name}`).execute(store.db);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return {
    orders,
    items,
    seconds: Number(seconds.toFixed(1)),
    orders_per_second: Math.round(orders / seconds),
    cpu_seconds: Number(cpuSeconds.toFixed(1)),
    orders_per_cpu_second: Math.round(orders / cpuSeconds),
  };
}
