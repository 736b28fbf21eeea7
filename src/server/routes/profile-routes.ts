/**
 * The signed-in user's own account: name, language and password (`PATCH /api/auth/me`), and their
 * browser sessions (list, sign out of all the others). Every user may do this for themselves only.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { SESSION_COOKIE, sessionIdOf } from '../../auth/session-service.js';
import { signInAccountOf } from '../../auth/user-service.js';
import { ValidationError } from '../../domain/errors.js';
import type { KithServices } from '../../services.js';
import { actorOf, currentUser } from '../auth-guard.js';
import { errorResponses, UserSchema } from '../schemas.js';
import { beginAttempt, throttledResponses } from './auth-routes.js';

const SessionSchema = z
  .object({
    created_at: z.string().describe('When the session signed in'),
    expires_at: z.string(),
    last_seen_at: z.string().nullable().describe('Its last request, to the minute'),
    user_agent: z
      .string()
      .nullable()
      .describe("The browser's User-Agent at sign-in (its first 512 characters); null for older sessions"),
    ip_address: z
      .string()
      .nullable()
      .describe('The address it signed in from (behind a trusted proxy, the one the proxy names)'),
    current: z.boolean().describe('The session this request came with'),
  })
  .meta({ id: 'Session' });

export function profileRoutes(services: KithServices): FastifyPluginAsyncZod {
  const { users, sessions, signInThrottle } = services;
  return async (app) => {
    /** The cookie value of the asking session; null for a request made with an API token. */
    const ownSession = (cookies: Record<string, string | undefined>, method: string | null) =>
      method === 'session' ? (cookies[SESSION_COOKIE] ?? null) : null;

    app.patch('/auth/me', {
      config: { access: 'agent' },
      schema: {
        tags: ['auth'],
        summary: 'Change your own name, language or password',
        description:
          'A new `password` needs `current_password`; it signs you out of every other session (this one stays). A wrong `current_password` counts as a failed sign-in of the account (a stolen session cannot guess the password): throttled attempts answer 429 with Retry-After. `language` is `en`, `zh` or null (follow the browser). Recorded in the audit log.',
        // Strict: a role or an e-mail sent here is refused, not ignored as if it had been changed.
        body: z.strictObject({
          name: z.string().nullable().optional(),
          language: z.string().nullable().optional(),
          password: z.string().optional(),
          current_password: z.string().optional(),
        }),
        response: { 200: UserSchema, ...throttledResponses },
      },
      handler: async (request, reply) => {
        const session = ownSession(request.cookies, request.authMethod);
        const me = currentUser(request);
        const change = () =>
          users.updateProfile(me.id, request.body, actorOf(request), session ? sessionIdOf(session) : null);
        if (request.body.password === undefined) return change();
        const attempt = await beginAttempt(
          signInThrottle,
          { kind: 'sign_in', address: request.ip, account: signInAccountOf(me.email) },
          reply,
        );
        try {
          const updated = await change();
          await attempt.succeeded();
          return updated;
        } catch (e) {
          // Only a wrong current password counts against the account; a weak new one does not.
          const wrongPassword =
            e instanceof ValidationError && e.field === 'current_password' && request.body.current_password;
          if (!wrongPassword) await attempt.withdraw();
          throw e;
        }
      },
    });

    app.get('/auth/sessions', {
      config: { access: 'agent' },
      schema: {
        tags: ['auth'],
        summary: 'Your signed-in browser sessions, newest first',
        response: { 200: z.object({ data: z.array(SessionSchema) }), ...errorResponses },
      },
      handler: async (request) => ({
        data: await sessions.listForUser(
          currentUser(request).id,
          ownSession(request.cookies, request.authMethod),
        ),
      }),
    });

    app.post('/auth/sessions/revoke-others', {
      config: { access: 'agent' },
      schema: {
        tags: ['auth'],
        summary: 'Sign out of every other session (all of them when called with an API token)',
        description: 'API tokens are not affected; revoke those under /api/tokens.',
        response: { 200: z.object({ revoked: z.number().int() }), ...errorResponses },
      },
      handler: async (request) => ({
        revoked: await sessions.revokeOthers(
          currentUser(request).id,
          ownSession(request.cookies, request.authMethod),
          actorOf(request),
        ),
      }),
    });
  };
}
