/**
 * Where a change came from (the `channel` of an audit entry or a timeline event: the web app, the API,
 * the command line, an import, a merge, a rule, a sync, Kith itself), named from one table
 * (`channels.<channel>` in the locale files) on every screen that shows it: a customer's timeline and
 * change history, and the audit log. A channel this app does not know yet shows as the server sends it.
 */
/** i18next's `t`, or any function that looks a key up the same way. */
type Translate = (key: string) => string;

/** The channels the server records (src/domain/actor.ts); test/web/channel-label.test.ts holds the two equal. */
export const CHANNELS: readonly string[] = [
  'api',
  'ui',
  'cli',
  'import',
  'merge',
  'automation',
  'sync',
  'system',
];

export function channelLabel(channel: string, t: Translate): string {
  return CHANNELS.includes(channel) ? t(`channels.${channel}`) : channel;
}
