import { describe, expect, it } from 'vitest';
import { KithError } from '../../src/domain/errors.js';
import { readItemsCell } from '../../src/orders/generic/order-items-cell.js';
import {
  mergeOrderRows,
  type OrderReadOptions,
  readOrderRow,
  resolveOrderMapping,
  suggestOrderMapping,
} from '../../src/orders/generic/order-mapping.js';
import { readStatusWord } from '../../src/orders/generic/order-status-words.js';

const OPTIONS: OrderReadOptions = { region: 'CN', utcOffsetMinutes: 480, defaultCurrency: 'CNY' };
const NO_TYPES = new Set<string>(['member_no']);

describe('order file headers', () => {
  it.each([
    ['Order Number', 'order_number'],
    ['订单编号', 'order_number'],
    ['Name', 'order_number'], // Shopify names its order column "Name" (#1001)
    ['Financial Status', 'status'],
    ['订单状态', 'status'],
    ['Total', 'total_amount'],
    ['实付金额', 'paid_amount'],
    ['Shipping', 'postage_amount'],
    ['Created at', 'ordered_at'],
    ['付款时间', 'paid_at'],
    ['Email', 'customer.email'],
    ['手机号', 'customer.phone'],
    ['Customer ID', 'customer.id'],
    ['Lineitem name', 'item.title'],
    ['Lineitem quantity', 'item.quantity'],
    ['单价', 'item.unit_price'],
    ['商品明细', 'items'],
    ['收货人', 'receiver_name'],
    ['收货地址', 'receiver_address'],
    ['微信OpenID', 'identity.wechat_openid'],
    ['identity.member_no', 'identity.member_no'],
    ['Some column', null],
  ])('%s → %s', (header, target) => {
    expect(suggestOrderMapping([header])[0]!.target).toBe(target);
  });

  it('suggests a target once: a second column of the same meaning is left to the user', () => {
    const s = suggestOrderMapping(['订单号', 'Order ID']);
    expect(s.map((x) => x.target)).toEqual(['order_number', null]);
  });
});

describe('order mappings', () => {
  const header = ['订单号', '手机', '金额', '备注列'];

  it('takes the suggestions and what the user gives over them', () => {
    const m = resolveOrderMapping(header, { 备注列: 'seller_note' }, NO_TYPES);
    expect([...m]).toEqual([
      [0, 'order_number'],
      [1, 'customer.phone'],
      [2, 'total_amount'],
      [3, 'seller_note'],
    ]);
  });

  it('a target the user gives to one column moves it off the suggested one', () => {
    const m = resolveOrderMapping(
      ['订单号', '外部单号', '手机'],
      { 外部单号: 'order_number', 订单号: 'ignore' },
      NO_TYPES,
    );
    expect(m.get(1)).toBe('order_number');
    expect(m.get(0)).toBe('ignore');
  });

  it.each([
    [{ 不存在: 'status' }, 'mapping.不存在: no column is named so'],
    [{ 金额: 'amount_total' }, 'mapping.金额: is not an order import target'],
    [{ 手机: 'identity.unknown_type' }, 'identity type "unknown_type" is not defined'],
    [{ 手机: 'ignore' }, 'no customer key is mapped'],
    [{ 订单号: 'ignore' }, 'order_number is not mapped'],
  ])('refuses %j naming column, target and reason', (given, message) => {
    expect(() => resolveOrderMapping(header, given, NO_TYPES)).toThrow(message);
  });

  it('reports every problem at once', () => {
    try {
      resolveOrderMapping(header, { 订单号: 'ignore', 手机: 'ignore', 金额: 'nonsense' }, NO_TYPES);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(KithError);
      const message = (e as KithError).message;
      expect(message).toContain('nonsense');
      expect(message).toContain('order_number is not mapped');
      expect(message).toContain('no customer key is mapped');
    }
  });

  it('refuses items both per row and as a column', () => {
    expect(() => resolveOrderMapping(['订单号', '手机', '商品名称', '商品明细'], {}, NO_TYPES)).toThrow(
      'either one per row',
    );
  });
});

