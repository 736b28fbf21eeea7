/** Queries the customer screens share (one key per resource, so edits refresh every view of it). */
import { keepPreviousData, type QueryClient, useQuery } from '@tanstack/react-query';
import { api, type Contact, unwrap } from '../../api/client';
import {
  type ListParams,
  listParamsOf,
  listQuery,
  namesDefinitions,
  withoutIgnoredFilters,
} from './customer-list-params';

const CUSTOMERS_PAGE_SIZE = 50;

/** A page of the customers list as the URL's filters, sort and cursor ask for it. */
export function contactsPageQuery(list: ListParams) {
  const query = listQuery(list, CUSTOMERS_PAGE_SIZE);
  return {
    queryKey: ['contacts', query] as const,
    queryFn: () => unwrap(api.GET('/api/contacts', { params: { query: query as never } })),
  };
}

const identityTypesQuery = {
  queryKey: ['identity-types'],
  queryFn: () => unwrap(api.GET('/api/identity-types')),
  staleTime: 300_000,
};
const attributesQuery = {
  queryKey: ['attributes'],
  queryFn: () => unwrap(api.GET('/api/attributes')),
  staleTime: 300_000,
};
export const tagsQuery = { queryKey: ['tags'], queryFn: () => unwrap(api.GET('/api/tags')) };
export const groupsQuery = { queryKey: ['groups'], queryFn: () => unwrap(api.GET('/api/groups')) };

/**
 * What the customers screen reads, asked for by the router while the screen's code is still loading
 * (a first visit would otherwise ask only once that code has run): the page the URL names, and the
 * tags, groups, identity types and attributes its filters and columns need.
 */
export function prefetchCustomersScreen(client: QueryClient, search: URLSearchParams): void {
  const asked = listParamsOf(search);
  const names = namesDefinitions(asked);
  void client.prefetchQuery(identityTypesQuery);
  if (!names.tags && !names.groups && !names.attributes) {
    // Without a date, count or amount the server would refuse (the screen leaves those out too).
    void client.prefetchQuery(contactsPageQuery(withoutIgnoredFilters(asked, {}).list));
    void client.prefetchQuery(attributesQuery);
    void client.prefetchQuery(tagsQuery);
    void client.prefetchQuery(groupsQuery);
    return;
  }
  // The URL names a tag, group or attribute: the page the screen asks for is the one without those that
  // name nothing or hold a value the server refuses (withoutIgnoredFilters), known once they are read.
  const read = <T>(query: { queryKey: readonly unknown[]; queryFn: () => Promise<T> }) =>
    client.ensureQueryData(query).catch(() => undefined);
  void Promise.all([read(tagsQuery), read(groupsQuery), read(attributesQuery)]).then(
    ([tags, groups, attributes]) =>
      client.prefetchQuery(
        contactsPageQuery(
          withoutIgnoredFilters(asked, {
            tags: tags?.data.map((tag) => tag.name),
            groups: groups?.data,
            attributes: attributes?.data.map((definition) => definition.key),
            definitions: attributes?.data,
          }).list,
        ),
      ),
  );
}

export const contactKey = (id: string) => ['contact', id] as const;

export function useContact(id: string, options: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: contactKey(id),
    queryFn: () => unwrap(api.GET('/api/contacts/{id}', { params: { path: { id } } })),
    enabled: options.enabled ?? true,
  });
}

/** A customer as its page reads it: the contact with its purchase facts and groups. */
export type ContactDetail = NonNullable<ReturnType<typeof useContact>['data']>;

/** The batch deletions, with how long a new one can be restored (its list page and the delete dialog). */
export function useDeletions(options: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: ['deletions'],
    queryFn: () => unwrap(api.GET('/api/contacts/deletions')),
    enabled: options.enabled ?? true,
  });
}

export function useIdentityTypes() {
  return useQuery(identityTypesQuery);
}

export function useAttributeDefinitions() {
  return useQuery(attributesQuery);
}

/**
 * Ids a request: each is about 32 characters once its comma is encoded, and a request line past 8 KB
 * is refused by common proxies (16 KB by Node itself).
 */
const IDS_PER_REQUEST = 150;

/** Customers by id, for screens that name the customers of their rows (pairs, orders), 150 a request. */
export function useContactsById(ids: string[]) {
  const unique = [...new Set(ids)].sort();
  return useQuery({
    queryKey: ['contacts', 'by-id', unique],
    queryFn: async () => {
      const byId = new Map<string, Contact>();
      for (let start = 0; start < unique.length; start += IDS_PER_REQUEST) {
        const chunk = unique.slice(start, start + IDS_PER_REQUEST);
        const page = await unwrap(
          api.GET('/api/contacts', { params: { query: { ids: chunk.join(','), limit: chunk.length } } }),
        );
        for (const contact of page.data) byId.set(contact.id, contact);
      }
      return byId;
    },
    placeholderData: keepPreviousData,
  });
}
