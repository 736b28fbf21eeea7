/**
 * The save-mapping dialog's words for a mapping refused because the team keeps as many as the server
 * allows (409 too_many_saved_mappings, details as test/api/saved-mappings-api.test.ts pins them), in
 * both languages.
 */
import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import { en, WEB, zh } from './web-i18n.js';

type ApiErrorClass = new (status: number, code: string, message: string, details?: unknown) => object;
const { ApiError } = (await import(`${WEB}/api/client.ts`)) as { ApiError: ApiErrorClass };
const { savedMappingLimitText } = (await import(`${WEB}/features/imports/import-errors.ts`)) as {
  savedMappingLimitText: (error: unknown, t: TFunction) => string | null;
};

const refusal = (saved: number, limit: number) =>
  new ApiError(
    409,
    'too_many_saved_mappings',
    `${saved} import mappings are saved, the most Kith keeps (${limit}, KITH_MAX_SAVED_MAPPINGS); delete one no longer used (DELETE /api/imports/mappings/{id}) or save this one over an old one (PUT) instead, or have an administrator raise the limit`,
    { limit, saved },
  );

describe('too many saved mappings, as the save-mapping dialog says it', () => {
  it.each([
    [
      200,
      en,
      '200 mappings are saved, the most Kith keeps (200), so this one was not saved. Delete one that is no longer used (Manage saved mappings), or replace an old one by saving under its name.',
    ],
    [
      1,
      en,
      '1 mapping is saved, the most Kith keeps (1), so this one was not saved. Delete one that is no longer used (Manage saved mappings), or replace an old one by saving under its name.',
    ],
    [
      200,
      zh,
      '已保存 200 个字段匹配，已达上限（200 个），此匹配未保存。请先删除一个不再使用的（“管理已保存的字段匹配”），或以旧匹配的名称保存来替换它。',
    ],
  ])('%i saved: %#', (count, t, text) => {
    expect(savedMappingLimitText(refusal(count, count), t)).toBe(text);
  });

  it('says nothing of any other refusal', () => {
    expect(savedMappingLimitText(new ApiError(409, 'conflict', 'name taken', {}), en)).toBeNull();
    expect(savedMappingLimitText(new Error('network'), en)).toBeNull();
  });
});
