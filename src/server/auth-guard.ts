/**
 * Runs on every request: identifies the caller from the session cookie or a bearer token and enforces
 * the route's access level. Routes are admin-only unless they say otherwise, so a forgotten setting
 * fails closed.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SESSION_COOKIE } from '../auth/session-service.js';
import type { User } from '../auth/user-service.js';
import type { Actor } from '../domain/actor.js';
import { AuthenticationError, ForbiddenError } from '../domain/errors.js';
import type { KithServices } from '../services.js';

export type Access = 'public' | 'agent' | 'admin';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
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

export function registerAuthGuard(app: FastifyInstance, services: KithServices): void {
  app.decorateRequest('user', null);
  app.decorateRequest('authMethod', null);
  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config?.access ?? 'admin';
    if (access === 'public' && !request.headers.authorization && !request.cookies[SESSION_COOKIE]) return;
    await identify(services, request);
    if (access === 'public') return;
    if (!request.user) throw new AuthenticationError();
    if (request.authMethod === 'session' && !SAFE_METHODS.has(request.method)) {
      // Cookie-authenticated writes must come from our own pages (SameSite=Lax covers modern browsers;
      // this covers the rest).
      const origin = request.headers.origin;
      if (origin && new URL(origin).host !== request.headers.host) {
        throw new ForbiddenError(`cross-site request from ${origin} refused`);
      }
    }
    if (access === 'admin' && request.user.role !== 'admin') throw new ForbiddenError();
  });
}
