/**
 * A conversation's title names its customer inside words of its own ("Conversation with …", "与 … 的会话"):
 * a long name, cut by the title's two-line clamp, took the end of the title with it, so that Chinese
 * lost 的会话. The name is cut instead, to what two lines of the title hold at the narrowest layout
 * (1024 px, beside the conversation's buttons), so the words around it stay; the whole title is in its
 * tooltip.
 */

/** A character as wide as two Latin ones: CJK ideographs, kana, Hangul, full-width forms and marks. */
const WIDE =
  /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]|[\u{20000}-\u{3fffd}]/u;

/** How wide a character is, in Latin characters. */
const widthOf = (char: string) => (WIDE.test(char) ? 2 : 1);

/** The default width a name may take in a conversation's title, in Latin characters (a CJK one is two). */
export const TITLE_NAME_WIDTH = 48;

/**
 * The name as a title says it: whole when it fits `width` (in Latin characters, a CJK one counting two),
 * else cut at a character and ended with "…" (before a Latin word of which only a few letters would be left).
 */
export function shortName(name: string, width = TITLE_NAME_WIDTH): string {
  const chars = Array.from(name.trim());
  let used = 0;
  for (const char of chars) used += widthOf(char);
  if (used <= width) return chars.join('');
  let kept = '';
  used = 1; // the ellipsis
  for (const char of chars) {
    if (used + widthOf(char) > width) break;
    kept += char;
    used += widthOf(char);
  }
  // A Latin word cut in its first letters ("Worthington t…") is cut before it instead.
  const next = chars[Array.from(kept).length] ?? '';
  const word = /[\p{L}\p{N}]+$/u.exec(kept)?.[0] ?? '';
  if (
    /^[\p{L}\p{N}]$/u.test(next) &&
    !WIDE.test(next) &&
    word.length > 0 &&
    word.length <= 3 &&
    !WIDE.test(word)
  )
    kept = kept.slice(0, kept.length - word.length);
  return `${kept.trimEnd()}…`;
}
