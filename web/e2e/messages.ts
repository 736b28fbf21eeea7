/** The app's own strings as the specs read them, so an assertion follows a translation when it changes. */
import { en } from '../src/i18n/en';
import { zh } from '../src/i18n/zh';

export type Lang = 'en' | 'zh';

/** The app's own message for a key, in the test's language, with i18next's plural and {{value}} rules. */
export function msg(lang: Lang, key: string, vars: Record<string, string | number> = {}): string {
  const root = (lang === 'zh' ? zh : en) as unknown as Record<string, unknown>;
  const lookup = (path: string) =>
    path
      .split('.')
      .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], root);
  let text = lookup(key);
  if (text === undefined && typeof vars.count === 'number')
    text = lookup(`${key}_${lang === 'en' && vars.count === 1 ? 'one' : 'other'}`);
  if (typeof text !== 'string') throw new Error(`no message ${key}`);
  return text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(vars[name] ?? ''));
}
