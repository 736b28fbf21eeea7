/**
 * AutoAssignmentService: keeps every open conversation of an inbox with auto-assignment with an online
 * member below capacity, or waiting in the inbox's queue (oldest first) until one is.
 *
 * - A conversation that becomes open (created, reopened, unassigned while open) or gets a customer
 *   message is checked: no assignee, or an assignee who is offline or no longer a member, means it is
 *   given to the next agent (`pickAgent`), or left unassigned in the queue when nobody can take it.
 * - When an agent comes online, frees capacity or joins an inbox, the queue is served.
 */
import type { AssignmentTriggers } from '../../conversations/assignment-triggers.js';
import type {
  ChangeOrigin,
  ConversationChange,
  ConversationListener,
} from '../../conversations/conversation-change.js';
import { DIRECT_CHANGE } from '../../conversations/conversation-change.js';
import type { Availability, Conversation } from '../../conversations/conversation-fields.js';
import type { ConversationService } from '../../conversations/conversation-service.js';
import type { AssignmentMode } from '../../conversations/inbox-service.js';
import type { Actor } from '../../domain/actor.js';
import type { Store } from '../../store/database.js';
import { nowIso } from '../../store/transaction.js';
import { type AgentCandidate, pickAgent } from './pick-agent.js';

export const AUTO_ASSIGNMENT_ACTOR: Actor = {
  userId: null,
  channel: 'system',
  channelRef: 'auto_assignment',
};
const QUEUE_BATCH = 200;
/** Picks for one conversation whose pick lost its place to a concurrent assignment. */
const MAX_PICKS = 5;

export class AutoAssignmentService implements ConversationListener, AssignmentTriggers {
  constructor(
    private readonly store: Store,
    private readonly conversations: ConversationService,
  ) {}

  private get db() {
    return this.store.db;
  }

  async conversationChanged(change: ConversationChange): Promise<void> {
    const after = change.conversation;
    let freed: string | null = null;
    let check = false;
    if (change.kind === 'created') check = after.status === 'open';
    else if (change.kind === 'message')
      check = change.message.direction === 'incoming' && after.status === 'open';
    else {
      const before = change.before;
      check = after.status === 'open' && (before.status !== 'open' || after.assignee_id === null);
      if (
        before.assignee_id &&
        before.status === 'open' &&
        (after.status !== 'open' || after.assignee_id !== before.assignee_id)
      )
        freed = before.assignee_id;
    }
    if (check) await this.assignIfNeeded(after.id, change.origin);
    if (freed) await this.workMayBeTaken({ userId: freed });
  }

  /** Gives the conversation to an eligible member when it needs one; returns the assignee after. */
  async assignIfNeeded(conversationId: string, origin: ChangeOrigin = DIRECT_CHANGE): Promise<string | null> {
    for (let attempt = 1; ; attempt++) {
      const conversation = await this.conversations.get(conversationId);
      if (conversation.status !== 'open') return conversation.assignee_id;
      const inbox = await this.inbox(conversation.inbox_id);
      if (!inbox?.enabled) return conversation.assignee_id;
      const candidates = await this.candidates(inbox.id);
      if (conversation.assignee_id) {
        const current = candidates.find((c) => c.userId === conversation.assignee_id);
        if (current && current.availability !== 'offline') return conversation.assignee_id;
      }
      const pick = pickAgent(
        inbox.mode,
        candidates.filter((c) => c.userId !== conversation.assignee_id),
      );
      if (pick === null && conversation.assignee_id === null) return null;
      const assignee = await this.assign(conversation, pick, origin);
      // Unchanged though someone was picked: a concurrent assignment took the pick's last place
      // meanwhile; pick again from fresh loads.
      if (pick === null || assignee !== conversation.assignee_id || attempt >= MAX_PICKS) return assignee;
    }
  }

  async workMayBeTaken(scope: { userId?: string; inboxId?: string }): Promise<void> {
    let inboxes = this.db
      .selectFrom('inboxes')
      .select(['id', 'assignment_mode'])
      .where('auto_assignment', '=', 1);
    if (scope.inboxId) inboxes = inboxes.where('id', '=', scope.inboxId);
    if (scope.userId)
      inboxes = inboxes.where('id', 'in', (eb) =>
        eb.selectFrom('inbox_members').select('inbox_id').where('user_id', '=', scope.userId!),
      );
    for (const inbox of await inboxes.orderBy('id').execute())
      await this.serveQueue(inbox.id, inbox.assignment_mode as AssignmentMode);
  }

