import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../src/domain/actor.js';
import { decodeQuotedPrintable, startSmtp } from '../support/smtp-server.js';
import { TEST_DIALECT } from '../support/test-kith.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

describe(`imports API on ${TEST_DIALECT}`, () => {
  let server: TestServer;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let admin: string;
  let agent: string;

  beforeAll(async () => {
    smtp = await startSmtp();
    server = await startTestServer({
      SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      KITH_PUBLIC_URL: 'https://kith.example.com',
    });
    const a = await server.kith.users.create(
      { email: 'importer@example.com', password: 'import pass', role: 'admin' },
      SYSTEM_ACTOR,
    );
    const g = await server.kith.users.create(
      { email: 'agent@example.com', password: 'agent pass', role: 'agent' },
      SYSTEM_ACTOR,
    );
    admin = (await server.kith.tokens.create(a.id, null, SYSTEM_ACTOR)).token;
    agent = (await server.kith.tokens.create(g.id, null, SYSTEM_ACTOR)).token;
  });
  afterAll(async () => {
    await server.close();
    await new Promise<void>((r) => smtp.server.close(() => r()));
  });

  const upload = (
    path: string,
    token: string,
    csv: string,
    fields: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, JSON.stringify(v));
    form.append('file', new Blob([csv], { type: 'text/csv' }), '客户.csv');
    return fetch(`${server.baseUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, ...headers },
      body: form,
    });
  };
  const get = (path: string, token = admin) =>
    fetch(`${server.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });

  const csv = '姓名,手机号码,邮箱\n张伟,13800138000,zw@example.com\n李娜,not a phone,ln@example.com\n';

  it('previews a file without importing it', async () => {
    const r = await upload('/api/imports/preview', admin, csv);
    expect(r.status).toBe(200);
    const body = (await r.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      format: 'csv',
      encoding: 'utf-8',
      delimiter: ',',
      header: ['姓名', '手机号码', '邮箱'],
      rows: [
        ['张伟', '13800138000', 'zw@example.com'],
        ['李娜', 'not a phone', 'ln@example.com'],
      ],
      unmapped_columns: [],
    });
    expect((body.suggested_mapping as { target: string }[]).map((s) => s.target)).toEqual([
      'name',
      'phone',
      'email',
    ]);
  });

  it('runs an import as a job: 202, progress, failures download, original file, e-mail to its starter', async () => {
    const r = await upload('/api/imports', admin, csv, { options: { tags: ['api'] } });
    expect(r.status).toBe(202);
    const started = (await r.json()) as { id: string; status: string };
    expect(started.status).toBe('queued');
    let record: Record<string, unknown> = {};
    for (let i = 0; i < 200; i++) {
      record = (await (await get(`/api/imports/${started.id}`)).json()) as Record<string, unknown>;
      if (record.status === 'completed') break;
      await new Promise((res) => setTimeout(res, 25));
    }
    expect(record).toMatchObject({
      status: 'completed',
      rows: 2,
      created: 1,
      failed: 1,
      file_name: '客户.csv',
    });
    const failures = await get(`/api/imports/${started.id}/failures`);
    expect(failures.headers.get('content-type')).toContain('text/csv');
    // Named after the imported file, so that the history tells where a re-imported one came from; the
    // id's name for clients that read only the plain filename.
    expect(failures.headers.get('content-disposition')).toBe(
      `attachment; filename="${started.id}-failures.csv"; filename*=UTF-8''${encodeURIComponent('客户-failures.csv')}`,
    );
    const bytes = Buffer.from(await failures.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    expect(text).toContain('李娜,not a phone,ln@example.com,"row 3: phone: is not a valid phone number');
    // Its preview, fixed, names the import it came from by its name.
    const again = await fetch(`${server.baseUrl}/api/imports/preview`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}` },
      body: (() => {
        const form = new FormData();
        form.append('file', new Blob([text.replace('not a phone', '13800138001')]), '客户-failures.csv');
        return form;
      })(),
    });
    expect(((await again.json()) as { earlier_import: unknown }).earlier_import).toMatchObject({
      id: started.id,
      file_name: '客户.csv',
      report: 'failures',
      settings: { tags: ['api'] },
    });
    expect(await (await get(`/api/imports/${started.id}/source`)).text()).toBe(csv);
    const history = (await (await get('/api/imports')).json()) as { data: { id: string }[] };
    expect(history.data[0]?.id).toBe(started.id);

    for (let i = 0; i < 100 && smtp.mails.length === 0; i++) await new Promise((res) => setTimeout(res, 20));
    expect(smtp.mails).toHaveLength(1);
    const mail = smtp.mails[0]!;
    expect(mail.to).toEqual(['importer@example.com']);
    mail.data = decodeQuotedPrintable(mail.data);
    expect(mail.data).toContain('Created: 1');
    expect(mail.data).toContain('Failed: 1');
    expect(mail.data).toContain('1 × phone: is not a valid phone number in region CN or internationally');
    expect(mail.data).toContain(`https://kith.example.com/api/imports/${started.id}/failures`);

    const undo = await fetch(`${server.baseUrl}/api/imports/${started.id}/undo`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(((await undo.json()) as { undo_report: { deleted: number } }).undo_report.deleted).toBe(1);
  });

  it('is for admins only and explains bad uploads', async () => {
    expect((await upload('/api/imports', agent, csv)).status).toBe(403);
    expect((await get('/api/imports', agent)).status).toBe(403);
    const noFile = await fetch(`${server.baseUrl}/api/imports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(noFile.status).toBe(400);
    const bad = await upload('/api/imports', admin, '', {});
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'unreadable_file',
      message: 'the file is empty',
    });
    const badMapping = await upload('/api/imports', admin, csv, { mapping: { 姓名: 'updated_at' } });
    expect(badMapping.status).toBe(400);
    expect(((await badMapping.json()) as { error: { message: string } }).error.message).toContain(
      'mapping.姓名: updated_at is written by Kith',
    );
    // Wrong shapes are named, never an internal error.
    const refused = async (
      fields: Record<string, unknown>,
      field: string,
      value: unknown,
      path = '/api/imports',
    ) => {
      const r = await upload(path, admin, csv, fields);
      const body = (await r.json()) as { error: { message: string; details: unknown } };
      expect(r.status, JSON.stringify(fields)).toBe(400);
      expect(body.error.details).toMatchObject({ field, value });
      // The message names the field as the details do: `options.<field>` for an option.
      expect(body.error.message.startsWith(`${field}: `), field).toBe(true);
    };
    await refused({ mapping: { 姓名: 5 } }, 'mapping.姓名', 5);
    await refused({ mapping: { 姓名: { a: 1 } } }, 'mapping.姓名', { a: 1 }, '/api/imports/preview');
    await refused({ options: [1] }, 'options', [1]);
    await refused({ options: { dry_run: 'yes' } }, 'options.dry_run', 'yes');
    await refused({ options: { region: 'XX' } }, 'options.region', 'XX');
    await refused({ options: { encoding: 'klingon' } }, 'options.encoding', 'klingon');
    await refused(
      { options: { encoding: 'klingon' } },
      'options.encoding',
      'klingon',
      '/api/imports/preview',
    );
    await refused({ options: { delimiter: '#' } }, 'options.delimiter', '#');
    await refused({ options: { delimiter: '#' } }, 'options.delimiter', '#', '/api/imports/preview');
    await refused({ options: { header_row: 9 } }, 'options.header_row', 9);
    await refused({ options: { header_row: 9 } }, 'options.header_row', 9, '/api/imports/preview');
    await refused({ options: { source_policy: 'some' } }, 'options.source_policy', 'some');
    await refused({ options: { on_file_duplicate: 'first' } }, 'options.on_file_duplicate', 'first');
    await refused({ options: { tags: ['t'.repeat(101)] } }, 'options.tags[0]', 't'.repeat(101));
    await refused(
      { options: { group: 'g'.repeat(201) } },
      'options.group',
      `${'"'}${'g'.repeat(159)}… (203 characters)`,
    );
    const form = new FormData();
    form.append('kind', 'bogus');
    form.append('file', new Blob([csv], { type: 'text/csv' }), '客户.csv');
    const kind = await fetch(`${server.baseUrl}/api/imports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}` },
      body: form,
    });
    expect(kind.status).toBe(400);
    const three = new FormData();
    for (const name of ['file', 'orders_file', 'items_file'])
      three.append(name, new Blob([csv], { type: 'text/csv' }), `${name}.csv`);
    const tooMany = await fetch(`${server.baseUrl}/api/imports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}` },
      body: three,
    });
    expect(tooMany.status).toBe(413);
    expect(((await tooMany.json()) as { error: { code: string } }).error.code).toBe('too_many_files');
    expect(((await kind.json()) as { error: { details: unknown } }).error.details).toMatchObject({
      field: 'kind',
      value: 'bogus',
    });
    // A Tmall order import reads its encoding option itself (src/orders/order-service.ts).
    const tmall = new FormData();
    tmall.append('kind', 'tmall_orders');
    tmall.append('options', JSON.stringify({ encoding: 'klingon' }));
    for (const name of ['orders_file', 'items_file'])
      tmall.append(name, new Blob([csv], { type: 'text/csv' }), `${name}.csv`);
    const tmallEncoding = await fetch(`${server.baseUrl}/api/imports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}` },
      body: tmall,
    });
    expect(tmallEncoding.status).toBe(400);
    const tmallError = ((await tmallEncoding.json()) as { error: { message: string; details: unknown } })
      .error;
    expect(tmallError.details).toMatchObject({ field: 'options.encoding', value: 'klingon' });
    expect(tmallError.message).toMatch(/^options\.encoding: /);
  });

  it('refuses a part sent twice, a text part past its limit and a file sent with an upload_id; starts nothing', async () => {
    const before = ((await (await get('/api/imports?limit=100')).json()) as { data: unknown[] }).data.length;
    const send = async (parts: [string, string | Blob, string?][]) => {
      const form = new FormData();
      for (const [name, value, fileName] of parts)
        if (typeof value === 'string') form.append(name, value);
        else form.append(name, value, fileName);
      const r = await fetch(`${server.baseUrl}/api/imports`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}` },
        body: form,
      });
      return { status: r.status, body: (await r.json()) as { error: { message: string; details: unknown } } };
    };
    const file = new Blob([csv], { type: 'text/csv' });
    const other = new Blob(['姓名,手机号码,邮箱\n王芳,13900139000,wf2@example.com\n'], { type: 'text/csv' });
    // The second file was imported and the first dropped, without a word.
    const twoFiles = await send([
      ['options', JSON.stringify({ dry_run: true })],
      ['file', file, 'a.csv'],
      ['file', other, 'b.csv'],
    ]);
    expect(twoFiles.status).toBe(400);
    expect(twoFiles.body.error.details).toMatchObject({
      field: 'file',
      value: 'b.csv',
      reason: 'is sent more than once; send each part once',
    });
    // The second options, without dry_run, ran a real import.
    const twoOptions = await send([
      ['options', JSON.stringify({ dry_run: true })],
      ['options', '{}'],
      ['file', file, 'a.csv'],
    ]);
    expect(twoOptions.status).toBe(400);
    expect(twoOptions.body.error.details).toMatchObject({ field: 'options', value: '{}' });
    // Cut at the reader's 1 MB, it read as "must be JSON".
    const long = JSON.stringify({ tags: ['t'.repeat(1024 * 1024)] });
    const cut = await send([
      ['options', long],
      ['file', file, 'a.csv'],
    ]);
    expect(cut.status).toBe(400);
    expect(cut.body.error.details).toMatchObject({
      field: 'options',
      reason: 'is longer than the 1 MB a form field may hold',
    });
    expect(cut.body.error.message.length).toBeLessThan(1000);
    const both = await send([
      ['upload_id', 'upl_01m95k05b4djxz1np6kd49crc7'],
      ['file', file, 'a.csv'],
    ]);
    expect(both.status).toBe(400);
    expect(both.body.error.details).toMatchObject({ field: 'upload_id' });
    const after = ((await (await get('/api/imports?limit=100')).json()) as { data: unknown[] }).data.length;
    expect(after).toBe(before);
  });

  it('pages the import history by an import id, and refuses a before that is none', async () => {
    const page = (await (await get('/api/imports?limit=1')).json()) as { data: { id: string }[] };
    const next = await get(`/api/imports?limit=1&before=${page.data[0]!.id}`);
    expect(next.status).toBe(200);
    for (const before of ['abc', 'zzz', 'imp_x']) {
      const r = await get(`/api/imports?before=${before}`);
      expect(r.status, before).toBe(400);
      expect(((await r.json()) as { error: { details: unknown } }).error.details).toMatchObject([
        { field: 'before', value: before },
      ]);
    }
  });

  it('reads the header from the row given as header_row, skipping a title row before it', async () => {
    const titled = '客户名单 2026\n姓名,手机号码,邮箱\n王芳,13900139000,wf@example.com\n';
    const r = await upload('/api/imports/preview', admin, titled, { options: { header_row: 2 } });
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({
      header_row: 2,
      header: ['姓名', '手机号码', '邮箱'],
      rows: [['王芳', '13900139000', 'wf@example.com']],
      row_numbers: [3],
    });
    const started = await upload('/api/imports', admin, titled, { options: { header_row: 2 } });
    expect(started.status).toBe(202);
    const { id } = (await started.json()) as { id: string };
    let record: Record<string, unknown> = {};
    for (let i = 0; i < 200 && record.status !== 'completed'; i++) {
      record = (await (await get(`/api/imports/${id}`)).json()) as Record<string, unknown>;
      await new Promise((res) => setTimeout(res, 25));
    }
    expect(record).toMatchObject({ status: 'completed', total_rows: 1, rows: 1, created: 1, failed: 0 });
    expect(record.mapping).toEqual({ 姓名: 'name', 手机号码: 'phone', 邮箱: 'email' });
    const past = await upload('/api/imports/preview', admin, titled, { options: { header_row: 9 } });
    expect(past.status).toBe(400);
    expect(((await past.json()) as { error: { message: string } }).error.message).toContain('header_row');
  });

  it('tells the upload limit and the default region to admins', async () => {
    const r = await get('/api/imports/settings');
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({
      max_upload_bytes: 200 * 1024 * 1024,
      default_region: 'CN',
      formats: ['csv', 'xlsx', 'json', 'ndjson', 'xml'],
      well_known_identity_types: expect.arrayContaining([
        { key: 'wechat_openid', label: 'WeChat OpenID' },
        { key: 'member_no', label: 'Membership number' },
      ]),
    });
    expect((await get('/api/imports/settings', agent)).status).toBe(403);
  });

  it('a retried upload with its Idempotency-Key starts one import; the key with another file is refused', async () => {
    const key = { 'idempotency-key': 'upload-retry-1' };
    const file = '姓名,邮箱\n重试,retry@example.com\n';
    const before = ((await (await get('/api/imports')).json()) as { data: unknown[] }).data.length;
    const first = await upload('/api/imports', admin, file, { options: { dry_run: true } }, key);
    expect(first.status).toBe(202);
    const started = (await first.json()) as { id: string };
    const again = await upload('/api/imports', admin, file, { options: { dry_run: true } }, key);
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(((await again.json()) as { id: string }).id).toBe(started.id);
    const other = await upload('/api/imports', admin, `${file}又一个,another@example.com\n`, {}, key);
    expect(other.status).toBe(422);
    expect(((await other.json()) as { error: { code: string } }).error.code).toBe('idempotency_key_reused');
    const after = ((await (await get('/api/imports')).json()) as { data: unknown[] }).data.length;
    expect(after).toBe(before + 1);
  });

  it('imports a completed dry run for real, once: the same file, mapping and settings, writing this time', async () => {
    const post = (path: string, token = admin) =>
      fetch(`${server.baseUrl}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    const ended = async (id: string) => {
      for (let i = 0; i < 400; i++) {
        const record = (await (await get(`/api/imports/${id}`)).json()) as Record<string, unknown>;
        if (!['queued', 'running'].includes(record.status as string)) return record;
        await new Promise((res) => setTimeout(res, 25));
      }
      throw new Error(`import ${id} did not end`);
    };
    const file =
      '姓名,手机号码,邮箱\n试运行甲,13600136001,dry-a@example.com\n试运行乙,not a phone,dry-b@example.com\n';
    const started = (await (
      await upload('/api/imports', admin, file, { options: { dry_run: true, tags: ['dry-then-real'] } })
    ).json()) as { id: string };
    const dry = await ended(started.id);
    expect(dry).toMatchObject({ status: 'completed', dry_run: true, created: 1, failed: 1 });
    const byTag = async () =>
      ((await (await get('/api/contacts?tag=dry-then-real')).json()) as { data: unknown[] }).data.length;
    expect(await byTag()).toBe(0);

    // Only an administrator; only a completed dry run.
    expect((await post(`/api/imports/${started.id}/import-for-real`, agent)).status).toBe(403);
    // Two clicks at once (or a retried request): one import is queued, the other is told which.
    const [first, second] = await Promise.all([
      post(`/api/imports/${started.id}/import-for-real`),
      post(`/api/imports/${started.id}/import-for-real`),
    ]);
    const [r, twice] = first.status === 202 ? [first, second] : [second, first];
    expect(r.status).toBe(202);
    expect(twice.status).toBe(409);
    const real = (await r.json()) as { id: string; dry_run: boolean; file_name: string };
    const refused = (await twice.json()) as { error: { code: string; details: { import_id: string } } };
    expect(['already_importing', 'already_imported_for_real']).toContain(refused.error.code);
    expect(refused.error.details.import_id).toBe(real.id);
    expect(real.id).not.toBe(started.id);
    expect(real).toMatchObject({ dry_run: false, file_name: '客户.csv' });
    expect(await ended(real.id)).toMatchObject({
      status: 'completed',
      dry_run: false,
      created: 1,
      failed: 1,
    });
    expect(await byTag()).toBe(1);
    // Its own copy of the file, kept for its history.
    expect(await (await get(`/api/imports/${real.id}/source`)).text()).toBe(file);

    const refusal = async (path: string, status: number, code: string) => {
      const response = await post(path);
      expect(response.status).toBe(status);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(code);
    };
    await refusal(`/api/imports/${real.id}/import-for-real`, 409, 'not_a_dry_run');
    await refusal('/api/imports/imp_nothing/import-for-real', 404, 'not_found');
    // The check now names its real import, and is not imported a second time while that one stands.
    expect(await ended(started.id)).toMatchObject({ imported_for_real_as: real.id });
    await refusal(`/api/imports/${started.id}/import-for-real`, 409, 'already_imported_for_real');
    // Undone, the check can be imported for real again, and then names the new import.
    expect((await post(`/api/imports/${real.id}/undo`)).status).toBeLessThan(300);
    await ended(real.id);
    for (let i = 0; i < 400 && !(await ended(real.id)).undone_at; i++)
      await new Promise((res) => setTimeout(res, 25));
    const again = await post(`/api/imports/${started.id}/import-for-real`);
    expect(again.status).toBe(202);
    const realAgain = (await again.json()) as { id: string };
    expect(await ended(started.id)).toMatchObject({ imported_for_real_as: realAgain.id });
    expect(await ended(realAgain.id)).toMatchObject({ status: 'completed', created: 1 });
  });

  it('summarises the failure file for the result page: reasons by kind with counts, the first rows', async () => {
    const lines = ['姓名,手机号码,邮箱'];
    for (let i = 1; i <= 12; i++) lines.push(`坏号码${i},bad ${i},bad${i}@example.com`);
    lines.push('好人,13900139000,good@example.com', '重复,13700137000,dup@example.com');
    lines.push('重复二,13700137001,dup@example.com', '两样都坏,bad both,not-an-email');
    const r = await upload('/api/imports', admin, `${lines.join('\n')}\n`);
    const started = (await r.json()) as { id: string };
    for (let i = 0; i < 200; i++) {
      const record = (await (await get(`/api/imports/${started.id}`)).json()) as { status: string };
      if (record.status === 'completed') break;
      await new Promise((res) => setTimeout(res, 25));
    }
    const report = await get(`/api/imports/${started.id}/row-report`);
    expect(report.status).toBe(200);
    const body = (await report.json()) as {
      columns: string[];
      total: number;
      reasons: { reason: string; count: number; example_row: number }[];
      rows: { row_number: number; reason: string; cells: string[] }[];
    };
    expect(body.columns).toEqual(['姓名', '手机号码', '邮箱']);
    expect(body.total).toBe(15);
    // Twelve phones, each its own value: one reason. The two rows sharing an e-mail: one more. The row
    // with a wrong phone and a wrong e-mail counts under both.
    expect(body.reasons).toEqual([
      {
        reason: 'phone: is not a valid phone number in region CN or internationally',
        count: 13,
        example_row: 2,
      },
      { reason: 'the same email is also on other rows of this file', count: 2, example_row: 15 },
      { reason: 'email: is not a valid email address', count: 1, example_row: 17 },
    ]);
    expect(body.rows).toHaveLength(10);
    expect(body.rows[0]).toEqual({
      row_number: 2,
      reason: expect.stringContaining('(got "bad 1")'),
      cells: ['坏号码1', 'bad 1', 'bad1@example.com'],
    });
    expect(
      (await (await get(`/api/imports/${started.id}/row-report?kind=warnings`)).json()) as object,
    ).toMatchObject({ total: 0, reasons: [], rows: [] });
    expect((await get(`/api/imports/${started.id}/row-report`, agent)).status).toBe(403);
    expect((await get(`/api/imports/${started.id}/row-report?kind=everything`)).status).toBe(400);
  });
});

describe('upload size limit', () => {
  let server: TestServer;
  let admin: string;
  beforeAll(async () => {
    server = await startTestServer({ KITH_MAX_UPLOAD_MB: '1' });
    const a = await server.kith.users.create(
      { email: 'big@example.com', password: 'big files', role: 'admin' },
      SYSTEM_ACTOR,
    );
    admin = (await server.kith.tokens.create(a.id, null, SYSTEM_ACTOR)).token;
  });
  afterAll(async () => {
    await server.close();
  });

  it('answers 413 for a file above KITH_MAX_UPLOAD_MB', async () => {
    const form = new FormData();
    form.append('file', new Blob(['email\n', 'x'.repeat(2 * 1024 * 1024)]), 'big.csv');
    const r = await fetch(`${server.baseUrl}/api/imports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}` },
      body: form,
    });
    expect(r.status).toBe(413);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
    const settings = await fetch(`${server.baseUrl}/api/imports/settings`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(((await settings.json()) as { max_upload_bytes: number }).max_upload_bytes).toBe(1024 * 1024);
  });
});

describe(`staged uploads per user on ${TEST_DIALECT}`, () => {
  let server: TestServer;
  let first: string;
  let second: string;
  let agent: string;
  beforeAll(async () => {
    server = await startTestServer({
      KITH_MAX_UPLOAD_MB: '1',
      KITH_MAX_STAGED_UPLOADS: '2',
      KITH_MAX_STAGED_UPLOADS_MB: '1',
    });
    const token = async (email: string, role: 'admin' | 'agent') => {
      const user = await server.kith.users.create({ email, password: 'staged pass', role }, SYSTEM_ACTOR);
      return (await server.kith.tokens.create(user.id, null, SYSTEM_ACTOR)).token;
    };
    first = await token('first@example.com', 'admin');
    second = await token('second@example.com', 'admin');
    agent = await token('staged-agent@example.com', 'agent');
  });
  afterAll(async () => {
    await server.close();
  });

  const call = (method: string, path: string, token: string, body?: FormData) =>
    fetch(`${server.baseUrl}${path}`, { method, headers: { authorization: `Bearer ${token}` }, body });
  const form = (content: string | null, fields: Record<string, string> = {}) => {
    const f = new FormData();
    for (const [k, v] of Object.entries(fields)) f.append(k, v);
    if (content !== null) f.append('file', new Blob([content], { type: 'text/csv' }), 'list.csv');
    return f;
  };
  const preview = (token: string, content: string) =>
    call('POST', '/api/imports/preview', token, form(content));
  const stagedFolders = () => fs.readdirSync(path.join(server.kith.config.dataDir, 'uploads')).length;
  type Refusal = { error: { code: string; message: string; details: Record<string, unknown> } };

  it('refuses a preview past the count with 429, saying the limit, what is staged and what to do; keeps nothing', async () => {
    const a = (await (await preview(first, 'email\na@example.com\n')).json()) as { upload_id: string };
    const b = (await (await preview(first, 'email\nb@example.com\n')).json()) as { upload_id: string };
    expect(stagedFolders()).toBe(2);

    const r = await preview(first, 'email\nc@example.com\n');
    expect(r.status).toBe(429);
    const body = (await r.json()) as Refusal;
    expect(body.error.code).toBe('too_many_staged_uploads');
    expect(body.error.message).toMatch(/you have 2 uploads \(\d+ bytes\) staged and not yet imported/);
    expect(body.error.message).toMatch(/the limit is 2 uploads staged .* \(KITH_MAX_STAGED_UPLOADS\)/);
    expect(body.error.message).toMatch(/Import or discard one .*or wait until the oldest expires at /);
    expect(body.error.details).toMatchObject({
      limit_count: 2,
      limit_bytes: 1024 * 1024,
      staged_count: 2,
      uploads: [{ upload_id: a.upload_id }, { upload_id: b.upload_id }],
    });
    expect(stagedFolders()).toBe(2);

    // Another user's uploads are theirs: the second admin previews as usual.
    expect((await preview(second, 'email\nd@example.com\n')).status).toBe(200);
    // A preview of a staged upload keeps nothing new: allowed at the limit.
    expect(
      (await call('POST', '/api/imports/preview', first, form(null, { upload_id: a.upload_id }))).status,
    ).toBe(200);

    const listed = (await (await call('GET', '/api/imports/uploads', first)).json()) as {
      data: { upload_id: string }[];
    };
    expect(listed.data.map((u) => u.upload_id)).toEqual([a.upload_id, b.upload_id]);

    // Discarding is its sender's: another admin is told it does not exist, an agent is refused.
    expect((await call('DELETE', `/api/imports/uploads/${a.upload_id}`, second)).status).toBe(404);
    expect((await call('DELETE', `/api/imports/uploads/${a.upload_id}`, agent)).status).toBe(403);
    expect((await call('DELETE', `/api/imports/uploads/${a.upload_id}`, first)).status).toBe(204);
    expect((await call('DELETE', `/api/imports/uploads/${a.upload_id}`, first)).status).toBe(404);
    const again = await call('POST', '/api/imports/preview', first, form(null, { upload_id: a.upload_id }));
    expect(((await again.json()) as Refusal).error.code).toBe('upload_not_found');

    // Room again; and a run (not a dry run) frees its upload's place.
    const c = (await (await preview(first, 'email\nc@example.com\n')).json()) as { upload_id: string };
    expect((await preview(first, 'email\ne@example.com\n')).status).toBe(429);
    const run = await call(
      'POST',
      '/api/imports',
      first,
      form(null, { upload_id: c.upload_id, mapping: JSON.stringify({ email: 'email' }) }),
    );
    expect(run.status).toBe(202);
    expect((await preview(first, 'email\ne@example.com\n')).status).toBe(200);
  });

  it('refuses a preview past the total size, naming it', async () => {
    const user = await server.kith.users.create(
      { email: 'third@example.com', password: 'staged pass', role: 'admin' },
      SYSTEM_ACTOR,
    );
    const third = (await server.kith.tokens.create(user.id, null, SYSTEM_ACTOR)).token;
    const big = (letter: string) => `email\n${`${letter}@example.com\n`.repeat(40_000)}`; // ~600 KB
    expect((await preview(third, big('x'))).status).toBe(200);
    const r = await preview(third, big('y'));
    expect(r.status).toBe(429);
    const body = (await r.json()) as Refusal;
    expect(body.error.code).toBe('too_many_staged_uploads');
    expect(body.error.message).toMatch(
      /this file \(\d+(\.\d)? KB\) is not kept: you have 1 upload \(\d+(\.\d)? KB\) staged .*the limit is 1 MB of uploads staged and not yet imported per user \(KITH_MAX_STAGED_UPLOADS_MB\)/,
    );
    expect(body.error.details).toMatchObject({ staged_count: 1, limit_bytes: 1024 * 1024 });
  });
});
