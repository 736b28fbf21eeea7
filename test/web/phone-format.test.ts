import { describe, expect, it } from 'vitest';
import { WEB } from './web-i18n.js';

const { formatPhone } = (await import(`${WEB}/ui/phone-format.ts`)) as {
  formatPhone: (value: string | null | undefined) => string;
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
