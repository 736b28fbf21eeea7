/**
 * Tag counts are kept by the writers, once per batch (issue 16, migration 0023 dropped the triggers):
 * after every path that adds or removes a tag link or changes a contact's liveness, each tag's
 * listed count equals a recount from the rows — on SQLite and on PostgreSQL.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldTagCountDeltas } from '../../src/contacts/tag-counts.js';
import { type Actor, SYSTEM_ACTOR } from '../../src/domain/actor.js';
import { ContactBulkService } from '../../src/segments/contact-bulk-service.js';
import * as tagCountsByWriters from '../../src/store/migrations/0023-tag-counts-by-writers.js';
import { fixture, runImport } from '../support/import-helpers.js';
import { createTestKith, TEST_DIALECT, type TestKith } from '../support/test-kith.js';

const api: Actor = { userId: null, channel: 'api' };

describe(`tag counts kept by the writers on ${TEST_DIALECT}`, () => {
  let kith: TestKith;

  beforeAll(async () => {
    kith = await createTestKith();
  });
  afterAll(async () => kith.destroy());

  /** Listed counts by tag name (tags with no live holder included). */
  const listed = async () =>
    Object.fromEntries((await kith.tags.list()).map((t) => [t.name, t.contact_count]));

  /** Counts recounted from the rows: live contacts holding each tag. */
  const recounted = async () => {
    const rows = await sql<{ name: string; n: string | number }>`
      select t.name, (select count(*) from contact_tags ct join contacts c on c.id = ct.contact_id
        where ct.tag_id = t.id and c.deleted_at is null) as n
      from tags t`.execute(kith.store.db);
    return Object.fromEntries(rows.rows.map((r) => [r.name, Number(r.n)]));
  };

  /** The listed counts equal the recount, and (where given) the expected ones. */
  const expectExact = async (expected: Record<string, number> = {}) => {
    const counts = await listed();
    expect(counts).toEqual(await recounted());
    expect(counts).toMatchObject(expected);
  };

  it('has no tag-count trigger left', async () => {
    const triggers =
      TEST_DIALECT === 'sqlite'
        ? await sql<{ name: string }>`select name from sqlite_master
            where type = 'trigger' and name like '%tag_count%'`.execute(kith.store.db)
        : await sql<{ name: string }>`select tgname as name from pg_trigger
            where not tgisinternal and tgname like '%tag_count%'`.execute(kith.store.db);
    expect(triggers.rows).toEqual([]);
  });

  it('create, update, tag and untag one contact, delete (ContactService and TagService)', async () => {
    const a = await kith.contacts.create(
      { name: 'Ann', email: 'ann@tc.example', tags: ['Alpha', 'Beta'] },
      api,
    );
    const b = await kith.contacts.create({ name: 'Ben', tags: ['alpha'] }, api);
    await expectExact({ Alpha: 2, Beta: 1 });
    await kith.contacts.update(a.id, { tags: ['Beta', 'Gamma'] }, api);
    await expectExact({ Alpha: 1, Beta: 1, Gamma: 1 });
    await kith.contacts.update(a.id, { city: 'Paris' }, api); // no tag change
    await expectExact({ Alpha: 1, Beta: 1, Gamma: 1 });
    await kith.tags.addToContact(b.id, ['Gamma', 'Delta'], api);
    await kith.tags.removeFromContact(b.id, 'ALPHA', api);
    await expectExact({ Alpha: 0, Beta: 1, Gamma: 2, Delta: 1 });
    await kith.contacts.replace(b.id, { name: 'Ben', tags: ['Delta'] }, api);
    await expectExact({ Gamma: 1, Delta: 1 });
    await kith.contacts.delete(a.id, api);
    await expectExact({ Beta: 0, Gamma: 0, Delta: 1 });
  });

  it('upsert and upsertMany', async () => {
    await kith.contacts.upsert('email', { email: 'uma@tc.example', tags: ['Upserted'] }, api);
    await kith.contacts.upsert('email', { email: 'uma@tc.example', tags: ['Upserted', 'Twice'] }, api);
    await kith.contacts.upsertMany(
      [
        { email: 'ulf@tc.example', tags: ['upserted'] },
        { email: 'uma@tc.example', tags: ['Twice'] },
      ],
      api,
    );
    await expectExact({ Upserted: 1, Twice: 1 });
  });

  it('bulk tag actions (add_tags, remove_tags)', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push((await kith.contacts.create({ name: `Bulk ${i}`, tags: i < 2 ? ['Bulked'] : [] }, api)).id);
    const bulk = new ContactBulkService(kith.contacts, kith.tags, kith.groups);
    await bulk.apply({ ids }, 'add_tags', { tags: ['Bulked', 'Wave'] }, api, 'admin');
    await expectExact({ Bulked: 5, Wave: 5 });
    await bulk.apply({ ids: ids.slice(0, 3) }, 'remove_tags', { tags: ['bulked'] }, api, 'admin');
    await expectExact({ Bulked: 2, Wave: 5 });
  });

  it('renaming a tag, merging it into another by rename (a deleted holder included), deleting a tag', async () => {
    const p = await kith.contacts.create({ name: 'Pia', tags: ['Silver'] }, api);
    const q = await kith.contacts.create({ name: 'Qin', tags: ['Silver', 'Gold'] }, api);
    const r = await kith.contacts.create({ name: 'Rui', tags: ['Silver'] }, api);
    await kith.contacts.delete(r.id, api);
    await expectExact({ Silver: 2, Gold: 1 });
    const silver = (await kith.tags.list()).find((t) => t.name === 'Silver')!;
    await kith.tags.rename(silver.id, 'Argent', api);
    await expectExact({ Argent: 2, Gold: 1 });
    const merged = await kith.tags.rename(silver.id, 'gold', api);
    expect(merged.merged_from).toBe(silver.id);
    await expectExact({ Gold: 2 });
    const gold = (await kith.tags.list()).find((t) => t.name === 'Gold')!;
    await kith.tags.delete(gold.id, api);
    await expectExact();
    expect((await kith.contacts.get(p.id)).tags).toEqual([]);
    expect((await kith.contacts.get(q.id)).tags).toEqual([]);
  });

  it('import (creates and updates) and its undo', async () => {
    const held = await kith.contacts.create(
      { name: 'Ida', email: 'ida@tc.example', tags: ['Imported'] },
      api,
    );
    const file = fixture(
      'tags.csv',
      'name,email,tags\n' +
        'Jan,jan@tc.example,"Imported, Fresh"\n' +
        'Kai,kai@tc.example,fresh\n' +
        // Tags in the order a contact reads back (by name): the undo compares lists as they are.
        'Ida,ida@tc.example,"Imported, Zeta"\n',
    );
    const done = await runImport(kith, file);
    expect(done).toMatchObject({ status: 'completed', created: 2, updated: 1 });
    await expectExact({ Imported: 2, Fresh: 2, Zeta: 1 });
    await kith.imports.undo(done.id, api);
    await expectExact({ Imported: 1, Fresh: 0, Zeta: 0 });
    expect((await kith.contacts.get(held.id)).tags).toEqual(['Imported']);
  });

  it('merge and unmerge', async () => {
    const s = await kith.contacts.create({ name: 'Sam', email: 'sam@tc.example', tags: ['Keep'] }, api);
    const t = await kith.contacts.create(
      { name: 'Sam T', phone: '13800138777', tags: ['keep', 'Moved'] },
      api,
    );
    await expectExact({ Keep: 2, Moved: 1 });
    const merge = await kith.merges.merge({ survivorId: s.id, contactIds: [t.id] }, api);
    await expectExact({ Keep: 1, Moved: 1 });
    await kith.merges.unmerge(merge.merge_id!, api);
    await expectExact({ Keep: 2, Moved: 1 });
  });

  it('batch delete and restore', async () => {
    const x = await kith.contacts.create({ name: 'Xia', tags: ['Batch', 'Both'] }, api);
    const y = await kith.contacts.create({ name: 'Yan', tags: ['Both'] }, api);
    const deletion = await kith.batchDeletes.delete({ ids: [x.id, y.id] }, 2, SYSTEM_ACTOR);
    await expectExact({ Batch: 0, Both: 0 });
    await kith.batchDeletes.restore(deletion.id, SYSTEM_ACTOR);
    await expectExact({ Batch: 1, Both: 2 });
  });

  it('migration 0023 recounts counts that had drifted', async () => {
    await sql`update tags set live_count = live_count + 7`.execute(kith.store.db);
    if (TEST_DIALECT === 'postgres') await foldTagCountDeltas(kith.store.db);
    expect(await listed()).not.toEqual(await recounted());
    await tagCountsByWriters.down(kith.store.db);
    await tagCountsByWriters.up(kith.store.db);
    await expectExact();
  });
});
