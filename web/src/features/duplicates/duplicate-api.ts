/**
 * What the duplicate screens ask the server: the review queue and its counts, scans (started here and
 * followed while they run), one pair, decisions, merges (dry run first) and their history.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { paths } from '../../api/schema';

type QueueQuery = NonNullable<paths['/api/duplicates']['get']['parameters']['query']>;
export type DuplicatePair =
  paths['/api/duplicates']['get']['responses'][200]['content']['application/json']['data'][number];
export type PairStatus = DuplicatePair['status'];
export type Band = DuplicatePair['band'];
export type ScanRecord =
  paths['/api/duplicates/scans']['get']['responses'][200]['content']['application/json']['data'][number];
export type MergeRecord =
  paths['/api/merges']['get']['responses'][200]['content']['application/json']['data'][number];
export type MergeResult =
  paths['/api/contacts/merge']['post']['responses'][200]['content']['application/json'];

export const QUEUE_PAGE = 50;
export const STATUSES: PairStatus[] = ['open', 'merged', 'not_duplicate', 'skipped'];

export interface QueueFilters {
  status: PairStatus;
  band?: Band;
  min_score?: number;
  field?: string;
  after?: string;
}

/** The queue's filters as the URL holds them (`/duplicates?band=match&min_score=0.9`). */
export function filtersOf(params: URLSearchParams): QueueFilters {
  const status = params.get('status');
  const band = params.get('band');
  const min = Number(params.get('min_score'));
  return {
    status: STATUSES.includes(status as PairStatus) ? (status as PairStatus) : 'open',
    band: band === 'match' || band === 'review' ? band : undefined,
    min_score: params.get('min_score') && min >= 0 && min <= 1 ? min : undefined,
    field: params.get('field') || undefined,
    after: params.get('after') || undefined,
  };
}

export function paramsOf(filters: QueueFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.status !== 'open') params.set('status', filters.status);
  if (filters.band) params.set('band', filters.band);
  if (filters.min_score !== undefined) params.set('min_score', String(filters.min_score));
  if (filters.field) params.set('field', filters.field);
  if (filters.after) params.set('after', filters.after);
  return params;
}

function queueQuery(filters: QueueFilters, limit: number): QueueQuery {
  return { ...filters, limit };
}

export function useQueue(filters: QueueFilters) {
  return useQuery({
    queryKey: ['duplicates', filters],
    queryFn: () => unwrap(api.GET('/api/duplicates', { params: { query: queueQuery(filters, QUEUE_PAGE) } })),
    placeholderData: keepPreviousData,
  });
}

/** The pair after `pairId` in the queue these filters show (the queue keeps score order). */
export async function nextPair(filters: QueueFilters, pairId: string): Promise<DuplicatePair | null> {
  const page = await unwrap(
    api.GET('/api/duplicates', { params: { query: queueQuery({ ...filters, after: pairId }, 1) } }),
  );
  return page.data[0] ?? null;
}

export function useQueueCounts() {
  return useQuery({
    queryKey: ['duplicates', 'counts'],
    queryFn: () => unwrap(api.GET('/api/duplicates/counts')),
  });
}

export function useScans() {
  return useQuery({
    queryKey: ['duplicates', 'scans'],
    queryFn: () => unwrap(api.GET('/api/duplicates/scans')),
  });
}

export function usePair(id: string | null) {
  return useQuery({
    queryKey: ['duplicates', 'pair', id],
    queryFn: () => unwrap(api.GET('/api/duplicates/{id}', { params: { path: { id: id! } } })),
    enabled: Boolean(id),
  });
}

/** A customer merged into another, as the merge's record keeps them from just before it. */
export type MergedPerson = MergeRecord['people'][number] & { survivor_id: string };

/**
 * The customers among `ids` that a merge took away (a merged pair's other side no longer exists as a
 * customer): named from the merge that did it, so the queue's "Merged" tab reads names, not ids.
 */
export function useMergedAwayPeople(ids: string[]) {
  const unique = [...new Set(ids)].sort();
  return useQuery({
    queryKey: ['merges', 'people', unique],
    enabled: unique.length > 0,
    queryFn: async () => {
      const found = new Map<string, MergedPerson>();
      // One request names a whole page's merged-away people (the API takes up to 100 ids at once).
      for (let i = 0; i < unique.length; i += 100) {
        const chunk = unique.slice(i, i + 100);
        const merges = await unwrap(
          api.GET('/api/merges', { params: { query: { contact_id: chunk.join(',') } } }),
        );
        for (const id of chunk) {
          const merge = merges.data.find((m) => m.undone_at === null && m.merged_ids.includes(id));
          const person = merge?.people.find((p) => p.id === id);
          if (merge && person) found.set(id, { ...person, survivor_id: merge.survivor_id });
        }
      }
      return found;
    },
    staleTime: 60_000,
  });
}

export function useMerges() {
  return useQuery({
    queryKey: ['merges'],
    queryFn: () => unwrap(api.GET('/api/merges')),
  });
}
