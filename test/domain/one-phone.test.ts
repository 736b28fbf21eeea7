/**
 * A contact's phone is one number: a value holding several (`13800138000;13900139000`, which
 * libphonenumber reads as a number and its "extension") is refused, naming them, rather than keeping the
 * first and dropping the others; a real extension is read as before (and dropped: E.164 has none).
 */
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/domain/errors.js';
import {
  normalizeOnePhone,
  normalizePhone,
  phoneCellNumbers,
  phoneLeftOut,
  phoneNumbersIn,
} from '../../src/domain/normalize/phone.js';

describe('phoneNumbersIn', () => {
  it.each([
    ['13800138000;13900139000', ['13800138000', '13900139000']],
    ['138 0013 8000 / 139 0013 9000', ['138 0013 8000', '139 0013 9000']],
    ['13800138000；0571-88888888', ['13800138000', '0571-88888888']],
    ['13800138000、13900139000', ['13800138000', '13900139000']],
    ['(415) 555-0100, (415) 555-0111', ['(415) 555-0100', '(415) 555-0111']],
    // The other lines of one switchboard, written as the digits that differ (Chinese business lists).
    ['010-8888 6666/6667', ['010-8888 6666', '010-8888 6667']],
    ['010-88886666/6667/6668', ['010-88886666', '010-88886667', '010-88886668']],
    ['0571-8888 6666 / 67', ['0571-8888 6666', '0571-8888 6667']],
    ['(415) 555-0100/0111', ['(415) 555-0100', '(415) 555-0111']],
    ['13800138000、8001', ['13800138000', '13800138001']],
    // After a comma or semicolon a few digits are no second line; nothing before them, no number.
    ['13800138000, 12', ['13800138000, 12']],
    ['13800138000;12', ['13800138000;12']],
    ['/6667', ['/6667']],
    ['13800138000/', ['13800138000/']],
    ['13800138000/12345', ['13800138000/12345']],
    ['(415) 555-0100, ext 12', ['(415) 555-0100, ext 12']],
    ['+1 415 555 0100 ext. 12', ['+1 415 555 0100 ext. 12']],
  ])('%s', (value, numbers) => expect(phoneNumbersIn(value)).toEqual(numbers));
});

describe('normalizeOnePhone', () => {
  it.each([
    ['+1 415 555 0100 ext. 12', 'US', '+14155550100'],
    ['+1 415 555 0100 x12', 'US', '+14155550100'],
    ['(415) 555-0100, ext 12', 'US', '+14155550100'],
    ['+86 138 0013 8000 #801', 'CN', '+8613800138000'],
    ['１３８００１３８０１２', 'CN', '+8613800138012'],
  ] as const)('reads %s as today', (value, region, expected) =>
    expect(normalizeOnePhone(value, region)).toBe(expected),
  );

  it.each([
    [
      '13800138000;13900139000',
      'phone',
      'holds 2 phone numbers ("13800138000", "13900139000"): a phone is one number, so send each of the others as an item of additional_phones',
    ],
    [
      '138 0013 8000 / 139 0013 9000',
      'phone',
      'holds 2 phone numbers ("138 0013 8000", "139 0013 9000"): a phone is one number, so send each of the others as an item of additional_phones',
    ],
    [
      '13800138000；13900139000；13700137000',
      'additional_phones[0]',
      'holds 3 phone numbers ("13800138000", "13900139000", "13700137000"): a phone is one number, so send each of the others as an item of additional_phones',
    ],
  ])('refuses %s for %s, naming the numbers', (value, field, reason) => {
    let error: unknown;
    try {
      normalizeOnePhone(value, 'CN', field);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).details).toEqual({ field, value, reason });
  });

  it.each([
    ['0571-88888888 转 801', '+8657188888888'],
    ['0571-88888888分机801', '+8657188888888'],
    ['13900139000 after 6pm', '+8613900139000'],
  ])(
    'reads %s as its number, as it reads ext. 12 (libphonenumber knows no 转 and reads no words)',
    (value, e164) => expect(normalizeOnePhone(value, 'CN')).toBe(e164),
  );

  it('still refuses a value with no number in it, or a second line beside the number', () => {
    expect(() => normalizeOnePhone('老板 转 801', 'CN')).toThrow(/is not a valid phone number/);
    expect(() => normalizeOnePhone('13800138000/123', 'CN')).toThrow(
      /holds 2 phone numbers \("13800138000", "13800138123"\)/,
    );
  });
});

describe('phoneCellNumbers: the phones of one cell of a file', () => {
  const read = (part: string) => normalizePhone(part, 'CN', '联系手机');
  it.each([
    ['13800138000', ['+8613800138000']],
    ['13800138000/13900139000', ['+8613800138000', '+8613900139000']],
    ['138 0013 8000；0571-88888888', ['+8613800138000', '+8657188888888']],
    ['13800138000/+86 138 0013 8000', ['+8613800138000']],
    ['0571-88888888 转 801/13900139000', ['+8657188888888', '+8613900139000']],
  ])('%s → %j', (cell, numbers) => expect(phoneCellNumbers(cell, read, '联系手机')).toEqual(numbers));

  it.each([
    [
      '13800138000/1234567',
      '联系手机: holds "1234567", which is not a valid phone number in region CN or internationally (got "13800138000/1234567")',
    ],
    ['1234567', '联系手机: is not a valid phone number in region CN or internationally (got "1234567")'],
  ])('%s fails whole, naming the part', (cell, message) => {
    const thrown = (() => {
      try {
        phoneCellNumbers(cell, read, '联系手机');
      } catch (e) {
        return e;
      }
    })();
    expect(thrown).toBeInstanceOf(ValidationError);
    expect((thrown as Error).message).toBe(message);
  });
});

describe('phoneLeftOut: what a phone kept as E.164 leaves out of its cell', () => {
  it.each([
    ['13800138000', null, null],
    ['138 0013 8000 老板', null, '老板'],
    ['13800138000/not a phone', null, 'not a phone'],
    ['13800138000 (home)', null, 'home'],
    ['call me: 13800138000 after 6pm', null, 'call me after 6pm'],
    ['+1 415 555 0100 ext. 12', '12', null],
    ['(415) 555-0100, ext 12', '12', null],
    ['+1 (415) 555-0100 x12', '12', null],
    ['+86 138 0013 8000 #801', '801', null],
    ['0571-88888888 转 801', '801', null],
    ['0571-88888888分机801', '801', null],
    ['tel: 13800138000', null, null],
    ['手机：13800138000', null, null],
    ['Mobile +86 138 0013 8000', null, null],
    ['１３８００１３８０００', null, null],
  ])('%s: extension %j, words %j', (value, extension, words) =>
    expect(phoneLeftOut(value)).toEqual({ extension, words }),
  );
});
