/** A message's time in a list row (pure: unit-tested in test/web/message-time.test.ts). */

/**
 * When a message was sent, as short as a list row allows: the time today ("14:05"), the day this year
 * ("3 Dec", "12月3日"), else the date with its year.
 */
export function formatMessageTime(iso: string, locale: string, now = new Date()): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return '';
  const sameYear = at.getFullYear() === now.getFullYear();
  const sameDay = sameYear && at.getMonth() === now.getMonth() && at.getDate() === now.getDate();
  const options: Intl.DateTimeFormatOptions = sameDay
    ? { timeStyle: 'short' }
    : sameYear
      ? { day: 'numeric', month: 'short' }
      : { dateStyle: 'medium' };
  return new Intl.DateTimeFormat(locale, options).format(at);
}
