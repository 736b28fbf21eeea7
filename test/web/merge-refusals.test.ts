import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import { WEB, zh } from './web-i18n.js';

type ApiErrorClass = new (status: number, code: string, message: string, details?: unknown) => object;
const { ApiError } = (await import(`${WEB}/api/client.ts`)) as { ApiError: ApiErrorClass };
const { mergeErrorText } = (await import(`${WEB}/features/duplicates/merge-errors.ts`)) as {
  mergeErrorText: (
    error: unknown,
    t: TFunction,
    names: { field: (f: string) => string; person?: (id: string) => string },
  ) => string;
};

const names = {
  field: (f: string) => ({ email: '邮箱', 'identity.wechat_openid': '微信 OpenID' })[f] ?? f,
  person: (id: string) => (id === 'ct_b' ? '李四' : id),
};

/** The refusals of src/dedupe/contact-merge-service.ts, as its codes and details carry them. */
describe('a refused merge or unmerge, in the page’s language', () => {
  it('a value of the merged record owned by a customer outside the merge', () => {
    const error = new ApiError(
      409,
      'conflict',
      'email "a@x.cn" belongs to contact ct_c, which is not part of this merge',
      {
        field: 'email',
        value: 'a@x.cn',
        existing_id: 'ct_c',
      },
    );
    expect(mergeErrorText(error, zh, names)).toBe(
      '邮箱 a@x.cn 属于不在此次合并中的另一位客户：合并后的记录不能拥有它。',
    );
  });

  it('every blocker of an unmerge, by the names the merge had', () => {
    const error = new ApiError(409, 'unmerge_blocked', 'merge mrg_1 cannot be undone: …', {
      merge_id: 'mrg_1',
      blockers: [
        {
          reason: 'identities.wechat_openid "o1" of ct_b now belongs to contact ct_d',
          contact_id: 'ct_b',
          field: 'identities.wechat_openid',
          value: 'o1',
          owner_id: 'ct_d',
        },
        { reason: 'contact ct_b is no longer merged into ct_a', contact_id: 'ct_b' },
        { reason: 'survivor ct_a was itself merged into ct_e; undo that merge first', contact_id: 'ct_a' },
      ],
    });
    expect(mergeErrorText(error, zh, names)).toBe(
      '李四的微信 OpenID o1 现已属于另一位客户；李四 已不再合并于主记录；主记录之后又被合并到了另一位客户，请先取消那次合并',
    );
  });
});
