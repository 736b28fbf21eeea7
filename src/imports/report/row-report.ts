/**
 * The failure file or the warnings file as a screen shows it: how many rows, the reasons by kind with
 * their counts (most common first), and the first rows with their values. Read from `import_rows` a
 * page at a time, so a file of a hundred thousand failed rows is summarised without being sent.
 */
import type { Queryable } from '../../store/transaction.js';
import { reportCells, reportRowPages } from './failure-file.js';
import { reportColumns, type ReportKind } from './report-columns.js';
import { failureKinds, reasonKinds } from './reason-kind.js';

export interface RowReport {
  /** The file's columns, as the failure file writes them (without its last `error`/`warning`). */
  columns: string[];
  /** Rows in the file. */
  total: number;
  /**
   * Every reason kind with the rows failing for it (a row failing for two reasons counts under both),
   * most common first; `example_row` is its first row. Of failures, only the causes: a value a failed
   * row would also have left out ("gender was not imported: …") is in its reason but not counted.
   */
  reasons: { reason: string; count: number; example_row: number }[];
  /** The first rows, in file order. */
  rows: { row_number: number; reason: string; cells: string[] }[];
}

export async function readRowReport(
  db: Queryable,
  importId: string,
  header: string[],
  kind: ReportKind,
  firstRows = 10,
): Promise<RowReport> {
  const columns = reportColumns(header);
  const column = kind === 'failures' ? 'error' : 'warning';
  const rows: RowReport['rows'] = [];
  const byKind = new Map<string, { reason: string; count: number; example_row: number }>();
  let total = 0;
  for await (const page of reportRowPages(db, importId, column, false))
    for (const row of page) {
      const reason = row[column] ?? '';
      // A failed row's values that would also be left out are listed beside why it failed, but are
      // no reason for it: only the causes are counted (a row imported with them is in the warnings).
      for (const reasonOfKind of kind === 'failures' ? failureKinds(reason) : reasonKinds(reason)) {
        const seen = byKind.get(reasonOfKind);
        if (seen) seen.count++;
        else byKind.set(reasonOfKind, { reason: reasonOfKind, count: 1, example_row: row.row_number });
      }
      if (rows.length < firstRows) rows.push({ row_number: row.row_number, reason, cells: [] });
      total++;
    }
  // The first rows' values, read once the rows are known (the pages above leave the cells out).
  if (rows.length > 0) {
    const cells = await db
      .selectFrom('import_rows')
      .select(['row_number', 'cells'])
      .where('import_id', '=', importId)
      .where(
        'row_number',
        'in',
        rows.map((r) => r.row_number),
      )
      .execute();
    const byRow = new Map(cells.map((c) => [c.row_number, c.cells]));
    for (const row of rows) row.cells = reportCells(byRow.get(row.row_number) ?? null, columns);
  }
  const reasons = [...byKind.values()].sort((a, b) => b.count - a.count || a.example_row - b.example_row);
  return { columns, total, reasons, rows };
}
