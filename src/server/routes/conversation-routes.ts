/**
 * Conversations, messages, inboxes, teams, agents and the agent report. Agents act with their own
 * token and see the conversations of the inboxes they belong to; admins manage inboxes and teams and
 * set anyone's capacity. Field rules live in the services; bodies here are checked for shape.
 */
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  AVAILABILITIES,
  CONVERSATION_STATUSES,
  MESSAGE_DIRECTIONS,
  PRIORITIES,
} from '../../conversations/conversation-fields.js';
import { type ConversationViewer, PREVIEW_CHARS } from '../../conversations/conversation-service.js';
import { ASSIGNMENT_MODES } from '../../conversations/inbox-service.js';
import { ForbiddenError } from '../../domain/errors.js';
import type { KithServices } from '../../services.js';
import { actorOf, currentUser } from '../auth-guard.js';
import { errorResponses, IdParams, wholeNumberParam } from '../schemas.js';

const ConversationSchema = z
  .object({
    id: z.string(),
    inbox_id: z.string(),
    contact_id: z.string(),
    status: z.enum(CONVERSATION_STATUSES),
    snoozed_until: z.string().nullable(),
    assignee_id: z.string().nullable(),
    team_id: z.string().nullable(),
    priority: z.enum(PRIORITIES).nullable(),
    labels: z.array(z.string()),
    attributes: z.record(z.string(), z.unknown()),
    waiting_since: z
      .string()
      .nullable()
      .describe('When it entered the assignment queue; null when assigned or not open.'),
    last_message_at: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'Conversation' });
const MessageSchema = z
  .object({
    id: z.string(),
    conversation_id: z.string(),
    direction: z.enum(MESSAGE_DIRECTIONS),
    content: z.string(),
    sender_type: z.enum(['contact', 'user', 'automation']),
    sender_id: z.string().nullable(),
    created_at: z.string(),
  })
  .meta({ id: 'Message' });
const ConversationListItemSchema = ConversationSchema.extend({
  last_message: z
    .object({
      direction: z.enum(['incoming', 'outgoing']),
      sender_type: z.enum(['contact', 'user', 'automation']),
      content: z.string().describe(`the message's first ${PREVIEW_CHARS} characters`),
      created_at: z.string(),
    })
    .nullable()
    .describe(
      'The last message that is not a private note (the one `last_message_at` names); null before any.',
    ),
}).meta({ id: 'ConversationListItem' });
const InboxSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    channel_type: z.literal('api'),
    auto_assignment: z.object({ enabled: z.boolean(), mode: z.enum(ASSIGNMENT_MODES) }),
    member_ids: z.array(z.string()),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'Inbox' });
const TeamSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    member_ids: z.array(z.string()),
    created_at: z.string(),
  })
  .meta({ id: 'Team' });
const AgentSchema = z
  .object({
    user_id: z.string(),
    email: z.string(),
    name: z.string().nullable(),
    role: z.string(),
    availability: z.enum(AVAILABILITIES),
    capacity: z.number().nullable(),
    open_conversations: z.number(),
    inbox_ids: z.array(z.string()),
  })
  .meta({ id: 'Agent' });
const UserIdParams = z.object({ user_id: z.string() });
const body = (description: string) => z.looseObject({}).describe(description);

