/**
 * The change feed: the contact change log (src/contacts/contact-change-log.ts) read from a cursor,
 * each entry with the contact's state right after that change, or a tombstone.
 *
 * Why a cursor never skips or repeats a change: the cursor is the entry's `seq`, and seqs are handed
 * out in commit order — SQLite has one writer at a time; on PostgreSQL appending to the log takes a
 * transaction-scoped advisory lock, held until commit, so a transaction appends only after every
 * earlier appender has committed (or rolled back, leaving a gap no one will fill). A reader that sees
 * seq N therefore never later meets a committed entry below N, and `seq > cursor` is exactly "what I
 * have not seen". (A feed keyed on `updated_at` loses rows written in the same instant, and a plain
 * sequence loses the ones whose transaction commits after a later one's.)
 *
 * The state after each change is rebuilt from the contact's stored state by undoing the later changes
 * of the log (each holds old and new values), newest first, and checked against the entry's content
 * hash; should it ever not match, the entry carries the latest state and says so (`contact_state`).
 */
import { readContactsByIds } from '../contacts/contact-row-reader.js';
import {
  type ContactChangeEntry,
  type ContactChangeKind,
  readContactChanges,
} from '../contacts/contact-change-log.js';
import { type Contact, type ContactState, emptyContactState } from '../domain/contact/contact-fields.js';
import { contactContentHash } from '../domain/contact/contact-content-hash.js';
import type { FieldChange } from '../domain/contact/contact-patch.js';
import { ValidationError } from '../domain/errors.js';
import { sql } from 'kysely';
import type { Store } from '../store/database.js';

export interface ChangeFeedEntry {
  /** Opaque: pass it as `after` to read what came after this entry. */
  cursor: string;
  contact_id: string;
  kind: ContactChangeKind;
  changed_fields: string[];
  /** Hex SHA-256 of the contact's canonical form after the change. */
  hash: string;
  origin: string;
  at: string;
  /**
   * The contact right after the change; null for a tombstone (`deleted`, `merged_into`). Absent when
   * the reader asked for `include: 'none'`.
   */
  contact?: Contact | null;
  /** `after_change`: the state the hash names; `latest`: the contact's current state (see above). */
  contact_state?: 'after_change' | 'latest' | null;
  /** `merged_into`: the contact it was merged into. */
  survivor_id: string | null;
}

export interface ChangeFeedPage {
  data: ChangeFeedEntry[];
  /** The cursor to read on from: the last entry's, or the one given when nothing is new. */
  next_cursor: string;
  /** True when the page was full: more entries may be ready now. */
  has_more: boolean;
}

export const MAX_FEED_LIMIT = 10_000;
/**
 * What an entry carries besides the log: `contact` (the state after the change, the default) or
 * `none`, for followers that need only which contacts changed and their hashes — no contact is read
 * or rebuilt, and an entry is a quarter of the bytes.
 */
export const FEED_INCLUDES = ['contact', 'none'] as const;
export type FeedInclude = (typeof FEED_INCLUDES)[number];
const TOMBSTONES = new Set<ContactChangeKind>(['deleted', 'merged_into']);

export function parseFeedCursor(raw: string | undefined): number {
  if (raw === undefined || raw === '' || raw === '0') return 0;
  if (!/^[1-9][0-9]{0,15}$/.test(raw))
    throw new ValidationError('after', raw, 'is not a cursor of the change feed (start without one)');
  return Number(raw);
}

/** Undoes one change on a state (pure): each field gets its old value back. */
export function undoChange(state: ContactState, changes: readonly FieldChange[]): ContactState {
  return withValues(state, changes, 'old');
}

/** Makes one change on a state (pure): each field gets its new value. */
export function redoChange(state: ContactState, changes: readonly FieldChange[]): ContactState {
  return withValues(state, changes, 'new');
}

function withValues(state: ContactState, changes: readonly FieldChange[], side: 'old' | 'new') {
  const result: ContactState = {
    ...state,
    identities: { ...state.identities },
    attributes: { ...state.attributes },
  };
  setValues(result, changes, side);
  return result;
}

/** Gives each changed field of `state` (changed in place) its old or new value. */
function setValues(state: ContactState, changes: readonly FieldChange[], side: 'old' | 'new'): void {
  for (const change of changes) {
    const value = change[side];
    const dot = change.field.indexOf('.');
    const group = dot > 0 ? change.field.slice(0, dot) : null;
    if (group === 'identities' || group === 'attributes') {
      const key = change.field.slice(dot + 1);
      const map = state[group] as Record<string, unknown>;
      if (value === null || value === undefined) delete map[key];
      else map[key] = value;
    } else if (change.field in state) (state as unknown as Record<string, unknown>)[change.field] = value;
    // deleted_at, merged_into: not part of the state.
  }
}

export async function readChangeFeed(
  store: Pick<Store, 'db' | 'rowReader' | 'dialect'>,
  after: string | undefined,
  limit = 1000,
  include: FeedInclude = 'contact',
): Promise<ChangeFeedPage> {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_FEED_LIMIT)
    throw new ValidationError('limit', limit, `must be a whole number from 1 to ${MAX_FEED_LIMIT}`);
  if (!FEED_INCLUDES.includes(include))
    throw new ValidationError('include', include, `must be one of ${FEED_INCLUDES.join(', ')}`);
  const afterSeq = parseFeedCursor(after);
  const entries = await readContactChanges(store, afterSeq, limit);
  if (entries.length === 0 && afterSeq > 0) await assertCursorReached(store, afterSeq, after!);
  const states = include === 'contact' ? await statesAfter(store, entries) : null;
  return {
    data: entries.map((e): ChangeFeedEntry => {
      const entry: ChangeFeedEntry = {
        cursor: String(e.seq),
        contact_id: e.contact_id,
        kind: e.kind,
        changed_fields: e.changes.map((c) => c.field),
        hash: e.content_hash,
        origin: e.origin,
        at: e.at,
        survivor_id: e.survivor_id,
      };
      if (states) {
        const state = states.get(e.seq) ?? null;
        entry.contact = state?.contact ?? null;
        entry.contact_state = state?.exact === undefined ? null : state.exact ? 'after_change' : 'latest';
      }
      return entry;
    }),
    next_cursor: entries.length > 0 ? String(entries[entries.length - 1]!.seq) : String(afterSeq),
    has_more: entries.length === limit,
  };
}

