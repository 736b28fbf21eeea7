import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { columnLetters, SheetRows } from '../../src/exports/xlsx-sheet.js';
import { writeXlsxSheet } from '../../src/exports/xlsx-writer.js';

describe('XLSX sheet text', () => {
  it.each([
    [0, 'A'],
    [25, 'Z'],
    [26, 'AA'],
    [51, 'AZ'],
    [52, 'BA'],
    [701, 'ZZ'],
    [702, 'AAA'],
    [16383, 'XFD'], // Excel's last column
  ])('column %i is %s', (index, letters) => expect(columnLetters(index)).toBe(letters));

  it.each<[string, (string | number | null)[], string]>([
    ['text as an inline string', ['王伟'], '<c r="A2" t="inlineStr"><is><t>王伟</t></is></c>'],
    ['numbers as numbers', [null, 3.5], '<c r="B2"><v>3.5</v></c>'],
    ['empty and absent cells left out', [null, '', 'x'], '<row r="2"><c r="C2" t="inlineStr">'],
    ['markup escaped', ['<b>&"</b>'], '<t>&lt;b&gt;&amp;&quot;&lt;/b&gt;</t>'],
    ['outer spaces kept', [' padded '], '<t xml:space="preserve"> padded </t>'],
    ['a number XML cannot hold as text', [Number.NaN], '<c r="A2" t="inlineStr"><is><t>NaN</t></is></c>'],
    ['a formula-like text stays text', ['=1+1'], '<c r="A2" t="inlineStr"><is><t>=1+1</t></is></c>'],
  ])('%s', (_, cells, expected) => {
    const rows = new SheetRows(2);
    expect(rows.rows([cells])).toContain(expected);
  });

  it('numbers rows on from where it is told', () => {
    const rows = new SheetRows(1);
    rows.rows([['a'], ['b']]);
    expect(rows.rows([['c']])).toBe('<row r="3"><c r="A3" t="inlineStr"><is><t>c</t></is></c></row>');
  });

  it('makes a workbook a spreadsheet reader opens: header, Chinese, numbers, spaces, many rows', async () => {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    const sheet = writeXlsxSheet(out, 'Contacts');
    await sheet.rows([['name', 'points', 'note']]);
    await sheet.rows([
      ['张三', 12, ' leading space'],
      ["O'Brien & <Co>", null, 'line one\nline two'],
    ]);
    for (let i = 0; i < 20; i++)
      await sheet.rows(Array.from({ length: 1000 }, (_, j) => [`客户 ${i * 1000 + j}`, j, null]));
    await sheet.end();
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.concat(chunks) as unknown as ArrayBuffer);
    const read = workbook.getWorksheet('Contacts')!;
    expect(read.rowCount).toBe(20_003);
    expect(read.getRow(1).values).toEqual([undefined, 'name', 'points', 'note']);
    expect(read.getRow(2).values).toEqual([undefined, '张三', 12, ' leading space']);
    expect(read.getRow(3).values).toEqual([undefined, "O'Brien & <Co>", undefined, 'line one\nline two']);
    expect(read.getRow(20_003).getCell(1).value).toBe('客户 19999');
    expect(read.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
  });
});
