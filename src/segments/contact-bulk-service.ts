/**
 * Tagging and grouping a selection of contacts at once (the customers list's "select rows / all
 * matching" actions). Each contact changes through the contact service (tags, a thousand a
 * transaction) or GroupService, so each change has its audit entry and timeline event, exactly as if
 * it had been made one by one; the answer counts what changed and what already was so.
 */
import type { ContactListQuery, ContactService } from '../contacts/contact-service.js';
import type { Actor } from '../domain/actor.js';
import { KithError, NotFoundError, ValidationError } from '../domain/errors.js';
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

/** The most contacts one request of this role may act on when they are selected by a filter. */
export const bulkLimitOf = (role: 'admin' | 'agent') => (role === 'admin' ? BULK_LIMIT : AGENT_BULK_LIMIT);

/**
 * A filter selects more contacts than the caller may act on at once: `selection_too_large`, 403 for an
 * agent within an admin's limit (the admin role would do it), else 400 (narrow the filter). Details:
 * `limit` (the caller's), `selected` (exact, or BULK_LIMIT with `selected_is_lower_bound`), `role`.
 */
export class SelectionTooLargeError extends KithError {
  constructor(count: number, role: 'admin' | 'agent') {
    const lowerBound = count > BULK_LIMIT;
    const selected = lowerBound ? BULK_LIMIT : count;
    const limit = bulkLimitOf(role);
    const adminWould = role !== 'admin' && !lowerBound;
    super(
      'selection_too_large',
      adminWould
        ? `this filter selects ${count} contacts; acting on more than ${AGENT_BULK_LIMIT} at once needs the admin role`
        : `selection.filter: selects more than ${limit} contacts; narrow the filter and act on each part`,
      adminWould ? 403 : 400,
      {
        field: 'selection.filter',
        limit,
        selected,
        selected_is_lower_bound: lowerBound,
        role,
        reason: adminWould ? 'needs_admin' : 'narrow_filter',
      },
    );
  }
}

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

  /**
   * How many live contacts a filter selects, exact up to BULK_LIMIT (past it BULK_LIMIT and
   * `count_is_lower_bound`), with the caller's limit: what a screen asks before offering an action.
   */
  async count(
    filter: Extract<BulkSelection, { filter: unknown }>['filter'],
    role: 'admin' | 'agent',
  ): Promise<{ count: number; count_is_lower_bound: boolean; limit: number }> {
    const count = await this.contacts.countUpTo(filter, BULK_LIMIT);
    return count > BULK_LIMIT
      ? { count: BULK_LIMIT, count_is_lower_bound: true, limit: bulkLimitOf(role) }
      : { count, count_is_lower_bound: false, limit: bulkLimitOf(role) };
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
    if (count > bulkLimitOf(role)) throw new SelectionTooLargeError(count, role);
    return this.contacts.listIds(selection.filter);
  }
}
