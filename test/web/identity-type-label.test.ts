import { describe, expect, it } from 'vitest';

// Loaded by path, as test/web/i18n-keys.test.ts explains: the server's type check would refuse the
// web app's bundler-style imports.
const web = '../../web/src';
const { en } = (await import(`${web}/i18n/en.ts`)) as { en: object };
const { zh } = (await import(`${web}/i18n/zh.ts`)) as { zh: object };
type Type = { key: string; label?: string | null };
const { identityTypeLabel, localizeIdentityTypes } = (await import(`${web}/ui/identity-type-label.ts`)) as {
  identityTypeLabel: (type: Type, t: (key: string) => string) => string;
  localizeIdentityTypes: (types: Type[], t: (key: string) => string) => { key: string; label: string }[];
};

/** `t` over one language's messages, as i18next looks a dotted key up. */
const tOf = (messages: object) => (key: string) =>
  String(key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], messages));

describe('identity types as people read them', () => {
  it.each([
    // Built-in types with the label Kith gave them are named in the user's language.
    [{ key: 'wechat_openid', label: 'WeChat OpenID' }, 'WeChat OpenID', '微信 OpenID'],
    [{ key: 'taobao', label: 'Taobao member name' }, 'Taobao member name', '淘宝会员名'],
    // The type the first Tmall order import creates.
    [{ key: 'taobao_nick', label: 'Taobao nickname' }, 'Taobao nickname', '淘宝昵称'],
    [{ key: 'alipay', label: 'Alipay account' }, 'Alipay account', '支付宝账号'],
    [{ key: 'member_no', label: null }, 'Membership number', '会员号'],
    [{ key: 'external_id', label: 'External ID' }, 'External ID', '外部 ID'],
    [{ key: 'douyin', label: 'douyin' }, 'Douyin ID', '抖音号'],
    // A label an admin changed, and custom types, show as written.
    [{ key: 'wechat_openid', label: '公众号 OpenID' }, '公众号 OpenID', '公众号 OpenID'],
    [{ key: 'crm_id', label: 'Old CRM' }, 'Old CRM', 'Old CRM'],
    [{ key: 'line_id', label: null }, 'line_id', 'line_id'],
    [{ key: 'line_id', label: '  ' }, 'line_id', 'line_id'],
  ])('%j', (type, english, chinese) => {
    expect(identityTypeLabel(type, tOf(en))).toBe(english);
    expect(identityTypeLabel(type, tOf(zh))).toBe(chinese);
  });
});

describe('a list of identity types never shows two that read the same', () => {
  it.each<[string, Type[], string[]]>([
    [
      'distinct labels as they are',
      [
        { key: 'crm_id', label: 'Old CRM' },
        { key: 'line_id', label: 'LINE' },
      ],
      ['Old CRM', 'LINE'],
    ],
    [
      'two admin-made types of one label, each with its key',
      [
        { key: 'wx_openid', label: '微信 OpenID' },
        { key: 'wx_openid_2', label: '微信 openid' },
        { key: 'crm_id', label: 'Old CRM' },
      ],
      ['微信 OpenID (wx_openid)', '微信 openid (wx_openid_2)', 'Old CRM'],
    ],
    [
      "an admin's type named as a built-in one reads in the user's language",
      [
        { key: 'wechat_openid', label: 'WeChat OpenID' },
        { key: 'wx', label: '微信 OpenID' },
      ],
      ['微信 OpenID (wechat_openid)', '微信 OpenID (wx)'],
    ],
  ])('%s', (_why, types, chinese) => {
    expect(localizeIdentityTypes(types, tOf(zh)).map((type) => type.label)).toEqual(chinese);
  });
});
