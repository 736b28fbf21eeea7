import { describe, expect, it } from 'vitest';
import { purchaseEventData } from '../../src/orders/tmall-order-import.js';
import type { TmallItemRow, TmallOrderRow } from '../../src/orders/tmall/tmall-rows.js';

// The event's JSON is written by hand for speed: it must be exactly what JSON.stringify made of it.
const item = (title: string | null, quantity: number | null, priceCents: number | null) =>
  ({ orderNumber: '1', title, quantity, priceCents }) as TmallItemRow;
const order = (
  orderNumber: string,
  shopName: string | null,
  paidCents: number | null,
  totalCents: number | null,
) => ({ orderNumber, shopName, paidCents, totalCents }) as TmallOrderRow;

const cents = (c: number | null) =>
  c === null ? null : `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`;

describe('purchaseEventData', () => {
  it.each([
    ['plain', order('2836001', '天猫旗舰店', 12345, 13000), [item('连衣裙 红色', 2, 6150)]],
    [
      'quotes, line breaks, nulls',
      order('28"36', null, null, 500),
      [item('a\n"b\\', null, null), item(null, 1, 5)],
    ],
    ['no amount, no items', order('1', 'shop', null, null), []],
    [
      'more than 20 items',
      order('9', 's', 100, 100),
      Array.from({ length: 23 }, (_, k) => item(`t${k}`, k, k)),
    ],
  ])('%s', (_name, o, items) => {
    const expected = JSON.stringify({
      order_id: 'order_x',
      source: 'tmall',
      order_number: o.orderNumber,
      status: 'paid',
      amount: cents(o.paidCents ?? o.totalCents),
      currency: 'CNY',
      shop_name: o.shopName,
      items: items
        .slice(0, 20)
        .map((i) => ({ title: i.title, quantity: i.quantity, unit_price: cents(i.priceCents) })),
      item_count: items.length,
    });
    expect(purchaseEventData('order_x', o, 'paid', items)).toBe(expected);
  });
});
