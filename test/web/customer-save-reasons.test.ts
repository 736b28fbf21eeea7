import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import { normalizeBirthday, normalizeDate } from '../../src/domain/normalize/date.js';
import { normalizeEmail } from '../../src/domain/normalize/email.js';
import { normalizeGender } from '../../src/domain/normalize/gender.js';
import { normalizeOnePhone, normalizePhone } from '../../src/domain/normalize/phone.js';
import { reasonKind } from '../../src/imports/report/reason-kind.js';
import { en, reasonOf, WEB, zh } from './web-i18n.js';

const { contactReasonText, saveProblem } = (await import(`${WEB}/features/customers/save-errors.ts`)) as {
  contactReasonText: (reason: string, t: TFunction) => string;
  saveProblem: (
    error: unknown,
    t: TFunction,
  ) => { fields: Record<string, string>; message: string | null; ownerId: string | null };
};
const { ApiError } = (await import(`${WEB}/api/client.ts`)) as {
  ApiError: new (status: number, code: string, message: string, details: unknown) => Error;
};

describe("a customer field's validation reason in the page's language", () => {
  it.each([
    [reasonOf(() => normalizeEmail('not-an-email')), 'Not a valid email address', '邮箱地址无效'],
    [
      reasonOf(() => normalizePhone('12345', 'CN')),
      'Not a valid phone number (read as a CN number, or an international one)',
      '手机号无效（按 CN 号码或国际号码解读）',
    ],
    [reasonOf(() => normalizeDate('2026-02-30')), 'Not a real date', '不是有效的日期'],
    [reasonOf(() => normalizeDate('tomorrow')), 'Use the form YYYY-MM-DD', '请使用 YYYY-MM-DD 格式'],
    [reasonOf(() => normalizeBirthday('9999-12-31')), 'Cannot be in the future', '不能晚于今天'],
    [reasonOf(() => normalizeBirthday('0001-01-01')), 'Cannot be before 1850-01-01', '不能早于 1850-01-01'],
    [
      reasonOf(() => normalizeGender('Agender')),
      'Choose one of: Male, Female, Other',
      '请选择以下之一：男、女、其他',
    ],
    ['is longer than 255 characters', 'Use at most 255 characters', '最多 255 个字符'],
    [
      reasonOf(() => normalizeOnePhone('13800138000;13900139000', 'CN')),
      'Holds 2 phone numbers: put one here and the others under Other phones',
      '包含 2 个号码：此处只填一个，其余填到“其他手机号”',
    ],
    // As the import's in-file pass words it (row-validation.ts, test/imports/shared-values.test.ts).
    [
      'is also on rows 3, 4 of this file: a shared line (a company switchboard) identifies none of them, so the row is matched by its own values',
      'Also on rows 3, 4 of this file: a shared line (a company switchboard) tells no one apart, so it was left out and the row matched by its other values',
      '本文件第 3、4 行也有此号码：共用的号码（如公司总机）无法区分客户，已略去，此行按其他信息匹配',
    ],
    [
      'is also on row 7 of this file: a shared mailbox (info@…) identifies none of them, so the row is matched by its own values',
      'Also on row 7 of this file: a shared mailbox (info@…) tells no one apart, so it was left out and the row matched by its other values',
      '本文件第 7 行也有此邮箱：共用的邮箱（如 info@…）无法区分客户，已略去，此行按其他信息匹配',
    ],
    // The same as an import's summary counts it, the rows left out (reason-kind.ts): it was shown in English.
    [
      reasonKind(
        'phone was not imported: is also on rows 3, 4 of this file: a shared line (a company switchboard) identifies none of them, so the row is matched by its own values',
      ).replace(/^phone was not imported: /, ''),
      'Also on other rows of this file: a shared line (a company switchboard) tells no one apart, so it was left out and the row matched by its other values',
      '本文件其他行也有此号码：共用的号码（如公司总机）无法区分客户，已略去，此行按其他信息匹配',
    ],
    [
      'is also on other rows of this file: a shared mailbox (info@…) identifies none of them, so the row is matched by its own values',
      'Also on other rows of this file: a shared mailbox (info@…) tells no one apart, so it was left out and the row matched by its other values',
      '本文件其他行也有此邮箱：共用的邮箱（如 info@…）无法区分客户，已略去，此行按其他信息匹配',
    ],
  ])('%s', (reason, english, chinese) => {
    expect(contactReasonText(reason, en)).toBe(english);
    expect(contactReasonText(reason, zh)).toBe(chinese);
  });

  it("names a list attribute's options as its administrator wrote them", () => {
    expect(contactReasonText('must be one of gold, silver', zh)).toBe('请选择以下之一：gold, silver');
  });

  it('shows a reason it does not know as the server wrote it', () => {
    expect(contactReasonText('identity type "qq" is not defined', zh)).toBe(
      'identity type "qq" is not defined',
    );
  });
});

describe('a refused save, on the box the value was typed in', () => {
  const invalidSecond = new ApiError(400, 'validation_failed', 'additional_emails[1] is not valid', [
    { field: 'additional_emails[1]', value: 'x@', reason: 'is not a valid email address' },
  ]);
  const ownedAdditional = new ApiError(409, 'conflict', 'owned', {
    field: 'additional_phones[0]',
    value: '+8613800138000',
    existing_id: 'ct_owner',
  });
  const ownedPrimary = new ApiError(409, 'conflict', 'owned', {
    field: 'email',
    value: 'li@example.cn',
    existing_id: 'ct_owner',
  });

  it.each([
    [invalidSecond, 'additional_emails', 'Line 2: Not a valid email address', '第 2 行：邮箱地址无效'],
    [
      ownedAdditional,
      'additional_phones',
      '+86\u00a0138\u00a00013\u00a08000 already belongs to another customer',
      '+86\u00a0138\u00a00013\u00a08000 已属于另一位客户',
    ],
    [ownedPrimary, 'email', 'Already belongs to another customer', '已属于另一位客户'],
  ])('%#: %s', (error, box, english, chinese) => {
    for (const [t, text] of [
      [en, english],
      [zh, chinese],
    ] as const) {
      const problem = saveProblem(error, t);
      expect(problem.fields).toEqual({ [box]: text });
      expect(problem.message).toBeNull();
    }
    expect(saveProblem(error, en).ownerId).toBe(error === invalidSecond ? null : 'ct_owner');
  });
});
