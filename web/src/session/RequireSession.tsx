import { Center, Loader } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Navigate, Outlet, useLocation } from 'react-router';
import { ErrorState } from '../ui/states';
import { forgetSignedInData, useSession, wasSignedOutHere } from './session';

/** What shows while the session is asked for (also while the router's first loaders run). */
export function SessionLoading() {
  return (
    <Center h="100vh">
      <Loader aria-label="…" />
    </Center>
  );
}

/** Screens behind sign-in: a signed-out visitor goes to /sign-in and comes back afterwards. */
export function RequireSession() {
  const session = useSession();
  const location = useLocation();
  if (session.isPending) return <SessionLoading />;
  if (session.isError) return <ErrorState error={session.error} onRetry={() => void session.refetch()} />;
  if (!session.data) return <ToSignIn next={`${location.pathname}${location.search}`} />;
  return <Outlet />;
}

/**
 * Shown once the signed-in screens are gone, so the cache is emptied with none of their queries left to
 * ask again. After a sign-out, the next user starts from the default screen, not the last user's.
 */
function ToSignIn({ next }: { next: string }) {
  const client = useQueryClient();
  const [to] = useState(() =>
    wasSignedOutHere() ? '/sign-in' : `/sign-in?next=${encodeURIComponent(next)}`,
  );
  useEffect(() => forgetSignedInData(client), [client]);
  return <Navigate to={to} replace />;
}

/** Admin-only screens: agents are told, not shown a broken page (the server refuses anyway). */
export function RequireAdmin({ children }: { children: React.ReactNode }) {
  const session = useSession();
  if (session.data?.role !== 'admin') return <ErrorState forbidden />;
  return <>{children}</>;
}
