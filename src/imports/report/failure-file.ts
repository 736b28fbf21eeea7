/**
 * Stage 6 of the import pipeline: report. The failure file holds the failed rows with the original
 * columns in their original order plus a last column `error` with the reason; the warnings file holds the
 * rows that were imported with a value left out, with a last column `warning`. Both UTF-8 with a BOM so
 * that Excel shows Chinese correctly, formula-safe, and fit to import again once fixed (their last column
 * is then ignored).
 */
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { PRIVATE_FILE_MODE } from '../../store/private-files.js';
import type { Queryable } from '../../store/transaction.js';
import { protectCell } from '../../domain/csv-cell-safety.js';
import { reportColumns, type ReportKind } from './report-columns.js';

const PAGE = 2000;

export function writeFailureFile(
  db: Queryable,
  importId: string,
  header: string[],
  outPath: string,
): Promise<number> {
  return writeRowFile(db, importId, header, outPath, 'error');
}

export function writeWarningFile(
  db: Queryable,
  importId: string,
  header: string[],
  outPath: string,
): Promise<number> {
  return writeRowFile(db, importId, header, outPath, 'warning');
}

/**
 * The name a report file is downloaded under: the imported file's without its extension, then
 * `-failures.csv` or `-warnings.csv` (客户.xlsx → 客户-failures.csv), so that the history shows which
 * file a re-imported one came from.
 */
export function reportFileName(fileName: string, kind: ReportKind): string {
  return `${reportFileBase(fileName)}-${kind}.csv`;
}

export function reportFileBase(fileName: string): string {
  return path.basename(fileName).replace(/\.[^.]+$/, '');
}

/** A row's stored cells as the file's columns: cut to them, padded with empty ones. */
export function reportCells(cells: string | null, columns: readonly string[]): string[] {
  const values = (JSON.parse(cells ?? '[]') as string[]).slice(0, columns.length);
  while (values.length < columns.length) values.push('');
  return values;
}

/**
 * The rows of a report file, in file order, a page at a time: the failed rows (`error`), or the rows
 * imported with a value left out (`warning`). Their cells only when asked for.
 */
export async function* reportRowPages(
  db: Queryable,
  importId: string,
  kind: 'error' | 'warning',
  withCells: boolean,
) {
  for (let after = 0; ;) {
    let query = db
      .selectFrom('import_rows')
      .select(['row_number', 'error', 'warning'])
      .$if(withCells, (q) => q.select('cells'))
      .where('import_id', '=', importId)
      .where('row_number', '>', after);
    query =
      kind === 'error'
        ? query.where('action', '=', 'failed')
        : query.where('action', '!=', 'failed').where('warning', 'is not', null);
    const rows = await query.orderBy('row_number').limit(PAGE).execute();
    if (rows.length > 0) yield rows;
    if (rows.length < PAGE) return;
    after = rows[rows.length - 1]!.row_number;
  }
}

async function writeRowFile(
  db: Queryable,
  importId: string,
  header: string[],
  outPath: string,
  kind: 'error' | 'warning',
): Promise<number> {
  const out = fs.createWriteStream(outPath, { mode: PRIVATE_FILE_MODE });
  const csv = stringify({ bom: true });
  // A file that cannot be opened or written (a full disk) fails the pipeline, and with it the wait
  // below: piped alone, its error went unhandled (ending the process) and the file never finished.
  const written = pipeline(csv, out);
  written.catch(() => undefined);
  const write = async (record: string[]) => {
    if (!csv.write(record)) await Promise.race([once(csv, 'drain'), written]);
  };
  const columns = reportColumns(header);
  await write([...columns, kind].map(protectCell));
  let count = 0;
  for await (const rows of reportRowPages(db, importId, kind, true))
    for (const row of rows) {
      await write(
        [...reportCells(row.cells ?? null, columns), `row ${row.row_number}: ${row[kind] ?? ''}`].map(
          protectCell,
        ),
      );
      count++;
    }
  csv.end();
  await written;
  return count;
}
