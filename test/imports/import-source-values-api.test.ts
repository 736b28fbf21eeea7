/**
 * An import's initial source, source detail and campaign for the whole file over HTTP, on both stores:
 * set under the source policy where a row's own column gives none, kept in the import's settings (a
 * check's too, and imported for real as checked), refused by name when they cannot be a contact's; and
 * the history filtered to checks or real imports (`dry_run`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../src/domain/actor.js';
import { TEST_DIALECT } from '../support/test-kith.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

describe(`import source values over HTTP on ${TEST_DIALECT}`, () => {
  let server: TestServer;
  let admin: string;

  beforeAll(async () => {
    server = await startTestServer();
    const a = await server.kith.users.create(
      { email: 'sources@example.com', password: 'import pass', role: 'admin' },
      SYSTEM_ACTOR,
    );
    admin = (await server.kith.tokens.create(a.id, null, SYSTEM_ACTOR)).token;
  });
  afterAll(async () => server.close());

  const call = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${server.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${admin}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: r.status, body: (await r.json()) as Record<string, any> };
  };
  const upload = async (csv: string, options: Record<string, unknown>) => {
    const form = new FormData();
    form.append('options', JSON.stringify(options));
    form.append('file', new Blob([csv], { type: 'text/csv' }), 'fair.csv');
    const r = await fetch(`${server.baseUrl}/api/imports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}` },
      body: form,
    });
    return { status: r.status, body: (await r.json()) as Record<string, any> };
  };
  const ended = async (id: string) => {
    let record: Record<string, any> = {};
    for (let i = 0; i < 400 && !['completed', 'failed'].includes(record.status); i++) {
      await new Promise((res) => setTimeout(res, 25));
      record = (await call('GET', `/api/imports/${id}`)).body;
    }
    expect(record.status).toBe('completed');
    return record;
  };
  const byEmail = async (email: string) =>
    (await call('GET', `/api/contacts?q=${encodeURIComponent(email)}`)).body.data[0];

  const csv =
    'name,email,source\n' +
    'Old Wang,wang@example.com,\n' +
    'New Li,li@example.com,\n' +
    'New Zhao,zhao@example.com,website\n';
  const labels = {
    initial_source: '  Trade fair Shanghai 2026 ',
    initial_source_detail: 'Booth B12',
    campaign: 'Spring promo',
  };

  it('labels new customers only (new-only), a row’s own column first; a check says the same and imports as checked', async () => {
    const old = await call('POST', '/api/contacts', {
      name: 'Old Wang',
      email: 'wang@example.com',
      initial_source: 'ads',
    });
    expect(old.status).toBe(201);

    const check = await upload(csv, { ...labels, dry_run: true });
    expect(check.status).toBe(202);
    const checked = await ended(check.body.id);
    expect(checked).toMatchObject({ dry_run: true, created: 2, updated: 0, unchanged: 1 });
    expect(checked.settings).toMatchObject({
      source_policy: 'new-only',
      initial_source: 'Trade fair Shanghai 2026',
      initial_source_detail: 'Booth B12',
      campaign: 'Spring promo',
    });
    expect(await byEmail('li@example.com')).toBeUndefined();

    const real = await call('POST', `/api/imports/${check.body.id}/import-for-real`);
    expect(real.status).toBe(202);
    const record = await ended(real.body.id);
    expect(record).toMatchObject({ dry_run: false, created: 2, unchanged: 1 });
    expect(record.settings.initial_source).toBe('Trade fair Shanghai 2026');

    expect(await byEmail('wang@example.com')).toMatchObject({
      initial_source: 'ads',
      initial_source_detail: null,
      campaign: null,
    });
    expect(await byEmail('li@example.com')).toMatchObject({
      initial_source: 'Trade fair Shanghai 2026',
      initial_source_detail: 'Booth B12',
      campaign: 'Spring promo',
    });
    expect(await byEmail('zhao@example.com')).toMatchObject({
      initial_source: 'website',
      initial_source_detail: 'Booth B12',
      campaign: 'Spring promo',
    });
  });

  it('labels every imported customer under the policy all', async () => {
    const r = await upload('email,campaign\nwang@example.com,\nzhao@example.com,Autumn\n', {
      source_policy: 'all',
      campaign: 'Summer promo',
    });
    expect(r.status).toBe(202);
    expect(await ended(r.body.id)).toMatchObject({ updated: 2, failed: 0 });
    expect(await byEmail('wang@example.com')).toMatchObject({
      initial_source: 'ads',
      campaign: 'Summer promo',
    });
    expect(await byEmail('zhao@example.com')).toMatchObject({
      initial_source: 'website',
      campaign: 'Autumn',
    });
  });

  it('refuses a value a contact could not hold, naming the field, the value and the reason', async () => {
    const refused = async (
      options: Record<string, unknown>,
      field: string,
      value: unknown,
      reason: RegExp,
    ) => {
      const r = await upload(csv, options);
      expect(r.status, field).toBe(400);
      expect(r.body.error.details).toMatchObject({ field, value });
      expect(r.body.error.message.startsWith(`${field}: `)).toBe(true);
      expect(r.body.error.details.reason).toMatch(reason);
    };
    // A long value is shown shortened, with its length.
    await refused(
      { initial_source: 'x'.repeat(1001) },
      'options.initial_source',
      expect.stringContaining('(1,003 characters)'),
      /longer than 1000/,
    );
    await refused({ campaign: 'Spring\u0007' }, 'options.campaign', 'Spring\u0007', /control character/);
    await refused({ initial_source_detail: 12 }, 'options.initial_source_detail', 12, /string|text/);
  });

  it('lists real imports or checks alone (dry_run)', async () => {
    const all = (await call('GET', '/api/imports')).body.data as { id: string; dry_run: boolean }[];
    expect(all.some((r) => r.dry_run)).toBe(true);
    expect(all.some((r) => !r.dry_run)).toBe(true);
    const checks = (await call('GET', '/api/imports?dry_run=true')).body.data as typeof all;
    const real = (await call('GET', '/api/imports?dry_run=false')).body.data as typeof all;
    expect(checks.map((r) => r.id)).toEqual(all.filter((r) => r.dry_run).map((r) => r.id));
    expect(real.map((r) => r.id)).toEqual(all.filter((r) => !r.dry_run).map((r) => r.id));
    expect((await call('GET', '/api/imports?dry_run=yes')).status).toBe(400);
  });
});
