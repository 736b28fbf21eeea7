/**
 * Address cells as the shops export them: 有赞 and 微盟's 所在地区 (`浙江省 杭州市 西湖区`: province, city
 * and district in one cell) and Shopify's second address line (`Default Address Address2`).
 */
import { stringify } from 'csv-stringify/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addressLine2Columns,
  type MappingContext,
  mapRecord,
  regionPath,
  type ResolvedMapping,
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

  it.each([
    ['Address1 and Address2', ['jane@example.com', '123 Main St', 'Apt 4B'], '123 Main St, Apt 4B'],
    ['Address2 empty', ['jane@example.com', '123 Main St', ''], '123 Main St'],
    ['Address1 empty', ['jane@example.com', '', 'Apt 4B'], 'Apt 4B'],
  ])("Shopify's %s", (_, cells, address) => {
    const header = ['Email', 'Default Address Address1', 'Default Address Address2'];
    const mapping: ResolvedMapping = new Map([
      [0, 'email'],
      [1, 'address'],
    ]);
    const lines = addressLine2Columns(header, mapping);
    expect(lines).toEqual([2]);
    expect(mapRecord(cells, mapping, { ...ctx, addressLine2Columns: lines }).input.address).toBe(address);
  });

  it('leaves Address2 alone when no column is mapped to address, or when it is mapped itself', () => {
    const header = ['Email', 'Address1', 'Address2'];
    expect(addressLine2Columns(header, new Map([[0, 'email']]))).toEqual([]);
    expect(
      addressLine2Columns(
        header,
        new Map([
          [0, 'email'],
          [1, 'address'],
          [2, 'attr.unit'],
        ]),
      ),
    ).toEqual([]);
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
});
