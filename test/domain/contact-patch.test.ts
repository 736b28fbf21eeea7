import { describe, expect, it } from 'vitest';
import {
  type AttributeDefinition,
  normalizeAttributeValue,
} from '../../src/domain/contact/attribute-value.js';
import { emptyContactState } from '../../src/domain/contact/contact-fields.js';
import {
  applyContactPatch,
  deriveName,
  diffContactStates,
  type NormalizeContext,
  normalizeContactInput,
  sameFieldValue,
  splitListValue,
} from '../../src/domain/contact/contact-patch.js';
import { ValidationError, ValidationErrors } from '../../src/domain/errors.js';

const definitions: AttributeDefinition[] = [
  { key: 'tier', label: 'Tier', type: 'list', options: ['Gold', 'Silver'], description: null },
  { key: 'score', label: 'Score', type: 'number', options: null, description: null },
  { key: 'vip', label: 'VIP', type: 'boolean', options: null, description: null },
  { key: 'since', label: 'Since', type: 'date', options: null, description: null },
  { key: 'note', label: 'Note', type: 'text', options: null, description: null },
];
const ctx: NormalizeContext = {
  region: 'CN',
  identityTypes: new Set(['external_id', 'wechat_openid']),
  attributeDefinitions: new Map(definitions.map((d) => [d.key, d])),
};
const def = (key: string) => ctx.attributeDefinitions.get(key)!;

describe('normalizeContactInput', () => {
  it('normalises every kind of field', () => {
    const patch = normalizeContactInput(
      {
        name: '  张　伟 ',
        email: 'ZHANG@Example.com',
        additional_emails: 'a@x.com; b@x.com, A@X.com',
        phone: '138-0013-8000',
        additional_phones: ['+1 415 555 2671'],
        gender: '男',
        birthday: '1990/1/2',
        tags: ['VIP', 'vip', ' 新客 '],
        external_id: ' CRM-1 ',
        identities: { wechat_openid: 'o6_abc' },
        attributes: { tier: 'gold', score: '42.5', vip: '是', since: '2020年3月1日' },
      },
      ctx,
    );
    expect(patch).toEqual({
      scalars: { name: '张 伟', gender: 'male', birthday: '1990-01-02' },
      email: 'zhang@example.com',
      additional_emails: ['a@x.com', 'b@x.com'],
      phone: '+8613800138000',
      additional_phones: ['+14155552671'],
      tags: ['VIP', '新客'],
      identities: { wechat_openid: 'o6_abc', external_id: 'CRM-1' },
      attributes: { tier: 'Gold', score: 42.5, vip: true, since: '2020-03-01' },
    });
  });

  it('reports every bad field at once, each naming field, value and reason', () => {
    try {
      normalizeContactInput(
        {
          id: 'ct_x',
          email: 'nope',
          phone: '12345',
          favourite_colour: 'red',
          identities: { qq: '1' },
          attributes: { tier: 'Bronze' },
        },
        ctx,
      );
      expect.fail('should have thrown');
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationErrors);
      const fields = (e as ValidationErrors).errors.map((x) => x.field);
      expect(fields).toEqual([
        'id',
        'favourite_colour',
        'email',
        'phone',
        'identities.qq',
        'attributes.tier',
      ]);
      expect((e as ValidationErrors).message).toContain(
        'attributes.tier: must be one of Gold, Silver (got "Bronze")',
      );
      expect((e as ValidationErrors).message).toContain('id: is a system field and cannot be written');
    }
  });

  it('treats null and blank as clearing', () => {
    expect(
      normalizeContactInput({ email: '', phone: null, company: '  ', attributes: { tier: null } }, ctx),
    ).toEqual({
      scalars: { company: null },
      email: null,
      phone: null,
      attributes: { tier: null },
    });
  });

  it('refuses a body that is not an object', () => {
    expect(() => normalizeContactInput([1], ctx)).toThrow(ValidationError);
  });
});

describe('normalizeAttributeValue', () => {
  it.each([
    ['score', 7, 7],
    ['score', ' 3.5 ', 3.5],
    ['score', '-1e3', -1000],
    ['score', '１２', 12],
    ['vip', true, true],
    ['vip', 'No', false],
    ['vip', '否', false],
    ['since', '2021-12-31', '2021-12-31'],
    ['tier', 'SILVER', 'Silver'],
    ['note', ' hello   world ', 'hello world'],
    ['note', 12, '12'],
  ] as const)('%s %j → %j', (key, input, expected) => {
    expect(normalizeAttributeValue(def(key), input)).toBe(expected);
  });
  it.each([
    ['score', 'ten'],
    ['score', ''],
    // Number() reads these; a person did not mean 16, 5 or 8.
    ['score', '0x10'],
    ['score', '0b101'],
    ['score', '0o10'],
    ['score', 'Infinity'],
    ['since', '2020-02-03T99:00'],
    ['vip', 'maybe'],
    ['since', '31/12/2021'],
    ['tier', 'Bronze'],
    ['note', true],
  ] as const)('%s refuses %j', (key, input) => {
    expect(() => normalizeAttributeValue(def(key), input)).toThrow(ValidationError);
  });
});

