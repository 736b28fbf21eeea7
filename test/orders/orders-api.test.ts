import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  encodeTmall,
  tmallItemsText,
  tmallOrdersText,
  type TmallOrderSpec,
} from '../../bench/tmall-files.js';
import { centsToDecimal } from '../../src/orders/tmall/tmall-quirks.js';
import { SYSTEM_ACTOR } from '../../src/domain/actor.js';
import { TEST_DIALECT } from '../support/test-kith.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const order = (number: string, phone: string, paid: string, status = '交易成功'): TmallOrderSpec => ({
  number,
  nick: `nick_${number.slice(-2)}`,
  goods: paid,
  paid,
  status,
  receiver: '赵六',
  address: '广东省 深圳市 南山区 科技园1号(518000)',
  phone,
  createdAt: '2026-11-02 12:00:00',
  paidAt: '2026-11-02 12:01:00',
});

describe(`orders API on ${TEST_DIALECT}`, () => {
  let server: TestServer;
  let admin: string;
  let agent: string;

  beforeAll(async () => {
    server = await startTestServer();
    const a = await server.kith.users.create(
      { email: 'shop@example.com', password: 'shop admin pass', role: 'admin' },
      SYSTEM_ACTOR,
    );
    const g = await server.kith.users.create(
      { email: 'support@example.com', password: 'support pass', role: 'agent' },
      SYSTEM_ACTOR,
    );
    admin = (await server.kith.tokens.create(a.id, null, SYSTEM_ACTOR)).token;
    agent = (await server.kith.tokens.create(g.id, null, SYSTEM_ACTOR)).token;
  });
  afterAll(async () => server.close());

  const get = (path: string, token = admin) =>
    fetch(`${server.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });

  const uploadTmall = (orders: Buffer, items: Buffer | null, options: Record<string, unknown> = {}) => {
    const form = new FormData();
    form.append('options', JSON.stringify(options));
    form.append('orders_file', new Blob([orders], { type: 'text/csv' }), '订单报表.csv');
    if (items) form.append('items_file', new Blob([items], { type: 'text/csv' }), '宝贝报表.csv');
    return fetch(`${server.baseUrl}/api/imports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}` },
      body: form,
    });
  };

  it('imports both reports through POST /api/imports and serves the orders', async () => {
    const orders = encodeTmall(
      tmallOrdersText([
        order('2836200000000001', '13600000001', '88.00'),
        order('2836200000000002', '13600000001', '12.00', '卖家部分发货'),
        order('2836200000000003', '13600000003', '5.00', '等待买家付款'),
      ]),
      'gbk',
    );
    const items = encodeTmall(
      tmallItemsText([
        { number: '2836200000000001', title: '茶叶', price: '88.00', quantity: '1' },
        // An item whose order is not in the orders file: an item failure.
        { number: '2836299999999999', title: '茶杯', price: '9.00', quantity: '2' },
      ]),
      'gbk',
    );
    const started = await uploadTmall(orders, items, { tags: ['天猫'] });
    expect(started.status).toBe(202);
    const record = (await started.json()) as { id: string; kind: string; file_name: string };
    expect(record).toMatchObject({ kind: 'tmall_orders', file_name: '订单报表.csv' });
    let done: Record<string, unknown> = {};
    for (let i = 0; i < 200; i++) {
      done = (await (await get(`/api/imports/${record.id}`)).json()) as Record<string, unknown>;
      if (!['queued', 'running'].includes(done.status as string)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(done).toMatchObject({
      status: 'completed',
      rows: 3,
      created: 2,
      failed: 1,
      summary: { items: { rows: 2, attached: 1, failed: 1 }, buyers: { created: 1, matched_by_phone: 1 } },
    });
    // The item failures download, with the items report's columns and why.
    const itemFailures = await get(`/api/imports/${record.id}/item-failures`);
    expect(itemFailures.status).toBe(200);
    expect(itemFailures.headers.get('content-disposition')).toContain(`${record.id}-item-failures.csv`);
    const lines = (await itemFailures.text())
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r?\n/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/2836299999999999.*,茶杯,.*row 3: /);
    expect((await get(`/api/imports/${record.id}/item-failures`, agent)).status).toBe(403);

    const list = (await (await get('/api/orders?status=completed,partially_shipped', agent)).json()) as {
      data: { id: string; contact_id: string; paid_amount: string; status: string }[];
    };
    expect(list.data.map((o) => o.paid_amount).sort()).toEqual(['12.00', '88.00']);
    expect(list).toMatchObject({ total: 2, total_is_lower_bound: false });
    // The total counts every page's matches, the cursor's next page too; total=false leaves it out.
    const first = (await (
      await get('/api/orders?status=completed,partially_shipped&limit=1', agent)
    ).json()) as {
      data: unknown[];
      next_cursor: string;
      total: number;
    };
    expect(first).toMatchObject({ total: 2, total_is_lower_bound: false });
    expect(first.data).toHaveLength(1);
    const second = (await (
      await get(`/api/orders?status=completed,partially_shipped&limit=1&cursor=${first.next_cursor}`, agent)
    ).json()) as { data: unknown[]; total: number; next_cursor: string | null };
    expect(second).toMatchObject({ total: 2, next_cursor: null });
    expect(second.data).toHaveLength(1);
    expect(await (await get('/api/orders?status=closed&total=false', agent)).json()).toEqual({
      data: [],
      next_cursor: null,
      total: null,
      total_is_lower_bound: false,
    });
    expect(await (await get('/api/orders?q=no-such-order', agent)).json()).toMatchObject({ total: 0 });
    const one = (await (await get(`/api/orders/${list.data[0]!.id}`, agent)).json()) as { id: string };
    expect(one.id).toBe(list.data[0]!.id);
    const buyer = list.data[0]!.contact_id;
    const theirs = (await (await get(`/api/contacts/${buyer}/orders`, agent)).json()) as Record<
      string,
      unknown
    >;
    expect(theirs).toMatchObject({
      purchase_facts: { orders_count: 2, total_spent: '100.00', last_order_at: '2026-11-02T04:01:00.000Z' },
    });
    expect((theirs.data as unknown[]).length).toBe(2);
  });

  it('refuses an order import missing its items report, and bad filters, naming the field', async () => {
    const r = await uploadTmall(encodeTmall(tmallOrdersText([]), 'utf-8'), null);
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: { message: string } }).error.message).toContain('items_file');
    const bad = await get('/api/orders?min_amount=lots');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain('min_amount');
    expect((await get('/api/orders/ord_nope')).status).toBe(404);
  });

  it('refuses an amount bound past the range as out of range, naming the range', async () => {
    const range = 'from -90071992547409.91 to 90071992547409.91';
    for (const [field, value] of [
      ['min_amount', '99999999999999999999'],
      ['max_amount', '90071992547409.92'],
      ['max_amount', '-90071992547409.92'],
    ] as const) {
      const r = await get(`/api/orders?${field}=${encodeURIComponent(value)}`);
      expect(r.status, value).toBe(400);
      const { error } = (await r.json()) as { error: { message: string; details: unknown } };
      expect(error.details).toMatchObject({ field, value });
      expect(error.message).toBe(`${field}: is out of range: an amount is ${range} (got "${value}")`);
    }
    // The range's ends filter.
    for (const path of [
      '/api/orders?min_amount=90071992547409.91',
      '/api/orders?max_amount=-90071992547409.91',
    ])
      expect(await (await get(path)).json(), path).toMatchObject({ data: [], total: 0 });
    // Not an amount at all is still said so.
    const words = (await (await get('/api/orders?max_amount=lots')).json()) as { error: { message: string } };
    expect(words.error.message).toContain('must be a decimal amount');
  });

  const waitFor = async (id: string) => {
    let done: Record<string, unknown> = {};
    for (let i = 0; i < 200; i++) {
      done = (await (await get(`/api/imports/${id}`)).json()) as Record<string, unknown>;
      if (!['queued', 'running'].includes(done.status as string)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    return done;
  };

  it('previews an order file with order targets, imports it by its upload_id, and refuses a bad mapping', async () => {
    const file = Buffer.from(
      '\uFEFF订单号,手机,订单状态,实付金额,下单时间,商品名称\r\nA-1,13600000001,已完成,300.00,2026-11-03 09:00,茶具\r\nA-2,13700000002,paid,40.00,2026-11-04 09:00,茶杯\r\n',
    );
    const form = new FormData();
    form.append('kind', 'orders');
    form.append('file', new Blob([file], { type: 'text/csv' }), 'shop-orders.csv');
    const preview = (await (
      await fetch(`${server.baseUrl}/api/imports/preview`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}` },
        body: form,
      })
    ).json()) as {
      suggested_mapping: { column: string; target: string | null }[];
      upload_id: string;
      targets: string[];
    };
    expect(preview.suggested_mapping.map((s) => s.target)).toEqual([
      'order_number',
      'customer.phone',
      'status',
      'paid_amount',
      'ordered_at',
      'item.title',
    ]);
    expect(preview.targets).toContain('customer.email');

    const start = (mapping: Record<string, string>, options: Record<string, unknown> = {}) => {
      const f = new FormData();
      f.append('kind', 'orders');
      f.append('upload_id', preview.upload_id);
      f.append('mapping', JSON.stringify(mapping));
      f.append('options', JSON.stringify({ order_source: 'youzan', tags: ['有赞'], ...options }));
      return fetch(`${server.baseUrl}/api/imports`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}` },
        body: f,
      });
    };
    const refused = await start({ 手机: 'ignore' });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain(
      'no customer key is mapped',
    );
    const started = await start({});
    expect(started.status).toBe(202);
    const done = await waitFor(((await started.json()) as { id: string }).id);
    expect(done).toMatchObject({
      kind: 'orders',
      status: 'completed',
      rows: 2,
      created: 2,
      summary: {
        kind: 'orders',
        source: 'youzan',
        file_rows: 2,
        buyers: { matched_by_phone: 1, created: 1 },
      },
    });
    expect(done.mapping).toMatchObject({ 订单号: 'order_number', 手机: 'customer.phone' });
  });

  it('serves purchase facts on the contact and sorts and filters the customers list by them', async () => {
    await server.kith.contacts.create({ name: 'Never bought', phone: '+8613900000009' }, SYSTEM_ACTOR);
    const list = async (query: string) => {
      const r = await get(`/api/contacts?${query}`, agent);
      expect(r.status).toBe(200);
      return (await r.json()) as {
        data: {
          id: string;
          phone: string | null;
          orders_count: number;
          total_spent: string;
          last_order_at: string | null;
        }[];
        next_cursor: string | null;
      };
    };
    const phones = (page: { data: { phone: string | null }[] }) => page.data.map((c) => c.phone);
    const bySpent = await list('sort=-total_spent&limit=2');
    expect(bySpent.data.map((c) => [c.phone, c.orders_count, c.total_spent])).toEqual([
      ['+8613600000001', 3, '400.00'],
      ['+8613700000002', 1, '40.00'],
    ]);
    // The next page: customers who never bought come last, in either direction.
    const rest = await list(`sort=-total_spent&limit=2&cursor=${bySpent.next_cursor}`);
    expect(rest.data.map((c) => [c.phone, c.orders_count, c.total_spent])).toEqual([
      ['+8613900000009', 0, '0.00'],
    ]);
    expect(phones(await list('sort=total_spent'))).toEqual([
      '+8613700000002',
      '+8613600000001',
      '+8613900000009',
    ]);
    expect(phones(await list('sort=orders_count'))).toEqual([
      '+8613700000002',
      '+8613600000001',
      '+8613900000009',
    ]);
    const last = await list('sort=-last_order_at');
    expect(last.data.map((c) => c.last_order_at)).toEqual([
      '2026-11-04T01:00:00.000Z',
      '2026-11-03T01:00:00.000Z',
      null,
    ]);
    expect(phones(await list('min_orders=2&min_total_spent=100'))).toEqual(['+8613600000001']);
    expect(phones(await list('last_order_before=2026-11-04&sort=-total_spent'))).toEqual(['+8613600000001']);
    const one = (await (await get(`/api/contacts/${bySpent.data[0]!.id}`, agent)).json()) as Record<
      string,
      unknown
    >;
    expect(one).toMatchObject({
      orders_count: 3,
      total_spent: '400.00',
      first_order_at: '2026-11-02T04:01:00.000Z',
    });
    const bad = await get('/api/contacts?sort=-money');
    expect(bad.status).toBe(400);

    // The list's statement writes the facts itself (purchaseFactsListMembers): each amount as the
    // contact's own answer (centsToDecimal) writes it, on a sorted page and on a search's page.
    const never = (await list('q=%2B8613900000009')).data[0]!;
    for (const cents of [0, 5, 50, 100, 105, 99_999, 123_456_789_012, -5, -150]) {
      await server.kith.store.db
        .deleteFrom('contact_purchase_facts')
        .where('contact_id', '=', never.id)
        .execute();
      await server.kith.store.db
        .insertInto('contact_purchase_facts')
        .values({
          contact_id: never.id,
          orders_count: 7,
          total_spent_cents: cents,
          first_order_at: '2026-01-01T00:00:00.000Z',
          last_order_at: null,
        })
        .execute();
      const expected = { orders_count: 7, total_spent: centsToDecimal(cents), last_order_at: null };
      const sorted = (await list('sort=-created_at&limit=500')).data.find((c) => c.id === never.id);
      expect([cents, sorted]).toEqual([cents, expect.objectContaining(expected)]);
      expect([cents, (await list('q=%2B8613900000009')).data[0]]).toEqual([
        cents,
        expect.objectContaining(expected),
      ]);
      expect(await server.kith.orders.purchaseFacts([never.id])).toEqual(
        new Map([[never.id, { ...expected, first_order_at: '2026-01-01T00:00:00.000Z' }]]),
      );
    }
  });
});
