import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { SYSTEM_ACTOR } from '../../src/domain/actor.js';
import { listAuditEntries } from '../../src/history/audit-log.js';
import { mappingName, mappingProblems } from '../../src/imports/saved-mapping-service.js';
import { StagedUploads } from '../../src/imports/staged-uploads.js';
import { TEST_DIALECT } from '../support/test-kith.js';
import { api, startTestServer, type TestServer } from '../support/test-server.js';
import { auditEntries, statusesAtOnce } from '../support/at-once.js';

describe('what a saved mapping may hold', () => {
  const ctx = {
    identityTypes: new Set(['external_id', 'member_no']),
    attributeTypes: new Map([['vip_level', 'number']]),
    createAttributes: false,
  };
  it.each([
    ['a Chatwoot export', { Name: 'name', Email: 'email', 'Phone Number': 'phone', Company: 'ignore' }, []],
    [
      'a Chinese member list',
      { 会员卡号: 'identity.member_no', 微信openid: 'identity.wechat_openid', 等级: 'attr.vip_level' },
      [],
    ],
    ['two tag columns', { 标签: 'tags', 'Tags 2': 'tags' }, []],
    [
      "Shopify's second address lines",
      { Address1: 'address', Address2: 'address_line_2', 'Street 2': 'address_line_2', Address3: 'ignore' },
      [],
    ],
    ['external_id spelled short', { 'Customer ID': 'external_id' }, []],
    ['two e-mail columns', { Email: 'email', 'E-mail': 'email' }, ['mapping.E-mail']],
    ['an undefined identity type', { Line: 'identity.line_id' }, ['mapping.Line']],
    ['an undefined attribute', { Level: 'attr.level' }, ['mapping.Level']],
    ['a field Kith writes', { Created: 'created_at' }, ['mapping.Created']],
    ['a made-up field', { Shoe: 'shoe_size' }, ['mapping.Shoe']],
    ['a target that is not text', { Email: 3 }, ['mapping.Email']],
    ['nothing', {}, ['mapping']],
    ['a list', ['email'], ['mapping']],
  ] as const)('%s', (_, mapping, fields) => {
    expect(mappingProblems(mapping, ctx).map((p) => (p.details as { field: string }).field)).toEqual(fields);
  });

  it.each([
    ['  Shopify   export ', 'Shopify export', 'shopify export'],
    ['微信会员', '微信会员', '微信会员'],
  ])('name %j', (input, name, key) => {
    expect(mappingName(input)).toEqual({ name, key });
  });
  it.each([[''], ['   '], ['x'.repeat(101)], [42]])('refuses the name %j', (input) => {
    expect(() => mappingName(input)).toThrow(/name:/);
  });
});

describe('staged uploads', () => {
  it('keeps a file for its owner only (0600), and sweeps it once past the age limit', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kith-staged-'));
    let now = Date.parse('2026-12-02T08:00:00Z');
    const uploads = new StagedUploads(dataDir, 24 * 3_600_000, () => now);
    const temp = path.join(dataDir, 'temp.csv');
    fs.writeFileSync(temp, 'email\na@example.com\n');
    const staged = uploads.stage(temp, '../客户.csv', 'usr_a');
    expect(staged).toMatchObject({
      file_name: '客户.csv',
      file_size: 20,
      expires_at: '2026-12-03T08:00:00.000Z',
    });
    expect(fs.existsSync(temp)).toBe(false);
    const opened = uploads.open(staged.upload_id, 'usr_a');
    expect(fs.readFileSync(opened.filePath, 'utf8')).toBe('email\na@example.com\n');
    expect(fs.statSync(opened.filePath).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(opened.filePath)).mode & 0o777).toBe(0o700);
    expect(() => uploads.open(staged.upload_id, 'usr_b')).toThrow(/does not exist or has expired/);
    expect(() => uploads.open('../../etc', 'usr_a')).toThrow(/upload_id/);
    now += 23 * 3_600_000;
    expect(uploads.sweep()).toBe(0);
    now += 2 * 3_600_000;
    expect(() => uploads.open(staged.upload_id, 'usr_a')).toThrow(/expired/);
    expect(fs.readdirSync(path.join(dataDir, 'uploads'))).toEqual([]);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});

