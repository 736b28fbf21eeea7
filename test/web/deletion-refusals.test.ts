import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import { en, WEB, zh } from './web-i18n.js';

type ApiErrorClass = new (status: number, code: string, message: string, details?: unknown) => object;
const { ApiError } = (await import(`${WEB}/api/client.ts`)) as { ApiError: ApiErrorClass };
const { deletionErrorText } = (await import(`${WEB}/features/customers/deletion-errors.ts`)) as {
  deletionErrorText: (error: unknown, t: TFunction) => string;
};

/** The refusals of src/contacts/contact-batch-delete-service.ts, as the API sends them. */
describe('a refused batch deletion or restore, in the page’s language', () => {
  it('the selection changed since the count was typed', () => {
    const reason = 'must equal the number of contacts selected (41); nothing was deleted';
    const error = new ApiError(400, 'validation_failed', `confirm_count: ${reason} (got 40)`, {
      field: 'confirm_count',
      value: 40,
      reason,
    });
    expect(deletionErrorText(error, zh)).toContain('当前选中的是 41 位客户');
    expect(deletionErrorText(error, en)).toContain('now holds 41 customers');
  });

  it('a customer of the selection deleted meanwhile', () => {
    const error = new ApiError(
      409,
      'conflict',
      'contact ct_1 was deleted or merged meanwhile; nothing was deleted',
      {
        id: 'ct_1',
      },
    );
    expect(deletionErrorText(error, zh)).toContain('在此期间已被删除或合并');
  });

  it('a restore past its retention period', () => {
    const error = new ApiError(410, 'retention_expired', 'deletion del_1 could be restored until …', {
      backup_file: 'del_1.ndjson',
    });
    expect(deletionErrorText(error, zh)).toBe('这次删除已过保留期，无法再恢复，但仍可下载其备份。');
  });
});
