/**
 * The change feed over HTTP: every contact change in commit order from a cursor, for other systems to
 * follow (src/sync/change-feed.ts says why a cursor never skips or repeats one).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CONTACT_CHANGE_KINDS } from '../../contacts/contact-change-log.js';
import type { KithServices } from '../../services.js';
import { FEED_INCLUDES, MAX_FEED_LIMIT } from '../../sync/change-feed.js';
import { changeFeedPageJson } from '../../sync/change-feed-json.js';
import { ContactSchema, errorResponses, wholeNumberParam } from '../schemas.js';

const ChangeEntrySchema = z.object({
  cursor: z.string().describe('Opaque; `after` this to read on.'),
  contact_id: z.string(),
  kind: z.enum(CONTACT_CHANGE_KINDS),
  changed_fields: z.array(z.string()),
  hash: z.string().describe("Hex SHA-256 of the contact's canonical form after the change."),
  origin: z
    .string()
    .describe('api, ui, cli, automation, import:<id>, merge:<id>, deletion:<id>, sync:<id> …'),
  at: z.string(),
  contact: ContactSchema.nullable()
    .optional()
    .describe(
      'The contact right after the change; null for deleted / merged_into; absent with `include=none`.',
    ),
  contact_state: z
    .enum(['after_change', 'latest'])
    .nullable()
    .optional()
    .describe(
      '`after_change`: the state `hash` names; `latest`: the current state (the past one could not be rebuilt). Absent with `include=none`.',
    ),
  survivor_id: z.string().nullable().describe('merged_into: the contact it was merged into.'),
});

export function changeRoutes(services: KithServices): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/changes', {
      config: { access: 'admin' },
      schema: {
        tags: ['contacts'],
        summary: 'Read the contact change feed from a cursor',
        description:
          'Entries in commit order after `after` (from the start without it). Follow `next_cursor`: no change is skipped or repeated, also under concurrent writers. `has_more` says the page was full; then a `Link` header (rel="next") names the next page, so that a client can ask for it before reading this one\'s body.',
        querystring: z.object({
          after: z.string().optional().describe('`next_cursor` (or an entry’s `cursor`) of an earlier read.'),
          limit: wholeNumberParam(1, MAX_FEED_LIMIT)
            .optional()
            .describe(`1–${MAX_FEED_LIMIT}, default 1,000.`),
          include: z
            .enum(FEED_INCLUDES)
            .optional()
            .describe(
              '`contact` (default): each entry with the contact after the change; `none`: without it, for followers that need only which contacts changed and their hashes (a quarter of the bytes, no contact read).',
            ),
        }),
        response: {
          200: z.object({
            data: z.array(ChangeEntrySchema),
            next_cursor: z.string(),
            has_more: z.boolean(),
          }),
          ...errorResponses,
        },
      },
      handler: async (request, reply) => {
        const { after, limit, include } = request.query;
        const page = await services.changes.read(after, limit, include);
        if (page.has_more) {
          const next = new URLSearchParams({ after: page.next_cursor });
          if (limit !== undefined) next.set('limit', String(limit));
          if (include !== undefined) next.set('include', include);
          void reply.header('link', `</api/changes?${next.toString()}>; rel="next"`);
        }
        // Built by the feed in the documented shape and written as bytes directly (change-feed-json.ts);
        // checking 10,000 contacts against the schema again would cost more than reading them.
        // (Fastify sends a Buffer as it is; the typed reply knows only the page's shape.)
        const bytes = changeFeedPageJson(page) as unknown as typeof page;
        return reply.type('application/json; charset=utf-8').send(bytes);
      },
    });
  };
}
