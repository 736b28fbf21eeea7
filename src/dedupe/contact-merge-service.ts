/**
 * ContactMergeService merges two or more contacts into a survivor and undoes such merges.
 *
 * A merge is one transaction through the contacts capability's writer: the others are soft-deleted with
 * `merged_into` pointing at the survivor (so their ids keep resolving), the survivor takes the planned
 * state (see plan-contact-merge.ts), and everything registered as pointing at a contact (the registry of
 * contact references: timeline, conversations with their messages, import rows, group memberships,
 * duplicate pairs, and whatever registers later) moves to the survivor. The merge record keeps every
 * record's state before and what each reference moved, which is what unmerge puts back, unless
 * something since makes that impossible: then it refuses and names it. This file holds no other
 * capability's SQL.
 */
import { sql } from 'kysely';
import type { Actor } from '../domain/actor.js';
import type { Contact, ContactState } from '../domain/contact/contact-fields.js';
import { KithError, NotFoundError, ValidationError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { findOwnedElsewhere, loadContacts } from '../contacts/contact-repository.js';
import type { ContactWriter } from '../contacts/contact-writer.js';
import { appendContactEvent } from '../history/contact-timeline.js';
import type { Store } from '../store/database.js';
import type { Queryable } from '../store/transaction.js';
import {
  contactStateOf,
  defaultSurvivor,
  type DroppedIdentity,
  type FieldChoice,
  planContactMerge,
} from './merge/plan-contact-merge.js';
import { rollBackSurvivor } from './merge/roll-back-survivor.js';

/** Merges read for each contact asked about at once (a contact merged, undone and merged again has 3). */
const MERGES_PER_CONTACT = 20;
/** Contacts one request may ask about. */
export const MAX_MERGE_CONTACTS = 100;

export interface MergeRequest {
  /** Contacts to merge, survivor included or not. */
  contactIds: string[];
  /** The record that stays; by default the most filled one, ties to the oldest. */
  survivorId?: string;
  /** Field → id of the record whose value wins (`first_name`, `email`, `attr.tier`, `identity.crm`). */
  prefer?: Record<string, string>;
  dryRun?: boolean;
}

export interface MergeResult {
  merge_id: string | null;
  survivor_id: string;
  merged_ids: string[];
  contact: Contact;
  choices: FieldChoice[];
  dropped_identities: DroppedIdentity[];
  dry_run: boolean;
}

interface MergeRecord {
  survivor_before: Contact;
  survivor_after: ContactState;
  others: Contact[];
  choices: FieldChoice[];
  dropped_identities: DroppedIdentity[];
  /** What each registered contact reference moved, by its name (ContactReferenceRegistry). */
  moved: Record<string, unknown>;
}

/** Merges recorded before the registry kept named fields for the rows they moved. */
interface LegacyMoved {
  events: unknown;
  import_rows: unknown;
  /** Absent in merges recorded before conversations existed. */
  conversations?: unknown;
  groups_added: unknown;
}

function movedOf(record: MergeRecord): Record<string, unknown> {
  const moved = record.moved;
  if (!('events' in moved && 'groups_added' in moved)) return moved;
  const legacy = moved as unknown as LegacyMoved;
  const rows = <T>(list: unknown, key: (row: T) => unknown[]) =>
    ((list ?? []) as (T & { from: string })[]).map((r) => ({ key: key(r), from: r.from }));
  return {
    timeline: rows<{ id: string }>(legacy.events, (e) => [e.id]),
    import_rows: rows<{ import_id: string; row_number: number }>(legacy.import_rows, (r) => [
      r.import_id,
      r.row_number,
    ]),
    conversations: rows<{ id: string }>(legacy.conversations, (c) => [c.id]),
    group_memberships: legacy.groups_added,
    duplicate_pairs: { merged_ids: record.others.map((o) => o.id) },
  };
}

/** Who a merged contact was, as the merge found it: enough for a person to recognise them. */
export interface MergedPerson {
  id: string;
  name: string | null;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  phone: string | null;
}

export interface ContactMerge {
  id: string;
  survivor_id: string;
  merged_ids: string[];
  /** The survivor and each merged contact as they were just before the merge. */
  people: MergedPerson[];
  choices: FieldChoice[];
  dropped_identities: DroppedIdentity[];
  created_by: string | null;
  created_at: string;
  undone_at: string | null;
}

/** Raised when an unmerge cannot put things back; `details.blockers` says exactly what is in the way. */
export class UnmergeBlockedError extends KithError {
  constructor(mergeId: string, blockers: Record<string, unknown>[]) {
    super(
      'unmerge_blocked',
      `merge ${mergeId} cannot be undone: ${blockers.map((b) => b.reason).join('; ')}`,
      409,
      { merge_id: mergeId, blockers },
    );
  }
}

export class ContactMergeService {
  constructor(
    private readonly store: Store,
    /** Every contact write of a merge goes through the contacts capability's writer. */
    private readonly writer: ContactWriter,
  ) {}

  private get db() {
    return this.store.db;
  }

  async merge(request: MergeRequest, actor: Actor): Promise<MergeResult> {
    const ids = [...new Set([...(request.survivorId ? [request.survivorId] : []), ...request.contactIds])];
    if (ids.length < 2)
      throw new ValidationError(
        'contact_ids',
        request.contactIds,
        'a merge needs at least two different contacts',
      );
    const mergeId = newId('merge');
    const plan = async (db: Queryable) => {
      const loaded = await loadContacts(db, ids, { forUpdate: !request.dryRun });
      for (const id of ids) if (!loaded.has(id)) await this.explainMissing(db, id);
      const contacts = ids.map((id) => loaded.get(id)!);
      const survivor = request.survivorId ? loaded.get(request.survivorId)! : defaultSurvivor(contacts);
      const others = contacts.filter((c) => c.id !== survivor.id);
      return { survivor, others, plan: planContactMerge(survivor, others, request.prefer ?? {}) };
    };
    if (request.dryRun) {
      const { survivor, others, plan: p } = await plan(this.db);
      return {
        merge_id: null,
        survivor_id: survivor.id,
        merged_ids: others.map((c) => c.id),
        contact: {
          ...p.state,
          id: survivor.id,
          created_at: survivor.created_at,
          updated_at: survivor.updated_at,
        },
        choices: p.choices,
        dropped_identities: p.dropped_identities,
        dry_run: true,
      };
    }
    const mergeActor = { ...actor, channelRef: mergeId };
    return this.writer.transaction(mergeActor, async (w) => {
      const trx = w.db;
      const { survivor, others, plan: p } = await plan(trx);
      const mergedIds = others.map((c) => c.id);
      // The others first: soft-deleting them frees their unique values for the survivor.
      await w.delete(others, { mergedInto: survivor.id });
      const owner = await findOwnedElsewhere(trx, p.state, survivor.id);
      if (owner) {
        throw new KithError(
          'conflict',
          `${owner.field} ${JSON.stringify(owner.value)} belongs to contact ${owner.contactId}, which is not part of this merge`,
          409,
          { field: owner.field, value: owner.value, existing_id: owner.contactId },
        );
      }
      await w.update([{ before: survivor, after: p.state }]);
      const moved = await w.moveReferencesToSurvivor(mergedIds, survivor.id, mergeId);
      const record: MergeRecord = {
        survivor_before: survivor,
        survivor_after: p.state,
        others,
        choices: p.choices,
        dropped_identities: p.dropped_identities,
        moved,
      };
      await trx
        .insertInto('contact_merges')
        .values({
          id: mergeId,
          survivor_id: survivor.id,
          merged_ids: JSON.stringify(mergedIds),
          record: JSON.stringify(record),
          created_by: actor.userId,
          created_at: w.at,
          undone_at: null,
          undone_by: null,
        })
        .execute();
      await appendContactEvent(trx, {
        contactId: survivor.id,
        type: 'merged',
        actor: mergeActor,
        at: w.at,
        data: {
          merge_id: mergeId,
          merged_ids: mergedIds,
          choices: p.choices,
          dropped_identities: p.dropped_identities,
        },
      });
      return {
        merge_id: mergeId,
        survivor_id: survivor.id,
        merged_ids: mergedIds,
        contact: (await loadContacts(trx, [survivor.id])).get(survivor.id)!,
        choices: p.choices,
        dropped_identities: p.dropped_identities,
        dry_run: false,
      };
    });
  }

  /**
   * The one live contact the given contacts now are, following merges (of merges), or null when they
   * are not all one (one deleted, or merged into a contact the others were not).
   */
  async survivorOf(ids: readonly string[]): Promise<string | null> {
    const survivors = new Set<string>();
    for (const id of ids) {
      let current = id;
      for (let hops = 0; ; hops++) {
        const row = await this.db
          .selectFrom('contacts')
          .select(['merged_into', 'deleted_at'])
          .where('id', '=', current)
          .executeTakeFirst();
        if (!row) return null;
        if (row.deleted_at === null) break;
        if (!row.merged_into || hops >= 20) return null;
        current = row.merged_into;
      }
      survivors.add(current);
    }
    return survivors.size === 1 ? [...survivors][0]! : null;
  }

  private async explainMissing(db: Queryable, id: string): Promise<never> {
    const row = await db
      .selectFrom('contacts')
      .select(['merged_into', 'deleted_at'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (row?.merged_into) {
      throw new KithError('already_merged', `contact ${id} was already merged into ${row.merged_into}`, 409, {
        id,
        merged_into: row.merged_into,
      });
    }
    throw new NotFoundError('contact', id);
  }

  async get(mergeId: string): Promise<ContactMerge> {
    const row = await this.db
      .selectFrom('contact_merges')
      .selectAll()
      .where('id', '=', mergeId)
      .executeTakeFirst();
    if (!row) throw new NotFoundError('merge', mergeId);
    const record = JSON.parse(row.record) as MergeRecord;
    return {
      id: row.id,
      survivor_id: row.survivor_id,
      merged_ids: JSON.parse(row.merged_ids) as string[],
      people: [record.survivor_before, ...record.others].map(
        ({ id, name, first_name, last_name, email, phone }) => ({
          id,
          name,
          first_name,
          last_name,
          email,
          phone,
        }),
      ),
      choices: record.choices,
      dropped_identities: record.dropped_identities,
      created_by: row.created_by,
      created_at: row.created_at,
      undone_at: row.undone_at,
    };
  }

  /**
   * Merges, newest first; with `contactIds`, those whose survivor or merged contacts include any of them
   * (a page of the duplicates queue names its merged-away people in one request).
   */
  async list(filter: { contactIds?: string[]; limit?: number } = {}): Promise<ContactMerge[]> {
    const ids = filter.contactIds ?? [];
    let q = this.db
      .selectFrom('contact_merges')
      .select('id')
      .orderBy('created_at', 'desc')
      .limit(filter.limit ?? (ids.length > 1 ? MERGES_PER_CONTACT * ids.length : 100));
    if (ids.length > 0) {
      // `merged_ids` is a JSON list; an id's `_` and `%` are escaped so that they match only themselves.
      const pattern = (id: string) => `%"${id.replace(/[\\%_]/g, (c) => `\\${c}`)}"%`;
      q = q.where((eb) =>
        eb.or([
          eb('survivor_id', 'in', ids),
          ...ids.map((id) => sql<boolean>`merged_ids like ${pattern(id)} escape '\\'`),
        ]),
      );
    }
    return Promise.all((await q.execute()).map((r) => this.get(r.id)));
  }

  /**
   * Puts the merged contacts back with their own values and related records and takes back from the
   * survivor what the merge gave it. Survivor fields changed after the merge keep their newer value.
   */
  async unmerge(
    mergeId: string,
    actor: Actor,
  ): Promise<{ merge_id: string; survivor: Contact; restored: Contact[]; kept_later_changes: string[] }> {
    const unmergeActor = { ...actor, channelRef: mergeId };
    return this.writer.transaction(unmergeActor, async (w) => {
      const trx = w.db;
      // On PostgreSQL the merge and every contact it names are locked before anything is checked, so
      // a merge or unmerge of them committing meanwhile is seen by the checks below (each statement
      // reads what is committed), not met halfway: a survivor merged away under us read as missing.
      const locks = this.store.dialect === 'postgres';
      let rowQuery = trx.selectFrom('contact_merges').selectAll().where('id', '=', mergeId);
      if (locks) rowQuery = rowQuery.forUpdate();
      const row = await rowQuery.executeTakeFirst();
      if (!row) throw new NotFoundError('merge', mergeId);
      if (row.undone_at)
        throw new KithError('already_undone', `merge ${mergeId} was already undone at ${row.undone_at}`, 409);
      const record = JSON.parse(row.record) as MergeRecord;
      if (locks)
        await trx
          .selectFrom('contacts')
          .select('id')
          .where('id', 'in', [row.survivor_id, ...record.others.map((o) => o.id)])
          .orderBy('id')
          .forUpdate()
          .execute();
      const blockers: Record<string, unknown>[] = [];
      const survivorRow = await trx
        .selectFrom('contacts')
        .select(['deleted_at', 'merged_into'])
        .where('id', '=', row.survivor_id)
        .executeTakeFirst();
      if (survivorRow?.merged_into) {
        blockers.push({
          reason: `survivor ${row.survivor_id} was itself merged into ${survivorRow.merged_into}; undo that merge first`,
          contact_id: row.survivor_id,
        });
      } else if (survivorRow?.deleted_at) {
        blockers.push({
          reason: `survivor ${row.survivor_id} was deleted; restore it first`,
          contact_id: row.survivor_id,
        });
      }
      const otherRows = await trx
        .selectFrom('contacts')
        .select(['id', 'deleted_at', 'merged_into'])
        .where(
          'id',
          'in',
          record.others.map((o) => o.id),
        )
        .execute();
      for (const other of otherRows) {
        if (other.merged_into !== row.survivor_id || !other.deleted_at) {
          blockers.push({
            reason: `contact ${other.id} is no longer merged into ${row.survivor_id}`,
            contact_id: other.id,
          });
        }
      }
      if (blockers.length > 0) throw new UnmergeBlockedError(mergeId, blockers);

      const at = w.at;
      const current = (await loadContacts(trx, [row.survivor_id], { forUpdate: true })).get(row.survivor_id)!;
      const { state: restoredSurvivor, kept } = rollBackSurvivor(
        contactStateOf(current),
        contactStateOf(record.survivor_before),
        record.survivor_after,
      );
      await w.update([{ before: current, after: restoredSurvivor }]);

      for (const other of record.others) {
        const owner = await findOwnedElsewhere(trx, contactStateOf(other), other.id);
        if (owner) {
          blockers.push({
            reason: `${owner.field} ${JSON.stringify(owner.value)} of ${other.id} now belongs to contact ${owner.contactId}`,
            contact_id: other.id,
            field: owner.field,
            value: owner.value,
            owner_id: owner.contactId,
          });
        }
      }
      if (blockers.length > 0) throw new UnmergeBlockedError(mergeId, blockers);

      await w.restore(record.others, 'unmerged', { mergedInto: row.survivor_id });
      await w.moveReferencesBack(movedOf(record), row.survivor_id);
      await trx
        .updateTable('contact_merges')
        .set({ undone_at: at, undone_by: actor.userId })
        .where('id', '=', mergeId)
        .execute();
      await appendContactEvent(trx, {
        contactId: row.survivor_id,
        type: 'unmerged',
        actor: unmergeActor,
        at,
        data: { merge_id: mergeId, restored_ids: record.others.map((o) => o.id), kept_later_changes: kept },
      });
      for (const other of record.others) {
        await appendContactEvent(trx, {
          contactId: other.id,
          type: 'restored',
          actor: unmergeActor,
          at,
          data: { merge_id: mergeId },
        });
      }
      const loaded = await loadContacts(trx, [row.survivor_id, ...record.others.map((o) => o.id)], {
        forUpdate: true,
      });
      return {
        merge_id: mergeId,
        survivor: loaded.get(row.survivor_id)!,
        restored: record.others.map((o) => loaded.get(o.id)!),
        kept_later_changes: kept,
      };
    });
  }
}
