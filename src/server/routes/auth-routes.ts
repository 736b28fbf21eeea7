import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { SESSION_COOKIE } from '../../auth/session-service.js';
import { AuthenticationError, ForbiddenError } from '../../domain/errors.js';
import type { KithServices } from '../../services.js';
import { actorOf, currentUser } from '../auth-guard.js';
import { errorResponses, IdParams, UserSchema } from '../schemas.js';

const TokenSchema = z
  .object({
    id: z.string(),
    user_id: z.string(),
    name: z.string(),
    created_at: z.string(),
    last_used_at: z.string().nullable(),
    revoked: z.boolean(),
  })
  .meta({ id: 'ApiToken' });

const LOGIN_ATTEMPTS_PER_MINUTE = 10;

export function authRoutes(services: KithServices): FastifyPluginAsyncZod {
  const { users, sessions, tokens, setup } = services;
  return async (app) => {
    const cookieOptions = (secure: boolean) => ({
      path: '/',
      httpOnly: true,
      sameSite: 'lax' as const,
      secure,
    });

    app.post('/auth/login', {
      config: {
        access: 'public',
        rateLimit: {
          max: LOGIN_ATTEMPTS_PER_MINUTE,
          timeWindow: '1 minute',
          // Per address and per account, so one attacker can neither spray accounts nor lock one out alone.
          keyGenerator: (request) => {
            const email = (request.body as { email?: unknown } | undefined)?.email;
            return `${request.ip}|${typeof email === 'string' ? email.trim().toLowerCase() : ''}`;
          },
        },
      },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with email and password; sets the session cookie',
        body: z.object({ email: z.string(), password: z.string() }),
        response: { 200: UserSchema, ...errorResponses },
      },
      handler: async (request, reply) => {
        const user = await users.authenticate(request.body.email, request.body.password);
        if (!user) throw new AuthenticationError('email or password is wrong, or the account is disabled');
        const session = await sessions.create(user.id);
        reply.setCookie(SESSION_COOKIE, session.value, {
          ...cookieOptions(request.protocol === 'https'),
          expires: session.expiresAt,
        });
        return user;
      },
    });

    app.post('/auth/logout', {
      config: { access: 'public' },
      schema: { tags: ['auth'], summary: 'Sign out (ends this session)', response: { 204: z.null() } },
      handler: async (request, reply) => {
        const cookie = request.cookies[SESSION_COOKIE];
        if (cookie) await sessions.destroy(cookie);
        reply.clearCookie(SESSION_COOKIE, cookieOptions(request.protocol === 'https'));
        reply.status(204).send(null);
      },
    });

    app.get('/auth/me', {
      config: { access: 'agent' },
      schema: {
        tags: ['auth'],
        summary: 'The signed-in user',
        response: { 200: UserSchema, ...errorResponses },
      },
      handler: async (request) => currentUser(request),
    });

    app.post('/setup', {
      config: { access: 'public', rateLimit: { max: LOGIN_ATTEMPTS_PER_MINUTE, timeWindow: '1 minute' } },
      schema: {
        tags: ['auth'],
        summary: 'Create the first admin with the one-time setup token printed at first start',
        body: z.object({
          token: z.string(),
          email: z.string(),
          password: z.string(),
          name: z.string().nullable().optional(),
        }),
        response: { 201: UserSchema, ...errorResponses },
      },
      handler: async (request, reply) => {
        const { token, ...input } = request.body;
        const user = await setup.createFirstAdmin(token, input);
        reply.status(201);
        return user;
      },
    });

    app.get('/users', {
      config: { access: 'admin' },
      schema: {
        tags: ['users'],
        summary: 'List users',
        response: { 200: z.object({ data: z.array(UserSchema) }), ...errorResponses },
      },
      handler: async () => ({ data: await users.list() }),
    });
    app.post('/users', {
      config: { access: 'admin' },
      schema: {
        tags: ['users'],
        summary: 'Create a user',
        body: z.object({
          email: z.string(),
          password: z.string(),
          role: z.string(),
          name: z.string().nullable().optional(),
        }),
        response: { 201: UserSchema, ...errorResponses },
      },
      handler: async (request, reply) => {
        reply.status(201);
        return users.create(request.body, actorOf(request));
      },
    });
    app.patch('/users/:id', {
      config: { access: 'admin' },
      schema: {
        tags: ['users'],
        summary: "Change a user's role, name, password or disabled state",
        params: IdParams,
        body: z.object({
          role: z.string().optional(),
          name: z.string().nullable().optional(),
          password: z.string().optional(),
          disabled: z.boolean().optional(),
        }),
        response: { 200: UserSchema, ...errorResponses },
      },
      handler: async (request) => users.update(request.params.id, request.body, actorOf(request)),
    });

    app.get('/tokens', {
      config: { access: 'agent' },
      schema: {
        tags: ['auth'],
        summary: "Your API tokens (an admin with all=true sees everyone's)",
        querystring: z.object({ all: z.enum(['true', 'false']).optional() }),
        response: { 200: z.object({ data: z.array(TokenSchema) }), ...errorResponses },
      },
      handler: async (request) => {
        const user = currentUser(request);
        const all = request.query.all === 'true';
        if (all && user.role !== 'admin') throw new ForbiddenError();
        return { data: await tokens.list(all ? undefined : user.id) };
      },
    });
    app.post('/tokens', {
      config: { access: 'agent' },
      schema: {
        tags: ['auth'],
        summary: 'Create an API token for yourself; the secret is shown only in this answer',
        body: z.object({ name: z.string().nullable().optional() }),
        response: { 201: TokenSchema.extend({ token: z.string() }), ...errorResponses },
      },
      handler: async (request, reply) => {
        reply.status(201);
        return tokens.create(currentUser(request).id, request.body.name, actorOf(request));
      },
    });
    app.delete('/tokens/:id', {
      config: { access: 'agent' },
      schema: {
        tags: ['auth'],
        summary: 'Revoke an API token (yours, or any as admin)',
        params: IdParams,
        response: { 204: z.null(), ...errorResponses },
      },
      handler: async (request, reply) => {
        const user = currentUser(request);
        const token = await tokens.get(request.params.id);
        if (token.user_id !== user.id && user.role !== 'admin')
          throw new ForbiddenError('only an admin can revoke another user’s token');
        await tokens.revoke(token.id, actorOf(request));
        reply.status(204).send(null);
      },
    });
  };
}
