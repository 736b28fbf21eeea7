import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestKith, TEST_DIALECT, type TestKith } from '../support/test-kith.js';

// The write-ahead log is SQLite's: PostgreSQL checkpoints by itself.
describe.skipIf(TEST_DIALECT === 'postgres')('SQLite checkpoints on a thread of their own', () => {
  let kith: TestKith;
  beforeAll(async () => {
    kith = await createTestKith();
  });
  afterAll(async () => kith.destroy());

  it('copies committed writes into the database file while the writer goes on', async () => {
    const file = path.join(kith.database.config.dataDir, 'kith.sqlite');
    const sizeBefore = fs.statSync(file).size;
    // About 4 MB over 25 transactions: far below the writer's own threshold (160 MB), so only the
    // thread can have moved them out of the log into the database file.
    const data = 'x'.repeat(4000);
    for (let t = 0; t < 25; t++) {
      await kith.store.db.transaction().execute(async (trx) => {
        await kith.store.rowWriter(trx).insert(
          'contact_events',
          Array.from({ length: 40 }, (_, i) => ({
            id: `ev_wal_${t}_${i}`,
            contact_id: 'ct_none',
            type: 'note',
            occurred_at: new Date().toISOString(),
            channel: 'api',
            data,
          })),
        );
      });
    }
    const deadline = Date.now() + 5000;
    while (fs.statSync(file).size < sizeBefore + 3_000_000 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fs.statSync(file).size).toBeGreaterThan(sizeBefore + 3_000_000);
  });
});
