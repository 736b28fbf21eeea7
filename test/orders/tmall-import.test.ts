import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  encodeTmall,
  TMALL_ITEM_HEADER,
  TMALL_ORDER_HEADER,
  tmallItemsText,
  tmallOrdersText,
  type TmallItemSpec,
  type TmallOrderSpec,
} from '../../bench/tmall-files.js';
import { readContactChanges } from '../../src/contacts/contact-change-log.js';
import { ImportFileError } from '../../src/imports/read/import-file-error.js';
import type { ImportRecord } from '../../src/imports/import-service.js';
import { JobRunner } from '../../src/jobs/job-runner.js';
import { itemFailureFilePath } from '../../src/orders/tmall-order-import.js';
import { ADMIN, fixture, readFailureReasons } from '../support/import-helpers.js';
import { createTestKith, TEST_DIALECT, type TestKith } from '../support/test-kith.js';

const honest = (r: ImportRecord) => expect(r.created + r.updated + r.unchanged + r.failed).toBe(r.rows);

async function importTmall(
  kith: TestKith,
  ordersFile: string,
  itemsFile: string,
  options: { tags?: string[]; group?: string; dryRun?: boolean } = {},
): Promise<ImportRecord> {
  const id = await kith.orders.startTmallImport(
    {
      ordersPath: ordersFile,
      ordersFileName: path.basename(ordersFile),
      itemsPath: itemsFile,
      itemsFileName: path.basename(itemsFile),
      ...options,
    },
    ADMIN,
  );
  await new JobRunner(kith.store, kith.jobHandlers).runOnce({ subjectId: id });
  return kith.imports.get(id);
}

const base = (number: string, over: Partial<TmallOrderSpec> = {}): TmallOrderSpec => ({
  number,
  nick: `nick_${number.slice(-2)}`,
  goods: '100.00',
  paid: '100.00',
  status: '交易成功',
  receiver: '王五',
  address: '浙江省 杭州市 西湖区 文三路1号(310000)',
  phone: '',
  createdAt: '2026-10-01 10:00:00',
  paidAt: '2026-10-01 10:05:00',
  ...over,
});

const N = (k: number) => `28360000000000${String(k).padStart(2, '0')}`;

const ORDERS: TmallOrderSpec[] = [
  // An existing customer by phone; amounts with 元, a buyer message with a comma and a line break.
  base(N(1), {
    nick: 'nick_a',
    goods: '120.00元',
    postage: '8.50',
    paid: '128.50元',
    phone: "'13800000001",
    message: '请周末送货,\r\n谢谢',
  }),
  // Masked phone: matched by the nickname an existing customer holds; half-width comma in the status.
  base(N(2), { nick: 'nick_b', phone: '138****1234', status: '买家已付款,等待卖家发货', paid: '59.90' }),
  // A new buyer (created), then a second order of the same buyer in the same file.
  base(N(3), {
    nick: 'new_nick',
    phone: "'13900000003",
    receiver: '李四',
    address: '江苏省 南京市 玄武区 中山路1号\n3栋(210000)',
    status: '卖家已发货，等待买家确认',
    paid: '10.00',
  }),
  base(N(4), {
    nick: 'new_nick',
    phone: '13900000003',
    paid: '20.00',
    createdAt: '2026-10-03 09:00:00',
    paidAt: '',
  }),
  // Not paid: not imported.
  base(N(5), { phone: '13800000005', status: '等待买家付款' }),
  // The same order number twice.
  base(N(6), { phone: '13800000006' }),
  base(N(6), { phone: '13800000007' }),
  // Masked phone and masked nickname: the buyer cannot be identified.
  base(N(8), { nick: 't**1', phone: '138****1234' }),
  // `.00` a spreadsheet appended to the order number; partially shipped.
  base(`${N(9)}.00`, { phone: '13800000001', status: '卖家部分发货', paid: '30.00' }),
  base(N(10), { phone: '13800000010', status: '交易关闭' }),
];

