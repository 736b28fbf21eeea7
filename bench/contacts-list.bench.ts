/**
 * The customers list on a large store (issue 15): search by e-mail, phone (several writings, last
 * digits), identity, name fragments (Latin, Chinese incl. 王 and 张伟), a search that finds nothing, a
 * rare tag, attribute filters, tag counts, each sort, totals — p50/p95 of each, over HTTP against
 * `kith serve` running in a process of its own; then 20 clients doing the slowest search while 20
 * others page the list (the list's p99).
 *
 * The store is built once (N contacts from bench/generate-contacts.ts, bulk-inserted through the
 * import's writer, so the triggers of migration 0009 index them as an import would) and kept:
 *   SQLite:     under KITH_BENCH_LIST_DIR (default /tmp/kith-bench-list-<N>)
 *   PostgreSQL: KITH_BENCH_DATABASE_URL=postgres://… in the schema kith_bench_list_<N>
 *
 * Usage: npm run bench:contacts-list [-- N]       (default 1,000,000)
 *        KITH_BENCH_SECONDS=20 sets the concurrency phase's length; KITH_BENCH_REPEAT=40 the timed
 *        requests per case; KITH_BENCH_BUILD_ONLY=1 builds the store and stops.
 *        KITH_BENCH_CASES=<regex> times only the cases whose names match (the concurrency phase's
 *        slowest search is picked among them); KITH_BENCH_SEARCHERS=20 and KITH_BENCH_PAGERS=20 set
 *        its clients; KITH_BENCH_EXPORTERS=N adds N clients exporting every contact as CSV meanwhile
 *        (the body read and dropped); KITH_BENCH_SERVER_NODE_ARGS="--cpu-prof …" is passed to the
 *        server's node; KITH_BENCH_BUILT=1 runs the built server (dist/, as `npm start` does) instead of
 *        the sources under tsx; KITH_BENCH_CLIENT=fetch sends the requests with fetch instead of
 *        node:http.
 */
import fs from 'node:fs';
import http from 'node:http';
import pg from 'pg';
import { insertContactsBulk, type NewContact } from '../src/contacts/contact-repository.js';
import { loadConfig } from '../src/config.js';
import type { Actor } from '../src/domain/actor.js';
import { emptyContactState } from '../src/domain/contact/contact-fields.js';
import { applyContactPatch, normalizeContactInput } from '../src/domain/contact/contact-patch.js';
import { newId } from '../src/domain/ids.js';
import { mapRecord } from '../src/imports/map/column-mapping.js';
import { openKith, type KithServices } from '../src/services.js';
import { startKithServer } from './bench-kith.js';
import { GENERATED_ATTRIBUTES, generateRow } from './generate-contacts.js';
import { generatedMapping } from './preload-contacts.js';

const N = Number(process.argv[2] ?? 1_000_000);
const SECONDS = Number(process.env.KITH_BENCH_SECONDS ?? 20);
const REPEAT = Number(process.env.KITH_BENCH_REPEAT ?? 40);
const CASES = new RegExp(process.env.KITH_BENCH_CASES ?? '.');
const SEARCHERS = Number(process.env.KITH_BENCH_SEARCHERS ?? 20);
const PAGERS = Number(process.env.KITH_BENCH_PAGERS ?? 20);
const EXPORTERS = Number(process.env.KITH_BENCH_EXPORTERS ?? 0);
const actor: Actor = { userId: null, channel: 'system' };
const RARE_TAG = 'bench-rare';

function storeEnv(): Record<string, string> {
  const baseUrl = process.env.KITH_BENCH_DATABASE_URL;
  const dir = process.env.KITH_BENCH_LIST_DIR ?? `/tmp/kith-bench-list-${N}`;
  fs.mkdirSync(dir, { recursive: true });
  const env: Record<string, string> = { KITH_DATA_DIR: dir };
  if (baseUrl) {
    const url = new URL(baseUrl);
    url.searchParams.set('options', `-c search_path=kith_bench_list_${N}`);
    env.DATABASE_URL = url.toString();
  }
  return env;
}

