import { describe, expect, it } from 'vitest';
import { WEB } from './web-i18n.js';

const { amountInRange, readAmount, readFilters, MAX_AMOUNT } = (await import(
  `${WEB}/features/orders/order-filters.ts`
)) as {
  amountInRange: (value: string) => boolean;
  readAmount: (value: string) => string | null;
  readFilters: (params: URLSearchParams) => {
    filters: Record<string, unknown>;
    ignored: { param: string; value: string }[];
  };
  MAX_AMOUNT: string;
};

/** The orders filter's amounts: what the server can hold (2^53 − 1 cents) and nothing past it. */
describe('an amount filter past what an amount can hold', () => {
  it.each([
    ['99.50', true],
    [MAX_AMOUNT, true],
    ['90071992547409.92', false],
    ['100000000000000', false],
    ['1' + '0'.repeat(30), false],
  ])('%s is in range: %s', (value, inRange) => {
    expect(amountInRange(readAmount(value)!)).toBe(inRange);
  });

  it('a link with an amount past the range leaves that filter out and says so, as for any unreadable value', () => {
    const { filters, ignored } = readFilters(
      new URLSearchParams('min_amount=1e30&max_amount=100000000000000000'),
    );
    expect(filters.min_amount).toBeUndefined();
    expect(filters.max_amount).toBeUndefined();
    expect(ignored).toEqual([
      { param: 'min_amount', value: '1e30' },
      { param: 'max_amount', value: '100000000000000000' },
    ]);
    expect(readFilters(new URLSearchParams('min_amount=99.5')).filters.min_amount).toBe('99.5');
  });
});
