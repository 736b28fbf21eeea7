/** A refused tag action (the customer's tags editor, the list's bulk "add tags") in the user's words. */
import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import { normalizeNewTagName } from '../../src/domain/contact/contact-patch.js';
import { en, reasonOf, WEB, zh } from './web-i18n.js';

const { tagRefusalText } = (await import(`${WEB}/features/customers/save-errors.ts`)) as {
  tagRefusalText: (error: unknown, t: TFunction, tags: readonly string[]) => string | null;
};
const { ApiError } = (await import(`${WEB}/api/client.ts`)) as {
  ApiError: new (status: number, code: string, message: string, details: unknown) => Error;
};

const LONG = 'x'.repeat(120);
const refused = (field: string, value: string) =>
  new ApiError(400, 'validation_failed', `${field}: refused`, {
    field,
    value,
    reason: reasonOf(() => normalizeNewTagName(value, field)),
  });

describe('a tag the server refuses', () => {
  it.each<[string, unknown, string[], string | null, string | null]>([
    ['too long, alone', refused('tags[0]', LONG), [LONG], 'Use at most 100 characters', '最多 100 个字符'],
    [
      'too long, among others (named, cut short)',
      refused('body.tags[1]', LONG),
      ['VIP', LONG],
      'Tag “xxxxxxxxxxxxxxxxxxxxxxx…”: Use at most 100 characters',
      '标签“xxxxxxxxxxxxxxxxxxxxxxx…”：最多 100 个字符',
    ],
    [
      'holding a list separator',
      refused('tags[0]', 'a；b'),
      ['a；b'],
      'Holds a list separator (; , | 、 ； ，): add the tags one by one',
      '含有列表分隔符（; , | 、 ； ，）：请逐个添加标签',
    ],
    [
      'holding a control character',
      refused('tags[0]', 'VIP\u0007'),
      ['VIP\u0007'],
      'Holds a tab, line break or other invisible control character (pasted from a terminal or a spreadsheet, for example): remove it',
      '含有制表符、换行符或其他不可见的控制字符（例如从终端或表格中粘贴而来），请删除',
    ],
    [
      'two refused at once: one message, sentence by sentence',
      new ApiError(400, 'validation_failed', 'refused', [
        { field: 'tags[0]', value: LONG, reason: reasonOf(() => normalizeNewTagName(LONG, 'tags[0]')) },
        { field: 'tags[1]', value: 'a；b', reason: reasonOf(() => normalizeNewTagName('a；b', 'tags[1]')) },
      ]),
      [LONG, 'a；b'],
      'Tag “xxxxxxxxxxxxxxxxxxxxxxx…”: Use at most 100 characters. Tag “a；b”: Holds a list separator (; , | 、 ； ，): add the tags one by one.',
      '标签“xxxxxxxxxxxxxxxxxxxxxxx…”：最多 100 个字符。标签“a；b”：含有列表分隔符（; , | 、 ； ，）：请逐个添加标签。',
    ],
    // No tag named: the screen says it as any other refusal.
    ['a refusal naming no tag', new ApiError(403, 'forbidden', 'Forbidden', null), ['VIP'], null, null],
    ['a network failure', new ApiError(0, 'network', 'Failed to fetch', null), ['VIP'], null, null],
    ['not an API error', new Error('boom'), ['VIP'], null, null],
  ])('%s', (_, error, tags, english, chinese) => {
    expect(tagRefusalText(error, en, tags)).toBe(english);
    expect(tagRefusalText(error, zh, tags)).toBe(chinese);
  });
});
