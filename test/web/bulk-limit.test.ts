import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import { SelectionTooLargeError } from '../../src/segments/contact-bulk-service.js';
import { ValidationError } from '../../src/domain/errors.js';
import { en, WEB, zh } from './web-i18n.js';

type ApiErrorClass = new (status: number, code: string, message: string, details?: unknown) => object;
const { ApiError } = (await import(`${WEB}/api/client.ts`)) as { ApiError: ApiErrorClass };
const { bulkErrorText, exceedsLimit, limitText } = (await import(
  `${WEB}/features/customers/bulk-limit.ts`
)) as {
  bulkErrorText: (error: unknown, t: TFunction, language: string) => string | null;
  exceedsLimit: (size: { count: number; countIsLowerBound: boolean; limit: number | null }) => boolean;
  limitText: (
    size: { count: number; countIsLowerBound: boolean; limit: number },
    agentRole: boolean,
    t: TFunction,
    language: string,
  ) => string;
};
const { deletionErrorText } = (await import(`${WEB}/features/customers/deletion-errors.ts`)) as {
  deletionErrorText: (error: unknown, t: TFunction) => string;
};

/** The server's own refusal, as the API sends it. */
function asSent(e: SelectionTooLargeError | ValidationError) {
  return new ApiError(e.status, e.code, e.message, e.details);
}

describe('how many customers one action may cover, in the page’s language', () => {
  it('knows a selection past the limit before it is confirmed', () => {
    expect(exceedsLimit({ count: 10_000, countIsLowerBound: false, limit: 10_000 })).toBe(false);
    expect(exceedsLimit({ count: 10_000, countIsLowerBound: true, limit: 10_000 })).toBe(true);
    expect(exceedsLimit({ count: 1_001, countIsLowerBound: false, limit: 1_000 })).toBe(true);
    // Rows chosen one by one: no filter, no filter limit.
    expect(exceedsLimit({ count: 50, countIsLowerBound: false, limit: null })).toBe(false);
  });

  it('says a lower bound as one, never as the exact selection', () => {
    const size = { count: 10_000, countIsLowerBound: true, limit: 10_000 };
    expect(limitText(size, false, zh, 'zh')).toBe(
      '一次操作最多处理 10,000 位客户，当前选中超过 10,000 位。请缩小筛选范围（例如按标签、群组或日期），分批操作。',
    );
    expect(limitText(size, false, en, 'en')).toContain(
      'at most 10,000 customers at once, and this selection holds more than 10,000',
    );
  });

  it("an agent's own limit", () => {
    const size = { count: 1_500, countIsLowerBound: false, limit: 1_000 };
    expect(limitText(size, true, zh, 'zh')).toContain('客服一次最多处理 1,000 位客户，当前选中 1,500 位');
    expect(limitText(size, true, en, 'en')).toContain('As an agent you can act on at most 1,000 customers');
  });

  it("translates the server's refusal by its code and details, not its English", () => {
    const admin = asSent(new SelectionTooLargeError(150_000, 'admin'));
    expect(bulkErrorText(admin, zh, 'zh')).toContain('当前选中超过 10,000 位');
    expect(bulkErrorText(admin, zh, 'zh')).not.toMatch(/selection\.filter|narrow/);
    const agent = asSent(new SelectionTooLargeError(1_001, 'agent'));
    expect(bulkErrorText(agent, zh, 'zh')).toContain('客服一次最多处理 1,000 位客户，当前选中 1,001 位');
    expect(bulkErrorText(agent, en, 'en')).toContain('holds 1,001');
    // Other refusals are left to the screen's own translation.
    expect(bulkErrorText(asSent(new ValidationError('tags', [], 'x')), zh, 'zh')).toBeNull();
  });

  it('a deletion of every customer by an empty filter', () => {
    const error = asSent(
      new ValidationError(
        'filter',
        {},
        'an empty filter would select every contact; give at least one condition',
      ),
    );
    expect(deletionErrorText(error, zh)).toContain('不能一次删除全部客户');
  });
});
