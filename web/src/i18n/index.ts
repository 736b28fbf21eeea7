/**
 * Every string the web app shows goes through i18next. English and Simplified Chinese carry the same
 * keys (a test compares them); a key missing at run time is reported on the console, where the browser
 * tests fail on it. Dates and numbers are formatted with Intl for the current language.
 *
 * Each language's strings are a chunk of their own, loaded before the app renders and when the
 * language changes: a browser fetches only the language it shows (about 24 KB gzipped each, half of
 * what the first page's JavaScript carried for them).
 */
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { formatListIn, type ListKind, listPartsIn } from './list-format';
import type { Messages } from './en';
import { localeOf } from './locale';

export type Language = 'en' | 'zh';
export const LANGUAGES: Language[] = ['en', 'zh'];
const STORAGE_KEY = 'kith.language';

function browserLanguage(): Language {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (stored === 'en' || stored === 'zh') return stored;
  for (const tag of navigator.languages ?? [navigator.language]) {
    if (tag.toLowerCase().startsWith('zh')) return 'zh';
    if (tag.toLowerCase().startsWith('en')) return 'en';
  }
  return 'en';
}

export { localeOf };

const MESSAGES: Record<Language, () => Promise<Messages>> = {
  en: () => import('./en').then((m) => m.en),
  zh: () => import('./zh').then((m) => m.zh),
};

/** Adds a language's strings to i18next, fetching its chunk the first time. */
async function loadLanguage(language: Language): Promise<void> {
  if (i18n.hasResourceBundle(language, 'translation')) return;
  i18n.addResourceBundle(language, 'translation', await MESSAGES[language]());
}

/** The cookie the server reads (`LANGUAGE_COOKIE` in src/server/web-app.ts). */
const LANGUAGE_COOKIE = 'kith_language';

/** Tells the server the chosen language, so that the page it sends preloads its strings. */
function rememberForServer(language: Language): void {
  document.cookie = `${LANGUAGE_COOKIE}=${language}; path=/; max-age=31536000; samesite=lax`;
}

const firstLanguage = browserLanguage();
if (hasChosenLanguage()) rememberForServer(firstLanguage);
// Asked for at once, while the rest of the app's first modules load and run.
const firstMessages = MESSAGES[firstLanguage]();

/** Resolves once the first language's strings are in: the app renders after it. */
export const i18nReady: Promise<void> = firstMessages.then(async (messages) => {
  await i18n.use(initReactI18next).init({
    resources: { [firstLanguage]: { translation: messages } },
    lng: firstLanguage,
    fallbackLng: false,
    interpolation: { escapeValue: false },
    returnNull: false,
    saveMissing: true,
    missingKeyHandler: (_languages, _namespace, key) => {
      // The browser tests fail on console errors, so an untranslated key cannot ship unnoticed.
      // eslint-disable-next-line no-console
      console.error(`missing translation: ${key}`);
    },
  });
  applyDocumentLanguage(i18n.language);
  i18n.on('languageChanged', applyDocumentLanguage);
});

function applyDocumentLanguage(language: string) {
  document.documentElement.lang = language === 'zh' ? 'zh-CN' : 'en';
}

/** Whether this browser has a language of its own (chosen with the switch, or applied before). */
export function hasChosenLanguage(): boolean {
  const stored = localStorage.getItem(STORAGE_KEY);
  return stored === 'en' || stored === 'zh';
}

/** The language last asked for: of two quick switches, the later one wins whichever chunk comes first. */
let wanted: Language | null = null;

export function setLanguage(language: Language): void {
  localStorage.setItem(STORAGE_KEY, language);
  rememberForServer(language);
  wanted = language;
  // i18next is set up once the first language is in (a signed-in user's language may come sooner).
  i18nReady
    .then(() => loadLanguage(language))
    .then(() => (wanted === language ? i18n.changeLanguage(language) : undefined))
    .catch((error: unknown) => {
      // The chunk did not load (e.g. a tab older than the last upgrade): the choice is kept for the
      // next load, the screen stays in its language.
      // eslint-disable-next-line no-console
      console.warn('could not load the language', language, error);
    });
}

export function formatDateTime(value: string | null | undefined, language = i18n.language): string {
  if (!value) return '';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return new Intl.DateTimeFormat(localeOf(language), { dateStyle: 'medium', timeStyle: 'short' }).format(
    date,
  );
}

/**
 * formatDateTime for a narrow column: it can break only between the date and the time (with CSS
 * `word-break: keep-all`, which keeps 2026年12月5日 whole as well), never inside "5 Dec 2026".
 */
export function formatDateTimeNarrow(value: string | null | undefined, language = i18n.language): string {
  if (!value) return '';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  const parts = new Intl.DateTimeFormat(localeOf(language), {
    dateStyle: 'medium',
    timeStyle: 'short',
  }).formatToParts(date);
  const beforeTime = parts.findIndex((part) => part.type === 'hour') - 1;
  return parts
    .map((part, i) => (i === beforeTime ? part.value : part.value.replace(/ /g, '\u00a0')))
    .join('');
}

export function formatDate(value: string | null | undefined, language = i18n.language): string {
  if (!value) return '';
  // Plain dates (birthdays) have no time zone: format them as written.
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00Z`) : new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return new Intl.DateTimeFormat(localeOf(language), { dateStyle: 'medium', timeZone: 'UTC' }).format(date);
}

export function formatNumber(value: number | null | undefined, language = i18n.language): string {
  if (value === null || value === undefined) return '';
  return new Intl.NumberFormat(localeOf(language)).format(value);
}

/**
 * An amount as the API gives it (a decimal string) in the language's way of writing money: ¥128.50 in
 * Chinese, CN¥128.50 in English. Without a currency (a total over orders in several), the number alone.
 */
export function formatMoney(
  amount: string | null | undefined,
  currency: string | null | undefined,
  language = i18n.language,
): string {
  if (amount === null || amount === undefined || amount === '') return '—';
  if (!Number.isFinite(Number(amount))) return amount;
  // Formatted from the decimal text itself (Intl takes a string exactly): as a double, an amount past
  // 2^53 / 100 would be rounded in its last cents.
  const value = amount as unknown as number;
  const plain = { minimumFractionDigits: 2, maximumFractionDigits: 2 };
  try {
    return new Intl.NumberFormat(
      localeOf(language),
      currency ? { style: 'currency', currency } : plain,
    ).format(value);
  } catch {
    // A currency code Intl refuses (not three letters): the number, then the code as written.
    return `${new Intl.NumberFormat(localeOf(language), plain).format(value)} ${currency}`;
  }
}

export default i18n;

/**
 * Items joined as the current language writes a list (ui/list-format.ts): "A, B and C" / "A、B和C";
 * `values` for a bare enumeration ("A, B, C" / "A、B、C"), `or` for alternatives.
 */
export function formatList(
  items: readonly string[],
  kind: ListKind = 'and',
  language = i18n.language,
): string {
  return formatListIn(localeOf(language), items, kind);
}

/** formatList's parts, for a list of elements (links): where each item goes and the text between. */
export function listParts(count: number, kind: ListKind = 'and', language = i18n.language) {
  return listPartsIn(localeOf(language), count, kind);
}
