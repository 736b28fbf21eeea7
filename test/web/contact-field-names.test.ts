import { expect, it } from 'vitest';
import { CONTACT_FIELD_NAMES } from '../../src/domain/contact/contact-field-names.js';

// Loaded by path, as i18n-keys.test.ts explains.
const web = '../../web/src/i18n';
type Messages = { fields: Record<string, string>; orders: { facts: Record<string, string> } };
const { en } = (await import(`${web}/en.ts`)) as { en: Messages };
const { zh } = (await import(`${web}/zh.ts`)) as { zh: Messages };

it.each([
  ['en', en],
  ['zh', zh],
] as const)('names each field in an export for people as the web app does (%s)', (language, messages) => {
  const screen: Record<string, string> = { ...messages.fields, ...messages.orders.facts };
  for (const [key, name] of Object.entries(CONTACT_FIELD_NAMES[language]))
    expect(name, `${language} ${key}`).toBe(screen[key]);
});
