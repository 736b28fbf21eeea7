/**
 * Text that is not text: a JSON body may escape half of a UTF-16 surrogate pair (`"\ud800"`) with no
 * other half. No UTF-8 can hold it, so the databases would store U+FFFD instead (or 3 of them), and a
 * tag or a name keyed by it would no longer meet its own stored row. Such input is refused by name.
 */
import type { z } from 'zod';
import { ValidationError } from './errors.js';
import { fieldPath } from './field-path.js';

/** String.prototype.isWellFormed (Node 20; ES2024, past the library this project compiles against). */
export function isWellFormed(text: string): boolean {
  return (text as string & { isWellFormed(): boolean }).isWellFormed();
}

/** Where a parsed JSON value holds a lone surrogate first, in a key or a string (without recursion). */
export function findLoneSurrogate(value: unknown): { field: string; value: string } | null {
  return findText(value, (text) => !isWellFormed(text));
}

/** Whether text can be stored on either store: PostgreSQL cannot store NUL (U+0000), so neither takes it. */
export function hasNoNul(text: string): boolean {
  return !text.includes('\u0000');
}

/**
 * Control characters: C0 (U+0000–U+001F), DEL (U+007F) and C1 (U+0080–U+009F). None draws anything; in
 * a name typed in settings (a tag, a group, a label) one shows as garbage in the browser and in exports,
 * and makes two names that look alike. Format characters (the zero-width joiner of an emoji) are not.
 */
// eslint-disable-next-line no-control-regex -- these are the characters refused
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/u;
// eslint-disable-next-line no-control-regex -- the same but tab, line feed and carriage return
const CONTROL_BUT_LAYOUT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/u;

/** Whether one-line text (a name, a label) holds no control character, tab and line breaks included. */
export function hasNoControlCharacters(text: string): boolean {
  return !CONTROL.test(text);
}

/** Whether text of several lines (a description) holds no control character but tab and line breaks. */
export function hasNoControlCharactersButLayout(text: string): boolean {
  return !CONTROL_BUT_LAYOUT.test(text);
}

/** Which text a field takes: one line (a name), or lines laid out with tabs and line breaks. */
export type TextLayout = 'one line' | 'lines';

/**
 * Why a name or label is refused for a character it holds, or null: NUL by its own reason (no store
 * holds it), any other control character by CONTROL_CHARACTER_REASON. Ends a person's paste left
 * (a trailing line break) are not held against it: the field trims them.
 */
export function controlCharacterProblem(text: string, layout: TextLayout = 'one line'): string | null {
  const trimmed = text.trim();
  if (!hasNoNul(trimmed)) return NUL_REASON;
  if (layout === 'lines') return hasNoControlCharactersButLayout(trimmed) ? null : CONTROL_IN_LINES_REASON;
  return hasNoControlCharacters(trimmed) ? null : CONTROL_CHARACTER_REASON;
}

/** Refuses a name or label holding a control character, as a ValidationError naming `field`. */
export function assertNoControlCharacters(
  text: string,
  field: string,
  layout: TextLayout = 'one line',
): void {
  const reason = controlCharacterProblem(text, layout);
  if (reason) throw new ValidationError(field, text, reason);
}

/** The same for a zod schema's string: `z.string().trim().superRefine(refuseControlCharacters())`. */
export function refuseControlCharacters(layout: TextLayout = 'one line') {
  return (text: string, ctx: z.RefinementCtx<string>): void => {
    const reason = controlCharacterProblem(text, layout);
    if (reason) ctx.addIssue({ code: 'custom', message: reason });
  };
}

/** Where a parsed JSON value holds the NUL character (U+0000) first, in a key or a string. */
export function findNul(value: unknown): { field: string; value: string } | null {
  return findText(value, (text) => text.includes('\u0000'));
}

/** Where a parsed JSON value first holds text (a key or a string) that `bad` finds, without recursion. */
function findText(value: unknown, bad: (text: string) => boolean): { field: string; value: string } | null {
  const pending: [unknown, string][] = [[value, '']];
  while (pending.length > 0) {
    const [current, at] = pending.pop()!;
    if (typeof current === 'string') {
      if (bad(current)) return { field: at, value: current };
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) pending.push([current[i], fieldPath(at, i)]);
      continue;
    }
    const entries = Object.entries(current);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, inner] = entries[i]!;
      const field = fieldPath(at, key);
      if (bad(key)) return { field, value: key };
      pending.push([inner, field]);
    }
  }
  return null;
}

export const LONE_SURROGATE_REASON =
  'holds half of a UTF-16 surrogate pair (an escape such as \\ud800 without its other half), which is not a character; send the text as valid Unicode';

/** Why text holding NUL (U+0000) is refused: PostgreSQL cannot store it, so neither store takes it. */
export const NUL_REASON =
  'holds the NUL character (U+0000), which cannot be stored; remove it and send again';

/** Why a name or label holding a control character is refused (the web says it in both languages). */
export const CONTROL_CHARACTER_REASON =
  'contains a control character (U+0000–U+001F or U+007F–U+009F, tab and line breaks included), which shows as garbage on screen and in exports; remove it and send again';

/** The same for text of several lines, where tab and line breaks are its own. */
export const CONTROL_IN_LINES_REASON =
  'contains a control character (U+0000–U+001F or U+007F–U+009F, other than tab and line breaks), which shows as garbage on screen and in exports; remove it and send again';
