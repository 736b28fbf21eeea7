import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import { MappingError, resolveMapping } from '../../src/imports/map/column-mapping.js';
import { inFile, inspectSource } from '../../src/imports/read/source-reader.js';
import { readItemLayout, readOrderLayout } from '../../src/orders/tmall/tmall-layouts.js';
import { TMALL_ITEM_HEADER, TMALL_ORDER_HEADER } from '../../bench/tmall-files.js';
import { en, WEB, zh } from './web-i18n.js';

type ApiErrorClass = new (status: number, code: string, message: string, details?: unknown) => object;
const { ApiError } = (await import(`${WEB}/api/client.ts`)) as { ApiError: ApiErrorClass };
const { explainImportError, fieldProblemLines, importFailureText, orderImportErrorText, reasonLabel } =
  (await import(`${WEB}/features/imports/import-errors.ts`)) as {
    explainImportError: (error: unknown, t: TFunction) => { title: string; detail: string | null };
    importFailureText: (error: string, t: TFunction) => string;
    fieldProblemLines: (fields: { field: string; reason?: string }[], t: TFunction) => string[];
    orderImportErrorText: (error: unknown, t: TFunction) => string;
    reasonLabel: (kind: string, t: TFunction) => string | null;
  };

/** The server's own refusal of a file with these bytes (inspectSource's ImportFileError). */
async function refusal(bytes: Buffer | string): Promise<{ message: string; details?: unknown }> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kith-reasons-')), 'file.csv');
  fs.writeFileSync(file, bytes);
  try {
    await inspectSource(file);
  } catch (e) {
    return e as { message: string; details?: unknown };
  }
  throw new Error('the file was read');
}

const apiError = (e: { message: string; details?: unknown }) =>
  new ApiError(422, 'unreadable_file', e.message, e.details ?? null);

describe("a file the import wizard cannot read, in the page's language", () => {
  it.each([
    ['empty', '', '文件是空的'],
    ['binary', Buffer.from([0, 1, 2, 0, 255, 0, 3, 0, 0, 9]), '二进制数据'],
    ['no header', ',,\n,,\n', '没有表头行'],
    ['xls', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), '.xls'],
  ])('%s', async (_, bytes, chinese) => {
    const error = apiError(await refusal(bytes));
    expect(explainImportError(error, zh)).toEqual({
      title: zh('imports.errors.unreadable_file'),
      detail: expect.stringContaining(chinese),
    });
    expect(explainImportError(error, en).detail).not.toBe(null);
  });

  it('keeps the server’s words for a reason it does not know', () => {
    const error = new ApiError(422, 'unreadable_file', 'row 7: a quoted cell is never closed');
    expect(explainImportError(error, zh).detail).toBe('row 7: a quoted cell is never closed');
  });
});

describe('a Tmall import refused, on its page in the page’s language', () => {
  const layoutError = (file: 'orders' | 'items', header: string[]) => {
    const reading = file === 'orders' ? readOrderLayout(header) : readItemLayout(header);
    if (reading.ok) throw new Error('the layout was read');
    // As startTmallImport sends it.
    return new ApiError(422, 'unreadable_file', reading.reason, {
      file,
      missing: reading.missing,
      unknown: reading.unknown,
      ...(reading.looksLike ? { looks_like: reading.looksLike } : {}),
    });
  };

  it('a file of another shop: the headers it lacks and the ones it does not know', () => {
    const text = orderImportErrorText(layoutError('orders', ['Order number', 'Buyer', '订单状态']), zh);
    expect(text).toContain('所选的订单报表不是天猫订单报表');
    expect(text).toContain('订单编号、买家会员名');
    expect(text).toContain('Order number、Buyer');
    expect(text).not.toContain('is not a Tmall');
  });

  it('the two reports given the wrong way round', () => {
    const text = orderImportErrorText(layoutError('orders', [...TMALL_ITEM_HEADER]), zh);
    expect(text).toContain('看起来是另一份报表');
    // Its sentences run on as Chinese sentences do: no space after a full stop (it read "时间。 天猫…").
    expect(text).toContain('。天猫报表中没有的列');
    expect(text).not.toMatch(/。 /);
    expect(orderImportErrorText(layoutError('items', [...TMALL_ORDER_HEADER]), zh)).toContain(
      '所选的宝贝报表不是天猫宝贝报表',
    );
  });

  it('an unreadable report is named by its file', async () => {
    const error = apiError(
      inFile('orders file', await refusal('')) as { message: string; details?: unknown },
    );
    expect(orderImportErrorText(error, zh)).toBe('订单报表：文件是空的。');
    expect(orderImportErrorText(error, en)).toBe('Order report: The file is empty.');
  });
});

