/** Queries the settings screens share (one key per resource, so a change refreshes every view of it). */
import { type QueryKey, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';

export const USERS_KEY = ['users'] as const;
const AUDIT_KEY = ['audit'] as const;

/**
 * After a change in settings: the lists it touched are looked at again, and so is the audit log, where the
 * server has just written the change down.
 */
export function useSettingsRefresh(...keys: QueryKey[]): () => void {
  const client = useQueryClient();
  return () => {
    for (const queryKey of [...keys, AUDIT_KEY]) void client.invalidateQueries({ queryKey });
  };
}

/** Every user (admins only; the server refuses agents). */
export function useUsers(enabled = true) {
  return useQuery({
    queryKey: USERS_KEY,
    queryFn: () => unwrap(api.GET('/api/users')),
    enabled,
  });
}

/** A user as people call them: the name, else the e-mail. */
export function userLabel(user: { name: string | null; email: string } | null | undefined): string {
  if (!user) return '';
  return user.name || user.email;
}
