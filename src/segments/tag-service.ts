import { sql } from 'kysely';
import type { ContactService } from '../contacts/contact-service.js';
import { normalizeNewTagName } from '../domain/contact/contact-patch.js';
import type { Actor } from '../domain/actor.js';
import type { Contact } from '../domain/contact/contact-fields.js';
import { NotFoundError, ValidationError } from '../domain/errors.js';
import { normalizeText } from '../domain/normalize/text.js';
import { appendAuditEntry } from '../history/audit-log.js';
import { isUniqueViolation } from '../store/database.js';
import { sqlDialectOf } from '../store/sql-dialect.js';
import type { Queryable } from '../store/transaction.js';
import { tagsWithLiveCounts } from '../contacts/tag-counts.js';
import { fieldPath } from '../domain/field-path.js';

export interface TagSummary {
  id: string;
  name: string;
  contact_count: number;
  created_at: string;
}

/** What renaming a tag did: renamed it, or merged it into the tag that already had the name. */
export interface TagRenameResult {
  tag: TagSummary;
  /** The id of the tag that was merged away (and no longer exists), when the new name was taken. */
  merged_from: string | null;
}

/** Passes over a tag's live holders when it is deleted or merged into another. */
export const HOLDER_PASSES = 5;
/** Holders read at a time (the contact service changes them a batch per transaction). */
const HOLDER_PAGE = 10_000;
export class TagService {
  constructor(
    private readonly db: Queryable,
    private readonly contacts: ContactService,
  ) {}

  /** Tags with their live contact counts (kept by the writers, not counted here: see tag-counts.ts). */
  async list(): Promise<TagSummary[]> {
    return tagsWithLiveCounts(this.db);
  }

  async get(tagId: string): Promise<TagSummary> {
    const tag = (await this.list()).find((t) => t.id === tagId);
    if (!tag) throw new NotFoundError('tag', tagId);
    return tag;
  }

  /**
   * Renames a tag. When another tag already has the new name (names compare case-insensitively), the
   * two are merged: every contact holding this tag gets that one instead — a change on each contact,
   * audited there like any tag change — and this tag is deleted. A new spelling of the same name
   * (vip → VIP) is a rename.
   */
  async rename(tagId: string, newName: string, actor: Actor, retried = false): Promise<TagRenameResult> {
    const tag = await this.db.selectFrom('tags').selectAll().where('id', '=', tagId).executeTakeFirst();
    if (!tag) throw new NotFoundError('tag', tagId);
    const name = normalizeNewTagName(newName ?? '', 'name');
    if (!name) throw new ValidationError('name', newName, 'is required');
    const target = await this.db
      .selectFrom('tags')
      .selectAll()
      .where('name_key', '=', name.toLowerCase())
      .where('id', '!=', tagId)
      .executeTakeFirst();
    if (!target) {
      if (name !== tag.name) {
        try {
          await this.db
            .updateTable('tags')
            .set({ name, name_key: name.toLowerCase() })
            .where('id', '=', tagId)
            .execute();
        } catch (e) {
          // Another tag took the name meanwhile (two renamed to it at once): this one merges into it.
          if (isUniqueViolation(e) && !retried) return this.rename(tagId, newName, actor, true);
          throw e;
        }
        await appendAuditEntry(this.db, {
          entityType: 'tag',
          entityId: tagId,
          action: 'renamed',
          changes: [{ field: 'name', old: tag.name, new: name }],
          actor,
        });
        // Every holder's tags read differently now: the change log and the events say so.
        await this.contacts.recordTagRenamed(tagId, tag.name, actor);
      }
      return { tag: await this.get(tagId), merged_from: null };
    }
    const moveTag = (contact: Contact) => {
      const kept = contact.tags.filter((t) => t.toLowerCase() !== tag.name_key);
      return kept.some((t) => t.toLowerCase() === target.name_key) ? kept : [...kept, target.name];
    };
    await this.changeEveryHolder(tagId, moveTag, actor, async (db, moved) => {
      // Soft-deleted contacts keep the tag, under the surviving one, for their restore; they count for
      // no tag, so the links move as rows.
      await db
        .insertInto('contact_tags')
        .columns(['contact_id', 'tag_id', 'created_at'])
        .expression((eb) =>
          eb
            .selectFrom('contact_tags as source')
            .select([
              'source.contact_id',
              sql<string>`cast(${target.id} as text)`.as('tag_id'),
              'source.created_at',
            ])
            .where('source.tag_id', '=', tagId)
            .where((wh) =>
              wh.not(
                wh.exists(
                  wh
                    .selectFrom('contact_tags as held')
                    .select('held.contact_id')
                    .whereRef('held.contact_id', '=', 'source.contact_id')
                    .where('held.tag_id', '=', target.id),
                ),
              ),
            ),
        )
        .execute();
      await db.deleteFrom('contact_tags').where('tag_id', '=', tagId).execute();
      await db.deleteFrom('tags').where('id', '=', tagId).execute();
      await appendAuditEntry(db, {
        entityType: 'tag',
        entityId: tagId,
        action: 'merged',
        // The tag is gone, not renamed: its name goes; the one it joined is named beside its id.
        changes: [
          { field: 'name', old: tag.name, new: null },
          { field: 'merged_into', old: null, new: target.id },
          { field: 'merged_into_name', old: null, new: target.name },
          { field: 'contacts', old: moved, new: null },
        ],
        actor,
      });
    });
    return { tag: await this.get(target.id), merged_from: tagId };
  }

