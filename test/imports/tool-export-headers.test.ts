/**
 * The header rows of the exports administrators bring from the tools they leave, column by column: what
 * each column is suggested to map to (null: not imported, which the import says by name).
 */
import { describe, expect, it } from 'vitest';
import { type MappingContext, suggestMapping } from '../../src/imports/map/column-mapping.js';

const ctx: MappingContext = {
  identityTypes: new Set(['external_id']),
  attributeTypes: new Map(),
  createAttributes: false,
};

/** [tool, [header, expected target][]] */
const EXPORTS: [string, [string, string | null][]][] = [
  [
    'Chatwoot contacts export',
    [
      ['id', null], // Chatwoot's own number: the preview says to map it to identity.external_id if wanted
      ['name', 'name'],
      ['email', 'email'],
      ['phone_number', 'phone'],
      ['identifier', 'identity.external_id'],
      ['company_name', 'company'],
      ['city', 'city'],
      ['country', 'country'],
      ['labels', 'tags'],
      ['created_at', null],
    ],
  ],
  [
    'HubSpot contacts export',
    [
      ['Record ID', 'identity.external_id'],
      ['First Name', 'first_name'],
      ['Last Name', 'last_name'],
      ['Email', 'email'],
      ['Phone Number', 'phone'],
      ['Mobile Phone Number', 'additional_phones'],
      ['Contact owner', null],
      ['Associated Company', 'company'],
      ['Lifecycle Stage', null],
      ['Create Date', null],
      ['Job Title', null],
      ['City', 'city'],
      ['State/Region', 'province'],
      ['Country/Region', 'country'],
      ['Postal Code', 'postcode'],
      ['Street Address', 'address'],
      ['Original Source', 'initial_source'],
      ['Original Source Drill-Down 1', 'initial_source_detail'],
    ],
  ],
  [
    'Salesforce contacts report',
    [
      ['Contact ID', 'identity.external_id'],
      ['Salutation', 'gender'],
      ['First Name', 'first_name'],
      ['Last Name', 'last_name'],
      ['Title', null],
      ['Account Name', 'company'],
      ['Mailing Street', 'address'],
      ['Mailing City', 'city'],
      ['Mailing State/Province', 'province'],
      ['Mailing Zip/Postal Code', 'postcode'],
      ['Mailing Country', 'country'],
      ['Phone', 'phone'],
      ['Mobile', 'additional_phones'],
      ['Email', 'email'],
      ['Birthdate', 'birthday'],
      ['Lead Source', 'initial_source'],
      ['Contact Owner', null],
    ],
  ],
  [
    'Salesforce leads report',
    [
      ['Lead ID', 'identity.external_id'],
      ['Company', 'company'],
      ['Street', 'address'],
      ['State/Province', 'province'],
      ['Zip/Postal Code', 'postcode'],
      ['Phone', 'phone'],
      ['Mobile', 'additional_phones'],
    ],
  ],
  [
    'Intercom users export',
    [
      ['Name', 'name'],
      ['Email', 'email'],
      ['Phone', 'phone'],
      ['User ID', 'identity.external_id'],
      ['Region', 'province'],
      ['Tag', 'tags'],
      ['UTM Campaign', 'campaign'],
      ['Company Name', 'company'],
      ['Intercom ID', null],
    ],
  ],
  [
    'Shopify customers export',
    [
      ['Customer ID', 'identity.external_id'],
      ['First Name', 'first_name'],
      ['Last Name', 'last_name'],
      ['Email', 'email'],
      ['Accepts Email Marketing', null],
      ['Default Address Company', 'company'],
      ['Default Address Address1', 'address'],
      ['Default Address Address2', 'address_line_2'],
      ['Default Address City', 'city'],
      ['Default Address Province Code', 'province'],
      ['Default Address Country Code', 'country'],
      ['Default Address Zip', 'postcode'],
      ['Default Address Phone', 'phone'],
      ['Phone', 'additional_phones'],
      ['Total Spent', null],
      ['Tags', 'tags'],
    ],
  ],
  [
    'Mailchimp audience export',
    [
      ['Email Address', 'email'],
      ['First Name', 'first_name'],
      ['Last Name', 'last_name'],
      ['Address', 'address'],
      ['Phone Number', 'phone'],
      ['Birthday', 'birthday'],
      ['MEMBER_RATING', null],
      ['OPTIN_TIME', null],
      ['CC', 'country'],
      ['REGION', 'province'],
      ['LEID', null],
      ['TAGS', 'tags'],
    ],
  ],
  [
    'Freshdesk contacts export',
    [
      ['Contact ID', 'identity.external_id'],
      ['Full name', 'name'],
      ['Email', 'email'],
      ['Work phone', 'additional_phones'],
      ['Mobile phone', 'phone'],
      ['Company', 'company'],
      ['Tags', 'tags'],
      ['Unique external ID', null], // identity.external_id is Contact ID's already: said in the preview
    ],
  ],
  [
    'Zoho CRM contacts export',
    [
      ['Record Id', 'identity.external_id'],
      ['Lead Source', 'initial_source'],
      ['First Name', 'first_name'],
      ['Account Name', 'company'],
      ['Email', 'email'],
      ['Phone', 'phone'],
      ['Home Phone', 'additional_phones'],
      ['Mobile', 'additional_phones'],
      ['Date of Birth', 'birthday'],
      ['Mailing Street', 'address'],
      ['Mailing City', 'city'],
      ['Mailing State', 'province'],
      ['Mailing Zip', 'postcode'],
      ['Mailing Country', 'country'],
      ['Secondary Email', 'additional_emails'],
      ['Salutation', 'gender'],
      ['Tag', 'tags'],
    ],
  ],
  [
    '有赞 客户导出',
    [
      ['客户姓名', 'name'],
      ['手机号', 'phone'],
      ['性别', 'gender'],
      ['生日', 'birthday'],
      ['所在地区', 'province'], // "浙江省 杭州市 西湖区": split into province, city and district (mapRecord)
      ['详细地址', 'address'],
      ['会员等级', null],
      ['客户标签', 'tags'],
      ['来源渠道', 'initial_source'],
    ],
  ],
  [
    '企业微信 客户导出',
    [
      ['客户名称', 'name'],
      ['性别', 'gender'],
      ['添加人', null],
      ['添加时间', null],
      ['添加渠道', 'initial_source'],
      ['企业标签', 'tags'],
      ['备注手机号', 'phone'],
      ['备注企业', 'company'],
    ],
  ],
  [
    '美洽 客户导出',
    [
      ['顾客ID', 'identity.external_id'],
      ['姓名', 'name'],
      ['电话', 'phone'],
      ['邮箱', 'email'],
      ['QQ', 'identity.qq'],
      ['标签', 'tags'],
      ['来源', 'initial_source'],
    ],
  ],
  [
    'A Japanese CRM export (Shift_JIS)',
    [
      ['顧客ID', 'identity.external_id'],
      ['姓', 'last_name'],
      ['名', 'first_name'],
      ['氏名（カナ）', null], // the name's reading, not the name
      ['フリガナ', null],
      ['メールアドレス', 'email'],
      ['電話番号', 'phone'],
      ['携帯電話', 'additional_phones'],
      ['郵便番号', 'postcode'],
      ['都道府県', 'province'],
      ['市区町村', 'city'],
      ['住所', 'address'],
      ['会社名', 'company'],
      ['生年月日', 'birthday'],
      ['性別', 'gender'],
      ['会員番号', 'identity.member_no'],
    ],
  ],
  [
    'A Chinese list with the name also in pinyin',
    [
      ['姓名', 'name'],
      ['姓名(拼音)', null],
      ['手机号（必填）', 'phone'],
    ],
  ],
];

describe.each(EXPORTS)('%s', (_tool, columns) => {
  it('suggests the field a person expects for each column', () => {
    const header = columns.map(([h]) => h);
    const suggested = suggestMapping(header, [], ctx).map((s) => [s.column, s.target]);
    expect(suggested).toEqual(columns);
  });
});

describe('a second phone or email column', () => {
  it('is kept as an additional one, in file order', () => {
    expect(
      suggestMapping(['手机', '电话', 'Email', 'E-mail', 'error'], [], ctx).map((s) => s.target),
    ).toEqual(['phone', 'additional_phones', 'email', 'additional_emails', 'ignore']);
  });
});
