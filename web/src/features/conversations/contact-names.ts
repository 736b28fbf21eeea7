/**
 * Names of the customers on a page of conversations, a phone where there is no name. A module of its
 * own: the phone formatter (libphonenumber's metadata) stays out of what the app shell loads first
 * (conversation-queries.ts is reached from the header's availability menu).
 */
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { formatPhone } from '../../ui/phone-format';

/** In one request for the page. */
export function useContactNames(ids: string[]) {
  const unique = [...new Set(ids)].sort();
  return useQuery({
    queryKey: ['contact-names', unique],
    enabled: unique.length > 0,
    queryFn: () =>
      unwrap(
        api.GET('/api/contacts', { params: { query: { ids: unique.join(','), limit: unique.length } } }),
      ),
    staleTime: 60_000,
    select: (r) =>
      new Map(r.data.map((c) => [c.id, c.name || formatPhone(c.phone) || c.email || c.id] as const)),
  });
}