describe('an order file refused before it is queued', () => {
  it('a file over the upload limit', () => {
    const error = new ApiError(
      413,
      'payload_too_large',
      'the file is larger than the upload limit of 50 MB (KITH_MAX_UPLOAD_MB)',
      { limit_bytes: 52_428_800 },
    );
    expect(orderImportErrorText(error, zh)).toBe('文件超过了 50 MB 的上传上限（KITH_MAX_UPLOAD_MB）。');
    expect(explainImportError(error, zh)).toEqual({
      title: zh('imports.errors.payload_too_large'),
      detail: '文件超过了 50 MB 的上传上限（KITH_MAX_UPLOAD_MB）。',
    });
  });

  it('a currency that is no currency code', () => {
    const reason = 'must be a three-letter currency code such as CNY';
    const error = new ApiError(400, 'validation_failed', `options.currency: ${reason} (got "RM")`, {
      field: 'options.currency',
      value: 'RM',
      reason,
    });
    expect(orderImportErrorText(error, zh)).toBe('币种“RM”无效：请填写三个字母的币种代码，例如 CNY。');
  });

  it('a source and a currency refused together, each in words', () => {
    const error = new ApiError(400, 'validation_failed', 'options.order_source: … (got "My Shop!")', [
      { field: 'options.order_source', value: 'My Shop!', reason: 'must be a short name' },
      { field: 'options.currency', value: 'RM', reason: 'must be a three-letter currency code such as CNY' },
    ]);
    expect(orderImportErrorText(error, en)).toBe(
      'Source “My Shop!”: a short name of letters, digits, _ and -, starting with a letter (e.g. shopify). Currency “RM”: a three-letter currency code such as CNY.',
    );
  });
});

describe("a failed row's value the customer form would refuse too, summarised as the form says it", () => {
  it.each([
    ['company: is longer than 1000 characters (got "xxxx… (3,002 characters)")', '最多 1000 个字符'],
    ['attributes.visits: must be a number (got "many")', zh('customer.reasons.number')],
    [
      'row 4: attributes.joined was not imported: is not a real calendar date (got "2024-02-30")',
      zh('customer.reasons.notRealDate'),
    ],
  ])('%s', (text, chinese) => {
    expect(reasonLabel(text, zh)).toBe(chinese);
  });

  it('no summary for a reason the form does not know', () => {
    expect(reasonLabel('tags: something new (got "x")', zh)).toBe(null);
  });
});

describe('a column mapping the server refused, column by column in the page’s language', () => {
  /** The server's own fields and reasons for this mapping of this header. */
  function refusedMapping(header: string[], mapping: Record<string, string>) {
    try {
      resolveMapping(header, mapping, [], {
        identityTypes: new Set(['wechat_openid']),
        attributeTypes: new Map([['tier', 'text']]),
        createAttributes: false,
      });
    } catch (e) {
      if (e instanceof MappingError)
        return e.errors.map((v) => v.details as { field: string; reason: string });
      throw e;
    }
    throw new Error('the mapping was accepted');
  }

  it('says each refused column by its name, with the reasons a changed store can cause', () => {
    const fields = refusedMapping(['姓名', '手机', 'Mobile', '等级', '会员号', '创建时间'], {
      姓名: 'name',
      手机: 'phone',
      Mobile: 'phone',
      等级: 'attr.level',
      会员号: 'identity.crm_code',
      创建时间: 'created_at',
      旧列: 'email',
    });
    expect(fieldProblemLines(fields, zh)).toEqual([
      '列“旧列”：文件中没有这一列',
      '列“Mobile”：列“手机”已导入到同一字段',
      '列“等级”：属性“level”已不存在，请选择其他目标或重新创建',
      '列“会员号”：身份类型“crm_code”已不存在，请选择其他目标或重新创建',
      '列“创建时间”：此字段由 Kith 自动填写，不能导入',
    ]);
    expect(fieldProblemLines(fields, en)[1]).toBe(
      'Column “Mobile”: column “手机” is already imported into the same field',
    );
  });

  it('names any other field as the server did', () => {
    expect(fieldProblemLines([{ field: 'options.delimiter', reason: 'must be , ; tab or |' }], zh)).toEqual([
      'options.delimiter: must be , ; tab or |',
    ]);
  });
});

/** Why an import stopped, as src/imports/contact-import-pipeline.ts words it (importStopReason). */
describe('an import that stopped, in the page’s language', () => {
  const stopped = (cause: string) =>
    `${cause}; the import stopped after 4000 of 60000 rows, so the 56000 rows after row 4001 were not imported (import the file again to bring them in: rows already imported come out unchanged)`;
  it.each([
    [
      stopped('the database could not be reached'),
      '无法连接数据库。 导入在处理 4000 / 60000 行后停止，其余 56000 行（第 4001 行之后）未导入：重新导入此文件即可补上（已导入的行会显示为无变化）。',
      'The database could not be reached. The import stopped after 4000 of 60000 rows, so the 56000 rows after row 4001 were not imported: import the file again to bring them in (rows already imported come out unchanged).',
    ],
    [
      stopped(
        'the process running this import stopped 3 times before it finished (killed, or out of memory); it was not retried again',
      ),
      '运行此导入的进程在完成前停止了 3 次',
      'The process running this import stopped 3 times before it finished',
    ],
    [stopped('an internal error stopped it; it has been logged'), '内部错误', 'internal error'],
    // A cause Kith does not word itself: as written, the rows it did not get to in words.
    [stopped('something new'), 'something new 导入在处理', 'something new The import stopped after'],
    [
      'the database failed with error SQLITE_CORRUPT',
      '数据库出错（错误 SQLITE_CORRUPT）。',
      'The database failed with error SQLITE_CORRUPT.',
    ],
  ])('%s', (error, chinese, english) => {
    expect(importFailureText(error, zh)).toContain(chinese);
    expect(importFailureText(error, en)).toContain(english);
  });
});
