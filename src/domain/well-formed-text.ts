/**
 * Text that is not text: a JSON body may escape half of a UTF-16 surrogate pair (`"\ud800"`) with no
 * other half. No UTF-8 can hold it, so the databases would store U+FFFD instead (or 3 of them), and a
 * tag or a name keyed by it would no longer meet its own stored row. Such input is refused by name.
 */
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
