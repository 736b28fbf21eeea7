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
      warning: 'orders_count is written by Kith and is not imported',
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
    const refused = await runCli(
      ['export', 'contacts', '--format', 'csv', '--out', path.join(dir, 'x.csv'), '--columns', 'nope'],
      server.kith.database.env,
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/columns: is not a column/);
    expect(fs.readdirSync(dir)).toEqual(['客户.csv']);
  });
});
