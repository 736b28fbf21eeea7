/**
 * A failure file fixed and imported again, as an administrator does it: its preview names the import it
 * came from, with that import's mapping (also a column the user mapped by hand) and settings, so the
 * fixed rows go in as the others did; the reason column is left out without a warning.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, readFailures, runImport } from '../support/import-helpers.js';
import { createTestKith, TEST_DIALECT, type TestKith } from '../support/test-kith.js';

describe(`a failure file imported again on ${TEST_DIALECT}`, () => {
  let kith: TestKith;
  beforeAll(async () => {
    kith = await createTestKith();
  });
  afterAll(async () => kith.destroy());

  it('previews as the failure file of its import: that import’s mapping and settings', async () => {
    const csv = '姓名,手机号码,单位名称,备注\n张伟,13700137001,示例贸易,VIP\n王芳,12345,示例科技,\n';
    const first = await runImport(kith, fixture('客户.csv', csv), {
      mapping: { 单位名称: 'company', 备注: 'ignore' },
      tags: ['展会'],
      group: '华东',
      onFileDuplicate: 'last',
    });
    expect(first).toMatchObject({ created: 1, failed: 1 });
    // Another import of other columns, newer, with failures of its own: not the one.
    await runImport(kith, fixture('other.csv', 'name,phone\nX,123\n'));

    const fixed = (await readFailures(kith, first.id)).replace('12345', '13700137002');
    const preview = await kith.imports.preview({
      filePath: fixture('fixed.csv', fixed.replace(/^\uFEFF/, ''), 'utf-8', true),
      fileName: '客户-failures.csv',
    });
    expect(preview.earlier_import).toMatchObject({
      id: first.id,
      file_name: first.file_name,
      report: 'failures',
      // 单位名称 was mapped by hand: the header alone suggests nothing for it.
      mapping: { 姓名: 'name', 手机号码: 'phone', 单位名称: 'company' },
      settings: { tags: ['展会'], group: '华东', on_file_duplicate: 'last' },
    });
    expect(preview.suggested_mapping.find((s) => s.column === '单位名称')?.target).toBeNull();

    // The same with the reason column as the web app names it for a Chinese reader, under any name.
    const chinese = fixed.replace(/,error\r?\n/, ',失败原因\n');
    const again = await kith.imports.preview({
      filePath: fixture('renamed.csv', chinese),
      fileName: 'x.csv',
    });
    expect(again.earlier_import?.id).toBe(first.id);
    // The same columns without a reason column are just a file.
    const plain = await kith.imports.preview({ filePath: fixture('plain.csv', csv), fileName: '客户.csv' });
    expect(plain.earlier_import).toBeNull();
  });

  it('prefers the import the file’s name names when several have its columns', async () => {
    const csv = (phone: string) => `name,email,phone\nA,a@example.com,13700137011\nB,,${phone}\n`;
    const older = await runImport(kith, fixture('march.csv', csv('111')));
    const newer = await runImport(kith, fixture('april.csv', csv('222')));
    expect([older.failed, newer.failed]).toEqual([1, 1]);
    const failures = await readFailures(kith, older.id);
    const byName = (fileName: string) =>
      kith.imports
        .preview({ filePath: fixture('f.csv', failures.replace(/^\uFEFF/, '')), fileName })
        .then((p) => p.earlier_import?.id);
    expect(await byName(`${older.id}-failures.csv`)).toBe(older.id);
    expect(await byName(`${older.file_name.replace(/\.csv$/, '')}-failures.csv`)).toBe(older.id);
    // Named by neither: the newest.
    expect(await byName('fixed.csv')).toBe(newer.id);
  });

  it('imports the fixed rows without warning of the reason column, and fails what is still broken', async () => {
    const csv =
      'name,email,gender\nOk,ok-rt@example.com,\nBad,bad-rt@,\nDup,dup-rt@example.com,\nDup2,dup-rt@example.com,\n';
    const first = await runImport(kith, fixture('crm.csv', csv));
    expect(first).toMatchObject({ created: 1, failed: 3 });
    const fixed = (await readFailures(kith, first.id)).replace('bad-rt@,', 'bad-rt@example.com,');
    const second = await runImport(kith, fixture('crm-failures.csv', fixed.replace(/^\uFEFF/, '')));
    expect(second).toMatchObject({ rows: 3, created: 1, failed: 2, warnings: [] });
    expect(second.mapping).not.toHaveProperty('error');
    expect((await readFailures(kith, second.id)).split(/\r?\n/)[0]).toBe('\uFEFFname,email,gender,error');
  });
});
