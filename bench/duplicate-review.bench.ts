/**
 * The duplicate review screens' server time (issue 20): on a store of N customers where about P/N of
 * them have a near-copy (same name, birthday, gender and city; their own e-mail and phone), a full scan
 * fills the review queue; then, over HTTP against `kith serve` in a process of its own, p50/p95 of what
 * the queue and compare screens ask: the queue's first page and a later page (keyset), a band filter,
 * the counts, the scans, one pair, the pair's two customers by id, and the merge's dry run.
 *
 * The store is built and scanned once and kept under KITH_BENCH_REVIEW_DIR (default
 * /tmp/kith-bench-review-<N>). Usage: npm run bench:duplicate-review [-- N [PAIRS]]
 * (default 1,000,000 customers, 100,000 near-copies).
 */
import fs from 'node:fs';
import { insertContactsBulk, type NewContact } from '../src/contacts/contact-repository.js';
import { loadConfig } from '../src/config.js';
import type { Actor } from '../src/domain/actor.js';
import { emptyContactState } from '../src/domain/contact/contact-fields.js';
import { applyContactPatch, normalizeContactInput } from '../src/domain/contact/contact-patch.js';
import { newId } from '../src/domain/ids.js';
import { openKith, type KithServices } from '../src/services.js';
import { startKithServer } from './bench-kith.js';

const N = Number(process.argv[2] ?? 1_000_000);
const COPIES = Number(process.argv[3] ?? Math.min(100_000, Math.floor(N / 10)));
const REPEAT = Number(process.env.KITH_BENCH_REPEAT ?? 40);
const actor: Actor = { userId: null, channel: 'system' };

const FIRST = ['Wei', 'Jing', 'Min', 'James', 'Mary', 'John', 'Li', 'Anna', 'Peter', 'Xiu', 'Lars', 'Emma'];
const LAST = ['Zhang', 'Wang', 'Li', 'Smith', 'Brown', 'Chen', 'Liu', 'Jones', 'Müller', 'Huang', 'Zhao'];
const CITIES = ['Shanghai', 'Beijing', 'Leeds', 'Boston', 'Hangzhou', 'Berlin', 'Shenzhen', 'Lyon'];

/** Customer i; a near-copy (i ≥ N - COPIES) repeats customer i - (N - COPIES) but for its keys. */
function person(i: number) {
  const base = i >= N - COPIES ? i - (N - COPIES) : i;
  return {
    name: `${FIRST[base % FIRST.length]} ${LAST[Math.floor(base / FIRST.length) % LAST.length]} ${base}`,
    email: `person${i}@example${i % 7}.com`,
    phone: `+86${13_000_000_000 + i * 7 + 1_000_000}`,
    birthday: `19${50 + (base % 50)}-0${1 + (base % 9)}-1${base % 10}`,
    gender: base % 2 === 0 ? 'female' : 'male',
    city: CITIES[base % CITIES.length],
  };
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
  if (live >= N) {
    console.error(`reusing the store: ${live} customers`);
    return;
  }
  if (live > 0) throw new Error(`the kept store holds ${live} customers, fewer than ${N}: remove it first`);
  const ctx = await kith.contacts.normalizeContext();
  const t = performance.now();
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
  for (let i = 0; i < N; i++) {
    const patch = normalizeContactInput(person(i), ctx);
    batch.push({ id: newId('contact'), state: applyContactPatch(emptyContactState(), patch) });
    if (batch.length >= 2000) await flush();
  }
  await flush();
  console.error(`built ${N} customers in ${((performance.now() - t) / 1000).toFixed(0)} s`);
  const s = performance.now();
  const scan = await kith.duplicateScans.scan({ actor });
  console.error(
    `scanned in ${((performance.now() - s) / 1000).toFixed(0)} s: ${scan.pairs} pairs (${scan.match_pairs} match), ${scan.clusters} clusters`,
  );
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function main(): Promise<void> {
  const dir = process.env.KITH_BENCH_REVIEW_DIR ?? `/tmp/kith-bench-review-${N}`;
  fs.mkdirSync(dir, { recursive: true });
  const env = { KITH_DATA_DIR: dir };
  const kith = await openKith(loadConfig(env));
  let token: string;
  try {
    await build(kith);
    const user = await kith.users.create(
      { email: `bench-${Date.now()}@example.org`, password: 'bench password 1', role: 'admin' },
      actor,
    );
    token = (await kith.tokens.create(user.id, 'bench', actor)).token;
  } finally {
    await kith.close();
  }

  const port = 45000 + Math.floor(Math.random() * 2000);
  const server = await startKithServer(env, port);
  const base = `http://127.0.0.1:${port}/api`;
  const call = async (method: string, url: string, body?: unknown) => {
    const t = performance.now();
    const r = await fetch(`${base}${url}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = (await r.json()) as Record<string, unknown>;
    if (r.status !== 200) throw new Error(`${method} ${url}: ${r.status} ${JSON.stringify(json)}`);
    return { ms: performance.now() - t, json };
  };
  try {
    const first = (await call('GET', '/duplicates?limit=50')).json.data as {
      id: string;
      contact_a: string;
      contact_b: string;
    }[];
    const deep = (await call('GET', `/duplicates?limit=1000`)).json.data as { id: string }[];
    const open = ((await call('GET', '/duplicates/counts')).json.status as { open: number }).open;
    const pair = (k: number) => first[k % first.length]!;
    const cases: [string, string, (k: number) => string, ((k: number) => unknown)?][] = [
      ['queue, first page', 'GET', () => '/duplicates?limit=50'],
      ['queue, a later page', 'GET', (k) => `/duplicates?limit=50&after=${deep[(k * 37) % deep.length]!.id}`],
      ['queue, match band', 'GET', () => '/duplicates?limit=50&band=match'],
      ['queue, agrees on city', 'GET', () => '/duplicates?limit=50&field=city'],
      ['counts', 'GET', () => '/duplicates/counts'],
      ['scans', 'GET', () => '/duplicates/scans'],
      ['one pair', 'GET', (k) => `/duplicates/${pair(k).id}`],
      [
        'the pair’s customers',
        'GET',
        (k) => `/contacts?ids=${pair(k).contact_a},${pair(k).contact_b}&limit=2`,
      ],
      [
        'merge dry run',
        'POST',
        () => '/contacts/merge',
        (k) => ({ contact_ids: [pair(k).contact_a, pair(k).contact_b], dry_run: true }),
      ],
    ];
    const results: Record<string, { p50_ms: number; p95_ms: number }> = {};
    for (const [name, method, url, body] of cases) {
      const times: number[] = [];
      for (let k = 0; k < REPEAT; k++) times.push((await call(method, url(k), body?.(k))).ms);
      times.sort((a, b) => a - b);
      results[name] = { p50_ms: +pct(times, 50).toFixed(1), p95_ms: +pct(times, 95).toFixed(1) };
      console.error(`${name}: p50 ${results[name]!.p50_ms} ms, p95 ${results[name]!.p95_ms} ms`);
    }
    console.log(
      JSON.stringify(
        { customers: N, near_copies: COPIES, open_pairs: open, repeat: REPEAT, results },
        null,
        2,
      ),
    );
  } finally {
    server.kill();
  }
}

await main();
