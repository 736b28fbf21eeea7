/**
 * Text normalisation shared by every entry point: NFKC folds full-width letters and digits
 * (`ＡＢＣ１２３` → `ABC123`), then whitespace (including ideographic spaces) is trimmed and collapsed.
 * Returns null for values that are empty after cleaning, so "  " never becomes a stored value.
 */
export function normalizeText(value: string): string | null {
  const cleaned = value.normalize('NFKC').replace(/\s+/gu, ' ').trim();
  return cleaned === '' ? null : cleaned;
}
