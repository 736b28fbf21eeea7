/**
 * A refused settings change shown in a toast (inbox and team members, sync, webhooks, invites, exports,
 * automation): the server's field reasons are said, in the user's language, not dropped for a bare
 * "Refused".
 */
import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../src/domain/errors.js';
import { controlCharacterProblem } from '../../src/domain/well-formed-text.js';
import { mappingName } from '../../src/imports/saved-mapping-service.js';
import { en, reasonOf, WEB, zh } from './web-i18n.js';

const { formProblem, reasonText, refusalText } = (await import(
  `${WEB}/features/settings/form-problem.ts`
)) as {
  formProblem: (error: unknown, t: TFunction) => { fields: Record<string, string>; message: string | null };
  reasonText: (reason: string, t: TFunction) => string;
  refusalText: (error: unknown, t: TFunction) => string;
};

const { ApiError } = (await import(`${WEB}/api/client.ts`)) as {
  ApiError: new (status: number, code: string, message: string, details: unknown) => Error;
};

describe('a refusal in a toast', () => {
  it.each([
    [
      'a field reason',
      new ApiError(400, 'validation_failed', 'name is too short', [
        { field: 'name', value: 'a', reason: 'must be at least 2 characters' },
      ]),
      'Use at least 2 characters',
      '请至少使用 2 个字符',
    ],
    [
      'two field reasons',
      new ApiError(400, 'validation_failed', 'bad', [
        { field: 'url', value: 'x', reason: 'Invalid URL' },
        { field: 'events', value: [], reason: 'must name at least one event' },
      ]),
      null,
      null,
    ],
    [
      'an empty key, refused for its pattern: said to be required',
      new ApiError(400, 'validation_failed', 'key: must be …', [
        {
          field: 'key',
          value: '',
          reason: 'must be lower-case letters, digits and _ and start with a letter',
        },
      ]),
      'Required',
      '必填',
    ],
    [
      'no fields',
      new ApiError(404, 'not_found', 'user "u_1" does not exist', null),
      'user "u_1" does not exist',
      'user "u_1" does not exist',
    ],
    ['not a refusal of the server', new Error('boom'), null, null],
  ])('%s', (_, error, english, chinese) => {
    for (const [t, expected] of [
      [en, english],
      [zh, chinese],
    ] as const) {
      const text = refusalText(error, t);
      expect(text.length).toBeGreaterThan(0);
      if (expected !== null) expect(text).toBe(expected);
    }
  });

  it('names every field the server refused', () => {
    const error = new ApiError(400, 'validation_failed', 'bad', [
      { field: 'url', value: 'x', reason: 'Invalid URL' },
      { field: 'events', value: [], reason: 'must name at least one event' },
    ]);
    // Two sentences as each language writes them: no space after a Chinese full stop, one after a Latin.
    expect(refusalText(error, zh)).toBe(`${zh('settings.reasons.url')}。${zh('settings.reasons.events')}。`);
    expect(refusalText(error, en)).toBe(`${en('settings.reasons.url')}. ${en('settings.reasons.events')}.`);
    expect(refusalText(error, en)).not.toMatch(/Invalid URL|must name/);
  });
});

describe("a saved import mapping's refused name, in the user's words", () => {
  it.each([
    [reasonOf(() => mappingName('   ')), 'Required', '必填'],
    [reasonOf(() => mappingName('x'.repeat(500))), /^Use at most \d+ characters$/, /^最多 \d+ 个字符$/],
  ])('%s', (reason, english, chinese) => {
    expect(reasonText(reason, en)).toMatch(english);
    expect(reasonText(reason, zh)).toMatch(chinese);
  });
});

describe('a choice refused, its options listed as the language lists values', () => {
  it('with commas in English and 、 in Chinese', () => {
    const reason = 'Invalid option: expected one of "warn"|"block"|"off"';
    expect(reasonText(reason, en)).toBe('Choose one of: warn, block, off');
    expect(reasonText(reason, zh)).toBe('请从以下选项中选择：warn、block、off');
  });
});

describe("a name or description refused for a control character, in the user's words", () => {
  it.each([
    [
      'a name',
      controlCharacterProblem('VIP\u0007'),
      /^Contains a tab, line break or other invisible control character/,
      /^含有制表符、换行符或其他不可见的控制字符/,
    ],
    [
      'a description',
      controlCharacterProblem('line 1\n\u001b[31mline 2', 'lines'),
      /^Contains an invisible control character .*tabs and line breaks are fine$/,
      /^含有不可见的控制字符.*制表符和换行符可以保留$/,
    ],
  ])('%s', (_, reason, english, chinese) => {
    expect(reasonText(reason!, en)).toMatch(english);
    expect(reasonText(reason!, zh)).toMatch(chinese);
  });

  it('shows on the field the server named, in both languages', () => {
    const reason = controlCharacterProblem('a\u001bb')!;
    const error = new ApiError(400, 'validation_failed', `name: ${reason} (got "a\\u001bb")`, [
      { field: 'name', value: 'a\u001bb', reason },
    ]);
    for (const t of [en, zh])
      expect(formProblem(error, t)).toMatchObject({
        fields: { name: t('settings.reasons.controlCharacter') },
        message: null,
      });
  });
});

/**
 * A key already taken: Settings' dialogs and the import wizard's "new identity type / attribute" dialog
 * (web/src/features/imports/NewTargetModal.tsx) both say it on the key field, from formProblem.
 */
describe('a key already taken', () => {
  it.each([
    ['identity type', new ConflictError('key', 'wx_openid', 'wx_openid', 'identity type')],
    ['attribute', new ConflictError('key', 'level', 'level', 'attribute')],
  ])('of an %s is said on the key field', (_, conflict) => {
    const error = new ApiError(409, conflict.code, conflict.message, conflict.details);
    expect(formProblem(error, en)).toMatchObject({ fields: { key: 'Already taken' }, message: null });
    expect(formProblem(error, zh)).toMatchObject({ fields: { key: '已被占用' }, message: null });
  });
});