async function ensureSchema(): Promise<void> {
  const baseUrl = process.env.KITH_BENCH_DATABASE_URL;
  if (!baseUrl) return;
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  await client.query(`create schema if not exists kith_bench_list_${N}`);
  await client.end();
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
    console.error(`reusing the store: ${live} contacts`);
    return;
  }
  if (live > 0) throw new Error(`the kept store holds ${live} contacts, fewer than ${N}: remove it first`);
  for (const { key, type, options } of GENERATED_ATTRIBUTES)
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
      console.error(`  ${inserted} contacts, ${((performance.now() - t) / 1000).toFixed(0)} s`);
  };
  for (let i = 0; inserted + batch.length < N; i++) {
    const cells = generateRow(i, 42);
    // Unique, valid keys: the generator's in-file duplicates and invalid values are for imports.
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
  console.error(`built ${inserted} contacts in ${((performance.now() - t) / 1000).toFixed(0)} s`);
}

/** One contact holds the rare tag (kept stores built before it was added get it now). */
async function ensureRareTag(kith: KithServices): Promise<void> {
  if ((await kith.tags.list()).some((t) => t.name === RARE_TAG && t.contact_count > 0)) return;
  const i = Math.floor(N * 0.777);
  const [rare] = await kith.contacts.listIds({ q: `user${i}@example${i % 7}.com` });
  if (rare) await kith.tags.addToContact(rare, [RARE_TAG], actor);
}

const pct = (sorted: number[], p: number) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const ms = (x: number) => +x.toFixed(1);

