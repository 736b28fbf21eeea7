import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { KithServices } from '../../services.js';
import { type ContactListQuery, MAX_UPSERT_RECORDS } from '../../contacts/contact-service.js';
import { contactContentHash } from '../../domain/contact/contact-content-hash.js';
import { AGENT_BULK_LIMIT, BULK_LIMIT, ContactBulkService } from '../../segments/contact-bulk-service.js';
import { ValidationError } from '../../domain/errors.js';
import { actorOf, currentUser } from '../auth-guard.js';
import {
  AuditEntrySchema,
  ContactFilterFields,
  contactListQuery,
  ContactFilterSchema,
  ContactEventSchema,
  ContactInputSchema,
  ContactSchema,
  errorResponses,
  ErrorSchema,
  IdParams,
  pageQuery,
  wholeNumberParam,
} from '../schemas.js';

const SORT_VALUES = [
  'relevance',
  'name',
  '-name',
  'created_at',
  '-created_at',
  'updated_at',
  '-updated_at',
  'orders_count',
  '-orders_count',
  'total_spent',
  '-total_spent',
  'first_order_at',
  '-first_order_at',
  'last_order_at',
  '-last_order_at',
] as const;

/** Purchase facts (src/orders) on the contact as read: computed from its orders, never written here. */
const ContactWithFactsSchema = ContactSchema.extend({
  orders_count: z.number().describe('Purchases (paid, shipped or completed orders); read-only'),
  total_spent: z.string().describe('What the customer paid for them, a decimal string; read-only'),
  first_order_at: z.string().nullable().describe('First purchase (payment, else order time); read-only'),
  last_order_at: z.string().nullable().describe('Last purchase; read-only'),
});

export const ContactListResponse = z.object({
  data: z.array(ContactWithFactsSchema),
  next_cursor: z.string().nullable(),
  total: z.number().nullable().describe('Matching contacts; null when total=false.'),
  total_is_lower_bound: z
    .boolean()
    .describe('True when more than `total` match (the bound: 10,000, or 1,000 with `q`).'),
});

const ListQuery = contactListQuery({
  ...ContactFilterFields,
  ids: z.string().optional().describe('Comma-separated contact ids (at most 1,000).'),
  sort: z
    .enum(SORT_VALUES)
    .optional()
    .describe(
      'Order; `-` for descending; the id breaks ties. Default: `relevance` with `q`, else `created_at`. Contacts without a name come last in either `name` order; customers who never bought come last in either order of a purchase fact (`orders_count`, `total_spent`, `first_order_at`, `last_order_at`).',
    ),
  cursor: z.string().optional().describe('`next_cursor` of the previous page (same filters and sort).'),
  limit: wholeNumberParam(1, 500).optional().describe('1–500, default 50.'),
  total: z
    .enum(['true', 'false'])
    .optional()
    .describe(
      'Count the matches (default true): exact up to 10,000 (1,000 with `q`), else `total_is_lower_bound`.',
    ),
});

const BulkBody = z
  .object({
    selection: z.union([
      z.object({ ids: z.array(z.string()).min(1).max(1000) }).strict(),
      z.object({ filter: ContactFilterSchema }).strict(),
    ]),
    action: z.enum(['add_tags', 'remove_tags', 'add_to_group']),
    tags: z
      .array(z.string())
      .min(1)
      .max(100)
      .optional()
      .describe('For add_tags and remove_tags (required); refused with add_to_group.'),
    group_id: z
      .string()
      .optional()
      .describe('For add_to_group (required); refused with add_tags and remove_tags.'),
  })
  .strict();

/** The ETag of a contact: its content hash (the change feed's `hash`), quoted. */
const etagOf = (contact: Parameters<typeof contactContentHash>[0]) => `"${contactContentHash(contact)}"`;

/** If-Match's version: `"hash"` or a bare hash; `*` (any version) and an absent header check nothing. */
function ifMatchOf(header: string | string[] | undefined): string | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!value || value === '*') return undefined;
  return value.replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
}

const UpsertOutcomeSchema = z.object({
  index: z.number().describe('position of the record in `records`'),
  outcome: z.enum(['created', 'updated', 'unchanged', 'failed']),
  id: z.string().optional(),
  etag: z.string().optional().describe('content hash after the write'),
  matched_by: z.string().nullable().optional().describe('id, identity, phone or email; null when created'),
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }).optional(),
});