describe('applyContactPatch', () => {
  const base = applyContactPatch(
    emptyContactState(),
    normalizeContactInput(
      { first_name: 'Wei', last_name: 'Zhang', email: 'a@x.com', additional_emails: ['b@x.com'] },
      ctx,
    ),
  );

  it('derives the display name from its parts, family name first for Chinese', () => {
    expect(base.name).toBe('Wei Zhang');
    expect(deriveName('伟', '张')).toBe('张伟');
    expect(deriveName(null, '张')).toBe('张');
    expect(deriveName(null, null)).toBeNull();
  });

  it('keeps a derived name in step, but never overwrites a name someone typed', () => {
    expect(applyContactPatch(base, normalizeContactInput({ first_name: 'Li' }, ctx)).name).toBe('Li Zhang');
    const named = applyContactPatch(base, normalizeContactInput({ name: 'Boss' }, ctx));
    expect(applyContactPatch(named, normalizeContactInput({ first_name: 'Li' }, ctx)).name).toBe('Boss');
  });

  it('promotes an additional email to primary without duplicating it', () => {
    const next = applyContactPatch(base, normalizeContactInput({ email: 'b@x.com' }, ctx));
    expect(next.email).toBe('b@x.com');
    expect(next.additional_emails).toEqual([]);
  });

  it('makes the first additional phone primary when there is none', () => {
    const next = applyContactPatch(
      base,
      normalizeContactInput({ additional_phones: ['13800138000', '13900139000'] }, ctx),
    );
    expect(next.phone).toBe('+8613800138000');
    expect(next.additional_phones).toEqual(['+8613900139000']);
  });

  it('merges identities and attributes key by key', () => {
    const a = applyContactPatch(
      base,
      normalizeContactInput({ external_id: 'X1', attributes: { score: 1 } }, ctx),
    );
    const b = applyContactPatch(
      a,
      normalizeContactInput({ identities: { wechat_openid: 'o1' }, attributes: { score: null } }, ctx),
    );
    expect(b.identities).toEqual({ external_id: 'X1', wechat_openid: 'o1' });
    expect(b.attributes).toEqual({});
  });
});

describe('diffContactStates', () => {
  it('lists each changed field with old and new value, identities and attributes per key', () => {
    const before = applyContactPatch(
      emptyContactState(),
      normalizeContactInput({ name: 'A', external_id: 'X1', tags: ['t1'] }, ctx),
    );
    const after = applyContactPatch(
      before,
      normalizeContactInput({ name: 'B', external_id: 'X2', attributes: { score: 3 } }, ctx),
    );
    expect(diffContactStates(before, after)).toEqual([
      { field: 'name', old: 'A', new: 'B' },
      { field: 'identities.external_id', old: 'X1', new: 'X2' },
      { field: 'attributes.score', old: null, new: 3 },
    ]);
    expect(diffContactStates(after, after)).toEqual([]);
  });
});

describe('sameFieldValue', () => {
  it.each([
    ['equal text', 'Gold', 'Gold', true],
    ['different text', 'Gold', 'gold', false],
    ['a number and its text', 3, '3', false],
    ['booleans', true, true, true],
    ['absent and null (a removed identity read back from JSON)', undefined, null, true],
    ['null and empty text', null, '', false],
    ['equal lists', ['a@x.com', 'b@x.com'], ['a@x.com', 'b@x.com'], true],
    ['lists in another order', ['a@x.com', 'b@x.com'], ['b@x.com', 'a@x.com'], false],
    ['a list and its prefix', ['a@x.com', 'b@x.com'], ['a@x.com'], false],
    ['an empty list and null', [], null, false],
  ])('%s', (_case, a, b, same) => {
    expect(sameFieldValue(a, b)).toBe(same);
    expect(sameFieldValue(b, a)).toBe(same);
  });
});

describe('splitListValue', () => {
  it('accepts ; , | 、 as separators', () => {
    expect(splitListValue('a; b,c|d、e ；f，g')).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
  });

  it.each([
    ['VIP, wholesale', ['VIP', 'wholesale']], // Shopify Tags
    ['vip,newsletter', ['vip', 'newsletter']], // Chatwoot labels
    ['Messe;Key Account', ['Messe', 'Key Account']], // Zoho Tag
    ['高价值、复购', ['高价值', '复购']], // 有赞 客户标签
    ['VIP；老客户', ['VIP', '老客户']], // 微盟, full-width semicolon
    ['"VIP","Newsletter 2024"', ['VIP', 'Newsletter 2024']], // Mailchimp TAGS: each tag quoted
    ['"Smith, Jones", "VIP"', ['Smith, Jones', 'VIP']], // a quoted tag keeps its comma
    ['"VIP"', ['VIP']],
    ['say "hi", bye', ['say "hi"', 'bye']], // quotes inside an item are the item's
    ['', []],
  ])('%j → %j', (value, items) => {
    expect(splitListValue(value)).toEqual(items);
  });
});