async function main(): Promise<void> {
  await ensureSchema();
  const env = storeEnv();
  const kith = await openKith(loadConfig(env));
  let token: string;
  try {
    await build(kith);
    await ensureRareTag(kith);
    if (process.env.KITH_BENCH_BUILD_ONLY) return;
    const email = `bench-${Date.now()}@example.org`;
    const user = await kith.users.create({ email, password: 'bench password 1', role: 'admin' }, actor);
    token = (await kith.tokens.create(user.id, 'bench', actor)).token;
  } finally {
    await kith.close();
  }
  if (process.env.KITH_BENCH_BUILD_ONLY) return;

  const port = 43000 + Math.floor(Math.random() * 2000);
  const server = await startKithServer(env, port, {
    built: process.env.KITH_BENCH_BUILT === '1',
    nodeArgs: (process.env.KITH_BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean),
  });
  const base = `http://127.0.0.1:${port}/api`;
  // The load generator shares the server's two cores, so it should cost as little as it can: node:http
  // on kept-alive sockets takes about half the CPU of fetch (its streams and Headers) per request.
  // KITH_BENCH_CLIENT=fetch measures with fetch, as the benchmark did before.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const viaHttp = (url: string) =>
    new Promise<{ status: number; serverTiming: string; text: string }>((resolve, reject) => {
      const request = http.get(
        `${base}${url}`,
        { agent, headers: { authorization: `Bearer ${token}` } },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              serverTiming: String(response.headers['server-timing'] ?? ''),
              text: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          response.on('error', reject);
        },
      );
      request.on('error', reject);
    });
  const viaFetch = async (url: string) => {
    const r = await fetch(`${base}${url}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: r.status, serverTiming: r.headers.get('server-timing') ?? '', text: await r.text() };
  };
  const send = process.env.KITH_BENCH_CLIENT === 'fetch' ? viaFetch : viaHttp;
  type Body = { data?: unknown[]; total?: number; next_cursor?: string | null };
  const get = async (url: string) => {
    const t = performance.now();
    const r = await send(url);
    const ms = performance.now() - t;
    // The server's own time (Server-Timing: authentication to serialisation), without the loopback
    // and this client's share of the two cores.
    const server = Number(/dur=([\d.]+)/.exec(r.serverTiming)?.[1] ?? NaN);
    let parsed: Body | null = null;
    return {
      ms,
      server,
      status: r.status,
      // Parsed when asked for: the concurrency phase's clients read only the next cursor.
      get body(): Body {
        return (parsed ??= JSON.parse(r.text) as Body);
      },
      // The page's own next_cursor is the last one in its text: a value inside the data cannot hold
      // that key with unescaped quotes. Read from there, however long the cursor.
      nextCursor: () =>
        /^"next_cursor":"([^"]+)"/.exec(r.text.slice(r.text.lastIndexOf('"next_cursor":')))?.[1] ?? null,
    };
  };
  try {
    const pick = (k: number) => Math.floor(((k * 7919) % 997) * (N / 1000)) + 11;
    const phone = (i: number) => String(13_000_000_000 + i * 7 + 1_000_000);
    const enc = encodeURIComponent;
    const cases: [string, (k: number) => string][] = [
      ['search e-mail (exact)', (k) => `/contacts?q=${enc(`user${pick(k)}@example${pick(k) % 7}.com`)}`],
      ['search phone 13800138000', (k) => `/contacts?q=${phone(pick(k))}`],
      [
        'search phone +86 138 0013 8000',
        (k) => `/contacts?q=${enc(`+86 ${phone(pick(k)).replace(/(\d{3})(\d{4})(\d{4})/, '$1 $2 $3')}`)}`,
      ],
      [
        'search phone 0086-138-0013-8000',
        (k) => `/contacts?q=${enc(`0086-${phone(pick(k)).replace(/(\d{3})(\d{4})(\d{4})/, '$1-$2-$3')}`)}`,
      ],
      ['search phone last 4 digits', (k) => `/contacts?q=${phone(pick(k)).slice(-4)}`],
      ['search phone last 6 digits', (k) => `/contacts?q=${phone(pick(k)).slice(-6)}`],
      ['search identity value', (k) => `/contacts?q=EXT-${pick(k)}`],
      ['search name joh', () => `/contacts?q=joh`],
      ['search name smith', () => `/contacts?q=smith`],
      ['search name müller', () => `/contacts?q=${enc('müller')}`],
      ['search name 王', () => `/contacts?q=${enc('王')}`],
      ['search name 张伟', () => `/contacts?q=${enc('张伟')}`],
      ['search name 秀英', () => `/contacts?q=${enc('秀英')}`],
      ['search name 王 page 5', () => `/contacts?q=${enc('王')}`],
      ['search no result (name)', (k) => `/contacts?q=zqx${k}vw`],
      ['search no result (e-mail)', (k) => `/contacts?q=${enc(`nobody${k}@nowhere.example`)}`],
      // A local part as support types it: the beginning of e-mails and a name search at once.
      ['search e-mail local part', (k) => `/contacts?q=${enc(`zhang.wei${k}`)}`],
      ['rare tag', () => `/contacts?tag=${RARE_TAG}`],
      ['common tag (VIP)', () => `/contacts?tag=VIP`],
      ['attribute tier=Gold', () => `/contacts?attr.tier=Gold`],
      ['attribute note (one contact)', (k) => `/contacts?${enc('attr.note')}=${enc(`note ${pick(k)}`)}`],
      ['tag counts /api/tags', () => `/tags`],
      ['first page, no total', () => `/contacts?total=false`],
      ['first page with total', () => `/contacts`],
      ['sort name', () => `/contacts?sort=name`],
      ['sort -name', () => `/contacts?sort=-name`],
      ['sort created_at', () => `/contacts?sort=created_at`],
      ['sort -created_at', () => `/contacts?sort=-created_at`],
      ['sort updated_at', () => `/contacts?sort=updated_at`],
      ['sort -updated_at', () => `/contacts?sort=-updated_at`],
      ['sort -updated_at + tag VIP', () => `/contacts?sort=-updated_at&tag=VIP`],
      ['sort name + search 王', () => `/contacts?sort=name&q=${enc('王')}`],
      ['sort -name + search 王', () => `/contacts?sort=-name&q=${enc('王')}`],
      // A given name ends 33,000 names, spread over the whole name index.
      ['sort name + search 秀英', () => `/contacts?sort=name&q=${enc('秀英')}`],
      ['sort -created_at + search 秀英', () => `/contacts?sort=-created_at&q=${enc('秀英')}`],
      [
        'created_since a day ago',
        () => `/contacts?created_since=${enc(new Date(Date.now() - 86_400_000).toISOString())}`,
      ],
    ];
    const results: Record<string, unknown>[] = [];
    for (const [name, url] of cases) {
      if (!CASES.test(name)) continue;
      const times: number[] = [];
      const serverTimes: number[] = [];
      let sample: { status: number; total?: number; count?: number } | null = null;
      // Warm-up, then timed requests; "page 5" follows cursors.
      await get(url(0));
      for (let k = 1; k <= REPEAT; k++) {
        let target = url(k);
        if (name.endsWith('page 5')) {
          let r = await get(target);
          for (let p = 0; p < 3 && r.body.next_cursor; p++)
            r = await get(`${target}&cursor=${r.body.next_cursor}`);
          target = `${target}&cursor=${r.body.next_cursor}`;
        }
        const r = await get(target);
        times.push(r.ms);
        serverTimes.push(r.server);
        sample ??= { status: r.status, total: r.body.total, count: r.body.data?.length };
      }
      times.sort((a, b) => a - b);
      serverTimes.sort((a, b) => a - b);
      const row = {
        case: name,
        p50: ms(pct(times, 50)),
        p95: ms(pct(times, 95)),
        max: ms(times[times.length - 1]!),
        server_p50: ms(pct(serverTimes, 50)),
        server_p95: ms(pct(serverTimes, 95)),
        ...sample,
      };
      results.push({ ...row, load: fs.readFileSync('/proc/loadavg', 'utf8').split(' ')[0] });
      console.error(JSON.stringify(row));
    }

    // Concurrency: 20 clients on the slowest search, 20 paging the list.
    const slowest = results
      .filter((r) => String(r.case).startsWith('search'))
      .sort((a, b) => (b.p95 as number) - (a.p95 as number))[0] ?? { case: 'search name 张伟' };
    const slowUrl = cases.find(([n]) => n === slowest.case)![1];
    const stopAt = performance.now() + SECONDS * 1000;
    const listTimes: number[] = [];
    const listServerTimes: number[] = [];
    const searchTimes: number[] = [];
    // CPU seconds of this client and of the server process during the phase (2 cores: their sum
    // against 2 × the phase's length says what the database and everything else had left).
    const serverCpu = () => {
      const f = fs.readFileSync(`/proc/${server.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return (Number(f[11]) + Number(f[12])) / 100;
    };
    const cpu0 = { client: process.cpuUsage(), server: serverCpu(), at: performance.now() };
    let errors = 0;
    const searcher = async (c: number) => {
      for (let k = c * 1000; performance.now() < stopAt; k++) {
        const r = await get(slowUrl(k));
        if (r.status !== 200) errors++;
        searchTimes.push(r.ms);
      }
    };
    const pager = async () => {
      let cursor: string | null = null;
      while (performance.now() < stopAt) {
        const r = await get(`/contacts?limit=50&total=false${cursor ? `&cursor=${cursor}` : ''}`);
        if (r.status !== 200) errors++;
        listTimes.push(r.ms);
        listServerTimes.push(r.server);
        cursor = r.nextCursor();
      }
    };
    let exportedBytes = 0;
    const exporter = async () => {
      while (performance.now() < stopAt) {
        const controller = new AbortController();
        const r = await fetch(`${base}/contacts/export?format=csv`, {
          headers: { authorization: `Bearer ${token}` },
          signal: controller.signal,
        });
        if (r.status !== 200) errors++;
        try {
          for await (const chunk of r.body!) {
            exportedBytes += (chunk as Uint8Array).length;
            if (performance.now() >= stopAt) controller.abort();
          }
        } catch {
          // aborted at the end of the phase
        }
      }
    };
    await Promise.all([
      ...Array.from({ length: SEARCHERS }, (_, c) => searcher(c)),
      ...Array.from({ length: PAGERS }, pager),
      ...Array.from({ length: EXPORTERS }, exporter),
    ]);
    const clientCpu = process.cpuUsage(cpu0.client);
    const cpu = {
      wall_s: ms((performance.now() - cpu0.at) / 1000),
      client_cpu_s: ms((clientCpu.user + clientCpu.system) / 1e6),
      server_cpu_s: ms(serverCpu() - cpu0.server),
    };
    listTimes.sort((a, b) => a - b);
    listServerTimes.sort((a, b) => a - b);
    searchTimes.sort((a, b) => a - b);
    const concurrency = {
      slowest_search: slowest.case,
      searchers: SEARCHERS,
      pagers: PAGERS,
      exporters: EXPORTERS,
      exported_mb: ms(exportedBytes / 1e6),
      seconds: SECONDS,
      list_requests: listTimes.length,
      list_p50: ms(pct(listTimes, 50)),
      list_p95: ms(pct(listTimes, 95)),
      list_p99: ms(pct(listTimes, 99)),
      list_server_p50: ms(pct(listServerTimes, 50)),
      list_server_p99: ms(pct(listServerTimes, 99)),
      search_requests: searchTimes.length,
      search_p50: ms(pct(searchTimes, 50)),
      search_p99: ms(pct(searchTimes, 99)),
      errors,
      ...cpu,
      load: fs.readFileSync('/proc/loadavg', 'utf8').trim(),
    };
    console.error(JSON.stringify(concurrency));
    console.log(
      JSON.stringify(
        {
          database: env.DATABASE_URL ? 'postgres' : 'sqlite',
          contacts: N,
          load: fs.readFileSync('/proc/loadavg', 'utf8').trim(),
          results,
          concurrency,
        },
        null,
        2,
      ),
    );
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
  }
}

await main();
