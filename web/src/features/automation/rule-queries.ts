/** The automation rules' queries: one key for the list, one per rule, its log. */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type Schemas, unwrap } from '../../api/client';

export type AutomationRule = Schemas['AutomationRule'];
export const RULES_KEY = ['automation-rules'] as const;

export function useRules() {
  return useQuery({ queryKey: RULES_KEY, queryFn: () => unwrap(api.GET('/api/rules')) });
}

export function useRule(id: string | null) {
  return useQuery({
    queryKey: [...RULES_KEY, id],
    queryFn: () => unwrap(api.GET('/api/rules/{id}', { params: { path: { id: id! } } })),
    enabled: id !== null,
  });
}

export function useRuleLog(id: string | null) {
  return useQuery({
    queryKey: [...RULES_KEY, id, 'logs'],
    queryFn: () =>
      unwrap(api.GET('/api/rules/{id}/logs', { params: { path: { id: id! }, query: { limit: 50 } } })),
    enabled: id !== null,
  });
}

export function useRefreshRules() {
  const client = useQueryClient();
  return () => void client.invalidateQueries({ queryKey: RULES_KEY });
}
