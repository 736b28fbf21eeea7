import { describe, expect, it } from 'vitest';
import { reasonKind, reasonKinds, withoutValues } from '../../src/imports/report/reason-kind.js';
import { ValidationError } from '../../src/domain/errors.js';
import { readTmallStatus } from '../../src/orders/tmall/tmall-status.js';
import { describeDuplicateKey, validateRow, warningOf } from '../../src/imports/validate/row-validation.js';
import { normalizeBirthday } from '../../src/domain/normalize/date.js';
import { mapRecord } from '../../src/imports/map/column-mapping.js';
import type { TFunction } from 'i18next';
import { en as enT, zh as zhT } from './web-i18n.js';

// Loaded by path, as test/web/i18n-keys.test.ts explains.
const web = '../../web/src';
type RowReason = { text: string; field: string | null; value: string | null };
type OwnedReasonWords = { owner: string; before: string; after: string };
const { ownedReasonWords, reasonLabel, reasonOwner, reasonWords, rowReasons } = (await import(
  `${web}/features/imports/import-errors.ts`
)) as {
  ownedReasonWords: (text: string, t: TFunction, deleted?: boolean) => OwnedReasonWords | null;
  reasonLabel: (kind: string, t: (key: string) => string) => string | null;
  reasonOwner: (text: string) => string | null;
  reasonWords: (text: string, t: TFunction) => { text: string; complete: boolean } | null;
  rowReasons: (text: string) => RowReason[];
};
const { en } = (await import(`${web}/i18n/en.ts`)) as {
  en: { imports: { reasons: Record<string, string> } };
};
const { zh } = (await import(`${web}/i18n/zh.ts`)) as {
  zh: { imports: { reasons: Record<string, string> } };
};

const reasonOf = (reading: ReturnType<typeof readTmallStatus>) => ('reason' in reading ? reading.reason : '');

describe("a failed row's reason, summarised in the page's language", () => {
  // The server's words as its import code writes them to the failure files.
  it.each([
    ['phone: is not a valid phone number in region CN or internationally (got "12345")', 'invalidPhone'],
    ['gender was not imported: must be one of male, female, other (got "外星人")', 'invalidGender'],
    [reasonOf(readTmallStatus('交易关闭')), 'orderNotPaid'],
    [reasonOf(readTmallStatus('等待买家付款')), 'orderNotPaid'],
    [reasonOf(readTmallStatus('交易奇怪')), 'orderStatusUnknown'],
    [reasonOf(readTmallStatus(null)), 'orderStatusUnknown'],
    [
      '订单编号 2836 is on rows 3, 9 of the orders file; an order number may appear once',
      'orderNumberRepeated',
    ],
    ['row 7: 订单编号 2836 is not in the orders file', 'orderNotInFile'],
    ['the buyer cannot be identified: 联系手机 is masked and 买家会员名 is empty', 'buyerUnknown'],
    // A generic order import's refusal says why; a known why is the more precise summary.
    ['the customer cannot be matched: phone belongs to another contact', 'owned'],
    ['the customer cannot be matched: its keys name two customers', 'buyerUnknown'],
  ])('%s → %s', (reason, key) => {
    expect(reasonLabel(reason, (k) => k)).toBe(`imports.reasons.${key}`);
    expect(en.imports.reasons[key]).toBeTruthy();
    expect(zh.imports.reasons[key]).toBeTruthy();
  });

  it('groups the rows of one reason as the result page does, still summarised (the kind, not the row)', () => {
    const kinds = [
      '订单编号 2836000000000006 is on rows 3, 9 of the orders file; an order number may appear once',
      '订单编号 2836000000000007 is on rows 4, 10, 12 of the orders file; an order number may appear once',
    ].map(reasonKind);
    expect(kinds[0]).toBe('订单编号 … is on other rows of the orders file');
    expect(kinds[1]).toBe(kinds[0]);
    expect(reasonLabel(kinds[0]!, (k) => k)).toBe('imports.reasons.orderNumberRepeated');
    expect(reasonKind('email: is also on row 5 of this file (got "a@b.c")')).toBe(
      'email: is also on other rows of this file',
    );
  });

  it('counts the rows of one owned value’s kind together, whoever owns it', () => {
    const kinds = [
      'the row matched contact ct_1 but email "a@b.cn" belongs to another contact ct_2',
      'email "c@d.cn" belongs to another contact ct_3',
    ].map(reasonKind);
    expect(kinds).toEqual(['email belongs to another contact', 'email belongs to another contact']);
    expect(
      reasonKind('the row\'s identities belong to different contacts: ct_1 (qq "1"), ct_2 (qq "2")'),
    ).toBe("the row's identities belong to different contacts");
    expect(reasonLabel(kinds[0]!, (k) => k)).toBe('imports.reasons.owned');
  });

  it.each([
    ['id: contact "ct_404" not found', 'id: contact … not found', 'idNotFound'],
    [
      'the buyer cannot be identified: 联系手机 "138****1234" is masked and 买家会员名 is empty',
      'the buyer cannot be identified: 联系手机 is masked and 买家会员名 is empty',
      'buyerUnknown',
    ],
    [
      'the buyer cannot be identified: 联系手机: holds "1234567", which is not a valid phone number in region CN or internationally (got "13600000081/1234567") and 买家会员名 is empty',
      'the buyer cannot be identified: 联系手机: holds a part which is not a valid phone number in region CN or internationally and 买家会员名 is empty',
      'buyerUnknown',
    ],
    [
      'phone "+8613800138000" could not be saved: another import or user was saving the same value at the same moment, and it still collided when retried alone; import this row again',
      'phone could not be saved: another import or user was saving the same value at the same moment, and it still collided when retried alone, so import this row again',
      null,
    ],
  ])('a reason of one kind whatever its value: %s', (reason, kind, label) => {
    expect(reasonKinds(reason)).toEqual([kind]);
    expect(reasonLabel(kind, (k) => k)).toBe(label === null ? null : `imports.reasons.${label}`);
  });

  it('keeps a reason holding "; " whole: an identity the contact already holds, a value with "; " in it', () => {
    expect(
      reasonKinds(
        `identities.qq: the contact already has "1"; the file's "2" was not imported; email: is not a valid email address (got "a; b")`,
      ),
    ).toEqual([
      "identities.qq: the contact already has another, so the file's was not imported",
      'email: is not a valid email address',
    ]);
  });

  it('leaves a reason it does not know as the server wrote it', () => {
    expect(reasonLabel('total_paid: is not an amount (expected e.g. 128.50)', (k) => k)).toBeNull();
  });
});

