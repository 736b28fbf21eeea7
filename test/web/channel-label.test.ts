import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import { CHANNELS as SERVER_CHANNELS } from '../../src/domain/actor.js';
import { en, WEB, zh } from './web-i18n.js';

const { channelLabel, CHANNELS } = (await import(`${WEB}/ui/channel-label.ts`)) as {
  channelLabel: (channel: string, t: TFunction) => string;
  CHANNELS: readonly string[];
};

describe('where a change came from, as people read it', () => {
  it('knows every channel the server records', () => {
    expect([...CHANNELS].sort()).toEqual([...SERVER_CHANNELS].sort());
  });

  it.each(SERVER_CHANNELS)('names %s in both languages, never by its key', (channel) => {
    for (const t of [en, zh]) {
      const label = channelLabel(channel, t);
      expect(label).not.toBe(`channels.${channel}`);
      if (channel !== 'api') expect(label).not.toBe(channel);
    }
  });

  it('uses one word per channel on every screen', () => {
    expect(channelLabel('ui', en)).toBe('Web app');
    expect(channelLabel('ui', zh)).toBe('网页');
    expect(channelLabel('cli', zh)).toBe('命令行');
  });

  it('shows a channel it does not know as sent', () => {
    expect(channelLabel('carrier_pigeon', en)).toBe('carrier_pigeon');
  });
});
