import { describe, expect, it } from 'vitest';
import { emptyContactState } from '../../src/domain/contact/contact-fields.js';
import { ValidationError } from '../../src/domain/errors.js';
import {
  allColumns,
  cellText,
  chooseColumns,
  columnValue,
  type ExportedContact,
  jsonRecord,
} from '../../src/exports/export-columns.js';
import { jsonRecordWriter } from '../../src/exports/export-json-record.js';
import { contactXml, escapeXml, xmlEnd, xmlStart } from '../../src/exports/export-xml.js';

const schema = { identityTypes: ['wechat_openid', 'external_id'], attributeKeys: ['vip', 'level'] };

const contact = (over: Partial<ExportedContact> = {}): ExportedContact => ({
  id: 'ct_01JABCDEFGHJKMNPQRSTVWXYZ0',
  ...emptyContactState(),
  created_at: '2026-11-01T08:00:00.000Z',
  updated_at: '2026-11-02T08:00:00.000Z',
  groups: [],
  ...over,
});

describe('export columns', () => {
  it('lists every field, identity types and attributes sorted, timestamps last', () => {
    const names = allColumns(schema).map((c) => c.name);
    expect(names.slice(0, 3)).toEqual(['id', 'name', 'first_name']);
    expect(names).toContain('groups');
    expect(names.slice(-6)).toEqual([
      'identity.external_id',
      'identity.wechat_openid',
      'attr.level',
      'attr.vip',
      'created_at',
      'updated_at',
    ]);
  });

  it.each([
    ['name,email', ['name', 'email']],
    [' phone , name ', ['phone', 'name']],
    ['identity.*', ['identity.external_id', 'identity.wechat_openid']],
    ['name,attr.*', ['name', 'attr.level', 'attr.vip']],
    ['', allColumns(schema).map((c) => c.name)],
    [[], allColumns(schema).map((c) => c.name)],
    [
      ['name', 'email,phone'],
      ['name', 'email', 'phone'],
    ],
  ])('chooses %j', (asked, expected) => {
    expect(chooseColumns(schema, asked).map((c) => c.name)).toEqual(expected);
  });

  it.each([
    ['nmae', 'nmae', /is not a column/],
    ['identity.qq', 'identity.qq', /no such identity type/],
    ['attr.score', 'attr.score', /no such attribute/],
    ['name,name', 'name', /twice/],
    [[''], [''], /empty column name \(item 1\)/],
    [['name', ' '], ['name', ' '], /empty column name \(item 2\)/],
    ['name,,email', 'name,,email', /empty column name;/],
  ])('refuses %j naming the column', (asked: string | string[], value, reason) => {
    try {
      chooseColumns(schema, asked);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      const error = e as ValidationError;
      expect({ field: error.field, value: error.value }).toEqual({ field: 'columns', value });
      expect(error.message).toMatch(reason);
    }
  });

  it.each([
    [null, ''],
    [[], ''],
    [['VIP', '重要客户'], 'VIP;重要客户'],
    [3.5, '3.5'],
    [false, 'false'],
    ['王伟', '王伟'],
  ])('writes %j in a cell as %j', (value, text) => {
    expect(cellText(value as ReturnType<typeof columnValue>)).toBe(text);
  });

  it('keeps JSON records to the chosen columns, absent values null, nested keys only when present', () => {
    const c = contact({
      name: '王伟',
      tags: ['VIP'],
      identities: { external_id: 'CRM-1' },
      attributes: { level: 3, vip: true },
    });
    expect(jsonRecord(c, chooseColumns(schema, 'name,email,tags,identity.*,attr.level'))).toEqual({
      name: '王伟',
      email: null,
      tags: ['VIP'],
      identities: { external_id: 'CRM-1' },
      attributes: { level: 3 },
    });
  });
});

describe('JSON record written as text', () => {
  // The hand-written writer must give JSON.stringify(jsonRecord(...))'s characters exactly.
  const cases: [string, Partial<ExportedContact>, string | undefined][] = [
    ['an empty contact, every column', {}, undefined],
    [
      'Chinese, lists, identities and typed attributes',
      {
        name: '王伟',
        email: 'wang.wei@example.cn',
        additional_phones: ['+8613800138000', '010-1234 5678'],
        tags: ['VIP', '老客户'],
        groups: ['华东'],
        identities: { wechat_openid: 'o6_bmjrPTlm6_2sgVt7hMZOPfL2M', external_id: 'CRM-1' },
        attributes: { level: 3, vip: false },
      },
      undefined,
    ],
    [
      'what JSON must escape: quotes, backslashes, line breaks, tabs, NUL, a lone surrogate',
      {
        name: 'O"Brien \\ Ltd',
        address: '1 Main St\r\nFloor 2\tRear\u0000',
        company: 'bad \ud800 half',
        tags: ['a"b', 'c\\d'],
        identities: { external_id: 'x\ny' },
        attributes: { level: 'line\u2028sep' },
      },
      undefined,
    ],
    ['emoji (a surrogate pair) stays as it is', { name: 'Ann 😀', tags: ['🎉'] }, undefined],
    ['numbers JSON cannot hold are null', { attributes: { level: Number.NaN, vip: Infinity } }, undefined],
    [
      'a column choice: identities before fields',
      { name: 'A', identities: { external_id: 'E' } },
      'identity.external_id,name,attr.*,tags',
    ],
    ['no identity or attribute held: empty objects', { name: 'B' }, 'identity.*,attr.*'],
  ];
  it.each(cases)('%s', (_, over, columns) => {
    const chosen = chooseColumns(schema, columns);
    const c = contact(over);
    const text = jsonRecordWriter(chosen)(c);
    expect(text).toBe(JSON.stringify(jsonRecord(c, chosen)));
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(jsonRecord(c, chosen))));
  });
});

describe('export XML layout', () => {
  it.each([
    ['a & b <c> "d"', 'a &amp; b &lt;c&gt; &quot;d&quot;'],
    ["O'Brien", "O'Brien"],
    ['bell\u0007', 'bell\uFFFD'],
    ['王伟 😀', '王伟 😀'],
  ])('escapes %j', (text, escaped) => expect(escapeXml(text)).toBe(escaped));

  it('writes fields in column order, lists as children, identities and attributes last, absent omitted', () => {
    const c = contact({
      name: '李娜 & Co',
      additional_emails: ['a@example.com', 'b@example.com'],
      tags: ['VIP'],
      groups: ['华东'],
      identities: { external_id: 'CRM-1' },
      attributes: { level: 3, vip: false },
    });
    expect(
      contactXml(c, chooseColumns(schema, 'id,name,email,additional_emails,tags,groups,identity.*,attr.*')),
    ).toBe(
      '  <contact id="ct_01JABCDEFGHJKMNPQRSTVWXYZ0"><name>李娜 &amp; Co</name>' +
        '<additional_emails><email>a@example.com</email><email>b@example.com</email></additional_emails>' +
        '<tags><tag>VIP</tag></tags><groups><group>华东</group></groups>' +
        '<identities><identity type="external_id">CRM-1</identity></identities>' +
        '<attributes><attribute key="level" type="number">3</attribute><attribute key="vip" type="boolean">false</attribute></attributes>' +
        '</contact>\n',
    );
    expect(xmlStart()).toContain('<contacts xmlns="urn:kith:contacts:1">');
    expect(xmlEnd()).toBe('</contacts>\n');
  });
});
