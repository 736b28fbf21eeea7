/**
 * The agent workspace at scale (issue 21), against `kith serve` in a process of its own:
 * 1. the conversation list's server time (the response's duration measured over loopback, and the
 *    server's own as `kith serve` logs none: we take the client's, an upper bound) with N conversations
 *    (default 100,000) over 5 inboxes — Mine / Unassigned / All × status, longest waiting first, first
 *    page and a later one (keyset), with and without an inbox, as an agent of 2 inboxes and as an admin,
 *    and the tabs' counts; goal p95 ≤ 100 ms;
 * 2. live update latency: messages written by this (other) process reach a stream client — from the
 *    write's commit to the event's arrival; goal ≤ 1 s;
 * 3. C stream clients (default 200) connected at once on loopback, each written message must reach
 *    every client that may see it, without errors.
 *
 * The store is seeded once (conversation rows written in bulk, as a bench may) and kept under
 * KITH_BENCH_CONVERSATIONS_DIR (default /tmp/kith-bench-conversations-<N>); PostgreSQL when
 * DATABASE_URL is set. Usage: npm run bench:conversations [-- N [CLIENTS]]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { loadConfig } from '../src/config.js';
import { SYSTEM_ACTOR } from '../src/domain/actor.js';
import { newId } from '../src/domain/ids.js';
import { openKith, type KithServices } from '../src/services.js';

const N = Number(process.argv[2] ?? 100_000);
const CLIENTS = Number(process.argv[3] ?? 200);
const REPEAT = Number(process.env.KITH_BENCH_REPEAT ?? 30);
const STATUSES = ['open', 'pending', 'snoozed', 'resolved'] as const;

async function seed(kith: KithServices): Promise<{ inboxes: string[]; agents: string[] }> {
  const db = kith.store.db;
  const have = Number(
    (
      await db
        .selectFrom('conversations')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirst()
    )?.n ?? 0,
  );
  const inboxes = (await kith.inboxes.list()).map((i) => i.id);
  const agents = (await kith.agents.list()).filter((a) => a.role === 'agent').map((a) => a.user_id);
  if (have >= N) {
    console.error(`reusing the store: ${have} conversations`);
    return { inboxes, agents };
  }
  if (have > 0)
    throw new Error(`the kept store holds ${have} conversations, fewer than ${N}: remove it first`);
  const t = performance.now();
  await kith.users.create(
    { email: 'admin@bench.test', password: 'bench password 1', role: 'admin' },
    SYSTEM_ACTOR,
  );
  for (let i = 0; i < 10; i++) {
    const user = await kith.users.create(
      { email: `agent${i}@bench.test`, password: 'bench password 1', role: 'agent' },
      SYSTEM_ACTOR,
    );
    agents.push(user.id);
  }
  for (let i = 0; i < 5; i++)
    inboxes.push((await kith.inboxes.create({ name: `Inbox ${i}` }, SYSTEM_ACTOR)).id);
  // Each agent in two inboxes.
  for (let a = 0; a < agents.length; a++)
    for (const k of [a % 5, (a + 1) % 5]) await kith.inboxes.addMember(inboxes[k]!, agents[a]!, SYSTEM_ACTOR);
  const contacts: string[] = [];
  for (let i = 0; i < 2000; i++)
    contacts.push(
      (await kith.contacts.create({ name: `Customer ${i}`, email: `c${i}@bench.test` }, SYSTEM_ACTOR)).id,
    );
  const start = Date.parse('2026-06-01T00:00:00Z');
  for (let from = 0; from < N; from += 1000) {
    const rows = [];
    for (let i = from; i < Math.min(N, from + 1000); i++) {
      // Most conversations are resolved; a few thousand open, pending or snoozed; a third unassigned.
      const r = (i * 2654435761) % 100;
      const status = r < 8 ? 'open' : r < 11 ? 'pending' : r < 13 ? 'snoozed' : 'resolved';
      const assignee = i % 3 === 0 ? null : agents[i % agents.length]!;
      const at = new Date(start + i * 60_000).toISOString();
      rows.push({
        id: newId('conversation'),
        inbox_id: inboxes[i % inboxes.length]!,
        contact_id: contacts[i % contacts.length]!,
        status,
        snoozed_until: status === 'snoozed' ? '2027-01-01T00:00:00.000Z' : null,
        assignee_id: assignee,
        team_id: null,
        priority: null,
        labels: '[]',
        attributes: '{}',
        waiting_since: status === 'open' && assignee === null ? at : null,
        last_message_at: i % 5 === 0 ? null : at,
        created_at: at,
        updated_at: at,
      });
    }
    await db.insertInto('conversations').values(rows).execute();
  }
  console.error(`seeded ${N} conversations in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  return { inboxes, agents };
}

function startServer(env: Record<string, string>, port: number): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', String(port), '--host', '127.0.0.1'],
    { env: { ...process.env, ...env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 60_000;
    const poll = async () => {
      try {
        if ((await fetch(`http://127.0.0.1:${port}/api/health`)).ok) return resolve(child);
      } catch {
        // not yet
      }
      if (Date.now() > deadline || child.exitCode !== null)
        return reject(new Error('the server did not start'));
      setTimeout(poll, 200);
    };
    void poll();
  });
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

/** A stream client: counts conversation events and when each message id arrived. */
function openStream(url: string, token: string) {
  const arrived = new Map<string, number>();
  let errors = 0;
  let ready = false;
  const controller = new AbortController();
  const done = (async () => {
    const response = await fetch(url, {
      headers: { authorization: `Bearer ${token}` },
      signal: controller.signal,
    });
    if (response.status !== 200) throw new Error(`stream answered ${response.status}`);
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (frame.includes('event: ready')) ready = true;
        const data = /^data: (.*)$/m.exec(frame)?.[1];
        if (frame.includes('event: conversation') && data) {
          const change = JSON.parse(data) as { message: { content: string } | null };
          if (change.message) arrived.set(change.message.content, performance.now());
        }
      }
    }
  })().catch((e: Error) => {
    if (e.name !== 'AbortError') errors++;
  });
  return {
    arrived,
    get errors() {
      return errors;
    },
    get ready() {
      return ready;
    },
    close: async () => {
      controller.abort();
      await done;
    },
  };
}

