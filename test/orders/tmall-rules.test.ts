import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { TMALL_ITEM_HEADER, TMALL_ORDER_HEADER, tmallOrderLine } from '../../bench/tmall-files.js';
import { parseChineseAddress } from '../../src/orders/chinese-address.js';
import { readItemLayout, readOrderLayout } from '../../src/orders/tmall/tmall-layouts.js';
import {
  centsToDecimal,
  isMasked,
  parseAmountCents,
  parseSourceId,
  parseTmallTime,
  unquoteCell,
} from '../../src/orders/tmall/tmall-quirks.js';
import { readTmallOrderRow } from '../../src/orders/tmall/tmall-rows.js';
import { readTmallStatus } from '../../src/orders/tmall/tmall-status.js';
import { normalizeTmallPhone } from '../../src/orders/tmall-order-import.js';

describe('Excel quirks of Tmall exports', () => {
  it.each([
    ['="2836123456789012"', '2836123456789012'],
    ['=2836123456789012', '2836123456789012'],
    ["'13800138000", '13800138000'],
    ['  值 ', '值'],
    ['\t2836', '2836'],
    ['', null],
    ['null', null],
    ['a\r\nb', 'a\nb'],
  ])('unquoteCell(%j) = %j', (raw, expected) => expect(unquoteCell(raw)).toBe(expected));

  it.each([
    ['="2836123456789012"', '2836123456789012'],
    ['2836123456789012.00', '2836123456789012'],
    ['2836123456789012.0', '2836123456789012'],
    ['A-123', 'A-123'],
  ])('parseSourceId(%j) = %j', (raw, expected) =>
    expect(parseSourceId(raw)).toEqual({ ok: true, value: expected }),
  );

  it('refuses an order number a spreadsheet turned into scientific notation', () => {
    expect(parseSourceId('2.83612E+17')).toMatchObject({ ok: false, reason: /scientific notation/ });
  });

  it.each([
    ['128.50', 12850],
    ['128.5', 12850],
    ['128.50元', 12850],
    ['¥1,234.00', 123400],
    ['￥0', 0],
    ['0.1', 10],
    ['.5', 50],
    ['-3.20', -320],
    ['12.500', 1250],
    ['', null],
  ])('parseAmountCents(%j) = %j', (raw, cents) =>
    expect(parseAmountCents(raw)).toEqual({ ok: true, value: cents }),
  );

  it.each(['12.345', 'abc', '1.2.3'])('parseAmountCents(%j) refuses', (raw) =>
    expect(parseAmountCents(raw).ok).toBe(false),
  );

  it.each([
    [12850, '128.50'],
    ['5', '0.05'],
    [-320, '-3.20'],
    [null, null],
  ])('centsToDecimal(%j) = %j', (cents, text) => expect(centsToDecimal(cents)).toBe(text));

  it.each([
    ['2026-11-01 10:23:45', '2026-11-01T02:23:45.000Z'],
    ['2026/11/1 8:05', '2026-11-01T00:05:00.000Z'],
    ['2026-11-01', '2026-10-31T16:00:00.000Z'],
    ['2026-11-01T10:23:45Z', '2026-11-01T10:23:45.000Z'],
    ['2026-11-01 10:23:45+00:00', '2026-11-01T10:23:45.000Z'],
    ['', null],
    ['-', null],
  ])('parseTmallTime(%j) = %j (China time)', (raw, iso) =>
    expect(parseTmallTime(raw)).toEqual({ ok: true, value: iso }),
  );

  it.each(['2026-02-30 10:00:00', 'yesterday', '2026-11-01 25:00:00'])('parseTmallTime(%j) refuses', (raw) =>
    expect(parseTmallTime(raw).ok).toBe(false),
  );

  it.each([
    ['138****1234', true],
    ['张**', true],
    ['江苏省 南京市 ****', true],
    ['t＊＊1', true],
    ['13812341234', false],
    [null, false],
  ])('isMasked(%j) = %j', (value, masked) => expect(isMasked(value)).toBe(masked));
});

describe('Tmall statuses', () => {
  it.each([
    ['交易成功', 'completed'],
    ['买家已付款，等待卖家发货', 'paid'],
    ['买家已付款,等待卖家发货', 'paid'],
    ['卖家已发货，等待买家确认', 'shipped'],
    ['卖家已发货, 等待买家确认', 'shipped'],
    ['卖家部分发货', 'partially_shipped'],
  ])('%s is imported as %s', (raw, status) =>
    expect(readTmallStatus(raw)).toEqual({ kind: 'imported', status }),
  );

  it.each([
    ['等待买家付款', 'pending_payment'],
    ['交易关闭', 'closed'],
    ['付款以后用户退款成功，交易自动关闭', 'closed'],
  ])('%s is known (%s) but not imported', (raw, status) =>
    expect(readTmallStatus(raw)).toMatchObject({ kind: 'not_imported', status }),
  );

  it('an unknown status names itself and the imported ones', () => {
    expect(readTmallStatus('已退款')).toMatchObject({
      kind: 'unknown',
      reason: /"已退款" is not a Tmall order status/,
    });
    expect(readTmallStatus(null)).toMatchObject({ kind: 'unknown', reason: '订单状态 is empty' });
  });
});

