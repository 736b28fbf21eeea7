/**
 * Address cells as the shops export them: 有赞 and 微盟's 所在地区 (`浙江省 杭州市 西湖区`: province, city
 * and district in one cell) and Shopify's second address line (`Default Address Address2`).
 */
import { stringify } from 'csv-stringify/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type MappingContext,
  mapRecord,
  regionPath,
  resolveMapping,
  type ResolvedMapping,
  suggestMapping,
} from '../../src/imports/map/column-mapping.js';
import { fixture, runImport } from '../support/import-helpers.js';
import { createTestKith, TEST_DIALECT, type TestKith } from '../support/test-kith.js';

const ctx: MappingContext = { identityTypes: new Set(), attributeTypes: new Map(), createAttributes: false };

describe('regionPath', () => {
  it.each([
    ['浙江省 杭州市 西湖区', { province: '浙江省', city: '杭州市', district: '西湖区' }],
    ['北京市 北京市 朝阳区', { province: '北京市', city: '北京市', district: '朝阳区' }],
    ['上海市 浦东新区', { province: '上海市', city: '上海市', district: '浦东新区' }],
    ['广东省/深圳市/南山区', { province: '广东省', city: '深圳市', district: '南山区' }],
    ['广东省 深圳市', { province: '广东省', city: '深圳市' }],
    [
      '内蒙古自治区　呼和浩特市　新城区',
      { province: '内蒙古自治区', city: '呼和浩特市', district: '新城区' },
    ],
    ['浙江省', null],
    ['New York', null],
    ['California', null],
    ['浙江省 Hangzhou', null],
  ])('%s', (value, expected) => expect(regionPath(value)).toEqual(expected));
});

describe('mapRecord: address cells', () => {
  const youzan: ResolvedMapping = new Map([
    [0, 'phone'],
    [1, 'province'],
    [2, 'address'],
  ]);
  it.each<[string, ResolvedMapping, string[], Record<string, unknown>]>([
    [
      '所在地区 with 详细地址',
      youzan,
      ['13800138000', '浙江省 杭州市 西湖区', '文三路 90 号'],
      { phone: '13800138000', province: '浙江省', city: '杭州市', address: '西湖区文三路 90 号' },
    ],
    [
      '所在地区 without 详细地址',
      youzan,
      ['13800138000', '北京市 北京市 朝阳区', ''],
      { phone: '13800138000', province: '北京市', city: '北京市', address: '朝阳区' },
    ],
    [
      'an address that already starts with the district',
      youzan,
      ['13800138000', '浙江省 杭州市 西湖区', '西湖区文三路 90 号'],
      { phone: '13800138000', province: '浙江省', city: '杭州市', address: '西湖区文三路 90 号' },
    ],
    [
      'a city column of its own wins over the region cell’s city',
      new Map([...youzan, [3, 'city']]),
      ['13800138000', '浙江省 杭州市 西湖区', '文三路 90 号', '杭州'],
      { phone: '13800138000', province: '浙江省', city: '杭州', address: '西湖区文三路 90 号' },
    ],
    [
      'a province of one word stays as it is',
      youzan,
      ['13800138000', 'New York', '1 Main St'],
      { phone: '13800138000', province: 'New York', address: '1 Main St' },
    ],
  ])('%s', (_, mapping, cells, input) => {
    expect(mapRecord(cells, mapping, ctx).input).toEqual(input);
  });

  const shopify = ['Email', 'Default Address Address1', 'Default Address Address2'];
  /** The address an import writes for `cells` under the user's mapping `explicit` (column → target). */
  const addressOf = (header: string[], explicit: Record<string, string>, cells: string[]) => {
    const suggestions = suggestMapping(header, [cells], ctx);
    return mapRecord(cells, resolveMapping(header, explicit, suggestions, ctx), ctx).input.address;
  };

  it.each([
    ['Address1 and Address2', ['jane@example.com', '123 Main St', 'Apt 4B'], '123 Main St, Apt 4B'],
    ['Address2 empty', ['jane@example.com', '123 Main St', ''], '123 Main St'],
    ['Address1 empty', ['jane@example.com', '', 'Apt 4B'], 'Apt 4B'],
    ['Address2 text-marked', ['jane@example.com', '123 Main St', "'4"], '123 Main St, 4'],
  ])("Shopify's %s, mapped automatically", (_, cells, address) => {
    expect(addressOf(shopify, {}, cells)).toBe(address);
  });

  it('suggests Address2 as the address’s second line, which the preview shows, only beside an address', () => {
    const target = (header: string[], column: string) =>
      suggestMapping(header, [], ctx).find((s) => s.column === column)?.target;
    expect(target(shopify, 'Default Address Address2')).toBe('address_line_2');
    expect(target(['Email', 'Address1', 'Address2'], 'Address2')).toBe('address_line_2');
    expect(target(['First Name', 'Email', 'Address 1 - Street', 'Street 2'], 'Street 2')).toBe(
      'address_line_2',
    );
    // No address to continue: the column is left to the user, as any column Kith has no target for.
    expect(target(['Email', 'Address2'], 'Address2')).toBeNull();
  });

  const cells = ['jane@example.com', '123 Main St', 'Apt 4B'];
  it.each<[string, string[], Record<string, string>, string | undefined]>([
    [
      'the wizard sends every column, Address2 ignored',
      shopify,
      { Email: 'email', 'Default Address Address1': 'address', 'Default Address Address2': 'ignore' },
      '123 Main St',
    ],
    [
      'a mapping file or saved mapping that names only Address2, as ignore',
      shopify,
      { 'Default Address Address2': 'ignore' },
      '123 Main St',
    ],
    [
      'a saved mapping that names the other columns only: Address2 as suggested',
      shopify,
      { Email: 'email', 'Default Address Address1': 'address' },
      '123 Main St, Apt 4B',
    ],
    [
      'Address2 mapped to the second line by hand',
      ['Email', 'Street', 'Flat'],
      { Street: 'address', Flat: 'address_line_2' },
      '123 Main St, Apt 4B',
    ],
    [
      'Address1 ignored: the suggested line goes with it',
      shopify,
      { 'Default Address Address1': 'ignore' },
      undefined,
    ],
    [
      'Address1 ignored, the second line kept by hand: it is the address',
      shopify,
      { 'Default Address Address1': 'ignore', 'Default Address Address2': 'address_line_2' },
      'Apt 4B',
    ],
    [
      'Address2 mapped to an attribute of its own',
      shopify,
      { 'Default Address Address2': 'attr.unit' },
      '123 Main St',
    ],
  ])('%s', (_, header, explicit, address) => {
    const withUnit = { ...ctx, attributeTypes: new Map([['unit', 'text']]) };
    const mapping = resolveMapping(header, explicit, suggestMapping(header, [cells], withUnit), withUnit);
    expect(mapRecord(cells, mapping, withUnit).input.address).toBe(address);
  });
});

