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

describe(`backups left by a batch deletion that never completed on ${TEST_DIALECT}`, () => {
  let kith: TestKith;
  beforeAll(async () => {
    kith = await createTestKith();
  });
  afterAll(async () => kith.destroy());

  it('are removed once hours old; a deletion’s own backup, a recent one and other files stay', async () => {
    const c = await kith.contacts.create({ name: 'Gone', email: 'gone@backup.example' }, actor);
    const deletion = await kith.batchDeletes.delete({ ids: [c.id] }, 1, actor);
    const backups = path.join(kith.config.dataDir, 'backups');
    // As a process killed between its backup and its deletion's commit leaves them.
    const orphan = path.join(backups, 'del_01orphanedbackup00000000.ndjson');
    const recent = path.join(backups, 'del_01stillbeingdeleted0000.ndjson');
    const other = path.join(backups, 'notes.txt');
    for (const file of [orphan, recent, other]) fs.writeFileSync(file, '{"name":"someone"}\n');
    const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000);
    for (const file of [orphan, other, path.join(backups, deletion.backup_file)])
      fs.utimesSync(file, hoursAgo(7), hoursAgo(7));
    fs.utimesSync(recent, hoursAgo(1), hoursAgo(1));

    expect(await kith.batchDeletes.removeOrphanBackups()).toBe(1);
    expect(fs.readdirSync(backups).sort()).toEqual(
      [deletion.backup_file, path.basename(recent), 'notes.txt'].sort(),
    );
    // The deletion can still be restored from its backup.
    expect((await kith.batchDeletes.restore(deletion.id, actor)).restored).toHaveLength(1);
  });
});
