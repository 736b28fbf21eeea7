import { Center, Loader } from '@mantine/core';
import { Navigate, Outlet, useLocation } from 'react-router';
import { ErrorState } from '../ui/states';
import { useSession } from './session';

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
  if (!session.data) {
    const next = `${location.pathname}${location.search}`;
    return <Navigate to={`/sign-in?next=${encodeURIComponent(next)}`} replace />;
  }
  return <Outlet />;
}

/** Admin-only screens: agents are told, not shown a broken page (the server refuses anyway). */
export function RequireAdmin({ children }: { children: React.ReactNode }) {
  const session = useSession();
  if (session.data?.role !== 'admin') return <ErrorState forbidden />;
  return <>{children}</>;
}
