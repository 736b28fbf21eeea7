/** The signed-in user, from the session cookie (GET /api/auth/me); null when signed out. */
import { type QueryClient, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { api, ApiError, csrfToken, unwrap, type User } from '../api/client';
import { hasChosenLanguage, setLanguage } from '../i18n';

export const SESSION_KEY = ['session'] as const;

/** The user this page last saw: undefined before the first answer, null while signed out. */
let seenUserId: string | null | undefined;

/**
 * The language a user chose in their profile is applied when they sign in, and on any browser that has
 * no language of its own yet; the header's switch then changes it for this browser only.
 */
function applyStoredLanguage(user: User | null): void {
  const id = user?.id ?? null;
  if (id === seenUserId) return;
  const signedInHere = seenUserId === null;
  seenUserId = id;
  if (user?.language && (signedInHere || !hasChosenLanguage())) setLanguage(user.language);
}

/** The session's query, also started by the router before a screen's code has loaded (routes.tsx). */
export const sessionQuery = {
  queryKey: SESSION_KEY,
  queryFn: async (): Promise<User | null> => {
    // Every sign-in sets the CSRF cookie beside the session's, readable here: without it there is no
    // session to ask about, and a signed-out page makes no request that is bound to be refused.
    if (csrfToken() === null) return null;
    try {
      return await unwrap(api.GET('/api/auth/me'));
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return null;
      throw error;
    }
  },
  staleTime: 60_000,
};

export function useSession() {
  const session = useQuery(sessionQuery);
  const user = session.data;
  useEffect(() => {
    if (user !== undefined) applyStoredLanguage(user);
  }, [user]);
  return session;
}

/** Set by a sign-out on this page: the sign-in page it leads to does not lead back here afterwards. */
let signedOutHere = false;

/**
 * Signing out only makes the session null: RequireSession then takes the signed-in screens away and
 * empties the cache (forgetSignedInData). Emptied under the screens, their queries were asked again,
 * and refused: 401s on the console.
 */
export function useSignOut() {
  const client = useQueryClient();
  return async () => {
    await api.POST('/api/auth/logout');
    await client.cancelQueries();
    signedOutHere = true;
    client.setQueryData(SESSION_KEY, null);
  };
}

/** Whether this page signed out, rather than was opened signed out (or saw its session end). */
export const wasSignedOutHere = () => signedOutHere;

/** Once no signed-in screen is left: nothing of the last user's is kept for the next one. */
export function forgetSignedInData(client: QueryClient): void {
  client.removeQueries({ predicate: (query) => query.queryKey[0] !== SESSION_KEY[0] });
  signedOutHere = false;
}

export const isAdmin = (user: User | null | undefined) => user?.role === 'admin';
