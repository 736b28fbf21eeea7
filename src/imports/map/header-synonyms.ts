import { WELL_KNOWN_IDENTITIES } from './well-known-identities.js';

/**
 * Header names that mean a wire-contract target, in English and Chinese, including the export headers of
 * Chatwoot, Google Contacts, Outlook, HubSpot, Salesforce, Zoho CRM, Intercom, Freshdesk, Shopify,
 * Mailchimp, 有赞, 微盟, 企业微信 and 美洽 (`test/imports/tool-export-headers.test.ts`). Compared after
 * `headerKey` folding.
 */
export const HEADER_SYNONYMS: Record<string, string[]> = {
  name: [
    'name',
    'full name',
    'fullname',
    'contact name',
    'display name',
    'customer name',
    '姓名',
    '名字',
    '客户姓名',
    '客户名称',
    '联系人',
    '联系人姓名',
    '称呼',
  ],
  first_name: ['first name', 'firstname', 'given name', 'forename', '名'],
  last_name: ['last name', 'lastname', 'surname', 'family name', '姓'],
  email: [
    'email',
    'e-mail',
    'email address',
    'e-mail address',
    'mail',
    'e-mail 1 - value',
    'primary email',
    '邮箱',
    '电子邮件',
    '电子邮箱',
    '邮件',
    '邮箱地址',
    'email 地址',
  ],
  additional_emails: [
    'additional emails',
    'other emails',
    'e-mail 2 - value',
    'e-mail 2 address',
    'e-mail 3 address',
    'secondary email',
    '其他邮箱',
    '备用邮箱',
  ],
  phone: [
    'phone',
    'phone number',
    'phone_number',
    'mobile',
    'mobile phone',
    'mobile phone number',
    'mobile number',
    'cell',
    'cell phone',
    'telephone',
    'tel',
    'phone 1 - value',
    'primary phone',
    'default address phone',
    '备注手机号',
    '备注电话',
    '手机',
    '手机号',
    '手机号码',
    '电话',
    '联系电话',
    '联系方式',
    '移动电话',
    '电话号码',
  ],
  additional_phones: [
    'additional phones',
    'other phones',
    'phone 2 - value',
    'business phone',
    'home phone',
    'other phone',
    'secondary phone',
    'work phone',
    'office phone',
    '其他电话',
    '备用电话',
    '座机',
    '固定电话',
  ],
  // A salutation (Mr., Ms., 先生, 女士) is often the only gender a CRM export has (Salesforce, Zoho).
  gender: ['gender', 'sex', 'salutation', '性别'],
  birthday: ['birthday', 'birth date', 'birthdate', 'date of birth', 'dob', '生日', '出生日期', '出生年月日'],
  country: [
    'country',
    'country/region',
    'country region',
    'home country',
    'mailing country',
    'default address country',
    'default address country code',
    'country code',
    'cc',
    '国家',
    '国家/地区',
    '国家地区',
  ],
  province: [
    'province',
    'state',
    'state/province',
    'region',
    'home state',
    'state/region',
    'state region',
    'mailing state',
    'mailing state/province',
    'default address province',
    'default address province code',
    'province code',
    'state code',
    '省份',
    '省',
    '省份/直辖市',
    '所在省份',
    // 有赞, 微盟: "浙江省 杭州市 西湖区", province, city and district in one cell (mapRecord splits it).
    '所在地区',
    '省市区',
  ],
  city: ['city', 'town', 'home city', 'mailing city', 'default address city', '城市', '市', '所在城市'],
  address: [
    'address',
    'street',
    'street address',
    'address 1',
    'home street',
    'address 1 - street',
    'mailing street',
    'default address address1',
    'address1',
    'address line 1',
    '地址',
    '详细地址',
    '联系地址',
    '收货地址',
    '通讯地址',
  ],
  postcode: [
    'postcode',
    'post code',
    'postal code',
    'zip',
    'zip code',
    'home postal code',
    'zip/postal code',
    'mailing zip',
    'mailing zip/postal code',
    'mailing postal code',
    'default address zip',
    '邮编',
    '邮政编码',
  ],
  company: [
    'company',
    'company name',
    'organization',
    'organisation',
    'organization 1 - name',
    'employer',
    'account name',
    'associated company',
    'default address company',
    '备注企业',
    '备注企业名称',
    '公司',
    '公司名称',
    '单位',
    '工作单位',
    '企业',
    '企业名称',
  ],
  tags: ['tags', 'tag', 'labels', 'label', 'group membership', '标签', '客户标签', '企业标签'],
  initial_source: [
    'initial source',
    'source',
    'lead source',
    'original source',
    '来源',
    '客户来源',
    '渠道',
    '来源渠道',
    '添加渠道',
    '添加来源',
  ],
  initial_source_detail: [
    'initial source detail',
    'source detail',
    'original source drill-down 1',
    '来源详情',
    '来源明细',
  ],
  campaign: ['campaign', 'utm campaign', '活动', '营销活动', '推广活动'],
  'identity.external_id': [
    'external id',
    'external_id',
    'identifier',
    'customer id',
    'crm id',
    'record id',
    'contact id',
    'external reference',
    'lead id',
    'user id',
    'unique external id',
    '顾客id',
    '顾客编号',
    '客户编号',
    '客户id',
    '客户 id',
    '外部编号',
  ],
};

