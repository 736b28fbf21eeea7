/**
 * The access audit of every route the server registers, read from the Fastify instance itself, so a
 * route added later is audited without anyone remembering to: only the routes on PUBLIC answer a
 * stranger, only the routes on AGENT answer an agent, and the guard enforces both (each other route
 * is called without credentials, and each admin route as an agent).
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSRF_COOKIE, csrfTokenOf, SESSION_COOKIE } from '../../src/auth/session-service.js';
import { SYSTEM_ACTOR } from '../../src/domain/actor.js';
import { buildServer } from '../../src/server/app.js';
import { createTestKith, TEST_DIALECT, type TestKith } from '../support/test-kith.js';

/** What must answer before anyone is signed in: health, sign-in, first-run setup, invitations, the app. */
const PUBLIC = new Set([
  'GET /api/health',
  'POST /api/auth/login',
  'POST /api/auth/logout',
  'GET /api/setup',
  'POST /api/setup',
  'POST /api/auth/invite',
  'POST /api/auth/invite/accept',
  // The API's description (no data): the OpenAPI document and its swagger-ui pages.
  'GET /api/openapi.json',
  'GET /api/docs',
  'GET /api/docs/',
  'GET /api/docs/json',
  'GET /api/docs/yaml',
  'GET /api/docs/static/index.html',
  'GET /api/docs/static/swagger-initializer.js',
  'GET /api/docs/static/*',
  // The web app (src/server/web-app.ts): its page, its client-side addresses, its built assets.
  'GET /',
  'GET /*',
  'GET /assets/*',
]);

/** What an agent may call; everything else needs the admin role. Listing a route here is a decision. */
const AGENT = new Set([
  'GET /api/auth/me',
  'PATCH /api/auth/me',
  'GET /api/auth/sessions',
  'POST /api/auth/sessions/revoke-others',
  'GET /api/users/directory',
  // Their own tokens (an admin's all=true and another's token are refused in the handler).
  'GET /api/tokens',
  'POST /api/tokens',
  'DELETE /api/tokens/:id',
  'GET /api/contacts',
  'POST /api/contacts',
  'POST /api/contacts/upsert',
  'POST /api/contacts/bulk',
  'POST /api/contacts/count',
  'GET /api/contacts/:id',
  'PATCH /api/contacts/:id',
  'PUT /api/contacts/:id',
  'GET /api/contacts/:id/timeline',
  'GET /api/contacts/:id/history',
  'POST /api/contacts/:id/tags',
  'DELETE /api/contacts/:id/tags/:tag',
  'GET /api/contacts/:id/orders',
  'POST /api/contacts/duplicates/check',
  // Exports: orders for agents; a customers export is refused to them by the service, and a file is
  // served to its requester or an admin.
  'GET /api/orders/export',
  'POST /api/exports',
  'GET /api/exports',
  'GET /api/exports/:id',
  'GET /api/exports/:id/file',
  // Their own export's file (someone else's is a 404 to them, as its GET is).
  'DELETE /api/exports/:id',
  'GET /api/tags',
  'GET /api/groups',
  'GET /api/groups/:id',
  'POST /api/groups/:id/members',
  'DELETE /api/groups/:id/members/:contact_id',
  'GET /api/identity-types',
  'GET /api/attributes',
  'GET /api/duplicates/rules',
  'GET /api/duplicates/score',
  'GET /api/duplicates/policy',
  'GET /api/duplicates/scans',
  'GET /api/duplicates/counts',
  'GET /api/duplicates/scans/jobs/:id',
  'GET /api/duplicates',
  'GET /api/duplicates/clusters',
  'GET /api/duplicates/:id',
  'POST /api/duplicates/:id/decision',
  'GET /api/merges',
  'GET /api/merges/:id',
  'GET /api/orders',
  'GET /api/orders/:id',
  'POST /api/conversations',
  'GET /api/conversations',
  'GET /api/conversations/counts',
  'GET /api/conversations/:id',
  'PATCH /api/conversations/:id',
  'POST /api/conversations/:id/messages',
  'GET /api/conversations/:id/messages',
  'GET /api/conversations/:id/events',
  'GET /api/inboxes',
  'GET /api/inboxes/:id',
  'GET /api/teams',
  'GET /api/agents',
  // Their own availability (someone else's is refused in the handler).
  'PUT /api/agents/:user_id/availability',
  'GET /api/reports/agents',
  'GET /api/live',
]);

/** A route's key; HEAD is GET's (Fastify adds it beside each GET, with the GET's access). */
const keyOf = (r: { method: string; url: string }) => `${r.method === 'HEAD' ? 'GET' : r.method} ${r.url}`;
/** An address that reaches the route: each parameter and wildcard filled in. */
const addressOf = (url: string) => url.replace(/:[a-z_]+/g, 'x').replace(/\*$/, 'x');

