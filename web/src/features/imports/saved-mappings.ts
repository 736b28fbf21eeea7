/**
 * Mappings saved under a name for the next file from the same tool, kept by the server
 * (`/api/imports/mappings`) and shared by everyone who imports.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type Schemas, unwrap } from '../../api/client';
import type { Mapping } from './mapping-targets';

export type SavedMapping = Schemas['SavedImportMapping'];

export const SAVED_MAPPINGS_KEY = ['import-mappings'] as const;

export function useSavedMappings() {
  return useQuery({
    queryKey: SAVED_MAPPINGS_KEY,
    queryFn: () => unwrap(api.GET('/api/imports/mappings')),
  });
}

/** Saves a new mapping, or replaces the mapping of the saved one `replace` names. */
export function useSaveMapping() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ name, mapping, replace }: { name: string; mapping: Mapping; replace?: string }) =>
      replace
        ? unwrap(
            api.PUT('/api/imports/mappings/{id}', {
              params: { path: { id: replace } },
              body: { mapping },
            }),
          )
        : unwrap(api.POST('/api/imports/mappings', { body: { name, mapping } })),
    onSuccess: () => void client.invalidateQueries({ queryKey: SAVED_MAPPINGS_KEY }),
  });
}

export function useDeleteMapping() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(api.DELETE('/api/imports/mappings/{id}', { params: { path: { id } } })),
    onSuccess: () => void client.invalidateQueries({ queryKey: SAVED_MAPPINGS_KEY }),
  });
}

/** A saved mapping applied to this file: the columns it names take its targets, the others stay. */
export function applySavedMapping(columns: string[], current: Mapping, saved: Mapping): Mapping {
  const next = { ...current };
  for (const column of columns) if (saved[column] !== undefined) next[column] = saved[column];
  return next;
}

/** How many of this file's columns a saved mapping names. */
export function coverage(columns: string[], saved: Mapping): number {
  return columns.filter((c) => saved[c] !== undefined).length;
}
