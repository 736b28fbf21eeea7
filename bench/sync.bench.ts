/**
 * CardDAV sync with a real Radicale (issue 18): N customers, half created in Kith and half as cards on
 * the server, are brought together by a first run both ways (N/2 pulled, N/2 pushed); then 100 changes
 * on each side, and the incremental run's requests are counted and timed. Goal: the incremental run
 * transfers only those changes and takes seconds.
 *
 * Usage: npm run bench:sync [-- N]     (default 10,000; SQLite under a temporary folder; needs
 * python3-radicale)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fetchVCards, updateVCard } from 'tsdav';
import { loadConfig } from '../src/config.js';
import type { Actor } from '../src/domain/actor.js';
import { emptyContactState } from '../src/domain/contact/contact-fields.js';
import { newId } from '../src/domain/ids.js';
import { openKith } from '../src/services.js';
import { createAddressBook, startRadicale } from '../test/support/radicale.js';

const N = Number(process.argv[2] ?? 10_000);
const CHANGES = 100;
const actor: Actor = { userId: null, channel: 'system' };
const seconds = (t: number) => ((performance.now() - t) / 1000).toFixed(1);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kith-bench-sync-'));
// A test server: no fsync per written file (KITH_BENCH_RADICALE_FSYNC=1 keeps Radicale's default).
const radicale = await startRadicale({ fsync: process.env.KITH_BENCH_RADICALE_FSYNC === '1' });
const kith = await openKith(
  loadConfig({
    KITH_DATA_DIR: dir,
    KITH_SECRET_KEY: Buffer.alloc(32, 1).toString('base64'),
    KITH_OUTBOUND_ALLOW: '127.0.0.1',
  }),
);
try {
  const url = await createAddressBook(radicale, 'bench');
  const headers = { authorization: radicale.authorization };
  const half = Math.floor(N / 2);
  let t = performance.now();
  for (let done = 0; done < half; done += 1000)
    await kith.store.db.transaction().execute(async (trx) => {
      const session = kith.contacts.writer.session(trx, actor);
      await session.create(
        Array.from({ length: Math.min(1000, half - done) }, (_, i) => ({
          id: newId('contact'),
          state: {
            ...emptyContactState(),
            name: `客户 ${done + i}`,
            email: `k${done + i}@sync.example`,
            phone: `+86139${String(done + i).padStart(8, '0')}`,
            tags: ['bench'],
          },
        })),
      );
      await session.finish();
    });
  console.log(`Kith: ${half} customers written in ${seconds(t)} s`);
  t = performance.now();
  const remote = N - half;
  // The server's cards in one request: a PUT of the whole address book (Radicale writes a collection
  // at once). One PUT per card would cost Radicale a pass over the whole collection each (it checks
  // the UID against every card), hours at 10,000.
  const seed = await fetch(url, {
    method: 'PUT',
    headers: { ...headers, 'content-type': 'text/vcard; charset=utf-8' },
    body: Array.from(
      { length: remote },
      (_, i) =>
        `BEGIN:VCARD\r\nVERSION:4.0\r\nUID:r${i}\r\nFN:Remote ${i}\r\nEMAIL:r${i}@sync.example\r\nTEL;VALUE=uri:tel:+86138${String(i).padStart(8, '0')}\r\nX-SOURCE:bench\r\nEND:VCARD\r\n`,
    ).join(''),
  });
  if (seed.status !== 201) throw new Error(`PUT ${url}: ${seed.status} ${await seed.text()}`);
  console.log(`Radicale: ${remote} cards written in ${seconds(t)} s`);

  const connection = await kith.sync.create(
    { url, username: radicale.user, password: radicale.password },
    actor,
  );
  const runner = kith.jobs.runner();
  /** User and system CPU seconds of a process, from /proc (Radicale's). */
  const cpuOf = (pid: number | undefined) => {
    if (pid === undefined) return NaN;
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (100/s)
  };
  const kithCpu = () => {
    const used = process.cpuUsage();
    return (used.user + used.system) / 1e6;
  };
  const runOnce = async (label: string) => {
    const { run } = await kith.sync.startRun(connection.id, actor);
    const started = performance.now();
    const [kith0, radicale0] = [kithCpu(), cpuOf(radicale.pid)];
    // Progress once a minute: how the server's time per card grows with the address book.
    const ticker = setInterval(() => {
      void kith.sync
        .getRun(run.id)
        .then((r) =>
          console.log(
            `  ${label} ${seconds(started)} s: ${JSON.stringify(r.counts)} load ${os.loadavg()[0]!.toFixed(1)}`,
          ),
        );
    }, 60_000);
    try {
      await runner.runOnce({ subjectId: run.id });
    } finally {
      clearInterval(ticker);
    }
    const done = await kith.sync.getRun(run.id);
    return {
      seconds: Number(seconds(started)),
      kith_cpu_s: Number((kithCpu() - kith0).toFixed(1)),
      radicale_cpu_s: Number((cpuOf(radicale.pid) - radicale0).toFixed(1)),
      load: os.loadavg()[0]!.toFixed(1),
      state: done.state,
      error: done.error,
      counts: done.counts,
    };
  };
  const rss0 = process.memoryUsage().rss;
  const first = await runOnce('first run');
  console.log(
    'first run',
    JSON.stringify(first),
    `rss ${Math.round(rss0 / 1e6)} → ${Math.round(process.memoryUsage().rss / 1e6)} MB`,
  );

  // 100 changes on each side.
  const page = await kith.contacts.list({ limit: CHANGES, tag: 'bench' });
  for (const c of page.data) await kith.contacts.update(c.id, { city: '杭州' }, actor);
  const cards = await fetchVCards({
    addressBook: { url },
    headers,
    urlFilter: (u) => /\/r\d+\.vcf$/.test(u),
  });
  for (const card of cards.slice(0, CHANGES))
    await updateVCard({
      vCard: { ...card, data: String(card.data).replace(/FN:Remote (\d+)/, 'FN:Remote $1 changed') },
      headers,
    });
  const incremental = await runOnce('incremental run');
  console.log('incremental run', JSON.stringify(incremental));
  console.log(
    JSON.stringify({
      customers: N,
      first_run_s: first.seconds,
      first_run_requests: first.counts.requests,
      incremental_s: incremental.seconds,
      incremental_requests: incremental.counts.requests,
      incremental_pulled_updated: incremental.counts.pulled_updated,
      incremental_pushed_updated: incremental.counts.pushed_updated,
    }),
  );
} finally {
  await kith.close();
  await radicale.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}
