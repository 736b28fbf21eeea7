/**
 * The bulk actions' limits (src/segments/contact-bulk-service.ts) without 10,000 contacts: a contact
 * service that counts as told. The refusal's code and details are what the web app translates.
 */
import { describe, expect, it } from 'vitest';
import type { ContactService } from '../../src/contacts/contact-service.js';
import {
  AGENT_BULK_LIMIT,
  BULK_LIMIT,
  ContactBulkService,
  SelectionTooLargeError,
} from '../../src/segments/contact-bulk-service.js';
import type { GroupService } from '../../src/segments/group-service.js';
import type { TagService } from '../../src/segments/tag-service.js';

function serviceCounting(matches: number) {
  const contacts = {
    countUpTo: async (_filter: unknown, bound: number) => Math.min(matches, bound + 1),
    listIds: async () => Array.from({ length: matches }, (_, i) => `c${i}`),
    changeTags: async (ids: string[]) => ids.length,
  } as unknown as ContactService;
  return new ContactBulkService(contacts, {} as TagService, {} as GroupService);
}
const actor = { kind: 'user', userId: 'u1' } as never;

async function refusal(matches: number, role: 'admin' | 'agent') {
  try {
    await serviceCounting(matches).apply({ filter: { q: 'x' } }, 'add_tags', { tags: ['t'] }, actor, role);
  } catch (e) {
    return e as SelectionTooLargeError;
  }
  throw new Error('not refused');
}

describe('bulk action limits', () => {
  it('counts exactly up to the limit, then says more', async () => {
    expect(await serviceCounting(BULK_LIMIT).count({ q: 'x' }, 'admin')).toEqual({
      count: BULK_LIMIT,
      count_is_lower_bound: false,
      limit: BULK_LIMIT,
    });
    expect(await serviceCounting(150_000).count({ q: 'x' }, 'admin')).toEqual({
      count: BULK_LIMIT,
      count_is_lower_bound: true,
      limit: BULK_LIMIT,
    });
    expect(await serviceCounting(1_500).count({}, 'agent')).toEqual({
      count: 1_500,
      count_is_lower_bound: false,
      limit: AGENT_BULK_LIMIT,
    });
  });

  it('acts on exactly the limit', async () => {
    const result = await serviceCounting(BULK_LIMIT).apply(
      { filter: { q: 'x' } },
      'add_tags',
      { tags: ['t'] },
      actor,
      'admin',
    );
    expect(result.selected).toBe(BULK_LIMIT);
  });

  it("refuses past an admin's limit with a stable code and details", async () => {
    const e = await refusal(150_000, 'admin');
    expect(e).toBeInstanceOf(SelectionTooLargeError);
    expect(e.code).toBe('selection_too_large');
    expect(e.status).toBe(400);
    expect(e.details).toEqual({
      field: 'selection.filter',
      limit: BULK_LIMIT,
      selected: BULK_LIMIT,
      selected_is_lower_bound: true,
      role: 'admin',
      reason: 'narrow_filter',
    });
    expect(e.message).toContain(`selects more than ${BULK_LIMIT} contacts; narrow the filter`);
  });

  it("refuses past an agent's limit: 403 where an admin could do it, else narrow the filter", async () => {
    const within = await refusal(AGENT_BULK_LIMIT + 1, 'agent');
    expect(within.status).toBe(403);
    expect(within.details).toMatchObject({
      limit: AGENT_BULK_LIMIT,
      selected: AGENT_BULK_LIMIT + 1,
      reason: 'needs_admin',
    });
    const beyond = await refusal(BULK_LIMIT + 5, 'agent');
    expect(beyond.status).toBe(400);
    expect(beyond.details).toMatchObject({
      limit: AGENT_BULK_LIMIT,
      selected: BULK_LIMIT,
      selected_is_lower_bound: true,
      reason: 'narrow_filter',
    });
  });
});
