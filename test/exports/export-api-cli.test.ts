import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, fixture, runImport } from '../support/import-helpers.js';
import { JobRunner } from '../../src/jobs/job-runner.js';
import { runCli } from '../support/run-cli.js';
import { TEST_DIALECT } from '../support/test-kith.js';
import { adminAndAgentTokens, api, startTestServer, type TestServer } from '../support/test-server.js';

describe(`contacts export over HTTP and the CLI on ${TEST_DIALECT}`, () => {
  let server: TestServer;
  let admin: string;
  let agent: string;

  beforeAll(async () => {
    server = await startTestServer();
    ({ admin, agent } = await adminAndAgentTokens(server));
    const { kith } = server;
    await kith.contacts.create({ name: '李娜', email: 'li.na@example.cn', tags: ['VIP'] }, ADMIN);
    // More than one page of the list (500) so the export follows cursors.
    const rows = Array.from({ length: 620 }, (_, i) => `Customer ${i},c${i}@example.com`);
    await runImport(kith, fixture('many.csv', `name,email\n${rows.join('\n')}\n`));
  });
  afterAll(async () => server.close());

  it('streams every contact once, in created order, with the format’s type and a file name', async () => {
    const response = await fetch(`${server.baseUrl}/api/contacts/export?format=ndjson&columns=id,name`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    expect(response.headers.get('content-disposition')).toMatch(/attachment; filename="contacts-.*\.ndjson"/);
    const lines = (await response.text()).trimEnd().split('\n');
    const records = lines.map((l) => JSON.parse(l) as { id: string; name: string });
    expect(records).toHaveLength(621);
    expect(new Set(records.map((r) => r.id)).size).toBe(621);
    expect(records[0]).toEqual({ id: expect.any(String), name: '李娜' });
  });

  it('writes the purchase facts when their columns are asked for, and an import skips them', async () => {
    const { kith } = server;
    const file = fixture(
      'orders.csv',
      '订单号,订单状态,邮箱,下单时间,实付金额\r\nE-1,交易成功,li.na@example.cn,2026-03-01 10:00:00,88.50\r\n',
    );
    const importId = await kith.orders.startOrderFileImport(
      { filePath: file, fileName: 'orders.csv' },
      ADMIN,
    );
    await new JobRunner(kith.store, kith.jobHandlers).runOnce({ subjectId: importId });
    expect((await kith.imports.get(importId)).created).toBe(1);
    const columns = 'name,orders_count,total_spent,first_order_at,last_order_at';
    for (const query of [`tag=vip&columns=${columns}`, `columns=${columns}`]) {
      const r = await api(server.baseUrl, 'GET', `/api/contacts/export?format=json&${query}`, {
        token: admin,
      });
      expect(r.status, query).toBe(200);
      const records = r.body as Record<string, unknown>[];
      expect(records.find((c) => c.name === '李娜')).toEqual({
        name: '李娜',
        orders_count: 1,
        total_spent: '88.50',
        first_order_at: expect.stringMatching(/^2026-03-01T/),
        last_order_at: expect.stringMatching(/^2026-03-01T/),
      });
      if (!query.startsWith('tag')) {
        expect(records).toHaveLength(621);
        expect(records.find((c) => c.name === 'Customer 0')).toMatchObject({
          orders_count: 0,
          total_spent: '0.00',
        });
      }
    }
    const csv = await fetch(`${server.baseUrl}/api/contacts/export?format=csv&tag=vip&columns=${columns}`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    const exported = fixture('facts.csv', Buffer.from(await csv.arrayBuffer()));
    const preview = await kith.imports.preview({ filePath: exported });
    expect(preview.suggested_mapping.find((s) => s.column === 'orders_count')).toMatchObject({
      target: null,
      warning: "orders_count is counted by Kith from the customer's orders and is not imported",
    });
  });

  it('filters like the list, refuses bad requests with the field named, and is for admins', async () => {
    const tagged = await api(server.baseUrl, 'GET', '/api/contacts/export?format=json&tag=vip&columns=name', {
      token: admin,
    });
    expect(tagged.body).toEqual([{ name: '李娜' }]);
    const bad = await api(server.baseUrl, 'GET', '/api/contacts/export?format=csv&columns=name,nope', {
      token: admin,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toMatchObject({ field: 'columns', value: 'nope' });
    const badFormat = await api(server.baseUrl, 'GET', '/api/contacts/export?format=pdf', { token: admin });
    expect(badFormat.status).toBe(400);
    expect(
      (await api(server.baseUrl, 'GET', '/api/contacts/export?format=csv', { token: agent })).status,
    ).toBe(403);
  });

  it('names the header in the web app’s words when asked, and such a file imports back unchanged', async () => {
    const zh = await fetch(
      `${server.baseUrl}/api/contacts/export?format=csv&tag=vip&columns=id,name,email,tags,created_at&column_names=zh`,
      { headers: { authorization: `Bearer ${admin}` } },
    );
    expect(zh.status).toBe(200);
    const text = await zh.text();
    const [head, row] = text.split('\n');
    expect(head?.replace(/^\uFEFF/, '')).toBe('Kith ID,姓名,邮箱,标签,创建时间 (UTC)');
    expect(row).toMatch(/^ct_\w+,李娜,li\.na@example\.cn,VIP,\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    // The same moment in China's time: eight hours on.
    const shanghai = await api(
      server.baseUrl,
      'GET',
      '/api/contacts/export?format=csv&tag=vip&columns=created_at&column_names=zh&time_zone=Asia/Shanghai',
      { token: admin },
    );
    const [zoneHead, local] = String(shanghai.body).trimEnd().split('\n');
    expect(zoneHead?.replace(/^\uFEFF/, '')).toBe('创建时间 (Asia/Shanghai)');
    const utc = row!.split(',').at(-1)!;
    expect(Date.parse(`${local!.replace(' ', 'T')}Z`) - Date.parse(`${utc.replace(' ', 'T')}Z`)).toBe(
      8 * 3600_000,
    );
    const back = await runImport(server.kith, fixture('导出.csv', text));
    expect(back).toMatchObject({ status: 'completed', created: 0, updated: 0, unchanged: 1, failed: 0 });

    const en = await api(
      server.baseUrl,
      'GET',
      '/api/contacts/export?format=csv&tag=vip&columns=name,additional_phones&column_names=en',
      { token: admin },
    );
    expect(
      String(en.body)
        .split('\n')[0]
        ?.replace(/^\uFEFF/, ''),
    ).toBe('Name,Other phones');
    for (const [query, reason] of [
      ['format=csv&column_names=fr', /column_names.*expected one of/],
      ['format=json&column_names=zh', /csv or xlsx header; json names each field by its key/],
      ['format=csv&time_zone=Asia/Shanghai', /applies to an export whose column_names are en or zh/],
      ['format=csv&column_names=en&time_zone=Mars/Base', /is not a time zone/],
    ] as const) {
      const refused = await api(server.baseUrl, 'GET', `/api/contacts/export?${query}`, { token: admin });
      expect(refused.status, query).toBe(400);
      expect(JSON.stringify(refused.body), query).toMatch(reason);
    }
    const queued = await api(server.baseUrl, 'POST', '/api/exports', {
      token: admin,
      body: { format: 'xlsx', filters: { tag: 'vip' }, column_names: 'zh' },
    });
    expect(queued.status).toBe(202);
    expect(queued.body).toMatchObject({ column_names: 'zh' });
    const orders = await api(server.baseUrl, 'POST', '/api/exports', {
      token: admin,
      body: { kind: 'orders', format: 'csv', column_names: 'en' },
    });
    expect(orders.status).toBe(400);
    expect(orders.body.error.details).toMatchObject({ field: 'column_names', value: 'en' });
  });

  it('puts each streamed export on record as it starts, and a HEAD reads and records nothing', async () => {
    const streamed = async () =>
      (
        await api(server.baseUrl, 'GET', '/api/audit?entity_type=export&limit=100', { token: admin })
      ).body.data.filter((e: { action: string }) => e.action === 'streamed') as {
        entity_id: string;
        actor_id: string;
        channel: string;
        changes: { field: string; new: unknown }[];
      }[];
    const before = (await streamed()).length;
    const head = await fetch(
      `${server.baseUrl}/api/contacts/export?format=csv&tag=vip&columns=name,email&q=li`,
      { method: 'HEAD', headers: { authorization: `Bearer ${admin}` } },
    );
    expect(head.status).toBe(200);
    expect(head.headers.get('content-disposition')).toMatch(/attachment; filename="contacts-.*\.csv"/);
    expect(await head.text()).toBe('');
    // A HEAD checks the filters as the GET would.
    const badHead = await fetch(`${server.baseUrl}/api/contacts/export?format=csv&columns=nope`, {
      method: 'HEAD',
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(badHead.status).toBe(400);
    expect(await streamed()).toHaveLength(before);

    const got = await fetch(
      `${server.baseUrl}/api/contacts/export?format=csv&tag=vip&columns=name,email&q=li`,
      { headers: { authorization: `Bearer ${admin}` } },
    );
    expect(got.status).toBe(200);
    await got.text();
    const orders = await fetch(`${server.baseUrl}/api/orders/export?format=ndjson&status=paid`, {
      headers: { authorization: `Bearer ${agent}` },
    });
    expect(orders.status).toBe(200);
    await orders.text();
    const entries = await streamed();
    expect(entries).toHaveLength(before + 2);
    const changes = (e: (typeof entries)[number]) =>
      Object.fromEntries(e.changes.map((c) => [c.field, c.new] as const));
    const [ordersEntry, contactsEntry] = entries; // newest first
    expect(contactsEntry!.entity_id).toMatch(/^exp/);
    expect(contactsEntry!.channel).toBe('api');
    expect(changes(contactsEntry!)).toEqual({
      kind: 'contacts',
      format: 'csv',
      filters: { tag: 'vip', q: 'li' },
      columns: ['name', 'email'],
    });
    expect(changes(ordersEntry!)).toMatchObject({
      kind: 'orders',
      format: 'ndjson',
      filters: { status: ['paid'] },
    });
    // A failed request (a bad column) takes nothing out and is not on record.
    await api(server.baseUrl, 'GET', '/api/contacts/export?format=csv&columns=nope', { token: admin });
    expect(await streamed()).toHaveLength(before + 2);
  });

  it('kith export contacts writes the file only when complete, and says how many', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kith-export-cli-'));
    const out = path.join(dir, '客户.csv');
    const done = await runCli(
      [
        'export',
        'contacts',
        '--format',
        'csv',
        '--out',
        out,
        '--tag',
        'VIP',
        '--columns',
        'name,email',
        '--json',
      ],
      server.kith.database.env,
    );
    expect(done.stderr).toBe('');
    expect(done.code).toBe(0);
    expect(JSON.parse(done.stdout)).toEqual({ file: out, format: 'csv', rows: 1 });
    expect(fs.readFileSync(out, 'utf8')).toBe('\uFEFFname,email\n李娜,li.na@example.cn\n');
    const record = await api(server.baseUrl, 'GET', '/api/audit?entity_type=export&limit=1', {
      token: admin,
    });
    expect(record.body.data[0]).toMatchObject({ action: 'streamed', channel: 'cli' });
    expect(record.body.data[0].changes).toContainEqual({ field: 'filters', old: null, new: { tag: 'VIP' } });
    const refused = await runCli(
      ['export', 'contacts', '--format', 'csv', '--out', path.join(dir, 'x.csv'), '--columns', 'nope'],
      server.kith.database.env,
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/columns: is not a column/);
    expect(fs.readdirSync(dir)).toEqual(['客户.csv']);
    const named = path.join(dir, 'named.csv');
    const english = await runCli(
      [
        'export',
        'contacts',
        '--format',
        'csv',
        '--out',
        named,
        '--tag',
        'VIP',
        '--columns',
        'name,email',
        '--column-names',
        'en',
      ],
      server.kith.database.env,
    );
    expect(english.code).toBe(0);
    expect(fs.readFileSync(named, 'utf8')).toBe('\uFEFFName,Email\n李娜,li.na@example.cn\n');
  });
});
