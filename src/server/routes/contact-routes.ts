import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { KithServices } from '../../services.js';
import { actorOf } from '../auth-guard.js';
import {
  AuditEntrySchema,
  ContactEventSchema,
  ContactInputSchema,
  ContactSchema,
  errorResponses,
  IdParams,
  PageQuery,
} from '../schemas.js';

const ListQuery = z.looseObject({
  q: z.string().optional().describe('Free text over name, email and phone.'),
  tag: z.string().optional(),
  group: z.string().optional().describe('Group id.'),
  import: z.string().optional().describe('Import id: contacts that import created, updated or matched.'),
  updated_since: z.string().optional().describe('ISO-8601 timestamp.'),
  cursor: z.string().optional(),
  limit: z.coerce.number().int().optional(),
});

export function contactRoutes(services: KithServices): FastifyPluginAsyncZod {
  const { contacts, tags } = services;
  return async (app) => {
    app.get('/contacts', {
      config: { access: 'agent' },
      schema: {
        tags: ['contacts'],
        summary: 'List contacts',
        description: 'Filters combine with AND. `attr.<key>=<value>` filters on a custom attribute.',
        querystring: ListQuery,
        response: {
          200: z.object({ data: z.array(ContactSchema), next_cursor: z.string().nullable() }),
          ...errorResponses,
        },
      },
      handler: async (request) => {
        const { q, tag, group, import: importId, updated_since, cursor, limit, ...rest } = request.query;
        const attributes: Record<string, string> = {};
        for (const [key, value] of Object.entries(rest)) {
          if (key.startsWith('attr.') && typeof value === 'string') attributes[key.slice(5)] = value;
        }
        return contacts.list({ q, tag, group, import: importId, updated_since, cursor, limit, attributes });
      },
    });

    app.post('/contacts', {
      config: { access: 'agent' },
      schema: {
        tags: ['contacts'],
        summary: 'Create a contact',
        description:
          '409 when an email, phone or identity already belongs to another live contact; `details.existing_id` names it. Likely duplicates are listed in `duplicate_candidates`, or refused with 409 `likely_duplicate` when the duplicate policy says `block`.',
        body: ContactInputSchema,
        response: {
          201: ContactSchema.extend({
            duplicate_candidates: z
              .array(z.object({ contact_id: z.string(), score: z.number(), band: z.string() }))
              .optional()
              .describe('existing contacts this one probably duplicates (policy `warn`)'),
          }),
          ...errorResponses,
        },
      },
      handler: async (request, reply) => {
        // The on-create policy: `block` refuses a likely duplicate (409 likely_duplicate), `warn` reports it.
        const candidates = await services.duplicateCheck.guardCreate(request.body);
        const contact = await contacts.create(request.body, actorOf(request));
        reply.status(201);
        return candidates.length > 0
          ? {
              ...contact,
              duplicate_candidates: candidates.map(({ contact_id, score, band }) => ({
                contact_id,
                score,
                band,
              })),
            }
          : contact;
      },
    });

    app.post('/contacts/upsert', {
      config: { access: 'agent' },
      schema: {
        tags: ['contacts'],
        summary: 'Create or update a contact matched by a key',
        description:
          '`key` is `id`, `email`, `phone`, `external_id` or any identity type; the value is read from the body. Answers 201 when created, 200 when updated.',
        querystring: z.object({ key: z.string() }),
        body: ContactInputSchema,
        response: { 200: ContactSchema, 201: ContactSchema, ...errorResponses },
      },
      handler: async (request, reply) => {
        const result = await contacts.upsert(request.query.key, request.body, actorOf(request));
        reply.status(result.created ? 201 : 200);
        return result.contact;
      },
    });

    app.get('/contacts/:id', {
      config: { access: 'agent' },
      schema: {
        tags: ['contacts'],
        summary: 'Get a contact',
        description:
          'An id merged into another contact answers with the survivor, with `merged_from` set to the requested id.',
        params: IdParams,
        response: {
          200: ContactSchema.extend({
            merged_from: z.string().optional().describe('the requested id, merged into this contact'),
          }),
          ...errorResponses,
        },
      },
      handler: async (request) => contacts.resolve(request.params.id),
    });

    app.patch('/contacts/:id', {
      config: { access: 'agent' },
      schema: {
        tags: ['contacts'],
        summary: 'Update a contact',
        description:
          'Only the fields given change; null clears a field. `identities` and `attributes` merge key by key (null removes one); `tags` and `additional_*` replace the list.',
        params: IdParams,
        body: ContactInputSchema,
        response: { 200: ContactSchema, ...errorResponses },
      },
      handler: async (request) => contacts.update(request.params.id, request.body, actorOf(request)),
    });

    app.delete('/contacts/:id', {
      config: { access: 'admin' },
      schema: {
        tags: ['contacts'],
        summary: 'Delete a contact (soft delete)',
        params: IdParams,
        response: { 204: z.null(), ...errorResponses },
      },
      handler: async (request, reply) => {
        await contacts.delete(request.params.id, actorOf(request));
        reply.status(204).send(null);
      },
    });

    app.get('/contacts/:id/timeline', {
      config: { access: 'agent' },
      schema: {
        tags: ['contacts'],
        summary: "A contact's timeline, newest first",
        params: IdParams,
        querystring: PageQuery,
        response: { 200: z.object({ data: z.array(ContactEventSchema) }), ...errorResponses },
      },
      handler: async (request) => ({ data: await contacts.timeline(request.params.id, request.query) }),
    });

    app.get('/contacts/:id/history', {
      config: { access: 'agent' },
      schema: {
        tags: ['contacts'],
        summary: "A contact's change history (audit log), newest first",
        params: IdParams,
        querystring: PageQuery,
        response: { 200: z.object({ data: z.array(AuditEntrySchema) }), ...errorResponses },
      },
      handler: async (request) => ({ data: await contacts.history(request.params.id, request.query) }),
    });

    app.post('/contacts/:id/tags', {
      config: { access: 'agent' },
      schema: {
        tags: ['contacts', 'tags'],
        summary: 'Add tags to a contact (tags are created on first use)',
        params: IdParams,
        body: z.object({ tags: z.array(z.string()).min(1) }),
        response: { 200: ContactSchema, ...errorResponses },
      },
      handler: async (request) => tags.addToContact(request.params.id, request.body.tags, actorOf(request)),
    });

    app.delete('/contacts/:id/tags/:tag', {
      config: { access: 'agent' },
      schema: {
        tags: ['contacts', 'tags'],
        summary: 'Remove a tag from a contact',
        params: z.object({ id: z.string(), tag: z.string() }),
        response: { 200: ContactSchema, ...errorResponses },
      },
      handler: async (request) =>
        tags.removeFromContact(request.params.id, request.params.tag, actorOf(request)),
    });
  };
}