  async addToContact(contactId: string, tags: string[], actor: Actor): Promise<Contact> {
    // Checked here so that a wrong tag is named by its place in `tags`, not among the contact's own.
    tags.forEach((tag, i) => normalizeNewTagName(tag, fieldPath('tags', i)));
    return this.contacts.updateFrom(contactId, (contact) => ({ tags: [...contact.tags, ...tags] }), actor);
  }

  async removeFromContact(contactId: string, tag: string, actor: Actor): Promise<Contact> {
    const key = (normalizeText(tag) ?? '').toLowerCase();
    return this.contacts.updateFrom(
      contactId,
      (contact) => {
        if (!contact.tags.some((t) => t.toLowerCase() === key))
          throw new ValidationError('tag', tag, `is not a tag of contact ${contactId}`);
        return { tags: contact.tags.filter((t) => t.toLowerCase() !== key) };
      },
      actor,
    );
  }

  /** Deletes a tag everywhere; each contact that had it gets an audit entry. */
  async delete(tagId: string, actor: Actor): Promise<void> {
    const tag = await this.db.selectFrom('tags').selectAll().where('id', '=', tagId).executeTakeFirst();
    if (!tag) throw new NotFoundError('tag', tagId);
    const without = (contact: Contact) => contact.tags.filter((t) => t.toLowerCase() !== tag.name_key);
    await this.changeEveryHolder(tagId, without, actor, async (db) => {
      await db.deleteFrom('contact_tags').where('tag_id', '=', tagId).execute();
      await db.deleteFrom('tags').where('id', '=', tagId).execute();
      await appendAuditEntry(db, {
        entityType: 'tag',
        entityId: tagId,
        action: 'deleted',
        changes: [{ field: 'name', old: tag.name, new: null }],
        actor,
      });
    });
  }

  /**
   * Changes every live holder of a tag through the contact writer (change log, events, sync), then
   * runs `finish` in the transaction that holds the tag locked (PostgreSQL) until it commits. Holders
   * change a batch per transaction, in passes (each finds those tagged meanwhile), so that a tag on a
   * million customers is neither one transaction nor a million; in the locked one, a holder tagged
   * since the last pass is changed like the others, not left behind silently, and a request tagging
   * someone now waits, then tags with a new tag of that name. `finish` is not run when another request
   * removed the tag meanwhile; it gets how many holders were changed.
   */
  private async changeEveryHolder(
    tagId: string,
    change: (contact: Contact) => string[],
    actor: Actor,
    finish: (db: Queryable, changed: number) => Promise<void>,
  ): Promise<void> {
    let changed = 0;
    for (let pass = 0; pass < HOLDER_PASSES; pass++) {
      let found = false;
      for (let after = ''; ;) {
        const holders = await liveHolders(this.db, tagId, { after, limit: HOLDER_PAGE });
        if (holders.length === 0) break;
        found = true;
        after = holders.at(-1)!;
        changed += await this.contacts.changeTags(holders, change, actor);
      }
      if (!found) break;
    }
    await this.contacts.writer.transaction(actor, async (w) => {
      // The holders first, then the tag, as every contact write takes its locks (a merge locks its
      // contacts, then its links' tags): taken the other way round, a merge of a holder waiting for the
      // tag and this waiting for that holder would deadlock. Whoever committed a link meanwhile is found
      // by the second read, once the tag is held.
      changed += await this.contacts.changeTagsIn(w, await liveHolders(w.db, tagId), change, actor);
      let locked = w.db.selectFrom('tags').select('id').where('id', '=', tagId);
      if (sqlDialectOf(w.db) === 'postgres') locked = locked.forUpdate();
      if (!(await locked.executeTakeFirst())) return;
      changed += await this.contacts.changeTagsIn(w, await liveHolders(w.db, tagId), change, actor);
      await finish(w.db, changed);
    });
  }
}

/** The live contacts holding a tag, in id order (after an id, up to a number, when given). */
async function liveHolders(
  db: Queryable,
  tagId: string,
  page: { after?: string; limit?: number } = {},
): Promise<string[]> {
  let query = db
    .selectFrom('contact_tags')
    .innerJoin('contacts', 'contacts.id', 'contact_tags.contact_id')
    .select('contact_tags.contact_id')
    .where('contact_tags.tag_id', '=', tagId)
    .where('contacts.deleted_at', 'is', null)
    .where('contact_tags.contact_id', '>', page.after ?? '')
    .orderBy('contact_tags.contact_id');
  if (page.limit !== undefined) query = query.limit(page.limit);
  return (await query.execute()).map((r) => r.contact_id);
}
