/**
 * Where a sheet's header is when it is not simply the first row. Office exports put a title above the
 * table ("2024年3月 重点客户名单", "客户列表 导出时间：…", merged across the columns), and hand-made
 * sheets group columns under a merged label with the real names on the row below:
 *
 *     | 序号 | 客户姓名 |   联系方式    | 性别 |
 *     |      |          | 手机  | 邮箱  |      |
 *
 * Read naively, the title was the only column and the import refused the file (or, with the second
 * row given, 性别 and the columns after it vanished, the row below having no name for them). Pure.
 */
import { targetForHeader } from './header-synonyms.js';

export interface HeaderRowCandidate {
  rowNumber: number;
  cells: string[];
}

export interface FoundHeader {
  /** The row the header is read from (1 = the first). */
  row: number;
  header: string[];
  /** Rows above `row` that are a title, not column names or data. */
  titleRows: number[];
}

/** Rows looked at for a title and a header (a title is a row or two, never ten). */
export const HEADER_SEARCH_ROWS = 10;

const filled = (cells: string[]) => cells.filter((c) => c.trim() !== '').length;

/** A column name at `index`, from the header row, else from the label above it (a vertical merge). */
function combine(row: HeaderRowCandidate, above: HeaderRowCandidate | undefined): string[] {
  const width = Math.max(row.cells.length, above?.cells.length ?? 0);
  const header = Array.from({ length: width }, (_, i) => (row.cells[i] ?? '').trim());
  if (above && filled(above.cells) >= 2)
    header.forEach((name, i) => {
      if (name === '') header[i] = (above.cells[i] ?? '').trim();
    });
  // Trailing blank names are no columns.
  while (header.length > 0 && header[header.length - 1] === '') header.pop();
  return header;
}

/**
 * The header of `rows` (the sheet's first rows, in order, blank ones left out): the row `explicit`
 * names; else, when the first row holds one cell (a title), the first row holding at least half as
 * many cells as the fullest;
 * a row below it whose every cell is a column name Kith knows (手机, 邮箱) is the second level of a
 * grouped header, and the header is read from it. Blank names are taken from the row above (the
 * label of a merged cell). Null when `explicit` names a row that is not there.
 */
export function findHeader(rows: HeaderRowCandidate[], explicit?: number): FoundHeader | null {
  const at = (n: number) => rows.find((r) => r.rowNumber === n);
  const before = (n: number) => [...rows].reverse().find((r) => r.rowNumber < n);
  if (explicit !== undefined) {
    const row = at(explicit);
    if (!row) return null;
    return { row: explicit, header: combine(row, before(explicit)), titleRows: [] };
  }
  const first = rows[0];
  if (!first) return null;
  const most = Math.max(...rows.map((r) => filled(r.cells)));
  const enough = Math.max(2, Math.ceil(most / 2));
  // Only a first row of one cell is a title: a header naming fewer columns than its data fill is
  // still the header. The row found must name a column Kith knows, so that a first data row under a
  // header of one name is not taken for the header.
  let header =
    filled(first.cells) > 1
      ? first
      : rows.find(
          (r) =>
            filled(r.cells) >= enough &&
            r.cells.some((c) => c.trim() !== '' && targetForHeader(c) !== undefined),
        );
  if (!header) return { row: first.rowNumber, header: combine(first, undefined), titleRows: [] };
  const next = rows[rows.indexOf(header) + 1];
  if (
    next &&
    next.rowNumber === header.rowNumber + 1 &&
    filled(next.cells) > 0 &&
    next.cells.every((c) => c.trim() === '' || targetForHeader(c) !== undefined) &&
    next.cells.some((c, i) => c.trim() !== '' && (header!.cells[i] ?? '').trim() === '')
  )
    header = next;
  const titleRows = rows
    .filter((r) => r.rowNumber < header!.rowNumber && filled(r.cells) < enough)
    .map((r) => r.rowNumber);
  return { row: header.rowNumber, header: combine(header, before(header.rowNumber)), titleRows };
}
