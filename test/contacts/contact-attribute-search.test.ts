/**
 * Attribute filters through the attribute index (SQLite: migration 0027's FTS5 table, PostgreSQL:
 * migration 0026's GIN index): every kind of value is found exactly, through every write path that
 * changes a contact's attributes or its liveness. On SQLite the table is also checked token by token
 * against the contacts' rows, since a contentless table unindexed with the wrong text would go on
 * answering for values nobody holds any more.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteAttributeCandidatesSql } from '../../src/contacts/contact-attribute-sql.js';
import { insertContactsBulk } from '../../src/contacts/contact-repository.js';
import type { Contact } from '../../src/domain/contact/contact-fields.js';
import { SYSTEM_ACTOR } from '../../src/domain/actor.js';
import { emptyContactState } from '../../src/domain/contact/contact-fields.js';
import { newId } from '../../src/domain/ids.js';
import { createTestKith, TEST_DIALECT, type TestKith } from '../support/test-kith.js';

const actor = SYSTEM_ACTOR;
const LONG = 'a note longer than the thirty-two characters a token keeps';

describe(`attribute filters through the attribute index on ${TEST_DIALECT}`, () => {
  let kith: TestKith;
  /** Every key and JSON value the test has given any contact. */
  const used = new Map<string, unknown>();

  beforeAll(async () => {
    kith = await createTestKith();
    await kith.attributes.create({ key: 'tier', type: 'list', options: ['Gold', 'Silver', '金卡'] }, actor);
    await kith.attributes.create({ key: 'note', type: 'text' }, actor);
    await kith.attributes.create({ key: 'score', type: 'number' }, actor);
    await kith.attributes.create({ key: 'vip', type: 'boolean' }, actor);
    await kith.attributes.create({ key: 'since', type: 'date' }, actor);
    await kith.attributes.create({ key: 'member_level', type: 'text' }, actor);
  }, 60_000);
  afterAll(async () => kith.destroy());

  const remember = (attributes: Record<string, unknown>) => {
    for (const [key, value] of Object.entries(attributes))
      if (value !== null) used.set(`${key}\u0000${JSON.stringify(value)}`, value);
  };
  const create = async (name: string, attributes: Record<string, unknown>) => {
    remember(attributes);
    return kith.contacts.create({ name, attributes }, actor);
  };
  const holders = async (key: string, value: unknown) =>
    (await kith.contacts.list({ attributes: { [key]: String(value) }, sort: 'name', limit: 200 })).data.map(
      (c) => c.name,
    );

  /** SQLite: for every value ever used, the FTS5 candidates are exactly the live holders of its token. */
  const expectIndexInStep = async () => {
    if (TEST_DIALECT !== 'sqlite') return;
    const db = kith.store.db;
    for (const key of used.keys()) {
      const [name, json] = key.split('\u0000') as [string, string];
      const candidates = (await sqliteAttributeCandidatesSql(name, json).execute(db)).rows.map(
        (r) => r.rowid,
      );
      const { rows } = await sql<{ rowid: number }>`select c.rowid from contacts c, json_each(c.attributes) j
        where c.deleted_at is null and j.key = ${name}
          and substr(j.key || char(31) || coalesce(j.value, j.type), 1, 32) = (select
            substr(v.key || char(31) || coalesce(v.value, v.type), 1, 32)
            from json_each(json_object(${name}, json(${json}))) v)`.execute(db);
      expect(candidates.sort(), `candidates of ${name} = ${json}`).toEqual(rows.map((r) => r.rowid).sort());
    }
  };

  let gold: Contact;
  let silver: Contact;
  let long1: Contact;

  it('finds text, Chinese, list, number, boolean and date values, and long values that share a token', async () => {
    gold = await create('A gold', { tier: 'Gold', score: 1, vip: true, since: '2024-02-29' });
    silver = await create('B silver', { tier: 'Silver', score: 12.5, vip: false, note: '"quoted", comma' });
    long1 = await create('C long', { note: `${LONG} (one)`, member_level: '金卡 会员' });
    await create('D long', { note: `${LONG} (two)`, tier: '金卡' });
    await create('E none', {});
    // Imported contacts (the bulk writer: its own multi-row statements).
    const rows = ['Gold', 'Silver'].map((tier, i) => ({
      id: newId('contact'),
      state: { ...emptyContactState(), name: `F bulk ${i}`, attributes: { tier, score: 12.5 } },
    }));
    remember({ tier: 'Gold', score: 12.5 });
    await kith.store.db
      .transaction()
      .execute((trx) =>
        insertContactsBulk(trx, rows, { at: new Date().toISOString(), by: null }, kith.store.rowWriter(trx)),
      );

    expect(await holders('tier', 'Gold')).toEqual(['A gold', 'F bulk 0']);
    expect(await holders('tier', '金卡')).toEqual(['D long']);
    expect(await holders('score', 12.5)).toEqual(['B silver', 'F bulk 0', 'F bulk 1']);
    // 1 and true share a token; the row's check tells them apart.
    expect(await holders('score', 1)).toEqual(['A gold']);
    expect(await holders('vip', true)).toEqual(['A gold']);
    expect(await holders('vip', false)).toEqual(['B silver']);
    expect(await holders('since', '2024-02-29')).toEqual(['A gold']);
    expect(await holders('note', '"quoted", comma')).toEqual(['B silver']);
    expect(await holders('note', `${LONG} (two)`)).toEqual(['D long']);
    expect(await holders('note', LONG)).toEqual([]);
    expect(await holders('member_level', '金卡 会员')).toEqual(['C long']);
    const both = await kith.contacts.list({ attributes: { tier: 'Gold', score: '12.5' } });
    expect(both.data.map((c) => c.name)).toEqual(['F bulk 0']);
    await expectIndexInStep();
  });

  it('follows a value changed, removed and added, a contact deleted and restored, merged and unmerged', async () => {
    remember({ tier: 'Silver', note: 'changed' });
    await kith.contacts.update(
      gold.id,
      { attributes: { tier: 'Silver', vip: null, note: 'changed' } },
      actor,
    );
    expect(await holders('tier', 'Gold')).toEqual(['F bulk 0']);
    expect(await holders('tier', 'Silver')).toEqual(['A gold', 'B silver', 'F bulk 1']);
    expect(await holders('vip', true)).toEqual([]);
    await expectIndexInStep();

    await kith.contacts.delete(silver.id, actor);
    expect(await holders('tier', 'Silver')).toEqual(['A gold', 'F bulk 1']);
    await expectIndexInStep();

    const deletion = await kith.batchDeletes.delete({ ids: [long1.id] }, 1, actor);
    expect(await holders('member_level', '金卡 会员')).toEqual([]);
    await expectIndexInStep();
    await kith.batchDeletes.restore(deletion.id, actor);
    expect(await holders('member_level', '金卡 会员')).toEqual(['C long']);
    await expectIndexInStep();

    const merged = await kith.merges.merge({ survivorId: gold.id, contactIds: [gold.id, long1.id] }, actor);
    expect(await holders('member_level', '金卡 会员')).toEqual(['A gold']);
    expect(await holders('note', `${LONG} (one)`)).toEqual([]);
    await expectIndexInStep();
    await kith.merges.unmerge(merged.merge_id!, actor);
    expect(await holders('member_level', '金卡 会员')).toEqual(['C long']);
    expect(await holders('note', 'changed')).toEqual(['A gold']);
    await expectIndexInStep();
  });

  it('forgets an attribute cleared from its holders and then deleted', async () => {
    for (const name of ['A gold', 'B silver', 'F bulk 0', 'F bulk 1']) {
      const [holder] = (await kith.contacts.list({ q: name })).data;
      if (holder?.attributes.score !== undefined)
        await kith.contacts.update(holder.id, { attributes: { score: null } }, actor);
    }
    await kith.attributes.delete('score', actor);
    await kith.attributes.create({ key: 'score', type: 'number' }, actor);
    expect(await holders('score', 12.5)).toEqual([]);
    await expectIndexInStep();
  });
});
