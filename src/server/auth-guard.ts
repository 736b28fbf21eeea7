/**
 * Runs on every request: identifies the caller from the session cookie or a bearer token and enforces
 * the route's access level. Routes are admin-only unless they say otherwise, so a forgotten setting
 * fails closed. Writes a browser could be made to send (cookie-authenticated ones, sign-in, setup)
 * must come from Kith's own origin, and cookie-authenticated ones must echo the session's CSRF token
 * (cookie `kith_csrf`) in the `X-CSRF-Token` header.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import { CSRF_COOKIE, CSRF_HEADER, csrfTokenOf, SESSION_COOKIE } from '../auth/session-service.js';
import type { User } from '../auth/user-service.js';
import type { Actor } from '../domain/actor.js';
import { AuthenticationError, ForbiddenError, KithError } from '../domain/errors.js';
import type { KithServices } from '../services.js';

export type Access = 'public' | 'agent' | 'admin';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyInstance {
    /** Every route registered, with the access the guard enforces on it (for the route audit). */
    routeAccess(): RouteAccess[];
  }
  interface FastifyRequest {
    user: User | null;
    authMethod: 'session' | 'token' | null;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function actorOf(request: FastifyRequest): Actor {
  return { userId: request.user?.id ?? null, channel: request.authMethod === 'session' ? 'ui' : 'api' };
}

export function currentUser(request: FastifyRequest): User {
  if (!request.user) throw new AuthenticationError();
  return request.user;
}

async function identify(services: KithServices, request: FastifyRequest): Promise<void> {
  const header = request.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const user = match ? await services.tokens.resolve(match[1]!) : null;
    if (!user) throw new AuthenticationError('the bearer token is not valid or has been revoked');
    request.user = user;
    request.authMethod = 'token';
    return;
  }
  const cookie = request.cookies[SESSION_COOKIE];
  if (cookie) {
    const user = await services.sessions.resolve(cookie);
    if (user) {
      request.user = user;
      request.authMethod = 'session';
    }
  }
}

/**
 * Resolves the credential this request came with again (its bearer token or session cookie): the user
 * it names now, or null once it was revoked, ended or expired or its user disabled. For answers that
 * outlive their request (the live stream), which must stop serving a caller who is signed out.
 */
export function credentialRecheck(
  services: KithServices,
  request: FastifyRequest,
): () => Promise<User | null> {
  if (request.authMethod === 'token') {
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    const token = match?.[1] ?? '';
    return () => services.tokens.resolve(token);
  }
  if (request.authMethod === 'session') {
    const cookie = request.cookies[SESSION_COOKIE] ?? '';
    return () => services.sessions.resolve(cookie);
  }
  return async () => null;
}

/** 403 `csrf`: a cookie-authenticated write without the session's CSRF token. */
class CsrfError extends KithError {
  constructor(message: string) {
    super('csrf', message, 403);
  }
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Writes a browser may send on a page's behalf must come from Kith's own pages: the same scheme, host
 * and port as this server (as a trusted proxy reports them).
 */
function assertSameOrigin(request: FastifyRequest): void {
  if (request.headers['sec-fetch-site'] === 'cross-site')
    throw new ForbiddenError(
      'cross-site request refused (Sec-Fetch-Site: cross-site): writes are accepted only from Kith’s own pages',
    );
  const origin = request.headers.origin;
  // Programs and some older browsers send no Origin; SameSite cookies and the CSRF token cover those.
  if (origin === undefined) return;
  const own = `${request.protocol}://${request.host}`;
  const ownOrigin = URL.canParse(own) ? new URL(own).origin : null;
  if (ownOrigin === null)
    throw new ForbiddenError(
      `the Host header ${JSON.stringify(request.host)} is not a valid host, so the request’s origin cannot be checked`,
    );
  const claimed = URL.canParse(origin) ? new URL(origin).origin : 'null';
  // "null" is what a sandboxed frame or a file:// page sends; it names no site of ours.
  if (claimed === 'null')
    throw new ForbiddenError(
      `the Origin header ${JSON.stringify(origin)} is not a web origin; writes are accepted only from Kith’s own pages (${ownOrigin})`,
    );
  if (claimed !== ownOrigin) {
    const sameHost = new URL(claimed).host === new URL(ownOrigin).host;
    throw new ForbiddenError(
      `cross-site request from ${claimed} refused: this server is ${ownOrigin}` +
        (sameHost ? ' (behind a proxy that terminates TLS, set KITH_TRUST_PROXY)' : ''),
    );
  }
}

/** Cookie-authenticated writes carry the session's CSRF token in a header a foreign page cannot set. */
function assertCsrfToken(request: FastifyRequest): void {
  const header = request.headers[CSRF_HEADER];
  const cookie = request.cookies[CSRF_COOKIE];
  if (typeof header !== 'string' || header === '')
    throw new CsrfError(
      `a request signed in with the session cookie must send the value of the ${CSRF_COOKIE} cookie in the X-CSRF-Token header`,
    );
  if (!cookie) throw new CsrfError(`the ${CSRF_COOKIE} cookie is missing; GET /api/auth/me issues it again`);
  if (!sameSecret(header, cookie))
    throw new CsrfError(`the X-CSRF-Token header does not match the ${CSRF_COOKIE} cookie`);
  if (!sameSecret(cookie, csrfTokenOf(request.cookies[SESSION_COOKIE] ?? '')))
    throw new CsrfError(
      `the ${CSRF_COOKIE} cookie does not belong to this session; GET /api/auth/me issues the right one`,
    );
}

/** A route and who may call it: `public`, `agent` (and admins), or `admin` (what says nothing). */
export interface RouteAccess {
  method: string;
  url: string;
  access: Access;
}

export function registerAuthGuard(app: FastifyInstance, services: KithServices): void {
  app.decorateRequest('user', null);
  app.decorateRequest('authMethod', null);
  // Each route's options as registered: read when asked, since a plugin's own onRoute hook (the web
  // app's, swagger-ui's) may set its access after this one has seen it.
  const routes: RouteOptions[] = [];
  app.addHook('onRoute', (route) => {
    routes.push(route);
  });
  app.decorate('routeAccess', () =>
    routes.flatMap((route) =>
      [route.method]
        .flat()
        .map((method) => ({ method, url: route.url, access: route.config?.access ?? 'admin' })),
    ),
  );
  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config?.access ?? 'admin';
    if (request.headers.authorization || request.cookies[SESSION_COOKIE]) await identify(services, request);
    // A browser never sends a bearer token on its own; anything else that writes (a session cookie,
    // or sign-in and setup, which carry no credential yet) could be a foreign page's doing.
    if (request.authMethod !== 'token' && !SAFE_METHODS.has(request.method)) {
      assertSameOrigin(request);
      if (request.authMethod === 'session') assertCsrfToken(request);
    }
    if (access === 'public') return;
    if (!request.user) throw new AuthenticationError();
    if (access === 'admin' && request.user.role !== 'admin') throw new ForbiddenError();
  });
}
