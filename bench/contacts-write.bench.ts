/**
 * Contact write and read throughput through ContactService (the path every entry point takes).
 * Usage: npm run bench:contacts [-- N]        SQLite in a temporary folder
 *        KITH_BENCH_DATABASE_URL=postgres://… npm run bench:contacts   PostgreSQL (a fresh schema)
 */
import type { Actor } from '../src/domain/actor.js';
import { openBenchKith } from './bench-kith.js';

const count = Number(process.argv[2] ?? 2000);
const actor: Actor = { userId: null, channel: 'system' };

async function main(): Promise<void> {
  const { kith, dispose } = await openBenchKith();
  try {
    const started = performance.now();
    for (let i = 0; i < count; i++) {
      await kith.contacts.create(
        {
          name: `Bench ${i}`,
          email: `bench${i}@example.com`,
          phone: `+86 139 ${String(i).padStart(8, '0')}`,
          tags: [`t${i % 20}`],
          external_id: `B-${i}`,
        },
        actor,
      );
    }
    const createMs = performance.now() - started;

    const listStarted = performance.now();
    let pages = 0;
    let cursor: string | undefined;
    do {
      const page = await kith.contacts.list({ limit: 100, cursor });
      cursor = page.next_cursor ?? undefined;
      pages++;
    } while (cursor);
    const listMs = performance.now() - listStarted;

    const searchStarted = performance.now();
    const searches = 200;
    for (let i = 0; i < searches; i++) await kith.contacts.list({ q: `bench${(i * 7) % count}@`, limit: 10 });
    const searchMs = performance.now() - searchStarted;

    console.log(
      JSON.stringify(
        {
          database: kith.store.dialect,
          contacts: count,
          create_per_second: Math.round(count / (createMs / 1000)),
          list_page_of_100_ms: +(listMs / pages).toFixed(2),
          free_text_search_ms: +(searchMs / searches).toFixed(2),
        },
        null,
        2,
      ),
    );
  } finally {
    await dispose();
  }
}

await main();
