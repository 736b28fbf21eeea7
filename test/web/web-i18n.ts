/**
 * The web app's translations in a test: `en` and `zh` as i18next's fixed `t` of each language, and the
 * path the web app's modules are loaded by (as test/web/i18n-keys.test.ts explains: the web app
 * resolves its imports the bundler's way, which the server's type check would refuse).
 */
import i18next from 'i18next';
import { ValidationError } from '../../src/domain/errors.js';

export const WEB = '../../web/src';

const { en: english } = (await import(`${WEB}/i18n/en.ts`)) as { en: object };
const { zh: chinese } = (await import(`${WEB}/i18n/zh.ts`)) as { zh: object };
const i18n = i18next.createInstance();
await i18n.init({
  resources: { en: { translation: english }, zh: { translation: chinese } },
  interpolation: { escapeValue: false },
});

export const en = i18n.getFixedT('en');
export const zh = i18n.getFixedT('zh');

/** The reason the server's own validation gives for a value (the real words a screen must say). */
export function reasonOf(validate: () => unknown): string {
  try {
    validate();
  } catch (e) {
    if (e instanceof ValidationError) return (e.details as { reason: string }).reason;
    throw e;
  }
  throw new Error('the value was accepted');
}
