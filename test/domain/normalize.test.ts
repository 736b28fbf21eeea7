import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/domain/errors.js';
import { normalizeBirthday, normalizeDate, readWrittenDate } from '../../src/domain/normalize/date.js';
import { normalizeEmail } from '../../src/domain/normalize/email.js';
import { normalizeGender } from '../../src/domain/normalize/gender.js';
import { normalizePhone } from '../../src/domain/normalize/phone.js';
import { normalizeIdentityValue, normalizeText } from '../../src/domain/normalize/text.js';

type Case = [input: string, expected: string | null];

// null = rejected with a ValidationError naming the value.
const PHONES_CN: Case[] = [
  ['+86 138 0013 8000', '+8613800138000'],
  ['013800138000', '+8613800138000'],
  ['008613800138000', '+8613800138000'],
  ['138-0013-8000', '+8613800138000'],
  ['１３８００１３８０００', '+8613800138000'],
  ['13800138000', '+8613800138000'],
  [' 138 0013 8000 ', '+8613800138000'],
  ['(+86) 13800138000', '+8613800138000'],
  ['+86-138-0013-8000', '+8613800138000'],
  ['86 13800138000', '+8613800138000'],
  ['＋８６　１３８　００１３　８０００', '+8613800138000'],
  ['+8613800138000 ext. 12', '+8613800138000'],
  ['010-12345678', '+861012345678'],
  ['(021) 6234 5678', '+862162345678'],
  ['0755-12345678', '+8675512345678'],
  ['+86 10 1234 5678', '+861012345678'],
  ['918080808080', '+918080808080'],
  ['+1 415 555 2671', '+14155552671'],
  ['+44 20 7946 0958', '+442079460958'],
  ['00852 5123 4567', '+85251234567'],
  ['+852 5123 4567', '+85251234567'],
  ['+886 912 345 678', '+886912345678'],
  ['+81 90-1234-5678', '+819012345678'],
  ['12345', null],
  ['abc', null],
  ['', null],
  ['1380013800', null],
  ['+86 138 0013 80000', null],
  ['00000000000', null],
  ['N/A', null],
];

describe('phone.normalize (default region CN)', () => {
  it.each(PHONES_CN)('%j → %j', (input, expected) => {
    if (expected === null) {
      expect(() => normalizePhone(input, 'CN')).toThrow(ValidationError);
    } else {
      expect(normalizePhone(input, 'CN')).toBe(expected);
    }
  });

  it('names the value and the region when it refuses', () => {
    expect(() => normalizePhone('12345', 'CN', 'phone')).toThrow(/phone.*region CN.*"12345"/);
  });

  it('reads national numbers in another default region', () => {
    expect(normalizePhone('(415) 555-2671', 'US')).toBe('+14155552671');
    expect(normalizePhone('020 7946 0958', 'GB')).toBe('+442079460958');
  });
});

const EMAILS: Case[] = [
  [' Zhang.Wei@Example.COM ', 'zhang.wei@example.com'],
  ['user+tag@gmail.com', 'user+tag@gmail.com'],
  ['ＵＳＥＲ＠ＥＸＡＭＰＬＥ．ＣＯＭ', 'user@example.com'],
  ['mailto:someone@example.org', 'someone@example.org'],
  ["o'brien@example.ie", "o'brien@example.ie"],
  ['first.last@sub.example.co.uk', 'first.last@sub.example.co.uk'],
  ['12345@qq.com', '12345@qq.com'],
  ['wang_li@163.com', 'wang_li@163.com'],
  ['user@xn--fiqs8s.cn', 'user@xn--fiqs8s.cn'],
  ['plainaddress', null],
  ['@example.com', null],
  ['user@', null],
  ['user@example', null],
  ['user@@example.com', null],
  ['user name@example.com', null],
  ['user@exa mple.com', null],
  ['.user@example.com', null],
  ['user.@example.com', null],
  ['user..name@example.com', null],
  ['user@-example.com', null],
  ['', null],
];

describe('email.normalize', () => {
  it.each(EMAILS)('%j → %j', (input, expected) => {
    if (expected === null) expect(() => normalizeEmail(input)).toThrow(ValidationError);
    else expect(normalizeEmail(input)).toBe(expected);
  });

  it('names the field and the value when it refuses', () => {
    expect(() => normalizeEmail('nope', 'additional_emails[1]')).toThrow(
      'additional_emails[1]: is not a valid email address (got "nope")',
    );
  });
});

describe('text.normalize', () => {
  it.each([
    ['  张   伟  ', '张 伟'],
    ['ＡＢＣ１２３', 'ABC123'],
    ['Acme\u3000Corp', 'Acme Corp'],
    ['line\nbreak\ttab', 'line break tab'],
    ['   ', null],
    ['', null],
    // NUL from a broken export: dropped (PostgreSQL cannot store it in text).
    ['Zh\u0000ang Wei', 'Zhang Wei'],
    ['\u0000', null],
    // Other control characters: a terminal's colour codes pasted with a name, a broken export's bytes.
    ['a\u0001b\u001b[31mred', 'ab[31mred'],
    ['Li\u007fNa\u0085', 'LiNa'],
    ['\u0007\u0008', null],
    // Whitespace controls are spaces as before; letters from other scripts stay.
    ['A\u000bB\u000cC', 'A B C'],
    ['Ünïcødé 名字 😀', 'Ünïcødé 名字 😀'],
  ] as Case[])('%j → %j', (input, expected) => {
    expect(normalizeText(input)).toBe(expected);
  });

  it.each([
    ['  ｏｐｅｎｉｄ-１ ', 'openid-1'],
    ['M 1', 'M 1'],
    ['o\u0000X', 'oX'],
    ['SHOP\u001b-7', 'SHOP-7'],
  ])('identity value %j → %j', (input, expected) => {
    expect(normalizeIdentityValue(input)).toBe(expected);
  });
});

