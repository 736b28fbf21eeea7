/**
 * Lists in running text in the reader's language, through Intl.ListFormat: "Ann, Bo and Cy" in
 * English, "安、博和西" in Chinese — never a comma the language does not use. Pure (no i18next): the
 * app's `formatList` (i18n/index.ts) passes the current language's locale.
 *
 * - `and`: names or things in a sentence ("merged Ann, Bo and Cy");
 * - `or`: alternatives ("one of a, b or c");
 * - `values`: a bare enumeration of values, with no word before the last (a customer's other e-mails:
 *   "a@x.cn, b@x.cn" / "a@x.cn、b@x.cn").
 */
export type ListKind = 'and' | 'or' | 'values';

const OPTIONS: Record<ListKind, Intl.ListFormatOptions> = {
  and: { type: 'conjunction', style: 'long' },
  or: { type: 'disjunction', style: 'long' },
  values: { type: 'conjunction', style: 'narrow' },
};

const formatters = new Map<string, Intl.ListFormat>();

function formatter(locale: string, kind: ListKind): Intl.ListFormat {
  const key = `${locale}|${kind}`;
  let found = formatters.get(key);
  if (!found) {
    found = new Intl.ListFormat(locale, OPTIONS[kind]);
    formatters.set(key, found);
  }
  return found;
}

export function formatListIn(locale: string, items: readonly string[], kind: ListKind = 'and'): string {
  return formatter(locale, kind).format(items);
}

/**
 * The same list as parts, for lists of elements (links): `{ item: i }` where the i-th item goes,
 * `{ text }` for the words and marks between them.
 */
export function listPartsIn(
  locale: string,
  count: number,
  kind: ListKind = 'and',
): ({ item: number } | { text: string })[] {
  let next = 0;
  return formatter(locale, kind)
    .formatToParts(Array.from({ length: count }, (_, i) => String(i)))
    .map((part) => (part.type === 'element' ? { item: next++ } : { text: part.value }));
}
