/**
 * A feed page written as bytes (pure) is byte for byte what JSON.stringify writes of the same page with
 * the contact's keys in the schema's order, UTF-8 encoded: for the text real contacts hold (Chinese,
 * emoji, quotes, backslashes, control characters, a lone surrogate), typed attributes, tombstones,
 * include=none and an empty page.
 */
import { describe, expect, it } from 'vitest';
import { type Contact, emptyContactState } from '../../src/domain/contact/contact-fields.js';
import type { ChangeFeedEntry, ChangeFeedPage } from '../../src/sync/change-feed.js';
import { changeFeedPageJson } from '../../src/sync/change-feed-json.js';
import { ContactSchema } from '../../src/server/schemas.js';

const contact = (values: Partial<Contact>): Contact => ({
  id: 'ct_01m8vab610xjsctcqqb2eskcz0',
  ...emptyContactState(),
  created_at: '2026-12-02T12:05:51.776Z',
  updated_at: '2026-12-02T12:05:51.776Z',
  ...values,
});

const entry = (values: Partial<ChangeFeedEntry>): ChangeFeedEntry => ({
  cursor: '41',
  contact_id: 'ct_01m8vab610xjsctcqqb2eskcz0',
  kind: 'updated',
  changed_fields: ['name'],
  hash: '6cf0b47c32560a3c5681ad352fcce167b9b466f1829071022c31565098f0dfcb',
  origin: 'api',
  at: '2026-12-02T12:05:51.776Z',
  survivor_id: null,
  ...values,
});

const full = (c: Contact): ChangeFeedEntry => entry({ contact: c, contact_state: 'after_change' });

const cases: [string, ChangeFeedPage][] = [
  ['an empty page', { data: [], next_cursor: '0', has_more: false }],
  [
    'a Chinese customer with every kind of value',
    {
      data: [
        full(
          contact({
            name: '王伟',
            email: 'wang.wei@example.cn',
            additional_emails: ['ww@example.com', '王@例子.中国'],
            phone: '+8613800138000',
            gender: 'male',
            birthday: '1990-02-03',
            city: '杭州',
            tags: ['VIP', '重要客户'],
            identities: { external_id: 'CRM-1', 微信: 'o6_bmjrPTlm6_2sgVt7hMZOPfL2M' },
            attributes: { level: 3.5, vip: true, since: '2020-05-01', 等级: '金', zero: 0, neg: -1e21 },
          }),
        ),
      ],
      next_cursor: '41',
      has_more: true,
    },
  ],
  [
    'text JSON must escape, emoji and a lone surrogate',
    {
      data: [
        full(
          contact({
            name: 'Ann "Annie" O\'Neil \\ 😀',
            address: 'line 1\nline 2\ttab \u0000 \u001f \u007f',
            company: 'broken \ud800 pair',
            tags: ['a"b', 'é', 'ü\u2028'],
            attributes: { 'key "quoted"': 'x', nan: Number.NaN, inf: Number.POSITIVE_INFINITY },
          }),
        ),
      ],
      next_cursor: '41',
      has_more: false,
    },
  ],
  [
    'tombstones, a merge and an import origin',
    {
      data: [
        entry({ kind: 'deleted', changed_fields: ['deleted_at'], contact: null, contact_state: null }),
        entry({
          cursor: '42',
          kind: 'merged_into',
          changed_fields: ['merged_into'],
          origin: 'import:imp_01"x',
          survivor_id: 'ct_01m8vab611w46fsxv0etg5t7v5',
          contact: null,
          contact_state: null,
        }),
        entry({
          cursor: '43',
          changed_fields: ['attributes.等级', 'tags'],
          contact: contact({}),
          contact_state: 'latest',
        }),
      ],
      next_cursor: '43',
      has_more: false,
    },
  ],
  [
    'include=none',
    {
      data: [
        entry({}),
        entry({ cursor: '42', kind: 'created', changed_fields: ['name', 'identities.微信'] }),
      ],
      next_cursor: '42',
      has_more: true,
    },
  ],
];

/** The contact with its keys in the schema's order, as the writer emits them. */
function inSchemaOrder(c: Contact): Contact {
  const ordered: Record<string, unknown> = {};
  for (const key of Object.keys(ContactSchema.shape)) ordered[key] = c[key as keyof Contact];
  return ordered as unknown as Contact;
}

describe('a change feed page as bytes', () => {
  it.each(cases)('%s: the bytes of JSON.stringify', (_, page) => {
    const expected = JSON.stringify({
      ...page,
      data: page.data.map((e) => (e.contact ? { ...e, contact: inSchemaOrder(e.contact) } : e)),
    });
    const bytes = changeFeedPageJson(page);
    expect(bytes.toString('utf8')).toBe(expected);
    expect(bytes.equals(Buffer.from(expected, 'utf8'))).toBe(true);
  });

  it('writes a contact whose keys come in another order in the schema order, same values', () => {
    const c = contact({ name: '李娜', tags: ['x'] });
    const { id, created_at, updated_at, ...state } = c;
    const shuffled = { ...state, id, updated_at, created_at } as Contact; // as a rebuilt state is spread
    const page: ChangeFeedPage = { data: [full(shuffled)], next_cursor: '41', has_more: false };
    const text = changeFeedPageJson(page).toString('utf8');
    expect(JSON.parse(text)).toEqual(page);
    expect(text).toBe(JSON.stringify({ ...page, data: [full(c)] }));
  });

  it('grows past its first guess of the size (a page of long values)', () => {
    const long = '长'.repeat(5000);
    const page: ChangeFeedPage = {
      data: Array.from({ length: 3 }, (_, i) =>
        full(contact({ name: long, address: 'x'.repeat(20_000 + i) })),
      ),
      next_cursor: '3',
      has_more: false,
    };
    expect(changeFeedPageJson(page).toString('utf8')).toBe(JSON.stringify(page));
  });
});
