/**
 * The audit log as administrators browse it: newest first, filtered by what changed (entity types, one
 * entity), who changed it and since when, paged by id. Each entry names its actor and, where the record
 * still exists (or its last name is in the entry), the record itself, so a reader sees "tag VIP" rather
 * than "tag tag_01J…".
 */
import { ValidationError } from '../domain/errors.js';
import { isIdOf } from '../domain/ids.js';
import type { FieldChange } from '../domain/contact/contact-patch.js';
import type { Queryable } from '../store/transaction.js';
import type { AuditEntry } from './audit-log.js';

export interface AuditSearch {
  entityTypes?: string[];
  entityId?: string;
  actorId?: string;
  /** ISO timestamp: entries at or after it. */
  since?: string;
  /** An entry id: entries older than it (the cursor). */
  before?: string;
  limit: number;
}

export interface AuditActor {
  id: string;
  email: string;
  name: string | null;
}

export interface NamedAuditEntry extends AuditEntry {
  /** The user who made the change, when one did (null for the system, imports without a user …). */
  actor: AuditActor | null;
  /** What the changed record is called: a tag's or group's name, a user's e-mail, a webhook's URL … */
  entity_name: string | null;
}

export interface AuditPage {
  data: NamedAuditEntry[];
  next_cursor: string | null;
}

type NameRows = Promise<{ id: string; name: string | null }[]>;

/** Record kinds whose names are looked up, and how. */
const LOOKUPS: Record<string, (db: Queryable, ids: string[]) => NameRows> = {
  user: (db, ids) => db.selectFrom('users').select(['id', 'email as name']).where('id', 'in', ids).execute(),
  api_token: (db, ids) => db.selectFrom('api_tokens').select(['id', 'name']).where('id', 'in', ids).execute(),
  tag: (db, ids) => db.selectFrom('tags').select(['id', 'name']).where('id', 'in', ids).execute(),
  group: (db, ids) => db.selectFrom('contact_groups').select(['id', 'name']).where('id', 'in', ids).execute(),
  webhook_endpoint: (db, ids) =>
    db.selectFrom('webhook_endpoints').select(['id', 'url as name']).where('id', 'in', ids).execute(),
  identity_type: (db, ids) =>
    db.selectFrom('identity_types').select(['key as id', 'label as name']).where('key', 'in', ids).execute(),
  attribute_definition: (db, ids) =>
    db
      .selectFrom('attribute_definitions')
      .select(['key as id', 'label as name'])
      .where('key', 'in', ids)
      .execute(),
  contact: (db, ids) => db.selectFrom('contacts').select(['id', 'name']).where('id', 'in', ids).execute(),
  automation_rule: (db, ids) =>
    db.selectFrom('automation_rules').select(['id', 'name']).where('id', 'in', ids).execute(),
  inbox: (db, ids) => db.selectFrom('inboxes').select(['id', 'name']).where('id', 'in', ids).execute(),
  team: (db, ids) => db.selectFrom('teams').select(['id', 'name']).where('id', 'in', ids).execute(),
  // A background export by its file's name (a streamed one has no row: its entry names kind and format).
  export: (db, ids) =>
    db.selectFrom('exports').select(['id', 'file_name as name']).where('id', 'in', ids).execute(),
  // An import by its file's name (its files deleted by hand: `files_deleted`).
  import: (db, ids) =>
    db.selectFrom('imports').select(['id', 'file_name as name']).where('id', 'in', ids).execute(),
};

export async function searchAuditLog(db: Queryable, search: AuditSearch): Promise<AuditPage> {
  if (search.before !== undefined && !isIdOf('audit', search.before))
    throw new ValidationError(
      'cursor',
      search.before,
      'is not a cursor of the audit log: pass an answer’s next_cursor',
    );
  let query = db.selectFrom('audit_log').selectAll();
  if (search.entityTypes && search.entityTypes.length > 0)
    query = query.where('entity_type', 'in', search.entityTypes);
  if (search.entityId) query = query.where('entity_id', '=', search.entityId);
  if (search.actorId) query = query.where('actor_id', '=', search.actorId);
  if (search.since) query = query.where('created_at', '>=', search.since);
  if (search.before) query = query.where('id', '<', search.before);
  const rows = await query
    .orderBy('id', 'desc')
    .limit(search.limit + 1)
    .execute();
  const page = rows.slice(0, search.limit).map((r) => ({
    ...r,
    changes: JSON.parse(r.changes) as FieldChange[],
  }));
  const [actors, names] = await Promise.all([actorsOf(db, page), namesOf(db, page)]);
  return {
    data: page.map((entry) => ({
      ...entry,
      actor: (entry.actor_id && actors.get(entry.actor_id)) || null,
      entity_name: names.get(`${entry.entity_type}\u0000${entry.entity_id}`) ?? lastNameIn(entry),
    })),
    next_cursor: rows.length > search.limit ? page.at(-1)!.id : null,
  };
}

async function actorsOf(db: Queryable, entries: AuditEntry[]): Promise<Map<string, AuditActor>> {
  const ids = [...new Set(entries.flatMap((e) => (e.actor_id ? [e.actor_id] : [])))];
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('users').select(['id', 'email', 'name']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r]));
}

async function namesOf(db: Queryable, entries: AuditEntry[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  const idsByType = new Map<string, Set<string>>();
  for (const entry of entries) {
    if (!LOOKUPS[entry.entity_type]) continue;
    const ids = idsByType.get(entry.entity_type) ?? new Set<string>();
    ids.add(entry.entity_id);
    idsByType.set(entry.entity_type, ids);
  }
  for (const [type, ids] of idsByType) {
    for (const row of await LOOKUPS[type]!(db, [...ids]))
      if (row.name) names.set(`${type}\u0000${row.id}`, row.name);
  }
  return names;
}

/** A deleted record's name, from the entry that recorded its deletion (`name: old → null`). */
function lastNameIn(entry: AuditEntry): string | null {
  for (const field of ['name', 'url', 'label', 'email']) {
    const change = entry.changes.find((c) => c.field === field);
    const value = change?.old ?? change?.new;
    if (typeof value === 'string' && value) return value;
  }
  return null;
}
