import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findKeyOwners, identifyContact } from '../../src/contacts/identify-contact.js';
import type { Actor } from '../../src/domain/actor.js';
import { type ContactKeys, identityKey } from '../../src/domain/contact/identify-rule.js';
import { createTestKith, TEST_DIALECT, type TestKith } from '../support/test-kith.js';

const actor: Actor = { userId: null, channel: 'api' };
const keys = (k: Partial<ContactKeys>): ContactKeys => ({
  id: null,
  identities: {},
  phones: [],
  emails: [],
  ...k,
});

describe(`identifyContact on ${TEST_DIALECT}`, () => {
  let kith: TestKith;
  const ids: Record<'wang' | 'li' | 'old' | 'gone', string> = { wang: '', li: '', old: '', gone: '' };
  beforeAll(async () => {
    kith = await createTestKith();
    await kith.identityTypes.create({ key: 'member_no' }, actor);
    const create = async (input: Record<string, unknown>) => (await kith.contacts.create(input, actor)).id;
    ids.wang = await create({ name: '王伟', phone: '13800138000', identities: { member_no: 'M-1001' } });
    ids.li = await create({ name: '李娜', email: 'li.na@example.com', phone: '13900139000' });
    ids.old = await create({ name: 'Wang W.', email: 'wang.old@example.com' });
    ids.gone = await create({ name: 'Gone', email: 'gone@example.com' });
    await kith.merges.merge({ survivorId: ids.wang, contactIds: [ids.old] }, actor);
    await kith.contacts.delete(ids.gone, actor);
  });
  afterAll(async () => kith.destroy());

  it('finds by id > identity > phone > email against the store', async () => {
    const db = kith.store.db;
    expect(await identifyContact(db, keys({ id: ids.li, identities: { member_no: 'M-2' } }))).toEqual({
      kind: 'found',
      contactId: ids.li,
      matchedBy: 'id',
    });
    expect(
      await identifyContact(db, keys({ identities: { member_no: 'M-1001' }, emails: ['w@example.com'] })),
    ).toEqual({ kind: 'found', contactId: ids.wang, matchedBy: 'identity' });
    expect(await identifyContact(db, keys({ phones: ['+8613900139000'] }))).toEqual({
      kind: 'found',
      contactId: ids.li,
      matchedBy: 'phone',
    });
    expect(await identifyContact(db, keys({ phones: ['+8613700137000'] }))).toEqual({ kind: 'new' });
    expect(
      await identifyContact(db, keys({ phones: ['+8613800138000'], emails: ['li.na@example.com'] })),
    ).toMatchObject({ kind: 'refused', refusal: { kind: 'owned_by_another', matched: ids.wang } });
  });

  it("a merged contact's id is not found, and its values now identify the survivor", async () => {
    const db = kith.store.db;
    expect(await identifyContact(db, keys({ id: ids.old }))).toMatchObject({
      kind: 'refused',
      refusal: { kind: 'id_not_found', id: ids.old },
    });
    expect(await identifyContact(db, keys({ emails: ['wang.old@example.com'] }))).toEqual({
      kind: 'found',
      contactId: ids.wang,
      matchedBy: 'email',
    });
  });

  it("a deleted contact's id is not found and its values are free", async () => {
    const db = kith.store.db;
    expect(await identifyContact(db, keys({ id: ids.gone }))).toMatchObject({ kind: 'refused' });
    expect(await identifyContact(db, keys({ emails: ['gone@example.com'] }))).toEqual({ kind: 'new' });
  });

  it('looks up the owners of many records at once', async () => {
    const owners = await findKeyOwners(kith.store.db, [
      keys({ id: ids.wang, emails: ['li.na@example.com'] }),
      keys({ id: ids.gone, identities: { member_no: 'M-1001' }, phones: ['+8613900139000'] }),
      keys({ phones: ['+8613800138000', '+8613700137000'] }),
    ]);
    expect(owners).toEqual({
      liveIds: new Set([ids.wang]),
      identityOwner: new Map([[identityKey('member_no', 'M-1001'), ids.wang]]),
      phoneOwner: new Map([
        ['+8613900139000', ids.li],
        ['+8613800138000', ids.wang],
      ]),
      emailOwner: new Map([['li.na@example.com', ids.li]]),
    });
  });

  it('upsert by one key ignores the priority of the others, as before', async () => {
    // By email: the member number in the body does not redirect the upsert to its owner; it is a
    // conflict of the update instead.
    await expect(
      kith.contacts.upsert(
        'email',
        { email: 'li.na@example.com', identities: { member_no: 'M-1001' } },
        actor,
      ),
    ).rejects.toMatchObject({ code: 'conflict', details: { existing_id: ids.wang } });
    await expect(kith.contacts.upsert('id', { id: ids.old, city: '上海' }, actor)).rejects.toMatchObject({
      code: 'not_found',
    });
  });
});
