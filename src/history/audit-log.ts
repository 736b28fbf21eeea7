import type { Actor } from '../domain/actor.js';
import type { FieldChange } from '../domain/contact/contact-patch.js';
import { newId } from '../domain/ids.js';
import type { RowWriter } from '../store/row-writer.js';
import { nowIso, type Queryable } from '../store/transaction.js';

export interface AuditEntry {
  id: string;
  entity_type: string;
  entity_id: string;
  action: string;
  changes: FieldChange[];
  actor_id: string | null;
  channel: string;
  channel_ref: string | null;
  created_at: string;
}

export interface NewAuditEntry {
  entityType: string;
  entityId: string;
  action: string;
  changes: FieldChange[];
  actor: Actor;
  at?: string;
}

export async function appendAuditEntry(db: Queryable, entry: NewAuditEntry): Promise<void> {
  await db.insertInto('audit_log').values(auditRow(entry)).execute();
}

/** Many entries at once, in their order, through a batch writer (see `appendContactEvents`). */
export async function appendAuditEntries(rows: RowWriter, entries: readonly NewAuditEntry[]): Promise<void> {
  if (entries.length > 0) await rows.insert('audit_log', entries.map(auditRow));
}

function auditRow(entry: NewAuditEntry) {
  return {
    id: newId('audit'),
    entity_type: entry.entityType,
    entity_id: entry.entityId,
    action: entry.action,
    changes: JSON.stringify(entry.changes),
    actor_id: entry.actor.userId,
    channel: entry.actor.channel,
    channel_ref: entry.actor.channelRef ?? null,
    created_at: entry.at ?? nowIso(),
  };
}

/** Newest first, paged by id. */
export async function listAuditEntries(
  db: Queryable,
  entityType: string,
  entityId: string,
  page: { before?: string; limit: number },
): Promise<AuditEntry[]> {
  let query = db
    .selectFrom('audit_log')
    .selectAll()
    .where('entity_type', '=', entityType)
    .where('entity_id', '=', entityId);
  if (page.before) query = query.where('id', '<', page.before);
  const rows = await query.orderBy('id', 'desc').limit(page.limit).execute();
  return rows.map((r) => ({ ...r, changes: JSON.parse(r.changes) as FieldChange[] }));
}
