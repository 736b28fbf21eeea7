/** Automation rules (admin only): CRUD, dry run and evaluation logs. The rule JSON is the stored format. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { KithServices } from '../../services.js';
import { actorOf } from '../auth-guard.js';
import { MESSAGE_DIRECTIONS } from '../../conversations/conversation-fields.js';
import { beforeIdParam, errorResponses, IdParams, wholeNumberParam } from '../schemas.js';

/** A message's longest content, as conversations take it. */
const MAX_DRY_RUN_MESSAGE = 100_000;

const RuleSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    event: z.string(),
    conditions: z.unknown(),
    actions: z.array(z.unknown()),
    active: z.boolean(),
    once_per_conversation: z.boolean(),
    position: z.number(),
    failure_streak: z.number(),
    deactivated_reason: z.string().nullable(),
    last_run_at: z
      .string()
      .nullable()
      .describe('When the rule last matched and acted (from the kept evaluation log)'),
    failures: z.number().describe('Kept runs in which an action failed'),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'AutomationRule' });
const LogSchema = z.object({
  id: z.string(),
  rule_id: z.string(),
  event: z.string(),
  conversation_id: z.string().nullable(),
  contact_id: z.string().nullable(),
  depth: z.number(),
  outcome: z.string().describe('matched, not_matched, skipped_own_change, skipped_once, stopped_depth'),
  actions: z.array(z.unknown()),
  error: z.string().nullable(),
  created_at: z.string(),
  subject_name: z
    .string()
    .nullable()
    .describe("the customer's name (a conversation's customer for a conversation event); null once deleted"),
});
const RULE_FORMAT =
  '`{"name", "event", "conditions": {"all"|"any": [{"attribute", "operator", "value"} | group…]}, "actions": [{"action", …}], "active", "once_per_conversation"}`. Events: conversation_created, conversation_updated, conversation_opened, conversation_resolved, message_created, contact_created, contact_updated.';

/** The customer's name for each log entry's conversation or contact, keyed by that id. */
async function subjectNames(
  services: KithServices,
  entries: readonly { conversation_id: string | null; contact_id: string | null }[],
): Promise<Map<string, string>> {
  const conversationIds = [
    ...new Set(entries.flatMap((e) => (e.conversation_id ? [e.conversation_id] : []))),
  ];
  const customerOf = await services.conversations.contactIdsOf(conversationIds);
  const contactIds = [
    ...new Set([...customerOf.values(), ...entries.flatMap((e) => (e.contact_id ? [e.contact_id] : []))]),
  ];
  const nameOf = new Map<string, string>();
  for (let i = 0; i < contactIds.length; i += 500) {
    const chunk = contactIds.slice(i, i + 500);
    const page = await services.contacts.list({ ids: chunk, limit: chunk.length, total: false });
    for (const c of page.data) nameOf.set(c.id, c.name || c.phone || c.email || c.id);
  }
  const names = new Map<string, string>();
  for (const [conversation, contact] of customerOf) {
    const name = nameOf.get(contact);
    if (name) names.set(conversation, name);
  }
  for (const [contact, name] of nameOf) names.set(contact, name);
  return names;
}

export function automationRoutes(services: KithServices): FastifyPluginAsyncZod {
  const { rules } = services;
  return async (app) => {
    app.get('/rules', {
      config: { access: 'admin' },
      schema: {
        tags: ['automation'],
        summary: 'List rules in order',
        response: { 200: z.object({ data: z.array(RuleSchema) }) },
      },
      handler: async () => ({ data: await rules.listWithStats() }),
    });
    app.post('/rules', {
      // The answer shows a send_webhook action's signing secret: never kept for Idempotency-Key replays.
      config: { access: 'admin', answerHoldsSecret: true },
      schema: {
        tags: ['automation'],
        summary: 'Create a rule',
        description: RULE_FORMAT,
        body: z.looseObject({}),
        response: { 201: RuleSchema, ...errorResponses },
      },
      handler: async (request, reply) => {
        const rule = await rules.create(request.body, actorOf(request));
        reply.status(201);
        return { ...rule, last_run_at: null, failures: 0 };
      },
    });
    app.get('/rules/:id', {
      config: { access: 'admin' },
      schema: {
        tags: ['automation'],
        summary: 'One rule',
        params: IdParams,
        response: { 200: RuleSchema, ...errorResponses },
      },
      handler: async (request) => rules.getWithStats(request.params.id),
    });
    app.patch('/rules/:id', {
      config: { access: 'admin', answerHoldsSecret: true },
      schema: {
        tags: ['automation'],
        summary:
          'Change a rule (any keys of the rule format; `{"active": true}` switches a deactivated rule back on)',
        params: IdParams,
        body: z.looseObject({}),
        response: { 200: RuleSchema, ...errorResponses },
      },
      handler: async (request) => {
        await rules.update(request.params.id, request.body, actorOf(request));
        return rules.getWithStats(request.params.id);
      },
    });
    app.delete('/rules/:id', {
      config: { access: 'admin' },
      schema: {
        tags: ['automation'],
        summary: 'Delete a rule',
        params: IdParams,
        response: { 204: z.null(), ...errorResponses },
      },
      handler: async (request, reply) => {
        await rules.remove(request.params.id, actorOf(request));
        return reply.status(204).send(null);
      },
    });
    app.post('/rules/:id/dry-run', {
      config: { access: 'admin' },
      schema: {
        tags: ['automation'],
        summary:
          'Evaluate a rule against a conversation (or contact) without running it; `before` tries changed* conditions, `message` the message.* ones (a rule of new messages or conversations takes the latest message when none is given)',
        params: IdParams,
        body: z.object({
          conversation_id: z.string().optional(),
          contact_id: z.string().optional(),
          before: z.record(z.string(), z.unknown()).optional(),
          message: z
            .object({
              content: z.string().max(MAX_DRY_RUN_MESSAGE),
              type: z.enum(MESSAGE_DIRECTIONS).optional(),
            })
            .optional(),
        }),
        response: {
          200: z.object({
            rule_id: z.string(),
            event: z.string(),
            matched: z.boolean(),
            would_skip: z.string().nullable(),
            trace: z.unknown(),
            actions: z.array(z.unknown()),
            message: z
              .object({ content: z.string(), type: z.enum(MESSAGE_DIRECTIONS), given: z.boolean() })
              .nullable(),
          }),
          ...errorResponses,
        },
      },
      handler: async (request) => rules.dryRun(request.params.id, request.body),
    });
    app.get('/rules/:id/logs', {
      config: { access: 'admin' },
      schema: {
        tags: ['automation'],
        summary: 'Evaluation log, newest first: event, outcome, actions taken, errors',
        params: IdParams,
        querystring: z.object({
          limit: wholeNumberParam(1, 1000).optional(),
          before: beforeIdParam('automationLog', "the rule's log entries"),
        }),
        response: { 200: z.object({ data: z.array(LogSchema) }), ...errorResponses },
      },
      handler: async (request) => {
        const entries = await rules.logs(request.params.id, request.query);
        const names = await subjectNames(services, entries);
        return {
          data: entries.map((entry) => ({
            ...entry,
            subject_name: names.get(entry.conversation_id ?? entry.contact_id ?? '') ?? null,
          })),
        };
      },
    });
  };
}
