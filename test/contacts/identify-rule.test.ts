import { describe, expect, it } from 'vitest';
import type { ContactPatch } from '../../src/domain/contact/contact-patch.js';
import {
  type ContactKeys,
  contactKeysOf,
  hasIdentifier,
  type Identification,
  identifyByKeys,
  identityKey,
  type KeyOwners,
} from '../../src/domain/contact/identify-rule.js';

/**
 * The store these cases run against: 王伟 (ct_wang) known by his member number, WeChat, mobile and two
 * e-mails; 李娜 (ct_li) by her Taobao id, mobile and e-mail; ct_chen only by an e-mail; ct_old was merged
 * into ct_wang (a merged contact is not live, so it owns nothing).
 */
const owners: KeyOwners = {
  liveIds: new Set(['ct_wang', 'ct_li', 'ct_chen']),
  identityOwner: new Map([
    [identityKey('member_no', 'M-1001'), 'ct_wang'],
    [identityKey('wechat_openid', 'o6_wang'), 'ct_wang'],
    [identityKey('taobao_id', 'li_na88'), 'ct_li'],
  ]),
  phoneOwner: new Map([
    ['+8613800138000', 'ct_wang'],
    ['+8613900139000', 'ct_li'],
  ]),
  emailOwner: new Map([
    ['wang.wei@example.com', 'ct_wang'],
    ['wei@work.example', 'ct_wang'],
    ['li.na@example.com', 'ct_li'],
    ['chen@example.com', 'ct_chen'],
  ]),
};

const keys = (k: Partial<ContactKeys>): ContactKeys => ({
  id: null,
  identities: {},
  phones: [],
  emails: [],
  ...k,
});
const found = (contactId: string, matchedBy: string) => ({ kind: 'found', contactId, matchedBy });

