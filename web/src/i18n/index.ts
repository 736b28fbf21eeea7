/**
 * Every string the web app shows goes through i18next. English and Simplified Chinese carry the same
 * keys (a test compares them); a key missing at run time is reported on the console, where the browser
 * tests fail on it. Dates and numbers are formatted with Intl for the current language.
 */
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './en';
import { zh } from './zh';

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

export function localeOf(language: string): string {
  return language === 'zh' ? 'zh-CN' : 'en-GB';
}

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, zh: { translation: zh } },
  lng: browserLanguage(),
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

function applyDocumentLanguage(language: string) {
  document.documentElement.lang = language === 'zh' ? 'zh-CN' : 'en';
}
applyDocumentLanguage(i18n.language);
i18n.on('languageChanged', applyDocumentLanguage);

/** Whether this browser has a language of its own (chosen with the switch, or applied before). */
export function hasChosenLanguage(): boolean {
  const stored = localStorage.getItem(STORAGE_KEY);
  return stored === 'en' || stored === 'zh';
}

export function setLanguage(language: Language): void {
  localStorage.setItem(STORAGE_KEY, language);
  void i18n.changeLanguage(language);
}

export function formatDateTime(value: string | null | undefined, language = i18n.language): string {
  if (!value) return '';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return new Intl.DateTimeFormat(localeOf(language), { dateStyle: 'medium', timeStyle: 'short' }).format(
    date,
  );
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

export default i18n;
