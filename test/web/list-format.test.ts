import { describe, expect, it } from 'vitest';
import { WEB } from './web-i18n.js';

type Kind = 'and' | 'or' | 'values';
const { formatListIn, listPartsIn } = (await import(`${WEB}/i18n/list-format.ts`)) as {
  formatListIn: (locale: string, items: readonly string[], kind?: Kind) => string;
  listPartsIn: (locale: string, count: number, kind?: Kind) => ({ item: number } | { text: string })[];
};

describe('lists in running text, in the reader’s language', () => {
  it.each([
    ['and', ['张伟', '李娜', '王芳'], '张伟, 李娜 and 王芳', '张伟、李娜和王芳'],
    ['and', ['Ann', 'Bo'], 'Ann and Bo', 'Ann和Bo'],
    ['or', ['a', 'b', 'c'], 'a, b or c', 'a、b或c'],
    ['values', ['a@x.cn', 'b@x.cn', 'c@x.cn'], 'a@x.cn, b@x.cn, c@x.cn', 'a@x.cn、b@x.cn、c@x.cn'],
    ['values', ['one'], 'one', 'one'],
    ['and', [], '', ''],
  ] as const)('%s: %j', (kind, items, english, chinese) => {
    expect(formatListIn('en-GB', items, kind)).toBe(english);
    expect(formatListIn('zh-CN', items, kind)).toBe(chinese);
  });

  it('gives the parts between elements, for lists of links', () => {
    expect(listPartsIn('zh-CN', 3)).toEqual([
      { item: 0 },
      { text: '、' },
      { item: 1 },
      { text: '和' },
      { item: 2 },
    ]);
    expect(listPartsIn('en-GB', 2, 'values')).toEqual([{ item: 0 }, { text: ', ' }, { item: 1 }]);
  });
});