describe('date.normalize', () => {
  it.each([
    ['1990-01-02', '1990-01-02'],
    ['1990/1/2', '1990-01-02'],
    ['1990.01.02', '1990-01-02'],
    ['1990年1月2日', '1990-01-02'],
    ['19900102', '1990-01-02'],
    ['2000-02-29', '2000-02-29'],
    ['1990-01-02T10:00:00Z', '1990-01-02'],
    ['1990-01-02 23:59:59.5+08:00', '1990-01-02'],
    ['1990-01-02T99:00', null],
    ['１９９０－０１－０２', '1990-01-02'],
    ['1990-02-30', null],
    ['1900-02-29', null],
    // Years before 100 as written, not read as 19xx (a date attribute may be historical).
    ['0050-03-01', '0050-03-01'],
    ['yesterday', null],
    ['02/01/1990', null],
    ['05.03.1990', null], // read by readWrittenDate (imports, birthdays), not by a filter's date
  ] as Case[])('%j → %j', (input, expected) => {
    if (expected === null) expect(() => normalizeDate(input, 'birthday')).toThrow(ValidationError);
    else expect(normalizeDate(input, 'birthday')).toBe(expected);
  });
});

describe('date.readWrittenDate: other unambiguous ways customer lists write a date', () => {
  const now = new Date('2026-12-05T10:00:00Z');
  it.each([
    ['1990/3/5 0:00', '1990-03-05'], // a Chinese Excel's date cell saved as CSV
    ['1990/03/05 10:21:09', '1990-03-05'],
    ['1990年3月5号', '1990-03-05'],
    ['05.03.1990', '1990-03-05'], // day-first with dots (Germany, Russia; Zoho set to German)
    ['5.3.1990', '1990-03-05'],
    ['31.12.1999 23:59', '1999-12-31'],
    ['25/03/1990', '1990-03-25'], // only day-first is a date
    ['3/25/1990', '1990-03-25'], // only month-first is a date (Salesforce, US)
    ['12/31/1999 10:22 AM', '1999-12-31'],
    ['3/3/1990', '1990-03-03'], // the same either way
    ['Mar 5, 1990', '1990-03-05'],
    ['March 5 1990', '1990-03-05'],
    ['5 March 1990', '1990-03-05'],
    ['05-Mar-1990', '1990-03-05'],
    ['Sept 5, 1990', '1990-09-05'],
  ])('%j → %j, as a birthday too', (input, expected) => {
    expect(readWrittenDate(input, 'birthday')).toBe(expected);
    expect(normalizeBirthday(input, 'birthday', now)).toBe(expected);
  });

  it.each(['1990-03-05', '19900305', 'yesterday', 'Foo 5, 1990', '1990/3/5 25:00'])(
    '%j is not one of its forms (normalizeDate reads or refuses it)',
    (input) => {
      expect(readWrittenDate(input, 'birthday')).toBeNull();
    },
  );

  it.each(['31.02.1999', '13/13/1990'])('%j is not a real calendar date', (input) => {
    expect(() => readWrittenDate(input, 'birthday')).toThrow('is not a real calendar date');
  });
});

describe('date.normalizeBirthday (today 2026-12-05 10:00 UTC)', () => {
  const now = new Date('2026-12-05T10:00:00Z');
  it.each([
    ['1990年1月2日', '1990-01-02'],
    ['2026-12-05', '2026-12-05'],
    // Already the 6th in UTC+14 (Kiribati): a baby born there today.
    ['2026-12-06', '2026-12-06'],
    ['1850-01-01', '1850-01-01'],
    ['1900-01-01', '1900-01-01'],
    ['2026-12-07', 'is in the future'],
    ['9999-12-31', 'is in the future'],
    ['2090-05-01', 'is in the future'],
    ['1849-12-31', 'is before 1850-01-01'],
    ['0001-01-01', 'is before 1850-01-01'],
    ['2026-02-30', 'is not a real calendar date'],
  ])('%j → %j', (input, expected) => {
    if (/^\d{4}-/.test(expected)) expect(normalizeBirthday(input, 'birthday', now)).toBe(expected);
    else expect(() => normalizeBirthday(input, 'birthday', now)).toThrow(expected);
  });
});

describe('gender.normalize', () => {
  it.each([
    ['Male', 'male'],
    ['男', 'male'],
    ['F', 'female'],
    ['女', 'female'],
    ['other', 'other'],
  ] as Case[])('%j → %j', (input, expected) => {
    expect(normalizeGender(input)).toBe(expected);
  });
  it('refuses the unknown', () => {
    expect(() => normalizeGender('robot')).toThrow(
      'gender: must be one of male, female, other (got "robot")',
    );
  });
});