describe("order statuses in any shop's words", () => {
  it.each([
    ['paid', 'paid'],
    ['Paid', 'paid'],
    ['pending', 'pending_payment'],
    ['Partially Shipped', 'partially_shipped'],
    ['partially-fulfilled', 'partially_shipped'],
    ['fulfilled', 'shipped'],
    ['Delivered', 'completed'],
    ['cancelled', 'closed'],
    ['refunded', 'closed'],
    ['已付款', 'paid'],
    ['待发货', 'paid'],
    ['已发货', 'shipped'],
    ['已完成', 'completed'],
    ['交易成功', 'completed'],
    ['买家已付款，等待卖家发货', 'paid'],
    ['已取消', 'closed'],
    ['ＰＡＩＤ', 'paid'],
  ])('%s → %s', (word, status) => {
    expect(readStatusWord(word)).toEqual({ ok: true, status });
  });

  it('an unknown word names itself and the statuses', () => {
    const r = readStatusWord('lost in space');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toContain('"lost in space"');
    expect(!r.ok && r.reason).toContain('pending_payment, paid, shipped');
  });
});

describe('an items column', () => {
  it.each([
    [
      'T恤 x2; 袜子',
      [
        ['T恤', 2, null],
        ['袜子', 1, null],
      ],
    ],
    [
      'T-shirt ×2 @ 59.90｜Socks',
      [
        ['T-shirt', 2, '59.90'],
        ['Socks', 1, null],
      ],
    ],
    [
      'T-shirt x2 @ 59.90|Socks * 3',
      [
        ['T-shirt', 2, '59.90'],
        ['Socks', 3, null],
      ],
    ],
    [
      '帽子\n围巾 x1 @ ¥10',
      [
        ['帽子', 1, null],
        ['围巾', 1, '10.00'],
      ],
    ],
    ['[{"title":"Mug","sku":"M-1","quantity":2,"price":"12.5"}]', [['Mug', 2, '12.50']]],
  ])('%j', (cell, expected) => {
    const r = readItemsCell(cell);
    expect(r.ok).toBe(true);
    expect(r.ok && r.items.map((i) => [i.title, i.quantity, i.unit_price])).toEqual(expected);
  });

  it.each([
    ['[{"title":"Mug","quantity":-1}]', 'item 1: quantity -1 is not a whole quantity'],
    ['[1, 2]', 'item 1 is not an object'],
    ['[nope', 'not valid JSON'],
    ['Mug @ cheap', 'item 1: price "cheap" is not an amount'],
  ])('refuses %j', (cell, reason) => {
    const r = readItemsCell(cell);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toContain(reason);
  });
});

