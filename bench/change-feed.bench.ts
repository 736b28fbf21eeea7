/**
 * The change feed read from the start (issue 18): N contacts are created through the contact writer
 * (sessions of 1,000, as an import batch writes them), then the feed is read from cursor 0 in pages of
 * 1,000 and 10,000 the way GET /api/changes reads it (each entry with the contact after the change).
 * Goal: ≥ 100,000 entries/s at 1,000,000 entries.
 *
 * Usage: npx tsx bench/change-feed.bench.ts [N]      (default 100,000; SQLite under a temporary folder)
 */
import type { Actor } from '../src/domain/actor.js';
import { emptyContactState } from '../src/domain/contact/contact-fields.js';
import { newId } from '../src/domain/ids.js';
import { readChangeFeed } from '../src/sync/change-feed.js';
import { openBenchKith } from './bench-kith.js';

const N = Number(process.argv[2] ?? 100_000);
const actor: Actor = { userId: null, channel: 'system' };

const { kith, dispose } = await openBenchKith();
try {
  let t = performance.now();
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
            tags: ['bench'],
          },
        })),
      );
      await session.finish();
    });
  console.log(`wrote ${N} contacts in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  for (const page of [1000, 10_000]) {
    t = performance.now();
    let read = 0;
    let cursor: string | undefined;
    for (;;) {
      const p = await readChangeFeed(kith.store, cursor, page);
      read += p.data.length;
      cursor = p.next_cursor;
      if (!p.has_more) break;
    }
    const s = (performance.now() - t) / 1000;
    console.log(
      `read ${read} entries in pages of ${page} in ${s.toFixed(1)} s: ${Math.round(read / s)} entries/s`,
    );
  }
} finally {
  await dispose();
}
