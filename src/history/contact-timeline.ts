import type { Actor } from '../domain/actor.js';
import { newId } from '../domain/ids.js';
import { contactIdColumnReference } from '../store/contact-id-column.js';
import type { RowWriter } from '../store/row-writer.js';
import { nowIso, type Queryable } from '../store/transaction.js';

/** Event types on a contact's timeline; later capabilities add their own (purchase…). */
export type ContactEventType =
  | 'created'
  | 'updated'
  | 'deleted'
  | 'restored'
  | 'imported'
  | 'import_undone'
  | 'group_added'
  | 'group_removed'
  | 'merged'
  | 'merged_into'
  | 'unmerged'
  | 'conversation_created'
  | 'conversation_status_changed'
  | 'conversation_assigned'
  | 'conversation_team_changed'
  | 'conversation_labels_changed'
  | 'conversation_priority_changed';

export interface ContactEvent {
  id: string;
  contact_id: string;
  type: string;
  occurred_at: string;
  actor_id: string | null;
  channel: string;
  channel_ref: string | null;
  data: Record<string, unknown> | null;
}

export interface NewContactEvent {
  contactId: string;
  type: ContactEventType;
  actor: Actor;
  data?: Record<string, unknown>;
  at?: string;
}

export async function appendContactEvent(db: Queryable, event: NewContactEvent): Promise<void> {
  await db.insertInto('contact_events').values(eventRow(event)).execute();
}

/**
 * Many events at once, in their order, through a batch writer: a change of thousands of contacts
 * (a bulk action, a tag merged) writes their timeline in a few statements, not one per contact.
 */
export async function appendContactEvents(
  rows: RowWriter,
  events: readonly NewContactEvent[],
): Promise<void> {
  if (events.length > 0) await rows.insert('contact_events', events.map(eventRow));
}

function eventRow(event: NewContactEvent) {
  return {
    id: newId('event'),
    contact_id: event.contactId,
    type: event.type,
    occurred_at: event.at ?? nowIso(),
    actor_id: event.actor.userId,
    channel: event.actor.channel,
    channel_ref: event.actor.channelRef ?? null,
    data: event.data ? JSON.stringify(event.data) : null,
  };
}

/** Newest first, paged by id. */
export async function listContactEvents(
  db: Queryable,
  contactId: string,
  page: { before?: string; limit: number },
): Promise<ContactEvent[]> {
  let query = db.selectFrom('contact_events').selectAll().where('contact_id', '=', contactId);
  if (page.before) query = query.where('id', '<', page.before);
  const rows = await query.orderBy('id', 'desc').limit(page.limit).execute();
  return rows.map((r) => ({ ...r, data: r.data ? (JSON.parse(r.data) as Record<string, unknown>) : null }));
}

/**
 * The timeline's entry in the contacts capability's registry of contact references: a merge moves
 * the merged contacts' events to the survivor; unmerge moves each back to the contact it came from.
 */
export const contactTimelineReference = contactIdColumnReference('timeline', 'contact_events', ['id']);
