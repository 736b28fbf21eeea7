import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  encodeTmall,
  tmallItemsText,
  tmallOrdersText,
  type TmallOrderSpec,
} from '../../bench/tmall-files.js';
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
      tmallItemsText([{ number: '2836200000000001', title: '茶叶', price: '88.00', quantity: '1' }]),
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
      summary: { items: { rows: 1, attached: 1, failed: 0 }, buyers: { created: 1, matched_by_phone: 1 } },
    });

    const list = (await (await get('/api/orders?status=completed,partially_shipped', agent)).json()) as {
      data: { id: string; contact_id: string; paid_amount: string; status: string }[];
    };
    expect(list.data.map((o) => o.paid_amount).sort()).toEqual(['12.00', '88.00']);
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
});
