import { useRouteError } from 'react-router';
import { ErrorState } from './states';

/** A screen that threw: say so, offer a reload, never a blank page. */
export function RouteError() {
  const error = useRouteError();
  return <ErrorState error={error} onRetry={() => window.location.reload()} />;
}
