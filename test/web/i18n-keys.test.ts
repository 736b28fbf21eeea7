import { expect, it } from 'vitest';

// Loaded by path: the web app resolves its imports the bundler's way, which the server's type check
// (NodeNext) would refuse; vitest runs them either way. The web app's own type check (web/tsconfig.json)
// already holds zh to en's keys.
const web = '../../web/src/i18n';
const { en } = (await import(`${web}/en.ts`)) as { en: object };
const { zh } = (await import(`${web}/zh.ts`)) as { zh: object };

function keys(messages: object, prefix = ''): string[] {
  return Object.entries(messages).flatMap(([key, value]) =>
    typeof value === 'object' && value !== null ? keys(value, `${prefix}${key}.`) : [`${prefix}${key}`],
  );
}

function values(messages: object): string[] {
  return Object.values(messages).flatMap((value) =>
    typeof value === 'object' && value !== null ? values(value) : [String(value)],
  );
}

it('has every English string in Chinese and no key only in one language', () => {
  expect(keys(zh).sort()).toEqual(keys(en).sort());
});

it('has no empty string and no Chinese string left in English', () => {
  expect(values(en).filter((text) => text.trim() === '')).toEqual([]);
  expect(values(zh).filter((text) => text.trim() === '')).toEqual([]);
  // A Chinese string identical to a long English one was most likely copied and never translated.
  const english = new Set(values(en).filter((text) => /[a-z]{4,} [a-z]{4,}/i.test(text)));
  expect(values(zh).filter((text) => english.has(text))).toEqual([]);
});
