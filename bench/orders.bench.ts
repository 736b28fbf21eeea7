/**
 * `npm run bench:orders [-- ORDERS]`: a Tmall import of ORDERS orders (default 1,000,000) with 1.6
 * items each, GBK like the seller centre's export, against ORDERS/2 existing customers: 70 % of the
 * orders are theirs (matched by phone), the rest come from about ORDERS/5 new buyers (created).
 * Prints the import's wall time, orders per second and the process's peak RSS. Goal (issue 17):
 * ≥ 15,000 orders/s on SQLite, peak RSS ≤ 500 MB. KITH_BENCH_DATABASE_URL runs it on PostgreSQL.
 */
import os from 'node:os';
import path from 'node:path';
import { insertContactsBulk, type NewContact } from '../src/contacts/contact-repository.js';
import type { Actor } from '../src/domain/actor.js';
import { emptyContactState } from '../src/domain/contact/contact-fields.js';
import { newId } from '../src/domain/ids.js';
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
    await kith.store.db
      .transaction()
      .execute((trx) =>
        insertContactsBulk(trx, rows, { at: new Date().toISOString(), by: null }, kith.store.rowWriter(trx)),
      );
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

  const rssBefore = process.memoryUsage().rss;
  const cpuBefore = process.cpuUsage();
  const loadBefore = os.loadavg();
  t = performance.now();
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
