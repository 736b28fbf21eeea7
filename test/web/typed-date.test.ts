/** A date field takes a date once it is typed whole, in the ways people write dates in both languages. */
import { describe, expect, it } from 'vitest';
import { WEB } from './web-i18n.js';

const { parseTypedDate } = (await import(`${WEB}/ui/typed-date.ts`)) as {
  parseTypedDate: (text: string) => string | null;
};

describe('a typed date', () => {
  it.each([
    ['2026-11-07', '2026-11-07'],
    ['2026-1-7', '2026-01-07'],
    ['2026/11/7', '2026-11-07'],
    ['2026.11.07', '2026-11-07'],
    ['2026年11月7日', '2026-11-07'],
    ['2026 年 1 月 7 日', '2026-01-07'],
    [' 2024-02-29 ', '2024-02-29'],
  ])('%s is %s', (text, date) => expect(parseTypedDate(text)).toBe(date));

  it.each([
    '',
    '2',
    '2026',
    '2026-1',
    '2026-11-',
    '11/07/2026',
    '2026-02-30',
    '2025-02-29',
    '2026-13-01',
    '2026-00-10',
    'yesterday',
  ])('%j is not a date yet', (text) => expect(parseTypedDate(text)).toBeNull());
});
