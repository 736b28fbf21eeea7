/**
 * The customers list's plans past their thresholds, on a real store (SQLite, or PostgreSQL with
 * KITH_TEST_DATABASE_URL): a search sorted by time with more name matches than are collected walks the
 * sort's index, an attribute value is collected (few holders) or walked (many), and both page and
 * count as the collected plan does; the one-statement page loader returns what loadContacts returns.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ContactSort,
  type ListCursor,
  pgSortsByCodePoint,
  queryContactPage,
} from '../../src/contacts/contact-list-query.js';
import { loadContactsPage, loadContactsPageJson } from '../../src/contacts/contact-page-loader.js';
import { insertContactsBulk, loadContacts } from '../../src/contacts/contact-repository.js';
import { parseSearch } from '../../src/contacts/contact-search-sql.js';
import type { ContactListQuery } from '../../src/contacts/contact-service.js';
import { SYSTEM_ACTOR } from '../../src/domain/actor.js';
import { emptyContactState } from '../../src/domain/contact/contact-fields.js';
import { sql } from 'kysely';
import { newId } from '../../src/domain/ids.js';
import { namesMatch } from '../../src/store/sqlite-functions.js';
import { createTestKith, TEST_DIALECT, type TestKith } from '../support/test-kith.js';

const actor = SYSTEM_ACTOR;
/** More than SEARCH_COLLECT_LIMIT (1,000) and ATTRIBUTE_COLLECT_LIMIT (2,000). */
const MANY = 2400;

