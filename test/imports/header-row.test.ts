/**
 * A sheet's header below a title row, and a header of two levels (a merged label above the column
 * names), as Office exports and hand-made customer lists have them.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findHeader, type HeaderRowCandidate } from '../../src/imports/map/header-row.js';
import { ADMIN, fixture, runImport } from '../support/import-helpers.js';
import { createTestKith, type TestKith } from '../support/test-kith.js';

const rows = (...lines: string[][]): HeaderRowCandidate[] =>
  lines.map((cells, i) => ({ rowNumber: i + 1, cells })).filter((r) => r.cells.some((c) => c !== ''));

describe('findHeader', () => {
  it.each([
    [
      'a plain header',
      rows(['姓名', '手机号'], ['张伟', '13800138000']),
      { row: 1, header: ['姓名', '手机号'], titleRows: [] },
    ],
    [
      'a one-column file',
      rows(['手机号'], ['13800138000'], ['13900139000']),
      { row: 1, header: ['手机号'], titleRows: [] },
    ],
    [
      'a title above the header (merged across the columns)',
      rows(['客户列表 导出时间：2024-03-05 10:21'], ['姓名', '手机号', '邮箱'], ['孙丽', '13800138006', '']),
      { row: 2, header: ['姓名', '手机号', '邮箱'], titleRows: [1] },
    ],
    [
      'two title rows and a blank one',
      rows(['重点客户'], ['销售部'], [], ['Name', 'Phone', 'Email'], ['Ann', '13800138000', 'a@x.com']),
      { row: 4, header: ['Name', 'Phone', 'Email'], titleRows: [1, 2] },
    ],
    [
      'a grouped header: 联系方式 merged over 手机 and 邮箱, the other names merged down',
      rows(
        ['2024年3月 重点客户名单'],
        ['序号', '客户姓名', '联系方式', '', '性别', '生日'],
        ['', '', '手机', '邮箱'],
        ['1', '陈静', '13800138005', 'c@x.com', '女', '1990-03-05'],
      ),
      { row: 3, header: ['序号', '客户姓名', '手机', '邮箱', '性别', '生日'], titleRows: [1] },
    ],
    [
      'a first data row is never taken for a second header level',
      rows(['姓名', '手机号', ''], ['张伟', '13800138000', 'extra']),
      { row: 1, header: ['姓名', '手机号'], titleRows: [] },
    ],
    [
      'a header of one name above data with more cells is still the header',
      rows(['手机号', '', ''], ['13800138000', '老客户', 'x'], ['13900139000', '', 'y']),
      { row: 1, header: ['手机号'], titleRows: [] },
    ],
    [
      'a header naming fewer columns than the data fill is still the header',
      rows(['Name', 'Phone'], ['Ann', '13800138000', 'x', 'y', 'z']),
      { row: 1, header: ['Name', 'Phone'], titleRows: [] },
    ],
  ])('%s', (_label, candidates, found) => {
    expect(findHeader(candidates)).toEqual(found);
  });

  it('takes the row given, its blank names from the row above, and null past the rows read', () => {
    const sheet = rows(['title'], ['序号', '客户姓名', '联系方式', '', '性别'], ['', '', '手机', '邮箱']);
    expect(findHeader(sheet, 3)).toEqual({
      row: 3,
      header: ['序号', '客户姓名', '手机', '邮箱', '性别'],
      titleRows: [],
    });
    expect(findHeader(sheet, 2)?.header).toEqual(['序号', '客户姓名', '联系方式', '', '性别']);
    expect(findHeader(sheet, 9)).toBeNull();
  });
});

describe('importing a sheet with a title and a grouped header', () => {
  let kith: TestKith;
  beforeAll(async () => {
    kith = await createTestKith();
  });
  afterAll(async () => kith.destroy());

  it('finds the header itself, says so, and imports every column', async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('客户名单');
    sheet.addRow(['2024年3月 重点客户名单（销售部）']);
    sheet.mergeCells('A1:G1');
    sheet.addRow(['序号', '客户姓名', '联系方式', null, '性别', '生日', '标签']);
    sheet.addRow([null, null, '手机', '邮箱']);
    sheet.mergeCells('C2:D2');
    for (const col of ['A', 'B', 'E', 'F', 'G']) sheet.mergeCells(`${col}2:${col}3`);
    sheet.addRow([
      1,
      '陈静',
      '13800138405',
      'Chen.Jing@Example.com ',
      '女',
      new Date(Date.UTC(1990, 2, 5)),
      '重点、华东',
    ]);
    sheet.addRow([2, '刘洋', 13900139405, 'liuyang@example.com', '先生', 32937, 'VIP;复购']);
    const file = fixture('titled.xlsx', Buffer.from(await book.xlsx.writeBuffer()));

    const preview = await kith.imports.preview({ filePath: file });
    expect(preview).toMatchObject({
      header_row: 3,
      header: ['序号', '客户姓名', '手机', '邮箱', '性别', '生日', '标签'],
      row_numbers: [4, 5],
    });
    expect(preview.suggested_mapping.map((s) => s.target)).toEqual([
      null,
      'name',
      'phone',
      'email',
      'gender',
      'birthday',
      'tags',
    ]);
    expect(preview.warnings).toContain(
      'the column names were read from row 3; row 1 above it is a title and not imported (choose another header row if this is wrong)',
    );

    const r = await runImport(kith, file);
    expect(r).toMatchObject({ status: 'completed', rows: 2, created: 2, failed: 0, warned: 0 });
    expect((await kith.contacts.list({ q: '8405' })).data[0]).toMatchObject({
      name: '陈静',
      email: 'chen.jing@example.com',
      gender: 'female',
      birthday: '1990-03-05',
      tags: ['华东', '重点'],
    });
    expect((await kith.contacts.list({ q: '9405' })).data[0]).toMatchObject({
      name: '刘洋',
      gender: 'male',
      tags: ['VIP', '复购'],
    });
  });

  it('reads a CSV with a title line the same way', async () => {
    const file = fixture(
      'titled.csv',
      '客户名单 2026\r\n姓名,手机号码,邮箱\r\n王芳,13900139406,wf@example.com\r\n',
      'utf-8',
      true,
    );
    const r = await runImport(kith, file);
    expect(r).toMatchObject({ status: 'completed', rows: 1, created: 1, failed: 0 });
    expect(r.warnings).toContain(
      'the column names were read from row 2; row 1 above it is a title and not imported (choose another header row if this is wrong)',
    );
    // The same warning with its code and rows, for a screen to say it in the user's language.
    expect(r.warning_details).toContainEqual({
      code: 'title_rows',
      message: expect.stringMatching(/^the column names were read from row 2; /),
      header_row: 2,
      title_rows: [1],
    });
  });

  it('says when a row has values past the last named column', async () => {
    const file = fixture('unnamed.csv', '姓名,手机号\n张伟,13800138407,VIP\n');
    const started = await kith.imports.start(
      { filePath: file, fileName: 'unnamed.csv', dryRun: true },
      ADMIN,
    );
    expect(started.warnings).toContain(
      'row 2 has a value in column 3 ("VIP"), which has no name in the header row, so it is not imported; name the column in the file',
    );
  });
});
