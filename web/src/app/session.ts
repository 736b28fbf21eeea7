/** The signed-in user, from the session cookie (GET /api/auth/me); null when signed out. */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, unwrap, type User } from '../api/client';

export const SESSION_KEY = ['session'] as const;

export function useSession() {
  return useQuery({
    queryKey: SESSION_KEY,
    queryFn: async (): Promise<User | null> => {
      try {
        return await unwrap(api.GET('/api/auth/me'));
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return null;
        throw error;
      }
    },
    staleTime: 60_000,
  });
}

export function useSignOut() {
  const client = useQueryClient();
  return async () => {
    await api.POST('/api/auth/logout');
    client.clear();
    client.setQueryData(SESSION_KEY, null);
  };
}

export const isAdmin = (user: User | null | undefined) => user?.role === 'admin';
