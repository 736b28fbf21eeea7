import { normalizeGroupName } from '../domain/contact/contact-patch.js';
import type { Actor } from '../domain/actor.js';
import { NotFoundError, ValidationError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { MAX_DESCRIPTION_LENGTH, normalizeBoundedText } from '../domain/normalize/text.js';
import { appendAuditEntries, appendAuditEntry } from '../history/audit-log.js';
import { appendContactEvents } from '../history/contact-timeline.js';
import { isUniqueViolation, type Store } from '../store/database.js';
import { chunked } from '../store/chunked.js';
import { nameConflict } from '../store/name-conflict.js';
import type { RowWriter } from '../store/row-writer.js';
import { nowIso, type Queryable } from '../store/transaction.js';

export interface ContactGroup {
  id: string;
  name: string;
  description: string | null;
  member_count: number;
  created_at: string;
  updated_at: string;
}

export interface MembershipResult {
  added: string[];
  already_members: string[];
}

/** Members inserted per statement: three parameters each, well within either store's limit. */
const MEMBER_CHUNK = 1000;

export class GroupService {
  constructor(private readonly store: Store) {}

  private get db() {
    return this.store.db;
  }

  async list(): Promise<ContactGroup[]> {
    return this.query();
  }

  async get(id: string): Promise<ContactGroup> {
    const [group] = await this.query(id);
    if (!group) throw new NotFoundError('group', id);
    return group;
  }

  /** Groups with their live member counts; one group when `id` is given. */
  private async query(id?: string): Promise<ContactGroup[]> {
    let query = this.db
      .selectFrom('contact_groups')
      .leftJoin('contact_group_members as m', 'm.group_id', 'contact_groups.id')
      .leftJoin('contacts', (join) =>
        join.onRef('contacts.id', '=', 'm.contact_id').on('contacts.deleted_at', 'is', null),
      )
      .select([
        'contact_groups.id',
        'contact_groups.name',
        'contact_groups.description',
        'contact_groups.created_at',
        'contact_groups.updated_at',
        (eb) => eb.fn.count<number>('contacts.id').as('member_count'),
      ])
      .groupBy([
        'contact_groups.id',
        'contact_groups.name',
        'contact_groups.description',
        'contact_groups.created_at',
        'contact_groups.updated_at',
      ])
      .orderBy('contact_groups.name');
    if (id !== undefined) query = query.where('contact_groups.id', '=', id);
    const rows = await query.execute();
    return rows.map((r) => ({ ...r, member_count: Number(r.member_count) }));
  }

  async create(input: { name: string; description?: string | null }, actor: Actor): Promise<ContactGroup> {
    const name = normalizeGroupName(input.name, 'name');
    const at = nowIso();
    const id = newId('group');
    try {
      await this.db
        .insertInto('contact_groups')
        .values({
          id,
          name,
          name_key: name.toLowerCase(),
          description: normalizeBoundedText(
            input.description ?? '',
            'description',
            MAX_DESCRIPTION_LENGTH,
            'lines',
          ),
          created_at: at,
          updated_at: at,
        })
        .execute();
    } catch (e) {
      if (isUniqueViolation(e)) throw await nameConflict(this.db, 'contact_groups', name, 'group');
      throw e;
    }
    await this.recordCreated(id, name, actor, at);
    return this.get(id);
  }

  /**
   * The group of this name (any case), created when missing, as an import's `--group` asks: created
   * here with its audit entry like any other group. Two imports naming one new group at once get one.
   */
  async ensureNamed(rawName: string, actor: Actor): Promise<string> {
    const name = normalizeGroupName(rawName, 'group');
    const key = name.toLowerCase();
    const existing = await this.db
      .selectFrom('contact_groups')
      .select('id')
      .where('name_key', '=', key)
      .executeTakeFirst();
    if (existing) return existing.id;
    const at = nowIso();
    const id = newId('group');
    const inserted = await this.db
      .insertInto('contact_groups')
      .values({ id, name, name_key: key, description: null, created_at: at, updated_at: at })
      .onConflict((oc) => oc.column('name_key').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) {
      await this.recordCreated(id, name, actor, at);
      return id;
    }
    return (
      await this.db
        .selectFrom('contact_groups')
        .select('id')
        .where('name_key', '=', key)
        .executeTakeFirstOrThrow()
    ).id;
  }

  /** A new group's audit entry, whoever made it (an administrator, an import's `--group`). */
  private recordCreated(id: string, name: string, actor: Actor, at: string): Promise<void> {
    return appendAuditEntry(this.db, {
      entityType: 'group',
      entityId: id,
      action: 'created',
      changes: [{ field: 'name', old: null, new: name }],
      actor,
      at,
    });
  }

  async update(
    id: string,
    input: { name?: string; description?: string | null },
    actor: Actor,
  ): Promise<ContactGroup> {
    const before = await this.get(id);
    const name = input.name !== undefined ? normalizeGroupName(input.name, 'name') : before.name;
    const description =
      input.description !== undefined
        ? normalizeBoundedText(input.description ?? '', 'description', MAX_DESCRIPTION_LENGTH, 'lines')
        : before.description;
    try {
      await this.db
        .updateTable('contact_groups')
        .set({ name, name_key: name.toLowerCase(), description, updated_at: nowIso() })
        .where('id', '=', id)
        .execute();
    } catch (e) {
      if (isUniqueViolation(e)) throw await nameConflict(this.db, 'contact_groups', name, 'group');
      throw e;
    }
    const changes = [
      { field: 'name', old: before.name, new: name },
      { field: 'description', old: before.description, new: description },
    ].filter((c) => c.old !== c.new);
    if (changes.length > 0)
      await appendAuditEntry(this.db, {
        entityType: 'group',
        entityId: id,
        action: 'updated',
        changes,
        actor,
      });
    return this.get(id);
  }

  async delete(id: string, actor: Actor): Promise<void> {
    const group = await this.get(id);
    await this.db.transaction().execute(async (trx) => {
      // Locked first: members added meanwhile commit before (and go with it), later ones find it gone.
      await this.lockGroup(trx, id, 'delete');
      await trx.deleteFrom('contact_group_members').where('group_id', '=', id).execute();
      await trx.deleteFrom('contact_groups').where('id', '=', id).execute();
      await appendAuditEntry(trx, {
        entityType: 'group',
        entityId: id,
        action: 'deleted',
        changes: [{ field: 'name', old: group.name, new: null }],
        actor,
      });
    });
  }

  async addMembers(groupId: string, contactIds: string[], actor: Actor): Promise<MembershipResult> {
    const group = await this.get(groupId);
    const unique = [...new Set(contactIds)];
    const result: MembershipResult = { added: [], already_members: [] };
    await this.db.transaction().execute(async (trx) => {
      // A group deleted since it was read above is not found (404), rather than refused by its key.
      await this.lockGroup(trx, groupId, 'add');
      const live = new Set(
        unique.length === 0
          ? []
          : (
              await trx
                .selectFrom('contacts')
                .select('id')
                .where('id', 'in', unique)
                .where('deleted_at', 'is', null)
                .execute()
            ).map((r) => r.id),
      );
      // An empty id ("") is missing too: tested by presence, not truth, or it went on to the insert.
      const missing = unique.find((id) => !live.has(id));
      if (missing !== undefined) throw new NotFoundError('contact', missing);
      const existing = new Set(
        unique.length === 0
          ? []
          : (
              await trx
                .selectFrom('contact_group_members')
                .select('contact_id')
                .where('group_id', '=', groupId)
                .where('contact_id', 'in', unique)
                .execute()
            ).map((r) => r.contact_id),
      );
      const at = nowIso();
      const rows = this.store.rowWriter(trx);
      const added = new Set<string>();
      for (const part of chunked(
        unique.filter((id) => !existing.has(id)),
        MEMBER_CHUNK,
      )) {
        // The same add sent at once passed the check above too (on PostgreSQL it reads what was
        // committed before it): the one whose row is already there finds it a member, not a 500.
        const inserted = new Set(
          (
            await trx
              .insertInto('contact_group_members')
              .values(part.map((contactId) => ({ group_id: groupId, contact_id: contactId, added_at: at })))
              .onConflict((oc) => oc.columns(['group_id', 'contact_id']).doNothing())
              .returning('contact_id')
              .execute()
          ).map((r) => r.contact_id),
        );
        const newlyAdded = part.filter((id) => inserted.has(id));
        await recordMembershipChanges(rows, 'group_added', newlyAdded, group, actor, at);
        for (const id of newlyAdded) added.add(id);
      }
      for (const contactId of unique)
        (added.has(contactId) ? result.added : result.already_members).push(contactId);
    });
    return result;
  }

  /**
   * Checks in a write's transaction that the group still exists, locking its row on PostgreSQL
   * (`delete` against everything, `add` against a delete only) so that adding members and deleting the
   * group take turns; SQLite runs one writer at a time.
   */
  private async lockGroup(trx: Queryable, id: string, intent: 'delete' | 'add'): Promise<void> {
    let query = trx.selectFrom('contact_groups').select('id').where('id', '=', id);
    if (this.store.dialect === 'postgres') query = intent === 'delete' ? query.forUpdate() : query.forShare();
    if (!(await query.executeTakeFirst())) throw new NotFoundError('group', id);
  }

  /** The groups a contact belongs to, by name. */
  async groupsOf(contactId: string): Promise<{ id: string; name: string }[]> {
    return this.db
      .selectFrom('contact_group_members as m')
      .innerJoin('contact_groups as g', 'g.id', 'm.group_id')
      .select(['g.id', 'g.name'])
      .where('m.contact_id', '=', contactId)
      .orderBy('g.name')
      .execute();
  }

  async removeMember(groupId: string, contactId: string, actor: Actor): Promise<void> {
    const group = await this.get(groupId);
    await this.db.transaction().execute(async (trx) => {
      const removed = await trx
        .deleteFrom('contact_group_members')
        .where('group_id', '=', groupId)
        .where('contact_id', '=', contactId)
        .executeTakeFirst();
      if (Number(removed.numDeletedRows) === 0)
        throw new ValidationError('contact_id', contactId, `is not a member of group ${groupId}`);
      const at = nowIso();
      await recordMembershipChanges(
        this.store.rowWriter(trx),
        'group_removed',
        [contactId],
        group,
        actor,
        at,
      );
    });
  }
}

/**
 * Membership changes are contact changes: they go on each contact's timeline and into its history, one
 * batch per table, in the contacts' order.
 */
async function recordMembershipChanges(
  rows: RowWriter,
  type: 'group_added' | 'group_removed',
  contactIds: readonly string[],
  group: ContactGroup,
  actor: Actor,
  at: string,
): Promise<void> {
  const [old, next] = type === 'group_added' ? [null, group.id] : [group.id, null];
  await appendContactEvents(
    rows,
    contactIds.map((contactId) => ({
      contactId,
      type,
      actor,
      at,
      data: { group_id: group.id, group_name: group.name },
    })),
  );
  await appendAuditEntries(
    rows,
    contactIds.map((contactId) => ({
      entityType: 'contact',
      entityId: contactId,
      action: type,
      changes: [{ field: 'groups', old, new: next }],
      actor,
      at,
    })),
  );
}
