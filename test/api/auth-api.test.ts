import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInAccountOf } from '../../src/auth/user-service.js';
import { loadConfig } from '../../src/config.js';
import { SYSTEM_ACTOR } from '../../src/domain/actor.js';
import { listAuditEntries } from '../../src/history/audit-log.js';
import { buildServer } from '../../src/server/app.js';
import { createTestKith, TEST_DIALECT, type TestKith } from '../support/test-kith.js';
import { api, type ApiResponse, startTestServer, type TestServer } from '../support/test-server.js';

/** What a browser keeps from a sign-in: the cookies it sends back, and the CSRF token its page echoes. */
function browserSession(response: ApiResponse): { cookie: string; csrf: string } {
  const pairs = response.headers.getSetCookie().map((c) => c.split(';')[0]!);
  const csrf = pairs.find((p) => p.startsWith('kith_csrf='))?.slice('kith_csrf='.length) ?? '';
  return { cookie: pairs.join('; '), csrf };
}

/** The Set-Cookie line of one cookie in an answer. */
function setCookieOf(response: ApiResponse, name: string): string | undefined {
  return response.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
}

/** A second server over the same store, believing X-Forwarded-* as KITH_TRUST_PROXY says. */
async function startServerBehindProxy(
  kith: TestKith,
  trustProxy = 'true',
): Promise<{ app: FastifyInstance; baseUrl: string }> {
  const app = await buildServer(kith, {
    trustProxy: loadConfig({ ...kith.database.env, KITH_TRUST_PROXY: trustProxy }).trustProxy,
  });
  return { app, baseUrl: await app.listen({ port: 0, host: '127.0.0.1' }) };
}

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
    // Whether set-up is needed is public; a token is not checked by it.
    expect((await call('GET', '/api/setup')).body).toEqual({ needed: true });
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
    const huge = await call('POST', '/api/setup', {
      body: { token, email: 'boss@example.com', password: 'x'.repeat(100_000) },
    });
    expect(huge.status).toBe(400);
    expect(huge.body.error.details).toEqual({
      field: 'password',
      value: '***',
      reason: 'must be at most 1024 characters',
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
    expect((await call('GET', '/api/setup')).body).toEqual({ needed: false });
    expect(await server.kith.setup.issueTokenIfNeeded()).toBeNull();
  });

  it('creates one first admin when the setup link is used by several requests at once', async () => {
    const fresh = await startTestServer();
    try {
      const token = await fresh.kith.setup.issueTokenIfNeeded();
      const answers = await Promise.all(
        [1, 2, 3, 4, 5].map((i) =>
          api(fresh.baseUrl, 'POST', '/api/setup', {
            body: { token, email: `first${i}@example.com`, password: 'long enough' },
          }),
        ),
      );
      expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409, 409, 409]);
      for (const refused of answers.filter((a) => a.status === 409))
        expect(refused.body.error.code).toBe('setup_done');
      expect((await fresh.kith.users.list()).map((u) => u.role)).toEqual(['admin']);
    } finally {
      await fresh.close();
    }
  });

  it('keeps an active admin when the last two demote or disable each other at once', async () => {
    const fresh = await startTestServer();
    try {
      const { users, tokens } = fresh.kith;
      const [a, b] = [
        await users.create({ email: 'a@example.com', password: 'long enough', role: 'admin' }, SYSTEM_ACTOR),
        await users.create({ email: 'b@example.com', password: 'long enough', role: 'admin' }, SYSTEM_ACTOR),
      ];
      for (const change of [{ role: 'agent' }, { disabled: true }]) {
        for (const u of [a, b]) await users.update(u.id, { role: 'admin', disabled: false }, SYSTEM_ACTOR);
        const [tokenA, tokenB] = [
          (await tokens.create(a.id, 'a', SYSTEM_ACTOR)).token,
          (await tokens.create(b.id, 'b', SYSTEM_ACTOR)).token,
        ];
        const answers = await Promise.all([
          api(fresh.baseUrl, 'PATCH', `/api/users/${b.id}`, { token: tokenA, body: change }),
          api(fresh.baseUrl, 'PATCH', `/api/users/${a.id}`, { token: tokenB, body: change }),
        ]);
        // The later one is refused: as the last active admin's own request, or before that (its sender
        // was no longer an admin when it was read).
        expect(answers.filter((x) => x.status === 200)).toHaveLength(1);
        for (const refused of answers.filter((x) => x.status !== 200))
          expect(refused.status === 400 ? refused.body.error.details.reason : String(refused.status)).toMatch(
            /^the last active admin cannot be demoted or disabled$|^40[13]$/,
          );
        const active = (await users.list()).filter((u) => u.role === 'admin' && !u.disabled);
        expect(active).toHaveLength(1);
      }
    } finally {
      await fresh.close();
    }
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

  it('signs in with a password into a cookie session with a CSRF cookie, and signs out', async () => {
    const wrong = await call('POST', '/api/auth/login', {
      body: { email: 'boss@example.com', password: 'nope nope' },
    });
    expect(wrong.status).toBe(401);
    const login = await call('POST', '/api/auth/login', {
      body: { email: 'BOSS@example.com', password: 'long enough' },
    });
    expect(login.status).toBe(200);
    const sessionCookie = setCookieOf(login, 'kith_session') ?? '';
    expect(sessionCookie).toMatch(/^kith_session=[^;]+;.*HttpOnly/i);
    expect(sessionCookie).toMatch(/SameSite=Lax/i);
    const csrfCookie = setCookieOf(login, 'kith_csrf') ?? '';
    expect(csrfCookie).toMatch(/^kith_csrf=[A-Za-z0-9_-]{40,};/);
    expect(csrfCookie).toMatch(/Path=\//);
    expect(csrfCookie).toMatch(/SameSite=Strict/i);
    expect(csrfCookie).not.toMatch(/HttpOnly/i);
    const { cookie, csrf } = browserSession(login);
    const me = await call('GET', '/api/auth/me', { cookie });
    expect(me.body).toMatchObject({ email: 'boss@example.com', role: 'admin' });
    const created = await call('POST', '/api/contacts', {
      cookie,
      body: { name: 'From the browser' },
      headers: { 'x-csrf-token': csrf },
    });
    expect(created.status).toBe(201);
    const history = await call('GET', `/api/contacts/${created.body.id}/history`, { cookie });
    expect(history.body.data[0]).toMatchObject({ channel: 'ui', actor_id: me.body.id });
    const crossSite = await call('POST', '/api/contacts', {
      cookie,
      body: { name: 'x' },
      headers: { origin: 'https://evil.example', 'x-csrf-token': csrf },
    });
    expect(crossSite.status).toBe(403);
    const logout = await call('POST', '/api/auth/logout', { cookie, headers: { 'x-csrf-token': csrf } });
    expect(logout.status).toBe(204);
    // Both cookies are cleared (expired), not just forgotten on the server.
    expect(setCookieOf(logout, 'kith_session')).toMatch(/^kith_session=;.*Expires=Thu, 01 Jan 1970/);
    expect(setCookieOf(logout, 'kith_csrf')).toMatch(/^kith_csrf=;.*Expires=Thu, 01 Jan 1970/);
    expect((await call('GET', '/api/auth/me', { cookie })).status).toBe(401);
  });

  it('ends the session a browser held when it signs in again, on the server too', async () => {
    const first = browserSession(
      await call('POST', '/api/auth/login', { body: { email: 'boss@example.com', password: 'long enough' } }),
    );
    expect((await call('GET', '/api/auth/me', { cookie: first.cookie })).status).toBe(200);
    const again = await call('POST', '/api/auth/login', {
      cookie: first.cookie,
      headers: { 'x-csrf-token': first.csrf },
      body: { email: 'boss@example.com', password: 'long enough' },
    });
    expect(again.status).toBe(200);
    const second = browserSession(again);
    expect(second.cookie).not.toBe(first.cookie);
    expect((await call('GET', '/api/auth/me', { cookie: second.cookie })).status).toBe(200);
    // The cookie the browser no longer holds opens nothing, whoever kept a copy of it.
    expect((await call('GET', '/api/auth/me', { cookie: first.cookie })).status).toBe(401);
    await call('POST', '/api/auth/logout', {
      cookie: second.cookie,
      headers: { 'x-csrf-token': second.csrf },
    });
  });

  it("refuses cookie-authenticated writes without the session's CSRF token (403 csrf); bearer tokens need none", async () => {
    const login = await call('POST', '/api/auth/login', {
      body: { email: 'boss@example.com', password: 'long enough' },
    });
    const { cookie, csrf } = browserSession(login);
    const sessionOnly = cookie.split('; ').find((c) => c.startsWith('kith_session='))!;
    const attempts: [string, { cookie: string; headers?: Record<string, string> }, RegExp][] = [
      ['no header', { cookie }, /must send the value of the kith_csrf cookie in the X-CSRF-Token header/],
      ['wrong header', { cookie, headers: { 'x-csrf-token': 'not-the-token' } }, /does not match/],
      [
        'header without the cookie',
        { cookie: sessionOnly, headers: { 'x-csrf-token': csrf } },
        /kith_csrf cookie is missing/,
      ],
      [
        // A neighbouring site can plant a cookie of its own; it is not this session's token.
        'planted cookie and matching header',
        {
          cookie: `${sessionOnly}; kith_csrf=planted-by-a-neighbour`,
          headers: { 'x-csrf-token': 'planted-by-a-neighbour' },
        },
        /does not belong to this session/,
      ],
    ];
    for (const [what, options, message] of attempts) {
      const refused = await call('POST', '/api/contacts', { ...options, body: { name: 'Forged' } });
      expect(refused.status, what).toBe(403);
      expect(refused.body.error.code, what).toBe('csrf');
      expect(refused.body.error.message, what).toMatch(message);
    }
    const patched = await call('DELETE', '/api/tokens/tok_nonexistent', { cookie });
    expect(patched.status).toBe(403);
    expect(patched.body.error.code).toBe('csrf');
    expect((await call('POST', '/api/auth/logout', { cookie })).body.error.code).toBe('csrf');

    const accepted = await call('POST', '/api/contacts', {
      cookie,
      body: { name: 'With the token' },
      headers: { 'x-csrf-token': csrf },
    });
    expect(accepted.status).toBe(201);
    const boss = (await server.kith.users.findByEmail('boss@example.com'))!;
    const token = (await server.kith.tokens.create(boss.id, 'a program', SYSTEM_ACTOR)).token;
    const program = await call('POST', '/api/contacts', { token, body: { name: 'From a program' } });
    expect(program.status).toBe(201);
    // A bearer token wins over a cookie sent beside it, and needs no CSRF token either.
    const both = await call('POST', '/api/contacts', { token, cookie, body: { name: 'Token and cookie' } });
    expect(both.status).toBe(201);
    expect(
      (await call('POST', '/api/auth/logout', { cookie, headers: { 'x-csrf-token': csrf } })).status,
    ).toBe(204);
  });

  it('gives a session without a CSRF cookie one at GET /api/auth/me', async () => {
    const login = await call('POST', '/api/auth/login', {
      body: { email: 'boss@example.com', password: 'long enough' },
    });
    const { cookie, csrf } = browserSession(login);
    const sessionOnly = cookie.split('; ').find((c) => c.startsWith('kith_session='))!;
    const me = await call('GET', '/api/auth/me', { cookie: sessionOnly });
    expect(me.status).toBe(200);
    const reissued = setCookieOf(me, 'kith_csrf') ?? '';
    expect(reissued).toMatch(/SameSite=Strict/i);
    expect(reissued).not.toMatch(/HttpOnly/i);
    const token = reissued.split(';')[0]!.slice('kith_csrf='.length);
    expect(token).toBe(csrf);
    const created = await call('POST', '/api/contacts', {
      cookie: `${sessionOnly}; kith_csrf=${token}`,
      body: { name: 'After /me' },
      headers: { 'x-csrf-token': token },
    });
    expect(created.status).toBe(201);
    // A session that has its cookie is not sent it again.
    expect(setCookieOf(await call('GET', '/api/auth/me', { cookie }), 'kith_csrf')).toBeUndefined();
  });

  it('answers 403, not 500, to a malformed or foreign Origin on a cookie-authenticated write', async () => {
    const login = await call('POST', '/api/auth/login', {
      body: { email: 'boss@example.com', password: 'long enough' },
    });
    const { cookie, csrf } = browserSession(login);
    const own = new URL(server.baseUrl);
    const write = (headers: Record<string, string>) =>
      call('POST', '/api/contacts', {
        cookie,
        body: { name: 'Origin test' },
        headers: { 'x-csrf-token': csrf, ...headers },
      });
    for (const [origin, message] of [
      ['null', /is not a web origin/],
      [`http://127.0.0.1:${own.port}.evil.test`, /is not a web origin/],
      ['garbage', /is not a web origin/],
      ['http://[::1', /is not a web origin/],
      [
        `https://127.0.0.1:${own.port}`,
        /cross-site request from https:\/\/127\.0\.0\.1:\d+ refused.*KITH_TRUST_PROXY/,
      ],
      [
        `http://127.0.0.1:${Number(own.port) + 1}`,
        /cross-site request from .* refused: this server is http:\/\/127\.0\.0\.1:\d+$/,
      ],
      [`http://localhost:${own.port}`, /cross-site request from http:\/\/localhost:\d+ refused/],
      ['https://evil.example', /cross-site request from https:\/\/evil\.example refused/],
    ] as const) {
      const refused = await write({ origin });
      expect(refused.status, origin).toBe(403);
      expect(refused.body.error.code, origin).toBe('forbidden');
      expect(refused.body.error.message, origin).toMatch(message);
    }
    const crossSite = await write({ 'sec-fetch-site': 'cross-site' });
    expect(crossSite.status).toBe(403);
    expect(crossSite.body.error.message).toContain('Sec-Fetch-Site: cross-site');
    expect((await write({ origin: own.origin, 'sec-fetch-site': 'same-origin' })).status).toBe(201);
    // Sign-in carries no credential yet, but a foreign page must not sign a browser in either.
    const foreignSignIn = await call('POST', '/api/auth/login', {
      body: { email: 'boss@example.com', password: 'long enough' },
      headers: { origin: 'null' },
    });
    expect(foreignSignIn.status).toBe(403);
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
    // One settings shape, shared by an import and the earlier import a failure file came from.
    expect(openapi.body.components.schemas.Import.properties.settings.$ref).toBe(
      '#/components/schemas/ImportSettings',
    );
    expect(openapi.body.components.schemas.ImportSettings.properties.source_policy).toBeDefined();
    expect(openapi.body.components.schemas.Contact.properties.identities).toBeDefined();
    const docs = await fetch(`${server.baseUrl}/api/docs`, { redirect: 'follow' });
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger');
    // The web app (or, before `npm run build`, a page saying how to build it) at / and at its routes.
    for (const page of ['/', '/customers/ct_x?tab=history']) {
      const home = await fetch(`${server.baseUrl}${page}`);
      expect(home.status).toBe(200);
      expect(home.headers.get('content-type')).toContain('text/html');
      expect(home.headers.get('cache-control')).toBe('no-store');
      expect(await home.text()).toMatch(/<div id="root"><\/div>|Kith is running/);
    }
    const unknown = await call('GET', '/api/nope');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('route_not_found');
  });
});

describe(`sign-in throttling on ${TEST_DIALECT}`, () => {
  let server: TestServer;
  // Behind a trusted proxy, X-Forwarded-For names the client: each test speaks from addresses of its own.
  let proxied: { app: FastifyInstance; baseUrl: string };
  const signIn = (email: string, password: string, from: string, baseUrl = proxied.baseUrl) =>
    api(baseUrl, 'POST', '/api/auth/login', {
      body: { email, password },
      headers: { 'x-forwarded-for': from },
    });
  const failuresOf = async (key: string) =>
    (
      await server.kith.store.db
        .selectFrom('sign_in_throttle')
        .select('failures')
        .where('key', '=', key)
        .executeTakeFirst()
    )?.failures;
  const throttledAudit = async (entityType: string, entityId: string) =>
    (await listAuditEntries(server.kith.store.db, entityType, entityId, { limit: 100 })).filter(
      (e) => e.action === 'throttled',
    );

  beforeAll(async () => {
    server = await startTestServer();
    proxied = await startServerBehindProxy(server.kith);
  });
  afterAll(async () => {
    await proxied.app.close();
    await server.close();
  });

  // Every spelling sign-in folds to fiona@example.com.
  const SPELLINGS = [
    'fiona@example.com',
    'FIONA@EXAMPLE.COM',
    'Fiona@Example.com',
    '  fiona@example.com  ',
    '\u3000fiona@example.com\t',
    'ｆｉｏｎａ@ｅｘａｍｐｌｅ.ｃｏｍ',
    'fiona＠example．com',
    'mailto:fiona@example.com',
    'MAILTO:Fiona@Example.com',
    'ＭＡＩＬＴＯ：fiona@example.com',
    '\uFB01ona@example.com',
    '𝐟𝐢𝐨𝐧𝐚@example.com',
    'ⓕiona@example.com',
    ' mailto:ｆｉｏｎａ＠ｅｘａｍｐｌｅ．ｃｏｍ ',
  ];

  it('counts every spelling of an e-mail as the same account, and refuses the right password while throttled', async () => {
    for (const spelling of SPELLINGS)
      expect(signInAccountOf(spelling), JSON.stringify(spelling)).toBe('fiona@example.com');
    await server.kith.users.create(
      { email: 'fiona@example.com', password: 'fiona’s password', role: 'agent' },
      SYSTEM_ACTOR,
    );
    // Five wrong passwords, each under another spelling, from another address each.
    for (const [i, spelling] of SPELLINGS.slice(1, 6).entries()) {
      const wrong = await signIn(spelling, `guess ${i}`, `198.51.100.${i + 1}`);
      expect(wrong.status, JSON.stringify(spelling)).toBe(401);
    }
    for (const [i, spelling] of SPELLINGS.entries()) {
      const refused = await signIn(spelling, 'fiona’s password', `198.51.100.${100 + i}`);
      expect(refused.status, JSON.stringify(spelling)).toBe(429);
      expect(refused.body.error.code).toBe('rate_limited');
      expect(refused.body.error.message).toMatch(
        /^too many failed sign-in attempts for this account; try again in \d+ seconds$/,
      );
      expect(refused.body.error.details).toMatchObject({ limited_by: 'account' });
      const retryAfter = Number(refused.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
    }
    // The refusals are audited: one entry for the wait, not one per refused attempt.
    const audit = await throttledAudit('sign_in', 'fiona@example.com');
    expect(audit).toHaveLength(1);
    expect(audit[0]!.changes).toEqual(
      expect.arrayContaining([
        { field: 'account', old: null, new: 'fiona@example.com' },
        { field: 'address', old: null, new: '198.51.100.100' },
        { field: 'limited_by', old: null, new: 'account' },
      ]),
    );
  }, 180_000);

  it('waits longer after each failure past the allowance, and clears the count at a successful sign-in', async () => {
    await server.kith.users.create(
      { email: 'greta@example.com', password: 'greta’s password', role: 'agent' },
      SYSTEM_ACTOR,
    );
    const from = '192.0.2.10';
    for (let i = 0; i < 5; i++)
      expect((await signIn('greta@example.com', `guess ${i}`, from)).status).toBe(401);
    expect((await signIn('greta@example.com', 'greta’s password', from)).status).toBe(429);
    // Time passes: the failures are moved back beyond the first wait (one minute).
    const passTime = (seconds: number) =>
      server.kith.store.db
        .updateTable('sign_in_throttle')
        .set({ last_failure_at: new Date(Date.now() - seconds * 1000).toISOString() })
        .execute();
    await passTime(61);
    expect((await signIn('greta@example.com', 'guess 6', from)).status).toBe(401);
    const longer = await signIn('greta@example.com', 'greta’s password', from);
    expect(longer.status).toBe(429);
    expect(Number(longer.headers.get('retry-after'))).toBeGreaterThan(60);
    expect(Number(longer.headers.get('retry-after'))).toBeLessThanOrEqual(120);
    await passTime(121);
    expect((await signIn('greta@example.com', 'greta’s password', from)).status).toBe(200);
    expect(
      await server.kith.store.db
        .selectFrom('sign_in_throttle')
        .selectAll()
        .where('key', '=', 'account:greta@example.com')
        .execute(),
    ).toEqual([]);
    // A fresh allowance after the success.
    for (let i = 0; i < 5; i++)
      expect((await signIn('greta@example.com', `again ${i}`, from)).status).toBe(401);
    expect((await signIn('greta@example.com', 'greta’s password', from)).status).toBe(429);
  }, 180_000);

  it('lets no more attempts through at once than the account allows', async () => {
    // A burst at a fresh account: each attempt counts before its password is checked, so the ones
    // still being checked hold their places and the rest wait.
    const statuses = await Promise.all(
      Array.from({ length: 12 }, (_, i) => signIn('burst@example.com', `guess ${i}`, `192.0.2.${150 + i}`)),
    );
    expect(statuses.map((r) => r.status).sort()).toEqual([...Array(5).fill(401), ...Array(7).fill(429)]);
  }, 180_000);

  it('throttles one address spraying many accounts', async () => {
    await server.kith.users.create(
      { email: 'hana@example.com', password: 'hana’s password', role: 'agent' },
      SYSTEM_ACTOR,
    );
    const sprayer = '203.0.113.66';
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++)
      statuses.push((await signIn(`user${i}@example.com`, 'Spring2026!', sprayer)).status);
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(401));
    expect(statuses.slice(20)).toEqual(Array(10).fill(429));
    const refused = await signIn('hana@example.com', 'hana’s password', sprayer);
    expect(refused.status).toBe(429);
    expect(refused.body.error.message).toMatch(/from your network address/);
    expect(refused.body.error.details).toMatchObject({ limited_by: 'address' });
    expect((await throttledAudit('sign_in', 'user20@example.com'))[0]!.changes).toEqual(
      expect.arrayContaining([
        { field: 'address', old: null, new: sprayer },
        { field: 'limited_by', old: null, new: 'address' },
      ]),
    );
    // The accounts themselves are not locked: their owners sign in from elsewhere.
    expect((await signIn('hana@example.com', 'hana’s password', '203.0.113.67')).status).toBe(200);
    // One IPv6 subscriber holds a whole /64: its addresses share one allowance.
    expect((await signIn('v6one@example.com', 'x', '2001:db8:1:2::1')).status).toBe(401);
    expect((await signIn('v6two@example.com', 'x', '2001:db8:1:2:ffff::9')).status).toBe(401);
    expect(await failuresOf('address:2001:db8:1:2::/64')).toBe(2);
  }, 180_000);

  it('counts failed sign-ins and wrong setup tokens of every server process on one database together', async () => {
    const kith: TestKith = await createTestKith();
    const first = await startServerBehindProxy(kith);
    const second = await startServerBehindProxy(kith);
    try {
      const token = await kith.setup.issueTokenIfNeeded();
      const from = '192.0.2.77';
      const setup = (baseUrl: string, setupToken: string, address: string) =>
        api(baseUrl, 'POST', '/api/setup', {
          body: { token: setupToken, email: 'first@example.com', password: 'long enough' },
          headers: { 'x-forwarded-for': address },
        });
      for (let i = 0; i < 10; i++) {
        expect((await setup(first.baseUrl, `setup_guess${i}`, from)).status).toBe(401);
        expect((await signIn(`nobody${i}@example.com`, 'guess', from, second.baseUrl)).status).toBe(401);
      }
      const refused = await setup(second.baseUrl, token!, from);
      expect(refused.status).toBe(429);
      expect(refused.body.error.message).toMatch(
        /^too many failed setup attempts from your network address; try again in \d+ seconds$/,
      );
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await kith.users.count()).toBe(0);
      expect(
        (await listAuditEntries(kith.store.db, 'setup', from, { limit: 10 })).map((e) => e.action),
      ).toEqual(['throttled']);
      expect((await setup(first.baseUrl, token!, '192.0.2.78')).status).toBe(201);
      // Setup being done already is no guess: it is answered as often as asked.
      for (let i = 0; i < 25; i++)
        expect((await setup(second.baseUrl, token!, '192.0.2.79')).status).toBe(409);
    } finally {
      await first.app.close();
      await second.app.close();
      await kith.destroy();
    }
  }, 180_000);
});

