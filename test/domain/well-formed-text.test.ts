import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/domain/errors.js';
import {
  assertNoControlCharacters,
  CONTROL_CHARACTER_REASON,
  CONTROL_IN_LINES_REASON,
  controlCharacterProblem,
  hasNoControlCharacters,
  hasNoControlCharactersButLayout,
  NUL_REASON,
} from '../../src/domain/well-formed-text.js';

describe('control characters in names and labels typed in settings', () => {
  // [case, text, allowed in a one-line name, allowed in text of several lines]
  const cases: [string, string, boolean, boolean][] = [
    ['plain English', 'VIP customers', true, true],
    ['Chinese', '老客户（上海）', true, true],
    ['an emoji', 'Gold ⭐', true, true],
    ['an emoji joined by a zero-width joiner', 'Team 👩‍💻', true, true],
    ['a zero-width joiner alone', 'a\u200db', true, true],
    ['accents, composed and not', 'Café Cafe\u0301', true, true],
    ['a no-break space', 'a\u00a0b', true, true],
    ['the line separator U+2028 (not a control character)', 'a\u2028b', true, true],
    ['the first character past C1 (U+00A0)', '\u00a0', true, true],
    ['empty text', '', true, true],
    ['a tab inside', 'VIP\tgold', false, true],
    ['a line feed inside', 'line 1\nline 2', false, true],
    ['a carriage return and line feed', 'line 1\r\nline 2', false, true],
    ['NUL', 'a\u0000b', false, false],
    ['BEL (a pasted terminal bell)', 'VIP\u0007', false, false],
    ['ESC (a terminal colour sequence)', 'a\u001b[31mb', false, false],
    ['a vertical tab', 'a\u000bb', false, false],
    ['a form feed', 'a\u000cb', false, false],
    ['the unit separator U+001F', 'a\u001fb', false, false],
    ['DEL', 'del\u007f', false, false],
    ['NEL U+0085 (a C1 line break)', 'next\u0085line', false, false],
    ['the first C1 character U+0080', '\u0080', false, false],
    ['the last C1 character U+009F', 'a\u009f', false, false],
  ];

  it.each(cases)('%s', (_, text, inName, inLines) => {
    expect(hasNoControlCharacters(text)).toBe(inName);
    expect(hasNoControlCharactersButLayout(text)).toBe(inLines);
  });

  it('does not hold the ends a paste leaves against a name (the field trims them)', () => {
    expect(controlCharacterProblem('VIP\n')).toBeNull();
    expect(controlCharacterProblem('\tVIP \r\n')).toBeNull();
    expect(controlCharacterProblem('VIP\u0007\n')).toBe(CONTROL_CHARACTER_REASON);
  });

  it('says why, NUL by its own reason', () => {
    expect(controlCharacterProblem('a\u0000b')).toBe(NUL_REASON);
    expect(controlCharacterProblem('a\u0007b')).toBe(CONTROL_CHARACTER_REASON);
    expect(controlCharacterProblem('a\tb')).toBe(CONTROL_CHARACTER_REASON);
    expect(controlCharacterProblem('a\tb', 'lines')).toBeNull();
    expect(controlCharacterProblem('a\u001bb', 'lines')).toBe(CONTROL_IN_LINES_REASON);
    expect(CONTROL_CHARACTER_REASON).toMatch(/^contains a control character/);
    expect(CONTROL_IN_LINES_REASON).toMatch(/^contains a control character/);
  });

  it('refuses by naming the field and showing the value escaped', () => {
    let error: unknown;
    try {
      assertNoControlCharacters('VIP\u0007', 'name');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toBe(`name: ${CONTROL_CHARACTER_REASON} (got "VIP\\u0007")`);
    expect((error as ValidationError).details).toEqual({
      field: 'name',
      value: 'VIP\u0007',
      reason: CONTROL_CHARACTER_REASON,
    });
    expect(() => assertNoControlCharacters('老客户 👩‍💻', 'name')).not.toThrow();
  });
});