describe(`address cells of shop exports imported on ${TEST_DIALECT}`, () => {
  let kith: TestKith;
  beforeAll(async () => {
    kith = await createTestKith();
  });
  afterAll(async () => kith.destroy());

  it('reads 有赞’s 所在地区 into province, city and address, and appends Shopify’s Address2', async () => {
    const youzan = await runImport(
      kith,
      fixture(
        'youzan-customers.csv',
        stringify([
          ['客户姓名', '手机号', '所在地区', '详细地址'],
          ['张伟', '13800138000', '浙江省 杭州市 西湖区', '文三路 90 号'],
        ]),
      ),
    );
    expect(youzan).toMatchObject({ status: 'completed', created: 1, warned: 0 });
    expect((await kith.contacts.list({ q: '13800138000' })).data[0]).toMatchObject({
      province: '浙江省',
      city: '杭州市',
      address: '西湖区文三路 90 号',
    });
    const shopify = await runImport(
      kith,
      fixture(
        'shopify-customers.csv',
        stringify([
          ['Email', 'Default Address Address1', 'Default Address Address2', 'Default Address City'],
          ['jane@example.com', '123 Main St', 'Apt 4B', 'New York'],
        ]),
      ),
    );
    expect(shopify).toMatchObject({ status: 'completed', created: 1 });
    expect(shopify.warnings ?? []).not.toContainEqual(expect.stringContaining('Address2'));
    expect((await kith.contacts.list({ q: 'jane@example.com' })).data[0]).toMatchObject({
      city: 'New York',
      address: '123 Main St, Apt 4B',
    });
  });

  it('leaves Shopify’s Address2 out when the mapping says ignore, and says it was not imported', async () => {
    const shopify = await runImport(
      kith,
      fixture(
        'shopify-ignored-address2.csv',
        stringify([
          ['Email', 'Default Address Address1', 'Default Address Address2'],
          ['lee@example.com', '9 Elm St', 'Unit 7'],
        ]),
      ),
      { mapping: { 'Default Address Address2': 'ignore' } },
    );
    expect(shopify).toMatchObject({ status: 'completed', created: 1 });
    expect(shopify.warnings).toContain('columns not imported: Default Address Address2');
    expect((await kith.contacts.list({ q: 'lee@example.com' })).data[0]).toMatchObject({
      address: '9 Elm St',
    });
  });
});
