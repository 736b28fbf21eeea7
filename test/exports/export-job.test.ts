import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  encodeTmall,
  tmallItemsText,
  tmallOrdersText,
  type TmallOrderSpec,
} from '../../bench/tmall-files.js';
import { SYSTEM_ACTOR } from '../../src/domain/actor.js';
import { csvCells, itemText, orderCells, ORDER_COLUMNS } from '../../src/exports/order-export.js';
import type { Order, OrderItem } from '../../src/orders/order-record.js';
import { ADMIN, fixture, runImport } from '../support/import-helpers.js';
import { decodeQuotedPrintable, startSmtp, waitForMails } from '../support/smtp-server.js';
import { TEST_DIALECT } from '../support/test-kith.js';
import { api, startTestServer, type TestServer } from '../support/test-server.js';

const item = (over: Partial<OrderItem>): OrderItem => ({
  title: null,
  sku: null,
  external_number: null,
  properties: null,
  package: null,
  quantity: null,
  unit_price: null,
  status: null,
  note: null,
  extra: {},
  ...over,
});

describe('order export cells (pure)', () => {
  it.each([
    [{ title: '茶叶', sku: 'T-01', quantity: 2, unit_price: '44.00' }, '茶叶 [T-01] ×2 @44.00'],
    [{ title: '连衣裙', properties: '颜色:红;尺码:M', quantity: 1 }, '连衣裙 (颜色:红;尺码:M) ×1'],
    [{ title: 'Gift card' }, 'Gift card'],
    [{ sku: 'NO-TITLE', unit_price: '0.00' }, '[NO-TITLE] @0.00'],
  ])('item %j reads %s', (over, expected) => {
    expect(itemText(item(over))).toBe(expected);
  });

  it.each([
    ['=HYPERLINK("http://evil")', `'=HYPERLINK("http://evil")`],
    ['+86 138', `'+86 138`],
    ['-5', `'-5`],
    ['@sum', `'@sum`],
    ['张三', '张三'],
  ])('a text cell %s is written %s in CSV', (value, expected) => {
    expect(csvCells([value, null, 3])).toEqual([expected, '', '3']);
  });

  it('an order has one cell per column, items joined by "; "', () => {
    const order = {
      id: 'ord_1',
      items: [item({ title: 'A', quantity: 1 }), item({ title: 'B', quantity: 2 })],
      item_count: 2,
      order_number: '1',
    } as unknown as Order;
    const cells = orderCells(order);
    expect(cells).toHaveLength(ORDER_COLUMNS.length);
    expect(cells[ORDER_COLUMNS.indexOf('items')]).toBe('A ×1; B ×2');
    expect(cells[ORDER_COLUMNS.indexOf('item_count')]).toBe(2);
  });
});

const tmallOrder = (number: string, phone: string, paid: string, nick: string): TmallOrderSpec => ({
  number,
  nick,
  goods: paid,
  paid,
  status: '交易成功',
  receiver: '赵六',
  address: '广东省 深圳市 南山区 科技园1号(518000)',
  phone,
  createdAt: '2026-11-02 12:00:00',
  paidAt: '2026-11-02 12:01:00',
});