describe('identifyByKeys: id > identity > phone > email', () => {
  it.each<[string, ContactKeys, Identification | Record<string, unknown>]>([
    [
      'same person by phone with a different e-mail: the phone finds him (the new e-mail is added by the update)',
      keys({ phones: ['+8613800138000'], emails: ['wangwei.new@example.com'] }),
      found('ct_wang', 'phone'),
    ],
    [
      'identity beats phone: the member number decides even when the phone is also his',
      keys({ identities: { member_no: 'M-1001' }, phones: ['+8613800138000'] }),
      found('ct_wang', 'identity'),
    ],
    [
      'identity beats an unknown phone: the customer changed numbers',
      keys({ identities: { taobao_id: 'li_na88' }, phones: ['+8613700137000'] }),
      found('ct_li', 'identity'),
    ],
    [
      'two identities of the same contact: one match',
      keys({ identities: { member_no: 'M-1001', wechat_openid: 'o6_wang' } }),
      found('ct_wang', 'identity'),
    ],
    [
      'an unknown identity type value is no match: the phone decides',
      keys({ identities: { member_no: 'M-9999' }, phones: ['+8613900139000'] }),
      found('ct_li', 'phone'),
    ],
    [
      'phone before email when both are the same contact',
      keys({ phones: ['+8613900139000'], emails: ['li.na@example.com'] }),
      found('ct_li', 'phone'),
    ],
    [
      'an additional e-mail finds the contact too',
      keys({ emails: ['unknown@example.com', 'wei@work.example'] }),
      found('ct_wang', 'email'),
    ],
    ['e-mail alone', keys({ emails: ['chen@example.com'] }), found('ct_chen', 'email')],
    [
      'id wins over everything it owns',
      keys({ id: 'ct_wang', identities: { member_no: 'M-1001' }, emails: ['wang.wei@example.com'] }),
      found('ct_wang', 'id'),
    ],
    [
      'id with new values only: the id decides',
      keys({ id: 'ct_chen', phones: ['+8613700137000'] }),
      found('ct_chen', 'id'),
    ],
    [
      'nothing known: a new contact',
      keys({ phones: ['+8613700137000'], emails: ['new@example.com'], identities: { member_no: 'M-2' } }),
      { kind: 'new' },
    ],
    [
      'an id that does not exist is refused, never created under another id',
      keys({ id: 'ct_nobody', emails: ['new@example.com'] }),
      {
        kind: 'refused',
        refusal: { kind: 'id_not_found', id: 'ct_nobody' },
        reason: 'id: contact "ct_nobody" not found',
      },
    ],
    [
      "a merged contact's id is not found (matching does not follow a merge to the survivor)",
      keys({ id: 'ct_old' }),
      {
        kind: 'refused',
        refusal: { kind: 'id_not_found', id: 'ct_old' },
        reason: 'id: contact "ct_old" not found',
      },
    ],
    [
      "an id with another contact's identity is refused",
      keys({ id: 'ct_chen', identities: { taobao_id: 'li_na88' } }),
      {
        kind: 'refused',
        refusal: {
          kind: 'owned_by_another',
          matched: 'ct_chen',
          keys: [{ field: 'identity', type: 'taobao_id', value: 'li_na88', contactId: 'ct_li' }],
        },
        reason: 'identity taobao_id "li_na88" belongs to another contact ct_li',
      },
    ],
    [
      'identities of two contacts are refused, naming both',
      keys({ identities: { member_no: 'M-1001', taobao_id: 'li_na88', wechat_openid: 'o6_wang' } }),
      {
        kind: 'refused',
        refusal: {
          kind: 'identities_of_different_contacts',
          keys: [
            { field: 'identity', type: 'member_no', value: 'M-1001', contactId: 'ct_wang' },
            { field: 'identity', type: 'wechat_openid', value: 'o6_wang', contactId: 'ct_wang' },
            { field: 'identity', type: 'taobao_id', value: 'li_na88', contactId: 'ct_li' },
          ],
        },
        reason:
          'the row\'s identities belong to different contacts: ct_wang (member_no "M-1001", wechat_openid "o6_wang"), ct_li (taobao_id "li_na88")',
      },
    ],
    [
      'phone owned by A and e-mail by B: refused rather than steal the e-mail',
      keys({ phones: ['+8613800138000'], emails: ['li.na@example.com'] }),
      {
        kind: 'refused',
        refusal: {
          kind: 'owned_by_another',
          matched: 'ct_wang',
          keys: [{ field: 'email', value: 'li.na@example.com', contactId: 'ct_li' }],
        },
        reason:
          'the row matched contact ct_wang but email "li.na@example.com" belongs to another contact ct_li',
      },
    ],
    [
      "identity of A with B's phone: refused",
      keys({ identities: { taobao_id: 'li_na88' }, phones: ['+8613800138000'] }),
      {
        kind: 'refused',
        refusal: {
          kind: 'owned_by_another',
          matched: 'ct_li',
          keys: [{ field: 'phone', value: '+8613800138000', contactId: 'ct_wang' }],
        },
        reason: 'the row matched contact ct_li but phone "+8613800138000" belongs to another contact ct_wang',
      },
    ],
    [
      "an id with another contact's e-mail: refused",
      keys({ id: 'ct_chen', emails: ['wang.wei@example.com'] }),
      {
        kind: 'refused',
        refusal: {
          kind: 'owned_by_another',
          matched: 'ct_chen',
          keys: [{ field: 'email', value: 'wang.wei@example.com', contactId: 'ct_wang' }],
        },
        reason:
          'the row matched contact ct_chen but email "wang.wei@example.com" belongs to another contact ct_wang',
      },
    ],
    [
      'two phones of two contacts: refused',
      keys({ phones: ['+8613900139000', '+8613800138000'] }),
      {
        kind: 'refused',
        refusal: {
          kind: 'owned_by_another',
          matched: 'ct_li',
          keys: [{ field: 'phone', value: '+8613800138000', contactId: 'ct_wang' }],
        },
        reason: 'the row matched contact ct_li but phone "+8613800138000" belongs to another contact ct_wang',
      },
    ],
    [
      'nothing at all: no identifier',
      keys({}),
      {
        kind: 'refused',
        refusal: { kind: 'no_identifier' },
        reason: 'no id, identity, phone or email to match or create by',
      },
    ],
  ])('%s', (_label, record, expected) => {
    expect(identifyByKeys(record, owners)).toEqual(expected);
  });
});

describe('contactKeysOf and hasIdentifier', () => {
  const patch = (p: Partial<ContactPatch>): ContactPatch => ({ scalars: {}, ...p });
  it.each<[string, string | null, ContactPatch, ContactKeys, boolean]>([
    [
      'primary and additional values, each once, primary first',
      null,
      patch({
        phone: '+8613800138000',
        additional_phones: ['+8613900139000', '+8613800138000'],
        email: 'a@example.com',
        additional_emails: ['b@example.com'],
      }),
      keys({ phones: ['+8613800138000', '+8613900139000'], emails: ['a@example.com', 'b@example.com'] }),
      true,
    ],
    [
      'a removed identity or a cleared phone is no key',
      null,
      patch({ identities: { member_no: null, wechat_openid: 'o6_x' }, phone: null }),
      keys({ identities: { wechat_openid: 'o6_x' } }),
      true,
    ],
    ['an id alone identifies', 'ct_wang', patch({}), keys({ id: 'ct_wang' }), true],
    ['a name alone does not', null, patch({ scalars: { name: '王伟' } }), keys({}), false],
  ])('%s', (_label, id, p, expected, identifies) => {
    const k = contactKeysOf(id, p);
    expect(k).toEqual(expected);
    expect(hasIdentifier(k)).toBe(identifies);
  });
});
