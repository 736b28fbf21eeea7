import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import { en, WEB, zh } from './web-i18n.js';

const { syncRunErrorText } = (await import(`${WEB}/features/settings/sync-errors.ts`)) as {
  syncRunErrorText: (reason: string, t: TFunction) => string;
};

/** A sync run's failure as the server records it (src/sync/carddav/carddav-sync-run.ts), in the page's language. */
describe("a failed sync run's reason", () => {
  it.each([
    [
      'the server answered HTTP 401 to the sync report on https://dav.example/u/book/: the user name or password is wrong',
      '通讯录服务器拒绝了用户名或密码',
    ],
    ['the server answered HTTP 507 to writing /u/book/ct_1.vcf', 'HTTP 507'],
    ['cannot reach the server: ENOTFOUND', '无法连接到通讯录服务器（ENOTFOUND）'],
    ['the disk is full', '服务器磁盘已满'],
  ])('%s', (reason, chinese) => {
    expect(syncRunErrorText(reason, zh)).toContain(chinese);
    expect(syncRunErrorText(reason, en)).not.toBe(reason);
  });

  it('keeps any other reason as the server wrote it', () => {
    expect(syncRunErrorText('the address book sent a card without UID', zh)).toBe(
      'the address book sent a card without UID',
    );
  });
});
