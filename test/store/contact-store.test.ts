import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeAttributeFromDeletedContacts } from '../../src/contacts/contact-attribute-sql.js';
import type { Actor } from '../../src/domain/actor.js';
import { ConflictError } from '../../src/domain/errors.js';
import { loadContacts, writeContactStates } from '../../src/contacts/contact-repository.js';
import { contactStateOf } from '../../src/dedupe/merge/plan-contact-merge.js';
import { readDedupeValues } from '../../src/dedupe/scan/load-dedupe-input.js';
import type { RowReader } from '../../src/store/row-reader.js';
import { isUniqueViolation } from '../../src/store/database.js';
import { kyselyRowWriter } from '../../src/store/row-writer.js';
import { runCli } from '../support/run-cli.js';
import { createTestKith, TEST_DIALECT, type TestKith } from '../support/test-kith.js';

const actor: Actor = { userId: null, channel: 'api' };

describe(`contacts on ${TEST_DIALECT}`, () => {
  let kith: TestKith;
  beforeAll(async () => {
    kith = await createTestKith();
    await kith.identityTypes.create({ key: 'wechat_openid' }, actor);
    await kith.attributes.create({ key: 'tier', type: 'list', options: ['Gold', 'Silver'] }, actor);
  });
  afterAll(async () => kith.destroy());

  it('stores and reloads the whole wire shape', async () => {
    const created = await kith.contacts.create(
      {
        first_name: '伟',
        last_name: '张',
        email: 'Wei@Example.com',
        additional_emails: ['wei2@example.com'],
        phone: '13800138001',
        additional_phones: ['+1 415 555 2672'],
        birthday: '1990-05-06',
        tags: ['VIP', '新客'],
        external_id: 'CRM-100',
        identities: { wechat_openid: 'o6_100' },
        attributes: { tier: 'gold' },
      },
      actor,
    );
    expect(created.id).toMatch(/^ct_[0-9a-z]{26}$/);
    expect(await kith.contacts.get(created.id)).toEqual(created);
    expect(created).toMatchObject({
      name: '张伟',
      email: 'wei@example.com',
      additional_emails: ['wei2@example.com'],
      phone: '+8613800138001',
      additional_phones: ['+14155552672'],
      tags: ['VIP', '新客'],
      identities: { external_id: 'CRM-100', wechat_openid: 'o6_100' },
      attributes: { tier: 'Gold' },
    });
  });

  it('refuses a value another live contact owns, naming it, and frees it on soft delete', async () => {
    const first = await kith.contacts.create({ name: 'First', phone: '+86 139 0013 9000' }, actor);
    const attempt = kith.contacts.create({ name: 'Second', phone: '139-0013-9000' }, actor);
    await expect(attempt).rejects.toThrow(ConflictError);
    await expect(attempt).rejects.toMatchObject({
      existingId: first.id,
      field: 'phone',
      value: '+8613900139000',
    });
    await kith.contacts.delete(first.id, actor);
    const second = await kith.contacts.create({ name: 'Second', phone: '139-0013-9000' }, actor);
    expect(second.phone).toBe('+8613900139000');
  });

  it('enforces uniqueness in the database itself, not only in code', async () => {
    const owner = await kith.contacts.create({ email: 'owned@example.com', external_id: 'DB-1' }, actor);
    const other = await kith.contacts.create({ name: 'Other' }, actor);
    const db = kith.store.db;
    const raw = [
      db.insertInto('contact_emails').values({
        id: 'em_x1',
        contact_id: other.id,
        value: 'owned@example.com',
        is_primary: 1,
        position: 0,
        deleted_at: null,
      }),
      db
        .insertInto('contact_identities')
        .values({ id: 'idn_x1', contact_id: other.id, type: 'external_id', value: 'DB-1', deleted_at: null }),
    ];
    for (const statement of raw) {
      const error = await statement.execute().then(
        () => null,
        (e: unknown) => e,
      );
      expect(isUniqueViolation(error)).toBe(true);
    }
    expect((await kith.contacts.get(owner.id)).email).toBe('owned@example.com');
  });

  it('lets exactly one of many concurrent writers take a phone: one process, many requests', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        kith.contacts.create(
          { name: `Racer ${i}`, phone: '+86 137 0013 7000', email: `racer${i}@example.com` },
          actor,
        ),
      ),
    );
    const winner = expectOneWinner(results);
    expect((await kith.contacts.list({ q: '13700137000' })).data.map((c) => c.id)).toEqual([winner]);
  });

  it('lets exactly one of many concurrent writers take a phone: separate processes', async () => {
    const results = await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        runCli(
          [
            'contacts',
            'add',
            '--name',
            `Proc ${i}`,
            '--phone',
            `135${i === 0 ? '-' : ''}0013 5000`,
            '--json',
          ],
          kith.database.env,
        ),
      ),
    );
    const won = results.filter((r) => r.code === 0);
    expect(won).toHaveLength(1);
    const winner = JSON.parse(won[0]!.stdout).id as string;
    for (const lost of results.filter((r) => r.code !== 0)) {
      expect(lost.stderr).toContain(`phone "+8613500135000" already belongs to contact ${winner}`);
    }
  });

  it('records field-level history and a timeline for every change', async () => {
    const c = await kith.contacts.create({ name: 'Hist', email: 'hist@example.com' }, actor);
    await kith.contacts.update(c.id, { name: 'Hist 2', tags: ['a'] }, { userId: null, channel: 'cli' });
    await kith.contacts.update(c.id, { name: 'Hist 2' }, actor); // no change → no entry
    const history = await kith.contacts.history(c.id);
    expect(history.map((h) => h.action)).toEqual(['updated', 'created']);
    expect(history[0]).toMatchObject({
      channel: 'cli',
      changes: [
        { field: 'name', old: 'Hist', new: 'Hist 2' },
        { field: 'tags', old: [], new: ['a'] },
      ],
    });
    expect(history[1]?.changes).toContainEqual({ field: 'email', old: null, new: 'hist@example.com' });
    const timeline = await kith.contacts.timeline(c.id);
    expect(timeline.map((e) => e.type)).toEqual(['updated', 'created']);
  });

  it('lists with filters and cursor pagination', async () => {
    const tagged: string[] = [];
    for (let i = 0; i < 5; i++) {
      const c = await kith.contacts.create(
        { name: `Paged ${i}`, tags: ['paged'], attributes: { tier: i % 2 ? 'Silver' : 'Gold' } },
        actor,
      );
      tagged.push(c.id);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await kith.contacts.list({ tag: 'PAGED', limit: 2, cursor });
      seen.push(...page.data.map((c) => c.id));
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(tagged);
    const silver = await kith.contacts.list({ tag: 'paged', attributes: { tier: 'silver' } });
    expect(silver.data.map((c) => c.name)).toEqual(['Paged 1', 'Paged 3']);
    expect((await kith.contacts.list({ q: 'paged 4' })).data.map((c) => c.id)).toEqual([tagged[4]]);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await kith.contacts.list({ updated_since: future })).data).toEqual([]);
  });

  it('filters on typed attribute values and guards a definition whose values are in use', async () => {
    for (const [key, type] of [
      ['points', 'number'],
      ['vip', 'boolean'],
      ['motto', 'text'],
    ] as const)
      await kith.attributes.create({ key, type }, actor);
    const made = [];
    for (const attributes of [
      { points: '12.5', vip: 'yes', motto: '说 "hi"', tier: 'Silver' },
      { points: '12', vip: 'no', motto: 'other' },
      { points: '12.50', vip: 'true' },
    ])
      made.push((await kith.contacts.create({ name: 'Typed', tags: ['typed'], attributes }, actor)).id);
    const ids = async (attributes: Record<string, string>) =>
      (await kith.contacts.list({ tag: 'typed', attributes })).data.map((c) => c.id);
    expect(await ids({ points: '12.5' })).toEqual([made[0], made[2]]);
    expect(await ids({ vip: 'true' })).toEqual([made[0], made[2]]);
    expect(await ids({ vip: 'false' })).toEqual([made[1]]);
    expect(await ids({ motto: '说 "hi"' })).toEqual([made[0]]);
    expect(await ids({ points: '12', vip: 'false' })).toEqual([made[1]]);

    await expect(kith.attributes.update('tier', { options: ['Gold'] }, actor)).rejects.toMatchObject({
      code: 'in_use',
    });
    await expect(kith.attributes.delete('motto', actor)).rejects.toMatchObject({ code: 'in_use' });
    await kith.contacts.update(made[1]!, { attributes: { motto: null } }, actor);
    await kith.contacts.delete(made[0]!, actor);
    // Only a deleted contact still holds a motto: the definition goes, and the value with it.
    await kith.attributes.delete('motto', actor);
    const [kept] = (await loadContacts(kith.store.db, [made[0]!], { includeDeleted: true })).values();
    expect(kept!.attributes).toEqual({ points: 12.5, tier: 'Silver', vip: true });
    // The sweep a deletion runs never touches a live customer: one given a value between the deletion's
    // check and its sweep keeps it (before, it lost it silently, with no change-log entry).
    await removeAttributeFromDeletedContacts(kith.store.db, 'tier');
    expect((await kith.contacts.get(made[1]!)).attributes).toMatchObject({ points: 12 });
    const [deleted] = (await loadContacts(kith.store.db, [made[0]!], { includeDeleted: true })).values();
    expect(deleted!.attributes).toEqual({ points: 12.5, vip: true });
    const live = await kith.contacts.create({ name: 'Live tier', attributes: { tier: 'Gold' } }, actor);
    await removeAttributeFromDeletedContacts(kith.store.db, 'tier');
    expect((await kith.contacts.get(live.id)).attributes).toEqual({ tier: 'Gold' });
    await expect(kith.attributes.delete('tier', actor)).rejects.toMatchObject({ code: 'in_use' });
  });

  it('keeps both of two concurrent changes to different attributes of one contact', async () => {
    // One JSON column holds the attributes: without the row lock on PostgreSQL the later writer would
    // overwrite the earlier one's attribute with the value it had read.
    for (let round = 0; round < 5; round++) {
      const c = await kith.contacts.create({ name: `Concurrent ${round}` }, actor);
      await Promise.all([
        kith.contacts.update(c.id, { attributes: { points: String(round) } }, actor),
        kith.contacts.update(c.id, { attributes: { vip: 'yes' } }, actor),
        kith.contacts.update(c.id, { attributes: { tier: 'Gold' } }, actor),
      ]);
      expect((await kith.contacts.get(c.id)).attributes).toEqual({ points: round, tier: 'Gold', vip: true });
    }
  });

  it('upserts by identity, email and phone', async () => {
    const a = await kith.contacts.upsert(
      'wechat_openid',
      { identities: { wechat_openid: 'o6_up' }, name: 'Up' },
      actor,
    );
    expect(a.created).toBe(true);
    const b = await kith.contacts.upsert(
      'wechat_openid',
      { identities: { wechat_openid: 'o6_up' }, company: 'Acme' },
      actor,
    );
    expect(b).toMatchObject({ created: false, contact: { id: a.contact.id, name: 'Up', company: 'Acme' } });
    const c = await kith.contacts.upsert('phone', { phone: '13600136000', name: 'P' }, actor);
    const d = await kith.contacts.upsert('phone', { phone: '+86 136 0013 6000', city: '上海' }, actor);
    expect(d).toMatchObject({ created: false, contact: { id: c.contact.id, city: '上海' } });
  });

  for (const [n, writerKind] of (['portable', 'store'] as const).entries()) {
    it(`writes a batch of contact changes in one go (${writerKind} row writer)`, async () => {
      const a = await kith.contacts.create(
        {
          name: 'Batch A',
          email: `a1-${n}@example.com`,
          additional_emails: [`a2-${n}@example.com`],
          phone: `1380013810${n}`,
          tags: ['old', 'kept'],
          external_id: `BATCH-A-${writerKind}`,
          attributes: { tier: 'Gold' },
        },
        actor,
      );
      const b = await kith.contacts.create({ name: 'Batch B', email: `b-${writerKind}@example.com` }, actor);
      const [stateA, stateB] = [contactStateOf(a), contactStateOf(b)];
      const phoneRows = () =>
        kith.store.db
          .selectFrom('contact_phones')
          .select(['id', 'value', 'is_primary', 'position'])
          .where('contact_id', '=', a.id)
          .orderBy('position')
          .execute();
      const [primaryPhoneRow] = await phoneRows();
      const a1 = {
        ...stateA,
        name: 'Batch A1',
        email: `a2-${n}@example.com`,
        additional_emails: [`a1-${n}@example.com`],
      };
      const a2 = {
        ...a1,
        tags: ['kept', 'New'],
        identities: { wechat_openid: `o6_batch_${writerKind}` },
        attributes: { tier: 'Silver' },
        additional_phones: [`+1415555267${n}`],
      };
      const b1 = { ...stateB, phone: `+861380013811${n}`, attributes: { tier: 'Gold' } };
      await kith.store.db.transaction().execute(async (trx) =>
        writeContactStates(
          trx,
          [
            // Two writes to one contact in one batch count as one, first before to last after.
            { contactId: a.id, before: stateA, after: a1 },
            { contactId: b.id, before: stateB, after: b1 },
            { contactId: a.id, before: a1, after: a2 },
          ],
          { updatedAt: new Date().toISOString(), updatedBy: null },
          writerKind === 'store' ? kith.store.rowWriter(trx) : kyselyRowWriter(trx),
        ),
      );
      const stored = await loadContacts(kith.store.db, [a.id, b.id]);
      expect(contactStateOf(stored.get(a.id)!)).toEqual(a2);
      expect(contactStateOf(stored.get(b.id)!)).toEqual(b1);
      // The old identity and email order are gone from the rows themselves, not only from the shape.
      expect(
        await kith.store.db
          .selectFrom('contact_identities')
          .select('contact_id')
          .where('type', '=', 'external_id')
          .where('value', '=', `BATCH-A-${writerKind}`)
          .where('deleted_at', 'is', null)
          .executeTakeFirst(),
      ).toBeUndefined();
      const emails = await kith.store.db
        .selectFrom('contact_emails')
        .select(['value', 'is_primary', 'position'])
        .where('contact_id', '=', a.id)
        .orderBy('position')
        .execute();
      expect(emails).toEqual([
        { value: `a2-${n}@example.com`, is_primary: 1, position: 0 },
        { value: `a1-${n}@example.com`, is_primary: 0, position: 1 },
      ]);
      // A phone only added at the end of the list is inserted alone: the primary's row stays as it was.
      expect(await phoneRows()).toEqual([
        primaryPhoneRow,
        { id: expect.stringMatching(/^ph_/), value: `+1415555267${n}`, is_primary: 0, position: 1 },
      ]);
    });
  }

  it('loads the compared fields the same through the store row reader as through Kysely pages', async () => {
    const fields = ['name', 'email', 'phone', 'birthday', 'identity.wechat_openid', 'attr.tier'].map(
      (field) => ({ field, comparator: 'exact' as const }),
    );
    // Every value as it is handed over: [field, record, raw text].
    const read = async (reader: RowReader | null) => {
      const values: [number, number, string][] = [];
      const contacts = await readDedupeValues(kith.store.db, fields, reader, (field, record, raw) =>
        values.push([field, record, raw]),
      );
      return { ...contacts, values };
    };
    const paged = await read(null);
    expect(paged.ids.length).toBeGreaterThan(2);
    // Several e-mails and phones, an identity and an attribute are all among them.
    const ofField = (k: number) => paged.values.filter(([field]) => field === k).map(([, record]) => record);
    expect(new Set(ofField(1)).size).toBeLessThan(ofField(1).length);
    expect(ofField(4).length).toBeGreaterThan(0);
    expect(ofField(5).length).toBeGreaterThan(0);
    if (kith.store.rowReader) {
      expect(await read(kith.store.rowReader)).toEqual(paged);
    } else expect(TEST_DIALECT).toBe('postgres');
  });

  it('keeps groups and their members', async () => {
    const group = await kith.groups.create({ name: 'Newsletter' }, actor);
    const c = await kith.contacts.create({ name: 'Member' }, actor);
    expect(await kith.groups.addMembers(group.id, [c.id, c.id], actor)).toEqual({
      added: [c.id],
      already_members: [],
    });
    expect(await kith.groups.addMembers(group.id, [c.id], actor)).toEqual({
      added: [],
      already_members: [c.id],
    });
    expect((await kith.contacts.list({ group: group.id })).data.map((x) => x.id)).toEqual([c.id]);
    expect((await kith.groups.get(group.id)).member_count).toBe(1);
    await kith.groups.removeMember(group.id, c.id, actor);
    expect((await kith.contacts.list({ group: group.id })).data).toEqual([]);
    await expect(kith.groups.create({ name: 'newsletter' }, actor)).rejects.toThrow(ConflictError);
  });

  it('adds a mix of new and existing members with one timeline event and audit entry per new member', async () => {
    const group = await kith.groups.create({ name: 'Mixed members' }, actor);
    const [a, b, c, d] = await Promise.all(
      ['Mix A', 'Mix B', 'Mix C', 'Mix D'].map((name) => kith.contacts.create({ name }, actor)),
    );
    await kith.groups.addMembers(group.id, [b!.id, d!.id], actor);
    expect(await kith.groups.addMembers(group.id, [a!.id, b!.id, c!.id, d!.id, a!.id], actor)).toEqual({
      added: [a!.id, c!.id],
      already_members: [b!.id, d!.id],
    });
    const ids = [a!.id, b!.id, c!.id, d!.id];
    const events = await kith.store.db
      .selectFrom('contact_events')
      .select(['contact_id', 'data', 'occurred_at'])
      .where('type', '=', 'group_added')
      .where('contact_id', 'in', ids)
      .orderBy('id')
      .execute();
    expect(events.map((e) => e.contact_id)).toEqual([b!.id, d!.id, a!.id, c!.id]);
    for (const e of events)
      expect(JSON.parse(e.data!)).toEqual({ group_id: group.id, group_name: 'Mixed members' });
    const audit = await kith.store.db
      .selectFrom('audit_log')
      .select(['entity_id', 'entity_type', 'changes'])
      .where('action', '=', 'group_added')
      .where('entity_id', 'in', ids)
      .orderBy('id')
      .execute();
    expect(audit.map((e) => [e.entity_type, e.entity_id])).toEqual(
      [b!.id, d!.id, a!.id, c!.id].map((id) => ['contact', id]),
    );
    for (const e of audit)
      expect(JSON.parse(e.changes)).toEqual([{ field: 'groups', old: null, new: group.id }]);
    expect((await kith.groups.get(group.id)).member_count).toBe(4);
  });
});

function expectOneWinner(results: PromiseSettledResult<{ id: string }>[]): string {
  const won = results.filter((r): r is PromiseFulfilledResult<{ id: string }> => r.status === 'fulfilled');
  expect(won).toHaveLength(1);
  const winner = won[0]!.value.id;
  for (const r of results) {
    if (r.status === 'fulfilled') continue;
    expect(r.reason).toBeInstanceOf(ConflictError);
    expect((r.reason as ConflictError).existingId).toBe(winner);
  }
  return winner;
}
