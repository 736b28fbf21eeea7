/**
 * ContactMergeService merges two or more contacts into a survivor and undoes such merges.
 *
 * A merge is one transaction: the others are soft-deleted with `merged_into` pointing at the survivor
 * (so their ids keep resolving), the survivor takes the planned state (see plan-contact-merge.ts), and
 * everything linked to the others (timeline events, conversations with their messages, import records,
 * group memberships) moves to the
 * survivor. The merge record keeps every record's state before and every moved row, which is what
 * unmerge puts back, unless something since makes that impossible: then it refuses and names it.
 */
import { ConversationService } from '../conversations/conversation-service.js';
import type { Actor } from '../domain/actor.js';
import type { Contact, ContactState } from '../domain/contact/contact-fields.js';
import { diffContactStates } from '../domain/contact/contact-patch.js';
import { KithError, NotFoundError, ValidationError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import {
  findOwnedElsewhere,
  loadContacts,
  markContactDeleted,
  markContactsRestored,
  writeContactState,
} from '../contacts/contact-repository.js';
import { appendAuditEntry } from '../history/audit-log.js';
import { appendContactEvent } from '../history/contact-timeline.js';
import type { Store } from '../store/database.js';
import { nowIso, type Queryable } from '../store/transaction.js';
import {
  contactStateOf,
  defaultSurvivor,
  type DroppedIdentity,
  type FieldChoice,
  planContactMerge,
} from './merge/plan-contact-merge.js';
import { rollBackSurvivor } from './merge/roll-back-survivor.js';

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
  moved: {
    events: { id: string; from: string }[];
    import_rows: { import_id: string; row_number: number; from: string }[];
    /** Absent in merges recorded before conversations existed. */
    conversations?: { id: string; from: string }[];
    groups_added: string[];
  };
}

