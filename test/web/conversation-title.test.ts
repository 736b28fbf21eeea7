/** A conversation's title cuts a long customer name, not the words around it (“… 的会话”). */
import { describe, expect, it } from 'vitest';
import { en, WEB, zh } from './web-i18n.js';

const { shortName } = (await import(`${WEB}/features/conversations/conversation-title.ts`)) as {
  shortName: (name: string, width?: number) => string;
};

const title = (t: typeof en, name: string) =>
  t('conversations.conversation.title', { name: shortName(name) });

describe('a conversation title with a long customer name', () => {
  it.each([
    ['a short Chinese name, whole', '李娜', 'Conversation with 李娜', '与 李娜 的会话'],
    [
      'a short Latin name, whole',
      'Maria Schmidt',
      'Conversation with Maria Schmidt',
      '与 Maria Schmidt 的会话',
    ],
    [
      'a company buyer in Chinese and Latin, cut inside the name',
      '上海浦东陆家嘴某某科技有限公司采购部 Maximilian-Alexander Wolfeschlegelsteinhausen',
      'Conversation with 上海浦东陆家嘴某某科技有限公司采购部 Maximilian…',
      '与 上海浦东陆家嘴某某科技有限公司采购部 Maximilian… 的会话',
    ],
    [
      '30 Chinese characters: 23 kept (46 of 48, with the ellipsis 47)',
      '欧阳'.repeat(15),
      `Conversation with ${'欧阳'.repeat(11)}欧…`,
      `与 ${'欧阳'.repeat(11)}欧… 的会话`,
    ],
    [
      'a long Latin name, cut before a word of which one letter would be left',
      'Bartholomew Maximilian Fitzgerald-Worthington the Third of Kent',
      'Conversation with Bartholomew Maximilian Fitzgerald-Worthington…',
      '与 Bartholomew Maximilian Fitzgerald-Worthington… 的会话',
    ],
  ])('%s', (_, name, english, chinese) => {
    expect(title(en, name)).toBe(english);
    expect(title(zh, name)).toBe(chinese);
  });

  it('fits exactly at the width, and cuts one past it', () => {
    expect(shortName('a'.repeat(48))).toBe('a'.repeat(48));
    expect(shortName('a'.repeat(49))).toBe(`${'a'.repeat(47)}…`);
    expect(shortName('汉'.repeat(24))).toBe('汉'.repeat(24));
    expect(shortName('汉'.repeat(25))).toBe(`${'汉'.repeat(23)}…`);
    // A character outside the Basic Multilingual Plane is one character, never half of one.
    expect(shortName('𠀀'.repeat(30), 10)).toBe('𠀀'.repeat(4) + '…');
  });
});