describe(`KITH_TRUST_PROXY on ${TEST_DIALECT}`, () => {
  let kith: TestKith;
  beforeAll(async () => {
    kith = await createTestKith();
    await kith.users.create(
      { email: 'ida@example.com', password: 'ida’s password', role: 'admin' },
      SYSTEM_ACTOR,
    );
  });
  afterAll(async () => kith.destroy());

  it('reads true, a hop count, or addresses and ranges, and refuses anything else naming it', () => {
    const read = (value: string | undefined) =>
      loadConfig({
        KITH_DATA_DIR: '/tmp/unused',
        ...(value === undefined ? {} : { KITH_TRUST_PROXY: value }),
      }).trustProxy;
    expect(read(undefined)).toBe(false);
    expect(read('')).toBe(false);
    expect(read('false')).toBe(false);
    expect(read('true')).toBe(true);
    expect(read('2')).toBe(2);
    expect(read('10.0.0.0/8, 127.0.0.1,::1, fd00::/8,loopback')).toEqual([
      '10.0.0.0/8',
      '127.0.0.1',
      '::1',
      'fd00::/8',
      'loopback',
    ]);
    expect(() => read('10.0.0.0/8, proxy.internal')).toThrow(
      /KITH_TRUST_PROXY: "proxy\.internal" is not an IP address, a CIDR range/,
    );
    expect(() => read('yes')).toThrow(/KITH_TRUST_PROXY: "yes"/);
  });

  for (const [setting, secure] of [
    ['true', true],
    ['1', true],
    ['127.0.0.1', true],
    ['loopback', true],
    ['10.0.0.0/8', false],
    ['false', false],
  ] as const) {
    it(`${secure ? 'gives' : 'does not give'} cookies Secure for X-Forwarded-Proto: https with KITH_TRUST_PROXY=${setting}`, async () => {
      const server = await startServerBehindProxy(kith, setting);
      try {
        const login = await api(server.baseUrl, 'POST', '/api/auth/login', {
          body: { email: 'ida@example.com', password: 'ida’s password' },
          headers: { 'x-forwarded-proto': 'https', 'x-forwarded-for': '198.51.100.200' },
        });
        expect(login.status).toBe(200);
        for (const name of ['kith_session', 'kith_csrf']) {
          const cookie = setCookieOf(login, name) ?? '';
          expect(cookie, name).toMatch(new RegExp(`^${name}=`));
          if (secure) expect(cookie, name).toMatch(/;\s*Secure/i);
          else expect(cookie, name).not.toMatch(/Secure/i);
        }
        // The browser's page is at https://…; the write is compared against that origin.
        const { cookie, csrf } = browserSession(login);
        const host = new URL(server.baseUrl).host;
        const write = await api(server.baseUrl, 'POST', '/api/contacts', {
          cookie,
          body: { name: 'Behind the proxy' },
          headers: { origin: `https://${host}`, 'x-forwarded-proto': 'https', 'x-csrf-token': csrf },
        });
        expect(write.status).toBe(secure ? 201 : 403);
      } finally {
        await server.app.close();
      }
    });
  }

  it('ignores X-Forwarded-For from a peer it does not trust', async () => {
    const server = await startServerBehindProxy(kith, 'false');
    try {
      const r = await api(server.baseUrl, 'POST', '/api/auth/login', {
        body: { email: 'spoof@example.com', password: 'x' },
        headers: { 'x-forwarded-for': '198.18.0.1' },
      });
      expect(r.status).toBe(401);
      // The failure counts against the peer (this test), not the address it claimed to speak for.
      const keys = await kith.store.db.selectFrom('sign_in_throttle').select('key').orderBy('key').execute();
      expect(keys.map((k) => k.key)).toEqual(['account:spoof@example.com', 'address:127.0.0.1']);
    } finally {
      await server.app.close();
    }
  });
});

