/**
 * Conversations and messages as the wire shows them, and the pure rules of a change: the next state
 * (queue bookkeeping) and the events a change records. No I/O here.
 */

export const CONVERSATION_STATUSES = ['open', 'pending', 'snoozed', 'resolved'] as const;
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];
export const PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];
export const MESSAGE_DIRECTIONS = ['incoming', 'outgoing', 'note'] as const;
export type MessageDirection = (typeof MESSAGE_DIRECTIONS)[number];
export const AVAILABILITIES = ['online', 'busy', 'offline'] as const;
export type Availability = (typeof AVAILABILITIES)[number];

export interface Conversation {
  id: string;
  inbox_id: string;
  contact_id: string;
  status: ConversationStatus;
  snoozed_until: string | null;
  assignee_id: string | null;
  team_id: string | null;
  priority: Priority | null;
  labels: string[];
  attributes: Record<string, unknown>;
  /** When it entered the assignment queue (open, nobody assigned); null otherwise. */
  waiting_since: string | null;
  last_message_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface Message {
  id: string;
  conversation_id: string;
  direction: MessageDirection;
  content: string;
  sender_type: 'contact' | 'user' | 'automation';
  sender_id: string | null;
  created_at: string;
}

/** What one update may set; `labels` replaces, `add_labels` / `remove_labels` edit. */
export interface ConversationPatch {
  status?: ConversationStatus;
  snoozed_until?: string | null;
  assignee_id?: string | null;
  team_id?: string | null;
  labels?: string[];
  add_labels?: string[];
  remove_labels?: string[];
  priority?: Priority | null;
  attributes?: Record<string, unknown>;
}

export type ConversationEventType =
  'created' | 'status_changed' | 'assigned' | 'team_changed' | 'labels_changed' | 'priority_changed';

export interface ConversationEventDraft {
  type: ConversationEventType;
  data: Record<string, unknown>;
}

/** Labels are trimmed, lower-cased, unique and sorted: `VIP ` and `vip` are one label. */
export function normalizeLabels(labels: readonly string[]): string[] {
  return [...new Set(labels.map((l) => l.trim().toLowerCase()).filter((l) => l !== ''))].sort();
}

export function applyConversationPatch(
  before: Conversation,
  patch: ConversationPatch,
  at: string,
): Conversation {
  const next: Conversation = { ...before, labels: [...before.labels], attributes: { ...before.attributes } };
  if (patch.status !== undefined) next.status = patch.status;
  if (next.status !== 'snoozed') next.snoozed_until = null;
  else if (patch.snoozed_until !== undefined) next.snoozed_until = patch.snoozed_until;
  if (patch.assignee_id !== undefined) next.assignee_id = patch.assignee_id;
  if (patch.team_id !== undefined) next.team_id = patch.team_id;
  if (patch.priority !== undefined) next.priority = patch.priority;
  if (patch.labels !== undefined) next.labels = normalizeLabels(patch.labels);
  if (patch.add_labels) next.labels = normalizeLabels([...next.labels, ...patch.add_labels]);
  if (patch.remove_labels) {
    const gone = new Set(normalizeLabels(patch.remove_labels));
    next.labels = next.labels.filter((l) => !gone.has(l));
  }
  if (patch.attributes) {
    for (const [key, value] of Object.entries(patch.attributes)) {
      if (value === null) delete next.attributes[key];
      else next.attributes[key] = value;
    }
  }
  return withQueueState(next, at);
}

/** Open and unassigned means waiting in the queue; the first moment it was so is kept (oldest first). */
export function withQueueState(conversation: Conversation, at: string): Conversation {
  const waiting = conversation.status === 'open' && conversation.assignee_id === null;
  return { ...conversation, waiting_since: waiting ? (conversation.waiting_since ?? at) : null };
}

/** The events a change records, in a fixed order; nothing when nothing a person would notice changed. */
export function diffConversation(before: Conversation, after: Conversation): ConversationEventDraft[] {
  const events: ConversationEventDraft[] = [];
  if (before.status !== after.status || before.snoozed_until !== after.snoozed_until)
    events.push({
      type: 'status_changed',
      data: {
        from: before.status,
        to: after.status,
        ...(after.snoozed_until ? { snoozed_until: after.snoozed_until } : {}),
      },
    });
  if (before.assignee_id !== after.assignee_id)
    events.push({ type: 'assigned', data: { from: before.assignee_id, to: after.assignee_id } });
  if (before.team_id !== after.team_id)
    events.push({ type: 'team_changed', data: { from: before.team_id, to: after.team_id } });
  const added = after.labels.filter((l) => !before.labels.includes(l));
  const removed = before.labels.filter((l) => !after.labels.includes(l));
  if (added.length > 0 || removed.length > 0)
    events.push({ type: 'labels_changed', data: { added, removed } });
  if (before.priority !== after.priority)
    events.push({ type: 'priority_changed', data: { from: before.priority, to: after.priority } });
  return events;
}