describe(`customers list plans on ${TEST_DIALECT}`, () => {
  let kith: TestKith;

  beforeAll(async () => {
    kith = await createTestKith();
    await kith.attributes.create({ key: 'tier', type: 'list', options: ['Gold', 'Silver'] }, actor);
    await kith.attributes.create({ key: 'note', type: 'text' }, actor);
    await kith.identityTypes.create({ key: 'member_no', label: 'Member no.' }, actor);
    await kith.attributes.create({ key: 'score', type: 'number' }, actor);
    await kith.attributes.create({ key: 'vip', type: 'boolean' }, actor);
    // Created a millisecond apart, out of name order, so each sort gives a different order.
    const base = Date.parse('2024-01-01T00:00:00Z');
    const rows = Array.from({ length: MANY }, (_, i) => ({
      id: newId('contact'),
      state: {
        ...emptyContactState(),
        name: i % 2 === 0 ? `王${String((i * 7919) % MANY).padStart(4, '0')}` : `Other ${i}`,
        attributes: { tier: i % 8 === 0 ? 'Silver' : 'Gold', note: `note ${i}` },
      },
    }));
    for (let k = 0; k < rows.length; k += 500) {
      const at = new Date(base + k).toISOString();
      await kith.store.db
        .transaction()
        .execute((trx) =>
          insertContactsBulk(trx, rows.slice(k, k + 500), { at, by: null }, kith.store.rowWriter(trx)),
        );
    }
    // A contact with e-mails, phones, identities and tags for the loader.
    await kith.contacts.create(
      {
        name: '王 loader',
        email: 'a@example.com',
        additional_emails: ['b@example.com', 'c@example.com'],
        phone: '+8613800138000',
        additional_phones: ['+8613900139000'],
        identities: { member_no: 'M-1', external_id: 'X-1' },
        tags: ['zeta', 'Alpha', 'mid'],
        attributes: { tier: 'Gold', note: 'the loader' },
      },
      actor,
    );
  }, 120_000);
  afterAll(async () => kith.destroy());

  /** Every page of a query, following cursors. */
  const everyPage = async (query: ContactListQuery) => {
    const ids: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await kith.contacts.list({ ...query, limit: 300, cursor, total: false });
      ids.push(...page.data.map((c) => c.id));
      if (!page.next_cursor) return ids;
      cursor = page.next_cursor;
    }
  };

  const SORTS = ['created_at', '-created_at', '-updated_at', 'name', '-name'];
  it.each([
    // A surname: the beginning of names (on PostgreSQL a name sort walks them in the name index).
    ...SORTS.map((sort) => ['王', sort]),
    // Two letters ending a word (Other, loader): matched through pg_trgm's word-end trigram on
    // PostgreSQL, spread over the whole name index.
    ...SORTS.map((sort) => ['er', sort]),
  ])(
    'a common name fragment %s sorted by %s pages through every match once, in order (walked past 1,000 matches)',
    async (q, sort) => {
      const ids = await everyPage({ q, sort });
      const expected = (
        await kith.store.db
          .selectFrom('contacts')
          .select(['id', 'name', 'first_name', 'last_name', 'created_at', 'updated_at'])
          .where('deleted_at', 'is', null)
          .execute()
      ).filter((c) => namesMatch([c.name, c.first_name, c.last_name], 'short', q));
      expect(expected.length).toBeGreaterThan(1000);
      const key = sort.replace('-', '') as 'created_at' | 'updated_at' | 'name';
      const dir = sort.startsWith('-') ? -1 : 1;
      const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
      expected.sort(
        (a, b) =>
          dir *
          (cmp(
            key === 'name' ? a.name!.toLowerCase() : a[key],
            key === 'name' ? b.name!.toLowerCase() : b[key],
          ) || cmp(a.id, b.id)),
      );
      expect(ids).toEqual(expected.map((r) => r.id));
      const first = await kith.contacts.list({ q, sort, limit: 5 });
      expect([first.total, first.total_is_lower_bound]).toEqual([1000, true]);
    },
    60_000,
  );

  it('a common two-letter word end by relevance pages through every match once', async () => {
    const ids = await everyPage({ q: 'er' });
    const expected = (
      await kith.store.db
        .selectFrom('contacts')
        .select(['id', 'name', 'first_name', 'last_name'])
        .where('deleted_at', 'is', null)
        .execute()
    ).filter((c) => namesMatch([c.name, c.first_name, c.last_name], 'short', 'er'));
    expect(ids.length).toBe(expected.length);
    expect(new Set(ids)).toEqual(new Set(expected.map((c) => c.id)));
  });

  it('a name-sorted surname pages the same whether or not the collation bounds its prefix', async () => {
    // PostgreSQL's test cluster sorts by code point (C.UTF-8), so the walk there is bounded; a database
    // with a language's collation (Hungarian "sz" after "s" + U+10FFFF) walks unbounded.
    if (TEST_DIALECT === 'postgres') expect(await pgSortsByCodePoint(kith.store.db)).toBe(true);
    const pages = async (prefixesBounded: boolean, desc = false) => {
      const ids: string[] = [];
      let cursor: ListCursor | null = null;
      for (;;) {
        const page = await queryContactPage(
          { db: kith.store.db, dialect: kith.store.dialect, prefixesBounded },
          {
            filter: { search: parseSearch('王', 'CN') },
            sort: { key: 'name', desc },
            cursor,
            limit: 400,
            totalBound: null,
          },
        );
        ids.push(...page.ids);
        if (!page.next) return ids;
        cursor = page.next;
      }
    };
    const bounded = await pages(true);
    expect(bounded.length).toBe(MANY / 2 + 1);
    expect(await pages(false)).toEqual(bounded);
    // Descending: walked from the prefix's upper end where bounded, collected where not.
    const descending = await pages(true, true);
    expect(descending).toEqual([...bounded].reverse());
    expect(await pages(false, true)).toEqual(descending);
    // The beginning of an e-mail, by relevance and collected for a sort, both ways.
    for (const prefixesBounded of [true, false])
      for (const sort of [
        { key: 'relevance', desc: false },
        { key: 'name', desc: false },
      ] as const) {
        const page = await queryContactPage(
          { db: kith.store.db, dialect: kith.store.dialect, prefixesBounded },
          { filter: { search: parseSearch('b@ex', 'CN') }, sort, cursor: null, limit: 5, totalBound: 100 },
        );
        expect([page.ids.length, page.total]).toEqual([1, 1]);
      }
  });

  it('counts and selects a walked search exactly (bulk actions: countUpTo, listIds)', async () => {
    const matches = MANY / 2 + 1;
    expect(await kith.contacts.countUpTo({ q: '王' }, 5000)).toBe(matches);
    expect(await kith.contacts.countUpTo({ q: '王' }, 1100)).toBe(1101);
    expect(new Set(await kith.contacts.listIds({ q: '王' })).size).toBe(matches);
  });

  it('finds a value one contact holds, a few hold and most hold, with honest totals', async () => {
    const rare = await kith.contacts.list({ attributes: { note: 'note 1234' } });
    expect(rare.data.map((c) => c.attributes.note)).toEqual(['note 1234']);
    expect([rare.total, rare.total_is_lower_bound]).toEqual([1, false]);
    for (const [tier, holders] of [
      ['Silver', MANY / 8],
      ['Gold', MANY - MANY / 8 + 1],
    ] as const) {
      const first = await kith.contacts.list({ attributes: { tier }, sort: '-created_at', limit: 10 });
      expect([first.total, first.total_is_lower_bound]).toEqual([holders, false]);
      expect(first.data.every((c) => c.attributes.tier === tier)).toBe(true);
      const all = await everyPage({ attributes: { tier }, sort: 'name' });
      expect(new Set(all).size).toBe(holders);
    }
    const both = await kith.contacts.list({ attributes: { tier: 'Gold', note: 'note 3' } });
    expect(both.data.map((c) => c.attributes.note)).toEqual(['note 3']);
    const none = await kith.contacts.list({ attributes: { tier: 'Silver', note: 'note 3' } });
    expect([none.data.length, none.total]).toEqual([0, 0]);
  });

  it('loads a page in one statement exactly as loadContacts does, as objects and as JSON text', async () => {
    const page = await kith.contacts.list({ q: '王', sort: 'name', limit: 20 });
    const ids = [...page.data.map((c) => c.id), 'ct_00000000000000000000000000'];
    const loader = (await kith.contacts.list({ q: 'a@example.com' })).data[0]!;
    const odd = await kith.contacts.create(
      {
        name: 'Quote " back \\ slash\nline <img src=x onerror=alert(1)> 😀 張',
        first_name: '',
        company: 'Tab\there',
        phone: '+8613700137000',
        identities: { member_no: 'M "2"' },
        attributes: { score: 12.5, vip: false, note: 'é\u2028?' },
      },
      actor,
    );
    ids.push(loader.id, odd.id);
    const one = await loadContactsPage(kith.store.db, ids);
    const five = await loadContacts(kith.store.db, ids);
    expect([...one.entries()].sort()).toEqual([...five.entries()].sort());
    const json = await loadContactsPageJson(kith.store.db, ids);
    expect([...json.keys()].sort()).toEqual([...one.keys()].sort());
    for (const [id, text] of json) {
      // The same fields in the same order, the same values.
      expect(Object.keys(JSON.parse(text))).toEqual(Object.keys(one.get(id)!));
      expect(JSON.parse(text)).toEqual(one.get(id));
    }
    expect(JSON.parse(json.get(odd.id)!)).toMatchObject({
      additional_emails: [],
      identities: { member_no: 'M "2"' },
    });
    expect(one.get(loader.id)).toMatchObject({
      email: 'a@example.com',
      additional_emails: ['b@example.com', 'c@example.com'],
      additional_phones: ['+8613900139000'],
      identities: { external_id: 'X-1', member_no: 'M-1' },
      tags: ['Alpha', 'mid', 'zeta'],
    });
  });
  // Last: it adds a match that is not a name.
  it('a search sorted by name also finds a contact whose identity is the query, wherever its name sorts', async () => {
    const aaron = await kith.contacts.create({ name: 'Aaron', identities: { member_no: '王' } }, actor);
    const ids = await everyPage({ q: '王', sort: 'name' });
    expect(ids[0]).toBe(aaron.id);
    expect(ids).toHaveLength(MANY / 2 + 2);
  });

  it('a walked search with an attribute held by few counts the contacts that match both, not the holders', async () => {
    // score = 1 for every 王 contact (1,200) and 300 others: few enough holders to be counted through the
    // attribute index, while the search has too many matches to be collected. Keys stay sorted (note,
    // score, tier), as the store writes them.
    await sql`update contacts set attributes = replace(attributes, ',"tier"', ',"score":1,"tier"')
      where name like '王0%' or name like '王1%' or name like '王2%' or name like 'Other 1%'`.execute(
      kith.store.db,
    );
    const holders = await kith.store.db
      .selectFrom('contacts')
      .select(['name'])
      .where('attributes', 'like', '%"score":1,%')
      .where('deleted_at', 'is', null)
      .execute();
    const both = holders.filter((c) => c.name!.startsWith('王')).length;
    expect(both).toBeGreaterThan(1000);
    expect(holders.length).toBeLessThanOrEqual(2000);
    expect(holders.length).toBeGreaterThan(both);
    const page = await queryContactPage(
      { db: kith.store.db, dialect: TEST_DIALECT },
      {
        filter: { search: parseSearch('王', 'CN'), attributes: { score: '1' } },
        sort: { key: 'created_at', desc: false },
        cursor: null,
        limit: 10,
        totalBound: 5000,
      },
    );
    expect([page.total, page.totalIsLowerBound]).toEqual([both, false]);
  });

  it('a collected set is filtered and sorted whole: named contacts by name, then those without a name, page by page', async () => {
    // Out of name order by creation, two without a name, one without the tag the list asks for.
    const made = [];
    for (const [name, tagged] of [
      ['delta', true],
      [null, true],
      ['Alpha', true],
      ['charlie', false],
      [null, true],
      ['bravo', true],
      ['alpha', true],
    ] as const)
      made.push(
        await kith.contacts.create(
          {
            ...(name ? { name } : { email: `nameless-${made.length}@example.org` }),
            tags: tagged ? ['kept'] : [],
          },
          actor,
        ),
      );
    const kept = made.filter((c) => c.tags.includes('kept'));
    const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    const named = kept
      .filter((c) => c.name)
      .sort((a, b) => cmp(a.name!.toLowerCase(), b.name!.toLowerCase()) || cmp(a.id, b.id));
    const nameless = kept.filter((c) => !c.name).sort((a, b) => cmp(a.id, b.id));
    for (const [sort, expected] of [
      ['name', [...named, ...nameless]],
      ['-name', [...named.reverse(), ...nameless.reverse()]],
    ] as const) {
      const ids: string[] = [];
      let cursor: string | undefined;
      for (;;) {
        const page = await kith.contacts.list({
          ids: made.map((c) => c.id),
          tag: 'kept',
          sort,
          limit: 1,
          cursor,
        });
        expect([page.total, page.total_is_lower_bound]).toEqual([kept.length, false]);
        ids.push(...page.data.map((c) => c.id));
        if (!page.next_cursor) break;
        cursor = page.next_cursor;
      }
      expect(ids).toEqual(expected.map((c) => c.id));
    }
  });

  // After the test above: its contacts without a name end the name sorts.
  it('a page that reads its contacts in its own statement answers what the page and the loader answer, on every plan', async () => {
    const ctx = { db: kith.store.db, dialect: kith.store.dialect };
    const same = async (query: ContactListQuery) => {
      let cursor: string | undefined;
      let pages = 0;
      for (;;) {
        const plain = await kith.contacts.list({ ...query, cursor });
        const json = await kith.contacts.listJson({ ...query, cursor });
        expect([json.next_cursor, json.total, json.total_is_lower_bound]).toEqual([
          plain.next_cursor,
          plain.total,
          plain.total_is_lower_bound,
        ]);
        expect(json.data.map((c) => c.id)).toEqual(plain.data.map((c) => c.id));
        // With the members other capabilities registered (orders: none bought here).
        expect(json.data.map((c) => JSON.parse(c.json) as unknown)).toEqual(
          plain.data.map((c) => ({
            ...c,
            orders_count: 0,
            total_spent: '0.00',
            first_order_at: null,
            last_order_at: null,
          })),
        );
        pages++;
        if (!plain.next_cursor) return pages;
        cursor = plain.next_cursor;
      }
    };
    // Every page of the index walks, through the contacts without a name at the end of each name sort.
    for (const sort of ['name', '-name', '-created_at', 'updated_at'])
      expect(await same({ sort, limit: 400 })).toBeGreaterThan(6);
    // A collected set (a tag; on SQLite a materialized CTE), a page of one through both phases.
    expect(await same({ tag: 'kept', sort: 'name', limit: 1 })).toBe(6);
    expect(await same({ tag: 'kept', sort: '-created_at', limit: 2 })).toBe(3);
    // A walked search, a collected search, and a search by relevance (its contacts loaded after it).
    for (const query of [
      { q: '王', sort: 'created_at', limit: 250 },
      { q: '王00', sort: '-name', limit: 3 },
      { q: '王', limit: 300 },
    ])
      expect(await same(query)).toBeGreaterThan(1);

    // The sorted plans answer the JSON themselves, in the order of their ids; relevance does not.
    const page = (filter: Parameters<typeof queryContactPage>[1]['filter'], sort: ContactSort) =>
      queryContactPage(ctx, {
        filter,
        sort,
        cursor: null,
        limit: 5,
        totalBound: 100,
        withJson: { extra: [] },
      });
    for (const [filter, sort] of [
      [{}, { key: 'name', desc: true }],
      [{ search: parseSearch('王', 'CN') }, { key: 'created_at', desc: false }],
      [{ search: parseSearch('王00', 'CN') }, { key: 'name', desc: false }],
    ] as const) {
      const { ids, json } = await page(filter, sort);
      expect(ids).toHaveLength(5);
      const loaded = await loadContactsPageJson(kith.store.db, ids);
      expect(json).toEqual(ids.map((id) => loaded.get(id)));
    }
    const relevance = await page({ search: parseSearch('王', 'CN') }, { key: 'relevance', desc: false });
    expect([relevance.ids.length, relevance.json]).toEqual([5, undefined]);
  });
});
