/**
 * The customers list's search, sorting, cursors, totals and tag counts on a real store (SQLite, or
 * PostgreSQL with KITH_TEST_DATABASE_URL): what a support agent types finds the right customer, the
 * index follows every write path, and paging never skips or repeats a contact.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertContactsBulk, writeContactStates } from '../../src/contacts/contact-repository.js';
import { LIST_TOTAL_BOUND, SEARCH_TOTAL_BOUND } from '../../src/contacts/contact-service.js';
import { SYSTEM_ACTOR } from '../../src/domain/actor.js';
import { emptyContactState } from '../../src/domain/contact/contact-fields.js';
import type { Contact } from '../../src/domain/contact/contact-fields.js';
import { newId } from '../../src/domain/ids.js';
import * as contactSearchMigration from '../../src/store/migrations/0009-contact-search.js';
import * as tagCountsByWriters from '../../src/store/migrations/0023-tag-counts-by-writers.js';
import { createTestKith, TEST_DIALECT, type TestKith } from '../support/test-kith.js';

const actor = SYSTEM_ACTOR;
const PG = TEST_DIALECT === 'postgres';

describe(`customers list search and sorting on ${TEST_DIALECT}`, () => {
  let kith: TestKith;
  const made: Record<string, Contact> = {};
  const names = async (q: string, extra: Record<string, unknown> = {}) =>
    (await kith.contacts.list({ q, limit: 100, ...extra })).data.map((c) => c.name ?? c.email);

  beforeAll(async () => {
    kith = await createTestKith();
    await kith.identityTypes.create({ key: 'member_no', label: 'Member no.' }, actor);
    const add = async (key: string, input: Record<string, unknown>) => {
      made[key] = await kith.contacts.create(input, actor);
    };
    await add('wangwei', { name: '王伟', phone: '+86 138 0013 8000', email: 'wang.wei@example.com' });
    await add('zhangwei', { name: '张伟', email: 'user1304@example.com', external_id: 'CRM-77' });
    await add('zhangweiming', { name: '张伟明', phone: '13900001304' });
    await add('liwang', { name: '李王' });
    await add('john', { first_name: 'John', last_name: 'Smith', email: 'john.smith@example.org' });
    await add('lee', { name: 'Lee', identities: { member_no: 'M-0001' } });
    await add('ashlee', { name: 'Ashlee Brown' });
    await add('muller', { name: 'Jürgen Müller' });
    await add('noname', { email: 'no.name@example.net', phone: '020 1234 5678' });
  });
  afterAll(async () => kith.destroy());

  it.each([
    ['an e-mail finds that e-mail, not phones holding its digits', 'user1304@example.com', ['张伟']],
    ['an e-mail in capitals with mailto:', 'MAILTO:User1304@Example.com', ['张伟']],
    ['the beginning of an e-mail up to the @', 'wang.wei@', ['王伟']],
    ["an e-mail's part before the @, as support types it", 'wang.wei', ['王伟']],
    ["the beginning of an e-mail's local part", 'wang.w', ['王伟']],
    ['a local part in capitals', 'WANG.WEI', ['王伟']],
    ['a phone in E.164', '+8613800138000', ['王伟']],
    ['a phone with spaces and the country code', '+86 138 0013 8000', ['王伟']],
    ['a phone with a trunk zero', '013800138000', ['王伟']],
    ['a phone with 0086', '008613800138000', ['王伟']],
    ['a phone with dashes', '138-0013-8000', ['王伟']],
    ['a phone in full-width digits', '１３８００１３８０００', ['王伟']],
    ["a phone's last four digits", '8000', ['王伟']],
    ["a phone's last digits shared by an e-mail's digits", '1304', ['张伟明']],
    ['an identity value', 'CRM-77', ['张伟']],
    ['another identity type', 'M-0001', ['Lee']],
    // PostgreSQL: one character matches the beginning of the name only (see src/contacts/README.md).
    ['a one-character Chinese surname (field start or end)', '王', PG ? ['王伟'] : ['王伟', '李王']],
    ['a two-character Chinese name, exact first', '张伟', ['张伟', '张伟明']],
    ['a one-character given name at the end', '伟', PG ? [] : ['王伟', '张伟']],
    ['a Latin fragment of three letters', 'mit', ['John Smith']],
    ['two letters at a word start', 'sm', ['John Smith']],
    ['two letters at a word end', 'hn', ['John Smith']],
    ['two letters at a field end', 'th', ['John Smith']],
    ['two letters inside a word', 'oh', []],
    ['two letters at the start', 'jo', ['John Smith']],
    ['any case', 'JOHN', ['John Smith']],
    ['a whole name before a longer one', 'lee', ['Lee', 'Ashlee Brown']],
    ['nothing', 'zqxw', []],
    ['an e-mail nobody has', 'nobody@example.com', []],
  ])('%s: %s', async (_why, q, expected) => {
    expect(await names(q)).toEqual(expected);
  });

  it('finds two characters at the beginning or end of any field or word, on both databases', async () => {
    const added = [
      await kith.contacts.create({ name: '王秀英' }, actor),
      await kith.contacts.create({ name: '李秀英' }, actor),
      await kith.contacts.create({ first_name: '秀英', last_name: '陈' }, actor),
      await kith.contacts.create({ name: '秀英小卖部' }, actor),
      await kith.contacts.create({ name: '王秀英华' }, actor),
      await kith.contacts.create({ name: 'Anna Ortega-Ruiz' }, actor),
    ];
    const q = (text: string) => names(text).then((found) => found.sort());
    try {
      expect(await q('秀英')).toEqual(['李秀英', '王秀英', '秀英小卖部', '陈秀英'].sort());
      expect(await names('秀英', { sort: 'name' })).toEqual(['李秀英', '王秀英', '秀英小卖部', '陈秀英']);
      expect(await names('秀英', { sort: '-created_at' })).toEqual([
        '秀英小卖部',
        '陈秀英',
        '李秀英',
        '王秀英',
      ]);
      expect(await q('卖部')).toEqual(['秀英小卖部']);
      // Inside a word (王秀英华) is not found by two characters; three are.
      expect(await q('秀英华')).toEqual(['王秀英华']);
      // A hyphen joins a word on SQLite (words are split at spaces): neither database finds ruiz's end
      // through "ga".
      expect(await q('ga')).toEqual([]);
      expect(await q('iz')).toEqual(['Anna Ortega-Ruiz']);
    } finally {
      for (const c of added) await kith.contacts.delete(c.id, actor);
    }
  });

  it('finds accented names without their accents on SQLite (FTS5 removes diacritics)', async () => {
    const found = await names('muller');
    if (TEST_DIALECT === 'sqlite') expect(found).toEqual(['Jürgen Müller']);
    expect(await names('müller')).toEqual(['Jürgen Müller']);
  });

  it('ranks exact keys before fragments and counts each contact once', async () => {
    const c = await kith.contacts.create({ name: 'Nora 8000', email: 'nora@example.com' }, actor);
    const page = await kith.contacts.list({ q: '8000' });
    expect(page.data.map((x) => x.id)).toEqual([made.wangwei!.id]);
    const byName = await kith.contacts.list({ q: 'nora@example.com' });
    expect(byName.data.map((x) => x.id)).toEqual([c.id]);
    expect(byName.total).toBe(1);
    await kith.contacts.delete(c.id, actor);
  });

  it('counts a contact found both by a key and by its name once, in every sort', async () => {
    // The name's matches join the key matches without deduplication (union all): they leave the key
    // matches out themselves.
    // Found by its name and by the same value under two identity types: one contact all the same.
    const keyed = await kith.contacts.create(
      { name: 'Orla Tessaly', external_id: 'tessaly', identities: { member_no: 'tessaly' } },
      actor,
    );
    const named = await kith.contacts.create({ name: 'Tessaly Brook' }, actor);
    await kith.identityTypes.create({ key: 'loyalty_no', label: 'Loyalty no.' }, actor);
    const keyOnly = await kith.contacts.create(
      { name: 'Una Key', identities: { loyalty_no: 'tessaly' } },
      actor,
    );
    try {
      for (const sort of [undefined, 'name', '-name', '-created_at', 'updated_at']) {
        const page = await kith.contacts.list({ q: 'tessaly', ...(sort && { sort }) });
        const ids = page.data.map((c) => c.id);
        expect(ids, `sort ${sort}`).toHaveLength(3);
        expect(new Set(ids), `sort ${sort}`).toEqual(new Set([keyed.id, named.id, keyOnly.id]));
        expect(page.total, `sort ${sort}`).toBe(3);
      }
      expect(await names('tessaly', { sort: 'name' })).toEqual(['Orla Tessaly', 'Tessaly Brook', 'Una Key']);
      expect(await names('tessaly', { sort: '-name' })).toEqual(['Una Key', 'Tessaly Brook', 'Orla Tessaly']);
    } finally {
      for (const c of [keyed, named, keyOnly]) await kith.contacts.delete(c.id, actor);
    }
  });

  it('follows renames, deletes, restores and merges (triggers cover every write path)', async () => {
    const c = await kith.contacts.create({ name: 'Zebedee Old' }, actor);
    expect(await names('zebedee')).toEqual(['Zebedee Old']);
    await kith.contacts.update(c.id, { name: 'Zebedee New' }, actor);
    expect(await names('old')).toEqual([]);
    expect(await names('zebedee new')).toEqual(['Zebedee New']);
    const deletion = await kith.batchDeletes.delete({ ids: [c.id] }, 1, actor);
    expect(await names('zebedee')).toEqual([]);
    await kith.batchDeletes.restore(deletion.id, actor);
    expect(await names('zebedee')).toEqual(['Zebedee New']);

    const a = await kith.contacts.create({ name: 'Quentin Merge', email: 'q1@example.com' }, actor);
    const b = await kith.contacts.create({ name: 'Quintus Merge', email: 'q2@example.com' }, actor);
    const merge = await kith.merges.merge({ contactIds: [a.id, b.id], survivorId: a.id }, actor);
    expect((await kith.contacts.list({ q: 'merge' })).data.map((x) => x.id)).toEqual([a.id]);
    expect((await kith.contacts.list({ q: 'q2@example.com' })).data.map((x) => x.id)).toEqual([a.id]);
    await kith.merges.unmerge(merge.merge_id!, actor);
    expect((await kith.contacts.list({ q: 'quintus' })).data.map((x) => x.id)).toEqual([b.id]);
    for (const id of [a.id, b.id, c.id]) await kith.contacts.delete(id, actor);
  });

  it("indexes contacts written by the import's bulk writers", async () => {
    const id = newId('contact');
    const state = {
      ...emptyContactState(),
      name: 'Bulk Ingrid',
      phone: '+8613512349876',
      tags: ['Imported'],
    };
    const at = new Date().toISOString();
    await kith.store.db
      .transaction()
      .execute((trx) =>
        insertContactsBulk(trx, [{ id, state }], { at, by: null }, kith.store.rowWriter(trx)),
      );
    expect(await names('ingrid')).toEqual(['Bulk Ingrid']);
    expect(await names('9876')).toEqual(['Bulk Ingrid']);
    await kith.store.db
      .transaction()
      .execute((trx) =>
        writeContactStates(
          trx,
          [{ contactId: id, before: state, after: { ...state, name: 'Bulk Ingeborg', tags: [] } }],
          { updatedAt: at, updatedBy: null },
          kith.store.rowWriter(trx),
        ),
      );
    expect(await names('ingrid')).toEqual([]);
    expect(await names('ingeborg')).toEqual(['Bulk Ingeborg']);
    expect((await kith.tags.list()).find((t) => t.name === 'Imported')?.contact_count).toBe(0);
    await kith.contacts.delete(id, actor);
  });

  it('keeps tag counts right through tagging, untagging, deleting and restoring', async () => {
    const count = async () => (await kith.tags.list()).find((t) => t.name === 'Counted')?.contact_count;
    const x = await kith.contacts.create({ name: 'Count One', tags: ['Counted'] }, actor);
    const y = await kith.contacts.create({ name: 'Count Two', tags: ['counted', 'Other'] }, actor);
    expect(await count()).toBe(2);
    await kith.contacts.update(x.id, { tags: [] }, actor);
    expect(await count()).toBe(1);
    const deletion = await kith.batchDeletes.delete({ ids: [y.id] }, 1, actor);
    expect(await count()).toBe(0);
    await kith.batchDeletes.restore(deletion.id, actor);
    expect(await count()).toBe(1);
    expect((await kith.contacts.list({ tag: 'COUNTED' })).data.map((c) => c.id)).toEqual([y.id]);
    for (const id of [x.id, y.id]) await kith.contacts.delete(id, actor);
    expect(await count()).toBe(0);
  });

  it('back-fills the index and the tag counts of a store that had contacts before migration 0009', async () => {
    const before = await kith.contacts.create({ name: 'Ottilie Before', tags: ['Backfilled'] }, actor);
    const db = kith.store.db as never;
    await contactSearchMigration.down(db);
    await contactSearchMigration.up(db);
    await tagCountsByWriters.up(db); // 0009 brought its tag-count triggers back; the writers count now
    expect(await names('ottilie')).toEqual(['Ottilie Before']);
    expect(await names('张伟')).toEqual(['张伟', '张伟明']);
    expect((await kith.tags.list()).find((t) => t.name === 'Backfilled')?.contact_count).toBe(1);
    await kith.contacts.delete(before.id, actor);
    expect((await kith.tags.list()).find((t) => t.name === 'Backfilled')?.contact_count).toBe(0);
  });

  it.each(['name', '-name', 'created_at', '-created_at', 'updated_at', '-updated_at'])(
    'pages through sort %s without skipping or repeating, ties broken by id, nameless last',
    async (sort) => {
      const all: Contact[] = [];
      let cursor: string | undefined;
      for (let guard = 0; guard < 50; guard++) {
        const page = await kith.contacts.list({ sort, limit: 3, cursor });
        all.push(...page.data);
        if (!page.next_cursor) break;
        cursor = page.next_cursor;
      }
      const full = (await kith.contacts.list({ sort, limit: 500 })).data;
      expect(all.map((c) => c.id)).toEqual(full.map((c) => c.id));
      expect(new Set(all.map((c) => c.id)).size).toBe(all.length);
      const desc = sort.startsWith('-');
      const key = sort.replace('-', '') as 'name' | 'created_at' | 'updated_at';
      const named = all.filter((c) => key !== 'name' || c.name !== null);
      const expected = [...named].sort((a, b) => {
        const [ka, kb] = key === 'name' ? [a.name!.toLowerCase(), b.name!.toLowerCase()] : [a[key], b[key]];
        const order = ka < kb ? -1 : ka > kb ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
        return desc ? -order : order;
      });
      // Both databases order these names by code point (no upper-case letters beyond ASCII here).
      expect(all.slice(0, named.length).map((c) => c.id)).toEqual(expected.map((c) => c.id));
      expect(all.slice(named.length).every((c) => c.name === null)).toBe(true);
    },
  );

  it('refuses a cursor of another sort, naming it', async () => {
    const page = await kith.contacts.list({ sort: 'name', limit: 2 });
    await expect(
      kith.contacts.list({ sort: '-created_at', cursor: page.next_cursor! }),
    ).rejects.toMatchObject({
      code: 'validation_failed',
      details: { field: 'cursor' },
    });
    await expect(kith.contacts.list({ sort: 'age' })).rejects.toMatchObject({ details: { field: 'sort' } });
    await expect(kith.contacts.list({ created_since: 'yesterday' })).rejects.toMatchObject({
      details: { field: 'created_since', value: 'yesterday' },
    });
  });

  it('filters by ids, dates, initial source and attribute, with the filter applied to searches too', async () => {
    await kith.attributes.create({ key: 'tier', type: 'list', options: ['Gold', 'Silver'] }, actor);
    const g = await kith.contacts.create(
      { name: '王金', initial_source: 'Fair 2026', attributes: { tier: 'Gold' } },
      actor,
    );
    expect((await kith.contacts.list({ initial_source: 'Fair 2026' })).data.map((c) => c.id)).toEqual([g.id]);
    expect((await kith.contacts.list({ attributes: { tier: 'Gold' } })).data.map((c) => c.id)).toEqual([
      g.id,
    ]);
    expect(await names('王', { attributes: { tier: 'Gold' } })).toEqual(['王金']);
    expect(await names('王', { sort: 'name' })).toEqual(PG ? ['王伟', '王金'] : ['李王', '王伟', '王金']);
    const ids = [made.lee!.id, g.id];
    expect((await kith.contacts.list({ ids: ids.join(',') })).data.map((c) => c.id).sort()).toEqual(
      ids.sort(),
    );
    const since = (await kith.contacts.get(g.id)).created_at;
    expect((await kith.contacts.list({ created_since: since })).data.map((c) => c.id)).toEqual([g.id]);
    expect((await kith.contacts.list({ created_before: since, ids: g.id })).data).toEqual([]);
    await kith.contacts.delete(g.id, actor);
  });

  it(`counts exactly up to ${LIST_TOTAL_BOUND} (${SEARCH_TOTAL_BOUND} for a search), then says the total is a lower bound`, async () => {
    const at = new Date().toISOString();
    const rows = Array.from({ length: LIST_TOTAL_BOUND + 5 }, (_, i) => ({
      id: newId('contact'),
      state: { ...emptyContactState(), name: `Bulk ${i}`, tags: i < 3 ? ['Few'] : [] },
    }));
    await kith.store.db
      .transaction()
      .execute((trx) => insertContactsBulk(trx, rows, { at, by: null }, kith.store.rowWriter(trx)));
    const all = await kith.contacts.list({ limit: 1 });
    expect(all.total).toBe(LIST_TOTAL_BOUND);
    expect(all.total_is_lower_bound).toBe(true);
    const few = await kith.contacts.list({ tag: 'few' });
    expect([few.total, few.total_is_lower_bound]).toEqual([3, false]);
    const bulk = await kith.contacts.list({ q: 'bulk', limit: 2 });
    expect([bulk.total, bulk.total_is_lower_bound]).toEqual([SEARCH_TOTAL_BOUND, true]);
    const second = await kith.contacts.list({ q: 'bulk', limit: 2, cursor: bulk.next_cursor! });
    expect(second.data.map((c) => c.id)).not.toContain(bulk.data[0]!.id);
    expect((await kith.contacts.list({ total: false })).total).toBeNull();
  }, 120_000);
});
