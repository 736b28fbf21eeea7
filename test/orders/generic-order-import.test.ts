import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readContactChanges } from '../../src/contacts/contact-change-log.js';
import type { ImportRecord } from '../../src/imports/import-service.js';
import { JobRunner } from '../../src/jobs/job-runner.js';
import type { OrderFileImportRequest } from '../../src/orders/order-service.js';
import { ADMIN, fixture, readFailureReasons, readFailureRows } from '../support/import-helpers.js';
import { createTestKith, TEST_DIALECT, type TestKith } from '../support/test-kith.js';

const honest = (r: ImportRecord) => expect(r.created + r.updated + r.unchanged + r.failed).toBe(r.rows);

async function importOrders(
  kith: TestKith,
  file: string,
  request: Partial<OrderFileImportRequest> = {},
): Promise<ImportRecord> {
  const id = await kith.orders.startOrderFileImport(
    { filePath: file, fileName: path.basename(file), ...request },
    ADMIN,
  );
  await new JobRunner(kith.store, kith.jobHandlers).runOnce({ subjectId: id });
  return kith.imports.get(id);
}

const csv = (rows: string[][]) =>
  rows.map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\r\n');

const HEADER = [
  '订单号',
  '订单状态',
  '手机',
  '邮箱',
  '会员号',
  '客户ID',
  '姓名',
  '下单时间',
  '实付金额',
  '商品名称',
  '数量',
  '单价',
  '颜色',
];

