import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAddressBook, startRadicale, type TestRadicale } from '../support/radicale.js';
import { adminAndAgentTokens, api, startTestServer, type TestServer } from '../support/test-server.js';
import { auditEntries, statusesAtOnce } from '../support/at-once.js';

/**
 * /api/sync over real HTTP against a real Radicale: admins only, the password never comes back (and is
 * not stored in the clear), a run is a background job whose counts can be read, internal addresses are
 * refused unless KITH_OUTBOUND_ALLOW lets them through.
 */
describe('/api/sync', () => {
  let radicale: TestRadicale;
  let server: TestServer;
  let tokens: { admin: string; agent: string };
  beforeAll(async () => {
    radicale = await startRadicale();
    server = await startTestServer({
      KITH_SECRET_KEY: Buffer.alloc(32, 3).toString('hex'),
      KITH_OUTBOUND_ALLOW: '127.0.0.1',
    });
    tokens = await adminAndAgentTokens(server);
  });
  afterAll(async () => {
    await server?.close();
    await radicale?.stop();
  });

  it('adds a connection, runs it, reports its status; the password is never readable', async () => {
    const url = await createAddressBook(radicale, 'api-book');
    const body = { url, username: radicale.user, password: radicale.password, conflict_policy: 'kith-wins' };
    expect(
      (await api(server.baseUrl, 'POST', '/api/sync/connections', { token: tokens.agent, body })).status,
    ).toBe(403);
    const created = await api(server.baseUrl, 'POST', '/api/sync/connections', { token: tokens.admin, body });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ kind: 'carddav', collection: '/kith/api-book/', direction: 'both' });
    const id = created.body.id as string;
    await api(server.baseUrl, 'POST', '/api/contacts', {
      token: tokens.admin,
      body: { name: 'Api Person', email: 'api@example.com' },
    });

    const run = await api(server.baseUrl, 'POST', `/api/sync/connections/${id}/runs`, {
      token: tokens.admin,
    });
    expect(run.status).toBe(202);
    let state = run.body;
    const deadline = Date.now() + 20_000;
    while (['queued', 'running'].includes(state.state) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      state = (await api(server.baseUrl, 'GET', `/api/sync/runs/${run.body.id}`, { token: tokens.admin }))
        .body;
    }
    expect(state).toMatchObject({ state: 'done', counts: { pushed_created: 1, failed: 0 } });

    const reads = await Promise.all([
      api(server.baseUrl, 'GET', '/api/sync/connections', { token: tokens.admin }),
      api(server.baseUrl, 'GET', `/api/sync/connections/${id}`, { token: tokens.admin }),
      api(server.baseUrl, 'GET', `/api/sync/connections/${id}/runs`, { token: tokens.admin }),
      api(server.baseUrl, 'GET', '/api/sync/conflicts', { token: tokens.admin }),
    ]);
    for (const r of [created, ...reads]) {
      expect(r.status).toBeLessThan(300);
      expect(JSON.stringify(r.body)).not.toContain(radicale.password);
      expect(JSON.stringify(r.body)).not.toContain('credentials');
    }
    expect(reads[1]!.body).toMatchObject({ cards: 1, has_sync_token: true, last_run: { state: 'done' } });
    // At rest: ciphertext, not the password.
    const row = await server.kith.store.db
      .selectFrom('sync_connections')
      .select('credentials')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.credentials).toMatch(/^v1:/);
    expect(Buffer.from(row.credentials.slice(3), 'base64').toString('latin1')).not.toContain(
      radicale.password,
    );
    expect((await api(server.baseUrl, 'GET', '/api/sync/connections', { token: tokens.agent })).status).toBe(
      403,
    );

    const removed = await api(server.baseUrl, 'DELETE', `/api/sync/connections/${id}`, {
      token: tokens.admin,
    });
    expect(removed.status).toBe(204);
    expect(
      (await api(server.baseUrl, 'GET', `/api/sync/connections/${id}`, { token: tokens.admin })).status,
    ).toBe(404);
  });

  it('starts one run when "run now" is sent several times at once: each answer names that run', async () => {
    const url = await createAddressBook(radicale, 'api-twice');
    const created = await api(server.baseUrl, 'POST', '/api/sync/connections', {
      token: tokens.admin,
      body: { url, username: radicale.user, password: radicale.password },
    });
    const id = created.body.id as string;
    const answers = await Promise.all(
      [1, 2, 3, 4, 5].map(() =>
        api(server.baseUrl, 'POST', `/api/sync/connections/${id}/runs`, { token: tokens.admin }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 202]);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    const runs = await api(server.baseUrl, 'GET', `/api/sync/connections/${id}/runs`, {
      token: tokens.admin,
    });
    expect(runs.body.data).toHaveLength(1);
  });

  it('deletes a connection once when the delete is sent several times at once', async () => {
    const created = await api(server.baseUrl, 'POST', '/api/sync/connections', {
      token: tokens.admin,
      body: { url: await createAddressBook(radicale, 'api-deleted-twice'), username: 'u', password: 'p' },
    });
    const id = created.body.id as string;
    expect(
      await statusesAtOnce(() =>
        api(server.baseUrl, 'DELETE', `/api/sync/connections/${id}`, { token: tokens.admin }),
      ),
    ).toEqual([204, 404, 404, 404, 404]);
    expect(await auditEntries(server.kith.store.db, id, 'deleted')).toBe(1);
  });

  it('names the field, value and reason of bad input', async () => {
    const bad = await api(server.baseUrl, 'POST', '/api/sync/connections', {
      token: tokens.admin,
      body: { url: 'ftp://x', username: 'u', password: 'p', direction: 'sideways' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('url');
    expect(bad.body.error.message).toContain('direction');
    expect(bad.body.error.message).toContain('sideways');
  });
});

describe('/api/sync without the outbound allowance', () => {
  let server: TestServer;
  let admin: string;
  beforeAll(async () => {
    server = await startTestServer({ KITH_SECRET_KEY: Buffer.alloc(32, 4).toString('base64') });
    ({ admin } = await adminAndAgentTokens(server));
  });
  afterAll(async () => server?.close());

  it('refuses an address book on an internal address, naming the setting that allows it', async () => {
    const refused = await api(server.baseUrl, 'POST', '/api/sync/connections', {
      token: admin,
      body: { url: 'http://127.0.0.1:5232/kith/book/', username: 'u', password: 'p' },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain('KITH_OUTBOUND_ALLOW');
  });

  it.each(['//169.254.169.254/latest/', '\\\\10.0.0.5\\book'])(
    'refuses a collection that names another server (%s) under collection, not url',
    async (collection) => {
      const refused = await api(server.baseUrl, 'POST', '/api/sync/connections', {
        token: admin,
        body: { url: 'https://dav.example.com/', username: 'u', password: 'p', collection },
      });
      expect(refused.status).toBe(400);
      expect(refused.body.error.details).toEqual([
        expect.objectContaining({
          field: 'collection',
          value: collection,
          reason: expect.stringMatching(/another server/),
        }),
      ]);
    },
  );
});

describe('/api/sync on a server without KITH_SECRET_KEY', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ KITH_SECRET_KEY: '' });
  });
  afterAll(async () => server?.close());

  it('says up front that no password can be stored, and refuses an address book above the form, not on its password', async () => {
    const { admin } = await adminAndAgentTokens(server);
    const list = await api(server.baseUrl, 'GET', '/api/sync/connections', { token: admin });
    expect(list.body).toEqual({ data: [], passwords_storable: false });
    const added = await api(server.baseUrl, 'POST', '/api/sync/connections', {
      token: admin,
      body: { url: 'https://dav.example.com/kith/book/', username: 'u', password: 'p' },
    });
    expect(added.status).toBe(409);
    expect(added.body.error.code).toBe('secret_key_missing');
    expect(added.body.error.details).toBeUndefined();
    expect(added.body.error.message).toContain('restart');
  });
});
