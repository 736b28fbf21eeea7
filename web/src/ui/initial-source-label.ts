/**
 * A customer's initial source as people read it. The sources Kith writes itself (a buyer created by a
 * Tmall order import comes from `tmall`, src/orders/tmall-order-import.ts) are named in the user's
 * language; any other source is what someone typed (a form, an import's settings, the API) and shows
 * as written.
 */
/** i18next's `t`, or any function that looks a key up the same way. */
type Translate = (key: string) => string;

/** The sources Kith itself writes: each has a label under `initialSources.<source>`. */
const KITH_SOURCES: readonly string[] = ['tmall'];

export function initialSourceLabel(source: string, t: Translate): string {
  return KITH_SOURCES.includes(source) ? t(`initialSources.${source}`) : source;
}

/**
 * The source a filter typed as its label means (天猫 → tmall), so what the list shows finds the
 * customers the server stores by key; any other text as typed.
 */
export function initialSourceOf(text: string, t: Translate): string {
  return KITH_SOURCES.find((source) => t(`initialSources.${source}`) === text.trim()) ?? text;
}
