/**
 * ConversationService: the one way conversations and messages are created and changed. Each change
 * commits with its events (on the conversation and on the contact's timeline) in one transaction, then
 * the listeners (automation rules, then auto-assignment) hear about it, in that order.
 */
import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import { z } from 'zod';
import { activeUserRole } from '../auth/user-service.js';
import type { ContactService } from '../contacts/contact-service.js';
import { identifyContact } from '../contacts/identify-contact.js';
import type { Actor } from '../domain/actor.js';
import { normalizeContactInput } from '../domain/contact/contact-patch.js';
import { contactKeysOf } from '../domain/contact/identify-rule.js';
import { ConflictError, KithError, NotFoundError, ValidationError } from '../domain/errors.js';
import { isIdOf, newId } from '../domain/ids.js';
import { hasNoNul, NUL_REASON } from '../domain/well-formed-text.js';
import { toValidationErrors } from '../domain/zod-validation.js';
import { appendContactEvent, type ContactEvent, type ContactEventType } from '../history/contact-timeline.js';
import type { Store } from '../store/database.js';
import type { KithDatabase } from '../store/schema.js';
import { nowIso, type Queryable } from '../store/transaction.js';
import {
  type ChangeOrigin,
  type ConversationChange,
  type ConversationListener,
  DIRECT_CHANGE,
} from './conversation-change.js';
import { toConversation, toMessage, toRow } from './conversation-rows.js';
import { appendStreamEntry } from './conversation-stream.js';
import {
  applyConversationPatch,
  CONVERSATION_STATUSES,
  type Conversation,
  type ConversationPatch,
  type ConversationStatus,
  type ConversationEventDraft,
  diffConversation,
  MESSAGE_DIRECTIONS,
  type Message,
  type MessageDirection,
  normalizeLabels,
  PRIORITIES,
  withQueueState,
} from './conversation-fields.js';

/** Who is looking: agents see the conversations of the inboxes they belong to, admins all. */
export interface ConversationViewer {
  userId: string;
  role: 'admin' | 'agent';
}

export interface ConversationListQuery {
  status?: ConversationStatus;
  /** A user id, or `none` for the unassigned. */
  assignee_id?: string;
  inbox_id?: string;
  contact_id?: string;
  team_id?: string;
  label?: string;
  /** `newest` (default): newest first; `waiting`: the longest waiting first (since the last message). */
  sort?: 'newest' | 'waiting';
  /** The last id of the previous page. */
  after?: string;
  limit?: number;
}

/**
 * A list's glimpse of a conversation's last message (a customer's or a reply; private notes are not
 * messages to the customer and never count as the last one, as for `last_message_at`): its start only,
 * for one line of a list, not the whole message (up to 100,000 characters).
 */
export interface MessagePreview {
  direction: Exclude<MessageDirection, 'note'>;
  sender_type: Message['sender_type'];
  /** The message's first PREVIEW_CHARS characters. */
  content: string;
  created_at: string;
}

/** A conversation as the list answers it: with its last message's preview. */
export type ConversationListItem = Conversation & { last_message: MessagePreview | null };

/** Characters of a message a list's preview carries: more than a line of the widest list shows. */
export const PREVIEW_CHARS = 200;

/** How long a customer has waited: since the last message, or since the conversation began (indexed). */
const WAITING_KEY = sql<string>`coalesce(last_message_at, created_at)`;

/** The tabs' counts stop here: a number past it tells an agent nothing more. */
export const COUNT_CAP = 10_000;

const label = z.string().trim().min(1).max(100);
/** A message's text; NUL is refused here, before anything is written, on either store. */
const messageText = z.string().trim().min(1).max(100_000).refine(hasNoNul, NUL_REASON);
const PatchSchema = z.strictObject({
  status: z.enum(CONVERSATION_STATUSES).optional(),
  snoozed_until: z.iso.datetime({ offset: true }).nullable().optional(),
  assignee_id: z.string().nullable().optional(),
  team_id: z.string().nullable().optional(),
  labels: z.array(label).max(100).optional(),
  add_labels: z.array(label).max(100).optional(),
  remove_labels: z.array(label).max(100).optional(),
  priority: z.enum(PRIORITIES).nullable().optional(),
  attributes: z.record(z.string().regex(/^[a-z0-9_]{1,64}$/), z.unknown()).optional(),
});