describe(`every route's access, enumerated from the server, on ${TEST_DIALECT}`, () => {
  let kith: TestKith;
  let app: FastifyInstance;
  let agentToken: string;
  let adminSession: string;
  let adminTokenId: string;

  beforeAll(async () => {
    kith = await createTestKith();
    app = await buildServer(kith);
    await app.ready();
    const agent = await kith.users.create(
      { email: 'agent@example.com', password: 'battery staple', role: 'agent' },
      SYSTEM_ACTOR,
    );
    agentToken = (await kith.tokens.create(agent.id, 'audit', SYSTEM_ACTOR)).token;
    const admin = await kith.users.create(
      { email: 'admin@example.com', password: 'correct horse', role: 'admin' },
      SYSTEM_ACTOR,
    );
    adminSession = (await kith.sessions.create(admin.id)).value;
    adminTokenId = (await kith.tokens.create(admin.id, 'admin', SYSTEM_ACTOR)).id;
  });
  afterAll(async () => {
    await app.close();
    await kith.destroy();
  });

  it('finds the routes (the enumeration itself works)', () => {
    const keys = new Set(app.routeAccess().map(keyOf));
    expect(keys.size).toBeGreaterThan(150);
    for (const key of ['GET /api/contacts', 'POST /api/imports', 'GET /api/health', 'DELETE /api/rules/:id'])
      expect(keys).toContain(key);
  });

  it('answers a stranger only on the public routes', () => {
    const open = [
      ...new Set(
        app
          .routeAccess()
          .filter((r) => r.access === 'public')
          .map(keyOf),
      ),
    ];
    expect(open.filter((key) => !PUBLIC.has(key))).toEqual([]);
    for (const key of ['GET /api/health', 'POST /api/auth/login', 'POST /api/setup'])
      expect(open).toContain(key);
  });

  it('answers an agent only on the agent routes', () => {
    const forAgents = [
      ...new Set(
        app
          .routeAccess()
          .filter((r) => r.access === 'agent')
          .map(keyOf),
      ),
    ];
    expect(forAgents.filter((key) => !AGENT.has(key))).toEqual([]);
    expect([...AGENT].filter((key) => !forAgents.includes(key))).toEqual([]);
  });

  it('keeps an agent to their own tokens on the token routes agents may call', async () => {
    const asAgent = (method: 'GET' | 'DELETE', url: string) =>
      app.inject({ method, url, headers: { authorization: `Bearer ${agentToken}` } });
    expect((await asAgent('GET', '/api/tokens?all=true')).statusCode).toBe(403);
    const own = (await asAgent('GET', '/api/tokens')).json<{ data: { id: string }[] }>().data;
    expect(own.map((t) => t.id)).not.toContain(adminTokenId);
    expect((await asAgent('DELETE', `/api/tokens/${adminTokenId}`)).statusCode).toBe(403);
    expect((await kith.tokens.list()).find((t) => t.id === adminTokenId)).toMatchObject({ revoked: false });
  });

  it('refuses every other route without credentials (401) and every admin route to an agent (403)', async () => {
    const wrong: string[] = [];
    for (const route of app.routeAccess()) {
      if (route.access === 'public') continue;
      const url = addressOf(route.url);
      const method = route.method as 'GET';
      const stranger = await app.inject({ method, url });
      if (stranger.statusCode !== 401)
        wrong.push(`${route.method} ${url} without credentials: ${stranger.statusCode}`);
      if (route.access !== 'admin') continue;
      const agent = await app.inject({ method, url, headers: { authorization: `Bearer ${agentToken}` } });
      if (agent.statusCode !== 403) wrong.push(`${route.method} ${url} as an agent: ${agent.statusCode}`);
    }
    expect(wrong).toEqual([]);
  });

  it('refuses every write signed in with the session cookie but without the CSRF token (403 csrf)', async () => {
    const csrf = csrfTokenOf(adminSession);
    const wrong: string[] = [];
    for (const route of app.routeAccess()) {
      if (['GET', 'HEAD', 'OPTIONS'].includes(route.method)) continue;
      const url = addressOf(route.url);
      const method = route.method as 'POST';
      // The session's own kith_csrf cookie is sent; only the header a foreign page cannot set is missing.
      const cookie = `${SESSION_COOKIE}=${adminSession}; ${CSRF_COOKIE}=${csrf}`;
      const refused = await app.inject({ method, url, headers: { cookie } });
      if (refused.statusCode !== 403 || refused.json<{ error: { code: string } }>().error.code !== 'csrf')
        wrong.push(`${route.method} ${url}: ${refused.statusCode} ${refused.body.slice(0, 80)}`);
      // And from another site, even with the token.
      const foreign = await app.inject({
        method,
        url,
        headers: { cookie, 'x-csrf-token': csrf, origin: 'https://evil.example' },
      });
      if (foreign.statusCode !== 403) wrong.push(`${route.method} ${url} cross-site: ${foreign.statusCode}`);
      // A public write (sign-in, setup, an invitation) carries no credential yet: its origin is checked.
      if (route.access !== 'public') continue;
      const stranger = await app.inject({ method, url, headers: { 'sec-fetch-site': 'cross-site' } });
      if (stranger.statusCode !== 403)
        wrong.push(`${route.method} ${url} cross-site, signed out: ${stranger.statusCode}`);
    }
    expect(wrong).toEqual([]);
  });
});
