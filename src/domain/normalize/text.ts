/**
 * Text normalisation shared by every entry point: NFKC folds full-width letters and digits
 * (`ＡＢＣ１２３` → `ABC123`), then whitespace (including ideographic spaces) is trimmed and collapsed.
 * Full-width punctuation folds too (`（` → `(`): keeping it was tried and undone, because searches,
 * list attribute options and tag and group keys compare folded text, and a kept `（VIP）` would no
 * longer meet a `(VIP)` written before or typed in a search.
 * Returns null for values that are empty after cleaning, so "  " never becomes a stored value.
 */
export function normalizeText(value: string): string | null {
  const cleaned = withoutNul(value).normalize('NFKC').replace(/\s+/gu, ' ').trim();
  return cleaned === '' ? null : cleaned;
}

/** An identity value as stored and looked up: NFKC-folded and trimmed, inner spaces kept. */
export function normalizeIdentityValue(value: string): string {
  return withoutNul(value).normalize('NFKC').trim();
}

/**
 * The NUL character removed: it carries nothing in a customer's data (it comes from broken exports),
 * and PostgreSQL cannot store it in text, so a value holding it would fail there and not on SQLite.
 */
function withoutNul(value: string): string {
  return value.includes('\u0000') ? value.replaceAll('\u0000', '') : value;
}
