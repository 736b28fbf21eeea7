/**
 * Sentences said as one message (i18n/sentences.ts): English with a space after each full stop, Chinese
 * with none; a sentence with no full stop gets the language's own when it is said beside others.
 */
import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import { en, WEB, zh } from './web-i18n.js';

const { joinSentences } = (await import(`${WEB}/i18n/sentences.ts`)) as {
  joinSentences: (parts: readonly (string | null | undefined)[], t: TFunction) => string;
};

describe('sentences joined as the reader’s language writes them', () => {
  it.each<[string, (string | null)[], string, string]>([
    [
      'two reasons of a refused rule, each a field’s reason with no full stop',
      [
        en('automation.builder.placeReason', { place: 'Action 1', reason: 'Required' }),
        'Conditions: is too deep',
      ],
      'Action 1: Required. Conditions: is too deep.',
      '',
    ],
    ['nothing', [], '', ''],
    ['one part is said as written', ['Required'], 'Required', ''],
    ['blank parts are left out', ['', null, 'Required', '  '], 'Required', ''],
    [
      'finished sentences keep their own stop',
      ['The list ignored them: tag “vip”.', 'Is this right?'],
      'The list ignored them: tag “vip”. Is this right?',
      '',
    ],
    ['a closing bracket after the stop', ['(e.g. shopify).', 'Next'], '(e.g. shopify). Next.', ''],
  ])('%s (English)', (_, parts, english) => {
    expect(joinSentences(parts, en)).toBe(english);
  });

  it.each<[string, (string | null)[], string]>([
    [
      'two reasons of a refused rule',
      [
        zh('automation.builder.placeReason', { place: '动作 1', reason: '必填' }),
        zh('automation.builder.placeReason', {
          place: '条件',
          reason: zh('automation.builder.valueRequired'),
        }),
      ],
      '动作 1：必填。条件：请为这个运算符选择或填写值。',
    ],
    [
      'finished Chinese sentences: no space after 。',
      [
        zh('customers.ignored.body', { list: '标签“vip”' }),
        zh('customers.ignored.bodyValues', { list: 'x' }),
      ],
      '以下筛选条件指向不存在（或已删除）的标签、群组或属性，列表已忽略：标签“vip”。以下筛选条件的值无法用于筛选，列表已忽略：x。',
    ],
    ['a question and a closing quote', ['要删除吗？', '已保存“x”'], '要删除吗？已保存“x”。'],
    [
      'a sentence ending in a number gets 。, not .',
      ['必须小于 100', '最多 5 个字符'],
      '必须小于 100。最多 5 个字符。',
    ],
    ['one part is said as written', ['必填'], '必填'],
    [
      'a server’s English message inside a Chinese page keeps its space',
      ['Something went wrong.', '请重试。'],
      'Something went wrong. 请重试。',
    ],
  ])('%s (Chinese)', (_, parts, chinese) => {
    expect(joinSentences(parts, zh)).toBe(chinese);
  });
});
