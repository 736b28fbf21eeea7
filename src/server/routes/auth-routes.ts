import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CSRF_COOKIE, csrfTokenOf, SESSION_COOKIE } from '../../auth/session-service.js';
import {
  type CountedAttempt,
  type SignInThrottle,
  type ThrottleSubject,
  TooManyAttemptsError,
} from '../../auth/sign-in-throttle.js';
import { INVITE_VALID_DAYS } from '../../auth/invite-service.js';
import { signInAccountOf } from '../../auth/user-service.js';
import { AuthenticationError, ForbiddenError } from '../../domain/errors.js';
import type { KithServices } from '../../services.js';
import { actorOf, currentUser } from '../auth-guard.js';
import { ErrorSchema, errorResponses, IdParams, UserSchema } from '../schemas.js';

const InviteSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    role: z.enum(['admin', 'agent']),
    invited_by: z.string().nullable(),
    created_at: z.string(),
    sent_at: z.string().nullable().describe('When the invitation e-mail last went out; null when none did'),
    expires_at: z.string(),
    status: z.enum(['pending', 'expired']),
  })
  .meta({ id: 'Invite' });
const IssuedInviteSchema = z
  .object({
    invite: InviteSchema,
    sent: z.boolean().describe('Whether the invitation was e-mailed (SMTP_URL)'),
    link: z
      .string()
      .nullable()
      .describe('The one-time link, for the admin to pass on, when it was not e-mailed; null when it was'),
    mail_error: z.string().nullable(),
  })
  .meta({ id: 'IssuedInvite' });

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

/** Answers a refused attempt with Retry-After; an allowed one goes on to check its credentials. */
export async function beginAttempt(
  throttle: SignInThrottle,
  subject: ThrottleSubject,
  reply: FastifyReply,
): Promise<CountedAttempt> {
  const verdict = await throttle.begin(subject);
  if (verdict.allowed) return verdict.attempt;
  reply.header('retry-after', String(verdict.retryAfterSeconds));
  throw new TooManyAttemptsError(subject.kind, verdict.limitedBy, verdict.retryAfterSeconds);
}

export const throttledResponses = { ...errorResponses, 429: ErrorSchema };

