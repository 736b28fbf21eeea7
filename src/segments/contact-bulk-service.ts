/**
 * Tagging and grouping a selection of contacts at once (the customers list's "select rows / all
 * matching" actions). Each contact changes through the contact service (tags, a thousand a
 * transaction) or GroupService, so each change has its audit entry and timeline event, exactly as if
 * it had been made one by one; the answer counts what changed and what already was so.
 */
import type { ContactListQuery, ContactService } from '../contacts/contact-service.js';
import type { Actor } from '../domain/actor.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../domain/errors.js';
import { normalizeNewTagName } from '../domain/contact/contact-patch.js';
import { normalizeText } from '../domain/normalize/text.js';
import type { GroupService } from './group-service.js';
import type { TagService } from './tag-service.js';
import { fieldPath } from '../domain/field-path.js';

export type BulkSelection =
  { ids: string[] } | { filter: Omit<ContactListQuery, 'cursor' | 'limit' | 'sort' | 'total'> };
export type BulkAction = 'add_tags' | 'remove_tags' | 'add_to_group';

export interface BulkResult {
  action: BulkAction;
  /** Contacts the selection named. */
  selected: number;
  /** Contacts this request changed. */
  changed: number;
  /** Contacts that already were as asked (had the tags, lacked them, were members). */
  unchanged: number;
}

/** An agent may act on at most this many contacts selected by a filter; an admin on more. */
export const AGENT_BULK_LIMIT = 1000;
/** No request acts on more contacts than this: each is a change of its own, with its history. */
export const BULK_LIMIT = 10_000;

export class ContactBulkService {
  constructor(
    private readonly contacts: ContactService,
    private readonly tags: TagService,
    private readonly groups: GroupService,
  ) {}

  async apply(
    selection: BulkSelection,
    action: BulkAction,
    options: { tags?: string[]; groupId?: string },
    actor: Actor,
    role: 'admin' | 'agent',
  ): Promise<BulkResult> {
    const tags = this.checkOptions(action, options);
    const ids = await this.select(selection, role);
    if (action === 'add_to_group') {
      let changed = 0;
      for (let k = 0; k < ids.length; k += 1000) {
        const result = await this.groups.addMembers(options.groupId!, ids.slice(k, k + 1000), actor);
        changed += result.added.length;
      }
      return { action, selected: ids.length, changed, unchanged: ids.length - changed };
    }
    const keys = tags.map((t) => t.toLowerCase());
    const changed = await this.contacts.changeTags(
      ids,
      action === 'add_tags'
        ? (current) => [...current.tags, ...tags]
        : (current) => current.tags.filter((t) => !keys.includes(t.toLowerCase())),
      actor,
    );
    return { action, selected: ids.length, changed, unchanged: ids.length - changed };
  }

  private checkOptions(action: BulkAction, options: { tags?: string[]; groupId?: string }): string[] {
    // One action a request, and the answer counts that action: a field for another action is refused,
    // not left undone while the answer reads as if the request were done.
    if (action === 'add_to_group') {
      if (options.tags !== undefined)
        throw new ValidationError(
          'tags',
          options.tags,
          'is for add_tags and remove_tags, not add_to_group; tag the contacts in a request of its own',
        );
      if (!options.groupId)
        throw new ValidationError('group_id', options.groupId ?? null, 'is required to add_to_group');
      return [];
    }
    if (options.groupId !== undefined)
      throw new ValidationError(
        'group_id',
        options.groupId,
        `is for add_to_group, not ${action}; add the contacts to the group in a request of its own`,
      );
    // Checked before any contact is touched: a tag to add that would not survive an export is refused
    // here by its place in `tags`, not partway through the selection.
    const name = (t: string, i: number) =>
      action === 'add_tags' ? normalizeNewTagName(t, fieldPath('tags', i)) : normalizeText(t);
    const tags = [...new Set((options.tags ?? []).map(name).filter((t): t is string => t !== null))];
    if (tags.length === 0)
      throw new ValidationError('tags', options.tags ?? null, `name at least one tag to ${action}`);
    return tags;
  }

  /** The live contacts selected; explicit ids must all be live contacts. */
  private async select(selection: BulkSelection, role: 'admin' | 'agent'): Promise<string[]> {
    if ('ids' in selection) {
      const ids = [...new Set(selection.ids)];
      if (ids.length === 0)
        throw new ValidationError('selection.ids', selection.ids, 'select at least one contact');
      if (ids.length > AGENT_BULK_LIMIT)
        throw new ValidationError(
          'selection.ids',
          ids.length,
          `name at most ${AGENT_BULK_LIMIT} contacts; select more with a filter`,
        );
      const found = await this.contacts.listIds({ ids });
      if (found.length !== ids.length) {
        const live = new Set(found);
        throw new NotFoundError(
          'contact',
          ids.find((id) => !live.has(id))!,
        );
      }
      return ids;
    }
    const count = await this.contacts.countUpTo(selection.filter, BULK_LIMIT);
    if (count > AGENT_BULK_LIMIT && role !== 'admin')
      throw new ForbiddenError(
        `this filter selects ${count > BULK_LIMIT ? `more than ${BULK_LIMIT}` : count} contacts; ` +
          `acting on more than ${AGENT_BULK_LIMIT} at once needs the admin role`,
      );
    if (count > BULK_LIMIT)
      throw new ValidationError(
        'selection.filter',
        selection.filter,
        `selects more than ${BULK_LIMIT} contacts; narrow the filter and act on each part`,
      );
    return this.contacts.listIds(selection.filter);
  }
}
