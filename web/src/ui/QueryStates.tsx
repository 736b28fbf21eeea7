/**
 * What a list shows for a query, checked in the same order everywhere: skeleton rows while it loads,
 * the error with retry, the screen's own empty state, else the data. The screen keeps the frame around
 * it and what each state says.
 */
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ErrorState, LoadingRows } from './states';

export function QueryStates<T>({
  query,
  rows,
  isEmpty,
  empty,
  children,
}: {
  query: UseQueryResult<T>;
  /** How many skeleton rows stand in for the data while it loads. */
  rows?: number;
  /** Whether the answer has nothing to list; `empty` then stands instead of the data. */
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) return <LoadingRows rows={rows} />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  if (isEmpty?.(query.data)) return <>{empty}</>;
  return <>{children(query.data)}</>;
}
