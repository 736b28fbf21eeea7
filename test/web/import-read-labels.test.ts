/**
 * How a file was read, said alike on every screen: the preview's friendly encoding and delimiter
 * labels on an import's page too ("GBK / GB18030（简体中文）", not "gb18030"), and one Chinese term for
 * rows an import leaves unchanged, in the check (dry run) and on the result page.
 */
import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import { en, WEB, zh } from './web-i18n.js';

const { delimiterLabel, encodingLabel } = (await import(`${WEB}/features/imports/read-labels.ts`)) as {
  delimiterLabel: (delimiter: string, t: TFunction) => string;
  encodingLabel: (encoding: string, t: TFunction) => string;
};

describe('encodingLabel', () => {
  it.each([
    ['gb18030', 'GBK / GB18030 (simplified Chinese)', 'GBK / GB18030（简体中文）'],
    ['GB18030', 'GBK / GB18030 (simplified Chinese)', 'GBK / GB18030（简体中文）'],
    ['utf-8', 'UTF-8', 'UTF-8'],
    ['big5', 'Big5 (traditional Chinese)', 'Big5（繁体中文）'],
    ['utf-16le', 'UTF-16 LE', 'UTF-16 LE'],
    ['windows-1252', 'Windows-1252 / Latin-1', 'Windows-1252 / Latin-1'],
    ['koi8-r', 'KOI8-R', 'KOI8-R'],
  ])('%s', (encoding, english, chinese) => {
    expect(encodingLabel(encoding, en)).toBe(english);
    expect(encodingLabel(encoding, zh)).toBe(chinese);
  });
});

describe('delimiterLabel', () => {
  it.each([
    [',', 'Comma ,', '逗号 ,'],
    [';', 'Semicolon ;', '分号 ;'],
    ['\t', 'Tab', '制表符'],
    ['|', 'Vertical bar |', '竖线 |'],
    ['#', '#', '#'],
  ])('%j', (delimiter, english, chinese) => {
    expect(delimiterLabel(delimiter, en)).toBe(english);
    expect(delimiterLabel(delimiter, zh)).toBe(chinese);
  });

  it('reads in an import’s settings', () => {
    expect(en('imports.detail.delimiter', { d: delimiterLabel(';', en) })).toBe('delimiter: Semicolon ;');
    expect(zh('imports.detail.delimiter', { d: delimiterLabel(';', zh) })).toBe('分隔符：分号 ;');
  });
});

describe('rows left unchanged', () => {
  it.each([
    ['imports.counts.did.unchanged', '无变化'],
    ['imports.counts.would.unchanged', '将无变化'],
    ['imports.counts.ordersDid.unchanged', '订单无变化'],
    ['imports.counts.ordersWould.unchanged', '订单将无变化'],
  ])('%s says 无变化', (key, words) => {
    expect(zh(key)).toBe(words);
  });

  it('are never called by another Chinese term in the import screens', () => {
    const all = JSON.stringify(zh('imports', { returnObjects: true }));
    expect(all).not.toMatch(/未变化|保持不变|不变的/);
    expect(
      zh('imports.detail.completed', { rows: 3, created: 1, updated: 1, unchanged: 1, failed: 0 }),
    ).toContain('无变化 1');
  });
});
