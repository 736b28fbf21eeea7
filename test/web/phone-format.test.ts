import { describe, expect, it } from 'vitest';
import { WEB } from './web-i18n.js';

const { formatPhone, phoneForEditing } = (await import(`${WEB}/ui/phone-format.ts`)) as {
  formatPhone: (value: string | null | undefined) => string;
  phoneForEditing: (value: string | null | undefined) => string;
};
const { formStateOf, contactPatch } = (await import(`${WEB}/features/customers/contact-form.ts`)) as {
  formStateOf: (contact: Record<string, unknown> | null) => {
    text: Record<string, string>;
    lists: Record<string, string>;
  };
  contactPatch: (before: unknown, after: unknown) => Record<string, unknown>;
};

describe('a stored phone (E.164) as the web app shows it', () => {
  it.each([
    ['+8613812345678', '+86 138 1234 5678'],
    ['+861012345678', '+86 10 1234 5678'],
    ['+8675512345678', '+86 755 1234 5678'],
    ['+85291234567', '+852 9123 4567'],
    ['+886912345678', '+886 912 345 678'],
    ['+442079460000', '+44 20 7946 0000'],
    ['+14155550123', '+1 415 555 0123'],
    ['+81312345678', '+81 3 1234 5678'],
  ])('%s reads %s', (stored, shown) => {
    // With no-break spaces, so that a number never breaks across lines.
    expect(formatPhone(stored)).toBe(shown.replaceAll(' ', '\u00a0'));
  });

  it.each([
    ['not E.164 (older data)', '138 1234 5678'],
    ['a trunk prefix the formatter would drop', '+8601012345678'],
    ['too short to be a number', '+86138'],
    ['not a phone', 'call me'],
  ])('%s is shown as stored', (_case, stored) => {
    expect(formatPhone(stored)).toBe(stored);
  });

  it('shows nothing for no phone', () => {
    expect(formatPhone(null)).toBe('');
    expect(formatPhone(undefined)).toBe('');
    expect(formatPhone('')).toBe('');
  });
});

describe('a stored phone in the customer form', () => {
  const contact = {
    phone: '+8613812345678',
    additional_phones: ['+14155550123', '+8601012345678'],
    email: 'li@example.com',
  };

  it('reads as the page shows it, with plain spaces a person can type over', () => {
    const form = formStateOf(contact);
    expect(form.text.phone).toBe('+86 138 1234 5678');
    expect(phoneForEditing('+8613812345678')).toBe('+86 138 1234 5678');
    // One per line; a number the formatter cannot read back stays as stored.
    expect(form.lists.additional_phones).toBe('+1 415 555 0123\n+8601012345678');
    expect(formStateOf(null).text.phone).toBe('');
  });

  it('is not sent again when the person did not change it', () => {
    const before = formStateOf(contact);
    const after = formStateOf(contact);
    expect(contactPatch(before, after)).toEqual({});
    after.text.phone = '+86 139 1234 5678';
    expect(contactPatch(before, after)).toEqual({ phone: '+86 139 1234 5678' });
  });
});
