import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DIALECT } from '../support/test-kith.js';
import { adminAndAgentTokens, api, startTestServer, type TestServer } from '../support/test-server.js';

describe(`ETag / If-Match, Idempotency-Key and bulk upsert over HTTP on ${TEST_DIALECT}`, () => {
  let server: TestServer;
  let admin: string;
  let agent: string;
  const call = (method: string, path: string, options: Parameters<typeof api>[3] = {}) =>
    api(server.baseUrl, method, path, { token: agent, ...options });

  beforeAll(async () => {
    server = await startTestServer();
    ({ admin, agent } = await adminAndAgentTokens(server));
  });
  afterAll(async () => server.close());

  it('answers GET with the content hash as ETag and refuses a PATCH on a stale one, naming what changed', async () => {
    const created = await call('POST', '/api/contacts', { body: { name: '周杰', email: 'zj@etag.example' } });
    const id = created.body.id as string;
    const read = await call('GET', `/api/contacts/${id}`);
    const etag = read.headers.get('etag')!;
    expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
    expect(created.headers.get('etag')).toBe(etag);

    // Someone else changes the city and the phone.
    const other = await call('PATCH', `/api/contacts/${id}`, {
      body: { city: '台北', phone: '13712345678' },
    });
    expect(other.status).toBe(200);
    const newTag = other.headers.get('etag');
    expect(newTag).not.toBe(etag);

    const stale = await call('PATCH', `/api/contacts/${id}`, {
      body: { name: '周杰伦' },
      headers: { 'if-match': etag },
    });
    expect(stale.status).toBe(412);
    expect(stale.body.error).toMatchObject({
      code: 'precondition_failed',
      details: { changed_fields: ['phone', 'city'], expected_etag: etag.slice(1, -1) },
    });
    expect((await call('GET', `/api/contacts/${id}`)).body.name).toBe('周杰');

    const fresh = await call('PATCH', `/api/contacts/${id}`, {
      body: { name: '周杰伦' },
      headers: { 'if-match': newTag! },
    });
    expect(fresh.status).toBe(200);
    expect(fresh.body.name).toBe('周杰伦');
    const unknown = await call('PATCH', `/api/contacts/${id}`, {
      body: { name: 'x' },
      headers: { 'if-match': '"0000"' },
    });
    expect(unknown.status).toBe(412);
    expect(unknown.body.error.details.changed_fields).toBeNull();
  });

  it('replaces a whole contact with PUT: what the body leaves out is cleared; If-Match guards it', async () => {
    const created = await call('POST', '/api/contacts', {
      body: {
        name: 'Full',
        email: 'full@put.example',
        city: '广州',
        tags: ['a'],
        identities: { external_id: 'PUT-1' },
      },
    });
    const id = created.body.id as string;
    const etag = created.headers.get('etag')!;
    const replaced = await call('PUT', `/api/contacts/${id}`, {
      body: { name: 'Full', email: 'full@put.example', identities: { external_id: 'PUT-1' } },
      headers: { 'if-match': etag },
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ city: null, tags: [], identities: { external_id: 'PUT-1' } });
    const stale = await call('PUT', `/api/contacts/${id}`, {
      body: { name: 'Again', email: 'full@put.example' },
      headers: { 'if-match': etag },
    });
    expect(stale.status).toBe(412);
    expect([...stale.body.error.details.changed_fields].sort()).toEqual(['city', 'tags']);
  });

  it('replays the first answer to an Idempotency-Key and refuses the key for another body', async () => {
    const headers = { 'idempotency-key': 'order-7781-create' };
    const first = await call('POST', '/api/contacts', {
      body: { name: 'Retry Me', email: 'r@idem.example' },
      headers,
    });
    expect(first.status).toBe(201);
    const again = await call('POST', '/api/contacts', {
      body: { name: 'Retry Me', email: 'r@idem.example' },
      headers,
    });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    const list = await call('GET', '/api/contacts?q=r@idem.example');
    expect(list.body.data).toHaveLength(1);

    const reused = await call('POST', '/api/contacts', { body: { name: 'Someone else' }, headers });
    expect(reused.status).toBe(422);
    expect(reused.body.error).toMatchObject({
      code: 'idempotency_key_reused',
      details: { field: 'Idempotency-Key' },
    });
    // Keys are per sender: the admin's same key is a new request.
    const admins = await call('POST', '/api/contacts', {
      token: admin,
      body: { name: 'Admin’s', email: 'a@idem.example' },
      headers,
    });
    expect(admins.status).toBe(201);
    expect(admins.headers.get('idempotent-replayed')).toBeNull();

    const patchHeaders = { 'idempotency-key': 'patch-1' };
    const patched = await call('PATCH', `/api/contacts/${first.body.id}`, {
      body: { tags: ['回头客'] },
      headers: patchHeaders,
    });
    const replayed = await call('PATCH', `/api/contacts/${first.body.id}`, {
      body: { tags: ['回头客'] },
      headers: patchHeaders,
    });
    expect(replayed.body).toEqual(patched.body);
    const history = await call('GET', `/api/contacts/${first.body.id}/history`);
    expect(history.body.data.filter((e: { action: string }) => e.action === 'updated')).toHaveLength(1);
  });

  it('keeps no answer that shows a secret once, and no hash of a request that carries a password', async () => {
    const stored = async () =>
      (await server.kith.store.db.selectFrom('idempotency_keys').selectAll().execute()).map((r) => ({
        key: r.key,
        response: r.response,
      }));
    const before = (await stored()).length;
    // A new API token: the secret is shown once, and Kith keeps only its hash.
    const headers = { 'idempotency-key': 'token-create-1' };
    const first = await call('POST', '/api/tokens', { body: { name: 'ci' }, headers });
    expect(first.status).toBe(201);
    const second = await call('POST', '/api/tokens', { body: { name: 'ci' }, headers });
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBeNull();
    expect(second.body.id).not.toBe(first.body.id);
    // An invitation link and a webhook's signing secret, likewise.
    const invite = await call('POST', '/api/users/invites', {
      token: admin,
      body: { email: 'invitee@idem.example', role: 'agent' },
      headers: { 'idempotency-key': 'invite-1' },
    });
    expect(invite.status).toBe(201);
    expect(invite.body.link).toMatch(/#token=/);
    const webhook = await call('POST', '/api/webhooks', {
      token: admin,
      body: { url: 'https://hooks.example.com/kith', events: ['import.completed'] },
      headers: { 'idempotency-key': 'webhook-1' },
    });
    expect(webhook.status).toBe(201);
    // A password in the body: not even the request's hash is kept.
    const created = await call('POST', '/api/users', {
      token: admin,
      body: { email: 'pw@idem.example', password: 'a password to guess', role: 'agent' },
      headers: { 'idempotency-key': 'user-1' },
    });
    expect(created.status).toBe(201);
    const rows = await stored();
    expect(rows).toHaveLength(before);
    for (const secret of [first.body.token, second.body.token, invite.body.link, webhook.body.secret])
      expect(JSON.stringify(rows)).not.toContain(secret);
  });

  it('upserts records in bulk through identifyContact, with each record’s outcome', async () => {
    await call('POST', '/api/contacts', {
      body: { name: 'Existing', phone: '+8613900139000', identities: { external_id: 'ERP-1' } },
    });
    const response = await call('POST', '/api/contacts/upsert', {
      body: {
        records: [
          { name: 'New One', email: 'new1@upsert.example' },
          { identities: { external_id: 'ERP-1' }, city: '成都' },
          { phone: '139 0013 9000', city: '成都' },
          { email: 'not an email' },
          { city: 'no key at all' },
          { id: 'ct_01JZZZZZZZZZZZZZZZZZZZZZZZ', name: 'Ghost' },
        ],
      },
    });
    expect(response.status).toBe(200);
    const results = response.body.results as {
      outcome: string;
      matched_by?: string;
      error?: { message: string };
    }[];
    expect(results.map((r) => r.outcome)).toEqual([
      'created',
      'updated',
      'unchanged',
      'failed',
      'failed',
      'failed',
    ]);
    expect(results[1]!.matched_by).toBe('identity');
    expect(results[2]!.matched_by).toBe('phone');
    expect(results[3]!.error!.message).toMatch(/email/);
    expect(results[4]!.error!.message).toMatch(/no id, identity, phone or email/);
    expect(results[5]!.error!.message).toMatch(/ct_01JZZZZZZZZZZZZZZZZZZZZZZZ/);
    const tooMany = await call('POST', '/api/contacts/upsert', {
      body: { records: Array.from({ length: 501 }, () => ({ name: 'x' })) },
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.details).toMatchObject({ field: 'records', value: 501 });
  });
});