describe(`background exports and the orders export on ${TEST_DIALECT}`, () => {
  let server: TestServer;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let admin: string;
  let agent: string;
  let agentId: string;

  beforeAll(async () => {
    smtp = await startSmtp();
    server = await startTestServer({
      SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      KITH_PUBLIC_URL: 'https://kith.example.com',
      KITH_EXPORT_RETENTION_DAYS: '3',
    });
    const { kith } = server;
    const a = await kith.users.create(
      { email: 'exporter@example.com', password: 'export pass', role: 'admin' },
      SYSTEM_ACTOR,
    );
    const g = await kith.users.create(
      { email: 'agent@example.com', password: 'agent pass', role: 'agent' },
      SYSTEM_ACTOR,
    );
    agentId = g.id;
    admin = (await kith.tokens.create(a.id, null, SYSTEM_ACTOR)).token;
    agent = (await kith.tokens.create(g.id, null, SYSTEM_ACTOR)).token;
    await kith.contacts.create({ name: '李娜', email: 'li.na@example.cn', tags: ['VIP'] }, ADMIN);
    await kith.contacts.create({ name: '=cmd|calc', email: 'evil@example.com', tags: ['VIP'] }, ADMIN);
    const rows = Array.from({ length: 620 }, (_, i) => `Customer ${i},c${i}@example.com`);
    await runImport(kith, fixture('many.csv', `name,email\n${rows.join('\n')}\n`));
    // Orders through a Tmall import, as shops bring them.
    const form = new FormData();
    form.append('options', JSON.stringify({}));
    const ordersFile = encodeTmall(
      tmallOrdersText([
        tmallOrder('2836200000000001', '13600000001', '88.00', 'nick_01'),
        tmallOrder('2836200000000002', '13600000002', '12.00', '=nick'),
      ]),
      'gbk',
    );
    const itemsFile = encodeTmall(
      tmallItemsText([
        { number: '2836200000000001', title: '茶叶', price: '44.00', quantity: '2', code: 'T-01' },
        { number: '2836200000000002', title: '杯子', price: '12.00', quantity: '1' },
      ]),
      'gbk',
    );
    form.append('orders_file', new Blob([ordersFile], { type: 'text/csv' }), '订单报表.csv');
    form.append('items_file', new Blob([itemsFile], { type: 'text/csv' }), '宝贝报表.csv');
    const started = await fetch(`${server.baseUrl}/api/imports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}` },
      body: form,
    });
    expect(started.status).toBe(202);
    const { id } = (await started.json()) as { id: string };
    for (let i = 0; i < 300; i++) {
      const r = await api(server.baseUrl, 'GET', `/api/imports/${id}`, { token: admin });
      if (!['queued', 'running'].includes(r.body.status)) break;
      await new Promise((res) => setTimeout(res, 50));
    }
  });
  afterAll(async () => {
    await server.close();
    await new Promise<void>((r) => smtp.server.close(() => r()));
  });

  const waitDone = async (id: string, token = admin) => {
    let job: any;
    for (let i = 0; i < 400; i++) {
      job = (await api(server.baseUrl, 'GET', `/api/exports/${id}`, { token })).body;
      if (!['queued', 'running'].includes(job.state)) return job;
      await new Promise((res) => setTimeout(res, 25));
    }
    return job;
  };

  it('runs a contacts export as a job: progress, a private file, a download, an e-mail, the audit log', async () => {
    const started = await api(server.baseUrl, 'POST', '/api/exports', {
      token: admin,
      body: { format: 'ndjson', columns: ['id', 'name'] },
    });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ kind: 'contacts', format: 'ndjson', columns: ['id', 'name'] });
    expect(['queued', 'running', 'done']).toContain(started.body.state);
    const done = await waitDone(started.body.id);
    expect(done).toMatchObject({
      state: 'done',
      rows: 624,
      error: null,
      download_url: `/api/exports/${started.body.id}/file`,
    });
    expect(done.bytes).toBeGreaterThan(0);
    const expires = new Date(done.expires_at).getTime() - new Date(done.finished_at).getTime();
    expect(Math.round(expires / 86_400_000)).toBe(3);

    const dir = path.join(server.kith.config.dataDir, 'exports');
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(dir, done.id)).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.part'))).toEqual([]);

    // A HEAD (a download manager's size check) answers the headers, and is no download in the log.
    const head = await fetch(`${server.baseUrl}${done.download_url}`, {
      method: 'HEAD',
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-disposition')).toMatch(/attachment; filename="contacts-.*\.ndjson"/);
    const file = await fetch(`${server.baseUrl}${done.download_url}`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    expect(file.headers.get('content-disposition')).toMatch(/attachment; filename="contacts-.*\.ndjson"/);
    const records = (await file.text())
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; name: string });
    expect(records).toHaveLength(624);
    expect(new Set(records.map((r) => r.id)).size).toBe(624);

    // The Tmall import's mail came first.
    await waitForMails(smtp.mails, 2);
    const mail = smtp.mails.find((m) => decodeQuotedPrintable(m.data).includes('Your export of contacts'))!;
    expect(mail.to).toEqual(['exporter@example.com']);
    const body = decodeQuotedPrintable(mail.data);
    expect(body).toMatch(/Subject: .*Kith[ _]export[ _]ready/);
    expect(body).toContain('624 rows');
    expect(body).toContain(`https://kith.example.com/api/exports/${done.id}/file`);

    const audit = await server.kith.store.db
      .selectFrom('audit_log')
      .select(['action'])
      .where('entity_type', '=', 'export')
      .where('entity_id', '=', done.id)
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['requested', 'completed', 'downloaded']);
    // The audit log names the export by its file, not by its id.
    const log = await api(server.baseUrl, 'GET', `/api/audit?entity_type=export&entity_id=${done.id}`, {
      token: admin,
    });
    expect(log.body.data.map((e: { entity_name: string | null }) => e.entity_name)).toEqual(
      Array(3).fill(done.file_name),
    );
  });

  it('a failed export says why in words its requester can act on, never the system’s own message', async () => {
    // The exports folder replaced by a file: the export's file cannot be opened (ENOTDIR).
    const dir = path.join(server.kith.config.dataDir, 'exports');
    fs.renameSync(dir, `${dir}.aside`);
    fs.writeFileSync(dir, '');
    try {
      const started = await api(server.baseUrl, 'POST', '/api/exports', {
        token: admin,
        body: { format: 'csv', columns: ['id'] },
      });
      expect(started.status).toBe(202);
      const failed = await waitDone(started.body.id);
      expect(failed).toMatchObject({
        state: 'failed',
        error: 'an internal error stopped it; it has been logged',
        download_url: null,
      });
    } finally {
      fs.rmSync(dir);
      fs.renameSync(`${dir}.aside`, dir);
    }
  });

  it('exports the selection of the list’s filters with chosen columns, formula-safe', async () => {
    const started = await api(server.baseUrl, 'POST', '/api/exports', {
      token: admin,
      body: { format: 'csv', filters: { tag: 'vip' }, columns: 'name,email' },
    });
    const done = await waitDone(started.body.id);
    expect(done.rows).toBe(2);
    const response = await fetch(`${server.baseUrl}${done.download_url}`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    // Read as bytes: fetch's text() drops the BOM, which is part of the file.
    const text = Buffer.from(await response.arrayBuffer()).toString('utf8');
    expect(text).toBe("\uFEFFname,email\n李娜,li.na@example.cn\n'=cmd|calc,evil@example.com\n");
  });

  it('refuses bad requests naming the field, before queueing anything', async () => {
    const cases: [unknown, string][] = [
      [{ format: 'pdf' }, 'format'],
      [{ format: 'csv', kind: 'invoices' }, 'kind'],
      [{ format: 'csv', filters: { nope: 'x' } }, 'filters'],
      [{ format: 'csv', columns: ['name', 'nope'] }, 'columns'],
      [{ format: 'csv', filters: { created_since: 'yesterday' } }, 'created_since'],
      [{ format: 'xml', kind: 'orders' }, 'format'],
      [{ format: 'csv', kind: 'orders', filters: { status: ['lost'] } }, 'status'],
    ];
    const before = await server.kith.store.db.selectFrom('exports').select('id').execute();
    for (const [body, field] of cases) {
      const r = await api(server.baseUrl, 'POST', '/api/exports', { token: admin, body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(r.body.error.details), JSON.stringify(body)).toContain(field);
    }
    const after = await server.kith.store.db.selectFrom('exports').select('id').execute();
    expect(after).toHaveLength(before.length);
  });

  it('refuses an empty column name showing the columns as sent, background and streamed', async () => {
    const before = await server.kith.store.db.selectFrom('exports').select('id').execute();
    for (const columns of [[''], ['name', '']]) {
      const r = await api(server.baseUrl, 'POST', '/api/exports', {
        token: admin,
        body: { format: 'csv', columns },
      });
      expect(r.status, JSON.stringify(columns)).toBe(400);
      expect(r.body.error.details).toMatchObject({ field: 'columns', value: columns });
      expect(r.body.error.message).toBe(
        `columns: holds an empty column name (item ${columns.length}); name each column, or leave columns out to export every column (got ${JSON.stringify(columns)})`,
      );
    }
    const after = await server.kith.store.db.selectFrom('exports').select('id').execute();
    expect(after).toHaveLength(before.length);
    const streamed = await api(server.baseUrl, 'GET', '/api/contacts/export?format=csv&columns=name%2C', {
      token: admin,
    });
    expect(streamed.status).toBe(400);
    expect(streamed.body.error.details).toMatchObject({ field: 'columns', value: 'name,' });
  });

  it('keeps exports to their requester and administrators; contacts exports are for administrators', async () => {
    const mine = await api(server.baseUrl, 'POST', '/api/exports', {
      token: agent,
      body: { kind: 'orders', format: 'json' },
    });
    expect(mine.status).toBe(202);
    const done = await waitDone(mine.body.id, agent);
    expect(done).toMatchObject({ state: 'done', rows: 2, requested_by: agentId });
    const orders = (await (
      await fetch(`${server.baseUrl}${done.download_url}`, { headers: { authorization: `Bearer ${agent}` } })
    ).json()) as Order[];
    expect(orders.map((o) => o.order_number).sort()).toEqual(['2836200000000001', '2836200000000002']);
    // An administrator may download it too, and sees it in the list.
    expect(
      (
        await fetch(`${server.baseUrl}${done.download_url}`, {
          headers: { authorization: `Bearer ${admin}` },
        })
      ).status,
    ).toBe(200);
    const adminList = await api(server.baseUrl, 'GET', '/api/exports', { token: admin });
    expect(adminList.body.data.map((e: { id: string }) => e.id)).toContain(done.id);

    const agentList = await api(server.baseUrl, 'GET', '/api/exports', { token: agent });
    expect(agentList.body.data.map((e: { id: string }) => e.id)).toEqual([done.id]);
    const adminExport = adminList.body.data.find((e: { kind: string }) => e.kind === 'contacts');
    expect(
      (await api(server.baseUrl, 'GET', `/api/exports/${adminExport.id}`, { token: agent })).status,
    ).toBe(404);
    expect(
      (await api(server.baseUrl, 'GET', `/api/exports/${adminExport.id}/file`, { token: agent })).status,
    ).toBe(404);
    const refused = await api(server.baseUrl, 'POST', '/api/exports', {
      token: agent,
      body: { format: 'csv' },
    });
    expect(refused.status).toBe(403);
  });

  it('keeps a customers export from its requester once they are no longer an administrator', async () => {
    const { kith } = server;
    const former = await kith.users.create(
      { email: 'former-admin@example.com', password: 'export pass', role: 'admin' },
      SYSTEM_ACTOR,
    );
    const token = (await kith.tokens.create(former.id, null, SYSTEM_ACTOR)).token;
    const started = await api(server.baseUrl, 'POST', '/api/exports', { token, body: { format: 'csv' } });
    expect(started.status).toBe(202);
    const done = await waitDone(started.body.id, token);
    expect(done.state).toBe('done');
    expect(
      (
        await fetch(`${server.baseUrl}${done.download_url}`, {
          headers: { authorization: `Bearer ${token}` },
        })
      ).status,
    ).toBe(200);
    await kith.users.update(former.id, { role: 'agent' }, SYSTEM_ACTOR);
    const file = await api(server.baseUrl, 'GET', `/api/exports/${done.id}/file`, { token });
    expect(file.status).toBe(403);
    expect(file.body.error.message).toMatch(/administrators/);
    expect((await api(server.baseUrl, 'GET', `/api/exports/${done.id}`, { token })).status).toBe(403);
    const listed = await api(server.baseUrl, 'GET', '/api/exports', { token });
    expect(listed.body.data.map((e: { id: string }) => e.id)).not.toContain(done.id);
    // Still an administrator's to download.
    expect(
      (
        await fetch(`${server.baseUrl}${done.download_url}`, {
          headers: { authorization: `Bearer ${admin}` },
        })
      ).status,
    ).toBe(200);
  });

  it('prunes files past their retention: the export shows expired and its download answers 410', async () => {
    const started = await api(server.baseUrl, 'POST', '/api/exports', {
      token: admin,
      body: { format: 'json', columns: ['id'] },
    });
    const done = await waitDone(started.body.id);
    const file = path.join(server.kith.config.dataDir, 'exports', done.id);
    expect(fs.existsSync(file)).toBe(true);
    expect(await server.kith.exportJobs.prune(new Date(Date.now() + 2 * 86_400_000))).toBe(0);
    expect(await server.kith.exportJobs.prune(new Date(Date.now() + 4 * 86_400_000))).toBeGreaterThan(0);
    expect(fs.existsSync(file)).toBe(false);
    expect((await api(server.baseUrl, 'GET', `/api/exports/${done.id}`, { token: admin })).body.state).toBe(
      'expired',
    );
    const gone = await api(server.baseUrl, 'GET', `/api/exports/${done.id}/file`, { token: admin });
    expect(gone.status).toBe(410);
    expect(gone.body.error.code).toBe('export_expired');
  });

  it('GET /api/orders/export streams orders with their items in each format, with the list’s filters', async () => {
    const get = (query: string) =>
      fetch(`${server.baseUrl}/api/orders/export?${query}`, {
        headers: { authorization: `Bearer ${agent}` },
      });
    const csv = await get('format=csv');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-disposition')).toMatch(/filename="orders-.*\.csv"/);
    const text = Buffer.from(await csv.arrayBuffer()).toString('utf8');
    const lines = text.split('\n');
    expect(lines[0]).toBe(`\uFEFF${ORDER_COLUMNS.join(',')}`);
    expect(text).toContain('茶叶 [T-01] ×2 @44.00');
    expect(text).toContain(",'=nick,");

    const ndjson = await (await get('format=ndjson&min_amount=50')).text();
    const records = ndjson
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Order);
    expect(records.map((r) => r.order_number)).toEqual(['2836200000000001']);
    expect(records[0]!.items[0]).toMatchObject({ title: '茶叶', quantity: 2, unit_price: '44.00' });

    const xlsx = await get('format=xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['Orders', 'Items']);
    expect(workbook.getWorksheet('Orders')!.rowCount).toBe(3);
    const items = workbook.getWorksheet('Items')!;
    expect(items.rowCount).toBe(3);
    expect(items.getRow(1).values).toContain('order_number');

    const bad = await api(server.baseUrl, 'GET', '/api/orders/export?format=csv&since=soon', {
      token: agent,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toMatchObject({ field: 'since', value: 'soon' });
    expect((await api(server.baseUrl, 'GET', '/api/orders/export?format=xml', { token: agent })).status).toBe(
      400,
    );
  });
});

describe(`exports kept per user on ${TEST_DIALECT}`, () => {
  let server: TestServer;
  let first: string;
  let second: string;
  beforeAll(async () => {
    server = await startTestServer({ KITH_MAX_EXPORTS_PER_USER: '2' });
    const token = async (email: string) => {
      const user = await server.kith.users.create(
        { email, password: 'export pass', role: 'agent' },
        SYSTEM_ACTOR,
      );
      return (await server.kith.tokens.create(user.id, null, SYSTEM_ACTOR)).token;
    };
    first = await token('first-exporter@example.com');
    second = await token('second-exporter@example.com');
  });
  afterAll(async () => {
    await server.close();
  });

  const start = (token: string) =>
    api(server.baseUrl, 'POST', '/api/exports', { token, body: { kind: 'orders', format: 'csv' } });
  const waitDone = async (id: string, token: string) => {
    for (let i = 0; i < 400; i++) {
      const job = (await api(server.baseUrl, 'GET', `/api/exports/${id}`, { token })).body;
      if (!['queued', 'running'].includes(job.state)) return job;
      await new Promise((res) => setTimeout(res, 25));
    }
    throw new Error('the export did not end');
  };

  it('refuses one more export past the limit with 429, saying the limit and when room comes; expiry frees it', async () => {
    for (let i = 0; i < 2; i++) {
      const r = await start(first);
      expect(r.status).toBe(202);
      expect((await waitDone(r.body.id, first)).state).toBe('done');
    }
    const refused = await start(first);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('too_many_exports');
    expect(refused.body.error.message).toMatch(
      /^you have 2 exports being written or kept for download, and the limit is 2 per user \(KITH_MAX_EXPORTS_PER_USER\); wait until the oldest file expires at \S+ \(files are kept 7 days\)/,
    );
    expect(refused.body.error.details).toMatchObject({ limit: 2, open: 2 });
    // Nothing was queued for it.
    const listed = await api(server.baseUrl, 'GET', '/api/exports', { token: first });
    expect(listed.body.data).toHaveLength(2);
    // Another user's exports are theirs.
    expect((await start(second)).status).toBe(202);
    // Once the files have expired and are pruned, there is room again.
    await server.kith.exportJobs.prune(new Date(Date.now() + 8 * 86_400_000));
    expect((await start(first)).status).toBe(202);
  });
});
