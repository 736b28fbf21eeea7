/**
 * When an API token or a browser session was last used, kept to the minute: recording every request
 * would turn each read into a write, and the minute is enough to tell stale credentials apart.
 */

/** True when `last` (ISO) already falls in the minute of `now` (ISO): nothing to write. */
export function stampedThisMinute(last: string | null, now: string): boolean {
  return last !== null && last.slice(0, 16) === now.slice(0, 16);
}
