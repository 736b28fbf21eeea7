import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  encodeTmall,
  tmallItemsText,
  tmallOrdersText,
  type TmallOrderSpec,
} from '../../bench/tmall-files.js';
import { openKith } from '../../src/services.js';
import { ADMIN, fixture } from '../support/import-helpers.js';
import { runCli } from '../support/run-cli.js';
import { createTestDatabase, TEST_DIALECT, type TestDatabase } from '../support/test-kith.js';

describe(`kith import orders (an order file) on ${TEST_DIALECT}`, () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database.drop());
  const kith = (...args: string[]) => runCli(args, database.env);

  it('imports a file through --mapping and prints one JSON object; a second run is all unchanged', async () => {
    const file = fixture(
      'shop.csv',
      'Order,Buyer mobile,State,Paid,Placed,Goods\n' +
        'S-1,13800000001,paid,12.50,2026-11-01 10:00,Mug x2\n' +
        'S-2,13800000001,cancelled,3.00,2026-11-02 10:00,Card\n' +
        'S-3,,paid,1.00,2026-11-03 10:00,Pen\n',
    );
    const mapping = path.join(os.tmpdir(), `kith-order-mapping-${Date.now()}.json`);
    fs.writeFileSync(
      mapping,
      JSON.stringify({
        'Buyer mobile': 'customer.phone',
        State: 'status',
        Paid: 'paid_amount',
        Placed: 'ordered_at',
        Goods: 'items',
      }),
    );
    const r = await kith('import', 'orders', '--mapping', mapping, '--source', 'shop', file, '--json');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(out).toMatchObject({
      status: 'completed',
      rows: 3,
      created: 2,
      failed: 1,
      summary: { kind: 'orders', source: 'shop', buyers: { created: 1, matched_by_phone: 1 } },
    });
    expect(fs.readFileSync(out.failures_file as string, 'utf8')).toContain('no id, identity, phone or email');
    const again = await kith('import', 'orders', '--mapping', mapping, '--source', 'shop', file, '--json');
    expect(JSON.parse(again.stdout)).toMatchObject({ rows: 3, unchanged: 2, failed: 1 });
    const list = await kith('orders', 'list', '--json');
    expect(list.stdout).toContain('S-1');
  });

  it('refuses a mapping without a customer key before anything runs, naming it', async () => {
    const file = fixture('nokey.csv', 'Order,Paid\nS-9,1.00\n');
    const r = await kith('import', 'orders', file, '--json');
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toContain('no customer key is mapped');
    const usage = await kith('import', 'orders', file, file);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('give one order file');
  });
});

describe(`kith import orders --tmall, interrupted, on ${TEST_DIALECT}`, () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database.drop());
  const kith = (...args: string[]) => runCli(args, database.env);
  const order = (n: number, phone: string): TmallOrderSpec => ({
    number: `28361000000000${n}`,
    nick: `buyer_${n}`,
    goods: '10.00',
    paid: '10.00',
    status: '交易成功',
    receiver: '王五',
    address: '江苏省 南京市 玄武区 中山路1号',
    phone,
    createdAt: '2026-11-01 10:00:00',
    paidAt: '2026-11-01 10:05:00',
  });

  it('refuses the same two files while their import has not ended, and kith imports resume ends it', async () => {
    const orders = fixture(
      'tmall-orders.csv',
      encodeTmall(tmallOrdersText([order(1, "'13800000011"), order(2, "'13800000012")]), 'gbk'),
    );
    const items = fixture(
      'tmall-items.csv',
      encodeTmall(
        tmallItemsText([
          { number: '283610000000001', title: '杯子', price: '10.00', quantity: '1' },
          { number: '283610000000002', title: '盘子', price: '10.00', quantity: '1' },
        ]),
        'gbk',
      ),
    );
    // Queued by another process (the web app, say) and not run yet: unfinished.
    const services = await openKith(database.config);
    let importId: string;
    try {
      importId = await services.orders.startTmallImport(
        {
          ordersPath: orders,
          ordersFileName: path.basename(orders),
          itemsPath: items,
          itemsFileName: path.basename(items),
        },
        ADMIN,
      );
    } finally {
      await services.close();
    }

    const again = await kith('import', 'orders', '--tmall', orders, items, '--json');
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout)).toMatchObject({
      error: { code: 'import_unfinished', details: { import_id: importId, status: 'queued' } },
    });
    expect(again.stderr).toContain(`resume it with \`kith imports resume ${importId}\``);
    // Another items report makes another import; a dry run writes nothing: neither is refused.
    const otherItems = fixture('tmall-items-2.csv', encodeTmall(tmallItemsText([]), 'gbk'));
    const dry = await kith('import', 'orders', '--tmall', orders, otherItems, '--dry-run', '--json');
    expect(dry.code, dry.stderr).toBe(0);
    expect((await kith('import', 'orders', '--tmall', orders, items, '--dry-run')).code).toBe(0);

    const shown = await kith('imports', 'show', importId, '--json');
    expect(JSON.parse(shown.stdout)).toMatchObject({ kind: 'tmall_orders', job: { state: 'queued' } });
    const resumed = await kith('imports', 'resume', importId, '--json');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({
      import_id: importId,
      status: 'completed',
      rows: 2,
      created: 2,
      failed: 0,
      summary: { items: { rows: 2, attached: 2, failed: 0 } },
    });
    // Ended, it no longer stands in the way: the same files again change nothing.
    const twice = await kith('import', 'orders', '--tmall', orders, items, '--json');
    expect(JSON.parse(twice.stdout)).toMatchObject({ status: 'completed', unchanged: 2 });
  });
});
