/** The names an export's filters refer to by id: groups and attribute definitions, as the lists read them. */
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { formatDate, formatNumber } from '../../i18n';
import { groupsQuery, useAttributeDefinitions } from '../customers/customer-queries';
import type { FilterNames } from './filter-labels';

export function useFilterNames(): FilterNames {
  const groups = useQuery(groupsQuery);
  const attributes = useAttributeDefinitions();
  return useMemo(
    () => ({
      groups: new Map((groups.data?.data ?? []).map((g) => [g.id, g.name])),
      attributes: new Map((attributes.data?.data ?? []).map((a) => [a.key, a.label || a.key])),
      formatDate: (day: string) => formatDate(day),
      formatNumber: (value: number) => formatNumber(value),
    }),
    [groups.data, attributes.data],
  );
}