/**
 * A second address line (Shopify's Address2, Google's Address 2 - Street 2): suggested as the target
 * `address_line_2`, the rest of the address column's value (column-mapping.ts).
 */
const ADDRESS_LINE_2 = new Set([
  'address2',
  'address 2',
  'address line 2',
  'default address address2',
  'address 1 - street 2',
  'street 2',
  'mailing street 2',
  '地址2',
  '详细地址2',
]);

export function isAddressLine2Header(header: string): boolean {
  return ADDRESS_LINE_2.has(headerKey(header));
}

/** Folds a header for comparison: NFKC, lower case, separators and spaces collapsed. */
export function headerKey(header: string): string {
  return header
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_]+/g, ' ')
    .replace(/[*:：]+$/u, '')
    .trim();
}

/**
 * A second, looser fold: without spaces, dots, hyphens and a trailing note in brackets, so that
 * "微信 OpenID", "Member No.", "QQ-Nr" and "会员卡号（必填）" find their target. A bracket holding only a
 * number is kept: "Phone (2)" is how Kith names a second column with the same header, and so is a
 * note saying the column is the name's reading ("氏名（カナ）", "姓名(拼音)"), which is not the name.
 */
export function compactHeaderKey(header: string): string {
  return headerKey(header)
    .replace(
      /\s*\((?!\d+\))(?!(?:[^()]*(?:カナ|かな|ｶﾅ|フリガナ|ふりがな|kana|furigana|拼音|pinyin))[^()]*\))[^()]*\)$/u,
      '',
    )
    .replace(/[\s.\-·・/]+/gu, '');
}

/**
 * Traditional-Chinese spellings (Taiwan, Hong Kong: Big5 files) of the headers above, where they differ
 * from the simplified ones.
 */
export const TRADITIONAL_SYNONYMS: Record<string, string[]> = {
  name: ['客戶姓名', '客戶名稱', '聯絡人', '聯絡人姓名', '稱呼'],
  email: ['電子郵件', '電子郵箱', '電郵', '電郵地址', '郵箱', '郵件', '信箱', '電子信箱', '郵箱地址'],
  phone: ['手機', '手機號', '手機號碼', '電話', '聯絡電話', '聯繫電話', '行動電話', '電話號碼', '聯絡方式'],
  additional_phones: ['其他電話', '備用電話', '市話', '室內電話', '固定電話'],
  gender: ['性別'],
  birthday: ['出生年月日'],
  country: ['國家', '國家/地區', '國家地區'],
  province: ['省份/直轄市'],
  city: ['縣市', '所在城市'],
  address: ['地址', '詳細地址', '聯絡地址', '收貨地址', '通訊地址'],
  postcode: ['郵遞區號', '郵政編碼', '郵編'],
  company: ['公司名稱', '單位', '工作單位', '企業', '企業名稱'],
  tags: ['標籤', '客戶標籤'],
  initial_source: ['來源', '客戶來源', '渠道', '通路'],
  initial_source_detail: ['來源詳情', '來源明細'],
  campaign: ['活動', '營銷活動', '行銷活動', '推廣活動'],
  'identity.external_id': ['客戶編號', '客戶id', '客戶 id', '外部編號'],
  'identity.member_no': ['會員號', '會員編號', '會員卡號', '會員id', '會員帳號'],
};

/** Japanese spellings (Shift_JIS files from Japanese CRMs and shops) where they differ from the above. */
export const JAPANESE_SYNONYMS: Record<string, string[]> = {
  name: ['氏名', '名前', 'お名前', '顧客名', '担当者名'],
  email: ['メールアドレス', 'メール', 'eメール', 'eメールアドレス', '電子メール'],
  phone: ['携帯電話', '携帯電話番号', '携帯番号', '電話番号', '連絡先電話番号'],
  additional_phones: ['自宅電話番号', '会社電話番号', '固定電話番号'],
  birthday: ['生年月日', '誕生日'],
  country: ['国名'],
  province: ['都道府県'],
  city: ['市区町村'],
  address: ['住所', '番地'],
  postcode: ['郵便番号'],
  company: ['会社名', '勤務先', '法人名'],
  tags: ['タグ'],
  'identity.external_id': ['顧客id', '顧客番号', '顧客コード'],
  'identity.member_no': ['会員番号', '会員id'],
};

const SYNONYM_INDEX = new Map<string, string>();
const COMPACT_INDEX = new Map<string, string>();
const ALL_SYNONYMS: [string, string[]][] = [
  ...Object.entries(HEADER_SYNONYMS),
  ...Object.entries(TRADITIONAL_SYNONYMS),
  ...Object.entries(JAPANESE_SYNONYMS),
  ...WELL_KNOWN_IDENTITIES.map((w): [string, string[]] => [`identity.${w.key}`, w.headers]),
];
for (const [target, names] of ALL_SYNONYMS) {
  for (const name of names) {
    SYNONYM_INDEX.set(headerKey(name), target);
    COMPACT_INDEX.set(compactHeaderKey(name), target);
  }
}

export function targetForHeader(header: string): string | undefined {
  return SYNONYM_INDEX.get(headerKey(header)) ?? COMPACT_INDEX.get(compactHeaderKey(header));
}

/** Every synonym with its target, for tests that check no spelling means two targets. */
export function synonymEntries(): [string, string][] {
  return ALL_SYNONYMS.flatMap(([target, names]) => names.map((n): [string, string] => [n, target]));
}
