import { useEffect } from 'react';
import { useLocation, useRouteError } from 'react-router';
import { isNetworkFailure } from '../api/client';
import { ErrorState } from './states';

/** When the page last reloaded itself for a screen's code (sessionStorage), so that it does so once. */
const RELOADED_AT = 'kith-reloaded-for-code';
const RELOAD_AGAIN_AFTER_MS = 30_000;

/**
 * A screen that threw: say so, offer a reload, never a blank page.
 *
 * A screen's code that could not be downloaded stays unloadable until the page reloads: the browser
 * keeps the failed module (and any chunk it shares with other screens) in its module map, so once the
 * server is back, every screen needing that chunk kept failing. When the server answers again, the
 * page reloads itself at the screen asked for — once: a chunk that is missing for good (a new
 * version deployed under other file names is fixed by the reload; anything else is not) is said.
 */
export function RouteError() {
  const error = useRouteError();
  const location = useLocation();
  const codeMissing = isNetworkFailure(error);

  useEffect(() => {
    if (!codeMissing) return;
    let cancelled = false;
    void fetch('/api/health', { cache: 'no-store' })
      .then((answer) => {
        if (cancelled || !answer.ok) return;
        const last = Number(sessionStorage.getItem(RELOADED_AT) ?? 0);
        if (Date.now() - last < RELOAD_AGAIN_AFTER_MS) return;
        sessionStorage.setItem(RELOADED_AT, String(Date.now()));
        window.location.reload();
      })
      // Still unreachable: the message stays, and Try again reloads by hand.
      .catch(() => {});
    return () => {
      cancelled = true;
    };
  }, [codeMissing, location.key]);

  return <ErrorState error={error} onRetry={() => window.location.reload()} />;
}
