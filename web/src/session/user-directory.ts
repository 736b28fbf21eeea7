/**
 * Who is who, for every signed-in user: names the people of histories, merges and decisions
 * (`GET /api/users/directory`; the full user list is for administrators).
 */
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';

export function useUserDirectory() {
  const directory = useQuery({
    queryKey: ['users', 'directory'],
    queryFn: () => unwrap(api.GET('/api/users/directory')),
    staleTime: 60_000,
  });
  /** A user by name (else e-mail), or null when the id is no user's (system work, or not loaded yet). */
  const nameOf = (id: string | null | undefined): string | null => {
    if (!id) return null;
    const user = directory.data?.data.find((u) => u.id === id);
    return user ? user.name || user.email : null;
  };
  return { directory, nameOf };
}
