/** Queries the customer screens share (one key per resource, so edits refresh every view of it). */
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';

export const contactKey = (id: string) => ['contact', id] as const;

export function useContact(id: string) {
  return useQuery({
    queryKey: contactKey(id),
    queryFn: () => unwrap(api.GET('/api/contacts/{id}', { params: { path: { id } } })),
  });
}

export function useIdentityTypes() {
  return useQuery({
    queryKey: ['identity-types'],
    queryFn: () => unwrap(api.GET('/api/identity-types')),
    staleTime: 300_000,
  });
}

export function useAttributeDefinitions() {
  return useQuery({
    queryKey: ['attributes'],
    queryFn: () => unwrap(api.GET('/api/attributes')),
    staleTime: 300_000,
  });
}