describe(`generic order import on ${TEST_DIALECT}`, () => {
  let kith: TestKith;
  let a: string;
  let b: string;
  let c: string;
  let d: string;
  let first: ImportRecord;
  let rows: string[][];
  const mapping = { 会员号: 'identity.member_no', 颜色: 'extra' };

  beforeAll(async () => {
    kith = await createTestKith();
    await kith.identityTypes.create({ key: 'member_no' }, ADMIN);
    a = (await kith.contacts.create({ name: 'A', phone: '+8613800000001' }, ADMIN)).id;
    b = (await kith.contacts.create({ name: 'B', email: 'b@shop.cn' }, ADMIN)).id;
    c = (await kith.contacts.create({ name: 'C', identities: { member_no: 'M-3' } }, ADMIN)).id;
    d = (await kith.contacts.create({ name: 'D' }, ADMIN)).id;
    const row = (over: Partial<Record<(typeof HEADER)[number], string>>) => HEADER.map((h) => over[h] ?? '');
    rows = [
      HEADER,
      // Two item rows of one order; the second leaves the order's columns empty.
      row({
        订单号: '1001',
        订单状态: '已发货',
        手机: '138 0000 0001',
        下单时间: '2026-11-01 10:00:00',
        实付金额: '120.00',
        商品名称: 'T恤',
        数量: '2',
        单价: '50',
        颜色: '白',
      }),
      row({ 订单号: '1001', 商品名称: '袜子, 两双装', 数量: '1', 单价: '20', 颜色: '黑' }),
      row({
        订单号: '1002',
        订单状态: 'paid',
        邮箱: 'B@Shop.CN',
        下单时间: '2026-11-02 10:00:00',
        实付金额: '30.5',
      }),
      row({ 订单号: '1003', 订单状态: '已完成', 会员号: 'M-3', 实付金额: '1,000.00元' }),
      row({ 订单号: '1004', 订单状态: 'delivered', 客户ID: d, 实付金额: '5' }),
      // A new customer, then another order of theirs in the same file (matched to the one created).
      row({ 订单号: '1005', 订单状态: 'paid', 手机: '13900000005', 姓名: '新客', 实付金额: '10' }),
      row({ 订单号: '1006', 订单状态: 'paid', 手机: '13900000005', 实付金额: '11' }),
      // A's phone and B's e-mail: two customers.
      row({ 订单号: '1007', 订单状态: 'paid', 手机: '13800000001', 邮箱: 'b@shop.cn' }),
      row({ 订单号: '1008', 订单状态: 'lost', 手机: '13800000001' }),
      // Rows of one order that disagree.
      row({ 订单号: '1009', 订单状态: 'paid', 手机: '13800000001', 商品名称: 'x' }),
      row({ 订单号: '1009', 订单状态: 'shipped', 商品名称: 'y' }),
      // A masked phone only: no customer key.
      row({ 订单号: '1010', 订单状态: 'paid', 手机: '138****1234' }),
      // Cancelled: kept as an order, not a purchase.
      row({ 订单号: '1011', 订单状态: '已取消', 手机: '13800000001', 实付金额: '99' }),
    ];
    first = await importOrders(kith, fixture('orders.csv', csv(rows), 'gbk'), {
      mapping,
      tags: ['网店'],
      group: 'Shop buyers',
    });
  });
  afterAll(async () => kith.destroy());

  it('counts orders (rows of one number are one), matches by id, identity, phone and e-mail, creates the rest', async () => {
    expect(first).toMatchObject({ status: 'completed', kind: 'orders', rows: 11, created: 7, failed: 4 });
    honest(first);
    expect(first.mapping).toMatchObject({
      订单号: 'order_number',
      会员号: 'identity.member_no',
      颜色: 'extra',
    });
    expect(first.summary).toEqual({
      kind: 'orders',
      source: 'csv',
      file_rows: 13,
      items: { attached: 2 },
      buyers: {
        matched_by_id: 1,
        matched_by_identity: 1,
        matched_by_phone: 3,
        matched_by_email: 1,
        created: 1,
      },
    });
    const reasons = await readFailureReasons(kith, first.id);
    expect(reasons).toContain('the customer cannot be matched: the row matched contact');
    expect(reasons).toContain('订单状态: status "lost" is not an order status Kith knows');
    expect(reasons).toContain('order 1009: rows 11 and 12 disagree on status ("paid" and "shipped")');
    expect(reasons).toContain('no id, identity, phone or email');
    // Every row of a failed order is in the failure file, in the file's columns.
    const failures = await readFailureRows(kith, first.id);
    expect(failures.filter((r) => r[0] === '1009')).toHaveLength(2);
    expect(failures[0]!.slice(0, 3)).toEqual(['订单号', '订单状态', '手机']);
  });

  it('keeps the order: items from its rows, differing columns on items, raw status, exact amounts', async () => {
    const [order] = (await kith.orders.list({ q: '1001' })).data;
    expect(order).toMatchObject({
      source: 'csv',
      contact_id: a,
      status: 'shipped',
      source_status: '已发货',
      currency: 'CNY',
      paid_amount: '120.00',
      goods_amount: '120.00',
      ordered_at: '2026-11-01T02:00:00.000Z',
      item_count: 2,
    });
    expect(order!.items.map((i) => [i.title, i.quantity, i.unit_price, i.extra])).toEqual([
      ['T恤', 2, '50.00', { 颜色: '白' }],
      ['袜子, 两双装', 1, '20.00', { 颜色: '黑' }],
    ]);
    const byNumber = async (n: string) => (await kith.orders.list({ q: n })).data[0]!;
    expect((await byNumber('1002')).contact_id).toBe(b);
    expect((await byNumber('1003')).contact_id).toBe(c);
    expect((await byNumber('1004')).contact_id).toBe(d);
    expect((await byNumber('1011')).status).toBe('closed');
    const created = (await byNumber('1005')).contact_id;
    expect((await byNumber('1006')).contact_id).toBe(created);
    expect(await kith.contacts.get(created)).toMatchObject({
      name: '新客',
      phone: '+8613900000005',
      initial_source: 'csv',
      tags: ['网店'],
    });
  });

  it('purchase facts count purchases only; the change log says which contacts got orders', async () => {
    const facts = await kith.orders.purchaseFacts([a, b, c]);
    expect(facts.get(a)).toMatchObject({ orders_count: 1, total_spent: '120.00' });
    expect(facts.get(c)).toMatchObject({ orders_count: 1, total_spent: '1000.00' });
    const changes = await readContactChanges(kith.store, 0, 1000, { contactId: a });
    const link = changes.find((e) => e.changes.some((ch) => ch.field === 'orders'));
    expect(link).toMatchObject({
      kind: 'updated',
      origin: `import:${first.id}`,
      changes: [
        {
          field: 'orders',
          old: { orders_count: 0, total_spent: '0.00' },
          new: { orders_count: 1, total_spent: '120.00' },
        },
      ],
    });
    // One entry per contact per batch: A got two orders (1001, 1011) in one batch.
    expect(changes.filter((e) => e.changes.some((ch) => ch.field === 'orders'))).toHaveLength(1);
    // The entry's hash is the contact's own: order links change no contact field.
    expect(link!.content_hash).toBe(changes.find((e) => e.kind === 'created')!.content_hash);
  });

  it('a second import of the same file is all unchanged; a later status updates the order', async () => {
    const again = await importOrders(kith, fixture('again.csv', csv(rows), 'gbk'), { mapping });
    expect(again).toMatchObject({ rows: 11, created: 0, updated: 0, unchanged: 7, failed: 4 });
    const moved = rows.map((r) => (r[0] === '1002' ? r.map((v) => (v === 'paid' ? 'refunded' : v)) : r));
    const later = await importOrders(kith, fixture('later.csv', csv(moved), 'utf-8', true), { mapping });
    expect(later).toMatchObject({ rows: 11, created: 0, updated: 1, unchanged: 6, failed: 4 });
    expect((await kith.orders.purchaseFacts([b])).get(b)).toMatchObject({ orders_count: 0 });
    await kith.imports.undo(later.id, ADMIN);
    expect((await kith.orders.purchaseFacts([b])).get(b)).toMatchObject({
      orders_count: 1,
      total_spent: '30.50',
    });
  });

  it('reads items from one column, under another source name, with a dry run writing nothing', async () => {
    const file = fixture(
      'shopify.csv',
      csv([
        ['Name', 'Email', 'Financial Status', 'Total', 'Currency', 'Created at', 'Products'],
        ['#1001', 'b@shop.cn', 'paid', '25.00', 'usd', '2026-11-05T08:00:00Z', 'Mug x2 @ 10; Card'],
      ]),
      'utf-8',
      true,
    );
    const dry = await importOrders(kith, file, {
      source: 'shopify',
      mapping: { Products: 'items' },
      dryRun: true,
    });
    expect(dry).toMatchObject({ rows: 1, created: 1, failed: 0 });
    expect((await kith.orders.list({ source: 'shopify' })).data).toHaveLength(0);
    const real = await importOrders(kith, file, { source: 'shopify', mapping: { Products: 'items' } });
    expect(real.created).toBe(1);
    const [order] = (await kith.orders.list({ source: 'shopify' })).data;
    expect(order).toMatchObject({
      order_number: '#1001',
      currency: 'USD',
      total_amount: '25.00',
      contact_id: b,
    });
    expect(order!.items.map((i) => [i.title, i.quantity, i.unit_price])).toEqual([
      ['Mug', 2, '10.00'],
      ['Card', 1, null],
    ]);
  });

  it('refuses a mapping before anything is queued, naming every problem', async () => {
    const before = (await kith.imports.list()).length;
    await expect(
      kith.orders.startOrderFileImport(
        {
          filePath: fixture(
            'bad.csv',
            csv([
              ['单号', '备注'],
              ['1', 'x'],
            ]),
          ),
          fileName: 'bad.csv',
          mapping: { 备注: 'nonsense' },
        },
        ADMIN,
      ),
    ).rejects.toThrow(/mapping\.备注.*nonsense.*order_number is not mapped.*no customer key is mapped/s);
    await expect(
      kith.orders.startOrderFileImport(
        { filePath: fixture('x.csv', csv(rows)), fileName: 'x.csv', source: 'Bad Name!' },
        ADMIN,
      ),
    ).rejects.toThrow('source: must be a short name');
    expect((await kith.imports.list()).length).toBe(before);
  });

  it('undo deletes the orders it created and the customers it created; facts follow', async () => {
    await kith.imports.undo(first.id, ADMIN);
    expect((await kith.orders.list({ source: 'csv' })).data).toHaveLength(0);
    expect((await kith.contacts.list({ q: '+8613900000005' })).data).toHaveLength(0);
    expect((await kith.orders.purchaseFacts([a])).get(a)).toMatchObject({
      orders_count: 0,
      total_spent: '0.00',
    });
  });

  it('a phone cell of several numbers: matched by a real number of it, a new customer keeps them all', async () => {
    const owner = (await kith.contacts.create({ name: 'E', phone: '+8613600000062' }, ADMIN)).id;
    const file = fixture(
      'several-phones.csv',
      csv([
        ['订单号', '订单状态', '收货人手机', '联系手机', '实付金额'],
        // 收货人手机 is the receiver's phone on the order, not a key; 联系手机 the buyer's.
        ['2001', 'paid', '13600000061/13600000062', '13600000061/13600000062', '10.00'],
        ['2002', 'paid', '', '13600000071, 0571-88880071', '20.00'],
        ['2003', 'paid', '', '0571-88880071', '30.00'],
        ['2004', 'paid', '', '13600000081/1234567', '40.00'],
      ]),
    );
    const r = await importOrders(kith, file, { source: 'phones' });
    expect(r).toMatchObject({ status: 'completed', rows: 4, created: 3, failed: 1 });
    expect(r.summary).toMatchObject({ buyers: { matched_by_phone: 2, created: 1 } });
    expect(await readFailureReasons(kith, r.id)).toMatch(
      /联系手机: holds "1234567", which is not a valid phone number .*\(got "[^"]*\/1234567"\)/,
    );
    expect((await kith.orders.list({ contact_id: owner })).data).toMatchObject([
      { order_number: '2001', receiver_phone: '13600000061/13600000062' },
    ]);
    const created = (await kith.contacts.list({ q: '+8613600000071' })).data;
    expect(created).toMatchObject([{ phone: '+8613600000071', additional_phones: ['+8657188880071'] }]);
    const theirs = await kith.orders.list({ contact_id: created[0]!.id });
    expect(theirs.data.map((o) => o.order_number).sort()).toEqual(['2002', '2003']);
  });
});
