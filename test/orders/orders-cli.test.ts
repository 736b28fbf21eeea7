import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../support/import-helpers.js';
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