describe("a failed row's every reason, with its field and value", () => {
  // The server's words as a row's validation joins them (src/imports/validate/row-validation.ts).
  const phone = new ValidationError(
    'phone',
    '12345',
    'is not a valid phone number in region CN or internationally',
  );
  const email = new ValidationError('email', 'wf; x@', 'is not a valid email address');
  const gender = 'gender was not imported: must be one of male, female, other (got "外星人")';

  it('lists each reason, split outside the quoted values', () => {
    const reasons = rowReasons([phone.message, email.message, gender].join('; '));
    expect(reasons).toEqual([
      { text: phone.message, field: 'phone', value: '12345' },
      { text: email.message, field: 'email', value: 'wf; x@' },
      { text: gender, field: 'gender', value: '外星人' },
    ]);
    expect(reasons.map((r) => reasonLabel(r.text, (k) => k))).toEqual([
      'imports.reasons.invalidPhone',
      'imports.reasons.invalidEmail',
      'imports.reasons.invalidGender',
    ]);
  });

  it("reads list items, identities and the failure file's row prefix; a reason without a field stays whole", () => {
    expect(
      rowReasons(
        'row 4: additional_phones[1]: is not a valid phone number in region CN or internationally (got "x")',
      ),
    ).toEqual([expect.objectContaining({ field: 'additional_phones[1]', value: 'x' })]);
    expect(
      rowReasons('identities.qq: the same value "1" is also on row 5 of this file (got "1")')[0],
    ).toMatchObject({
      field: 'identities.qq',
      value: '1',
    });
    const none = 'the row has no id, identity, phone or email, so it can be neither matched nor created';
    expect(rowReasons(`${none}; ${email.message}`)).toEqual([
      { text: none, field: null, value: null },
      { text: email.message, field: 'email', value: 'wf; x@' },
    ]);
  });
});

