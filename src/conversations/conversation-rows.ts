/** Conversations and messages between their stored rows (JSON text columns) and their wire shapes. */
import type { ConversationsTable, MessagesTable } from '../store/schema.js';
import type {
  Conversation,
  ConversationStatus,
  Message,
  MessageDirection,
  Priority,
} from './conversation-fields.js';

export function toConversation(row: ConversationsTable): Conversation {
  return {
    id: row.id,
    inbox_id: row.inbox_id,
    contact_id: row.contact_id,
    status: row.status as ConversationStatus,
    snoozed_until: row.snoozed_until,
    assignee_id: row.assignee_id,
    team_id: row.team_id,
    priority: row.priority as Priority | null,
    labels: JSON.parse(row.labels) as string[],
    attributes: JSON.parse(row.attributes) as Record<string, unknown>,
    waiting_since: row.waiting_since,
    last_message_at: row.last_message_at,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export function toRow(c: Conversation): ConversationsTable {
  return { ...c, labels: JSON.stringify(c.labels), attributes: JSON.stringify(c.attributes) };
}

export function toMessage(row: MessagesTable): Message {
  return {
    ...row,
    direction: row.direction as MessageDirection,
    sender_type: row.sender_type as Message['sender_type'],
  };
}