const CreateSchema = z.strictObject({
  inbox_id: z.string(),
  contact_id: z.string().optional(),
  contact: z.record(z.string(), z.unknown()).optional(),
  message: messageText.optional(),
  status: z.enum(CONVERSATION_STATUSES).optional(),
  assignee_id: z.string().nullable().optional(),
  team_id: z.string().nullable().optional(),
  labels: z.array(label).max(100).optional(),
  priority: z.enum(PRIORITIES).nullable().optional(),
  attributes: z.record(z.string().regex(/^[a-z0-9_]{1,64}$/), z.unknown()).optional(),
});

const MessageSchema = z.strictObject({
  direction: z.enum(MESSAGE_DIRECTIONS),
  content: messageText,
});

/**
 * The agent an event counts for in reports: the new assignee of an assignment; for a resolution, the
 * person who resolved it or, when a rule or the system did, the agent it was assigned to then.
 */
function creditedUser(
  event: { type: string; data: Record<string, unknown> },
  actor: Actor,
  before: Conversation | null,
): string | null {
  if (event.type === 'assigned') return (event.data.to as string | null) ?? null;
  if (event.type !== 'status_changed' || event.data.to !== 'resolved') return null;
  const byPerson = actor.channel !== 'automation' && actor.channel !== 'system' && actor.userId !== null;
  return byPerson ? actor.userId : (before?.assignee_id ?? null);
}

export class ConversationService {
  private readonly listeners: ConversationListener[] = [];

  constructor(
    private readonly store: Store,
    private readonly contacts: ContactService,
  ) {}

  private get db() {
    return this.store.db;
  }

  /** Listeners hear every committed change in the order they subscribed. */
  subscribe(listener: ConversationListener): void {
    this.listeners.push(listener);
  }