const ITEMS: TmallItemSpec[] = [
  {
    number: N(1),
    title: '纯棉T恤, 白色',
    price: '60.00',
    quantity: '1',
    properties: '颜色分类：白色；尺码：L',
    code: 'TS-1',
  },
  { number: N(1), title: '袜子', price: '30.00', quantity: '2', external: '123456.00' },
  { number: N(2), title: '帽子', price: '59.90', quantity: '1' },
  { number: N(3), title: '围巾', price: '10.00', quantity: '1' },
  { number: N(9), title: '手套', price: '30.00', quantity: '1' },
  // The item of an order that is not imported (not paid): neither joined nor failed on its own.
  { number: N(5), title: '手表', price: '99.00', quantity: '1' },
  { number: '2836999999999999', title: '无主商品', price: '1.00', quantity: '1' },
];

describe(`Tmall order import on ${TEST_DIALECT}`, () => {
  let kith: TestKith;
  let customerA: string;
  let customerB: string;
  let first: ImportRecord;
  let itemsFile: string;

  beforeAll(async () => {
    kith = await createTestKith();
    await kith.identityTypes.create({ key: 'taobao_nick' }, ADMIN);
    customerA = (await kith.contacts.create({ name: 'A', phone: '+8613800000001' }, ADMIN)).id;
    customerB = (await kith.contacts.create({ name: 'B', identities: { taobao_nick: 'nick_b' } }, ADMIN)).id;
    const header = [...TMALL_ORDER_HEADER, '自定义列'];
    const ordersFile = fixture('orders.csv', encodeTmall(tmallOrdersText(ORDERS, header), 'gbk'));
    itemsFile = fixture('items.csv', encodeTmall(tmallItemsText(ITEMS), 'gbk'));
    first = await importTmall(kith, ordersFile, itemsFile, { tags: ['天猫'], group: 'Tmall buyers' });
  });
  afterAll(async () => kith.destroy());

  it('imports a GBK CRLF export: counts add up, the status rule, repeated numbers, unidentifiable buyers', async () => {
    expect(first.status).toBe('completed');
    expect(first.kind).toBe('tmall_orders');
    expect(first).toMatchObject({ rows: 10, created: 5, updated: 0, unchanged: 0, failed: 5 });
    honest(first);
    expect(first.summary).toMatchObject({
      orders_layout: 'classic',
      items: { rows: 7, attached: 5, failed: 1, of_failed_orders: 1 },
      orders_without_items: 1,
      buyers: { matched_by_phone: 3, matched_by_nick: 1, created: 1 },
      unknown_headers: ['自定义列'],
    });
    expect(first.warnings.join('\n')).toContain('自定义列');
    const reasons = await readFailureReasons(kith, first.id);
    expect(reasons).toContain('row 6: 订单状态 "等待买家付款" is not imported');
    expect(reasons).toContain(`row 7: 订单编号 ${N(6)} is on rows 7, 8 of the orders file`);
    expect(reasons).toContain(`row 8: 订单编号 ${N(6)} is on rows 7, 8`);
    expect(reasons).toContain(
      'row 9: the buyer cannot be identified: 联系手机 "138****1234" is masked and 买家会员名 "t**1" is masked',
    );
    expect(reasons).toContain('row 11: 订单状态 "交易关闭" is not imported');
    const items = fs.readFileSync(itemFailureFilePath(kith.config, first.id), 'utf8');
    expect(items).toContain('订单编号 2836999999999999 is not in the orders file');
  });

  it('keeps exact amounts, times, quirks undone and the raw extra fields', async () => {
    const { data } = await kith.orders.list({ contact_id: customerA });
    expect(data.map((o) => o.order_number).sort()).toEqual([N(1), N(9)]);
    const o1 = data.find((o) => o.order_number === N(1))!;
    expect(o1).toMatchObject({
      source: 'tmall',
      status: 'completed',
      source_status: '交易成功',
      currency: 'CNY',
      goods_amount: '120.00',
      postage_amount: '8.50',
      paid_amount: '128.50',
      ordered_at: '2026-10-01T02:00:00.000Z',
      paid_at: '2026-10-01T02:05:00.000Z',
      buyer_message: '请周末送货,\n谢谢',
      receiver_phone: '+8613800000001',
      shop_id: '1234567',
      item_count: 2,
    });
    expect(o1.items[0]).toMatchObject({
      title: '纯棉T恤, 白色',
      unit_price: '60.00',
      quantity: 1,
      sku: 'TS-1',
    });
    expect(o1.items[1]).toMatchObject({ external_number: '123456', quantity: 2 });
    expect(o1.extra).toMatchObject({ 运送方式: '快递', 买家服务费: '0元' });
    expect(o1.extra).not.toHaveProperty('店铺名称');
  });

  it('matches by phone, then by nickname, and creates buyers from the receiver', async () => {
    const b = await kith.orders.list({ contact_id: customerB });
    expect(b.data.map((o) => o.order_number)).toEqual([N(2)]);
    const created = await kith.contacts.list({ q: '+8613900000003' });
    expect(created.data).toHaveLength(1);
    const buyer = created.data[0]!;
    expect(buyer).toMatchObject({
      name: '李四',
      phone: '+8613900000003',
      province: '江苏省',
      city: '南京市',
      initial_source: 'tmall',
      identities: { taobao_nick: 'new_nick' },
    });
    expect(buyer.tags).toContain('天猫');
    const facts = await kith.orders.purchaseFacts([customerA, buyer.id, customerB]);
    expect(facts.get(customerA)).toEqual({
      orders_count: 2,
      total_spent: '158.50',
      first_order_at: '2026-10-01T02:05:00.000Z',
      last_order_at: '2026-10-01T02:05:00.000Z',
    });
    expect(facts.get(buyer.id)).toMatchObject({
      orders_count: 2,
      total_spent: '30.00',
      last_order_at: '2026-10-03T01:00:00.000Z',
    });
    const ids = async (query: Record<string, string>) =>
      (await kith.contacts.list(query)).data.map((c) => c.id).sort();
    expect(await ids({ min_orders: '2' })).toEqual([customerA, buyer.id].sort());
    expect(await ids({ min_total_spent: '150', max_total_spent: '158.50' })).toEqual([customerA]);
    expect(await ids({ max_orders: '0' })).not.toContain(customerA);
    expect(await ids({ last_order_since: '2026-10-02T00:00:00Z' })).toEqual([buyer.id]);
    await expect(kith.contacts.list({ min_total_spent: 'lots' })).rejects.toThrow(/min_total_spent/);
    const timeline = await kith.contacts.timeline(customerA, { limit: 20 });
    const purchases = timeline.filter((e) => e.type === 'purchase');
    expect(purchases).toHaveLength(2);
    expect(purchases.find((p) => p.data?.order_number === N(1))).toMatchObject({
      occurred_at: '2026-10-01T02:05:00.000Z',
      data: { amount: '128.50', currency: 'CNY', item_count: 2 },
    });
  });

  it('automation conditions see contact.orders_count, contact.total_spent and contact.last_order_at', async () => {
    const rule = await kith.rules.create(
      {
        name: 'Big spenders',
        event: 'contact_updated',
        conditions: {
          all: [
            { attribute: 'contact.orders_count', operator: 'greater_than', value: 1 },
            { attribute: 'contact.total_spent', operator: 'greater_than', value: 150 },
            { attribute: 'contact.last_order_at', operator: 'greater_than', value: '2026-09-30' },
          ],
        },
        actions: [
          { action: 'send_email', to: ['crm@example.com'], subject: 'VIP', body: '{{contact.total_spent}}' },
        ],
      },
      ADMIN,
    );
    expect((await kith.rules.dryRun(rule.id, { contact_id: customerA })).matched).toBe(true);
    expect((await kith.rules.dryRun(rule.id, { contact_id: customerB })).matched).toBe(false);
    await kith.rules.remove(rule.id, ADMIN);
  });

  it('reads ="…" cells written without quotes (as Excel writes them) as it reads the quoted ones', async () => {
    const bare = (text: string) => text.replace(/"=""([^"]*)"""/g, '="$1"');
    const orders = bare(tmallOrdersText(ORDERS, [...TMALL_ORDER_HEADER, '自定义列']));
    const items = bare(tmallItemsText(ITEMS));
    expect(orders).toMatch(/\r\n="2836/);
    const check = await importTmall(
      kith,
      fixture('bare-orders.csv', encodeTmall(orders, 'gbk')),
      fixture('bare-items.csv', encodeTmall(items, 'gbk')),
      { dryRun: true },
    );
    // The same orders as the first import's: nothing new, the same five refused.
    expect(check).toMatchObject({ status: 'completed', created: 0, unchanged: 5, failed: 5 });
  });

  it('names the report a broken CSV is in', async () => {
    const broken = fixture(
      'broken-items.csv',
      encodeTmall(`${tmallItemsText(ITEMS)}2836,张"三",1\r\n`, 'gbk'),
    );
    const ordersFile = fixture('ok-orders.csv', encodeTmall(tmallOrdersText(ORDERS), 'gbk'));
    await expect(importTmall(kith, ordersFile, broken)).rejects.toThrow(
      /^the items file: line \d+: a cell holds a quote/,
    );
  });

  it('a second import of the same files changes nothing; a later status updates the order', async () => {
    const ordersFile = fixture(
      'orders-again.csv',
      encodeTmall(tmallOrdersText(ORDERS, [...TMALL_ORDER_HEADER, '自定义列']), 'gbk'),
    );
    const again = await importTmall(kith, ordersFile, itemsFile);
    expect(again).toMatchObject({ rows: 10, created: 0, updated: 0, unchanged: 5, failed: 5 });
    const moved = ORDERS.map((o) => (o.number === N(3) ? { ...o, status: '交易成功' } : o));
    const later = await importTmall(
      kith,
      fixture('orders-later.csv', encodeTmall(tmallOrdersText(moved), 'utf-8', true)),
      itemsFile,
    );
    expect(later).toMatchObject({ rows: 10, created: 0, updated: 1, unchanged: 4, failed: 5 });
    const { data } = await kith.orders.list({ q: N(3) });
    expect(data[0]).toMatchObject({ status: 'completed', source_status: '交易成功' });
    await kith.imports.undo(later.id, ADMIN);
    expect((await kith.orders.list({ q: N(3) })).data[0]).toMatchObject({ status: 'shipped' });
  });

  it('purchase facts follow a merge and its unmerge', async () => {
    const merged = await kith.merges.merge(
      { contactIds: [customerA, customerB], survivorId: customerA },
      ADMIN,
    );
    let facts = await kith.orders.purchaseFacts([customerA, customerB]);
    expect(facts.get(customerA)).toMatchObject({ orders_count: 3, total_spent: '218.40' });
    expect((await kith.orders.list({ contact_id: customerA })).data).toHaveLength(3);
    await kith.merges.unmerge(merged.merge_id!, ADMIN);
    facts = await kith.orders.purchaseFacts([customerA, customerB]);
    expect(facts.get(customerA)).toMatchObject({ orders_count: 2, total_spent: '158.50' });
    expect(facts.get(customerB)).toMatchObject({ orders_count: 1, total_spent: '59.90' });
    // The change log says where orders went: the survivor's and the merged contact's links, each way.
    const links = async (id: string) =>
      (await readContactChanges(kith.store, 0, 1000, { contactId: id })).filter((e) =>
        e.changes.some((c) => c.field === 'orders'),
      );
    const survivorLinks = (await links(customerA)).filter((e) => e.origin.startsWith('merge:'));
    expect(survivorLinks.map((e) => e.changes[0]!.new)).toEqual([
      { orders_count: 3, total_spent: '218.40' },
      { orders_count: 2, total_spent: '158.50' },
    ]);
    const mergedLinks = (await links(customerB)).filter((e) => e.origin.startsWith('merge:'));
    expect(mergedLinks.map((e) => e.changes[0]!.new)).toEqual([
      { orders_count: 0, total_spent: '0.00' },
      { orders_count: 1, total_spent: '59.90' },
    ]);
  });

  it('filters orders by status, amount and time', async () => {
    expect(
      (await kith.orders.list({ status: ['partially_shipped'] })).data.map((o) => o.order_number),
    ).toEqual([N(9)]);
    expect(
      (await kith.orders.list({ min_amount: '59.90', max_amount: '100' })).data.map((o) => o.order_number),
    ).toEqual([N(2)]);
    expect((await kith.orders.list({ since: '2026-10-02' })).data.map((o) => o.order_number)).toEqual([N(4)]);
    const page = await kith.orders.list({ limit: 2 });
    const next = await kith.orders.list({ limit: 2, cursor: page.next_cursor! });
    expect(new Set([...page.data, ...next.data].map((o) => o.id)).size).toBe(4);
  });

  it('undo deletes the orders it created, their events, and the buyers it created', async () => {
    await kith.imports.undo(first.id, ADMIN);
    expect((await kith.orders.list({})).data).toHaveLength(0);
    expect((await kith.contacts.list({ q: '+8613900000003' })).data).toHaveLength(0);
    const facts = await kith.orders.purchaseFacts([customerA]);
    expect(facts.get(customerA)).toMatchObject({ orders_count: 0, total_spent: '0.00' });
    const timeline = await kith.contacts.timeline(customerA, { limit: 50 });
    expect(timeline.filter((e) => e.type === 'purchase')).toHaveLength(0);
  });

  it('reads the later layout in UTF-8 with a BOM', async () => {
    const header = TMALL_ORDER_HEADER.map((h) =>
      h === '买家实际支付金额' ? '买家实付金额' : h.trim() === '宝贝标题' ? '商品标题' : h,
    );
    const orders = fixture(
      'current.csv',
      encodeTmall(
        tmallOrdersText([base('2836100000000001', { phone: '13700000001' })], header),
        'utf-8',
        true,
      ),
    );
    const items = fixture(
      'current-items.csv',
      encodeTmall(
        tmallItemsText([{ number: '2836100000000001', title: 'x', price: '100', quantity: '1' }]),
        'utf-8',
        true,
      ),
    );
    const record = await importTmall(kith, orders, items);
    expect(record).toMatchObject({ status: 'completed', rows: 1, created: 1 });
    expect(record.summary).toMatchObject({ orders_layout: 'current' });
  });

  it('a dry run counts like the real import and writes nothing; a queued import can be cancelled', async () => {
    const orders = fixture(
      'dry.csv',
      encodeTmall(
        tmallOrdersText([base('2836400000000001', { phone: '13700000041', nick: 'dry_run_nick' })]),
        'gbk',
      ),
    );
    const items = fixture('dry-items.csv', encodeTmall(tmallItemsText([]), 'gbk'));
    const dry = await importTmall(kith, orders, items, { dryRun: true });
    expect(dry).toMatchObject({ status: 'completed', dry_run: true, rows: 1, created: 1 });
    expect(dry.summary).toMatchObject({ buyers: { created: 1 }, orders_without_items: 1 });
    expect((await kith.orders.list({ q: '2836400000000001' })).data).toHaveLength(0);
    expect((await kith.contacts.list({ q: '+8613700000041' })).data).toHaveLength(0);
    const queued = await kith.orders.startTmallImport(
      { ordersPath: orders, ordersFileName: 'o.csv', itemsPath: items, itemsFileName: 'i.csv' },
      ADMIN,
    );
    expect(await kith.imports.cancel(queued)).toMatchObject({ status: 'cancelled' });
  });

  it('a 联系手机 cell of several numbers: matched by each real number, a new buyer keeps them all', async () => {
    // The customer owns the cell's second number; the joined text is no one's phone.
    const owner = (await kith.contacts.create({ name: 'C', phone: '+8613600000062' }, ADMIN)).id;
    const orders = fixture(
      'several-phones.csv',
      encodeTmall(
        tmallOrdersText([
          base('2836500000000001', { phone: '13600000061/13600000062' }),
          base('2836500000000002', { phone: '13600000071, 0571-88880071', nick: 'several_nick' }),
          // The second number of the buyer the order above creates, on its own.
          base('2836500000000003', { phone: '0571-88880071', nick: 'other_nick' }),
          base('2836500000000004', { phone: '13600000081/1234567', nick: '' }),
        ]),
        'gbk',
      ),
    );
    const items = fixture('several-phones-items.csv', encodeTmall(tmallItemsText([]), 'gbk'));
    const record = await importTmall(kith, orders, items);
    expect(record).toMatchObject({ status: 'completed', rows: 4, created: 3, failed: 1 });
    expect(record.summary).toMatchObject({ buyers: { matched_by_phone: 2, created: 1 } });
    expect(await readFailureReasons(kith, record.id)).toContain(
      'row 5: the buyer cannot be identified: 联系手机: holds "1234567", which is not a valid phone number in region CN or internationally (got "13600000081/1234567") and 买家会员名 is empty',
    );
    expect((await kith.orders.list({ contact_id: owner })).data).toMatchObject([
      { order_number: '2836500000000001', receiver_phone: '13600000061/13600000062' },
    ]);
    const created = (await kith.contacts.list({ q: '+8613600000071' })).data;
    expect(created).toMatchObject([
      {
        phone: '+8613600000071',
        additional_phones: ['+8657188880071'],
        identities: { taobao_nick: 'several_nick' },
      },
    ]);
    const theirs = await kith.orders.list({ contact_id: created[0]!.id });
    expect(theirs.data.map((o) => o.order_number).sort()).toEqual(['2836500000000002', '2836500000000003']);
    expect((await kith.contacts.list({ q: '13600000061' })).data).toHaveLength(0);
  });

  it('refuses a file that is no Tmall report before queueing, naming missing and unknown headers', async () => {
    const orders = fixture('bad.csv', '订单编号,买家会员名,某列\r\n1,a,b\r\n');
    const items = fixture('items-ok.csv', encodeTmall(tmallItemsText(ITEMS), 'utf-8'));
    const attempt = kith.orders.startTmallImport(
      { ordersPath: orders, ordersFileName: 'bad.csv', itemsPath: items, itemsFileName: 'i.csv' },
      ADMIN,
    );
    await expect(attempt).rejects.toBeInstanceOf(ImportFileError);
    await expect(attempt).rejects.toThrow(
      /lacks 买家实际支付金额, 订单状态, 收货人姓名, 收货地址, 联系手机, 订单创建时间; headers it does not know: 某列/,
    );
    const swapped = kith.orders.startTmallImport(
      { ordersPath: items, ordersFileName: 'i.csv', itemsPath: items, itemsFileName: 'i.csv' },
      ADMIN,
    );
    await expect(swapped).rejects.toThrow(/looks like the items report/);
    expect(TMALL_ITEM_HEADER).toContain('商家编码');
  });
});

describe(`a Tmall import whose items failure file cannot be written on ${TEST_DIALECT}`, () => {
  let kith: TestKith;
  beforeAll(async () => {
    kith = await createTestKith();
  });
  afterAll(async () => kith.destroy());

  it('still ends with its counts (a full disk had left it running for good)', async () => {
    const ordersFile = fixture('blocked-orders.csv', encodeTmall(tmallOrdersText([base(N(1))]), 'gbk'));
    const itemsFile = fixture(
      'blocked-items.csv',
      encodeTmall(
        tmallItemsText([
          { number: N(1), title: '商品', price: '100.00', quantity: '1' },
          { number: '2836999999999999', title: '无主商品', price: '1.00', quantity: '1' },
        ]),
        'gbk',
      ),
    );
    const id = await kith.orders.startTmallImport(
      { ordersPath: ordersFile, ordersFileName: 'o.csv', itemsPath: itemsFile, itemsFileName: 'i.csv' },
      ADMIN,
    );
    // The items failure file's place taken by a folder: writing it fails, as it does on a full disk.
    fs.mkdirSync(path.join(itemFailureFilePath(kith.config, id), 'in-the-way'), { recursive: true });
    await new JobRunner(kith.store, kith.jobHandlers).runOnce({ subjectId: id });
    const record = await kith.imports.get(id);
    expect(record).toMatchObject({ status: 'completed', created: 1, failed: 0 });
    expect(record.summary).toMatchObject({ items: { rows: 2, attached: 1, failed: 1 } });
  });
});
