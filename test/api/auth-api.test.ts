import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../src/domain/actor.js';
import { TEST_DIALECT } from '../support/test-kith.js';
import { api, startTestServer, type TestServer } from '../support/test-server.js';

describe(`sign-in, tokens and roles over HTTP on ${TEST_DIALECT}`, () => {
  let server: TestServer;
  const call = (method: string, path: string, options: Parameters<typeof api>[3] = {}) =>
    api(server.baseUrl, method, path, options);

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server.close());

  it('has no usable account on a fresh install until setup creates the first admin', async () => {
    expect(await server.kith.users.count()).toBe(0);
    const token = await server.kith.setup.issueTokenIfNeeded();
    expect(token).toMatch(/^setup_/);
    const wrong = await call('POST', '/api/setup', {
      body: { token: 'setup_guess', email: 'boss@example.com', password: 'long enough' },
    });
    expect(wrong.status).toBe(401);
    const short = await call('POST', '/api/setup', {
      body: { token, email: 'boss@example.com', password: 'short' },
    });
    expect(short.status).toBe(400);
    expect(short.body.error.details).toEqual({
      field: 'password',
      value: '***',
      reason: 'must be at least 8 characters',
    });
    const ok = await call('POST', '/api/setup', {
      body: { token, email: 'Boss@Example.com', password: 'long enough' },
    });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ email: 'boss@example.com', role: 'admin' });
    const again = await call('POST', '/api/setup', {
      body: { token, email: 'evil@example.com', password: 'long enough' },
    });
    expect(again.status).toBe(409);
    expect(await server.kith.setup.issueTokenIfNeeded()).toBeNull();
  });

  it('answers 401 without credentials and with a bad or revoked token', async () => {
    const none = await call('GET', '/api/contacts');
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('unauthenticated');
    expect((await call('GET', '/api/contacts', { token: 'kith_nonsense' })).status).toBe(401);
    expect((await call('GET', '/api/contacts', { headers: { authorization: 'Basic abc' } })).status).toBe(
      401,
    );

    const boss = (await server.kith.users.findByEmail('boss@example.com'))!;
    const created = await server.kith.tokens.create(boss.id, 'to revoke', SYSTEM_ACTOR);
    expect((await call('GET', '/api/contacts', { token: created.token })).status).toBe(200);
    expect((await call('DELETE', `/api/tokens/${created.id}`, { token: created.token })).status).toBe(204);
    const revoked = await call('GET', '/api/contacts', { token: created.token });
    expect(revoked.status).toBe(401);
    expect(revoked.body.error.message).toContain('revoked');
  });

  it('keeps admin routes from agents (403) on the server', async () => {
    const agentUser = await server.kith.users.create(
      { email: 'agent@example.com', password: 'agent password', role: 'agent' },
      SYSTEM_ACTOR,
    );
    const agent = (await server.kith.tokens.create(agentUser.id, null, SYSTEM_ACTOR)).token;
    const contact = await call('POST', '/api/contacts', { token: agent, body: { name: 'Agent made' } });
    expect(contact.status).toBe(201);
    for (const [method, path, body] of [
      ['DELETE', `/api/contacts/${contact.body.id}`, undefined],
      ['GET', '/api/users', undefined],
      ['POST', '/api/users', { email: 'x@example.com', password: 'whatever1', role: 'admin' }],
      ['POST', '/api/identity-types', { key: 'member_no' }],
      ['POST', '/api/attributes', { key: 'x', type: 'text' }],
      ['POST', '/api/groups', { name: 'x' }],
      ['GET', '/api/tokens?all=true', undefined],
    ] as const) {
      const r = await call(method, path, { token: agent, body });
      expect(r.status, `${method} ${path}`).toBe(403);
      expect(r.body.error.code).toBe('forbidden');
    }
  });

  it('signs in with a password into a cookie session, and signs out', async () => {
    const wrong = await call('POST', '/api/auth/login', {
      body: { email: 'boss@example.com', password: 'nope nope' },
    });
    expect(wrong.status).toBe(401);
    const login = await call('POST', '/api/auth/login', {
      body: { email: 'BOSS@example.com', password: 'long enough' },
    });
    expect(login.status).toBe(200);
    const setCookie = login.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/kith_session=[^;]+;.*HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const cookie = setCookie.split(';')[0]!;
    const me = await call('GET', '/api/auth/me', { cookie });
    expect(me.body).toMatchObject({ email: 'boss@example.com', role: 'admin' });
    const created = await call('POST', '/api/contacts', { cookie, body: { name: 'From the browser' } });
    expect(created.status).toBe(201);
    const history = await call('GET', `/api/contacts/${created.body.id}/history`, { cookie });
    expect(history.body.data[0]).toMatchObject({ channel: 'ui', actor_id: me.body.id });
    const crossSite = await call('POST', '/api/contacts', {
      cookie,
      body: { name: 'x' },
      headers: { origin: 'https://evil.example' },
    });
    expect(crossSite.status).toBe(403);
    expect((await call('POST', '/api/auth/logout', { cookie })).status).toBe(204);
    expect((await call('GET', '/api/auth/me', { cookie })).status).toBe(401);
  });

  it('ends sessions and refuses tokens of a disabled user', async () => {
    const u = await server.kith.users.create(
      { email: 'leaver@example.com', password: 'leaver pass', role: 'agent' },
      SYSTEM_ACTOR,
    );
    const token = (await server.kith.tokens.create(u.id, null, SYSTEM_ACTOR)).token;
    const login = await call('POST', '/api/auth/login', {
      body: { email: 'leaver@example.com', password: 'leaver pass' },
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    await server.kith.users.update(u.id, { disabled: true }, SYSTEM_ACTOR);
    expect((await call('GET', '/api/auth/me', { cookie })).status).toBe(401);
    expect((await call('GET', '/api/auth/me', { token })).status).toBe(401);
    expect(
      (
        await call('POST', '/api/auth/login', {
          body: { email: 'leaver@example.com', password: 'leaver pass' },
        })
      ).status,
    ).toBe(401);
  });

  it('rate-limits sign-in attempts', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      statuses.push(
        (
          await call('POST', '/api/auth/login', {
            body: { email: 'target@example.com', password: `guess ${i}` },
          })
        ).status,
      );
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
    const limited = await call('POST', '/api/auth/login', {
      body: { email: 'target@example.com', password: 'x' },
    });
    expect(limited.body.error.code).toBe('rate_limited');
  });

  it('serves health, the OpenAPI document, API docs and the start page without credentials', async () => {
    const health = await call('GET', '/api/health');
    expect(health.body).toEqual({ status: 'ok', database: TEST_DIALECT });
    const openapi = await call('GET', '/api/openapi.json');
    expect(openapi.status).toBe(200);
    expect(openapi.body.openapi).toMatch(/^3\./);
    expect(Object.keys(openapi.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/contacts',
        '/api/contacts/{id}',
        '/api/contacts/upsert',
        '/api/imports',
        '/api/imports/{id}',
      ]),
    );
    expect(openapi.body.components.schemas.Import.properties.settings.properties.source_policy).toBeDefined();
    expect(openapi.body.components.schemas.Contact.properties.identities).toBeDefined();
    const docs = await fetch(`${server.baseUrl}/api/docs`, { redirect: 'follow' });
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger');
    const home = await fetch(`${server.baseUrl}/`);
    expect(await home.text()).toContain('Kith is running');
    const unknown = await call('GET', '/api/nope');
    expect(unknown.status).toBe(401);
  });
});
