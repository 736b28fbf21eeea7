/**
 * The import wizard's words for a preview refused because the user keeps too many uploads (429
 * too_many_staged_uploads), read from the server's own refusal, in both languages.
 */
import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import { StagedUploadLimitError, type StagedUpload } from '../../src/imports/staged-uploads.js';
import { en, WEB, zh } from './web-i18n.js';

type ApiErrorClass = new (status: number, code: string, message: string, details?: unknown) => object;
const { ApiError } = (await import(`${WEB}/api/client.ts`)) as { ApiError: ApiErrorClass };
const { explainImportError, stagedUploadsOf } = (await import(
  `${WEB}/features/imports/import-errors.ts`
)) as {
  explainImportError: (
    error: unknown,
    t: TFunction,
    language?: string,
  ) => { title: string; detail: string | null };
  stagedUploadsOf: (error: unknown) => { upload_id: string }[];
};

const MB = 1024 * 1024;
const staged = (n: number, size: number): StagedUpload[] =>
  Array.from({ length: n }, (_, i) => ({
    upload_id: `upl_${i}`,
    file_name: `list-${i}.csv`,
    file_size: size,
    expires_at: `2026-12-07T0${i}:30:00.000Z`,
  }));
/** The refusal as the web app's client reads it from the server's answer. */
const refusal = (error: StagedUploadLimitError) =>
  new ApiError(error.status, error.code, error.message, error.details);

describe('too many uploads waiting, as the import wizard says it', () => {
  it('names the count limit, what is waiting and what to do, in English and Chinese', () => {
    const error = refusal(
      new StagedUploadLimitError({ count: 20, bytes: 1024 * MB }, staged(20, 3 * MB), MB),
    );
    const english = explainImportError(error, en, 'en');
    expect(english.title).toBe('Too many files are waiting to be imported');
    expect(english.detail).toContain('not imported yet: 20 (60 MB). At most 20 are kept for you at once');
    expect(english.detail).toContain(
      'Discard them and choose your file again, or wait: the oldest is removed on 7 Dec 2026',
    );
    const chinese = explainImportError(error, zh, 'zh');
    expect(chinese.title).toBe('等待导入的文件太多');
    expect(chinese.detail).toContain('尚未导入的文件：20 个（60 MB）。每位用户最多同时保留 20 个');
    expect(chinese.detail).toContain('最早的一个将于 2026年12月7日');
    expect(stagedUploadsOf(error)).toHaveLength(20);
  });

  it('names the size limit with the refused file', () => {
    const error = refusal(
      new StagedUploadLimitError({ count: 20, bytes: 1024 * MB }, staged(5, 200 * MB), 150 * MB),
    );
    expect(explainImportError(error, en, 'en').detail).toContain(
      'not imported yet: 5 (1,000 MB). With this file (150 MB) they would be more than the 1 GB kept for you at once',
    );
    expect(explainImportError(error, zh, 'zh').detail).toContain(
      '尚未导入的文件：5 个（1,000 MB）。加上此文件（150 MB）将超过每位用户同时保留的上限 1 GB',
    );
  });
});
