/**
 * The failure file as an Excel workbook (web/src/ui/text-workbook.ts): what Excel would damage opening
 * the CSV — leading zeros, 18 and 20 digits, a landline, a value that starts like a formula — read back
 * exactly as written, every cell a text cell formatted as text, the header bold and kept in view.
 */
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { WEB } from './web-i18n.js';

const { textWorkbook, columnWidths } = (await import(`${WEB}/ui/text-workbook.ts`)) as {
  textWorkbook: (rows: string[][], sheet: string) => Promise<Blob>;
  columnWidths: (rows: string[][]) => { width: number }[];
};

describe('a table as a workbook of text cells', () => {
  it('keeps every value as written, as text', async () => {
    const rows = [
      ['姓名', '会员卡号', '身份证号', '电话', '备注', '失败原因'],
      [
        '张伟',
        '00012345678901234567',
        '110101199003071234',
        '05712345678',
        '=SUM(A1)',
        '第 2 行：邮箱：邮箱地址无效',
      ],
      ['', '0', '1.5', '+8613800138000', '@home', ''],
    ];
    const blob = await textWorkbook(rows, '失败记录');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(await blob.arrayBuffer()) as unknown as ArrayBuffer);
    const sheet = book.worksheets[0]!;
    expect(sheet.name).toBe('失败记录');
    const read = [1, 2, 3].map((n) =>
      rows[0]!.map((_, i) => {
        const cell = sheet.getRow(n).getCell(i + 1);
        return cell.value === null ? '' : cell.value;
      }),
    );
    expect(read).toEqual(rows);
    for (const [n, i] of [
      [2, 2],
      [2, 3],
      [2, 4],
      [2, 5],
      [3, 2],
      [3, 3],
    ] as const) {
      const cell = sheet.getRow(n).getCell(i);
      expect(cell.type, `${n}:${i}`).toBe(ExcelJS.ValueType.String);
      expect(cell.numFmt, `${n}:${i}`).toBe('@');
    }
    expect(sheet.getRow(1).getCell(1).font?.bold).toBe(true);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
  });

  it('makes each column about as wide as its values, a Chinese character counting two', () => {
    expect(
      columnWidths([
        ['姓名', 'email'],
        ['张伟', 'zhang.wei@example.com'],
      ]),
    ).toEqual([{ width: 8 }, { width: 23 }]);
    expect(columnWidths([['失败原因'], ['第 2 行：邮箱：邮箱地址无效，' + '很长'.repeat(30)]])).toEqual([
      { width: 60 },
    ]);
    expect(columnWidths([])).toEqual([]);
  });
});
