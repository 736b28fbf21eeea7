/** Who made a change and through which channel; recorded on every audit entry and timeline event. */
export const CHANNELS = ['api', 'ui', 'cli', 'import', 'merge', 'automation', 'sync', 'system'] as const;
export type Channel = (typeof CHANNELS)[number];

export interface Actor {
  userId: string | null;
  channel: Channel;
  /** The import id, merge id, rule id, sync connection id… that the change belongs to. */
  channelRef?: string | null;
}

export const SYSTEM_ACTOR: Actor = { userId: null, channel: 'system' };
