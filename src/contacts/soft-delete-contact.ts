import type { Actor } from '../domain/actor.js';
import { appendAuditEntry } from '../history/audit-log.js';
import { appendContactEvent } from '../history/contact-timeline.js';
import type { Queryable } from '../store/transaction.js';
import { markContactDeleted } from './contact-repository.js';

/**
 * Soft-deletes one contact with its history: the same audit entry and timeline event whether one
 * contact is deleted or a batch is. `data` goes on the timeline event (a batch's deletion id).
 */
export async function softDeleteContact(
  db: Queryable,
  contactId: string,
  actor: Actor,
  at: string,
  data?: Record<string, unknown>,
): Promise<void> {
  await markContactDeleted(db, contactId, at, actor.userId);
  await appendAuditEntry(db, {
    entityType: 'contact',
    entityId: contactId,
    action: 'deleted',
    changes: [{ field: 'deleted_at', old: null, new: at }],
    actor,
    at,
  });
  await appendContactEvent(db, { contactId, type: 'deleted', actor, at, data });
}