describe('a reason said whole in the page’s language, so the server’s English need not stand beside it', () => {
  const phoneKey = describeDuplicateKey('phone\u0000+8613910079190');
  const openid = describeDuplicateKey('identity\u0000wechat_openid\u0000o6_Abc');
  const tooEarly = new ValidationError('birthday', '1815-12-10', 'is before 1850-01-01');
  const birthdayRefusal = (value: string) => {
    try {
      normalizeBirthday(value);
    } catch (e) {
      return warningOf(e as ValidationError);
    }
    throw new Error(`${value} was read`);
  };
  const importCtx = {
    region: 'CN' as const,
    identityTypes: new Set<string>(),
    attributeDefinitions: new Map(),
  };
  const maskedWarning = (() => {
    const row = validateRow({ id: null, input: { phone: '138****8004', email: 'a@b.cn' } }, importCtx);
    if (!row.ok) throw new Error(row.reason);
    return row.warnings[0]!;
  })();
  const phoneWarnings = (() => {
    const row = validateRow(
      { id: null, input: { phone: '138 0013 8000 老板', additional_phones: '0571-88888888 转 801' } },
      importCtx,
    );
    if (!row.ok) throw new Error(row.reason);
    return row.warnings;
  })();
  const footer = (() => {
    const mapping = new Map([
      [0, 'name'],
      [1, 'email'],
    ]);
    const mappingCtx = {
      identityTypes: new Set<string>(),
      attributeTypes: new Map(),
      createAttributes: false,
    };
    const row = validateRow(
      mapRecord(['Copyright (c) 2000-2024 salesforce.com, inc.'], mapping, mappingCtx),
      importCtx,
    );
    if (row.ok) throw new Error('a footer line was read as a customer');
    return row.reason;
  })();

  it.each([
    [
      `the same ${phoneKey} is also on row 365 of this file`,
      '手机号“+8613910079190”与本文件第 365 行相同',
      'The same Phone “+8613910079190” is also on row 365 of this file',
    ],
    [
      `the same ${phoneKey}, ${openid} is also on rows 3, 9 of this file`,
      '手机号“+8613910079190”、微信 OpenID“o6_Abc”与本文件第 3, 9 行相同',
      null,
    ],
    [
      reasonKind(`the same ${phoneKey} is also on row 365 of this file`),
      '手机号与本文件其他行相同',
      'The same Phone is on other rows of this file',
    ],
    [
      `superseded by row 12, which has the same ${phoneKey}`,
      '被第 12 行取代（手机号“+8613910079190”相同）',
      null,
    ],
    [
      'the row matched contact ct_1 but email "a@b.cn" belongs to another contact ct_2',
      '邮箱“a@b.cn”已属于另一位客户（ct_2）',
      null,
    ],
    [
      reasonKind('the row matched contact ct_1 but email "a@b.cn" belongs to another contact ct_2'),
      '邮箱已属于另一位客户',
      null,
    ],
    [reasonKind('phone "+8613800138000" belongs to another contact ct_2'), '手机号已属于另一位客户', null],
    [
      reasonKind('identity wechat_openid "o6_Abc" belongs to another contact ct_2'),
      '微信 OpenID已属于另一位客户',
      null,
    ],
    ['id: contact "ct_404" not found', '没有 Kith ID 为“ct_404”的客户', null],
    [reasonOf(readTmallStatus('交易关闭')), '订单状态“交易关闭”：只导入已付款的订单', null],
    [reasonOf(readTmallStatus('交易奇怪')), '“交易奇怪”不是天猫订单状态', null],
    ['row 7: 订单编号 2836 is not in the orders file', '订单 2836 不在订单报表中', null],
    [reasonKind('row 7: 订单编号 2836 is not in the orders file'), '所属订单不在订单报表中', null],
    ['订单编号 is empty', '这一行的“订单编号”列为空', 'The column “订单编号” is empty on this row'],
    [reasonKind('订单编号 is empty'), '这一行的“订单编号”列为空', null],
    // A shared phone as the summary counts it: said whole, not beside the server's English.
    [
      reasonKind(
        'phone was not imported: is also on rows 3, 4 of this file: a shared line (a company switchboard) identifies none of them, so the row is matched by its own values',
      ),
      '未导入该值：本文件其他行也有此号码',
      'Left out: Also on other rows of this file: a shared line (a company switchboard) tells no one apart, so it was left out and the row matched by its other values',
    ],
    ['联系手机 is empty', '这一行的“联系手机”列为空', null],
    [tooEarly.message, '不能早于 1850-01-01', 'Cannot be before 1850-01-01'],
    [
      birthdayRefusal('3/5/1980'),
      '无法判断是“日/月”还是“月/日”',
      'Left out: Could be day/month or month/day: write it as YYYY-MM-DD',
    ],
    [birthdayRefusal('03/05'), '缺少年份', null],
    [maskedWarning, '已打码', null],
    [
      phoneWarnings[0]!,
      '手机号只导入了号码，号码旁的文字未导入（“138 0013 8000 老板”）',
      'Phone imported as the number only: the words beside it were left out (“138 0013 8000 老板”)',
    ],
    [reasonKind(phoneWarnings[0]!), '手机号只导入了号码，号码旁的文字未导入', null],
    [phoneWarnings[1]!, '手机号未导入分机号：号码以国际格式保存，不含分机号（“0571-88888888 转 801”）', null],
    [reasonKind(phoneWarnings[1]!), '手机号未导入分机号', null],
    [
      footer,
      '报表附在表格下方的说明行，不是客户：“Copyright (c) 2000-2024 salesforce.com, inc.”',
      'A line the report adds under its table, not a customer: “Copyright (c) 2000-2024 salesforce.com, inc.”',
    ],
    [reasonKind(footer), '报表附在表格下方的说明行（只有一个单元格，没有其他列），不是客户', null],
    [
      'the row has no id, identity, phone or email, so it can be neither matched nor created',
      '没有 Kith ID、身份、手机号或邮箱',
      null,
    ],
  ])('%s', (reason, chinese, english) => {
    expect(reasonWords(reason, zhT)).toEqual({ text: expect.stringContaining(chinese), complete: true });
    if (english) expect(reasonWords(reason, enT)?.text).toBe(english);
  });

  it('says where its words leave something out, and knows nothing of a reason it does not know', () => {
    expect(
      reasonWords('the buyer cannot be identified: 联系手机 is masked and 买家会员名 is empty', zhT),
    ).toEqual({ text: '无法识别买家', complete: false });
    expect(reasonWords('total_paid: is not an amount (expected e.g. 128.50)', zhT)).toBeNull();
  });
});

