import type { ContactService } from '../contacts/contact-service.js';
import type { Actor } from '../domain/actor.js';
import type { Contact } from '../domain/contact/contact-fields.js';
import { NotFoundError, ValidationError } from '../domain/errors.js';
import { normalizeText } from '../domain/normalize/text.js';
import { appendAuditEntry } from '../history/audit-log.js';
import type { Queryable } from '../store/transaction.js';
import { tagsWithLiveCounts } from './tag-counts.js';

export interface TagSummary {
  id: string;
  name: string;
  contact_count: number;
  created_at: string;
}

export class TagService {
  constructor(
    private readonly db: Queryable,
    private readonly contacts: ContactService,
  ) {}

  /** Tags with their live contact counts (kept by the database, not counted here: see tag-counts.ts). */
  async list(): Promise<TagSummary[]> {
    return tagsWithLiveCounts(this.db);
  }

  async addToContact(contactId: string, tags: string[], actor: Actor): Promise<Contact> {
    const contact = await this.contacts.get(contactId);
    return this.contacts.update(contactId, { tags: [...contact.tags, ...tags] }, actor);
  }

  async removeFromContact(contactId: string, tag: string, actor: Actor): Promise<Contact> {
    const contact = await this.contacts.get(contactId);
    const key = (normalizeText(tag) ?? '').toLowerCase();
    if (!contact.tags.some((t) => t.toLowerCase() === key)) {
      throw new ValidationError('tag', tag, `is not a tag of contact ${contactId}`);
    }
    return this.contacts.update(
      contactId,
      { tags: contact.tags.filter((t) => t.toLowerCase() !== key) },
      actor,
    );
  }

  /** Deletes a tag everywhere; each contact that had it gets an audit entry. */
  async delete(tagId: string, actor: Actor): Promise<void> {
    const tag = await this.db.selectFrom('tags').selectAll().where('id', '=', tagId).executeTakeFirst();
    if (!tag) throw new NotFoundError('tag', tagId);
    const holders = await this.db
      .selectFrom('contact_tags')
      .select('contact_id')
      .where('tag_id', '=', tagId)
      .execute();
    for (const { contact_id } of holders) {
      await this.removeFromContact(contact_id, tag.name, actor).catch((e) => {
        if (!(e instanceof NotFoundError)) throw e; // soft-deleted holder: just drop the link below
      });
    }
    await this.db.deleteFrom('contact_tags').where('tag_id', '=', tagId).execute();
    await this.db.deleteFrom('tags').where('id', '=', tagId).execute();
    await appendAuditEntry(this.db, {
      entityType: 'tag',
      entityId: tagId,
      action: 'deleted',
      changes: [{ field: 'name', old: tag.name, new: null }],
      actor,
    });
  }
}