export interface ContactMerge {
  id: string;
  survivor_id: string;
  merged_ids: string[];
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

const CHUNK = 500;

export class ContactMergeService {
  constructor(private readonly store: Store) {}

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
    const run = async (trx: Queryable): Promise<MergeResult> => {
      const loaded = await loadContacts(trx, ids, { forUpdate: true });
      for (const id of ids) if (!loaded.has(id)) await this.explainMissing(trx, id);
      const contacts = ids.map((id) => loaded.get(id)!);
      const survivor = request.survivorId ? loaded.get(request.survivorId)! : defaultSurvivor(contacts);
      const others = contacts.filter((c) => c.id !== survivor.id);
      const plan = planContactMerge(survivor, others, request.prefer ?? {});
      const mergedIds = others.map((c) => c.id);
      if (request.dryRun) {
        return {
          merge_id: null,
          survivor_id: survivor.id,
          merged_ids: mergedIds,
          contact: {
            ...plan.state,
            id: survivor.id,
            created_at: survivor.created_at,
            updated_at: survivor.updated_at,
          },
          choices: plan.choices,
          dropped_identities: plan.dropped_identities,
          dry_run: true,
        };
      }
      const at = nowIso();
      const mergeId = newId('merge');
      // The others first: soft-deleting them frees their unique values for the survivor.
      for (const other of others) {
        await markContactDeleted(trx, other.id, at, actor.userId);
        await trx
          .updateTable('contacts')
          .set({ merged_into: survivor.id })
          .where('id', '=', other.id)
          .execute();
      }
      const owner = await findOwnedElsewhere(trx, plan.state, survivor.id);
      if (owner) {
        throw new KithError(
          'conflict',
          `${owner.field} ${JSON.stringify(owner.value)} belongs to contact ${owner.contactId}, which is not part of this merge`,
          409,
          { field: owner.field, value: owner.value, existing_id: owner.contactId },
        );
      }
      const survivorBefore = contactStateOf(survivor);
      await writeContactState(trx, survivor.id, survivorBefore, plan.state, {
        updatedAt: at,
        updatedBy: actor.userId,
      });

      const events = await trx
        .selectFrom('contact_events')
        .select(['id', 'contact_id'])
        .where('contact_id', 'in', mergedIds)
        .execute();
      const importRows = await trx
        .selectFrom('import_rows')
        .select(['import_id', 'row_number', 'contact_id'])
        .where('contact_id', 'in', mergedIds)
        .execute();
      await trx
        .updateTable('contact_events')
        .set({ contact_id: survivor.id })
        .where('contact_id', 'in', mergedIds)
        .execute();
      await trx
        .updateTable('import_rows')
        .set({ contact_id: survivor.id })
        .where('contact_id', 'in', mergedIds)
        .execute();
      // Messages and conversation events belong to the conversation, so they move with it.
      const conversations = await ConversationService.moveToContact(trx, mergedIds, survivor.id);
      const survivorGroups = new Set(
        (
          await trx
            .selectFrom('contact_group_members')
            .select('group_id')
            .where('contact_id', '=', survivor.id)
            .execute()
        ).map((r) => r.group_id),
      );
      const otherGroups = await trx
        .selectFrom('contact_group_members')
        .select('group_id')
        .distinct()
        .where('contact_id', 'in', mergedIds)
        .execute();
      const groupsAdded = otherGroups.map((r) => r.group_id).filter((g) => !survivorGroups.has(g));
      if (groupsAdded.length > 0) {
        await trx
          .insertInto('contact_group_members')
          .values(groupsAdded.map((group_id) => ({ group_id, contact_id: survivor.id, added_at: at })))
          .execute();
      }

      const record: MergeRecord = {
        survivor_before: survivor,
        survivor_after: plan.state,
        others,
        choices: plan.choices,
        dropped_identities: plan.dropped_identities,
        moved: {
          events: events.map((e) => ({ id: e.id, from: e.contact_id })),
          import_rows: importRows.map((r) => ({
            import_id: r.import_id,
            row_number: r.row_number,
            from: r.contact_id!,
          })),
          groups_added: groupsAdded,
          conversations,
        },
      };
      await trx
        .insertInto('contact_merges')
        .values({
          id: mergeId,
          survivor_id: survivor.id,
          merged_ids: JSON.stringify(mergedIds),
          record: JSON.stringify(record),
          created_by: actor.userId,
          created_at: at,
          undone_at: null,
          undone_by: null,
        })
        .execute();
      const mergeActor = { ...actor, channelRef: mergeId };
      await appendAuditEntry(trx, {
        entityType: 'contact',
        entityId: survivor.id,
        action: 'merged',
        changes: diffContactStates(survivorBefore, plan.state),
        actor: mergeActor,
        at,
      });
      for (const other of others) {
        await appendAuditEntry(trx, {
          entityType: 'contact',
          entityId: other.id,
          action: 'merged_into',
          changes: [{ field: 'merged_into', old: null, new: survivor.id }],
          actor: mergeActor,
          at,
        });
      }
      await appendContactEvent(trx, {
        contactId: survivor.id,
        type: 'merged',
        actor: mergeActor,
        at,
        data: {
          merge_id: mergeId,
          merged_ids: mergedIds,
          choices: plan.choices,
          dropped_identities: plan.dropped_identities,
        },
      });
      await this.settlePairs(trx, survivor.id, mergedIds, actor, at);
      return {
        merge_id: mergeId,
        survivor_id: survivor.id,
        merged_ids: mergedIds,
        contact: (await loadContacts(trx, [survivor.id])).get(survivor.id)!,
        choices: plan.choices,
        dropped_identities: plan.dropped_identities,
        dry_run: false,
      };
    };
    return request.dryRun ? run(this.db) : this.db.transaction().execute(run);
  }

