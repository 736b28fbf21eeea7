/**
 * The contact change log read from a cursor, as an exporter or a sync connection reads it: N entries
 * are appended through the writer's own append (batches of 1,000, as an import batch appends them),
 * then read back in order in pages of 1,000 and 10,000 from seq 0. Goal (issue 16): ≥ 100,000
 * entries/s read at N = 1,000,000.
 *
 * Usage: npm run bench:change-log [-- N]      (default 1,000,000; SQLite under a temporary folder)
 *        KITH_BENCH_DATABASE_URL=postgres://… npm run bench:change-log -- N
 */
import { appendContactChanges, readContactChanges } from '../src/contacts/contact-change-log.js';
import type { Actor } from '../src/domain/actor.js';
import { contactContentHash } from '../src/domain/contact/contact-content-hash.js';
import { emptyContactState } from '../src/domain/contact/contact-fields.js';
import { newId } from '../src/domain/ids.js';
import { openBenchKith } from './bench-kith.js';

const N = Number(process.argv[2] ?? 1_000_000);
const BATCH = 1000;
const actor: Actor = { userId: null, channel: 'import', channelRef: newId('import') };

async function main(): Promise<void> {
  const { kith, dispose } = await openBenchKith();
  try {
    const store = kith.store;
    let t = performance.now();
    for (let done = 0; done < N; done += BATCH) {
      const at = new Date().toISOString();
      const entries = Array.from({ length: Math.min(BATCH, N - done) }, (_, i) => {
        const state = {
          ...emptyContactState(),
          name: `Person ${done + i}`,
          email: `p${done + i}@example.com`,
        };
        return {
          contact_id: newId('contact'),
          kind: 'created' as const,
          changes: [
            { field: 'name', old: null, new: state.name },
            { field: 'email', old: null, new: state.email },
          ],
          survivor_id: null,
          actor,
          content_hash: contactContentHash(state),
          at,
        };
      });
      await store.db.transaction().execute((trx) => appendContactChanges(trx, entries, store.rowWriter(trx)));
    }
    const appendS = (performance.now() - t) / 1000;
    console.log(`appended ${N} entries in ${appendS.toFixed(1)} s: ${Math.round(N / appendS)} entries/s`);

    for (const page of [1000, 10_000]) {
      t = performance.now();
      let read = 0;
      let last = 0;
      for (;;) {
        const entries = await readContactChanges(store, last, page);
        if (entries.length === 0) break;
        if (entries[0]!.seq !== last + 1) throw new Error(`gap after seq ${last}`);
        read += entries.length;
        last = entries.at(-1)!.seq;
      }
      const s = (performance.now() - t) / 1000;
      if (read !== N) throw new Error(`read ${read} entries, appended ${N}`);
      console.log(
        `read ${read} entries in pages of ${page} in ${s.toFixed(1)} s: ${Math.round(read / s)} entries/s`,
      );
    }
    console.log(`peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
  } finally {
    await dispose();
  }
}

await main();