describe(`sessions and tokens one user may hold, on ${TEST_DIALECT}`, () => {
  let server: TestServer;
  let userId: string;
  beforeAll(async () => {
    server = await startTestServer();
    userId = (
      await server.kith.users.create(
        { email: 'many@example.com', password: 'many sign-ins', role: 'agent' },
        SYSTEM_ACTOR,
      )
    ).id;
  });
  afterAll(async () => server.close());

  const sessionsOf = async () =>
    server.kith.store.db
      .selectFrom('sessions')
      .select(['id', 'last_seen_at'])
      .where('user_id', '=', userId)
      .execute();

  it('a sign-in past 100 sessions signs out the least recently used one, and expired sessions are forgotten', async () => {
    for (let i = 0; i < 100; i++) await server.kith.sessions.create(userId);
    const db = server.kith.store.db;
    const [stale, expired] = await sessionsOf();
    await db
      .updateTable('sessions')
      .set({ last_seen_at: '2000-01-01T00:00:00.000Z' })
      .where('id', '=', stale!.id)
      .execute();
    await db
      .updateTable('sessions')
      .set({ expires_at: '2000-01-01T00:00:00.000Z' })
      .where('id', '=', expired!.id)
      .execute();
    // Another user's expired session goes too.
    const other = await server.kith.users.create(
      { email: 'other@example.com', password: 'other pass', role: 'agent' },
      SYSTEM_ACTOR,
    );
    await server.kith.sessions.create(other.id);
    await db
      .updateTable('sessions')
      .set({ expires_at: '2000-01-01T00:00:00.000Z' })
      .where('user_id', '=', other.id)
      .execute();

    const login = await api(server.baseUrl, 'POST', '/api/auth/login', {
      body: { email: 'many@example.com', password: 'many sign-ins' },
    });
    expect(login.status).toBe(200);
    const held = await sessionsOf();
    // 100 before it, one expired (forgotten), the new one: 100, so none signed out yet.
    expect(held).toHaveLength(100);
    expect(held.map((s) => s.id)).not.toContain(expired!.id);
    expect(held.map((s) => s.id)).toContain(stale!.id);
    expect(await db.selectFrom('sessions').select('id').where('user_id', '=', other.id).execute()).toEqual(
      [],
    );

    const again = await api(server.baseUrl, 'POST', '/api/auth/login', {
      body: { email: 'many@example.com', password: 'many sign-ins' },
    });
    expect(again.status).toBe(200);
    const after = await sessionsOf();
    expect(after).toHaveLength(100);
    expect(after.map((s) => s.id)).not.toContain(stale!.id);
    const cookie = browserSession(again).cookie;
    expect((await api(server.baseUrl, 'GET', '/api/auth/me', { headers: { cookie } })).status).toBe(200);
  });

  it('refuses a 101st unrevoked API token with 409 too_many_tokens, saying what to do', async () => {
    const tokens = [];
    for (let i = 0; i < 100; i++) tokens.push(await server.kith.tokens.create(userId, `t${i}`, SYSTEM_ACTOR));
    const token = tokens[0]!.token;
    const refused = await api(server.baseUrl, 'POST', '/api/tokens', { token, body: { name: 'one more' } });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('too_many_tokens');
    expect(refused.body.error.message).toMatch(
      /already has 100 API tokens that are not revoked, the most one user may hold \(100\); revoke one/,
    );
    const revoked = await api(server.baseUrl, 'DELETE', `/api/tokens/${tokens[99]!.id}`, { token });
    expect(revoked.status).toBe(204);
    expect(
      (await api(server.baseUrl, 'POST', '/api/tokens', { token, body: { name: 'one more' } })).status,
    ).toBe(201);
  });
});