async function main() {
  const dir = process.env.KITH_BENCH_CONVERSATIONS_DIR ?? `/tmp/kith-bench-conversations-${N}`;
  fs.mkdirSync(dir, { recursive: true });
  const env: Record<string, string> = { KITH_DATA_DIR: dir };
  if (process.env.DATABASE_URL) env.DATABASE_URL = process.env.DATABASE_URL;
  const kith = await openKith(loadConfig(env));
  const { inboxes, agents } = await seed(kith);
  const admin = (await kith.users.list()).find((u) => u.role === 'admin')!;
  const adminToken = (await kith.tokens.create(admin.id, 'bench', SYSTEM_ACTOR)).token;
  // The admin half of the stream clients are several administrators, ten streams each as the agents'
  // (one user may hold 20 streams: GET /api/live).
  const streamAdminTokens: string[] = [];
  for (let k = 0; k < Math.ceil(CLIENTS / 2 / 10); k++) {
    const email = `stream-admin${k}@bench.test`;
    const user =
      (await kith.users.list()).find((u) => u.email === email) ??
      (await kith.users.create({ email, password: 'bench password 1', role: 'admin' }, SYSTEM_ACTOR));
    streamAdminTokens.push((await kith.tokens.create(user.id, 'bench', SYSTEM_ACTOR)).token);
  }
  const agentTokens = await Promise.all(
    agents.map(async (id) => (await kith.tokens.create(id, 'bench', SYSTEM_ACTOR)).token),
  );
  const port = 4700 + Math.floor(Math.random() * 200);
  const server = await startServer(env, port);
  const base = `http://127.0.0.1:${port}`;
  console.log(
    `store: ${kith.store.dialect}, ${N} conversations, 5 inboxes, 10 agents; load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}, ${os.cpus().length} cores`,
  );
  try {
    // 1. Lists and counts.
    const get = async (path: string, token: string) => {
      const t = performance.now();
      const response = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
      const body = (await response.json()) as { next_after?: string | null };
      if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(body)}`);
      return { ms: performance.now() - t, body };
    };
    const cases: { name: string; path: string; token: string }[] = [];
    const viewers = [
      { who: 'agent', token: agentTokens[0]!, me: agents[0]! },
      { who: 'admin', token: adminToken, me: admin.id },
    ];
    for (const { who, token, me } of viewers)
      for (const status of STATUSES)
        for (const [tab, assignee] of [
          ['mine', me],
          ['unassigned', 'none'],
          ['all', undefined],
        ] as const)
          for (const inbox of [undefined, inboxes[0]]) {
            const q = new URLSearchParams({ status, sort: 'waiting', limit: '50' });
            if (assignee) q.set('assignee_id', assignee);
            if (inbox) q.set('inbox_id', inbox);
            cases.push({
              name: `${who} ${tab} ${status}${inbox ? ' inbox' : ''}`,
              path: `/api/conversations?${q}`,
              token,
            });
            if (tab !== 'mine') continue; // the counts answer all three tabs at once
            const c = new URLSearchParams({ status });
            if (inbox) c.set('inbox_id', inbox);
            cases.push({
              name: `${who} counts ${status}${inbox ? ' inbox' : ''}`,
              path: `/api/conversations/counts?${c}`,
              token,
            });
          }
    // Warm up, then each case REPEAT times (a later page: after the first page's last id).
    for (const c of cases) await get(c.path, c.token);
    const byKind: Record<string, number[]> = { 'list, first page': [], 'list, later page': [], counts: [] };
    const worst: { name: string; p95: number }[] = [];
    for (const c of cases) {
      const times: number[] = [];
      for (let i = 0; i < REPEAT; i++) {
        const first = await get(c.path, c.token);
        times.push(first.ms);
        if (c.path.includes('/counts')) byKind.counts!.push(first.ms);
        else {
          byKind['list, first page']!.push(first.ms);
          if (first.body.next_after) {
            const later = await get(`${c.path}&after=${first.body.next_after}`, c.token);
            byKind['list, later page']!.push(later.ms);
          }
        }
      }
      worst.push({ name: c.name, p95: pct(times, 95) });
    }
    console.log(`\nrequest time over loopback, ms (${REPEAT} runs of each of ${cases.length} requests):`);
    for (const [kind, xs] of Object.entries(byKind))
      console.log(
        `  ${kind.padEnd(18)} n=${String(xs.length).padStart(5)}  p50 ${pct(xs, 50).toFixed(1)}  p95 ${pct(xs, 95).toFixed(1)}  max ${Math.max(...xs).toFixed(1)}`,
      );
    worst.sort((a, b) => b.p95 - a.p95);
    console.log(
      `  slowest p95: ${worst
        .slice(0, 4)
        .map((w) => `${w.name} ${w.p95.toFixed(1)}`)
        .join('; ')}`,
    );

    // 2 and 3. Stream clients: half as agents (two inboxes of five each), half as the admin.
    const open = await get(`/api/conversations?status=open&inbox_id=${inboxes[0]}&limit=1`, adminToken);
    const target = (open.body as unknown as { data: { id: string }[] }).data[0]!.id;
    // Odd clients are agents, each agent with as many streams as the others.
    const agentOf = (i: number) => Math.floor(i / 2) % agentTokens.length;
    const clients = Array.from({ length: CLIENTS }, (_, i) =>
      openStream(
        `${base}/api/live`,
        i % 2 === 0
          ? streamAdminTokens[Math.floor(i / 2) % streamAdminTokens.length]!
          : agentTokens[agentOf(i)]!,
      ),
    );
    const until = Date.now() + 60_000;
    while (clients.some((c) => !c.ready) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    const connected = clients.filter((c) => c.ready).length;
    const rssBefore = await serverRss(server.pid!);
    // Clients who may see inbox 0: admins and its members.
    const members = new Set((await kith.inboxes.get(inboxes[0]!)).member_ids);
    const mayNotSee = new Set(clients.filter((_, i) => i % 2 === 1 && !members.has(agents[agentOf(i)]!)));
    const latencies: number[] = [];
    const fanout: number[] = [];
    const MESSAGES = Number(process.env.KITH_BENCH_MESSAGES ?? 40);
    for (let m = 0; m < MESSAGES; m++) {
      const content = `bench message ${m} ${Date.now()}`;
      const written = performance.now();
      await kith.conversations.addMessage(target, { direction: 'incoming', content }, SYSTEM_ACTOR);
      const committed = performance.now();
      const deadline = Date.now() + 5000;
      const expected = clients.filter((c) => !mayNotSee.has(c));
      while (expected.some((c) => !c.arrived.has(content)) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 5));
      const times = expected.map((c) => (c.arrived.get(content) ?? Number.POSITIVE_INFINITY) - committed);
      latencies.push(times[0]!);
      fanout.push(Math.max(...times));
      void written;
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
    }
    const leaked = [...mayNotSee].filter((c) => c.arrived.size > 0).length;
    const missing = fanout.filter((t) => !Number.isFinite(t)).length;
    console.log(
      `\nlive stream: ${connected}/${CLIENTS} clients connected (half admin, half agents), ${MESSAGES} messages written by another process`,
    );
    console.log(
      `  first client: latency from commit p50 ${pct(latencies, 50).toFixed(0)} ms, p95 ${pct(latencies, 95).toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms`,
    );
    console.log(
      `  every client that may see it: p50 ${pct(fanout, 50).toFixed(0)} ms, p95 ${pct(fanout, 95).toFixed(0)} ms; messages missing at some client: ${missing}`,
    );
    console.log(
      `  clients that received what they may not see: ${leaked}; client errors: ${clients.reduce((n, c) => n + c.errors, 0)}; server RSS ${rssBefore} → ${await serverRss(server.pid!)} MB`,
    );
    await Promise.all(clients.map((c) => c.close()));
  } finally {
    server.kill();
    await kith.close();
  }
}

async function serverRss(pid: number): Promise<string> {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return (Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024).toFixed(0);
  } catch {
    return '?';
  }
}

await main();
