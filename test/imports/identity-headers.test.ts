/**
 * Identity columns of Chinese platforms (WeChat, Alipay, Taobao, QQ, Douyin, membership numbers) map to
 * well-known identity types without a mapping file, and are the row's identifier.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkTarget,
  type MappingContext,
  resolveMapping,
  suggestMapping,
} from '../../src/imports/map/column-mapping.js';
import {
  compactHeaderKey,
  headerKey,
  synonymEntries,
  targetForHeader,
} from '../../src/imports/map/header-synonyms.js';
import { ADMIN, fixture, readFailureReasons, runImport } from '../support/import-helpers.js';
import { createTestKith, TEST_DIALECT, type TestKith } from '../support/test-kith.js';

const ctx: MappingContext = {
  identityTypes: new Set(['external_id']),
  attributeTypes: new Map(),
  createAttributes: false,
};

describe('identity headers → well-known identity types', () => {
  it.each([
    ['微信openid', 'identity.wechat_openid'],
    ['微信OpenID', 'identity.wechat_openid'],
    ['微信 OpenID', 'identity.wechat_openid'],
    ['WeChat OpenID', 'identity.wechat_openid'],
    ['wechat_openid', 'identity.wechat_openid'],
    ['OpenID', 'identity.wechat_openid'],
    ['openid', 'identity.wechat_openid'],
    ['Open ID', 'identity.wechat_openid'],
    ['微信ＯｐｅｎＩＤ', 'identity.wechat_openid'], // full-width letters
    ['公众号openid', 'identity.wechat_openid'],
    ['unionid', 'identity.wechat_unionid'],
    ['UnionID', 'identity.wechat_unionid'],
    ['微信unionid', 'identity.wechat_unionid'],
    ['微信 UnionID', 'identity.wechat_unionid'],
    ['Union ID', 'identity.wechat_unionid'],
    ['支付宝账号', 'identity.alipay'],
    ['支付宝帐号', 'identity.alipay'],
    ['支付宝', 'identity.alipay'],
    ['Alipay', 'identity.alipay'],
    ['Alipay Account', 'identity.alipay'],
    ['淘宝昵称', 'identity.taobao'],
    ['买家会员名', 'identity.taobao'],
    ['买家会员名 ', 'identity.taobao'],
    ['旺旺', 'identity.taobao'],
    ['旺旺号', 'identity.taobao'],
    ['Taobao ID', 'identity.taobao'],
    ['QQ', 'identity.qq'],
    ['qq', 'identity.qq'],
    ['ＱＱ', 'identity.qq'], // full-width
    ['QQ号', 'identity.qq'],
    ['ＱＱ号码', 'identity.qq'],
    ['QQ 号', 'identity.qq'],
    ['抖音号', 'identity.douyin'],
    ['抖音', 'identity.douyin'],
    ['Douyin ID', 'identity.douyin'],
    ['会员号', 'identity.member_no'],
    ['会员卡号', 'identity.member_no'],
    ['会员卡号*', 'identity.member_no'], // required-column star of a template
    ['会员卡号（必填）', 'identity.member_no'], // a note in full-width brackets
    ['会员编号：', 'identity.member_no'],
    ['會員卡號', 'identity.member_no'], // traditional
    ['Member No.', 'identity.member_no'],
    ['member no', 'identity.member_no'],
    ['MEMBER_NO', 'identity.member_no'],
    ['Membership Number', 'identity.member_no'],
    // Neighbours that must keep their own targets.
    ['客户编号', 'identity.external_id'],
    ['手机号码', 'phone'],
    ['Phone (2)', undefined],
    ['电子邮箱', 'email'],
    ['電子郵件', 'email'],
    ['手機', 'phone'],
    ['會員', undefined],
  ])('%j → %j', (header, target) => {
    expect(targetForHeader(header)).toBe(target);
  });

  it('gives no spelling two targets, whichever way it is folded', () => {
    const byKey = new Map<string, string>();
    const byCompact = new Map<string, string>();
    const clashes: string[] = [];
    for (const [name, target] of synonymEntries()) {
      for (const [index, key] of [
        [byKey, headerKey(name)],
        [byCompact, compactHeaderKey(name)],
      ] as const) {
        const seen = index.get(key);
        if (seen && seen !== target) clashes.push(`${name}: ${seen} / ${target}`);
        index.set(key, target);
      }
    }
    expect(clashes).toEqual([]);
  });

  it('suggests well-known identity types before they exist, and accepts them in a mapping', () => {
    const header = [
      '昵称',
      '微信openid',
      'unionid',
      '支付宝账号',
      '买家会员名',
      'QQ号',
      '抖音号',
      '会员卡号',
    ];
    const suggestions = suggestMapping(header, [], ctx);
    expect(suggestions.map((s) => s.target)).toEqual([
      null,
      'identity.wechat_openid',
      'identity.wechat_unionid',
      'identity.alipay',
      'identity.taobao',
      'identity.qq',
      'identity.douyin',
      'identity.member_no',
    ]);
    expect(suggestions.every((s) => s.warning === undefined)).toBe(true);
    expect([
      ...resolveMapping(header, { 昵称: 'identity.douyin', 抖音号: 'ignore' }, suggestions, ctx),
    ]).toEqual([
      [0, 'identity.douyin'],
      [1, 'identity.wechat_openid'],
      [2, 'identity.wechat_unionid'],
      [3, 'identity.alipay'],
      [4, 'identity.taobao'],
      [5, 'identity.qq'],
      [7, 'identity.member_no'],
    ]);
    expect(checkTarget('identity.line_id', ctx)).toMatch(
      /^identity type "line_id" is not defined; an admin defines it first \(or map to a well-known type: wechat_openid, .*member_no\)$/,
    );
  });
});

describe(`importing identity columns on ${TEST_DIALECT}`, () => {
  let kith: TestKith;
  beforeAll(async () => {
    kith = await createTestKith();
  });
  afterAll(async () => kith.destroy());

  const weChatExport =
    '昵称,微信OpenID,unionid,性别,城市\n小明,oUpF8uMuAJO_M2pxb1Q9zNjWeS6o,o6_bmasdasdsad6_2sgVt7hMZOPfL,男,深圳\n小红,oUpF8uN95K0AaZVxD0ZzVdS1RIo8,,女,广州\n,,,未知,\n';

  it('a dry run assumes the types and creates nothing', async () => {
    const dry = await runImport(kith, fixture('wechat-dry.csv', weChatExport), { dryRun: true });
    expect(dry).toMatchObject({ status: 'completed', rows: 3, created: 2, failed: 1 });
    expect((await kith.identityTypes.list()).map((t) => t.key)).toEqual(['external_id']);
  });

  it('imports a WeChat export whose only key is the OpenID, creating the types on first use', async () => {
    const r = await runImport(kith, fixture('wechat.csv', weChatExport));
    expect(r).toMatchObject({
      status: 'completed',
      rows: 3,
      created: 2,
      failed: 1,
      warned: 0,
      mapping: { 微信OpenID: 'identity.wechat_openid', unionid: 'identity.wechat_unionid' },
    });
    expect(r.warnings).toEqual(['columns not imported: 昵称']);
    expect(r.warning_details).toEqual([
      { code: 'columns_not_imported', message: 'columns not imported: 昵称', columns: ['昵称'] },
    ]);
    expect(await readFailureReasons(kith, r.id)).toBe(
      'row 4: the row has no id, identity, phone or email, so it can be neither matched nor created',
    );
    const types = await kith.identityTypes.list();
    expect(types.map((t) => [t.key, t.label, t.builtin])).toEqual([
      ['external_id', 'External ID', true],
      ['wechat_openid', 'WeChat OpenID', false],
      ['wechat_unionid', 'WeChat UnionID', false],
    ]);
    const ming = (await kith.contacts.list({ q: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' })).data[0]!;
    expect(ming).toMatchObject({
      gender: 'male',
      city: '深圳',
      identities: {
        wechat_openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
        wechat_unionid: 'o6_bmasdasdsad6_2sgVt7hMZOPfL',
      },
    });

    // Imported again with a phone: the OpenID finds the same customer.
    const again = await runImport(
      kith,
      fixture('wechat-again.csv', 'openid,手机号\noUpF8uMuAJO_M2pxb1Q9zNjWeS6o,13800138000\n'),
    );
    expect(again).toMatchObject({ rows: 1, updated: 1, created: 0 });
    expect((await kith.contacts.get(ming.id)).phone).toBe('+8613800138000');
  });

  it('maps a Taobao order export and a member list to their own types', async () => {
    const r = await runImport(
      kith,
      fixture(
        'taobao.csv',
        '订单编号,买家会员名,支付宝账号,收货人姓名,联系手机,会员卡号,QQ号,抖音号\n1001,tb_小王2020,wang@alipay.example,王小二,,VIP-0001,12345678,dy_wang\n',
      ),
    );
    expect(r).toMatchObject({ status: 'completed', created: 1, failed: 0 });
    const c = (await kith.contacts.list({ q: 'VIP-0001' })).data[0]!;
    expect(c.identities).toEqual({
      taobao: 'tb_小王2020',
      alipay: 'wang@alipay.example',
      member_no: 'VIP-0001',
      qq: '12345678',
      douyin: 'dy_wang',
    });
    const created = await kith.store.db
      .selectFrom('audit_log')
      .select(['entity_id', 'channel', 'channel_ref'])
      .where('entity_type', '=', 'identity_type')
      .where('entity_id', '=', 'member_no')
      .execute();
    expect(created).toEqual([{ entity_id: 'member_no', channel: 'import', channel_ref: r.id }]);
  });

  it('uses an identity type an admin already defined under the same key', async () => {
    await kith.identityTypes.create({ key: 'qq', label: 'QQ 号' }, ADMIN).catch(() => undefined);
    const r = await runImport(kith, fixture('qq.csv', 'QQ,姓名\n99887766,李雷\n'));
    expect(r).toMatchObject({ created: 1 });
    expect((await kith.identityTypes.list()).filter((t) => t.key === 'qq')).toHaveLength(1);
  });
});