describe('rows of an order file', () => {
  const header = [
    '订单号',
    '状态',
    '手机',
    '邮箱',
    '会员号',
    '下单时间',
    '实付金额',
    '商品名称',
    '数量',
    '单价',
    '颜色',
  ];
  const mapping = resolveOrderMapping(header, { 会员号: 'identity.member_no', 颜色: 'extra' }, NO_TYPES);
  const read = (cells: string[]) => readOrderRow(cells, header, mapping, OPTIONS);

  it('reads a row: keys normalised, times in UTC, amounts exact, the item and its extra column', () => {
    const r = read([
      '="1001"',
      '已发货',
      "'138 0000 0001",
      'A@Example.COM',
      'M-7',
      '2026-11-01 10:00:00',
      '¥1,234.50',
      'T恤',
      '2',
      '617.25',
      '白',
    ]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.row.orderNumber).toBe('1001');
    expect(r.row.customer).toEqual({
      id: null,
      identities: { member_no: 'M-7' },
      phones: ['+8613800000001'],
      emails: ['a@example.com'],
      name: null,
    });
    expect(r.row.fields).toMatchObject({
      status: '已发货',
      ordered_at: '2026-11-01T02:00:00.000Z',
      paid_amount: 123450,
    });
    expect(r.row.item).toMatchObject({ title: 'T恤', quantity: 2, unit_price: '617.25' });
    expect(r.row.extra).toEqual({ 颜色: '白' });
  });

  it.each([
    [['', 'paid', '13800000001'], '订单号 is empty'],
    [['1', 'lost', '13800000001'], '状态: status "lost" is not an order status'],
    [['1', 'paid', 'not a phone'], '手机'],
    [['1', 'paid', '13800000001', 'nope'], '邮箱'],
    [['1', 'paid', '13800000001', '', '', 'yesterday'], '下单时间 "yesterday" is not a date and time'],
    [['1', 'paid', '13800000001', '', '', '', '12,5元x'], '实付金额 "12,5元x" is not an amount'],
    [['1', 'paid', '13800000001', '', '', '', '', 'T', 'two'], '数量 "two" is not a whole quantity'],
    [['2.8E+17', 'paid', '13800000001'], 'scientific notation'],
  ])('refuses %j naming the column and value', (cells, reason) => {
    const r = read(cells);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toContain(reason);
  });

  // As the contact import reads a phone cell: each number a key, the first the phone.
  it.each([
    ['13800138000/13900139000', ['+8613800138000', '+8613900139000']],
    ['13800138000, 010-12345678', ['+8613800138000', '+861012345678']],
    ['13800138000；13900139000', ['+8613800138000', '+8613900139000']],
    ['010-12345678 / 13800138000', ['+861012345678', '+8613800138000']],
    ['13800138000/13800138000', ['+8613800138000']],
    ['010-8888 6666', ['+861088886666']],
  ])('a phone cell %j is the keys %j', (cell, phones) => {
    const r = read(['1', 'paid', cell]);
    expect(r.ok && r.row.customer.phones).toEqual(phones);
  });

  it('refuses a phone cell with a number that is none, naming the column and that number', () => {
    const r = read(['1', 'paid', '13800138000/1234567']);
    expect(r).toMatchObject({ ok: false, reason: expect.stringContaining('手机') });
    expect(!r.ok && r.reason).toContain('"1234567"');
  });

  it('a masked phone is no key', () => {
    const r = read(['1', 'paid', '138****1234']);
    expect(r.ok && r.row.customer.phones).toEqual([]);
  });

  it('merges the rows of one order: items in order, agreed columns on the order, differing ones on items', () => {
    const rows = [
      ['1', 'paid', '13800000001', '', '', '2026-11-01 10:00', '', 'T恤', '2', '50', '白'],
      ['1', '', '', '', '', '', '', '袜子', '1', '10.5', '黑'],
    ].map((cells, i) => ({ rowNumber: i + 2, reading: (read(cells) as { ok: true; row: never }).row }));
    const merged = mergeOrderRows(rows, OPTIONS);
    expect(merged.ok).toBe(true);
    if (!merged.ok) return;
    expect(merged.row.items.map((i) => [i.title, i.quantity, i.unit_price, i.extra])).toEqual([
      ['T恤', 2, '50.00', { 颜色: '白' }],
      ['袜子', 1, '10.50', { 颜色: '黑' }],
    ]);
    expect(merged.row.status).toBe('paid');
    // No amounts in the file: goods and total from the items.
    expect([merged.row.goodsCents, merged.row.totalCents, merged.row.paidCents]).toEqual([
      11050,
      11050,
      null,
    ]);
    expect(merged.row.currency).toBe('CNY');
  });

  it('refuses rows of one order that disagree, naming both rows and values', () => {
    const rows = [
      ['1', 'paid', '13800000001'],
      ['1', 'shipped', '13800000001'],
    ].map((cells, i) => ({ rowNumber: i + 2, reading: (read(cells) as { ok: true; row: never }).row }));
    const merged = mergeOrderRows(rows, OPTIONS);
    expect(merged.ok).toBe(false);
    expect(!merged.ok && merged.reason).toBe(
      'order 1: rows 2 and 3 disagree on status ("paid" and "shipped"); the rows of one order must say the same',
    );
  });

  it('an order file without a status column lists paid orders', () => {
    const h = ['order id', 'email'];
    const m = resolveOrderMapping(h, {}, NO_TYPES);
    const r = readOrderRow(['9', 'x@y.cn'], h, m, OPTIONS);
    const merged = mergeOrderRows([{ rowNumber: 2, reading: (r as { ok: true; row: never }).row }], OPTIONS);
    expect(merged.ok && [merged.row.status, merged.row.sourceStatus]).toEqual(['paid', null]);
  });
});