describe(`saved import mappings and uploads sent once, over HTTP on ${TEST_DIALECT}`, () => {
  let server: TestServer;
  let admin: string;
  let admin2: string;
  let agent: string;
  const call = (method: string, p: string, options: Parameters<typeof api>[3] = {}) =>
    api(server.baseUrl, method, p, options);

  beforeAll(async () => {
    server = await startTestServer();
    const make = async (email: string, role: string) => {
      const u = await server.kith.users.create({ email, password: 'password 1', role }, SYSTEM_ACTOR);
      return (await server.kith.tokens.create(u.id, null, SYSTEM_ACTOR)).token;
    };
    admin = await make('one@example.com', 'admin');
    admin2 = await make('two@example.com', 'admin');
    agent = await make('agent@example.com', 'agent');
  });
  afterAll(() => server.close());

  it('saves, lists, renames and deletes a mapping; a taken name is a 409; every change is audited', async () => {
    const created = await call('POST', '/api/imports/mappings', {
      token: admin,
      body: { name: 'Chatwoot', mapping: { Name: 'name', Email: 'email' } },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Chatwoot', mapping: { Name: 'name', Email: 'email' } });
    const id = created.body.id as string;

    const taken = await call('POST', '/api/imports/mappings', {
      token: admin2,
      body: { name: ' chatwoot ', mapping: { Email: 'email' } },
    });
    expect(taken.status).toBe(409);
    expect(taken.body.error).toMatchObject({ code: 'conflict', details: { field: 'name', existing_id: id } });

    const bad = await call('POST', '/api/imports/mappings', {
      token: admin,
      body: { name: '', mapping: { Email: 'email', Mail: 'email', Shoe: 'shoe_size' } },
    });
    expect(bad.status).toBe(400);
    expect((bad.body.error.details as { field: string }[]).map((d) => d.field)).toEqual([
      'name',
      'mapping.Mail',
      'mapping.Shoe',
    ]);

    // Another admin may use it, rename it and delete it.
    const list = await call('GET', '/api/imports/mappings', { token: admin2 });
    expect(list.body.data.map((m: { name: string }) => m.name)).toEqual(['Chatwoot']);
    const renamed = await call('PUT', `/api/imports/mappings/${id}`, {
      token: admin2,
      body: { name: 'Chatwoot contacts', mapping: { Name: 'name', Email: 'email', Phone: 'phone' } },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'Chatwoot contacts', mapping: { Phone: 'phone' } });
    await call('POST', '/api/imports/mappings', {
      token: admin,
      body: { name: 'Other', mapping: { E: 'email' } },
    });
    const clash = await call('PUT', `/api/imports/mappings/${id}`, { token: admin, body: { name: 'OTHER' } });
    expect(clash.status).toBe(409);

    expect((await call('GET', '/api/imports/mappings', { token: agent })).status).toBe(403);
    expect((await call('DELETE', `/api/imports/mappings/${id}`, { token: admin2 })).status).toBe(204);
    expect((await call('DELETE', `/api/imports/mappings/${id}`, { token: admin2 })).status).toBe(404);
    const audit = await listAuditEntries(server.kith.store.db, 'saved_import_mapping', id, { limit: 10 });
    expect(audit.map((e) => e.action)).toEqual(['deleted', 'updated', 'created']);
  });

  it('deletes a mapping once when the delete is sent several times at once', async () => {
    for (let round = 0; round < 4; round++) {
      const saved = await call('POST', '/api/imports/mappings', {
        token: admin,
        body: { name: `Deleted twice ${round}`, mapping: { Mail: 'email' } },
      });
      const id = saved.body.id as string;
      expect(
        await statusesAtOnce(() => call('DELETE', `/api/imports/mappings/${id}`, { token: admin })),
      ).toEqual([204, 404, 404, 404, 404]);
      expect(await auditEntries(server.kith.store.db, id, 'deleted')).toBe(1);
    }
  });

  it('only its creator or an admin may change or delete one', async () => {
    const saved = await server.kith.savedMappings.create(
      { name: 'Agent-made', mapping: { Email: 'email' } },
      { userId: 'usr_someone', channel: 'api' },
    );
    const other = { userId: 'usr_other', channel: 'api' } as const;
    await expect(server.kith.savedMappings.remove(saved.id, other, false)).rejects.toThrow(
      /only the user who saved the mapping "Agent-made" or an admin may delete it/,
    );
    await expect(server.kith.savedMappings.update(saved.id, { name: 'x' }, other, false)).rejects.toThrow(
      /may change it/,
    );
    await server.kith.savedMappings.remove(saved.id, { userId: 'usr_someone', channel: 'api' }, false);
  });

  const send = (p: string, token: string, fields: Record<string, string>, file?: string) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    if (file !== undefined) form.append('file', new Blob([file], { type: 'text/csv' }), '会员.csv');
    return fetch(`${server.baseUrl}${p}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
  };

  it('sends a file once: the preview stages it, the re-read, dry run and run name it by its handle', async () => {
    const csv = 'Title row\n姓名;邮箱\n张伟;zw@example.com\n李娜;ln@example.com\n';
    const first = await send('/api/imports/preview', admin, {}, csv);
    expect(first.status).toBe(200);
    const preview = (await first.json()) as { upload_id: string; upload_expires_at: string };
    expect(preview.upload_id).toMatch(/^upl_/);
    const stagedDir = path.join(server.kith.config.dataDir, 'uploads', preview.upload_id);
    expect(fs.statSync(path.join(stagedDir, 'file')).mode & 0o777).toBe(0o600);

    const reread = await send('/api/imports/preview', admin, {
      upload_id: preview.upload_id,
      options: JSON.stringify({ header_row: 2, delimiter: ';' }),
    });
    expect(reread.status).toBe(200);
    expect(await reread.json()).toMatchObject({ header: ['姓名', '邮箱'], upload_id: preview.upload_id });

    // Another user cannot use it.
    const stranger = await send('/api/imports/preview', admin2, { upload_id: preview.upload_id });
    expect(stranger.status).toBe(404);
    expect(((await stranger.json()) as { error: { code: string } }).error.code).toBe('upload_not_found');

    const options = (dryRun: boolean) => JSON.stringify({ header_row: 2, delimiter: ';', dry_run: dryRun });
    const dry = await send('/api/imports', admin, { upload_id: preview.upload_id, options: options(true) });
    expect(dry.status).toBe(202);
    expect(fs.existsSync(stagedDir)).toBe(true);
    const run = await send('/api/imports', admin, {
      upload_id: preview.upload_id,
      options: options(false),
      mapping: JSON.stringify({ 姓名: 'name', 邮箱: 'email' }),
    });
    expect(run.status).toBe(202);
    const record = (await run.json()) as { id: string; file_name: string };
    expect(record.file_name).toBe('会员.csv');
    // The run keeps its own copy; the staged one is gone.
    expect(fs.existsSync(stagedDir)).toBe(false);
    const source = await fetch(`${server.baseUrl}/api/imports/${record.id}/source`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(await source.text()).toBe(csv);
    const gone = await send('/api/imports', admin, { upload_id: preview.upload_id, options: options(false) });
    expect(gone.status).toBe(404);

    const none = await send('/api/imports/preview', admin, {});
    expect(none.status).toBe(400);
    expect(((await none.json()) as { error: { message: string } }).error.message).toContain('upload_id');
  });

  it('runs an upload once when "import" is sent several times at once; a refused run leaves it for the next', async () => {
    const csv = 'name,email\nOnce,once@example.com\n';
    const first = await send('/api/imports/preview', admin, {}, csv);
    const { upload_id } = (await first.json()) as { upload_id: string };
    // Options that refuse the run before it starts: the upload stays for the corrected request.
    const refused = await send('/api/imports', admin, {
      upload_id,
      options: JSON.stringify({ header_row: 0 }),
    });
    expect(refused.status).toBe(400);
    const count = async () =>
      (await server.kith.store.db.selectFrom('imports').select('id').execute()).length;
    const before = await count();
    const answers = await Promise.all([1, 2, 3, 4, 5].map(() => send('/api/imports', admin, { upload_id })));
    const bodies = (await Promise.all(answers.map((a) => a.json()))) as { error?: { code: string } }[];
    expect(answers.map((a) => a.status).sort()).toEqual([202, 404, 404, 404, 404]);
    for (const body of bodies.filter((b) => b.error)) expect(body.error!.code).toBe('upload_not_found');
    expect((await count()) - before).toBe(1);
  });
});

describe(`the number of saved import mappings, over HTTP on ${TEST_DIALECT}`, () => {
  let server: TestServer;
  let admin: string;
  let admin2: string;
  const call = (method: string, p: string, options: Parameters<typeof api>[3] = {}) =>
    api(server.baseUrl, method, p, options);
  const save = (token: string, name: string) =>
    call('POST', '/api/imports/mappings', { token, body: { name, mapping: { Email: 'email' } } });

  beforeAll(async () => {
    server = await startTestServer({ KITH_MAX_SAVED_MAPPINGS: '3' });
    const make = async (email: string) => {
      const u = await server.kith.users.create(
        { email, password: 'password 1', role: 'admin' },
        SYSTEM_ACTOR,
      );
      return (await server.kith.tokens.create(u.id, null, SYSTEM_ACTOR)).token;
    };
    admin = await make('one@example.com');
    admin2 = await make('two@example.com');
  });
  afterAll(() => server.close());

  it('keeps KITH_MAX_SAVED_MAPPINGS in all, whoever saved them; one more is a 409 saying what to do', async () => {
    expect((await save(admin, 'Shopify')).status).toBe(201);
    expect((await save(admin, 'Chatwoot')).status).toBe(201);
    const third = await save(admin2, '有赞');
    expect(third.status).toBe(201);

    // The list is the team's: another admin's mapping counts as much as one's own.
    const refused = await save(admin, 'HubSpot');
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({
      code: 'too_many_saved_mappings',
      message:
        '3 import mappings are saved, the most Kith keeps (3, KITH_MAX_SAVED_MAPPINGS); delete one no longer used (DELETE /api/imports/mappings/{id}) or save this one over an old one (PUT) instead, or have an administrator raise the limit',
      details: { limit: 3, saved: 3 },
    });
    // A name taken is told as ever, so that the wizard offers to replace that mapping.
    expect((await save(admin2, 'shopify')).body.error).toMatchObject({
      code: 'conflict',
      details: { field: 'name' },
    });
    // An invalid mapping is told its problems first, as ever.
    const bad = await call('POST', '/api/imports/mappings', {
      token: admin,
      body: { name: 'Bad', mapping: { Shoe: 'shoe_size' } },
    });
    expect(bad.status).toBe(400);

    // At the limit a saved one may still be renamed or replaced.
    const id = third.body.id as string;
    const replaced = await call('PUT', `/api/imports/mappings/${id}`, {
      token: admin,
      body: { name: '有赞会员', mapping: { 手机号: 'phone' } },
    });
    expect(replaced.status).toBe(200);
    const listed = await call('GET', '/api/imports/mappings', { token: admin2 });
    expect(listed.body.data).toHaveLength(3);

    // Deleting one makes room again.
    expect((await call('DELETE', `/api/imports/mappings/${id}`, { token: admin })).status).toBe(204);
    expect((await save(admin, 'HubSpot')).status).toBe(201);
    expect((await save(admin, 'Zoho')).status).toBe(409);
  });

  it('reads the limit from KITH_MAX_SAVED_MAPPINGS (200 unset), refusing one that is no whole number', () => {
    const read = (value?: string) =>
      loadConfig({
        KITH_DATA_DIR: '/tmp/unused',
        ...(value === undefined ? {} : { KITH_MAX_SAVED_MAPPINGS: value }),
      }).maxSavedMappings;
    expect(read()).toBe(200);
    expect(read('')).toBe(200);
    expect(read('500')).toBe(500);
    expect(() => read('0')).toThrow(
      'KITH_MAX_SAVED_MAPPINGS must be a whole number of mappings, at least 1 (got "0")',
    );
    expect(() => read('lots')).toThrow('KITH_MAX_SAVED_MAPPINGS');
  });
});
