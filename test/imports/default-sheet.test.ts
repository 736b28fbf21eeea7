/**
 * The sheet a workbook opens on: the first that holds a table (a header and a data row), not a notes
 * sheet in front of it. The sheet list stays, for the user to choose another.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSheetIndex, type SheetShape, sheetShape } from '../../src/imports/read/default-sheet.js';
import { inspectSource } from '../../src/imports/read/source-reader.js';
import { fixture } from '../support/import-helpers.js';
import { createTestKith, type TestKith } from '../support/test-kith.js';

describe('sheetShape', () => {
  it.each<[string, number[], SheetShape]>([
    ['nothing', [], 'empty'],
    ['one cell of notes', [1], 'empty'],
    ['a header alone', [4], 'empty'],
    ['a header and a data row', [4, 4], 'table'],
    ['a title, a header and a data row', [1, 4, 3], 'table'],
    ['a header and a sparse data row', [3, 1], 'table'],
    ['notes over three lines', [1, 1, 1], 'rows'],
    ['a one-column list', [1, 1], 'rows'],
    ['lines of notes ending in a row of two cells', [1, 1, 2], 'rows'],
  ])('%s', (_case, filled, shape) => {
    expect(sheetShape(filled)).toBe(shape);
  });
});

describe('defaultSheetIndex', () => {
  it.each<[string, SheetShape[], number]>([
    ['one table', ['table'], 0],
    ['notes, then a table', ['empty', 'table'], 1],
    ['notes over lines, then a table', ['rows', 'empty', 'table'], 2],
    ['two tables: the first in workbook order', ['empty', 'table', 'table'], 1],
    ['no table: the first sheet of rows', ['empty', 'rows', 'rows'], 1],
    ['nothing at all: the first sheet', ['empty', 'empty'], 0],
    ['no sheets looked at', [], 0],
  ])('%s', (_case, shapes, index) => {
    expect(defaultSheetIndex(shapes)).toBe(index);
  });
});

type Sheets = [name: string, rows: (string | number | null)[][]][];

async function workbook(name: string, sheets: Sheets): Promise<string> {
  const book = new ExcelJS.Workbook();
  for (const [sheetName, rows] of sheets) {
    const sheet = book.addWorksheet(sheetName);
    for (const row of rows) sheet.addRow(row);
  }
  return fixture(name, Buffer.from(await book.xlsx.writeBuffer()));
}

const NOTES: Sheets[number] = ['Read me', [['This export holds the customers of November.']]];
const CUSTOMERS: Sheets[number] = [
  'Customers',
  [
    ['Name', 'Phone', 'Gender'],
    ['Ann Lee', '13800138000', 'Female'],
    ['Bob Ray', 'abc', 'Male'],
  ],
];

describe('the sheet a workbook opens on', () => {
  it.each<[string, Sheets, string, string[]]>([
    ['a notes sheet first', [NOTES, CUSTOMERS], 'Customers', ['Name', 'Phone', 'Gender']],
    ['the table first', [CUSTOMERS, NOTES], 'Customers', ['Name', 'Phone', 'Gender']],
    [
      'an empty sheet and notes before it',
      [['Blank', []], NOTES, CUSTOMERS],
      'Customers',
      ['Name', 'Phone', 'Gender'],
    ],
    [
      'two tables: the first',
      [
        NOTES,
        [
          '客户',
          [
            ['姓名', '手机号'],
            ['张伟', '13800138000'],
          ],
        ],
        CUSTOMERS,
      ],
      '客户',
      ['姓名', '手机号'],
    ],
    [
      'a table below a title row',
      [NOTES, ['List', [['Customers, November'], ['Name', 'Phone'], ['Ann', '13800138000']]]],
      'List',
      ['Customers, November'],
    ],
    [
      'no table: the first sheet of rows',
      [NOTES, ['Phones', [['Phone'], ['13800138000']]]],
      'Phones',
      ['Phone'],
    ],
  ])('%s', async (_case, sheets, sheet, header) => {
    const info = await inspectSource(await workbook('book.xlsx', sheets));
    expect(info).toMatchObject({ sheet, header, sheets: sheets.map(([name]) => name) });
  });

  it('opens the sheet the user chose, even a notes sheet', async () => {
    const file = await workbook('book.xlsx', [NOTES, CUSTOMERS]);
    expect((await inspectSource(file, { sheet: 'Read me' })).sheet).toBe('Read me');
  });

  describe('previewed and imported', () => {
    let kith: TestKith;
    beforeAll(async () => {
      kith = await createTestKith();
    });
    afterAll(async () => {
      await kith.close();
    });

    it('previews the rows of the table, with every sheet to choose from', async () => {
      const file = await workbook('notes-first.xlsx', [NOTES, CUSTOMERS]);
      const preview = await kith.imports.preview({ filePath: file });
      expect(preview).toMatchObject({
        sheet: 'Customers',
        sheets: ['Read me', 'Customers'],
        header: ['Name', 'Phone', 'Gender'],
        rows: [
          ['Ann Lee', '13800138000', 'Female'],
          ['Bob Ray', 'abc', 'Male'],
        ],
      });
    });
  });
});