describe('a reason once the import’s files are deleted: the values out, still said in the page’s language', () => {
  it.each([
    [
      'phone: is not a valid phone number in region CN or internationally (got "12345")',
      'phone: is not a valid phone number in region CN or internationally (got "…")',
    ],
    [
      'the row matched contact ct_1 but email "a@b.cn" belongs to another contact ct_2',
      'the row matched contact ct_1 but email "…" belongs to another contact ct_2',
    ],
    [
      'gender was not imported: must be one of male, female, other (got "say \\"no\\"; thanks")',
      'gender was not imported: must be one of male, female, other (got "…")',
    ],
    ['订单编号 is empty', '订单编号 is empty'],
  ])('%s', (reason, redacted) => {
    expect(withoutValues(reason)).toBe(redacted);
    expect(withoutValues(redacted)).toBe(redacted);
  });

  it('reads like the reason with its value', () => {
    const owned = withoutValues(
      'the row matched contact ct_1 but email "a@b.cn" belongs to another contact ct_2',
    );
    expect(reasonWords(owned, zhT)?.text).toContain('邮箱“…”已属于另一位客户（ct_2）');
  });
});

describe('a value another customer owns: the sentence parted where the result page names and links the owner', () => {
  const matched = 'the row matched contact ct_1 but email "a@b.cn" belongs to another contact ct_2';
  const phone = 'phone "+8613800138000" belongs to another contact ct_01HXOWNER';
  const identity = 'identity wechat_openid "o6_Abc" belongs to another contact ct_3';

  it.each([
    [matched, 'ct_2'],
    [phone, 'ct_01HXOWNER'],
    [identity, 'ct_3'],
    [withoutValues(matched), 'ct_2'],
  ])('%s is owned by %s', (reason, owner) => {
    expect(reasonOwner(reason)).toBe(owner);
  });

  it.each([
    reasonKind(matched),
    'the same email "a@b.cn" is also on row 3 of this file',
    'the row\'s identities belong to different contacts: ct_1 (qq "1"), ct_2 (qq "2")',
    'email: is not a valid email address (got "a@")',
  ])('%s names no owner', (reason) => {
    expect(reasonOwner(reason)).toBeNull();
    expect(ownedReasonWords(reason, enT)).toBeNull();
  });

  it.each([
    [matched, enT, 'Email “a@b.cn” belongs to another customer (', ')'],
    [matched, zhT, '邮箱“a@b.cn”已属于另一位客户（', '）'],
    [phone, zhT, '手机号“+8613800138000”已属于另一位客户（', '）'],
    [identity, enT, 'WeChat OpenID “o6_Abc” belongs to another customer (', ')'],
  ])('%s: the words around the owner', (reason, t, before, after) => {
    const words = ownedReasonWords(reason, t)!;
    expect(words).toEqual({ owner: reasonOwner(reason), before, after });
    // With the owner's id between them, the sentence reasonWords says whole (a file's, which has no links).
    expect(`${words.before}${words.owner}${words.after}`).toBe(reasonWords(reason, t)?.text);
  });

  it('says so when the owner has been deleted since, in both languages', () => {
    expect(ownedReasonWords(matched, enT, true)).toEqual({
      owner: 'ct_2',
      before: 'Email “a@b.cn” belonged to a customer who has since been deleted (',
      after: ')',
    });
    expect(ownedReasonWords(matched, zhT, true)).toEqual({
      owner: 'ct_2',
      before: '邮箱“a@b.cn”曾属于一位现已删除的客户（',
      after: '）',
    });
  });
});
