/**
 * Chinese text's own full-width punctuation, which NFKC would turn into ASCII: `阿里巴巴（中国）有限公司`
 * is how the company writes its name, not a typing slip to fold. (The ideographic space still becomes
 * a space: `张\u3000伟` and `张 伟` are one name to search and compare.)
 */
const CJK_PUNCTUATION = /([\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]+)/u;

/**
 * Text normalisation shared by every entry point: NFKC folds full-width letters and digits
 * (`ＡＢＣ１２３` → `ABC123`) and other compatibility forms, but keeps full-width punctuation; then
 * white space (ideographic spaces included) is trimmed and collapsed to one space. Returns null for values that are empty after cleaning, so "  " never
 * becomes a stored value.
 */
export function normalizeText(value: string): string | null {
  const cleaned = withoutNul(value)
    .split(CJK_PUNCTUATION)
    .map((part, i) => (i % 2 === 1 ? part : part.normalize('NFKC')))
    .join('')
    .replace(/\s+/gu, ' ')
    .trim();
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
