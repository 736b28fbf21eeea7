/**
 * The change feed read from the start (issue 18): N contacts are created through the contact writer
 * (sessions of 1,000, as an import batch writes them), then the feed is read from cursor 0 in pages of
 * 1,000 and 10,000, in-process (readChangeFeed) and through the API (GET /api/changes over loopback
 * HTTP: a real server in this process, the client in a process of its own), each entry with the
 * contact after the change; then pipelined (the next page asked for from the Link header before the
 * body is read), with include=none (no contact), and pipelined by a node:http client (no fetch).
 * Goal: ≥ 100,000 entries/s at 1,000,000 entries through the API.
 *
 * The server runs in this process with the young generation `npm start` gives it (package.json runs
 * this file under `node --max-semi-space-size=64`): with V8's default the server spent 15 % of its time
 * collecting the page's short-lived objects, against 3 %.
 *
 * The store is kept under KITH_BENCH_FEED_DIR (default /tmp/kith-bench-feed-<N>) and reused.
 *
 * Usage: npm run bench:change-feed [-- N]      (default 100,000; SQLite)
 *        KITH_BENCH_FEED_READS=api-pipelined,api-none   only those reads (in-process, api, api-10000,
 *        api-pipelined, api-none, api-http; all by default)
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { loadConfig } from '../src/config.js';
import type { Actor } from '../src/domain/actor.js';
import { emptyContactState } from '../src/domain/contact/contact-fields.js';
import { newId } from '../src/domain/ids.js';
import { buildServer } from '../src/server/app.js';
import { openKith } from '../src/services.js';
import { readChangeFeed } from '../src/sync/change-feed.js';

const N = Number(process.argv[2] ?? 100_000);
const actor: Actor = { userId: null, channel: 'system' };
const dir = process.env.KITH_BENCH_FEED_DIR ?? `/tmp/kith-bench-feed-${N}`;
const built = fs.existsSync(dir);
const reads = new Set(
  (process.env.KITH_BENCH_FEED_READS ?? 'in-process,api,api-10000,api-pipelined,api-none,api-http').split(
    ',',
  ),
);
fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
const kith = await openKith(loadConfig({ KITH_DATA_DIR: dir }));

function report(via: string, page: number, read: number, seconds: number, cpu: number, clientCpu?: number) {
  const perEntry = (s: number) => `${((s * 1e6) / read).toFixed(1)} µs/entry`;
  console.log(
    `${via.padEnd(30)} pages of ${String(page).padStart(6)}: ${read} entries in ${seconds.toFixed(1)} s, ` +
      `${Math.round(read / seconds)} entries/s (${via.startsWith('api') ? 'server ' : ''}CPU ${cpu.toFixed(1)} s, ` +
      perEntry(cpu) +
      (clientCpu === undefined ? '' : `; client CPU ${clientCpu.toFixed(1)} s, ${perEntry(clientCpu)}`) +
      `; load ${os.loadavg()[0]!.toFixed(1)})`,
  );
}

/**
 * A client following the feed from the start in a process of its own; resolves with what it read.
 * Pipelined, it asks for the next page as soon as a response's headers name it (`Link: rel="next"`),
 * then reads the body, so the server prepares one page while the client parses the other.
 */