export function contactRoutes(services: KithServices): FastifyPluginAsyncZod {
  const { contacts, tags } = services;
  const bulk = new ContactBulkService(contacts, tags, services.groups);
  return async (app) => {
    app.get('/contacts', {
      config: { access: 'agent' },
      // The most requested answer, written on the main thread (which serves every request) without
      // building an object per contact: the page's statement writes each contact's JSON, the purchase
      // facts included (contact-list-members.ts). test/api/contacts-list-api.test.ts checks pages of
      // every kind against ContactListResponse.
      // The server's own time for the list (authentication to serialisation), for benchmarks and tools.
      onSend: async (_request, reply, payload) => {
        reply.header('server-timing', `total;dur=${reply.elapsedTime.toFixed(1)}`);
        return payload;
      },
      schema: {
        tags: ['contacts'],
        summary: 'List contacts',
        description: 'Filters combine with AND. `attr.<key>=<value>` filters on a custom attribute.',
        querystring: ListQuery,
        response: {
          200: ContactListResponse,
          ...errorResponses,
          503: ErrorSchema.describe(
            '`query_timeout`: the query ran past the time limit (KITH_QUERY_TIMEOUT_MS).',
          ),
        },
      },
      handler: async (request, reply) => {
        const { total, ...query } = request.query;
        const known: Record<string, unknown> = {};
        const attributes: Record<string, string> = {};
        for (const [key, value] of Object.entries(query)) {
          if (key.startsWith('attr.') && typeof value === 'string') attributes[key.slice(5)] = value;
          else known[key] = value;
        }
        const page = await contacts.listJson({
          ...(known as Omit<ContactListQuery, 'attributes' | 'total'>),
          attributes,
          total: total !== 'false',
        });
        // Each contact's JSON holds the purchase facts already (registered list members).
        const data = page.data.map((c) => c.json).join(',');
        const text =
          `{"data":[${data}],"next_cursor":${JSON.stringify(page.next_cursor)},` +
          `"total":${JSON.stringify(page.total)},"total_is_lower_bound":${page.total_is_lower_bound}}`;
        // JSON text with a JSON content type is sent as it is (the typed reply expects the object), as
        // bytes: encoded once here, where a string is measured for its length and then encoded again
        // on the socket (a page holding Chinese is a two-byte string; both passes are the main thread's).
        return reply.type('application/json; charset=utf-8').send(Buffer.from(text) as never);
      },
    });

    app.post('/contacts/count', {
      config: { access: 'agent' },
      schema: {
        tags: ['contacts'],
        summary: 'Count the contacts a filter selects, and how many one bulk action may act on',
        description: `The filter is the one \`POST /api/contacts/bulk\` and \`POST /api/contacts/batch-delete\` take. \`count\` is exact up to ${BULK_LIMIT} (beyond: ${BULK_LIMIT} with \`count_is_lower_bound\`), unlike the list's total, which is a lower bound past 1,000 for a search. \`limit\` is the most contacts the caller may act on at once with a filter (${AGENT_BULK_LIMIT} for an agent, ${BULK_LIMIT} for an admin).`,
        body: z.object({ filter: ContactFilterSchema }).strict(),
        response: {
          200: z.object({
            count: z.number(),
            count_is_lower_bound: z.boolean().describe(`True when more than ${BULK_LIMIT} match.`),
            limit: z.number().describe("The caller's limit for one bulk action selected by a filter."),
          }),
          ...errorResponses,
          503: ErrorSchema,
        },
      },
      handler: async (request) => bulk.count(request.body.filter, currentUser(request).role),
    });

    app.post('/contacts/bulk', {
      config: { access: 'agent' },
      schema: {
        tags: ['contacts'],
        summary: 'Tag, untag or group a selection of contacts',
        description: `The selection is explicit ids (at most ${AGENT_BULK_LIMIT}) or a list filter. Agents may act on at most ${AGENT_BULK_LIMIT} contacts selected by a filter, admins on up to ${BULK_LIMIT} per request: beyond, \`selection_too_large\` (403 for an agent when an admin could do it, else 400), with \`details.limit\`, \`details.selected\` (exact, or ${BULK_LIMIT} with \`selected_is_lower_bound\`) and \`details.reason\` (\`needs_admin\` or \`narrow_filter\`); \`POST /api/contacts/count\` says so beforehand. Each contact changes on its own, with its audit entry and timeline event; \`changed\` + \`unchanged\` = \`selected\`.`,
        body: BulkBody,
        response: {
          200: z.object({
            action: z.enum(['add_tags', 'remove_tags', 'add_to_group']),
            selected: z.number(),
            changed: z.number(),
            unchanged: z.number().describe('already had the tags / had none of them / were members'),
          }),
          ...errorResponses,
          503: ErrorSchema,
        },
      },
      handler: async (request) => {
        const { selection, action, tags: tagNames, group_id } = request.body;
        return bulk.apply(
          'ids' in selection ? { ids: selection.ids } : { filter: selection.filter },
          action,
          { tags: tagNames, groupId: group_id },
          actorOf(request),
          currentUser(request).role,
        );
      },
    });

    app.post('/contacts', {
      config: { access: 'agent' },
      schema: {
        tags: ['contacts'],
        summary: 'Create a contact',
        description:
          '409 when an email, phone or identity already belongs to another live contact; `details.existing_id` names it and `details.field` the input field that holds the value (`additional_phones[1]` for an item of a list, as validation names it). Likely duplicates are listed in `duplicate_candidates`, or refused with 409 `likely_duplicate` when the duplicate policy says `block`.',
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
        reply.header('etag', etagOf(contact));
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
        summary: 'Create or update contacts matched by their keys',
        description: `Two forms. With \`?key=\` (\`id\`, \`email\`, \`phone\`, \`external_id\` or any identity type) the body is one contact, matched by that key alone: 201 when created, 200 when updated. Without \`key\` the body is \`{"records": [...]}\` (at most ${MAX_UPSERT_RECORDS}): each record is matched by all its keys (id > identity > phone > email) and written on its own; the answer (200) lists each record's outcome — created, updated, unchanged, or failed with the reason.`,
        querystring: z.object({ key: z.string().optional() }),
        body: ContactInputSchema,
        response: {
          200: z.union([ContactSchema, z.object({ results: z.array(UpsertOutcomeSchema) })]),
          201: ContactSchema,
          ...errorResponses,
        },
      },
      handler: async (request, reply) => {
        const { key } = request.query;
        if (key === undefined) {
          const records = (request.body as { records?: unknown }).records;
          if (!Array.isArray(records))
            throw new ValidationError(
              'records',
              records ?? null,
              'must be a list of contacts (or give ?key=)',
            );
          return { results: await contacts.upsertMany(records, actorOf(request)) };
        }
        const result = await contacts.upsert(key, request.body, actorOf(request));
        reply.status(result.created ? 201 : 200);
        reply.header('etag', etagOf(result.contact));
        return result.contact;
      },
    });

    app.get('/contacts/:id', {
      config: { access: 'agent' },
      schema: {
        tags: ['contacts'],
        summary: 'Get a contact',
        description:
          'An id merged into another contact answers with the survivor, with `merged_from` set to the requested id. `ETag` is the content hash (the change feed’s `hash`): send it as `If-Match` on PATCH.',
        params: IdParams,
        response: {
          200: ContactWithFactsSchema.extend({
            merged_from: z.string().optional().describe('the requested id, merged into this contact'),
            groups: z
              .array(z.object({ id: z.string(), name: z.string() }))
              .describe('The static groups the contact belongs to, by name.'),
          }),
          ...errorResponses,
        },
      },
      handler: async (request, reply) => {
        const contact = await contacts.resolve(request.params.id);
        reply.header('etag', etagOf(contact));
        const [facts, groups] = await Promise.all([
          services.orders.purchaseFacts([contact.id]),
          services.groups.groupsOf(contact.id),
        ]);
        return { ...contact, ...facts.get(contact.id)!, groups };
      },
    });

    app.patch('/contacts/:id', {
      config: { access: 'agent' },
      schema: {
        tags: ['contacts'],
        summary: 'Update a contact',
        description:
          'Only the fields given change; null clears a field. `identities` and `attributes` merge key by key (null removes one); `tags` and `additional_*` replace the list. With `If-Match: <ETag>` the write happens only if the contact is still at that version, else 412 with `details.changed_fields` (the fields changed since). The answer carries the new `ETag`.',
        params: IdParams,
        body: ContactInputSchema,
        response: {
          200: ContactSchema,
          ...errorResponses,
          412: ErrorSchema.describe('`precondition_failed`: changed since the If-Match version'),
        },
      },
      handler: async (request, reply) => {
        const contact = await contacts.update(request.params.id, request.body, actorOf(request), {
          ifMatch: ifMatchOf(request.headers['if-match']),
        });
        reply.header('etag', etagOf(contact));
        return contact;
      },
    });

    app.put('/contacts/:id', {
      config: { access: 'agent' },
      schema: {
        tags: ['contacts'],
        summary: 'Replace a contact',
        description:
          'The body is the whole contact: fields it leaves out are cleared, identities and attributes it does not name are removed. With `If-Match: <ETag>` the write happens only at that version (else 412 with `details.changed_fields`); without it, a change made by someone else while the replacement is prepared is refused the same way. The answer carries the new `ETag`.',
        params: IdParams,
        body: ContactInputSchema,
        response: {
          200: ContactSchema,
          ...errorResponses,
          412: ErrorSchema.describe('`precondition_failed`: changed since the If-Match version'),
        },
      },
      handler: async (request, reply) => {
        const contact = await contacts.replace(request.params.id, request.body, actorOf(request), {
          ifMatch: ifMatchOf(request.headers['if-match']),
        });
        reply.header('etag', etagOf(contact));
        return contact;
      },
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
        return reply.status(204).send(null);
      },
    });

    app.get('/contacts/:id/timeline', {
      config: { access: 'agent' },
      schema: {
        tags: ['contacts'],
        summary: "A contact's timeline, newest first",
        description:
          'Agents are given the events of conversations in their own inboxes only (as every conversation list); the page is filled from older entries, and the next page starts `before` the last entry given.',
        params: IdParams,
        querystring: pageQuery('event', 'its timeline entries'),
        response: { 200: z.object({ data: z.array(ContactEventSchema) }), ...errorResponses },
      },
      handler: async (request) => {
        const user = currentUser(request);
        return {
          data: await services.conversations.contactTimeline(request.params.id, request.query, {
            userId: user.id,
            role: user.role,
          }),
        };
      },
    });

    app.get('/contacts/:id/history', {
      config: { access: 'agent' },
      schema: {
        tags: ['contacts'],
        summary: "A contact's change history (audit log), newest first",
        params: IdParams,
        querystring: pageQuery('audit', 'its history entries'),
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
