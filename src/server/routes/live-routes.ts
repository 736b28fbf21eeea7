/**
 * `GET /api/live`: the agent workspace's live stream (server-sent events) of conversation changes the
 * caller may see. The stream itself is src/server/live-stream.ts.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { KithError, ValidationError } from '../../domain/errors.js';
import type { KithServices } from '../../services.js';
import { credentialRecheck, currentUser } from '../auth-guard.js';
import type { LiveHub } from '../live-stream.js';
import { ErrorSchema, errorResponses } from '../schemas.js';

function cursorOf(value: string | undefined, field: string): number | null {
  if (value === undefined || value === '') return null;
  if (!/^\d{1,15}$/.test(value))
    throw new ValidationError(field, value, 'must be an event id from this stream');
  return Number(value);
}

export function liveRoutes(hub: LiveHub, services: KithServices): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/live', {
      config: { access: 'agent' },
      schema: {
        tags: ['conversations'],
        summary: 'Live conversation changes (server-sent events)',
        description:
          '`text/event-stream` of the conversations the caller may see (agents: their inboxes). Each `conversation` event has the stream number as `id` and data `{"seq", "kind": "created" | "updated" | "message", "conversation", "message"}`. Reconnect with `Last-Event-ID` (or `?after=`) to be sent what was missed first; an `event: reset` means too much was missed: load the lists again. `event: ready` follows the catch-up; comment lines are heartbeats. One user may hold 20 streams at once (browser tabs, programs): one more answers 429 too_many_streams.',
        querystring: z.object({
          after: z.string().optional().describe('the last event id seen (as Last-Event-ID)'),
        }),
        response: { 200: z.string().describe('text/event-stream'), ...errorResponses, 429: ErrorSchema },
      },
      handler: async (request, reply) => {
        const user = currentUser(request);
        const header = request.headers['last-event-id'];
        const after =
          cursorOf(typeof header === 'string' ? header.trim() : undefined, 'Last-Event-ID') ??
          cursorOf(request.query.after, 'after');
        const release = hub.reserve(user.id);
        if (!release)
          throw new KithError(
            'too_many_streams',
            `this user already has ${hub.maxStreamsPerUser} live streams open (GET /api/live: one per browser tab or program), the most one user may hold; close one before opening another`,
            429,
            { limit: hub.maxStreamsPerUser },
          );
        reply.raw.once('close', release);
        // The stream outlives this request: its credential is checked again while it is open, so
        // signing out, revoking the token or disabling the user ends it.
        const resolve = credentialRecheck(services, request);
        const recheck = async () => {
          const now = await resolve();
          return now && { userId: now.id, role: now.role };
        };
        reply.hijack();
        await hub.connect(reply.raw, { userId: user.id, role: user.role }, after, recheck);
      },
    });
  };
}
