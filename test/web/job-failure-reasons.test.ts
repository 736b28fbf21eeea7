import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import { failureReason, ValidationError } from '../../src/domain/errors.js';
import { en, WEB, zh } from './web-i18n.js';

const { failureText } = (await import(`${WEB}/ui/server-reasons.ts`)) as {
  failureText: (reason: string, t: TFunction) => string;
};

const systemError = (code: string) => Object.assign(new Error(`${code}: something`), { code });

describe('a failed job’s reason in the web app (the server’s fixed reasons, in both languages)', () => {
  it.each([
    [new TypeError('x is undefined'), '发生内部错误'],
    [systemError('ENOSPC'), '服务器磁盘已满'],
    [systemError('EDQUOT'), '服务器磁盘配额已用完'],
    [systemError('EACCES'), '服务器无权写入文件'],
    [systemError('EROFS'), '服务器的数据目录为只读'],
    [systemError('EMFILE'), '服务器打开的文件过多'],
  ])('%s is said in Chinese (%s) and not as the server wrote it', (error, chineseStart) => {
    const reason = failureReason(error);
    expect(failureText(reason, zh)).toMatch(new RegExp(`^${chineseStart}`));
    expect(failureText(reason, en)).not.toBe(reason);
  });

  it('Kith’s own message about the work is shown as the server wrote it', () => {
    const reason = failureReason(new ValidationError('filters.tag', 'vip', 'no such tag'));
    expect(failureText(reason, zh)).toBe(reason);
  });
});
