/**
 * The change feed over HTTP: every contact change in commit order from a cursor, for other systems to
 * follow (src/sync/change-feed.ts says why a cursor never skips or repeats one).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CONTACT_CHANGE_KINDS } from '../../contacts/contact-change-log.js';
import type { KithServices } from '../../services.js';
import { MAX_FEED_LIMIT } from '../../sync/change-feed.js';
import { ContactSchema, errorResponses } from '../schemas.js';

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
  contact: ContactSchema.nullable().describe(
    'The contact right after the change; null for deleted / merged_into.',
  ),
  contact_state: z
    .enum(['after_change', 'latest'])
    .nullable()
    .describe(
      '`after_change`: the state `hash` names; `latest`: the current state (the past one could not be rebuilt).',
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
          'Entries in commit order after `after` (from the start without it). Follow `next_cursor`: no change is skipped or repeated, also under concurrent writers. `has_more` says the page was full.',
        querystring: z.object({
          after: z.string().optional().describe('`next_cursor` (or an entry’s `cursor`) of an earlier read.'),
          limit: z.coerce.number().int().optional().describe(`1–${MAX_FEED_LIMIT}, default 1,000.`),
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
        const page = await services.changes.read(request.query.after, request.query.limit);
        // Built by the feed in the documented shape; checking 10,000 contacts against the schema
        // again would cost more than reading them.
        return reply.serializer(JSON.stringify).send(page);
      },
    });
  };
}