  async agentLeftInbox(inboxId: string, userId: string): Promise<void> {
    const theirs = await this.db
      .selectFrom('conversations')
      .select('id')
      .where('inbox_id', '=', inboxId)
      .where('assignee_id', '=', userId)
      .where('status', 'in', ['open', 'pending', 'snoozed'])
      .execute();
    const inbox = await this.inbox(inboxId);
    for (const { id } of theirs) {
      const conversation = await this.conversations.get(id);
      if (inbox?.enabled && conversation.status === 'open') await this.assignIfNeeded(id);
      // Without auto-assignment (or while not open) it goes back to the unassigned list for a person to give out.
      else await this.assign(conversation, null, DIRECT_CHANGE);
    }
  }

  /** The inbox's queue, oldest first, while someone can take work. */
  private async serveQueue(inboxId: string, mode: AssignmentMode): Promise<void> {
    for (;;) {
      const waiting = await this.db
        .selectFrom('conversations')
        .selectAll()
        .where('inbox_id', '=', inboxId)
        .where('status', '=', 'open')
        .where('assignee_id', 'is', null)
        .orderBy('waiting_since')
        .orderBy('id')
        .limit(QUEUE_BATCH)
        .execute();
      if (waiting.length === 0) return;
      let assigned = 0;
      for (const row of waiting) {
        const pick = pickAgent(mode, await this.candidates(inboxId));
        if (pick === null) return;
        const conversation = await this.conversations.get(row.id);
        if (conversation.status !== 'open' || conversation.assignee_id !== null) continue;
        if ((await this.assign(conversation, pick, DIRECT_CHANGE)) === pick) assigned++;
      }
      if (assigned === 0 || waiting.length < QUEUE_BATCH) return;
    }
  }

  private async assign(
    conversation: Conversation,
    userId: string | null,
    origin: ChangeOrigin,
  ): Promise<string | null> {
    const updated = await this.conversations.update(
      conversation.id,
      { assignee_id: userId },
      AUTO_ASSIGNMENT_ACTOR,
      {
        origin,
        expectedAssignee: conversation.assignee_id,
        withinCapacity: true,
      },
    );
    if (updated === null) return (await this.conversations.get(conversation.id)).assignee_id;
    if (userId)
      await this.db
        .updateTable('inbox_members')
        .set({ last_assigned_at: nowIso() })
        .where('inbox_id', '=', conversation.inbox_id)
        .where('user_id', '=', userId)
        .execute();
    return updated.assignee_id;
  }

  private async inbox(id: string): Promise<{ id: string; enabled: boolean; mode: AssignmentMode } | null> {
    const row = await this.db
      .selectFrom('inboxes')
      .select(['id', 'auto_assignment', 'assignment_mode'])
      .where('id', '=', id)
      .executeTakeFirst();
    return row
      ? { id: row.id, enabled: row.auto_assignment === 1, mode: row.assignment_mode as AssignmentMode }
      : null;
  }

  /** Active members of the inbox with their availability, capacity and current open load. */
  private async candidates(inboxId: string): Promise<AgentCandidate[]> {
    const rows = await this.db
      .selectFrom('inbox_members as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select((eb) => [
        'u.id',
        'u.availability',
        'u.capacity',
        'm.last_assigned_at',
        eb
          .selectFrom('conversations as c')
          .select(eb.fn.countAll<number>().as('n'))
          .whereRef('c.assignee_id', '=', 'u.id')
          .where('c.status', '=', 'open')
          .as('open_count'),
      ])
      .where('m.inbox_id', '=', inboxId)
      .where('u.disabled_at', 'is', null)
      .execute();
    return rows.map((r) => ({
      userId: r.id,
      availability: r.availability as Availability,
      capacity: r.capacity,
      openCount: Number(r.open_count ?? 0),
      lastAssignedAt: r.last_assigned_at,
    }));
  }
}
