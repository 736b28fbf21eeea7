/**
 * The failure file in Chinese, as the web app gives it to a Chinese reader: a real import's failure
 * file, rewritten; the rows and cells as they were, the reasons in Chinese naming their field, and an
 * import of the fixed file ignoring the reason column by its Chinese name too.
 */
import { parse } from 'csv-parse/sync';
import type { TFunction } from 'i18next';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { suggestMapping } from '../../src/imports/map/column-mapping.js';
import { fixture, readFailures, runImport } from '../support/import-helpers.js';
import { createTestKith, type TestKith } from '../support/test-kith.js';
import { WEB, zh } from './web-i18n.js';

const { reportFileIn, reportRows } = (await import(`${WEB}/features/imports/report-file-language.ts`)) as {
  reportRows: (csv: string) => string[][];
  reportFileIn: (
    csv: string,
    kind: 'failures' | 'warnings',
    t: TFunction,
    label: (f: string) => string,
  ) => string;
};
const fieldLabel = (field: string) => zh(`fields.${field}`);

describe('the failure file in Chinese', () => {
  let kith: TestKith;
  beforeAll(async () => {
    kith = await createTestKith();
  });
  afterAll(async () => {
    await kith.close();
  });

  it('says each reason in Chinese, naming its field, and keeps every row and cell', async () => {
    const file = fixture(
      'customers.csv',
      [
        '姓名,手机号码,邮箱,性别',
        '张伟,12345,zw@example.com,男',
        '李娜,13800138000,not-an-email,女',
        '王芳,13900139000,wf@example.com,外星人',
        '赵敏,13700137000,dup@example.com,女',
        '钱七,13700137001,dup@example.com,女',
        '=SUM(A1),,,',
      ].join('\n') + '\n',
    );
    const record = await runImport(kith, file, { onFileDuplicate: 'reject' });
    const english = await readFailures(kith, record.id);
    const chinese = reportFileIn(english, 'failures', zh, fieldLabel);
    expect(chinese.startsWith('\uFEFF')).toBe(true);
    const before = parse(english.replace(/^\uFEFF/, ''), { relax_column_count: true }) as string[][];
    const after = parse(chinese.replace(/^\uFEFF/, ''), { relax_column_count: true }) as string[][];
    expect(after).toHaveLength(before.length);
    expect(after[0]).toEqual([...before[0]!.slice(0, -1), '失败原因']);
    // Every cell but the reason as the server wrote it (a formula still behind its apostrophe).
    for (let r = 1; r < before.length; r++) expect(after[r]!.slice(0, -1)).toEqual(before[r]!.slice(0, -1));
    expect(after.some((row) => row[0] === "'=SUM(A1)")).toBe(true);
    // For a workbook, whose text cells are never run, the rows without that apostrophe.
    expect(reportRows(english).some((row) => row[0] === '=SUM(A1)')).toBe(true);
    expect(reportRows(english)).toHaveLength(before.length);
    const reasonOf = (name: string) => after.find((row) => row[0] === name)!.at(-1)!;
    // Each reason after its row of the imported file, as the English file has it (row 2: …): a reason
    // that names another row (the same e-mail as row 6) is of no use without it.
    expect(reasonOf('张伟')).toMatch(/^第 2 行：手机号：/);
    expect(reasonOf('李娜')).toMatch(/^第 3 行：邮箱：/);
    expect(reasonOf('赵敏')).toMatch(/^第 5 行：.*第 6 行/);
    // No English sentence left for the reasons the result page knows.
    for (const name of ['张伟', '李娜', '赵敏', '钱七'])
      expect(reasonOf(name)).not.toMatch(/[a-z]{4,} [a-z]{4,}/);
    expect(reasonOf('赵敏')).toContain('dup@example.com');
    // The fixed file imported again: its reason column, by its Chinese name, is ignored.
    const [suggested] = suggestMapping(['姓名', '失败原因'], [['张伟', '手机号：无效']], {
      identityTypes: new Set<string>(),
      attributeTypes: new Map<string, string>(),
      createAttributes: false,
    }).slice(1);
    expect(suggested).toMatchObject({ target: 'ignore' });
  });
});
