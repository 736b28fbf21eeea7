import { describe, expect, it } from 'vitest';
import { WEB } from './web-i18n.js';

const { formatMessageTime } = (await import(`${WEB}/features/conversations/message-time.ts`)) as {
  formatMessageTime: (iso: string, locale: string, now?: Date) => string;
};

describe("a message's time in the conversations list", () => {
  // Local times, as the browser shows them.
  const now = new Date(2026, 11, 5, 16, 30);
  const at = (month: number, day: number, hour: number, minute: number, year = 2026) =>
    new Date(year, month, day, hour, minute).toISOString();

  it.each([
    ['today: the time', at(11, 5, 9, 7), '09:07', '09:07'],
    ['this year: the day', at(11, 3, 14, 5), '3 Dec', '12月3日'],
    ['another year: the date', at(10, 28, 8, 0, 2025), '28 Nov 2025', '2025年11月28日'],
  ])('%s', (_case, iso, english, chinese) => {
    expect(formatMessageTime(iso, 'en-GB', now)).toBe(english);
    expect(formatMessageTime(iso, 'zh-CN', now)).toBe(chinese);
  });

  it('leaves a time it cannot read out', () => {
    expect(formatMessageTime('not a time', 'en-GB', now)).toBe('');
  });
});
