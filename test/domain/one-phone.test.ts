/**
 * A contact's phone is one number: a value holding several (`13800138000;13900139000`, which
 * libphonenumber reads as a number and its "extension") is refused, naming them, rather than keeping the
 * first and dropping the others; a real extension is read as before (and dropped: E.164 has none).
 */
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/domain/errors.js';
import { normalizeOnePhone, phoneNumbersIn } from '../../src/domain/normalize/phone.js';

describe('phoneNumbersIn', () => {
  it.each([
    ['13800138000;13900139000', ['13800138000', '13900139000']],
    ['138 0013 8000 / 139 0013 9000', ['138 0013 8000', '139 0013 9000']],
    ['13800138000；0571-88888888', ['13800138000', '0571-88888888']],
    ['13800138000、13900139000', ['13800138000', '13900139000']],
    ['(415) 555-0100, (415) 555-0111', ['(415) 555-0100', '(415) 555-0111']],
    ['010-8888 6666/6667', ['010-8888 6666/6667']],
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

  it('leaves 转 801 as it was: not read (libphonenumber knows no Chinese extension mark)', () => {
    expect(() => normalizeOnePhone('0571-88888888 转 801', 'CN')).toThrow(
      'phone: is not a valid phone number in region CN or internationally (got "0571-88888888 转 801")',
    );
  });
});
