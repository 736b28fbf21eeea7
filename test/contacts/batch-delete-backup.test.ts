/**
 * A batch deletion writes its backup before it deletes anything. When the deletion itself then fails
 * (a contact merged meanwhile, a database error), nothing is deleted, and the backup, which holds the
 * selected customers' data and belongs to no deletion, must not stay behind under backups/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/domain/actor.js';
import { createTestKith, TEST_DIALECT, type TestKith } from '../support/test-kith.js';

const actor: Actor = { userId: null, channel: 'api' };

describe(`a batch deletion that fails on ${TEST_DIALECT}`, () => {
  let kith: TestKith;
  beforeAll(async () => {
    kith = await createTestKith();
  });
  afterAll(async () => kith.destroy());

  it('deletes nothing and leaves no backup behind', async () => {
    const a = await kith.contacts.create({ name: 'Kept A', email: 'a@backup.example' }, actor);
    const b = await kith.contacts.create({ name: 'Kept B', email: 'b@backup.example' }, actor);
    // The deletion's own record refused, as a failing database would.
    if (TEST_DIALECT === 'postgres') {
      await sql
        .raw(
          `create function refuse_deletion() returns trigger language plpgsql as $$
           begin raise exception 'planted failure'; end $$`,
        )
        .execute(kith.store.db);
      await sql
        .raw(
          'create trigger refuse_deletion before insert on contact_deletions for each row execute function refuse_deletion()',
        )
        .execute(kith.store.db);
    } else {
      await sql
        .raw(
          `create trigger refuse_deletion before insert on contact_deletions
           begin select raise(abort, 'planted failure'); end`,
        )
        .execute(kith.store.db);
    }
    await expect(kith.batchDeletes.delete({ ids: [a.id, b.id] }, 2, actor)).rejects.toThrow();
    expect((await kith.contacts.get(a.id)).id).toBe(a.id);
    expect((await kith.contacts.get(b.id)).id).toBe(b.id);
    const backups = path.join(kith.config.dataDir, 'backups');
    expect(fs.existsSync(backups) ? fs.readdirSync(backups) : []).toEqual([]);
  });
});
