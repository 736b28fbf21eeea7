/**
 * The sheet a workbook opens on when the user has not chosen one. Workbooks exported for people often
 * begin with a sheet of notes ("Read me", "说明": one cell or a few lines) before the table; opening
 * on it showed no rows and no columns. The default is the first sheet, in workbook order, that holds a
 * table: a row of at least two cells (the header) with a row below it. Pure.
 */

/** How a sheet's first rows look. */
export type SheetShape = 'table' | 'rows' | 'empty';

/** Rows of a sheet looked at (a title or two, the header and a data row fit well within). */
export const SHEET_PEEK_ROWS = 12;
/** Sheets looked at for a table; past them the first sheet is opened as before. */
export const SHEET_PEEK_SHEETS = 50;

/**
 * A sheet's shape by the cells its first non-empty rows fill: a table holds a row of two cells or
 * more with another row below it; rows (a one-column list, or notes over several lines) hold two
 * rows or more; anything less is empty as far as an import goes.
 */
export function sheetShape(filledPerRow: readonly number[]): SheetShape {
  const rows = filledPerRow.filter((n) => n > 0);
  const header = rows.findIndex((n) => n >= 2);
  if (header >= 0 && header < rows.length - 1) return 'table';
  return rows.length >= 2 ? 'rows' : 'empty';
}

/**
 * The index of the sheet to open: the first table, else the first sheet of rows, else the first
 * sheet. `shapes` may stop at the first table (the sheets after it need not be looked at).
 */
export function defaultSheetIndex(shapes: readonly SheetShape[]): number {
  const table = shapes.indexOf('table');
  if (table >= 0) return table;
  const rows = shapes.indexOf('rows');
  return rows >= 0 ? rows : 0;
}