function readOverHttp(
  url: string,
  token: string,
  page: number,
  how: { include: 'contact' | 'none'; pipelined: boolean; client: 'fetch' | 'http' },
): Promise<{ read: number; seconds: number; cpu: number }> {
  // fetch (undici), or node:http with a kept-alive agent: the body's bytes gathered and parsed once.
  const getter =
    how.client === 'fetch'
      ? `const get = (address) => fetch(address, { headers }).then((r) => ({
           status: r.status, link: r.headers.get('link'), json: () => r.json(), text: () => r.text() }));`
      : `const http = await import('node:http');
         const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
         const get = (address) => new Promise((resolve, reject) => http.get(address, { headers, agent }, (r) => {
           const body = new Promise((done) => { const chunks = []; r.on('data', (c) => chunks.push(c)); r.on('end', () => done(Buffer.concat(chunks).toString())); });
           resolve({ status: r.statusCode, link: r.headers.link ?? null, json: async () => JSON.parse(await body), text: () => body });
         }).on('error', reject));`;
  const client = `
    const origin = new URL(${JSON.stringify(url)}).origin;
    const headers = { authorization: 'Bearer ${token}' };
    ${getter}
    const t = performance.now(); let read = 0;
    let next = get(${JSON.stringify(url)} + '?after=0&limit=${page}&include=${how.include}');
    for (;;) {
      const r = await next;
      if (r.status !== 200) throw new Error('HTTP ' + r.status + ': ' + (await r.text()));
      const link = r.link;
      if (${how.pipelined} && link) next = get(origin + /<([^>]+)>/.exec(link)[1]);
      const p = await r.json();
      read += p.data.length;
      if (!p.has_more) break;
      if (!${how.pipelined}) next = get(${JSON.stringify(url)} + '?after=' + p.next_cursor + '&limit=${page}&include=${how.include}');
    }
    const cpu = process.cpuUsage();
    console.log(JSON.stringify({ read, seconds: (performance.now() - t) / 1000, cpu: (cpu.user + cpu.system) / 1e6 }));`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', client], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`client exited ${code}`)),
    );
  });
}

function cpuSeconds(since: NodeJS.CpuUsage) {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
}

try {
  if (!built) {
    const t = performance.now();
    for (let done = 0; done < N; done += 1000)
      await kith.store.db.transaction().execute(async (trx) => {
        const session = kith.contacts.writer.session(trx, actor);
        await session.create(
          Array.from({ length: Math.min(1000, N - done) }, (_, i) => ({
            id: newId('contact'),
            state: {
              ...emptyContactState(),
              name: `客户 ${done + i}`,
              email: `c${done + i}@feed.example`,
              phone: `+86139${String(10_000_000 + done + i)}`,
              tags: ['bench'],
              identities: { external_id: `E-${done + i}` },
            },
          })),
        );
        await session.finish();
      });
    console.log(`wrote ${N} contacts in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  const admin = await kith.users.create(
    { email: `bench-${Date.now()}@feed.example`, password: 'a long bench password', role: 'admin' },
    actor,
  );
  const { token } = await kith.tokens.create(admin.id, 'bench', actor);
  const app = await buildServer(kith, {});
  const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    for (const page of reads.has('in-process') ? [1000, 10_000] : []) {
      const t = performance.now();
      const cpu = process.cpuUsage();
      let read = 0;
      let cursor = '0';
      for (;;) {
        const p = await readChangeFeed(kith.store, cursor, page);
        read += p.data.length;
        cursor = p.next_cursor;
        if (!p.has_more) break;
      }
      report('in-process', page, read, (performance.now() - t) / 1000, cpuSeconds(cpu));
    }
    // Through the API: the client in a process of its own, so this process's CPU is the server's.
    for (const [readName, page, include, pipelined] of [
      ['api', 1000, 'contact', false],
      ['api-10000', 10_000, 'contact', false],
      ['api-pipelined', 1000, 'contact', true],
      ['api-none', 1000, 'none', true],
      ['api-http', 1000, 'contact', true],
    ] as const) {
      if (!reads.has(readName)) continue;
      const cpu = process.cpuUsage();
      const {
        read,
        seconds,
        cpu: clientCpu,
      } = await readOverHttp(`${baseUrl}/api/changes`, token, page, {
        include,
        pipelined,
        client: readName === 'api-http' ? 'http' : 'fetch',
      });
      report(
        `api${include === 'none' ? ', include=none' : ''}${pipelined ? ', pipelined' : ''}${readName === 'api-http' ? ', node:http' : ''}`,
        page,
        read,
        seconds,
        cpuSeconds(cpu),
        clientCpu,
      );
    }
  } finally {
    await app.close();
  }
  console.log(
    `load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
} finally {
  await kith.close();
}