export function authRoutes(services: KithServices): FastifyPluginAsyncZod {
  const { users, sessions, tokens, setup, invites } = services;
  // Links are to the address the admin reached Kith at, unless KITH_PUBLIC_URL says otherwise.
  const linkBase = (request: FastifyRequest) =>
    services.config.publicUrl ?? `${request.protocol}://${request.host}`;
  const { signInThrottle } = services;
  return async (app) => {
    // Secure whenever the browser reached us over HTTPS (as a trusted proxy reports it: KITH_TRUST_PROXY).
    const sessionCookieOptions = (request: FastifyRequest) => ({
      path: '/',
      httpOnly: true,
      sameSite: 'lax' as const,
      secure: request.protocol === 'https',
    });
    // Not httpOnly: the page's script reads it and echoes it in the X-CSRF-Token header.
    const csrfCookieOptions = (request: FastifyRequest) => ({
      path: '/',
      httpOnly: false,
      sameSite: 'strict' as const,
      secure: request.protocol === 'https',
    });

    /**
     * Signs `user` in on this browser: a new session and its CSRF cookie. The session the browser held
     * until now (another user's, or an earlier sign-in) ends on the server too, not only in the
     * browser's cookie jar.
     */
    const startSession = async (request: FastifyRequest, reply: FastifyReply, userId: string) => {
      const previous = request.cookies[SESSION_COOKIE];
      if (previous) await sessions.destroy(previous);
      const session = await sessions.create(userId, {
        userAgent: request.headers['user-agent'],
        ipAddress: request.ip,
      });
      reply.setCookie(SESSION_COOKIE, session.value, {
        ...sessionCookieOptions(request),
        expires: session.expiresAt,
      });
      reply.setCookie(CSRF_COOKIE, csrfTokenOf(session.value), {
        ...csrfCookieOptions(request),
        expires: session.expiresAt,
      });
    };

    app.post('/auth/login', {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary: `Sign in with email and password; sets the session cookie (${SESSION_COOKIE}) and the CSRF cookie (${CSRF_COOKIE})`,
        description:
          'Failed attempts are throttled per account (every spelling of one e-mail counts as one) and per client address, with growing waits; a throttled attempt answers 429 with Retry-After and is not checked.',
        body: z.object({ email: z.string(), password: z.string() }),
        response: { 200: UserSchema, ...throttledResponses },
      },
      handler: async (request, reply) => {
        const { email, password } = request.body;
        const attempt = await beginAttempt(
          signInThrottle,
          { kind: 'sign_in', address: request.ip, account: signInAccountOf(email) },
          reply,
        );
        const user = await users.authenticate(email, password);
        if (!user) throw new AuthenticationError('email or password is wrong, or the account is disabled');
        await attempt.succeeded();
        await startSession(request, reply, user.id);
        return user;
      },
    });

    app.post('/auth/logout', {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Sign out (ends this session and clears its cookies)',
        response: { 204: z.null(), ...errorResponses },
      },
      handler: async (request, reply) => {
        const cookie = request.cookies[SESSION_COOKIE];
        if (cookie) await sessions.destroy(cookie);
        reply.clearCookie(SESSION_COOKIE, sessionCookieOptions(request));
        reply.clearCookie(CSRF_COOKIE, csrfCookieOptions(request));
        return reply.status(204).send(null);
      },
    });

    app.get('/auth/me', {
      config: { access: 'agent' },
      schema: {
        tags: ['auth'],
        summary: `The signed-in user; (re)issues the ${CSRF_COOKIE} cookie when the session has none`,
        response: { 200: UserSchema, ...errorResponses },
      },
      handler: async (request, reply) => {
        const sessionValue = request.cookies[SESSION_COOKIE];
        if (request.authMethod === 'session' && sessionValue) {
          // Sessions from before the CSRF cookie existed, or whose cookie was lost, get it back here.
          const token = csrfTokenOf(sessionValue);
          if (request.cookies[CSRF_COOKIE] !== token)
            reply.setCookie(CSRF_COOKIE, token, csrfCookieOptions(request));
        }
        return currentUser(request);
      },
    });

    app.get('/setup', {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary:
          'Whether Kith still waits for its first administrator (the set-up page says so before any typing)',
        description:
          'Says nothing of any token: whether a link is valid is only told by POST /api/setup, which is throttled.',
        response: { 200: z.object({ needed: z.boolean() }), ...errorResponses },
      },
      handler: async () => ({ needed: await setup.needed() }),
    });

    app.post('/setup', {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Create the first admin with the one-time setup token printed at first start',
        description:
          'Wrong tokens are throttled per client address together with failed sign-ins; a throttled attempt answers 429 with Retry-After and is not checked.',
        body: z.object({
          token: z.string(),
          email: z.string(),
          password: z.string(),
          name: z.string().nullable().optional(),
        }),
        response: { 201: UserSchema, ...throttledResponses },
      },
      handler: async (request, reply) => {
        const { token, ...input } = request.body;
        const attempt = await beginAttempt(
          signInThrottle,
          { kind: 'setup', address: request.ip, account: null },
          reply,
        );
        let user;
        try {
          user = await setup.createFirstAdmin(token, input);
        } catch (error) {
          // Only a wrong token is a guess; setup already done or a too short password is not.
          if (!(error instanceof AuthenticationError)) await attempt.withdraw();
          throw error;
        }
        await attempt.withdraw();
        reply.status(201);
        return user;
      },
    });

    app.get('/users/invites', {
      config: { access: 'admin' },
      schema: {
        tags: ['users'],
        summary: 'Invitations not yet accepted or revoked (expired ones too, to resend), newest first',
        response: {
          200: z.object({
            data: z.array(InviteSchema),
            mails: z.boolean().describe('Whether invitations are e-mailed (SMTP_URL is set)'),
          }),
          ...errorResponses,
        },
      },
      handler: async () => ({ data: await invites.list(), mails: invites.mails }),
    });
    app.post('/users/invites', {
      config: { access: 'admin', answerHoldsSecret: true },
      schema: {
        tags: ['users'],
        summary: `Invite an e-mail address with a role: a one-time link /invite#token=… valid ${INVITE_VALID_DAYS} days, e-mailed through SMTP_URL or answered for the admin to pass on`,
        body: z.object({
          email: z.string(),
          role: z.string(),
          language: z.enum(['en', 'zh']).optional().describe("The e-mail's language (default: the admin's)"),
        }),
        response: { 201: IssuedInviteSchema, ...errorResponses },
      },
      handler: async (request, reply) => {
        const { language, ...input } = request.body;
        const issued = await invites.invite(
          input,
          actorOf(request),
          linkBase(request),
          language ?? currentUser(request).language ?? 'en',
        );
        reply.status(201);
        return issued;
      },
    });
    app.post('/users/invites/:id/resend', {
      config: { access: 'admin', answerHoldsSecret: true },
      schema: {
        tags: ['users'],
        summary: `Send an invitation again with a new link (the old one stops working), valid another ${INVITE_VALID_DAYS} days`,
        params: IdParams,
        body: z.object({ language: z.enum(['en', 'zh']).optional() }).optional(),
        response: { 200: IssuedInviteSchema, ...errorResponses },
      },
      handler: async (request) =>
        invites.resend(
          request.params.id,
          actorOf(request),
          linkBase(request),
          request.body?.language ?? currentUser(request).language ?? 'en',
        ),
    });
    app.delete('/users/invites/:id', {
      config: { access: 'admin' },
      schema: {
        tags: ['users'],
        summary: 'Revoke an invitation (its link stops working)',
        params: IdParams,
        response: { 204: z.null(), ...errorResponses },
      },
      handler: async (request, reply) => {
        await invites.revoke(request.params.id, actorOf(request));
        return reply.status(204).send(null);
      },
    });
    app.post('/auth/invite', {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary:
          "An invitation's e-mail and role, from its token (410 invite_invalid when used, revoked or expired)",
        body: z.object({ token: z.string() }),
        response: {
          200: z.object({ email: z.string(), role: z.enum(['admin', 'agent']), expires_at: z.string() }),
          410: ErrorSchema,
          ...errorResponses,
        },
      },
      handler: async (request) => invites.describe(request.body.token),
    });
    app.post('/auth/invite/accept', {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary: `Accept an invitation: become the invited user with a name and password, signed in (sets ${SESSION_COOKIE} and ${CSRF_COOKIE}); the link works once`,
        body: z.object({ token: z.string(), password: z.string(), name: z.string().nullable().optional() }),
        response: { 201: UserSchema, 410: ErrorSchema, ...errorResponses },
      },
      handler: async (request, reply) => {
        const { token, ...input } = request.body;
        const user = await invites.accept(token, input);
        await startSession(request, reply, user.id);
        reply.status(201);
        return user;
      },
    });

    app.get('/users/directory', {
      config: { access: 'agent' },
      schema: {
        tags: ['users'],
        summary: 'Who is who: every user by id, name and e-mail',
        description:
          'For anyone signed in, to name the people in histories, merges and assignments (the full list with roles and states is `GET /api/users`, for administrators).',
        response: {
          200: z.object({
            data: z.array(z.object({ id: z.string(), name: z.string().nullable(), email: z.string() })),
          }),
          ...errorResponses,
        },
      },
      handler: async () => ({
        data: (await users.list()).map(({ id, name, email }) => ({ id, name, email })),
      }),
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
      config: { access: 'agent', answerHoldsSecret: true },
      schema: {
        tags: ['auth'],
        summary: 'Create an API token for yourself; the secret is shown only in this answer',
        description:
          'One user may hold 100 tokens that are not revoked: one more answers 409 `too_many_tokens`; revoke one first.',
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
        return reply.status(204).send(null);
      },
    });
  };
}