  async get(id: string, viewer?: ConversationViewer): Promise<Conversation> {
    const row = await this.db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row || (viewer && !(await this.canSee(viewer, row.inbox_id))))
      throw new NotFoundError('conversation', id);
    return toConversation(row);
  }

  /** The customer of each conversation among `ids` (absent ids are left out): to name them in logs. */
  async contactIdsOf(ids: readonly string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await this.db
        .selectFrom('conversations')
        .select(['id', 'contact_id'])
        .where('id', 'in', ids.slice(i, i + 500))
        .execute();
      for (const row of rows) found.set(row.id, row.contact_id);
    }
    return found;
  }

  async list(
    query: ConversationListQuery,
    viewer?: ConversationViewer,
  ): Promise<{ data: ConversationListItem[]; next_after: string | null }> {
    const limit = query.limit ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > 500)
      throw new ValidationError('limit', query.limit, 'must be a whole number from 1 to 500');
    if (query.after !== undefined && !isIdOf('conversation', query.after))
      throw new ValidationError(
        'after',
        query.after,
        'is not a cursor of this list: pass an answer’s next_after',
      );
    let q = this.db.selectFrom('conversations').selectAll();
    q = q.where(this.filtered(query, viewer));
    if (query.sort === 'waiting') {
      if (query.after) {
        const last = await this.db
          .selectFrom('conversations')
          .select(['id', WAITING_KEY.as('k')])
          .where('id', '=', query.after)
          .executeTakeFirst();
        if (!last) throw new ValidationError('after', query.after, 'is not a conversation of this list');
        // A row value, so both stores seek the (…, waiting key, id) index instead of filtering.
        q = q.where(sql<SqlBool>`(coalesce(last_message_at, created_at), id) > (${last.k}, ${last.id})`);
      }
      const rows = await q
        .orderBy(WAITING_KEY)
        .orderBy('id')
        .limit(limit + 1)
        .execute();
      const page = rows.slice(0, limit).map(toConversation);
      return {
        data: await this.withLastMessages(page),
        next_after: rows.length > limit ? page[page.length - 1]!.id : null,
      };
    }
    if (query.after) q = q.where('id', '<', query.after);
    const rows = await q
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
    const page = rows.slice(0, limit).map(toConversation);
    return {
      data: await this.withLastMessages(page),
      next_after: rows.length > limit ? page[page.length - 1]!.id : null,
    };
  }

  /**
   * Each conversation of a page with its last message's preview, in one query for the page: per
   * conversation, the newest message that is not a note, found backwards on the (conversation_id, id)
   * index (a page of 500 reads 500 index entries plus the notes after each last message).
   */
  private async withLastMessages(page: Conversation[]): Promise<ConversationListItem[]> {
    const last = new Map<string, MessagePreview>();
    if (page.length > 0) {
      const rows = await this.db
        .selectFrom('messages as m')
        .select([
          'm.conversation_id',
          'm.direction',
          'm.sender_type',
          'm.created_at',
          sql<string>`substr(m.content, 1, ${sql.lit(PREVIEW_CHARS)})`.as('content'),
        ])
        .where('m.id', 'in', (eb) =>
          eb
            .selectFrom('conversations as c')
            .select((inner) =>
              inner
                .selectFrom('messages as l')
                .select('l.id')
                .whereRef('l.conversation_id', '=', 'c.id')
                .where('l.direction', '<>', 'note')
                .orderBy('l.id', 'desc')
                .limit(1)
                .$asScalar()
                .as('last_id'),
            )
            .where(
              'c.id',
              'in',
              page.map((c) => c.id),
            ),
        )
        .execute();
      for (const row of rows)
        last.set(row.conversation_id, {
          direction: row.direction as MessagePreview['direction'],
          sender_type: row.sender_type as Message['sender_type'],
          content: row.content,
          created_at: row.created_at,
        });
    }
    return page.map((c) => ({ ...c, last_message: last.get(c.id) ?? null }));
  }

  /**
   * The workspace's tabs for one inbox (or all) and status: conversations assigned to the viewer,
   * unassigned, and all the viewer may see.
   */
  async counts(
    query: Pick<ConversationListQuery, 'inbox_id' | 'status' | 'team_id' | 'label'>,
    viewer: ConversationViewer,
  ): Promise<{ mine: number; unassigned: number; all: number; capped: boolean }> {
    // Counted up to COUNT_CAP: past it a tab says "10,000+", and the count costs no more than that.
    const count = async (assignee: string | undefined) => {
      const rows = this.db
        .selectFrom('conversations')
        .select('id')
        .where(this.filtered({ ...query, assignee_id: assignee }, viewer))
        .limit(COUNT_CAP + 1);
      const { n } = await this.db
        .selectFrom(rows.as('r'))
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(n);
    };
    const [mine, unassigned, all] = await Promise.all([
      count(viewer.userId),
      count('none'),
      count(undefined),
    ]);
    const capped = Math.max(mine, unassigned, all) > COUNT_CAP;
    const cap = (n: number) => Math.min(n, COUNT_CAP);
    return { mine: cap(mine), unassigned: cap(unassigned), all: cap(all), capped };
  }

  /** The list's filters as one condition, for any select over conversations. */
  private filtered(query: ConversationListQuery, viewer?: ConversationViewer) {
    return (eb: ExpressionBuilder<KithDatabase, 'conversations'>) => {
      const all: Expression<SqlBool>[] = [];
      if (query.status) all.push(eb('status', '=', query.status));
      if (query.assignee_id === 'none') all.push(eb('assignee_id', 'is', null));
      else if (query.assignee_id) all.push(eb('assignee_id', '=', query.assignee_id));
      if (query.inbox_id && query.assignee_id && query.assignee_id !== 'none')
        // One agent's conversations are the narrower set: keep the planner on the assignee's index (an
        // expression is no index column) instead of walking the whole inbox for them.
        all.push(sql<SqlBool>`inbox_id || '' = ${query.inbox_id}`);
      else if (query.inbox_id) all.push(eb('inbox_id', '=', query.inbox_id));
      if (query.contact_id) all.push(eb('contact_id', '=', query.contact_id));
      if (query.team_id) all.push(eb('team_id', '=', query.team_id));
      if (query.label) {
        // Labels are stored as a JSON array of normalised strings: look for the quoted label.
        const pattern = `%${JSON.stringify(query.label.trim().toLowerCase()).replace(/[!%_]/g, (c) => `!${c}`)}%`;
        all.push(sql<SqlBool>`labels like ${pattern} escape '!'`);
      }
      if (viewer?.role === 'agent')
        all.push(
          eb(
            'inbox_id',
            'in',
            eb.selectFrom('inbox_members').select('inbox_id').where('user_id', '=', viewer.userId),
          ),
        );
      return eb.and(all);
    };
  }

  async messages(id: string, viewer?: ConversationViewer): Promise<Message[]> {
    await this.get(id, viewer);
    const rows = await this.db
      .selectFrom('messages')
      .selectAll()
      .where('conversation_id', '=', id)
      .orderBy('id')
      .execute();
    return rows.map(toMessage);
  }

  async events(id: string, viewer?: ConversationViewer) {
    await this.get(id, viewer);
    const rows = await this.db
      .selectFrom('conversation_events')
      .selectAll()
      .where('conversation_id', '=', id)
      .orderBy('id')
      .execute();
    return rows.map((r) => ({ ...r, data: JSON.parse(r.data) as Record<string, unknown> }));
  }

  /**
   * Starts a conversation for a contact given by id, or by wire-shape fields matched exactly as imports
   * match (id > identity > phone > email; created when nothing matches), with an optional first
   * incoming message.
   */
  async create(
    input: unknown,
    actor: Actor,
    options: { origin?: ChangeOrigin; viewer?: ConversationViewer } = {},
  ): Promise<Conversation> {
    const origin = options.origin ?? DIRECT_CHANGE;
    const parsed = CreateSchema.safeParse(input);
    if (!parsed.success) throw toValidationErrors('', input, parsed.error, CreateSchema);
    const body = parsed.data;
    await this.assertInbox(body.inbox_id);
    if (options.viewer && !(await this.canSee(options.viewer, body.inbox_id)))
      throw new ValidationError('inbox_id', body.inbox_id, 'is not an inbox you are a member of');
    // An empty id is checked too (refused as no user), not stored as an assignee no one is. Checked
    // before the contact is found or created: a refused conversation must not leave a contact behind.
    if (typeof body.assignee_id === 'string') await this.assertAssignable(body.assignee_id, body.inbox_id);
    if (typeof body.team_id === 'string') await this.assertTeam(body.team_id);
    const contactId = await this.contactFor(body.contact_id, body.contact, actor);
    const at = nowIso();
    const conversation = withQueueState(
      {
        id: newId('conversation'),
        inbox_id: body.inbox_id,
        contact_id: contactId,
        status: body.status ?? 'open',
        snoozed_until: null,
        assignee_id: body.assignee_id ?? null,
        team_id: body.team_id ?? null,
        priority: body.priority ?? null,
        labels: normalizeLabels(body.labels ?? []),
        attributes: body.attributes ?? {},
        waiting_since: null,
        last_message_at: body.message ? at : null,
        created_at: at,
        updated_at: at,
      },
      at,
    );
    let message: Message | null = null;
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('conversations').values(toRow(conversation)).execute();
      await this.recordEvents(
        trx,
        conversation,
        [{ type: 'created', data: { status: conversation.status } }],
        actor,
        null,
        at,
      );
      if (conversation.assignee_id)
        await this.recordEvents(
          trx,
          conversation,
          [{ type: 'assigned', data: { from: null, to: conversation.assignee_id } }],
          actor,
          null,
          at,
        );
      if (body.message)
        message = await this.insertMessage(trx, conversation, 'incoming', body.message, actor, at);
      await appendStreamEntry(trx, {
        conversation_id: conversation.id,
        inbox_id: conversation.inbox_id,
        kind: 'created',
        message_id: (message as Message | null)?.id ?? null,
        at,
      });
    });
    await this.notify({ kind: 'created', conversation, message, actor, origin });
    return this.get(conversation.id);
  }

  /**
   * Applies a patch. `expectedAssignee` makes the write conditional (auto-assignment: only if nobody
   * assigned it meanwhile), and `withinCapacity` (auto-assignment) only if the new assignee is still
   * below their capacity; returns null when such a condition failed.
   */
  async update(
    id: string,
    input: unknown,
    actor: Actor,
    options: {
      origin?: ChangeOrigin;
      expectedAssignee?: string | null;
      withinCapacity?: boolean;
      viewer?: ConversationViewer;
    } = {},
  ): Promise<Conversation | null> {
    const parsed = PatchSchema.safeParse(input);
    if (!parsed.success) throw toValidationErrors('', input, parsed.error, PatchSchema);
    const patch: ConversationPatch = parsed.data;
    if (typeof patch.team_id === 'string') await this.assertTeam(patch.team_id);
    if (patch.snoozed_until && patch.status !== undefined && patch.status !== 'snoozed')
      throw new ValidationError('snoozed_until', patch.snoozed_until, 'only goes with status snoozed');
    // A time already past would be reopened by the next wake-up within a minute: a typo, not a snooze.
    if (patch.snoozed_until && Date.parse(patch.snoozed_until) <= Date.now())
      throw new ValidationError('snoozed_until', patch.snoozed_until, 'is in the past');
    const result = await this.db.transaction().execute(async (trx) => {
      // Locked on PostgreSQL (SQLite has one writer): two changes read it in turn, so a conditional
      // assignment sees the one made meanwhile instead of handing the conversation on a second time.
      let rowQuery = trx.selectFrom('conversations').selectAll().where('id', '=', id);
      if (this.store.dialect === 'postgres') rowQuery = rowQuery.forUpdate();
      const row = await rowQuery.executeTakeFirst();
      if (!row || (options.viewer && !(await this.canSee(options.viewer, row.inbox_id, trx))))
        throw new NotFoundError('conversation', id);
      if (typeof patch.assignee_id === 'string')
        await this.assertAssignable(patch.assignee_id, row.inbox_id, trx);
      const before = toConversation(row);
      if (options.expectedAssignee !== undefined && before.assignee_id !== options.expectedAssignee)
        return null;
      if (
        options.withinCapacity &&
        patch.assignee_id &&
        patch.assignee_id !== before.assignee_id &&
        !(await this.hasRoom(trx, patch.assignee_id))
      )
        return null;
      if (patch.snoozed_until && patch.status === undefined && before.status !== 'snoozed')
        throw new ValidationError('snoozed_until', patch.snoozed_until, 'only goes with status snoozed');
      const at = nowIso();
      const after = applyConversationPatch(before, patch, at);
      const events = diffConversation(before, after);
      if (events.length === 0 && JSON.stringify(before.attributes) === JSON.stringify(after.attributes))
        return { before, after: before, changed: false };
      after.updated_at = at;
      await trx.updateTable('conversations').set(toRow(after)).where('id', '=', id).execute();
      await this.recordEvents(trx, after, events, actor, before, at);
      await appendStreamEntry(trx, { conversation_id: id, inbox_id: after.inbox_id, kind: 'updated', at });
      return { before, after, changed: true };
    });
    if (result === null) return null;
    if (result.changed)
      await this.notify({
        kind: 'updated',
        conversation: result.after,
        before: result.before,
        actor,
        origin: options.origin ?? DIRECT_CHANGE,
      });
    return this.get(id);
  }

  /** Adds a message; an incoming one reopens a resolved or snoozed conversation first. */
  async addMessage(
    id: string,
    input: unknown,
    actor: Actor,
    options: { origin?: ChangeOrigin; viewer?: ConversationViewer } = {},
  ): Promise<Message> {
    const parsed = MessageSchema.safeParse(input);
    if (!parsed.success) throw toValidationErrors('', input, parsed.error, MessageSchema);
    const { direction, content } = parsed.data;
    const origin = options.origin ?? DIRECT_CHANGE;
    const { conversation, message, reopened } = await this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row || (options.viewer && !(await this.canSee(options.viewer, row.inbox_id, trx))))
        throw new NotFoundError('conversation', id);
      const at = nowIso();
      let current = toConversation(row);
      let reopened: { before: Conversation; after: Conversation } | null = null;
      if (direction === 'incoming' && (current.status === 'resolved' || current.status === 'snoozed')) {
        const after = applyConversationPatch(current, { status: 'open' }, at);
        await this.recordEvents(trx, after, diffConversation(current, after), actor, current, at);
        reopened = { before: current, after };
        current = after;
      }
      if (direction !== 'note') current = { ...current, last_message_at: at };
      current.updated_at = at;
      await trx.updateTable('conversations').set(toRow(current)).where('id', '=', id).execute();
      const message = await this.insertMessage(trx, current, direction, content, actor, at);
      // One entry for the message; a reopening it caused shows in the conversation it carries.
      await appendStreamEntry(trx, {
        conversation_id: id,
        inbox_id: current.inbox_id,
        kind: 'message',
        message_id: message.id,
        at,
      });
      return { conversation: current, message, reopened };
    });
    if (reopened)
      await this.notify({
        kind: 'updated',
        conversation: reopened.after,
        before: reopened.before,
        actor,
        origin,
      });
    await this.notify({
      kind: 'message',
      conversation: await this.get(conversation.id),
      message,
      actor,
      origin,
    });
    return message;
  }

  /** Snoozed conversations whose time has come are opened again (run by the worker every minute). */
  async reopenDueSnoozed(actor: Actor, now = new Date()): Promise<number> {
    const due = await this.db
      .selectFrom('conversations')
      .select('id')
      .where('status', '=', 'snoozed')
      .where('snoozed_until', '<=', now.toISOString())
      .orderBy('snoozed_until')
      .limit(1000)
      .execute();
    for (const { id } of due) await this.update(id, { status: 'open' }, actor);
    return due.length;
  }

  private async notify(change: ConversationChange): Promise<void> {
    for (const listener of this.listeners) {
      try {
        await listener.conversationChanged(change);
      } catch (e) {
        // The change itself has committed; a listener's failure is its own (rules log theirs).
        process.stderr.write(
          `kith: a listener failed on conversation ${change.conversation.id}: ${(e as Error).message}\n`,
        );
      }
    }
  }

  private async insertMessage(
    trx: Queryable,
    conversation: Conversation,
    direction: MessageDirection,
    content: string,
    actor: Actor,
    at: string,
  ): Promise<Message> {
    const message: Message = {
      id: newId('message'),
      conversation_id: conversation.id,
      direction,
      content,
      sender_type:
        direction === 'incoming' ? 'contact' : actor.channel === 'automation' ? 'automation' : 'user',
      sender_id:
        direction === 'incoming'
          ? conversation.contact_id
          : actor.channel === 'automation'
            ? (actor.channelRef ?? null)
            : actor.userId,
      created_at: at,
    };
    await trx.insertInto('messages').values(message).execute();
    return message;
  }

  private async recordEvents(
    trx: Queryable,
    conversation: Conversation,
    events: ConversationEventDraft[],
    actor: Actor,
    before: Conversation | null,
    at: string,
  ): Promise<void> {
    for (const event of events) {
      await trx
        .insertInto('conversation_events')
        .values({
          id: newId('conversationEvent'),
          conversation_id: conversation.id,
          type: event.type,
          data: JSON.stringify(event.data),
          credited_user_id: creditedUser(event, actor, before),
          actor_id: actor.userId,
          channel: actor.channel,
          channel_ref: actor.channelRef ?? null,
          occurred_at: at,
        })
        .execute();
      await appendContactEvent(trx, {
        contactId: conversation.contact_id,
        type: `conversation_${event.type}` as ContactEventType,
        actor,
        at,
        data: { conversation_id: conversation.id, ...event.data },
      });
    }
  }

  /**
   * Whether an agent is below their capacity (open conversations assigned to them), counted in the
   * assigning transaction with the agent's row locked on PostgreSQL: concurrent assignments to one agent
   * (other conversations, other servers) count one after another, so none takes a place already taken.
   */
  private async hasRoom(trx: Queryable, userId: string): Promise<boolean> {
    let agent = trx.selectFrom('users').select('capacity').where('id', '=', userId);
    if (this.store.dialect === 'postgres') agent = agent.forUpdate();
    const capacity = (await agent.executeTakeFirst())?.capacity ?? null;
    if (capacity === null) return true;
    const open = await trx
      .selectFrom('conversations')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('assignee_id', '=', userId)
      .where('status', '=', 'open')
      .executeTakeFirstOrThrow();
    return Number(open.n) < capacity;
  }

  private async contactFor(
    contactId: string | undefined,
    fields: Record<string, unknown> | undefined,
    actor: Actor,
  ): Promise<string> {
    if (contactId && fields)
      throw new ValidationError('contact_id', contactId, 'give either contact_id or contact, not both');
    if (contactId) return (await this.contacts.resolve(contactId)).id;
    if (!fields)
      throw new ValidationError(
        'contact',
        null,
        'is required (or contact_id): the customer this conversation is with',
      );
    const patch = normalizeContactInput(fields, await this.contacts.normalizeContext());
    const id = typeof fields.id === 'string' ? fields.id : null;
    const keys = contactKeysOf(id, patch);
    let identified = await identifyContact(this.db, keys);
    if (identified.kind === 'new') {
      try {
        return (await this.contacts.createFromPatch(patch, actor)).id;
      } catch (e) {
        if (!(e instanceof ConflictError)) throw e;
        // The same new customer wrote twice at once (or another request created them): the one
        // created meanwhile is found now; a value owned by someone else is still refused.
        identified = await identifyContact(this.db, keys);
        if (identified.kind === 'new') throw e;
      }
    }
    if (identified.kind === 'found') {
      await this.contacts.updateFromPatch(identified.contactId, patch, actor);
      return identified.contactId;
    }
    if (identified.refusal.kind === 'no_identifier')
      throw new ValidationError(
        'contact',
        fields,
        'needs an id, identity, phone or email to be matched or created',
      );
    throw new KithError('contact_conflict', `contact: ${identified.reason}`, 409, {
      reason: identified.reason,
    });
  }

  /**
   * A contact's timeline as the viewer may see it: an agent is given the events of conversations in
   * their own inboxes only, as in every conversation list; the page is filled from older entries, so
   * the next page starts before the last entry given, as for everyone.
   */
  async contactTimeline(
    contactId: string,
    page: { before?: string; limit?: number },
    viewer: ConversationViewer,
  ): Promise<ContactEvent[]> {
    const limit = page.limit ?? 100;
    if (viewer.role === 'admin') return this.contacts.timeline(contactId, { ...page, limit });
    const conversationOf = (e: ContactEvent) =>
      typeof e.data?.conversation_id === 'string' ? e.data.conversation_id : null;
    const data: ContactEvent[] = [];
    for (let before = page.before; data.length < limit;) {
      const read = await this.contacts.timeline(contactId, { before, limit });
      const visible = await this.visibleIds(
        viewer,
        read.map(conversationOf).filter((id): id is string => id !== null),
      );
      for (const event of read) {
        const conversation = conversationOf(event);
        if (conversation === null || visible.has(conversation)) data.push(event);
      }
      if (read.length < limit) break;
      before = read.at(-1)!.id;
    }
    return data.slice(0, limit);
  }

  /** Of these conversation ids, those the viewer may see (an agent: of their inboxes), in one query. */
  private async visibleIds(viewer: ConversationViewer, ids: readonly string[]): Promise<Set<string>> {
    if (viewer.role === 'admin' || ids.length === 0) return new Set(ids);
    const rows = await this.db
      .selectFrom('conversations')
      .select('id')
      .where('id', 'in', [...new Set(ids)])
      .where('inbox_id', 'in', (eb) =>
        eb.selectFrom('inbox_members').select('inbox_id').where('user_id', '=', viewer.userId),
      )
      .execute();
    return new Set(rows.map((r) => r.id));
  }

  private async canSee(
    viewer: ConversationViewer,
    inboxId: string,
    db: Queryable = this.db,
  ): Promise<boolean> {
    if (viewer.role === 'admin') return true;
    const member = await db
      .selectFrom('inbox_members')
      .select('user_id')
      .where('inbox_id', '=', inboxId)
      .where('user_id', '=', viewer.userId)
      .executeTakeFirst();
    return member !== undefined;
  }

  private async assertInbox(id: string): Promise<void> {
    const row = await this.db.selectFrom('inboxes').select('id').where('id', '=', id).executeTakeFirst();
    if (!row) throw new ValidationError('inbox_id', id, 'is not an inbox');
  }

  /**
   * An assignee must be able to see the conversation: an active admin, or an active agent of its
   * inbox (an agent outside it would hold a conversation no one sees in their lists).
   */
  private async assertAssignable(userId: string, inboxId: string, db: Queryable = this.db): Promise<void> {
    const role = await activeUserRole(db, userId);
    if (!role) throw new ValidationError('assignee_id', userId, 'is not an active user');
    if (!(await this.canSee({ userId, role }, inboxId, db)))
      throw new ValidationError(
        'assignee_id',
        userId,
        `is not a member of inbox ${inboxId}; add the agent to the inbox first, or assign an agent of it`,
      );
  }

  private async assertTeam(id: string): Promise<void> {
    const row = await this.db.selectFrom('teams').select('id').where('id', '=', id).executeTakeFirst();
    if (!row) throw new ValidationError('team_id', id, 'is not a team');
  }
}