/**
 * Each non-tombstone entry's contact as it was right after the change: a contact's latest entry
 * carries its stored state (the writer hashes the state it writes and appends the entry in the same
 * transaction, so that state is the one the hash names); an earlier entry's state is rebuilt by
 * undoing the later changes, newest first, and checked against the entry's hash.
 */
async function statesAfter(
  store: Pick<Store, 'db' | 'rowReader' | 'dialect'>,
  entries: readonly ContactChangeEntry[],
) {
  const result = new Map<number, { contact: Contact; exact: boolean }>();
  // A creation's entry lists every value it set, and the writer hashed exactly that state: the
  // contact right after it is those values, whatever happened to it later — no read needed.
  for (const e of entries)
    if (e.kind === 'created') result.set(e.seq, { contact: createdContact(e), exact: true });
  const wanted = entries.filter((e) => !TOMBSTONES.has(e.kind) && e.kind !== 'created');
  if (wanted.length === 0) return result;
  const ids = [...new Set(wanted.map((e) => e.contact_id))].sort();
  const lastSeq = entries[entries.length - 1]!.seq;
  const [current, later] = await Promise.all([
    readContactsByIds(store, ids),
    // The changes of these contacts made after this page, newest first.
    store.db
      .selectFrom('audit_log')
      .select(['seq', 'entity_id', 'changes'])
      .where('entity_type', '=', 'contact')
      .where('entity_id', 'in', idList(store.dialect, ids))
      .where('seq', '>', lastSeq)
      .orderBy('seq', 'desc')
      .execute(),
  ]);
  const walking = new Map<string, ContactState>();
  for (const row of later) {
    const latest = current.get(row.entity_id);
    if (latest)
      walking.set(
        row.entity_id,
        undoChange(walking.get(row.entity_id) ?? latest, JSON.parse(row.changes) as FieldChange[]),
      );
  }
  // How many of the page's entries each contact has: a contact's earliest one needs no undo after it.
  const remaining = new Map<string, number>();
  for (const e of entries) remaining.set(e.contact_id, (remaining.get(e.contact_id) ?? 0) + 1);
  // The page's own entries, newest first (tombstones too: undoing them restores what they removed).
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i]!;
    const latest = current.get(entry.contact_id);
    if (!latest || entry.kind === 'created') continue;
    const rebuilt = walking.get(entry.contact_id);
    if (!TOMBSTONES.has(entry.kind)) {
      const { id, created_at } = latest;
      if (rebuilt === undefined)
        result.set(entry.seq, { contact: { ...latest, updated_at: entry.at }, exact: true });
      else {
        const exact = contactContentHash(rebuilt) === entry.content_hash;
        result.set(entry.seq, {
          contact: exact ? { ...(rebuilt as ContactState), id, created_at, updated_at: entry.at } : latest,
          exact,
        });
      }
    }
    const left = remaining.get(entry.contact_id)! - 1;
    remaining.set(entry.contact_id, left);
    if (left > 0) walking.set(entry.contact_id, undoChange(rebuilt ?? latest, entry.changes));
  }
  return result;
}

/**
 * The contact a creation's entry made: its values set on a new empty state (what
 * `redoChange(emptyContactState(), changes)` gives, without copying the state first; the feed makes
 * one per entry).
 */
export function createdContact(entry: Pick<ContactChangeEntry, 'contact_id' | 'at' | 'changes'>): Contact {
  const state = emptyContactState();
  setValues(state, entry.changes, 'new');
  return { id: entry.contact_id, ...state, created_at: entry.at, updated_at: entry.at };
}

/**
 * A cursor the feed never gave: past the latest entry. Following it would skip every change up to it
 * without a word, so it is refused (a cursor from a page is never past the entries written).
 */
async function assertCursorReached(store: Pick<Store, 'db'>, afterSeq: number, raw: string) {
  const row = await store.db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .executeTakeFirst();
  const latest = Number(row?.seq ?? 0);
  if (afterSeq > latest)
    throw new ValidationError(
      'after',
      raw,
      `is past the latest change (${latest}): use a cursor the feed gave, or start without one`,
    );
}

/** A list of ids as one parameter (thousands of parameters cost more to bind than to look up). */
function idList(dialect: Store['dialect'], ids: readonly string[]) {
  const list = JSON.stringify(ids);
  return dialect === 'postgres'
    ? sql<string>`(select jsonb_array_elements_text(${list}::jsonb))`
    : sql<string>`(select value from json_each(${list}))`;
}

/** The feed as a service, for the API and the CLI. */
export class ChangeFeed {
  constructor(private readonly store: Pick<Store, 'db' | 'rowReader' | 'dialect'>) {}

  read(after: string | undefined, limit?: number, include?: FeedInclude): Promise<ChangeFeedPage> {
    return readChangeFeed(this.store, after, limit, include);
  }
}
