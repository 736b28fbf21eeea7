/**
 * A table as an Excel workbook whose every cell is text, formatted as text (`@`). Opened from a CSV,
 * Excel turns 05712345678 into 5712345678 and an 18-digit ID or a long member number into 1.10101E+17,
 * and saving the file keeps the damage; text cells keep them as written, and a value typed into them
 * stays text too. A text cell is never run as a formula, so none needs the CSV's guarding apostrophe.
 * Loaded only when a workbook is asked for (write-excel-file is not in the app's first download).
 */
import writeXlsxFile, { type SheetData } from 'write-excel-file/browser';

export function textWorkbook(rows: readonly (readonly string[])[], sheet: string): Promise<Blob> {
  const [header = [], ...body] = rows;
  const data: SheetData = [
    header.map((value) => ({ value, type: String, format: '@', fontWeight: 'bold' as const })),
    ...body.map((row) => row.map((value) => ({ value, type: String, format: '@' }))),
  ];
  return writeXlsxFile(data, { sheet, stickyRowsCount: 1, columns: columnWidths(rows) }).toBlob();
}

/** Each column as wide as its longest value among the first rows (a CJK character counts two), within reason. */
export function columnWidths(rows: readonly (readonly string[])[]): { width: number }[] {
  const widths: number[] = [];
  for (const row of rows.slice(0, 200)) {
    row.forEach((value, i) => {
      widths[i] = Math.max(widths[i] ?? 0, displayWidth(value));
    });
  }
  return Array.from(widths, (width = 0) => ({ width: Math.min(60, Math.max(8, width + 2)) }));
}

function displayWidth(value: string): number {
  let width = 0;
  for (const char of value)
    width +=
      /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(
        char,
      )
        ? 2
        : 1;
  return width;
}