  /** Pairs among the merged records are settled; open pairs of the merged-away records go (the next scan re-finds the survivor's). */
  private async settlePairs(
    trx: Queryable,
    survivorId: string,
    mergedIds: string[],
    actor: Actor,
    at: string,
  ) {
    const all = [survivorId, ...mergedIds];
    await trx
      .updateTable('duplicate_pairs')
      .set({ status: 'merged', decided_at: at, decided_by: actor.userId })
      .where('contact_a', 'in', all)
      .where('contact_b', 'in', all)
      .execute();
    await trx
      .deleteFrom('duplicate_pairs')
      .where('status', 'in', ['open', 'skipped'])
      .where((eb) => eb.or([eb('contact_a', 'in', mergedIds), eb('contact_b', 'in', mergedIds)]))
      .execute();
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
      choices: record.choices,
      dropped_identities: record.dropped_identities,
      created_by: row.created_by,
      created_at: row.created_at,
      undone_at: row.undone_at,
    };
  }

  async list(filter: { contactId?: string; limit?: number } = {}): Promise<ContactMerge[]> {
    let q = this.db
      .selectFrom('contact_merges')
      .select('id')
      .orderBy('created_at', 'desc')
      .limit(filter.limit ?? 100);
    if (filter.contactId) {
      const id = filter.contactId;
      q = q.where((eb) => eb.or([eb('survivor_id', '=', id), eb('merged_ids', 'like', `%"${id}"%`)]));
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
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('contact_merges')
        .selectAll()
        .where('id', '=', mergeId)
        .executeTakeFirst();
      if (!row) throw new NotFoundError('merge', mergeId);
      if (row.undone_at)
        throw new KithError('already_undone', `merge ${mergeId} was already undone at ${row.undone_at}`, 409);
      const record = JSON.parse(row.record) as MergeRecord;
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

      const at = nowIso();
      const current = (await loadContacts(trx, [row.survivor_id], { forUpdate: true })).get(row.survivor_id)!;
      const { state: restoredSurvivor, kept } = rollBackSurvivor(
        contactStateOf(current),
        contactStateOf(record.survivor_before),
        record.survivor_after,
      );
      await writeContactState(trx, row.survivor_id, contactStateOf(current), restoredSurvivor, {
        updatedAt: at,
        updatedBy: actor.userId,
      });

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

      await markContactsRestored(
        trx,
        record.others.map((o) => o.id),
        at,
        actor.userId,
      );
      for (let k = 0; k < record.moved.events.length; k += CHUNK) {
        for (const [from, list] of groupBy(record.moved.events.slice(k, k + CHUNK), (e) => e.from)) {
          await trx
            .updateTable('contact_events')
            .set({ contact_id: from })
            .where(
              'id',
              'in',
              list.map((e) => e.id),
            )
            .execute();
        }
      }
      for (const r of record.moved.import_rows) {
        await trx
          .updateTable('import_rows')
          .set({ contact_id: r.from })
          .where('import_id', '=', r.import_id)
          .where('row_number', '=', r.row_number)
          .execute();
      }
      for (const c of record.moved.conversations ?? []) {
        await trx
          .updateTable('conversations')
          .set({ contact_id: c.from })
          .where('id', '=', c.id)
          .where('contact_id', '=', row.survivor_id)
          .execute();
      }
      if (record.moved.groups_added.length > 0) {
        await trx
          .deleteFrom('contact_group_members')
          .where('contact_id', '=', row.survivor_id)
          .where('group_id', 'in', record.moved.groups_added)
          .execute();
      }
      await trx
        .updateTable('contact_merges')
        .set({ undone_at: at, undone_by: actor.userId })
        .where('id', '=', mergeId)
        .execute();
      await trx
        .deleteFrom('duplicate_pairs')
        .where('status', '=', 'merged')
        .where('contact_a', 'in', [row.survivor_id, ...record.others.map((o) => o.id)])
        .where('contact_b', 'in', [row.survivor_id, ...record.others.map((o) => o.id)])
        .execute();
      const unmergeActor = { ...actor, channelRef: mergeId };
      await appendAuditEntry(trx, {
        entityType: 'contact',
        entityId: row.survivor_id,
        action: 'unmerged',
        changes: diffContactStates(contactStateOf(current), restoredSurvivor),
        actor: unmergeActor,
        at,
      });
      await appendContactEvent(trx, {
        contactId: row.survivor_id,
        type: 'unmerged',
        actor: unmergeActor,
        at,
        data: { merge_id: mergeId, restored_ids: record.others.map((o) => o.id), kept_later_changes: kept },
      });
      for (const other of record.others) {
        await appendAuditEntry(trx, {
          entityType: 'contact',
          entityId: other.id,
          action: 'unmerged',
          changes: [{ field: 'merged_into', old: row.survivor_id, new: null }],
          actor: unmergeActor,
          at,
        });
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

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}
