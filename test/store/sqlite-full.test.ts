/**
 * SQLite rolls a transaction back itself when the disk fills up (SQLITE_FULL; I/O errors too). The
 * rollback that follows then fails ("cannot rollback - no transaction is active"), and that error used
 * to replace the cause: an import on a full disk ended "the database failed with error SQLITE_ERROR".
 * A full database here is one whose page count is capped (PRAGMA max_page_count), as a full disk does.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestKith, TEST_DIALECT, type TestKith } from '../support/test-kith.js';

describe.skipIf(TEST_DIALECT === 'postgres')('a full SQLite database', () => {
  let kith: TestKith;
  beforeAll(async () => {
    kith = await createTestKith();
  });
  afterAll(async () => kith.destroy());

  // A small page cache spills pages to the file within the transaction, where running out of room
  // makes SQLite roll the whole transaction back, as it did on a full disk.
  const fillUpAfter = async (pages: number) => {
    const { rows } = await sql<{ page_count: number }>`pragma page_count`.execute(kith.store.db);
    await sql.raw(`pragma max_page_count = ${rows[0]!.page_count + pages}`).execute(kith.store.db);
    await sql.raw('pragma cache_size = 10').execute(kith.store.db);
  };
  const roomAgain = async () => {
    await sql.raw('pragma max_page_count = 1073741823').execute(kith.store.db);
    await sql.raw('pragma cache_size = -2000').execute(kith.store.db);
  };

  it('fails a write transaction with the cause, SQLITE_FULL', async () => {
    await sql`create table full_probe (x blob)`.execute(kith.store.db);
    await fillUpAfter(4);
    try {
      const writing = kith.store.db.transaction().execute(async (trx) => {
        for (let i = 0; i < 50; i++)
          await sql`insert into full_probe values (randomblob(100000))`.execute(trx);
      });
      await expect(writing).rejects.toMatchObject({ code: 'SQLITE_FULL' });
    } finally {
      await roomAgain();
    }
    // Nothing half-written, and the store writes again once there is room.
    const { rows } = await sql<{ n: number }>`select count(*) as n from full_probe`.execute(kith.store.db);
    expect(rows[0]!.n).toBe(0);
    await sql`insert into full_probe values (x'00')`.execute(kith.store.db);
  });
});
