/**
 * The feed rebuilds a contact's past states from the change log (pure): a creation's entry redone on
 * an empty state is the created contact, and undoing a change gives the state before it, for the
 * kinds of change real writes make.
 */
import { describe, expect, it } from 'vitest';
import { type ContactState, emptyContactState } from '../../src/domain/contact/contact-fields.js';
import { contactContentHash } from '../../src/domain/contact/contact-content-hash.js';
import { diffContactStates } from '../../src/domain/contact/contact-patch.js';
import { createdContact, redoChange, undoChange } from '../../src/sync/change-feed.js';

const state = (values: Partial<ContactState>): ContactState => ({ ...emptyContactState(), ...values });

const wang = state({
  name: '王伟',
  email: 'wang.wei@example.cn',
  additional_emails: ['ww@example.com'],
  phone: '+8613800138000',
  gender: 'male',
  tags: ['VIP', '重要客户'],
  identities: { external_id: 'CRM-1', wechat_openid: 'o6_bmjrPTlm6_2sgVt7hMZOPfL2M' },
  attributes: { level: 3.5, vip: true, since: '2020-05-01' },
});

const cases: [string, ContactState, ContactState][] = [
  ['a creation with every kind of value', emptyContactState(), wang],
  ['a creation with an e-mail alone', emptyContactState(), state({ email: 'only@example.com' })],
  ['a name corrected', wang, { ...wang, name: '王 伟' }],
  ['a tag added and one removed', wang, { ...wang, tags: ['VIP', '老客户'] }],
  [
    'an identity removed, another added',
    wang,
    { ...wang, identities: { external_id: 'CRM-1', taobao_nick: 'tb_wang' } },
  ],
  ['attributes retyped and cleared', wang, { ...wang, attributes: { level: 4 } }],
  [
    'the primary e-mail moved to the additional ones',
    wang,
    { ...wang, email: 'ww@example.com', additional_emails: ['wang.wei@example.cn'] },
  ],
  ['everything cleared', wang, emptyContactState()],
];

describe('rebuilding states from the change log', () => {
  it.each(cases)('%s: redo gives the state after, undo the state before', (_, before, after) => {
    const changes = diffContactStates(before, after);
    expect(contactContentHash(redoChange(before, changes))).toBe(contactContentHash(after));
    expect(contactContentHash(undoChange(after, changes))).toBe(contactContentHash(before));
  });

  it('leaves the state it is given alone', () => {
    const copy = structuredClone(wang);
    redoChange(wang, diffContactStates(wang, emptyContactState()));
    undoChange(wang, diffContactStates(emptyContactState(), wang));
    expect(wang).toEqual(copy);
  });

  it.each(cases.filter(([title]) => title.startsWith('a creation')))(
    '%s: a creation’s contact is its values redone on an empty state, in the schema’s key order',
    (_, __, after) => {
      const changes = diffContactStates(emptyContactState(), after);
      const at = '2026-12-02T12:05:51.776Z';
      const contact = createdContact({ contact_id: 'ct_1', at, changes });
      const expected = {
        id: 'ct_1',
        ...redoChange(emptyContactState(), changes),
        created_at: at,
        updated_at: at,
      };
      expect(JSON.stringify(contact)).toBe(JSON.stringify(expected));
      expect(contactContentHash(contact)).toBe(contactContentHash(after));
    },
  );
});