describe('Chinese shipping addresses', () => {
  it.each([
    ['江苏省 南京市 玄武区 中山路1号(210000)', '江苏省', '南京市', '210000'],
    ['上海 上海市 浦东新区 世纪大道100号(200120)', '上海市', '上海市', '200120'],
    ['浙江省杭州市西湖区文三路1号', '浙江省', '杭州市', null],
    ['北京市朝阳区建国路1号', '北京市', '北京市', null],
    ['广西壮族自治区 南宁市 青秀区 民族大道1号（530000）', '广西壮族自治区', '南宁市', '530000'],
    ['江苏省 南京市 ****', '江苏省', '南京市', null],
    ['**** **** ****', null, null, null],
  ])('%s → %s %s %s', (raw, province, city, postcode) =>
    expect(parseChineseAddress(raw)).toMatchObject({ province, city, postcode }),
  );

  it('a masked address is not kept, an empty one is nothing', () => {
    expect(parseChineseAddress('江苏省 南京市 ****').address).toBeNull();
    expect(parseChineseAddress(null)).toEqual({ province: null, city: null, address: null, postcode: null });
  });
});

describe('Tmall report layouts', () => {
  it('reads the classic order report with trailing spaces in its headers', () => {
    const reading = readOrderLayout(TMALL_ORDER_HEADER);
    expect(reading.ok && reading.layout.variant).toBe('classic');
    expect(reading.ok && reading.layout.unknown).toEqual([]);
  });

  it('reads the later variant with renamed columns, and keeps unknown ones', () => {
    const header = TMALL_ORDER_HEADER.map((h) =>
      h === '买家实际支付金额' ? '买家实付金额' : h.trim() === '宝贝标题' ? '商品标题' : h,
    );
    const reading = readOrderLayout([...header, '直播间']);
    expect(reading).toMatchObject({ ok: true, layout: { variant: 'current', unknown: ['直播间'] } });
  });

  it('refuses a header missing required columns, naming them and the unknown ones', () => {
    expect(readOrderLayout(['订单编号', '客户名'])).toMatchObject({
      ok: false,
      missing: [
        '买家会员名',
        '买家实际支付金额',
        '订单状态',
        '收货人姓名',
        '收货地址',
        '联系手机',
        '订单创建时间',
      ],
      unknown: ['客户名'],
    });
  });

  it('says when the two reports were given the other way round', () => {
    expect(readOrderLayout(TMALL_ITEM_HEADER)).toMatchObject({
      ok: false,
      reason: /looks like the items report/,
    });
    expect(readItemLayout(TMALL_ORDER_HEADER)).toMatchObject({
      ok: false,
      reason: /looks like the order report/,
    });
    expect(readItemLayout(TMALL_ITEM_HEADER).ok).toBe(true);
  });
});

describe("a Tmall order's buyer phone cell", () => {
  const layout = readOrderLayout(TMALL_ORDER_HEADER);
  if (!layout.ok) throw new Error('the classic order report should read');
  const read = (phone: string, landline = '') => {
    const line = tmallOrderLine({
      number: '2836100000000001',
      nick: 'nick_01',
      goods: '100.00',
      paid: '100.00',
      status: '交易成功',
      receiver: '王五',
      address: '浙江省 杭州市 西湖区 文三路1号(310000)',
      phone,
      landline,
      createdAt: '2026-10-01 10:00:00',
    });
    const [cells] = parse(line) as string[][];
    const reading = readTmallOrderRow(cells!, layout.layout, (v) => normalizeTmallPhone(v, 'CN'));
    if (!reading.ok) throw new Error(reading.reason);
    const { phone: first, otherPhones, phoneProblem } = reading.row;
    return { phone: first, otherPhones, phoneProblem };
  };

  // As the contact import reads a phone cell (column-mapping.ts): the first number is the phone, the
  // others the customer's other phones; the buyer is matched by the first number only.
  it.each([
    ['13800138000', '+8613800138000', []],
    ["'13800138000", '+8613800138000', []],
    ['13800138000/13900139000', '+8613800138000', ['+8613900139000']],
    ['13800138000, 010-12345678', '+8613800138000', ['+861012345678']],
    ['13800138000；13900139000', '+8613800138000', ['+8613900139000']],
    ['13800138000、13900139000、13700137000', '+8613800138000', ['+8613900139000', '+8613700137000']],
    ['010-12345678/13800138000', '+861012345678', ['+8613800138000']],
    ['13800138000/13800138000', '+8613800138000', []],
  ])('%j: the phone %j, other phones %j', (cell, phone, others) => {
    expect(read(cell)).toEqual({ phone, otherPhones: others, phoneProblem: null });
  });

  it.each([
    [
      '13800138000/1234567',
      /^联系手机: holds "1234567", which is not a valid phone number .* \(got "13800138000\/1234567"\)$/,
    ],
    ['1234567', /^联系手机: is not a valid phone number .* \(got "1234567"\)$/],
    ['138****1234', /is masked/],
    ['138****1234/13900139000', /is masked/],
  ])('%j is no number to match the buyer by: %s', (cell, problem) => {
    const r = read(cell);
    expect(r).toMatchObject({ phone: null, otherPhones: [] });
    expect(r.phoneProblem).toMatch(problem);
  });

  it('联系电话 holding two numbers when 联系手机 is empty', () => {
    expect(read('', '0571-88888888/13900139000')).toMatchObject({
      phone: '+8657188888888',
      otherPhones: ['+8613900139000'],
    });
  });
});
