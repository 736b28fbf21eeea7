import { describe, expect, it } from 'vitest';
import { allColumns, chooseColumns, type ExportColumn } from '../../src/exports/export-columns.js';
import {
  exportColumnNaming,
  exportHeader,
  type CustomFieldLabels,
} from '../../src/exports/export-column-names.js';
import { labelTargets, type MappingContext, suggestMapping } from '../../src/imports/map/column-mapping.js';

const identityTypes = [
  { key: 'external_id', label: 'External ID' },
  { key: 'wechat_openid', label: '微信 OpenID' },
  { key: 'member_no', label: '会员号' },
];
const attributes = [
  { key: 'vip_level', label: '会员等级' },
  { key: 'signup_day', label: 'Signed up' },
  // A label a synonym would read as the phone: the attribute's own label wins on re-import.
  { key: 'office_line', label: 'Mobile' },
];
const labels: CustomFieldLabels = {
  identityTypes: new Map(identityTypes.map((t) => [t.key, t.label])),
  attributes: new Map(attributes.map((a) => [a.key, a.label])),
};
const schema = {
  identityTypes: identityTypes.map((t) => t.key),
  attributeKeys: attributes.map((a) => a.key),
};
const ctx: MappingContext = {
  identityTypes: new Set(identityTypes.map((t) => t.key)),
  attributeTypes: new Map([
    ['vip_level', 'text'],
    ['signup_day', 'date'],
    ['office_line', 'text'],
  ]),
  createAttributes: false,
  labelTargets: labelTargets(identityTypes, attributes),
};

/** What the import makes of an export's header: each column's target, or why it is skipped. */
function readBack(columns: ExportColumn[], header: string[]) {
  const sample = columns.map((c) => (c.name === 'id' ? 'ct_01jabcdefghjkmnpqrstvwxyz0' : 'x'));
  return suggestMapping(header, [sample], ctx);
}

const WRITTEN_BY_KITH = new Set(['created_at', 'updated_at', 'groups']);

describe('an export header for people', () => {
  it.each([
    [
      'en',
      ['Kith id', 'Name', 'First name', 'Last name', 'Email', 'Other emails', 'Phone', 'Other phones'],
      ['External ID', '会员号', '微信 OpenID', 'Mobile', 'Signed up', '会员等级', 'Created', 'Updated'],
    ],
    [
      'zh',
      ['Kith ID', '姓名', '名', '姓', '邮箱', '其他邮箱', '手机号', '其他手机号'],
      ['External ID', '会员号', '微信 OpenID', 'Mobile', 'Signed up', '会员等级', '创建时间', '更新时间'],
    ],
  ] as const)('names the columns in %s, labels for identity types and attributes', (naming, first, last) => {
    const columns = allColumns(schema);
    const header = exportHeader(columns, naming, labels);
    expect(header.slice(0, 8)).toEqual(first);
    expect(header.slice(-8)).toEqual(last);
    expect(new Set(header).size).toBe(header.length);
  });

  it('keeps field keys when asked for keys, as before', () => {
    const columns = chooseColumns(schema, 'name,email,identity.*,attr.vip_level');
    expect(exportHeader(columns, 'keys', labels)).toEqual([
      'name',
      'email',
      'identity.external_id',
      'identity.member_no',
      'identity.wechat_openid',
      'attr.vip_level',
    ]);
  });

  it.each([
    ['an attribute labelled as a field is', 'Email', 'attr.a'],
    ['a label in the other language is', '手机号', 'attr.a'],
    ['an empty label is', '  ', 'attr.a'],
    ['a label that is another column’s key is', 'vip_level', 'attr.a'],
  ])('%s kept as its key', (_, label, expected) => {
    const columns = chooseColumns(
      { identityTypes: [], attributeKeys: ['a', 'vip_level'] },
      'attr.a,attr.vip_level',
    );
    const header = exportHeader(columns, 'en', {
      identityTypes: new Map(),
      attributes: new Map([
        ['a', label],
        ['vip_level', 'VIP level'],
      ]),
    });
    expect(header).toEqual([expected, 'VIP level']);
  });

  it('gives a label two attributes share to the first, the second keeps its key', () => {
    const columns = chooseColumns({ identityTypes: [], attributeKeys: ['a', 'b'] }, 'attr.a,attr.b');
    const header = exportHeader(columns, 'zh', {
      identityTypes: new Map(),
      attributes: new Map([
        ['a', '等级'],
        ['b', '等级'],
      ]),
    });
    expect(header).toEqual(['等级', 'attr.b']);
  });

  it.each(['keys', 'en', 'zh'] as const)('maps back to the same fields when imported (%s)', (naming) => {
    const columns = [...allColumns(schema), ...chooseColumns(schema, 'orders_count,total_spent')];
    const header = exportHeader(columns, naming, labels);
    const suggestions = readBack(columns, header);
    columns.forEach((column, i) => {
      const suggestion = suggestions[i]!;
      if (
        WRITTEN_BY_KITH.has(column.name) ||
        column.name === 'orders_count' ||
        column.name === 'total_spent'
      ) {
        expect(suggestion.target, header[i]).toBeNull();
        if (column.name !== 'groups') expect(suggestion.warning, header[i]).toMatch(/not imported/);
      } else expect(suggestion.target, header[i]).toBe(column.name);
    });
  });

  it('names the zone of a moment’s column, and the import still knows the column', () => {
    const columns = chooseColumns(schema, 'name,created_at,last_order_at').map((c) =>
      c.name === 'name' ? c : { ...c, timeZone: 'Asia/Shanghai' },
    );
    const header = exportHeader(columns, 'zh', labels);
    expect(header).toEqual(['姓名', '创建时间 (Asia/Shanghai)', '最近购买 (Asia/Shanghai)']);
    expect(readBack(columns, header).map((s) => s.warning)).toEqual([
      undefined,
      '创建时间 (Asia/Shanghai) is written by Kith and is not imported',
      "最近购买 (Asia/Shanghai) is counted by Kith from the customer's orders and is not imported",
    ]);
  });

  it('says which naming a request may ask for', () => {
    expect(exportColumnNaming(undefined)).toBe('keys');
    expect(exportColumnNaming('zh')).toBe('zh');
    expect(() => exportColumnNaming('fr')).toThrow(/column_names.*must be one of keys, en, zh/s);
  });
});