/** Display names of the agents and rules among `ids` (a rule's changes name the rule). */
async function namesOf(services: KithServices, ids: readonly string[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  if (ids.length === 0) return names;
  for (const agent of await services.agents.list()) names.set(agent.user_id, agent.name ?? agent.email);
  if (ids.some((id) => !names.has(id)))
    for (const rule of await services.rules.list()) names.set(rule.id, rule.name);
  return names;
}

function viewerOf(request: FastifyRequest): ConversationViewer {
  const user = currentUser(request);
  return { userId: user.id, role: user.role };
}

export function conversationRoutes(services: KithServices): FastifyPluginAsyncZod {
  const { conversations, inboxes, teams, agents } = services;
  return async (app) => {
    app.post('/conversations', {
      config: { access: 'agent' },
      schema: {
        tags: ['conversations'],
        summary: 'Start a conversation (other systems post customer messages here)',
        description:
          '`{"inbox_id", "contact": {wire-shape contact fields}, "message": "first message"}`. The contact is matched by id > identity > phone > email, exactly as imports match, or created; or give `contact_id`. Optional: status, assignee_id, team_id, labels, priority, attributes.',
        body: body('inbox_id, contact or contact_id, message…'),
        response: { 201: ConversationSchema, ...errorResponses },
      },
      handler: async (request, reply) => {
        const conversation = await conversations.create(request.body, actorOf(request), {
          viewer: viewerOf(request),
        });
        reply.status(201);
        return conversation;
      },
    });
    app.get('/conversations', {
      config: { access: 'agent' },
      schema: {
        tags: ['conversations'],
        summary: 'List conversations, newest first (agents: their inboxes only)',
        description:
          "Each with `last_message`: the start of its last message that is not a private note, for a list's preview.",
        querystring: z.object({
          status: z.enum(CONVERSATION_STATUSES).optional(),
          assignee_id: z.string().optional().describe('a user id, or `none` for unassigned'),
          inbox_id: z.string().optional(),
          contact_id: z.string().optional(),
          team_id: z.string().optional(),
          label: z.string().optional(),
          sort: z
            .enum(['newest', 'waiting'])
            .optional()
            .describe('newest first (default), or the longest waiting first: since the last message'),
          limit: wholeNumberParam(1, 500).optional(),
          after: z.string().optional().describe('conversation id to continue after (next_after)'),
        }),
        response: {
          200: z.object({
            data: z.array(ConversationListItemSchema),
            next_after: z.string().nullable(),
          }),
          ...errorResponses,
        },
      },
      handler: async (request) => conversations.list(request.query, viewerOf(request)),
    });
    app.get('/conversations/counts', {
      config: { access: 'agent' },
      schema: {
        tags: ['conversations'],
        summary: "The workspace's tabs: how many are the caller's, unassigned, and all they may see",
        querystring: z.object({
          status: z.enum(CONVERSATION_STATUSES).optional(),
          inbox_id: z.string().optional(),
          team_id: z.string().optional(),
          label: z.string().optional(),
        }),
        response: {
          200: z
            .object({
              mine: z.number(),
              unassigned: z.number(),
              all: z.number(),
              capped: z.boolean().describe('a count reached 10,000 and stopped there (show "10,000+")'),
            })
            .meta({ id: 'ConversationCounts' }),
          ...errorResponses,
        },
      },
      handler: async (request) => conversations.counts(request.query, viewerOf(request)),
    });
    app.get('/conversations/:id', {
      config: { access: 'agent' },
      schema: {
        tags: ['conversations'],
        summary: 'One conversation',
        params: IdParams,
        response: { 200: ConversationSchema, ...errorResponses },
      },
      handler: async (request) => conversations.get(request.params.id, viewerOf(request)),
    });
    app.patch('/conversations/:id', {
      config: { access: 'agent' },
      schema: {
        tags: ['conversations'],
        summary: 'Change status, assignee, team, labels, priority or attributes',
        description:
          'Keys: status (open, pending, snoozed, resolved), snoozed_until (with snoozed), assignee_id (null unassigns), team_id, labels (replaces), add_labels, remove_labels, priority (low, medium, high, urgent, null), attributes (null removes a key). One request is one change: each matching rule fires once.',
        params: IdParams,
        body: body('the attributes to change'),
        response: { 200: ConversationSchema, ...errorResponses },
      },
      handler: async (request) =>
        (await conversations.update(request.params.id, request.body, actorOf(request), {
          viewer: viewerOf(request),
        }))!,
    });
    app.post('/conversations/:id/messages', {
      config: { access: 'agent' },
      schema: {
        tags: ['conversations'],
        summary:
          'Add a message: incoming (from the customer; reopens a resolved or snoozed conversation), outgoing, or a private note',
        params: IdParams,
        body: z.object({ direction: z.enum(MESSAGE_DIRECTIONS), content: z.string() }),
        response: { 201: MessageSchema, ...errorResponses },
      },
      handler: async (request, reply) => {
        const message = await conversations.addMessage(request.params.id, request.body, actorOf(request), {
          viewer: viewerOf(request),
        });
        reply.status(201);
        return message;
      },
    });
    app.get('/conversations/:id/messages', {
      config: { access: 'agent' },
      schema: {
        tags: ['conversations'],
        summary: 'Messages, oldest first',
        params: IdParams,
        response: {
          200: z.object({
            data: z.array(
              MessageSchema.extend({
                sender_name: z
                  .string()
                  .nullable()
                  .describe("the agent's name (or e-mail), or the rule's name for a rule's message"),
              }),
            ),
          }),
          ...errorResponses,
        },
      },
      handler: async (request) => {
        const messages = await conversations.messages(request.params.id, viewerOf(request));
        const names = await namesOf(
          services,
          messages.map((m) => m.sender_id).filter((id) => id !== null),
        );
        return {
          data: messages.map((m) => ({
            ...m,
            sender_name: m.sender_type === 'contact' ? null : (names.get(m.sender_id ?? '') ?? null),
          })),
        };
      },
    });
    app.get('/conversations/:id/events', {
      config: { access: 'agent' },
      schema: {
        tags: ['conversations'],
        summary: 'Status changes, assignments, team, label and priority changes, oldest first',
        description:
          '`actor_name` names who made the change: the agent, or the rule when `channel` is `automation` (`channel_ref` is the rule id).',
        params: IdParams,
        response: {
          200: z.object({
            data: z.array(
              z
                .looseObject({
                  id: z.string(),
                  type: z.string(),
                  data: z.record(z.string(), z.unknown()),
                  actor_id: z.string().nullable(),
                  actor_name: z.string().nullable(),
                  channel: z.string(),
                  channel_ref: z.string().nullable(),
                  occurred_at: z.string(),
                })
                .meta({ id: 'ConversationEvent' }),
            ),
          }),
          ...errorResponses,
        },
      },
      handler: async (request) => {
        const events = await conversations.events(request.params.id, viewerOf(request));
        const names = await namesOf(
          services,
          events.flatMap((e) =>
            [e.channel === 'automation' ? e.channel_ref : e.actor_id].filter((id) => id !== null),
          ),
        );
        return {
          data: events.map((e) => ({
            ...e,
            actor_name: names.get((e.channel === 'automation' ? e.channel_ref : e.actor_id) ?? '') ?? null,
          })),
        };
      },
    });

    app.post('/inboxes', {
      config: { access: 'admin' },
      schema: {
        tags: ['inboxes'],
        summary: 'Create an inbox',
        description: '`{"name", "auto_assignment": {"enabled": true, "mode": "round_robin" | "balanced"}}`',
        body: body('name, auto_assignment'),
        response: { 201: InboxSchema, ...errorResponses },
      },
      handler: async (request, reply) => {
        const inbox = await inboxes.create(request.body, actorOf(request));
        reply.status(201);
        return inbox;
      },
    });
    app.get('/inboxes', {
      config: { access: 'agent' },
      schema: {
        tags: ['inboxes'],
        summary: 'List inboxes',
        response: { 200: z.object({ data: z.array(InboxSchema) }) },
      },
      handler: async () => ({ data: await inboxes.list() }),
    });
    app.get('/inboxes/:id', {
      config: { access: 'agent' },
      schema: {
        tags: ['inboxes'],
        summary: 'One inbox',
        params: IdParams,
        response: { 200: InboxSchema, ...errorResponses },
      },
      handler: async (request) => inboxes.get(request.params.id),
    });
    app.patch('/inboxes/:id', {
      config: { access: 'admin' },
      schema: {
        tags: ['inboxes'],
        summary: 'Rename an inbox or change its auto-assignment (turning it on serves the waiting queue)',
        params: IdParams,
        body: body('name, auto_assignment'),
        response: { 200: InboxSchema, ...errorResponses },
      },
      handler: async (request) => inboxes.update(request.params.id, request.body, actorOf(request)),
    });
    app.post('/inboxes/:id/members', {
      config: { access: 'admin' },
      schema: {
        tags: ['inboxes'],
        summary: 'Add an agent to an inbox',
        params: IdParams,
        body: z.object({ user_id: z.string() }),
        response: { 200: InboxSchema, ...errorResponses },
      },
      handler: async (request) =>
        inboxes.addMember(request.params.id, request.body.user_id, actorOf(request)),
    });
    app.delete('/inboxes/:id/members/:user_id', {
      config: { access: 'admin' },
      schema: {
        tags: ['inboxes'],
        summary: 'Remove an agent from an inbox (their open conversations there go to someone else)',
        params: z.object({ id: z.string(), user_id: z.string() }),
        response: { 200: InboxSchema, ...errorResponses },
      },
      handler: async (request) =>
        inboxes.removeMember(request.params.id, request.params.user_id, actorOf(request)),
    });

    app.post('/teams', {
      config: { access: 'admin' },
      schema: {
        tags: ['teams'],
        summary: 'Create a team',
        body: z.object({ name: z.string() }),
        response: { 201: TeamSchema, ...errorResponses },
      },
      handler: async (request, reply) => {
        const team = await teams.create(request.body, actorOf(request));
        reply.status(201);
        return team;
      },
    });
    app.get('/teams', {
      config: { access: 'agent' },
      schema: {
        tags: ['teams'],
        summary: 'List teams',
        response: { 200: z.object({ data: z.array(TeamSchema) }) },
      },
      handler: async () => ({ data: await teams.list() }),
    });
    app.post('/teams/:id/members', {
      config: { access: 'admin' },
      schema: {
        tags: ['teams'],
        summary: 'Add a user to a team',
        params: IdParams,
        body: z.object({ user_id: z.string() }),
        response: { 200: TeamSchema, ...errorResponses },
      },
      handler: async (request) => teams.addMember(request.params.id, request.body.user_id),
    });

    app.patch('/teams/:id', {
      config: { access: 'admin' },
      schema: {
        tags: ['teams'],
        summary: 'Rename a team',
        params: IdParams,
        body: z.object({ name: z.string() }),
        response: { 200: TeamSchema, ...errorResponses },
      },
      handler: async (request) => teams.rename(request.params.id, request.body, actorOf(request)),
    });
    app.delete('/teams/:id/members/:user_id', {
      config: { access: 'admin' },
      schema: {
        tags: ['teams'],
        summary: 'Remove a user from a team (conversations given to the team keep it)',
        params: z.object({ id: z.string(), user_id: z.string() }),
        response: { 200: TeamSchema, ...errorResponses },
      },
      handler: async (request) => teams.removeMember(request.params.id, request.params.user_id),
    });

    app.get('/agents', {
      config: { access: 'agent' },
      schema: {
        tags: ['agents'],
        summary: 'Agents with availability, capacity, open conversations and inboxes',
        response: { 200: z.object({ data: z.array(AgentSchema) }) },
      },
      handler: async () => ({ data: await agents.list() }),
    });
    app.put('/agents/:user_id/availability', {
      config: { access: 'agent' },
      schema: {
        tags: ['agents'],
        summary:
          "Set an agent's availability (agents set their own; admins anyone's). Coming online serves the waiting queue.",
        params: UserIdParams,
        body: z.object({ availability: z.string() }),
        response: { 200: AgentSchema, ...errorResponses },
      },
      handler: async (request) => {
        const user = currentUser(request);
        if (user.role !== 'admin' && user.id !== request.params.user_id)
          throw new ForbiddenError(
            "agents set their own availability; changing someone else's needs the admin role",
          );
        return agents.setAvailability(request.params.user_id, request.body.availability, actorOf(request));
      },
    });
    app.put('/agents/:user_id/capacity', {
      config: { access: 'admin' },
      schema: {
        tags: ['agents'],
        summary: "Set an agent's capacity: maximum open conversations (null = no limit)",
        params: UserIdParams,
        body: z.object({ capacity: z.number().nullable() }),
        response: { 200: AgentSchema, ...errorResponses },
      },
      handler: async (request) =>
        agents.setCapacity(request.params.user_id, request.body.capacity, actorOf(request)),
    });

    app.get('/reports/agents', {
      config: { access: 'agent' },
      schema: {
        tags: ['reports'],
        summary:
          'Per agent over [from, to): conversations resolved (counted for whoever resolved them), assigned, open now',
        querystring: z.object({ from: z.string().optional(), to: z.string().optional() }),
        response: {
          200: z.object({
            data: z.array(
              z.object({
                user_id: z.string(),
                email: z.string(),
                name: z.string().nullable(),
                resolved: z.number(),
                assigned: z.number(),
                open: z.number(),
                median_first_response_seconds: z
                  .number()
                  .nullable()
                  .describe(
                    "Median seconds from a conversation's start to its first reply, over the first replies this agent gave in the period",
                  ),
                median_resolution_seconds: z
                  .number()
                  .nullable()
                  .describe(
                    "Median seconds from a conversation's start to this agent's resolutions in the period",
                  ),
              }),
            ),
          }),
          ...errorResponses,
        },
      },
      handler: async (request) => ({ data: await agents.report(request.query) }),
    });
  };
}
