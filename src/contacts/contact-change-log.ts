/**
 * The contact change log: one entry per changed contact per change, from every write path. It is the
 * audit log's contact rows (table `audit_log`, entity_type 'contact') with two more columns — the
 * feed's sequence number and the contact's content hash after the change — so one row serves the
 * audit trail and the change feed. Only `ContactWriteSession.finish` appends; anyone may read.
 *
 * Sequence numbers grow in commit order on both stores: SQLite has one writer at a time, and on
 * PostgreSQL appending takes a transaction-scoped advisory lock held until commit, so a reader that
 * has seen seq N never later meets an entry below N. Appending is the last write of a transaction,
 * which keeps the time the lock is held short and no row lock is ever awaited while holding it.
 */
import { CompiledQuery } from 'kysely';
import type { Actor } from '../domain/actor.js';
import type { FieldChange } from '../domain/contact/contact-patch.js';
import { newId } from '../domain/ids.js';
import type { Store } from '../store/database.js';
import type { RowReader } from '../store/row-reader.js';
import type { RowWriter } from '../store/row-writer.js';
import { holdTransactionLock, type Queryable } from '../store/transaction.js';

export const CONTACT_CHANGE_KINDS = [
  'created',
  'updated',
  'deleted',
  'restored',
  'merged_into',
  'unmerged',
] as const;
export type ContactChangeKind = (typeof CONTACT_CHANGE_KINDS)[number];

/** One entry of the change log as readers get it. */
export interface ContactChangeEntry {
  seq: number;
  contact_id: string;
  kind: ContactChangeKind;
  /** The changed fields with old and new values (a creation lists every field it set). */
  changes: FieldChange[];
  /** `merged_into`: the contact this one was merged into. */
  survivor_id: string | null;
  actor_id: string | null;
  /** What made the change: `api`, `ui`, `cli`, `automation`, `import:<id>`, `merge:<id>`, `deletion:<id>` … */
  origin: string;
  /** SHA-256 of the contact's canonical form after the change (domain/contact/contact-content-hash.ts). */
  content_hash: string;
  at: string;
}

/** An entry before it has its place in the log. */
export type PendingContactChange = Omit<ContactChangeEntry, 'seq' | 'origin' | 'actor_id'> & {
  actor: Actor;
};

/** The kind of thing a channel reference names, told by its id's prefix (domain/ids.ts). */
const REFERENCE_KINDS: Record<string, string> = { imp: 'import', mrg: 'merge', del: 'deletion' };

export function originOf(channel: string, channelRef: string | null): string {
  if (!channelRef) return channel;
  const kind = REFERENCE_KINDS[channelRef.slice(0, channelRef.indexOf('_'))];
  return `${kind ?? channel}:${channelRef}`;
}

// Any fixed 64-bit number: the lock that orders appends to the log.
const APPEND_LOCK = 0x6b697468_0001; // "kith", 1

/** Appends entries in order; the caller's transaction must commit for them to exist. */
export async function appendContactChanges(
  db: Queryable,
  entries: readonly PendingContactChange[],
  writer: RowWriter,
): Promise<number[]> {
  if (entries.length === 0) return [];
  await holdTransactionLock(db, APPEND_LOCK);
  const last = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .where('seq', 'is not', null)
    .executeTakeFirst();
  let seq = Number(last?.seq ?? 0);
  const seqs: number[] = [];
  await writer.insert(
    'audit_log',
    entries.map((e) => {
      seqs.push(++seq);
      return {
        id: newId('audit'),
        entity_type: 'contact',
        entity_id: e.contact_id,
        action: e.kind,
        changes: JSON.stringify(e.changes),
        actor_id: e.actor.userId,
        channel: e.actor.channel,
        channel_ref: e.actor.channelRef ?? null,
        created_at: e.at,
        seq,
        content_hash: e.content_hash,
      };
    }),
  );
  return seqs;
}

/**
 * Reads the log in order after `afterSeq` (0: from the start), at most `limit` entries. The next page
 * starts after the last entry's seq.
 */
export async function readContactChanges(
  store: Pick<Store, 'db'> & Partial<Pick<Store, 'rowReader'>>,
  afterSeq: number,
  limit = 1000,
  filter: { contactId?: string } = {},
): Promise<ContactChangeEntry[]> {
  if (store.rowReader && !filter.contactId) return readChangesAsRows(store.rowReader, afterSeq, limit);
  let query = store.db
    .selectFrom('audit_log')
    .select([
      'seq',
      'entity_id',
      'action',
      'changes',
      'actor_id',
      'channel',
      'channel_ref',
      'content_hash',
      'created_at',
    ])
    .where('seq', '>', afterSeq);
  if (filter.contactId)
    query = query.where('entity_type', '=', 'contact').where('entity_id', '=', filter.contactId);
  const rows = await query.orderBy('seq').limit(limit).execute();
  return rows.map((r) => {
    const changes = JSON.parse(r.changes) as FieldChange[];
    const kind = r.action as ContactChangeKind;
    return {
      seq: Number(r.seq),
      contact_id: r.entity_id,
      kind,
      changes,
      survivor_id:
        kind === 'merged_into'
          ? ((changes.find((c) => c.field === 'merged_into')?.new as string | undefined) ?? null)
          : null,
      actor_id: r.actor_id,
      origin: originOf(r.channel, r.channel_ref),
      content_hash: r.content_hash!,
      at: r.created_at,
    };
  });
}

const CHANGES_SQL = `select seq, entity_id, action, changes, actor_id, channel, channel_ref, content_hash, created_at
  from audit_log where seq > ? order by seq limit ?`;

/** The feed's hot path on SQLite: the entries as arrays straight from the statement. */
function readChangesAsRows(reader: RowReader, afterSeq: number, limit: number): ContactChangeEntry[] {
  const entries: ContactChangeEntry[] = [];
  for (const r of reader.rows(CompiledQuery.raw(CHANGES_SQL, [afterSeq, limit]))) {
    const changes = JSON.parse(r[3] as string) as FieldChange[];
    const kind = r[2] as ContactChangeKind;
    entries.push({
      seq: Number(r[0]),
      contact_id: r[1] as string,
      kind,
      changes,
      survivor_id:
        kind === 'merged_into'
          ? ((changes.find((c) => c.field === 'merged_into')?.new as string | undefined) ?? null)
          : null,
      actor_id: r[4] as string | null,
      origin: originOf(r[5] as string, r[6] as string | null),
      content_hash: r[7] as string,
      at: r[8] as string,
    });
  }
  return entries;
}
